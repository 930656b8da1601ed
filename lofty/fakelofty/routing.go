package fakelofty

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Lead routing: who new leads go to, by type (1, 2 or 4 as the document
// enumerates them: agent, lender and assistant leads) and, for assistant
// leads, custom role. The rules and default rules are the team's
// (Data.Routing); an edit changes them for the caller's later reads.

// RoutingRule is a routing rule (RoutingRule).
type RoutingRule struct {
	ID           int64
	Name         string
	Source       string
	State        string
	County       string
	Tags         []string
	PriceMin     int64
	PriceMax     int64
	LeadType     string
	Days         []int32 // 1-7
	HoursStart   int32
	HoursEnd     int32
	Strategy     int32
	PondID       int64 // a lead pond strategy's pond
	TouchMinutes int32
	Weights      map[int64]int32 // member -> weight
	On           bool
	Updated      time.Time
}

// DefaultRule is a type's default (supplement) rule.
type DefaultRule struct {
	Strategy     int32
	TouchMinutes int32
	AgentID      int64 // the default assignee
	OfficeID     int64 // or the default office
	Updated      time.Time
}

// Routing is the team's routing setup, by business type.
type Routing struct {
	Rules    map[int32][]RoutingRule
	Defaults map[int32]DefaultRule
}

var routingUpdated = time.Date(2026, 1, 5, 16, 0, 0, 0, time.UTC)

// demoRouting: Zillow buyers in Travis County round-robin between John and
// Maria on weekdays; everything else goes to John; leads nobody claims in
// 30 minutes go to John. Lender leads go to Sam.
func demoRouting(d *Data) {
	weekdays := []int32{1, 2, 3, 4, 5}
	d.Routing = Routing{
		Rules: map[int32][]RoutingRule{
			1: {
				{ID: 601, Name: "Zillow buyers, Travis County", Source: "Zillow", State: "TX", County: "Travis", Tags: []string{"Buyer"},
					PriceMin: 300000, PriceMax: 900000, LeadType: "Buyer(2)", Days: weekdays, HoursStart: 8, HoursEnd: 18,
					Strategy: 1, TouchMinutes: 15, Weights: map[int64]int32{DemoUserID: 1, 67893: 1}, On: true, Updated: routingUpdated},
				{ID: 602, Name: "Everything else", Days: weekdays, HoursStart: 8, HoursEnd: 18, Strategy: 0, TouchMinutes: 30,
					Weights: map[int64]int32{DemoUserID: 1}, On: true, Updated: routingUpdated},
			},
			2: {{ID: 611, Name: "Lender leads", Days: []int32{1, 2, 3, 4, 5, 6, 7}, HoursStart: 0, HoursEnd: 23, Strategy: 0,
				TouchMinutes: 60, Weights: map[int64]int32{67894: 1}, On: true, Updated: routingUpdated}},
		},
		Defaults: map[int32]DefaultRule{
			1: {Strategy: 1, TouchMinutes: 30, AgentID: DemoUserID, Updated: routingUpdated},
			2: {Strategy: 1, TouchMinutes: 60, AgentID: 67894, Updated: routingUpdated},
			4: {Strategy: 1, TouchMinutes: 30, AgentID: DemoUserID, Updated: routingUpdated},
		},
	}
}

func init() {
	areaSeeds = append(areaSeeds, demoRouting)
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("GET /v1.0/routing/role/list", f.routingRoles)
		mux.HandleFunc("GET /v1.0/routing/member/list/{type}", f.routingMembers)
		mux.HandleFunc("GET /v1.0/routing/rule/list/{type}", f.routingRules)
		mux.HandleFunc("GET /v1.0/routing/rule/supplement/{type}", f.supplementRule)
		mux.HandleFunc("PUT /v1.0/routing/rule/{type}", f.editRule)
		mux.HandleFunc("PUT /v1.0/routing/rule/supplement/{type}", f.editSupplementRule)
	})
}

// routingRoles are the custom roles leads can be routed by (AssignRole).
func (f *Fake) routingRoles(w http.ResponseWriter, _ *http.Request) {
	out := []map[string]any{}
	for _, cr := range customRoles {
		out = append(out, map[string]any{"id": int64(cr.id), "name": cr.name})
	}
	writeJSON(w, http.StatusOK, out)
}

