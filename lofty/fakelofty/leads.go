package fakelofty

import (
	"encoding/base64"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// leadRoutes adds the fake's lead-lookup and Sales Agents V2 endpoints, as
// Lofty's OpenAPI document describes them.
func (f *Fake) leadRoutes(mux *router) {
	mux.HandleFunc("GET /v1.0/leads", f.listLeads)
	mux.HandleFunc("GET /v1.0/leads/{leadId}", func(w http.ResponseWriter, r *http.Request) { f.getLead(w, r, r.PathValue("leadId")) })
	mux.HandleFunc("GET /v2.0/sales-agents/current", func(w http.ResponseWriter, r *http.Request) { f.currentSalesAgent(w) })
	mux.HandleFunc("GET /v2.0/sales-agents/quota", func(w http.ResponseWriter, r *http.Request) { f.salesAgentQuota(w, r) })
	mux.HandleFunc("GET /v2.0/sales-agents/working-lead/{leadId}", func(w http.ResponseWriter, r *http.Request) {
		f.checkWorkingLead(w, r, r.PathValue("leadId"))
	})
	mux.HandleFunc("GET /v2.0/working-leads", f.workingLeads)
	mux.HandleFunc("GET /v2.0/sales-agent/lead/mute-status", f.muteStatus)
	mux.HandleFunc("GET /v2.0/plan-tasks/lead/{leadId}", func(w http.ResponseWriter, r *http.Request) { f.planTasks(w, r, r.PathValue("leadId")) })
}

// DefaultLeadsLimit is the page size of /v1.0/leads without a limit.
const DefaultLeadsLimit = 10

// visibleLeads returns the leads the caller may see, newest first (Lofty's
// default order), ties broken by descending lead ID.
func (f *Fake) visibleLeads(r *http.Request) []*Lead {
	var out []*Lead
	for _, l := range f.dataFor(r).Leads {
		if !l.Forbidden && !l.Trashed {
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CreateTime != out[j].CreateTime {
			return out[i].CreateTime > out[j].CreateTime
		}
		return out[i].ID > out[j].ID
	})
	return out
}

// scrollID is the fake's opaque cursor for the page starting at offset.
func scrollID(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("fake-scroll:" + strconv.Itoa(offset)))
}

func parseScrollID(s string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(b), "fake-scroll:")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n >= 0
}

// digits keeps the digits of a phone number.
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// samePhone compares phone numbers by their digits, ignoring a leading
// country code 1 ("+1 415 555 1234" is "4155551234").
func samePhone(a, b string) bool {
	a, b = strings.TrimPrefix(digits(a), "1"), strings.TrimPrefix(digits(b), "1")
	return a != "" && a == b
}

// matches applies /v1.0/leads filters (combined with AND).
func (l *Lead) matches(q map[string]string, assignedUserID int64) bool {
	if key := strings.ToLower(strings.TrimSpace(q["key"])); key != "" {
		hit := strings.Contains(strings.ToLower(l.Name), key)
		for _, e := range l.Emails() {
			hit = hit || strings.Contains(strings.ToLower(e), key)
		}
		if d := digits(key); len(d) >= 3 && !strings.ContainsFunc(key, unicode.IsLetter) {
			for _, p := range l.Phones {
				hit = hit || strings.Contains(digits(p), d)
			}
		}
		if !hit {
			return false
		}
	}
	if email := strings.TrimSpace(q["email"]); email != "" {
		hit := false
		for _, e := range l.Emails() {
			hit = hit || strings.EqualFold(e, email)
		}
		if !hit {
			return false
		}
	}
	if phone := strings.TrimSpace(q["phone"]); phone != "" {
		hit := false
		for _, p := range l.Phones {
			hit = hit || samePhone(p, phone)
		}
		if !hit {
			return false
		}
	}
	if stage := strings.TrimSpace(q["stage"]); stage != "" && !strings.EqualFold(l.Stage, stage) {
		return false
	}
	if assignedUserID != 0 && l.AssignedUserID != assignedUserID {
		return false
	}
	return true
}

// listLeads serves GET /v1.0/leads: filters, offset or scrollId paging, and
// the paging metadata under "_metadata" as Lofty sends it.
func (f *Fake) listLeads(w http.ResponseWriter, r *http.Request) {
	if l := f.liveConfig(); l != nil && l.PageCap > 0 {
		f.listLeadsLive(w, r, l)
		return
	}
	query := r.URL.Query()
	limit := DefaultLeadsLimit
	if v := query.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeText(w, http.StatusBadRequest, "LIMIT_NOT_VALID: limit must be in [1, 100]")
			return
		}
		limit = n
	}
	offset := 0
	if v := query.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: offset must be a non-negative integer")
			return
		}
		offset = n
	}
	if v := query.Get("scrollId"); v != "" {
		n, ok := parseScrollID(v)
		if !ok {
			writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: scrollId is not valid or has expired")
			return
		}
		offset = n
	}
	var assigned int64
	if v := query.Get("assignedUserId"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: assignedUserId must be an integer")
			return
		}
		assigned = n
	}
	filters := map[string]string{}
	for _, name := range []string{"key", "email", "phone", "stage"} {
		filters[name] = query.Get(name)
	}
	var hits []*Lead
	for _, l := range f.visibleLeads(r) {
		if l.matches(filters, assigned) {
			hits = append(hits, l)
		}
	}
	page := []map[string]any{}
	for i := offset; i < len(hits) && i < offset+limit; i++ {
		page = append(page, hits[i].Record())
	}
	meta := map[string]any{"collection": "leads", "limit": limit, "offset": offset, "total": len(hits)}
	if offset+limit < len(hits) {
		meta["scrollId"] = scrollID(offset + limit)
	}
	writeJSON(w, http.StatusOK, map[string]any{"_metadata": meta, "leads": page})
}

