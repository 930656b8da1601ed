package fakelofty

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The team: members (UserResponse) and the demo person among them
// (GET /v1.0/me), the Members and Agents V2 operations.

// Member is a team member, rendered as Lofty's UserResponse. UserID is
// both the record's id and its memberUserId: the id leads, tasks and
// calls are assigned by.
type Member struct {
	UserID           int64
	FirstName        string
	LastName         string
	Email            string
	Phone            string
	Role             int32 // 0 agent, 1 admin, 2 lender, ...
	RoleName         string
	Admin            bool
	GroupID          int64 // office
	GroupName        string
	Inactive         bool // deactivated (Agents V2)
	VirtualNumber    string
	LicenseID        string
	NewLeads, Leads  int32 // newLeadCount, assignedLeadCount
	PermissionProfle int64 // permission profile id (org.go)
	Tags             []string
}

// Name is "First Last".
func (m *Member) Name() string { return strings.TrimSpace(m.FirstName + " " + m.LastName) }

// Record is the member as Lofty's UserResponse, with their office's
// record (OfficeBo) when d has it.
func (m *Member) Record(d *Data) map[string]any {
	status, account := int32(1), "ACTIVE"
	if m.Inactive {
		status, account = 0, "INACTIVE"
	}
	out := map[string]any{
		"id": m.UserID, "teamId": DemoTeamID, "invitorUserId": DemoUserID, "memberUserId": m.UserID,
		"role": m.Role, "roleName": m.RoleName, "firstLetter": m.FirstName[:1], "email": m.Email,
		"firstName": m.FirstName, "lastName": m.LastName, "phoneNumber": m.Phone, "status": status,
		"virtualNumber": m.VirtualNumber, "newLeadCount": m.NewLeads, "assignedLeadCount": m.Leads,
		"isAdmin": m.Admin, "timeZoneId": DemoTimeZone, "groupId": m.GroupID, "groupName": m.GroupName,
		"accountStatus": account,
		"agentInfo": map[string]any{"licenseId": m.LicenseID, "position": m.RoleName, "companyName": demoCompany,
			"companyAddress": demoCompanyAddress, "mlsAgentId": "", "agentPid": ""},
	}
	if d != nil {
		if o := d.office(m.GroupID); o != nil {
			out["group"] = o.record(d)
		}
	}
	return out
}

const (
	demoCompany              = "Hill Country Realty Group"
	demoCompanyAddress       = "500 Congress Ave, Austin, TX 78701"
	demoOfficeID       int64 = 201
	demoOffice               = "North Austin Office"
)

// demoTeam is the demo person's team; John Doe, the demo person, first.
func demoTeam() []Member {
	office := func(m Member) Member {
		m.GroupID, m.GroupName = demoOfficeID, demoOffice
		return m
	}
	return []Member{
		office(Member{UserID: DemoUserID, FirstName: "John", LastName: "Doe", Email: "john.doe@example.com", Phone: "+15125550100",
			Role: 1, RoleName: "Team Leader", Admin: true, VirtualNumber: "+14155550123", LicenseID: "TX-0612345",
			NewLeads: 3, Leads: 10, PermissionProfle: 301}),
		office(Member{UserID: 67892, FirstName: "Ada", LastName: "Edge", Email: "ada.edge@example.com", Phone: "+15125550102",
			RoleName: "Agent", LicenseID: "TX-0698765", Leads: 4, PermissionProfle: 302}),
		office(Member{UserID: 67893, FirstName: "Maria", LastName: "Garcia", Email: "maria.garcia@example.com", Phone: "+15125550103",
			RoleName: "Agent", LicenseID: "TX-0654321", Leads: 21, PermissionProfle: 302}),
		office(Member{UserID: 67894, FirstName: "Sam", LastName: "Lee", Email: "sam.lee@example.com", Phone: "+15125550104",
			Role: 2, RoleName: "Lender", Leads: 0, PermissionProfle: 303}),
	}
}

// DemoMe is the UserResponse GET /v1.0/me answers by default: John Doe,
// the demo person, whose book the demo leads are.
var DemoMe = func() map[string]any { t := demoTeam(); return t[0].Record(nil) }()

// member returns the team member with user id id, or nil.
func (d *Data) member(id int64) *Member {
	for i := range d.Team {
		if d.Team[i].UserID == id {
			return &d.Team[i]
		}
	}
	return nil
}

// memberByEmail returns the team member whose account is email, or nil.
func (d *Data) memberByEmail(email string) *Member {
	for i := range d.Team {
		if strings.EqualFold(d.Team[i].Email, strings.TrimSpace(email)) {
			return &d.Team[i]
		}
	}
	return nil
}