// routingMembers are the active members leads can be routed to (AssignMember).
func (f *Fake) routingMembers(w http.ResponseWriter, r *http.Request) {
	out := []map[string]any{}
	for _, m := range f.dataFor(r).Team {
		if !m.Inactive {
			out = append(out, map[string]any{"id": m.UserID, "name": m.Name(), "type": int32(1)})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// record is the rule as Lofty's RoutingRule; memberWeights is a map of
// member id to weight.
func (rr *RoutingRule) record(d *Data) map[string]any {
	weights := map[string]any{}
	for id, wt := range rr.Weights {
		weights[itoa(id)] = wt
	}
	strategy := map[string]any{"strategyType": rr.Strategy, "touchMinutes": rr.TouchMinutes, "memberWeights": weights}
	if rr.PondID != 0 {
		strategy["groupId"] = rr.PondID
		for _, p := range d.Ponds {
			if p.ID == rr.PondID {
				strategy["groupName"] = p.Name
			}
		}
	}
	out := map[string]any{"id": rr.ID, "name": rr.Name,
		"activeHours":     map[string]any{"activeDays": orEmpty(rr.Days), "hoursStart": rr.HoursStart, "hoursEnd": rr.HoursEnd},
		"routingStrategy": strategy, "ruleSwitch": rr.On, "updateTime": epochMillis(rr.Updated),
		"tagNames": orEmpty(rr.Tags), "tagMatchType": int32(1), "groupNames": []string{}, "groupMatchType": int32(0)}
	if rr.Source != "" {
		out["sourceName"], out["sourceMatchType"] = rr.Source, int32(1)
	}
	if rr.State != "" || rr.County != "" {
		out["locationRule"] = map[string]any{"locationMatchType": int32(1), "state": rr.State, "county": rr.County}
	}
	if rr.PriceMin != 0 || rr.PriceMax != 0 {
		out["priceMin"], out["priceMax"] = rr.PriceMin, rr.PriceMax
	}
	if rr.LeadType != "" {
		out["leadType"] = rr.LeadType
	}
	return out
}

func (f *Fake) routingRules(w http.ResponseWriter, r *http.Request) {
	d := f.dataFor(r)
	out := []map[string]any{}
	for i := range d.Routing.Rules[int32(pathInt(r, "type"))] {
		out = append(out, d.Routing.Rules[int32(pathInt(r, "type"))][i].record(d))
	}
	writeJSON(w, http.StatusOK, out)
}

// supplementRule serves the default rule of a type.
func (f *Fake) supplementRule(w http.ResponseWriter, r *http.Request) {
	d := f.dataFor(r)
	typ := int32(pathInt(r, "type"))
	dr := d.Routing.Defaults[typ]
	out := map[string]any{"roleId": int32(queryIntOr(r, "roleId", -1)), "businessType": typ,
		"strategyType": dr.Strategy, "touchMinutes": dr.TouchMinutes, "updateTime": epochMillis(dr.Updated)}
	if m := d.member(dr.AgentID); m != nil {
		out["assigneeAgentId"], out["assigneeAgentName"] = m.UserID, m.Name()
	}
	if o := d.office(dr.OfficeID); o != nil {
		out["assigneeGroupId"], out["assigneeGroupName"] = o.ID, o.Name
	}
	writeJSON(w, http.StatusOK, out)
}

// routingProblem answers a refused routing edit as the document's notes
// say Lofty does: 400 with the reason.
func routingProblem(w http.ResponseWriter, why string) {
	writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: "+why)
}

// setTouchMinutes sets *dst to m when one was sent, checked as the
// document's notes say: in (0, 1440], a multiple of 60 beyond an hour. A
// refused value is answered, and it returns false.
func setTouchMinutes(w http.ResponseWriter, dst *int32, m *int32) bool {
	switch {
	case m == nil:
		return true
	case *m <= 0 || *m > 1440 || (*m > 60 && *m%60 != 0):
		routingProblem(w, "touchMinutes must be in (0, 1440], a multiple of 60 beyond 60")
		return false
	}
	*dst = *m
	return true
}

// editRule serves PUT /v1.0/routing/rule/{type}: the rule's hours and
// strategy are replaced, checked as the document's notes say.
func (f *Fake) editRule(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ID          int64 `json:"id"`
		ActiveHours struct {
			ActiveDays []int32 `json:"activeDays"`
			HoursStart *int32  `json:"hoursStart"`
			HoursEnd   *int32  `json:"hoursEnd"`
		} `json:"activeHours"`
		Strategy struct {
			StrategyType *int32                     `json:"strategyType"`
			GroupID      int64                      `json:"groupId"`
			TouchMinutes *int32                     `json:"touchMinutes"`
			Weights      map[string]json.RawMessage `json:"memberWeights"`
		} `json:"routingStrategy"`
	}
	if !readBody(w, r, &body, func(w http.ResponseWriter) { routingProblem(w, "the body is not a RoutingRuleRequest") }) {
		return
	}
	d := f.dataFor(r)
	typ := int32(pathInt(r, "type"))
	i := slices.IndexFunc(d.Routing.Rules[typ], func(rr RoutingRule) bool { return rr.ID == body.ID })
	if i < 0 {
		routingProblem(w, "no routing rule "+itoa(body.ID))
		return
	}
	rule := d.Routing.Rules[typ][i]
	hours := body.ActiveHours
	for _, day := range hours.ActiveDays {
		if day < 1 || day > 7 {
			routingProblem(w, "activeDays must be between 1 and 7")
			return
		}
	}
	for _, h := range []*int32{hours.HoursStart, hours.HoursEnd} {
		if h != nil && (*h < 0 || *h > 23) {
			routingProblem(w, "hours must be between 0 and 23")
			return
		}
	}
	days := slices.Clone(hours.ActiveDays)
	slices.Sort(days)
	rule.Days = slices.Compact(days)
	if hours.HoursStart != nil {
		rule.HoursStart = *hours.HoursStart
	}
	if hours.HoursEnd != nil {
		rule.HoursEnd = *hours.HoursEnd
	}
	s := body.Strategy
	if s.StrategyType != nil {
		rule.Strategy = *s.StrategyType
	}
	if !setTouchMinutes(w, &rule.TouchMinutes, s.TouchMinutes) {
		return
	}
	rule.PondID = s.GroupID
	weights := map[int64]int32{}
	for k, v := range s.Weights {
		id, err := strconv.ParseInt(k, 10, 64)
		var wt int32
		if err != nil || json.Unmarshal(v, &wt) != nil || d.member(id) == nil {
			routingProblem(w, "memberWeights must name members of the team")
			return
		}
		weights[id] = wt
	}
	rule.Weights = weights
	rule.Updated = now()
	f.update(r, func(v *view, _ func(int64) *Lead) {
		rules := maps.Clone(v.data.Routing.Rules)
		list := slices.Clone(rules[typ])
		list[i] = rule
		rules[typ] = list
		v.data.Routing.Rules = rules
	})
	writeJSON(w, http.StatusOK, "success")
}

// editSupplementRule serves PUT /v1.0/routing/rule/supplement/{type}.
func (f *Fake) editSupplementRule(w http.ResponseWriter, r *http.Request) {
	var body struct {
		StrategyType    *int32 `json:"strategyType"`
		TouchMinutes    *int32 `json:"touchMinutes"`
		AssigneeAgentID int64  `json:"assigneeAgentId"`
		AssigneeGroupID int64  `json:"assigneeGroupId"`
	}
	if !readBody(w, r, &body, func(w http.ResponseWriter) { routingProblem(w, "the body is not a SupplementRoutingRuleRequest") }) {
		return
	}
	d := f.dataFor(r)
	typ := int32(pathInt(r, "type"))
	rule := d.Routing.Defaults[typ]
	if body.StrategyType != nil {
		rule.Strategy = *body.StrategyType
	}
	if !setTouchMinutes(w, &rule.TouchMinutes, body.TouchMinutes) {
		return
	}
	switch {
	case body.AssigneeAgentID != 0 && body.AssigneeGroupID != 0:
		routingProblem(w, "give assigneeAgentId or assigneeGroupId, not both")
		return
	case body.AssigneeAgentID != 0 && d.member(body.AssigneeAgentID) == nil:
		routingProblem(w, "no member "+itoa(body.AssigneeAgentID))
		return
	case body.AssigneeGroupID != 0 && d.office(body.AssigneeGroupID) == nil:
		routingProblem(w, "no office "+itoa(body.AssigneeGroupID))
		return
	case body.AssigneeAgentID != 0 || body.AssigneeGroupID != 0:
		rule.AgentID, rule.OfficeID = body.AssigneeAgentID, body.AssigneeGroupID
	}
	rule.Updated = now()
	f.update(r, func(v *view, _ func(int64) *Lead) {
		defaults := maps.Clone(v.data.Routing.Defaults)
		defaults[typ] = rule
		v.data.Routing.Defaults = defaults
	})
	writeJSON(w, http.StatusOK, "success")
}
