package fakelofty

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GenericOperations returns the operationIds the fake answers from the
// document alone, in the table's order: those no area of the world
// serves. Such an answer is a 200 built from the documented answer's
// schema (examples where given, else minimal conformant values, ids from
// the demo world), after the request check like every other operation; a
// write among them changes nothing a later read would see. Giving one a
// world-backed handler (an area's routes) takes it off this list by
// itself.
func GenericOperations() []string {
	served := New(nil).served
	var out []string
	for _, op := range operations {
		if served[op.Pattern()] == nil {
			out = append(out, op.ID)
		}
	}
	return out
}

// serveGeneric answers op from its documented 200 schema.
func (f *Fake) serveGeneric(w http.ResponseWriter, r *http.Request, op *Operation) {
	if op.ResponseType == "" {
		w.WriteHeader(http.StatusOK)
		return
	}
	hints := idHints{lead: DemoLeadWithAgent, path: map[string]string{}}
	for _, p := range op.Params {
		switch p.In {
		case InPath:
			hints.path[p.Name] = r.PathValue(p.Name)
		case InQuery:
			if v := r.URL.Query().Get(p.Name); v != "" && p.Name == "leadId" {
				hints.lead, _ = strconv.ParseInt(v, 10, 64)
			}
		}
	}
	if id, err := strconv.ParseInt(hints.path["leadId"], 10, 64); err == nil {
		hints.lead = id
	}
	var body struct {
		LeadID *json.Number `json:"leadId"`
	}
	if r.Body != nil && json.NewDecoder(r.Body).Decode(&body) == nil && body.LeadID != nil {
		hints.lead, _ = body.LeadID.Int64()
	}
	v := sample(op.Response, "", 0, &hints)
	if !strings.Contains(op.ResponseType, "json") && op.ResponseType != "*/*" {
		s, _ := v.(string)
		w.Header().Set("Content-Type", op.ResponseType)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(s))
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// idHints are the world's ids a generic answer uses for id fields.
type idHints struct {
	lead int64
	path map[string]string // the request's path parameters
}

// maxSampleDepth bounds how deep a generic answer nests objects.
const maxSampleDepth = 4

// userIDFields name a team member's user id in Lofty's schemas.
var userIDFields = []string{"userId", "agentId", "agentUserId", "assignedUserId", "assignedAgent", "assignedTo",
	"creatorId", "creatorUserId", "memberUserId", "assignToUid", "lastEditorId", "payTo", "splitPayTo"}

// sample is a minimal value conforming to schema idx: the documented
// example where there is one, ids from the demo world for id fields, else
// the zero value of the type; objects carry every property, arrays one item.
func sample(idx int32, name string, depth int, h *idHints) any {
	s := &schemas[idx]
	if s.Type == TypeInteger {
		if v, ok := h.path[name]; ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return n
			}
		}
		switch {
		case name == "leadId":
			return h.lead
		case name == "teamId":
			return DemoTeamID
		case slices.Contains(userIDFields, name):
			return DemoUserID
		}
	}
	if s.Example != "" {
		return json.RawMessage(s.Example)
	}
	if len(s.Enum) > 0 {
		if s.Type == TypeString {
			return s.Enum[0]
		}
		return json.RawMessage(s.Enum[0])
	}
	switch s.Type {
	case TypeString:
		if s.Format == "date-time" {
			return DemoNow.Format(time.RFC3339)
		}
		if v, ok := h.path[name]; ok {
			return v
		}
		return ""
	case TypeInteger:
		if s.Bounds&HasMin != 0 {
			return int64(s.Min)
		}
		return 0
	case TypeNumber:
		return 0
	case TypeBoolean:
		return false
	case TypeArray:
		if depth >= maxSampleDepth {
			return []any{}
		}
		return []any{sample(s.Items, "", depth+1, h)}
	case TypeObject:
		obj := map[string]any{}
		if depth >= maxSampleDepth {
			return obj
		}
		for _, p := range s.Props {
			obj[p.Name] = sample(p.Schema, p.Name, depth+1, h)
		}
		return obj
	}
	return map[string]any{}
}