func init() {
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("GET /v1.0/members", f.listMembers)
		mux.HandleFunc("GET /v1.0/members/{account}", f.memberByAccount)
		mux.HandleFunc("GET /v1.0/users/{userId}", f.memberByID)
		mux.HandleFunc("POST /v2.0/agents/{agentId}/deactivate", func(w http.ResponseWriter, r *http.Request) { f.setActive(w, r, false) })
		mux.HandleFunc("POST /v2.0/agents/{agentId}/reactivate", func(w http.ResponseWriter, r *http.Request) { f.setActive(w, r, true) })
		mux.HandleFunc("POST /v1.0/agent/profile/add", f.addAgent)
		mux.HandleFunc("POST /v1.0/agent/{agentId}/tag/add", f.tagAgent)
	})
	areaSeeds = append(areaSeeds, func(d *Data) {
		d.AgentTags = []string{"Top Producer", "Mentor", "Luxury", "Spanish Speaking"}
		for i := range d.Team {
			if d.Team[i].UserID == 67893 {
				d.Team[i].Tags = []string{"Top Producer", "Spanish Speaking"}
			}
		}
	})
}

// ServeMe answers GET /v1.0/me (after the credential check) with the
// caller's UserResponse: SetMe's, else the data's demo person, else DemoMe.
func (f *Fake) ServeMe(w http.ResponseWriter, r *http.Request) {
	f.oauth.mu.Lock()
	me := f.oauth.me
	f.oauth.mu.Unlock()
	if me == nil {
		if d := f.dataFor(r); d.member(DemoUserID) != nil {
			me = d.member(DemoUserID).Record(d)
		} else {
			me = DemoMe
		}
	}
	writeJSON(w, http.StatusOK, me)
}

// listMembers serves GET /v1.0/members: offset paging (limit default 25),
// filtered by office (groupIds), with the paging under "_metadata".
func (f *Fake) listMembers(w http.ResponseWriter, r *http.Request) {
	var groups []string
	for _, v := range r.URL.Query()["groupIds"] {
		groups = append(groups, strings.Split(v, ",")...)
	}
	var hits []map[string]any
	d := f.dataFor(r)
	for _, m := range d.Team {
		if len(groups) == 0 || slices.Contains(groups, itoa(m.GroupID)) {
			hits = append(hits, m.Record(d))
		}
	}
	offset, limit := queryIntOr(r, "offset", 0), queryIntOr(r, "limit", 25)
	writeJSON(w, http.StatusOK, map[string]any{
		"_metadata": map[string]any{"collection": "members", "offset": offset, "limit": limit, "total": len(hits)},
		"members":   window(orEmpty(hits), offset, limit),
	})
}

func (f *Fake) memberByAccount(w http.ResponseWriter, r *http.Request) {
	if d := f.dataFor(r); d.memberByEmail(r.PathValue("account")) != nil {
		writeJSON(w, http.StatusOK, d.memberByEmail(r.PathValue("account")).Record(d))
		return
	}
	notFound(w, "Member")
}

func (f *Fake) memberByID(w http.ResponseWriter, r *http.Request) {
	if d := f.dataFor(r); d.member(pathInt(r, "userId")) != nil {
		writeJSON(w, http.StatusOK, d.member(pathInt(r, "userId")).Record(d))
		return
	}
	notFound(w, "Member")
}

// setActive serves the Agents V2 deactivate and reactivate operations:
// the member's accountStatus changes for the caller's later reads. As the
// document says, the agent must be active to deactivate and deactivated to
// reactivate, and the caller cannot deactivate themselves.
func (f *Fake) setActive(w http.ResponseWriter, r *http.Request, active bool) {
	id := pathInt(r, "agentId")
	m := f.dataFor(r).member(id)
	switch {
	case m == nil:
		writeJSON(w, http.StatusOK, map[string]any{"code": 20007, "message": "RESOURCE_NOT_EXIST: no agent " + itoa(id)})
		return
	case !active && id == DemoUserID:
		writeJSON(w, http.StatusOK, map[string]any{"code": 20017, "message": "PERMISSION_DENIED: you cannot deactivate yourself"})
		return
	case m.Inactive != active:
		state := "active"
		if m.Inactive {
			state = "deactivated"
		}
		writeJSON(w, http.StatusOK, map[string]any{"code": 20012, "message": "INVALID_PARAMETER: the agent is already " + state})
		return
	}
	f.update(r, func(v *view, _ func(int64) *Lead) {
		team := slices.Clone(v.data.Team)
		for i := range team {
			if team[i].UserID == id {
				team[i].Inactive = !active
			}
		}
		v.data.Team = team
	})
	writeJSON(w, http.StatusOK, map[string]any{"code": 0, "message": "success", "data": map[string]any{"agentId": id, "active": active}})
}

