package fakelofty

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Lead writes: creating, editing and trashing leads, their property and
// inquiry, and looking leads up by contact (Leads). Each changes only the
// writing credential's view.

// leadFields are the LeadRequest and EditLeadRequest fields the fake keeps.
type leadFields struct {
	FirstName      *string  `json:"firstName"`
	LastName       *string  `json:"lastName"`
	Emails         []string `json:"emails"`
	Phones         []string `json:"phones"`
	LeadTypes      []int32  `json:"leadTypes"`
	AssignedUserID int64    `json:"assignedUserId"`
	Street         *string  `json:"streetAddress"`
	City           *string  `json:"city"`
	State          *string  `json:"state"`
	ZipCode        *string  `json:"zipCode"`
	Stage          string   `json:"stage"`
	Source         string   `json:"source"`
	Segments       []string `json:"segments"`
	Tags           []string `json:"tags"`
	TagsAdd        []string `json:"tagsAdd"`
	TagsRemove     []string `json:"tagsRemove"`
	ClearAllTags   bool     `json:"clearAllTags"`
	BuyingTime     string   `json:"buyingTimeFrame"`
	SellingTime    string   `json:"sellingTimeFrame"`
	Language       string   `json:"language"`
	CannotText     *bool    `json:"cannotText"`
	CannotCall     *bool    `json:"cannotCall"`
	CannotEmail    *bool    `json:"cannotEmail"`
	Unsubscription *bool    `json:"unsubscription"`
	Content        string   `json:"content"` // LeadRequest: a first note
	IsPin          bool     `json:"isPin"`
}

// apply writes the fields sent into l; a stage must be one of the
// pipeline's and an assignee a team member.
func (b *leadFields) apply(d *Data, l *Lead) string {
	if b.Stage != "" {
		id := d.stageID(b.Stage)
		if id == 0 && len(d.Stages) > 0 {
			return "stage " + b.Stage + " is not a stage of the lead pipeline"
		}
		l.Stage, l.StageID = b.Stage, id
	}
	if b.AssignedUserID != 0 {
		m := d.member(b.AssignedUserID)
		if m == nil {
			return "assignedUserId is not a team member"
		}
		l.AssignedUserID, l.AssignedUser = m.UserID, m.Name()
	}
	first, last := l.FirstName(), l.LastName()
	if b.FirstName != nil {
		first = *b.FirstName
	}
	if b.LastName != nil {
		last = *b.LastName
	}
	l.Name = strings.TrimSpace(first + " " + last)
	if b.Emails != nil {
		l.Email, l.MoreEmails = "", nil
		if len(b.Emails) > 0 {
			l.Email, l.MoreEmails = b.Emails[0], slices.Clone(b.Emails[1:])
		}
	}
	for _, s := range []struct {
		from *string
		to   *string
	}{{b.Street, &l.StreetAddress}, {b.City, &l.City}, {b.State, &l.State}, {b.ZipCode, &l.ZipCode}} {
		if s.from != nil {
			*s.to = *s.from
		}
	}
	for _, s := range []struct{ from, to *string }{{&b.Source, &l.Source}, {&b.BuyingTime, &l.BuyingTimeFrame},
		{&b.SellingTime, &l.SellingTimeFrame}, {&b.Language, &l.Language}} {
		if *s.from != "" {
			*s.to = *s.from
		}
	}
	if b.Phones != nil {
		l.Phones = slices.Clone(b.Phones)
	}
	if b.LeadTypes != nil {
		l.LeadTypes = slices.Clone(b.LeadTypes)
	}
	if b.Segments != nil {
		l.Segments = slices.Clone(b.Segments)
	}
	tags := slices.Clone(l.Tags)
	if b.ClearAllTags {
		tags = nil
	}
	if b.Tags != nil {
		tags = slices.Clone(b.Tags)
	}
	for _, t := range b.TagsAdd {
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	tags = slices.DeleteFunc(tags, func(t string) bool { return slices.Contains(b.TagsRemove, t) })
	l.Tags = tags
	extra := maps.Clone(l.Extra)
	for name, v := range map[string]*bool{"cannotText": b.CannotText, "cannotCall": b.CannotCall,
		"cannotEmail": b.CannotEmail, "unsubscription": b.Unsubscription} {
		if v != nil {
			if extra == nil {
				extra = map[string]any{}
			}
			extra[name] = *v
		}
	}
	l.Extra = extra
	return ""
}

func init() {
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("POST /v1.0/leads", f.addLead)
		mux.HandleFunc("PUT /v1.0/leads/{leadId}", f.editLead)
		mux.HandleFunc("DELETE /v1.0/leads/{leadId}", f.trashLead)
		mux.HandleFunc("POST /v1.0/leads/{leadId}/property", f.addLeadProperty)
		mux.HandleFunc("POST /v1.0/leads/{leadId}/inquiry", f.setLeadInquiry)
		mux.HandleFunc("POST /v1.0/leads/assignee", f.leadAssignees)
	})
}

