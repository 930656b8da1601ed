package fakelofty

import "net/http"

// The organization: the demo team's office and permission profiles
// (Agent Organization). Changing offices and the company is answered
// generically (GenericOperations).

// permissionProfiles are the team's permission profiles; each member has one.
var permissionProfiles = []struct {
	id   int64
	name string
}{{301, "Team Leader"}, {302, "Agent"}, {303, "Lender"}}

func init() {
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("GET /v1.0/org", f.orgInfo)
		mux.HandleFunc("GET /v1.0/org/permission/profiles", f.permissionProfiles)
	})
}

// orgInfo is the caller's place in the organization: a single team
// (orgType 1) with one office.
func (f *Fake) orgInfo(w http.ResponseWriter, r *http.Request) {
	profile := permissionProfiles[0]
	if m := f.dataFor(r).member(DemoUserID); m != nil {
		for _, p := range permissionProfiles {
			if p.id == m.PermissionProfle {
				profile = p
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"orgType": int64(1),
		"enterpriseInfo": map[string]any{"groupId": demoOfficeID, "groupName": demoOffice, "profileId": profile.id, "profileName": profile.name,
			"visibleOrgInfoList": []map[string]any{{"groupId": demoOfficeID, "groupName": demoOffice, "parentId": int64(200)}}},
		"multiTeamInfo": map[string]any{"multiTeamId": DemoTeamID, "multiTeamName": demoCompany}})
}

func (f *Fake) permissionProfiles(w http.ResponseWriter, _ *http.Request) {
	out := []map[string]any{}
	for _, p := range permissionProfiles {
		out = append(out, map[string]any{"id": p.id, "name": p.name})
	}
	writeJSON(w, http.StatusOK, out)
}
