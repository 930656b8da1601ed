package fakelofty

import (
	"net/http"
	"time"
)

// Lead routing: who new leads go to, by type (1, 2 or 4 as the document
// enumerates them) and custom role. The rules are read from the team; the
// two edits are answered generically (GenericOperations).

func init() {
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("GET /v1.0/routing/role/list", f.routingRoles)
		mux.HandleFunc("GET /v1.0/routing/member/list/{type}", f.routingMembers)
		mux.HandleFunc("GET /v1.0/routing/rule/list/{type}", f.routingRules)
		mux.HandleFunc("GET /v1.0/routing/rule/supplement/{type}", f.supplementRule)
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

var routingUpdated = time.Date(2026, 1, 5, 16, 0, 0, 0, time.UTC).UnixMilli()

// routingRules: Zillow buyers in Travis County round-robin between John
// and Maria on weekdays; everything else goes to John.
func (f *Fake) routingRules(w http.ResponseWriter, r *http.Request) {
	hours := map[string]any{"activeDays": []int32{1, 2, 3, 4, 5}, "hoursStart": int32(8), "hoursEnd": int32(18)}
	writeJSON(w, http.StatusOK, []map[string]any{
		{"id": int64(601), "name": "Zillow buyers, Travis County", "sourceName": "Zillow", "sourceMatchType": int32(1),
			"locationRule": map[string]any{"locationMatchType": int32(1), "state": "TX", "county": "Travis"},
			"tagNames":     []string{"Buyer"}, "tagMatchType": int32(1), "groupNames": []string{}, "groupMatchType": int32(0),
			"priceMin": int64(300000), "priceMax": int64(900000), "leadType": "Buyer(2)", "activeHours": hours,
			"routingStrategy": map[string]any{"strategyType": int32(1), "groupId": demoOfficeID, "groupName": demoOffice,
				"touchMinutes": int32(15), "memberWeights": map[string]any{itoa(DemoUserID): 1, "67893": 1}},
			"ruleSwitch": true, "updateTime": routingUpdated},
		{"id": int64(602), "name": "Everything else", "activeHours": hours,
			"routingStrategy": map[string]any{"strategyType": int32(0), "touchMinutes": int32(30), "memberWeights": map[string]any{itoa(DemoUserID): 1}},
			"ruleSwitch":      true, "updateTime": routingUpdated},
	})
}

// supplementRule: leads nobody claims in 30 minutes go to John.
func (f *Fake) supplementRule(w http.ResponseWriter, r *http.Request) {
	typ := pathInt(r, "type")
	writeJSON(w, http.StatusOK, map[string]any{"roleId": int32(queryIntOr(r, "roleId", -1)), "businessType": int32(typ),
		"strategyType": int32(1), "touchMinutes": int32(30), "assigneeAgentName": "John Doe", "assigneeAgentId": DemoUserID,
		"assigneeGroupName": demoOffice, "assigneeGroupId": demoOfficeID, "updateTime": routingUpdated})
}
