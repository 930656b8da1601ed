package fakelofty

import (
	"net/http"
	"slices"
	"time"
)

// The organization: the company, its offices and permission profiles
// (Agent Organization), and the team's vendor directory (Vendor). Adding
// and updating an office and updating the company change them for the
// caller's later reads: an office is read back in its members' "group"
// (GET /v1.0/members) and in /v1.0/org's visible offices.

// Office is an office of the company (OfficeBo); the company itself is the
// office without a parent.
type Office struct {
	ID, ParentID                                int64
	Name, Phone, PhoneCode, PhoneCountry, Email string
	City, State, Zipcode, Street                string
	AllowManageSub                              bool
	Created, Updated                            time.Time
}

// Company is the company record (CompanyRequest).
type Company struct {
	Name, Phone, PhoneCode, Email, City, State, Zipcode, Street, Header string
}

// Vendor is an entry of the vendor directory (VendorInfo).
type Vendor struct {
	ID, UserID                        int64
	FirstName, LastName, Phone, Email string
	Role, CompanyName, CompanyAddress string
}

// permissionProfiles are the team's permission profiles; each member has one.
var permissionProfiles = []struct {
	id   int64
	name string
}{{301, "Team Leader"}, {302, "Agent"}, {303, "Lender"}}

// demoCompanyID is the company's own group: the offices' parent.
const demoCompanyID int64 = 200

func demoOrg(d *Data) {
	opened := time.Date(2024, 2, 1, 15, 0, 0, 0, time.UTC)
	d.Offices = []Office{{ID: demoOfficeID, ParentID: demoCompanyID, Name: demoOffice, Phone: "5125550100", PhoneCode: "1",
		Email: "north@hillcountryrealty.example.com", City: "Austin", State: "TX", Zipcode: "78758", Street: "11501 Alterra Pkwy",
		AllowManageSub: true, Created: opened, Updated: opened, PhoneCountry: "US"}}
	d.Company = Company{Name: demoCompany, Phone: "5125550199", PhoneCode: "1", Email: "hello@hillcountryrealty.example.com",
		City: "Austin", State: "TX", Zipcode: "78701", Street: "500 Congress Ave"}
	d.Vendors = []Vendor{
		{ID: 701, UserID: DemoUserID, FirstName: "John", LastName: "Doe", Phone: "5550100", Email: "john.doe@example.com",
			Role: "Admin", CompanyName: demoCompany, CompanyAddress: demoCompanyAddress},
		{ID: 702, FirstName: "Tina", LastName: "Nguyen", Phone: "5550177", Email: "tina@titlepros.example.com",
			Role: "Transaction Coordinator", CompanyName: "Title Pros of Austin", CompanyAddress: "301 W 6th St, Austin, TX 78701"},
	}
}

func init() {
	areaSeeds = append(areaSeeds, demoOrg)
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("GET /v1.0/org", f.orgInfo)
		mux.HandleFunc("GET /v1.0/org/permission/profiles", f.permissionProfiles)
		mux.HandleFunc("PUT /v1.0/org/office", func(w http.ResponseWriter, r *http.Request) { f.saveOffice(w, r, true) })
		mux.HandleFunc("POST /v1.0/org/office", func(w http.ResponseWriter, r *http.Request) { f.saveOffice(w, r, false) })
		mux.HandleFunc("POST /v1.0/org/company", f.updateCompany)
		mux.HandleFunc("GET /v1.0/vendor/list", f.vendors)
	})
}

// office returns the office with id id, or nil.
func (d *Data) office(id int64) *Office {
	for i := range d.Offices {
		if d.Offices[i].ID == id {
			return &d.Offices[i]
		}
	}
	return nil
}

// record is the office as Lofty's OfficeBo.
func (o *Office) record(d *Data) map[string]any {
	agents := int32(0)
	for _, m := range d.Team {
		if m.GroupID == o.ID {
			agents++
		}
	}
	return map[string]any{"id": o.ID, "teamId": DemoTeamID, "parentId": o.ParentID, "websiteOwnerId": DemoUserID,
		"name": o.Name, "type": int32(2), "phone": o.Phone, "phoneCode": o.PhoneCode, "phoneCountry": o.PhoneCountry,
		"email": o.Email, "city": o.City, "state": o.State, "zipcode": o.Zipcode, "streetAddress": o.Street,
		"webSiteUrl": "", "createTime": o.Created.Format(time.RFC3339), "updateTime": o.Updated.Format(time.RFC3339),
		"path": "/" + itoa(o.ParentID) + "/" + itoa(o.ID), "showInSite": true, "defaultFlag": o.ID == demoOfficeID,
		"allowManageSub": o.AllowManageSub, "agentCount": agents, "boundNumber": "", "status": "ACTIVE", "layer": int32(2),
		"childPath": ""}
}

// orgInfo is the caller's place in the organization: a single team with
// its offices.
func (f *Fake) orgInfo(w http.ResponseWriter, r *http.Request) {
	d := f.dataFor(r)
	profile := permissionProfiles[0]
	group, groupName := demoOfficeID, demoOffice
	if m := d.member(DemoUserID); m != nil {
		for _, p := range permissionProfiles {
			if p.id == m.PermissionProfle {
				profile = p
			}
		}
		group, groupName = m.GroupID, m.GroupName
	}
	visible := []map[string]any{}
	for _, o := range d.Offices {
		visible = append(visible, map[string]any{"groupId": o.ID, "groupName": o.Name, "parentId": o.ParentID})
	}
	writeJSON(w, http.StatusOK, map[string]any{"orgType": int64(1),
		"enterpriseInfo": map[string]any{"groupId": group, "groupName": groupName, "profileId": profile.id, "profileName": profile.name,
			"visibleOrgInfoList": visible},
		"multiTeamInfo": map[string]any{"multiTeamId": DemoTeamID, "multiTeamName": d.Company.Name}})
}