// addLead serves POST /v1.0/leads: a new lead, assigned to the caller
// unless assignedUserId says otherwise, in stage New Lead unless stage
// says otherwise, with a first note when content is given.
func (f *Fake) addLead(w http.ResponseWriter, r *http.Request) {
	var body leadBody
	_ = json.NewDecoder(r.Body).Decode(&body)
	if body.FirstName == nil || blank(*body.FirstName) {
		invalidParameter(w)
		return
	}
	if body.Property != nil && body.Property.blank() {
		writeText(w, http.StatusBadRequest, "PROPERTY_ADDRESS_EMPTY: give a city, state, zip code or street address")
		return
	}
	d := f.dataFor(r)
	l := &Lead{Stage: "New Lead", StageID: d.stageID("New Lead"), Source: "API", AssignedUserID: DemoUserID, AssignedUser: "John Doe"}
	if msg := body.applyAll(d, l); msg != "" {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: "+msg)
		return
	}
	created := now()
	l.CreateTime, l.AssignTime, l.LastUpdateTime = created.Format(time.RFC3339), created.Format(time.RFC3339), created.Format(time.RFC3339)
	f.update(r, func(v *view, _ func(int64) *Lead) {
		l.ID = f.newIDLocked()
		v.data.Leads[l.ID] = l
		if !blank(body.Content) {
			v.data.Notes = append(slices.Clone(v.data.Notes), Note{ID: f.newIDLocked(), LeadID: l.ID, Content: body.Content,
				Pinned: body.IsPin, Created: created})
		}
	})
	writeJSON(w, http.StatusOK, map[string]any{"leadId": l.ID})
}

// leadBody is a LeadRequest or EditLeadRequest: the lead's fields, what it
// wants (which replaces its inquiry) and a home (merged as POST
// /v1.0/leads/{leadId}/property merges it).
type leadBody struct {
	leadFields
	Inquiry  *inquiryBody  `json:"inquiry"`
	Property *propertyBody `json:"property"`
}

// applyAll writes the body into l, or says what it refuses.
func (b *leadBody) applyAll(d *Data, l *Lead) string {
	if msg := b.apply(d, l); msg != "" {
		return msg
	}
	if b.Inquiry != nil {
		l.Inquiry = b.Inquiry.inquiry()
	}
	if b.Property != nil {
		b.Property.applyTo(l)
	}
	return ""
}

// changeLead applies change to the caller's copy of lead id, answering
// 400 with what change refuses.
func (f *Fake) changeLead(w http.ResponseWriter, r *http.Request, id int64, change func(d *Data, l *Lead) string) bool {
	var msg string
	f.update(r, func(v *view, lead func(int64) *Lead) {
		l := lead(id)
		if msg = change(v.data, l); msg == "" {
			l.LastUpdateTime = now().Format(time.RFC3339)
		}
	})
	if msg != "" {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: "+msg)
		return false
	}
	return true
}

func (f *Fake) editLead(w http.ResponseWriter, r *http.Request) {
	l, ok := f.visibleLead(w, r, pathInt(r, "leadId"))
	if !ok {
		return
	}
	var body leadBody
	_ = json.NewDecoder(r.Body).Decode(&body)
	if body.FirstName != nil && blank(*body.FirstName) {
		invalidParameter(w)
		return
	}
	if body.Property != nil && body.Property.blank() {
		writeText(w, http.StatusBadRequest, "PROPERTY_ADDRESS_EMPTY: give a city, state, zip code or street address")
		return
	}
	// Check first, on a copy, so that a refused edit changes nothing.
	probe := *l
	if msg := body.applyAll(f.dataFor(r), &probe); msg != "" {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: "+msg)
		return
	}
	if f.changeLead(w, r, l.ID, body.applyAll) {
		writeJSON(w, http.StatusOK, map[string]any{"leadId": l.ID})
	}
}

// trashLead serves DELETE /v1.0/leads/{leadId}?reason=…: the lead leaves
// lists and reads, except GET /v1.0/leads/{leadId}?withTrash=true. The
// answer follows the document's example, which sends the id as a string.
func (f *Fake) trashLead(w http.ResponseWriter, r *http.Request) {
	l, ok := f.visibleLead(w, r, pathInt(r, "leadId"))
	if !ok {
		return
	}
	if blank(r.URL.Query().Get("reason")) {
		invalidParameter(w)
		return
	}
	f.changeLead(w, r, l.ID, func(_ *Data, l *Lead) string { l.Trashed = true; return "" })
	writeJSON(w, http.StatusOK, map[string]any{"deleted": true, "leadId": itoa(l.ID)})
}