// getLead serves GET /v1.0/leads/{leadId}, the lead wrapped under "lead".
// Lofty answers 404 LEAD_NOT_EXIST for a lead the caller cannot see.
func (f *Fake) getLead(w http.ResponseWriter, r *http.Request, raw string) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: leadId must be a positive integer")
		return
	}
	l, ok := f.dataFor(r).Leads[id]
	if !ok || l.Forbidden || (l.Trashed && r.URL.Query().Get("withTrash") != "true") {
		writeJSON(w, http.StatusNotFound, map[string]any{"code": 20006, "message": "LEAD_NOT_EXIST"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"lead": l.Record()})
}

func (f *Fake) currentSalesAgent(w http.ResponseWriter) {
	if f.data.CurrentSalesAgent == nil {
		writeText(w, http.StatusNotFound, "Sales Agent not found for the current user.")
		return
	}
	writeJSON(w, http.StatusOK, f.data.CurrentSalesAgent)
}

func (f *Fake) salesAgentQuota(w http.ResponseWriter, r *http.Request) {
	if f.data.Quota != nil {
		writeJSON(w, http.StatusOK, f.data.Quota)
		return
	}
	const total = 100
	used := 0
	for _, l := range f.visibleLeads(r) {
		if l.AIStage != "" {
			used++
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"totalQuota":        int64(total),
		"usedQuota":         int32(used),
		"remainingQuota":    int64(total - used),
		"hasQuotaAvailable": used < total,
		"usagePercentage":   float64(used) * 100 / total,
		"isBorrowed":        false,
		"borrowLevel":       "SELF",
	})
}

// accessibleLead finds the lead of a Sales Agents V2 call: 400 for a bad ID,
// 403 for a lead the caller cannot access (or that does not exist).
func (f *Fake) accessibleLead(w http.ResponseWriter, r *http.Request, raw string, badID func(http.ResponseWriter)) (*Lead, bool) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		badID(w)
		return nil, false
	}
	l, ok := f.dataFor(r).Leads[id]
	if !ok || l.Forbidden {
		writeText(w, http.StatusForbidden, "Caller does not have access to this lead.")
		return nil, false
	}
	return l, true
}

func badLeadIDText(w http.ResponseWriter) {
	writeText(w, http.StatusBadRequest, "Invalid lead ID parameter.")
}

// checkWorkingLead answers a WorkingLeadV2 for a working lead and an empty
// object otherwise.
func (f *Fake) checkWorkingLead(w http.ResponseWriter, r *http.Request, raw string) {
	l, ok := f.accessibleLead(w, r, raw, badLeadIDText)
	if !ok {
		return
	}
	if l.AIStage == "" {
		writeJSON(w, http.StatusOK, map[string]any{})
		return
	}
	writeJSON(w, http.StatusOK, l.WorkingLead())
}

var (
	aiStages     = map[string]bool{"HIGH_PRIORITY": true, "AI_PROSPECTING": true, "AI_MONITORING": true}
	workingSorts = map[string]bool{"Default": true, "CreateTime": true, "UpdateTime": true}
)

// workingLeads serves GET /v2.0/working-leads (limit default 20, max 100).
func (f *Fake) workingLeads(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	stage := q.Get("aiStage")
	if stage != "" && !aiStages[stage] {
		writeText(w, http.StatusBadRequest, "Invalid aiStage: "+strconv.Quote(stage))
		return
	}
	limit, offset := 20, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeText(w, http.StatusBadRequest, "Invalid limit: must be 1-100")
			return
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeText(w, http.StatusBadRequest, "Invalid offset")
			return
		}
		offset = n
	}
	if v := q.Get("sort"); v != "" && !workingSorts[v] {
		writeText(w, http.StatusBadRequest, "Invalid sort: "+strconv.Quote(v))
		return
	}
	desc := true
	if v := q.Get("desc"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			writeText(w, http.StatusBadRequest, "Invalid desc")
			return
		}
		desc = b
	}
	var hits []*Lead
	for _, l := range f.dataFor(r).Leads {
		if l.AIStage != "" && !l.Forbidden && (stage == "" || l.AIStage == stage) {
			hits = append(hits, l)
		}
	}
	// The fake keeps one timestamp per working lead; every sort uses it.
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.WorkingSince != b.WorkingSince {
			return (a.WorkingSince > b.WorkingSince) == desc
		}
		return (a.ID > b.ID) == desc
	})
	page := []map[string]any{}
	for i := offset; i < len(hits) && i < offset+limit; i++ {
		page = append(page, hits[i].WorkingLead())
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"workingLeads": page,
		"metadata":     map[string]any{"total": len(hits), "count": len(page), "offset": offset, "limit": limit},
	})
}

// muteStatus answers {"data": {"mute": "true"|"false"}}: Lofty sends the flag as a string.
func (f *Fake) muteStatus(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query().Get("leadId")
	if v == "" {
		writeText(w, http.StatusBadRequest, "Invalid lead ID parameter.")
		return
	}
	l, ok := f.accessibleLead(w, r, v, badLeadIDText)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"mute": strconv.FormatBool(l.Muted)}})
}

func (f *Fake) planTasks(w http.ResponseWriter, r *http.Request, raw string) {
	l, ok := f.accessibleLead(w, r, raw, badLeadIDText)
	if !ok {
		return
	}
	tasks := l.PlanTasks
	if tasks == nil {
		tasks = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, tasks)
}