func (f *Fake) permissionProfiles(w http.ResponseWriter, _ *http.Request) {
	out := []map[string]any{}
	for _, p := range permissionProfiles {
		out = append(out, map[string]any{"id": p.id, "name": p.name})
	}
	writeJSON(w, http.StatusOK, out)
}

// orgAnswer is Lofty's OrganizationOpResponse.
func orgAnswer(w http.ResponseWriter, code int32, msg string, data any) {
	out := map[string]any{"code": code, "message": msg}
	if data != nil {
		out["data"] = data
	}
	writeJSON(w, http.StatusOK, out)
}

// saveOffice serves PUT /v1.0/org/office (add, as the document has it)
// and POST /v1.0/org/office (update): the fields sent replace the office's,
// those left out stay.
func (f *Fake) saveOffice(w http.ResponseWriter, r *http.Request, add bool) {
	var body struct {
		ID             int64  `json:"id"`
		ParentID       int64  `json:"parentId"`
		Name           string `json:"name"`
		Phone          string `json:"phone"`
		PhoneCode      string `json:"phoneCode"`
		PhoneCountry   string `json:"phoneCountry"`
		Email          string `json:"email"`
		City           string `json:"city"`
		State          string `json:"state"`
		Zipcode        string `json:"zipcode"`
		StreetAddress  string `json:"streetAddress"`
		AllowManageSub *bool  `json:"allowManageSub"`
	}
	if !readBody(w, r, &body, func(w http.ResponseWriter) { orgAnswer(w, 20012, "INVALID_PARAMETER: not an OfficeRequest", nil) }) {
		return
	}
	d := f.dataFor(r)
	var o Office
	switch {
	case add && blank(body.Name):
		orgAnswer(w, 20012, "INVALID_PARAMETER: an office needs a name", nil)
		return
	case add:
		o = Office{ParentID: body.ParentID, Created: now()}
		if o.ParentID == 0 {
			o.ParentID = demoCompanyID
		}
	default:
		cur := d.office(body.ID)
		if cur == nil {
			writeText(w, http.StatusNotFound, "Office not found")
			return
		}
		o = *cur
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&o.Name, body.Name)
	set(&o.Phone, body.Phone)
	set(&o.PhoneCode, body.PhoneCode)
	set(&o.PhoneCountry, body.PhoneCountry)
	set(&o.Email, body.Email)
	set(&o.City, body.City)
	set(&o.State, body.State)
	set(&o.Zipcode, body.Zipcode)
	set(&o.Street, body.StreetAddress)
	if body.AllowManageSub != nil {
		o.AllowManageSub = *body.AllowManageSub
	}
	o.Updated = now()
	f.update(r, func(v *view, _ func(int64) *Lead) {
		offices := slices.Clone(v.data.Offices)
		if add {
			o.ID = f.newIDLocked()
			offices = append(offices, o)
		} else if i := slices.IndexFunc(offices, func(x Office) bool { return x.ID == o.ID }); i >= 0 {
			offices[i] = o
		}
		v.data.Offices = offices
		team := slices.Clone(v.data.Team)
		for i := range team {
			if team[i].GroupID == o.ID {
				team[i].GroupName = o.Name
			}
		}
		v.data.Team = team
	})
	orgAnswer(w, 0, "success", map[string]any{"id": o.ID})
}

// updateCompany serves POST /v1.0/org/company: the fields sent replace
// the company's.
func (f *Fake) updateCompany(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name, Phone, PhoneCode, PhoneCountry, Email, City, State, Zipcode, StreetAddress, Header string
	}
	if !readBody(w, r, &body, func(w http.ResponseWriter) { orgAnswer(w, 20012, "INVALID_PARAMETER: not a CompanyRequest", nil) }) {
		return
	}
	f.update(r, func(v *view, _ func(int64) *Lead) {
		c := v.data.Company
		for dst, val := range map[*string]string{&c.Name: body.Name, &c.Phone: body.Phone, &c.PhoneCode: body.PhoneCode,
			&c.Email: body.Email, &c.City: body.City, &c.State: body.State, &c.Zipcode: body.Zipcode,
			&c.Street: body.StreetAddress, &c.Header: body.Header} {
			if val != "" {
				*dst = val
			}
		}
		v.data.Company = c
	})
	orgAnswer(w, 0, "success", nil)
}

// vendors serves GET /v1.0/vendor/list.
func (f *Fake) vendors(w http.ResponseWriter, r *http.Request) {
	out := []map[string]any{}
	for _, v := range f.dataFor(r).Vendors {
		out = append(out, map[string]any{"id": v.ID, "agentUserId": v.UserID, "firstName": v.FirstName, "lastName": v.LastName,
			"phoneNumber": v.Phone, "phoneCode": "1", "phoneCountry": "US", "email": v.Email, "roleName": v.Role,
			"companyName": v.CompanyName, "companyAddress": v.CompanyAddress})
	}
	writeJSON(w, http.StatusOK, out)
}