// addLeadProperty serves POST /v1.0/leads/{leadId}/property: a property
// (or, with mailAddress, the mailing address, which it replaces).
func (f *Fake) addLeadProperty(w http.ResponseWriter, r *http.Request) {
	l, ok := f.visibleLead(w, r, pathInt(r, "leadId"))
	if !ok {
		return
	}
	var b propertyBody
	_ = json.NewDecoder(r.Body).Decode(&b)
	f.changeLead(w, r, l.ID, func(_ *Data, l *Lead) string { b.applyTo(l); return "" })
	writeJSON(w, http.StatusOK, map[string]any{"leadId": l.ID})
}

// propertyBody is a LeadProperty as a request sends it.
type propertyBody struct {
	Street       string  `json:"streetAddress"`
	City         string  `json:"city"`
	State        string  `json:"state"`
	ZipCode      string  `json:"zipCode"`
	PropertyType string  `json:"propertyType"`
	Price        int64   `json:"price"`
	SquareFeet   int64   `json:"squareFeet"`
	Bedrooms     int32   `json:"bedrooms"`
	Bathrooms    float64 `json:"bathrooms"`
	LotSize      float64 `json:"lotSize"`
	Mail         bool    `json:"mailAddress"`
}

// blank reports whether the property has no address: Lofty refuses it.
func (b *propertyBody) blank() bool {
	return blank(b.Street) && blank(b.City) && blank(b.State) && blank(b.ZipCode)
}

// applyTo adds the property to l, replacing one at the same address (or,
// for a mailing address, the mailing address), as Lofty merges them.
func (b *propertyBody) applyTo(l *Lead) {
	p := Property{StreetAddress: b.Street, City: b.City, State: b.State, ZipCode: b.ZipCode, PropertyType: b.PropertyType,
		Price: b.Price, SquareFeet: b.SquareFeet, Bedrooms: b.Bedrooms, Bathrooms: b.Bathrooms, LotSize: b.LotSize, Mail: b.Mail}
	l.Properties = append(slices.DeleteFunc(slices.Clone(l.Properties), func(q Property) bool {
		if p.Mail {
			return q.Mail
		}
		return !q.Mail && strings.EqualFold(q.StreetAddress, p.StreetAddress) && strings.EqualFold(q.City, p.City) &&
			strings.EqualFold(q.State, p.State) && q.ZipCode == p.ZipCode
	}), p)
}

// setLeadInquiry serves POST /v1.0/leads/{leadId}/inquiry: what the lead
// wants, replacing what was there.
func (f *Fake) setLeadInquiry(w http.ResponseWriter, r *http.Request) {
	l, ok := f.visibleLead(w, r, pathInt(r, "leadId"))
	if !ok {
		return
	}
	var b inquiryBody
	_ = json.NewDecoder(r.Body).Decode(&b)
	in := b.inquiry()
	f.changeLead(w, r, l.ID, func(_ *Data, l *Lead) string { l.Inquiry = in; return "" })
	writeJSON(w, http.StatusOK, map[string]any{"leadId": l.ID})
}

// inquiryBody is a LeadInquiry as a request sends it.
type inquiryBody struct {
	PriceMin, PriceMax         int64
	PropertyType               []string
	BedroomsMin, BedroomsMax   int32
	BathroomsMin, BathroomsMax string
	Locations                  []struct {
		City, StateCode, ZipCode, County, StreetAddress, Description string
	}
}

func (b *inquiryBody) inquiry() *Inquiry {
	in := &Inquiry{PriceMin: b.PriceMin, PriceMax: b.PriceMax, PropertyTypes: b.PropertyType, BedroomsMin: b.BedroomsMin,
		BedroomsMax: b.BedroomsMax, BathroomsMin: b.BathroomsMin, BathroomsMax: b.BathroomsMax}
	for _, loc := range b.Locations {
		in.Locations = append(in.Locations, Location(loc))
	}
	return in
}

// leadAssignees serves POST /v1.0/leads/assignee, a lookup sent as a POST:
// the leads with the email given, and who holds each custom role.
func (f *Fake) leadAssignees(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Email string `json:"email"`
	}
	_ = json.NewDecoder(r.Body).Decode(&b)
	out := []map[string]any{}
	for _, l := range f.visibleLeads(r) {
		if !slices.ContainsFunc(l.Emails(), func(e string) bool { return strings.EqualFold(e, b.Email) }) {
			continue
		}
		roles := []map[string]any{}
		for _, cr := range customRoles {
			if a, ok := l.Roles[cr.name]; ok {
				roles = append(roles, map[string]any{"agentFullName": a.Name, "roleId": cr.id, "role": cr.name,
					"assigneeId": a.ID, "assignee": a.Name, "permissionProfileName": "Agent"})
			}
		}
		out = append(out, map[string]any{"leadId": l.ID, "leadUserId": l.ID + 1000, "firstName": l.FirstName(),
			"lastName": l.LastName(), "customRoleAssignees": roles})
	}
	writeJSON(w, http.StatusOK, out)
}