// agentAnswer is Lofty's AddAgentResponse / AddAgentTagResponse.
func agentAnswer(w http.ResponseWriter, data any, code int32, msg string) {
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "errorCode": code, "errorMsg": msg})
}

// addAgent serves POST /v1.0/agent/profile/add: a new member of the demo
// office (or the office given), with the permission profile named by
// roleName when there is one (an unknown name is ignored, as the document
// says); an email already on the team is refused.
func (f *Fake) addAgent(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Account struct {
			FirstName, LastName, EmailAddress, PhoneNumber, PhoneCode, RoleName string
			GroupID                                                             int64
		} `json:"accountInfo"`
		Work struct {
			LicenseID string `json:"licenseId"`
		} `json:"workInfo"`
	}
	if !readBody(w, r, &body, func(w http.ResponseWriter) { agentAnswer(w, int64(0), 20012, "INVALID_PARAMETER: not an AgentProfile") }) {
		return
	}
	a := body.Account
	d := f.dataFor(r)
	switch {
	case blank(a.EmailAddress) || blank(a.PhoneNumber):
		agentAnswer(w, int64(0), 20012, "INVALID_PARAMETER: emailAddress and phoneNumber are required")
		return
	case d.memberByEmail(a.EmailAddress) != nil:
		agentAnswer(w, int64(0), 310105, "ACCOUNT_EXISTS: "+a.EmailAddress+" is already on the team")
		return
	}
	m := Member{FirstName: a.FirstName, LastName: a.LastName, Email: strings.TrimSpace(a.EmailAddress), RoleName: "Agent",
		PermissionProfle: 302, GroupID: demoOfficeID, GroupName: demoOffice, LicenseID: body.Work.LicenseID}
	code := a.PhoneCode
	if code == "" {
		code = "1"
	}
	m.Phone = "+" + code + a.PhoneNumber
	for _, p := range permissionProfiles {
		if strings.EqualFold(p.name, a.RoleName) {
			m.RoleName, m.PermissionProfle = p.name, p.id
		}
	}
	if o := d.office(a.GroupID); o != nil {
		m.GroupID, m.GroupName = o.ID, o.Name
	}
	f.update(r, func(v *view, _ func(int64) *Lead) {
		m.UserID = f.newIDLocked()
		v.data.Team = append(slices.Clone(v.data.Team), m)
	})
	agentAnswer(w, m.UserID, 0, "")
}

// tagAgent serves POST /v1.0/agent/{agentId}/tag/add: up to 20 tags; one
// the team does not have is created with autoCreate, else refused.
func (f *Fake) tagAgent(w http.ResponseWriter, r *http.Request) {
	var body struct {
		TagNames   []string `json:"tagNames"`
		AutoCreate bool     `json:"autoCreate"`
	}
	if !readBody(w, r, &body, func(w http.ResponseWriter) { agentAnswer(w, false, 20012, "INVALID_PARAMETER: not an AgentTagRequest") }) {
		return
	}
	id := pathInt(r, "agentId")
	d := f.dataFor(r)
	switch {
	case d.member(id) == nil:
		writeJSON(w, http.StatusNotFound, map[string]any{"data": false, "errorCode": 20007, "errorMsg": "RESOURCE_NOT_EXIST: no agent " + itoa(id)})
		return
	case len(body.TagNames) == 0 || len(body.TagNames) > 20:
		agentAnswer(w, false, 20012, "INVALID_PARAMETER: tagNames must hold 1 to 20 names")
		return
	}
	for _, t := range body.TagNames {
		if blank(t) || (!body.AutoCreate && !slices.Contains(d.AgentTags, t)) {
			agentAnswer(w, false, 20012, "INVALID_PARAMETER: no agent tag "+strconv.Quote(t))
			return
		}
	}
	f.update(r, func(v *view, _ func(int64) *Lead) {
		tags := slices.Clone(v.data.AgentTags)
		team := slices.Clone(v.data.Team)
		for i := range team {
			if team[i].UserID != id {
				continue
			}
			own := slices.Clone(team[i].Tags)
			for _, t := range body.TagNames {
				if !slices.Contains(tags, t) {
					tags = append(tags, t)
				}
				if !slices.Contains(own, t) {
					own = append(own, t)
				}
			}
			team[i].Tags = own
		}
		v.data.AgentTags, v.data.Team = tags, team
	})
	agentAnswer(w, true, 0, "")
}
