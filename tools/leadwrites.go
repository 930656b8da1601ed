package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Changing a lead: create one (after looking for one with the same email
// or phone, and asking routing who would get it), change its fields, what
// it is looking for and a property of its own, record something it did on
// the website, and move it to the trash.

// checkPhones refuses a phone number Lofty would cut (over 20 characters).
func checkPhones(phones []string) error {
	for i, p := range phones {
		if utf8.RuneCountInString(p) > 20 {
			return fmt.Errorf("\"phones\"[%d] is longer than 20 characters", i)
		}
	}
	return nil
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// quoteList quotes each of a list a person or the model wrote.
func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = Quote(s, 100)
	}
	return strings.Join(q, ", ")
}

// leadsWithContacts returns the IDs of leads with one of emails or phones,
// checked as find_leads checks them (one page each).
func leadsWithContacts(ctx context.Context, c *lofty.Client, emails, phones []string) ([]int64, error) {
	var ids []int64
	var queries []FindLeadsInput
	for _, e := range emails {
		if e = strings.TrimSpace(e); e != "" {
			queries = append(queries, FindLeadsInput{Email: e, Limit: 10})
		}
	}
	for _, p := range phones {
		if p = strings.TrimSpace(p); phoneDigits(p) != "" {
			queries = append(queries, FindLeadsInput{Phone: p, Limit: 10})
		}
	}
	for _, q := range queries {
		res, err := findLeads(ctx, c, q, 1)
		if err != nil {
			return nil, err
		}
		for _, l := range res.Leads {
			if !slices.Contains(ids, l.LeadID) {
				ids = append(ids, l.LeadID)
			}
		}
	}
	return ids, nil
}

// routingPreview says whom Lofty's routing would give a lead like r:
// "Agent Maria Garcia"; nil when it does not say (or the preview fails:
// the question then says routing decides).
func routingPreview(ctx context.Context, c *lofty.Client, r lofty.RoutingRequest) []string {
	matches, err := c.PreviewRouting(ctx, r)
	if err != nil {
		return nil
	}
	var out []string
	for _, m := range matches {
		for _, a := range m.CustomRoleAssignees {
			name := CleanLine(a.AgentFullName, MaxNameLength)
			if name == "" && a.AssigneeID > 0 {
				name = "user " + strconv.FormatInt(a.AssigneeID, 10)
			}
			if name == "" {
				continue
			}
			s := Quote(name, MaxNameLength)
			if role := CleanLine(a.Role, 40); role != "" {
				s = Quote(role, 40) + " " + s
			}
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// InquiryInput is what a lead is looking for: only the fields given change.
type InquiryInput struct {
	PriceMin      int64    `json:"priceMin,omitempty" jsonschema:"minimum=1,description=Min price"`
	PriceMax      int64    `json:"priceMax,omitempty" jsonschema:"minimum=1,description=Max price"`
	BedroomsMin   int64    `json:"bedroomsMin,omitempty" jsonschema:"minimum=1,description=Min bedrooms"`
	PropertyTypes []string `json:"propertyTypes,omitempty" jsonschema:"description=Condo\\, Townhouse\\, ..."`
	Areas         []string `json:"areas,omitempty" jsonschema:"description=City\\, ST or ZIP (replace all)"`
}

// PropertyInput is a home of the lead's own (a seller's): Lofty adds it,
// or changes the one at the same address.
type PropertyInput struct {
	Address string `json:"address" jsonschema:"minLength=1,maxLength=300,description=Street[ #unit]\\, City\\, ST ZIP"`
	Price   int64  `json:"price,omitempty" jsonschema:"minimum=1,description=Value"`
	Beds    int64  `json:"beds,omitempty" jsonschema:"minimum=1,maximum=99,description=Bedrooms"`
}

// request is the property as Lofty's property operations take it.
func (p PropertyInput) request() *lofty.PropertyRequest {
	a, _ := parseAddress(p.Address) // checked by checkSaveLead
	street := a.StreetAddress
	if a.Unit != "" {
		street += " #" + a.Unit
	}
	return &lofty.PropertyRequest{StreetAddress: street, City: a.City, State: a.State, ZipCode: a.ZipCode,
		Price: p.Price, Bedrooms: int32(p.Beds)}
}

// text is the property on one line, for the question.
func (p PropertyInput) text() string {
	s := p.Address
	if p.Beds > 0 {
		s += fmt.Sprintf(", %d bd", p.Beds)
	}
	if p.Price > 0 {
		s += ", " + money(p.Price)
	}
	return s
}

// SaveLeadInput is what the model sends to save_lead: without a leadId it
// creates a lead, with one it changes it.
type SaveLeadInput struct {
	LeadID         int64          `json:"leadId,omitempty" jsonschema:"minimum=1,description=None: a new lead"`
	FirstName      string         `json:"firstName,omitempty" jsonschema:"description=Needed for a new lead"`
	LastName       string         `json:"lastName,omitempty" jsonschema:"description=Last name"`
	Emails         []string       `json:"emails,omitempty" jsonschema:"description=Replace all"`
	Phones         []string       `json:"phones,omitempty" jsonschema:"description=Replace all"`
	Stage          string         `json:"stage,omitempty" jsonschema:"description=Stage name"`
	Source         string         `json:"source,omitempty" jsonschema:"description=Lead source"`
	AddTags        []string       `json:"addTags,omitempty" jsonschema:"description=Tags to add"`
	RemoveTags     []string       `json:"removeTags,omitempty" jsonschema:"description=Tags to remove"`
	Inquiry        *InquiryInput  `json:"inquiry,omitempty" jsonschema:"description=What they want"`
	Property       *PropertyInput `json:"property,omitempty" jsonschema:"description=Their own home (same address: updated)"`
	AssignedUserID int64          `json:"assignedUserId,omitempty" jsonschema:"minimum=1,description=New lead's owner (default: routing)"`
	AllowDuplicate bool           `json:"allowDuplicate,omitempty" jsonschema:"description=Create despite a lead with its email/phone"`
	// Current is the lead as it is (Lookup): the question shows before
	// and after, and an inquiry keeps what is not given.
	Current lofty.Lead `json:"-"`
	// Existing are leads with an email or phone of a new lead (Lookup).
	Existing []int64 `json:"-"`
	// Routing is whom Lofty's routing would give a new lead (Lookup).
	Routing []string `json:"-"`
}

// fields reports whether a field of the lead record itself is given.
func (in SaveLeadInput) fields() bool {
	return in.FirstName != "" || in.LastName != "" || in.Emails != nil || in.Phones != nil || in.Stage != "" || in.Source != "" || len(in.AddTags) > 0 || len(in.RemoveTags) > 0
}

// changes lists what the call sets: for the question, lines "what: before
// → after" (a new lead: "what: value"), values quoted; for the result,
// the names of what changed.
func (in SaveLeadInput) changes(quoted bool) []string {
	cur := in.Current
	var out []string
	add := func(what, before, after string) {
		switch {
		case !quoted:
			out = append(out, what)
		case in.LeadID == 0 || before == noBefore:
			out = append(out, what+": "+after)
		case strings.TrimSpace(before) == "":
			out = append(out, what+": (none) → "+after)
		default:
			out = append(out, what+": "+Quote(before, 200)+" → "+after)
		}
	}
	if in.LeadID != 0 && (in.FirstName != "" || in.LastName != "") {
		after := strings.TrimSpace(cmpStr(in.FirstName, cur.FirstName) + " " + cmpStr(in.LastName, cur.LastName))
		add("name", cur.FirstName+" "+cur.LastName, Quote(after, MaxNameLength))
	}
	if in.Emails != nil {
		add("emails", strings.Join(cur.Emails, ", "), quoteList(in.Emails))
	}
	if in.Phones != nil {
		add("phones", strings.Join(cur.Phones, ", "), quoteList(in.Phones))
	}
	if in.Stage != "" {
		add("stage", cur.Stage, Quote(in.Stage, 100))
	}
	if in.Source != "" {
		add("source", cur.Source, Quote(in.Source, 100))
	}
	if len(in.AddTags) > 0 {
		add("tags to add", noBefore, quoteList(in.AddTags))
	}
	if len(in.RemoveTags) > 0 {
		add("tags to remove", noBefore, quoteList(in.RemoveTags))
	}
	if in.Inquiry != nil {
		before := ""
		if cur.LeadInquiry != nil {
			before = inquiryText(inquiryOf(cur.LeadInquiry))
		}
		add("what they want", before, Quote(inquiryText(in.mergedInquiry()), 300))
	}
	if in.Property != nil {
		add("their property", noBefore, Quote(in.Property.text(), 300))
	}
	return out
}

// noBefore marks a change said without what it replaces.
const noBefore = "\x00"

func cmpStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// inquiryOf is a lead's inquiry as a request sends it.
func inquiryOf(in *lofty.LeadInquiry) lofty.InquiryRequest {
	r := lofty.InquiryRequest{PriceMin: int64(in.PriceMin), PriceMax: int64(in.PriceMax), BedroomsMin: int32(in.BedroomsMin),
		BedroomsMax: int32(in.BedroomsMax), PropertyType: nonEmpty(in.PropertyType), Locations: in.Locations}
	if v := unsetText(in.BathroomsMin); v != "" {
		r.BathroomsMin = v
	}
	if v := unsetText(in.BathroomsMax); v != "" {
		r.BathroomsMax = v
	}
	return r
}

// mergedInquiry is the lead's inquiry with the fields given changed:
// Lofty replaces an inquiry whole.
func (in SaveLeadInput) mergedInquiry() lofty.InquiryRequest {
	r := lofty.InquiryRequest{}
	if in.Current.LeadInquiry != nil {
		r = inquiryOf(in.Current.LeadInquiry)
	}
	q := in.Inquiry
	if q == nil {
		return r
	}
	if q.PriceMin > 0 {
		r.PriceMin = q.PriceMin
	}
	if q.PriceMax > 0 {
		r.PriceMax = q.PriceMax
	}
	if q.BedroomsMin > 0 {
		r.BedroomsMin = int32(q.BedroomsMin)
		if r.BedroomsMax > 0 && r.BedroomsMax < r.BedroomsMin {
			r.BedroomsMax = 0
		}
	}
	if q.PropertyTypes != nil {
		r.PropertyType = nil
		for _, t := range q.PropertyTypes {
			r.PropertyType = append(r.PropertyType, propertyType(t))
		}
	}
	if q.Areas != nil {
		r.Locations = nil
		for _, a := range q.Areas {
			r.Locations = append(r.Locations, areaLocation(a))
		}
	}
	return r
}

// areaLocation reads an area a person names: a ZIP code, "City, ST", or
// anything else as a description.
func areaLocation(s string) lofty.Location {
	s = strings.TrimSpace(s)
	if len(s) == 5 && isDigits(s) {
		return lofty.Location{ZipCode: s}
	}
	if city, st, ok := strings.Cut(s, ","); ok {
		st = strings.TrimSpace(st)
		if len(st) == 2 {
			return lofty.Location{City: strings.TrimSpace(city), StateCode: strings.ToUpper(st)}
		}
	}
	return lofty.Location{Description: s}
}

// inquiryText is an inquiry on one line: "$450,000–$600,000; 4+ bd; 2+ ba;
// Single Family Home; Austin, TX 78704".
func inquiryText(r lofty.InquiryRequest) string {
	var parts []string
	for _, s := range []string{rangeText(r.PriceMin, r.PriceMax, money),
		suffixed(rangeText(int64(r.BedroomsMin), int64(r.BedroomsMax), count), " bd"),
		suffixed(floatRangeText(r.BathroomsMin, r.BathroomsMax), " ba")} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	parts = append(parts, r.PropertyType...)
	for _, l := range r.Locations {
		if s := locationText(l); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "; ")
}

// suffixed is s with suffix, or "" for "".
func suffixed(s, suffix string) string {
	if s == "" {
		return ""
	}
	return s + suffix
}

// LeadChange is the answer of the tools that change a lead.
type LeadChange struct {
	Outcome
	LeadID  int64    `json:"leadId,omitempty"`
	Changed []string `json:"changed,omitempty"`
}

// SaveLead creates a lead or changes one: only the fields given change.
var SaveLead = Spec[SaveLeadInput, LeadChange]{
	Name:    "save_lead",
	Title:   "Create or update lead",
	Toolset: ToolsetLeadActions,
	Upstream: []string{"GET " + lofty.LeadTemplate, "PUT " + lofty.LeadTemplate, "POST /v1.0/leads/{leadId}/inquiry",
		"POST /v1.0/leads/{leadId}/property",
		"GET " + lofty.LeadsPath, "POST /v1.0/leads/assignee", "POST " + lofty.LeadsPath},
	Example: `{"leadId": 563172647619608, "stage": "Appointment Set", "addTags": ["Hot"], "inquiry": {"bedroomsMin": 4}}`,
	Description: "Change a lead (leadId: find_leads) — only what is given changes — or, without leadId, create one " +
		"unless a lead has its email or phone.",
	Check:    checkSaveLead,
	Call:     saveLead,
	Subject:  func(in SaveLeadInput) string { return leadOrNew(in.LeadID) },
	NotFound: func(in SaveLeadInput) string { return noSuchLead(in.LeadID) },
	Write: &Write[SaveLeadInput, LeadChange]{
		Destructive: true, // a change replaces what was there
		Act:         "save this lead",
		Leads: func(in SaveLeadInput) []int64 {
			if in.LeadID == 0 {
				return nil
			}
			return []int64{in.LeadID}
		},
		Lookup: lookupSaveLead,
		Ask:    askSaveLead,
		Done: func(in SaveLeadInput, out LeadChange, _ LeadNames) string {
			switch {
			case in.LeadID != 0:
				return fmt.Sprintf("Changed lead %d: %s.", in.LeadID, strings.Join(out.Changed, ", "))
			case out.LeadID == 0:
				return "Lofty created the lead but sent no lead ID; find_leads finds it in a moment."
			}
			s := fmt.Sprintf("Created lead %d.", out.LeadID)
			if in.AssignedUserID == 0 {
				s += " Lofty's routing assigns it."
			}
			return s + " Lofty stores it in the background: reading it back may fail for a moment."
		},
		Check: "get_lead (or find_leads, for a new lead) shows whether it was saved.",
	},
}

func leadOrNew(id int64) string {
	if id == 0 {
		return "the new lead"
	}
	return fmt.Sprintf("lead %d", id)
}

// propertyTypes are the property types Lofty knows.
var propertyTypes = []string{"Single Family Home", "Multi-Family", "Condo", "Townhouse", "Mobile Home",
	"Manufactured Home", "Vacant Land", "Commercial"}

// propertyType is the property type Lofty knows as s (any case), or "".
func propertyType(s string) string {
	for _, t := range propertyTypes {
		if strings.EqualFold(t, strings.TrimSpace(s)) {
			return t
		}
	}
	return ""
}

func checkPropertyType(where, s string) error {
	if propertyType(s) == "" {
		return fmt.Errorf("%s: %q is not a property type Lofty knows; use one of %s", where, CleanLine(s, 40),
			strings.Join(propertyTypes, ", "))
	}
	return nil
}

func checkSaveLead(in SaveLeadInput) error {
	if q := in.Inquiry; q != nil {
		for _, t := range q.PropertyTypes {
			if err := checkPropertyType("\"inquiry\".propertyTypes", t); err != nil {
				return err
			}
		}
	}
	if q := in.Inquiry; q != nil && q.PriceMin > 0 && q.PriceMax > 0 && q.PriceMin > q.PriceMax {
		return errors.New("\"inquiry\": priceMin is above priceMax")
	}
	if p := in.Property; p != nil {
		if _, ok := parseAddress(p.Address); !ok {
			return errors.New("\"property\".address must read Street[ #unit], City, ST ZIP (e.g. \"2104 Barton Hills Dr, Austin, TX 78704\")")
		}
	}
	if in.LeadID == 0 {
		switch {
		case strings.TrimSpace(in.FirstName) == "":
			return errors.New("a new lead needs \"firstName\" (to change a lead, give its \"leadId\")")
		case len(in.RemoveTags) > 0:
			return errors.New("\"removeTags\" is for a lead that exists")
		}
	} else {
		switch {
		case in.AssignedUserID != 0:
			return errors.New("\"assignedUserId\" is for a new lead; assign_lead gives a lead to someone")
		case in.AllowDuplicate:
			return errors.New("\"allowDuplicate\" is for a new lead")
		case !in.fields() && in.Inquiry == nil && in.Property == nil:
			return errors.New("give at least one thing to change")
		}
	}
	return checkPhones(in.Phones)
}

func lookupSaveLead(ctx context.Context, c *lofty.Client, in *SaveLeadInput) (err error) {
	if in.LeadID != 0 {
		in.Current, err = c.Lead(ctx, in.LeadID)
		return err
	}
	existing, err := leadsWithContacts(ctx, c, in.Emails, in.Phones)
	if err != nil {
		return err
	}
	if len(existing) > 0 && !in.AllowDuplicate {
		return Refuse("Lofty already has %s with this email or phone (%s), so no lead was created. "+
			"Tell the person; get_lead shows %s. To change it, call again with its leadId; to create another lead "+
			"anyway, with allowDuplicate true.", plural(len(existing), "a lead", "leads"), LeadNames{}.List(existing), them(len(existing)))
	}
	in.Existing = existing
	if in.AssignedUserID == 0 && len(in.Emails) > 0 {
		in.Routing = routingPreview(ctx, c, lofty.RoutingRequest{FirstName: in.FirstName, LastName: in.LastName,
			Email: in.Emails[0], Phone: first(in.Phones)})
	}
	return nil
}

func askSaveLead(in SaveLeadInput, leads LeadNames) string {
	if in.LeadID != 0 {
		return "Change this lead in Lofty?\n\nLead: " + leadNamed(leads, in.LeadID, in.Current) + "\n\n" +
			strings.Join(in.changes(true), "\n")
	}
	s := "Create this lead in Lofty?"
	if len(in.Existing) > 0 {
		s = "Create this lead in Lofty, although " + LeadNames{}.List(in.Existing) + " already " +
			plural(len(in.Existing), "has", "have") + " its email or phone?"
	}
	s += "\n\nName: " + Quote(in.FirstName+" "+in.LastName, MaxNameLength) + "\n" + strings.Join(in.changes(true), "\n")
	switch {
	case in.AssignedUserID != 0:
		s += fmt.Sprintf("\nOwner: user %d", in.AssignedUserID)
	case len(in.Routing) > 0:
		s += "\nLofty's routing would give it to: " + strings.Join(in.Routing, ", ")
	default:
		s += "\nOwner: whomever Lofty's routing rules choose"
	}
	return s
}

func saveLead(ctx context.Context, c *lofty.Client, in SaveLeadInput) (LeadChange, error) {
	var inquiry *lofty.InquiryRequest
	if in.Inquiry != nil {
		m := in.mergedInquiry()
		inquiry = &m
	}
	var property *lofty.PropertyRequest
	if in.Property != nil {
		property = in.Property.request()
	}
	if in.LeadID == 0 {
		id, err := c.CreateLead(ctx, lofty.NewLead{FirstName: in.FirstName, LastName: in.LastName, Emails: in.Emails,
			Phones: in.Phones, AssignedUserID: in.AssignedUserID, Stage: in.Stage,
			Source: in.Source, Tags: in.AddTags, Inquiry: inquiry, Property: property})
		return LeadChange{LeadID: id}, err
	}
	out := LeadChange{LeadID: in.LeadID, Changed: in.changes(false)}
	// One request, so that a change is made whole or not at all: the
	// lead's own operation when only what they want, or only their
	// property, changes; else the lead's edit, which carries both.
	var err error
	switch {
	case !in.fields() && property == nil:
		err = c.SetLeadInquiry(ctx, in.LeadID, *inquiry)
	case !in.fields() && inquiry == nil:
		err = c.SetLeadProperty(ctx, in.LeadID, *property)
	default:
		err = c.EditLead(ctx, in.LeadID, lofty.LeadEdit{FirstName: in.FirstName, LastName: in.LastName, Emails: in.Emails,
			Phones: in.Phones, Stage: in.Stage, Source: in.Source, TagsAdd: in.AddTags,
			TagsRemove: in.RemoveTags, Inquiry: inquiry, Property: property})
	}
	return out, err
}

// DeleteLeadInput is what the model sends to delete_lead.
type DeleteLeadInput struct {
	LeadID int64  `json:"leadId" jsonschema:"minimum=1,description=Lead ID"`
	Reason string `json:"reason" jsonschema:"minLength=1,maxLength=200,description=Why (Lofty keeps it)"`
	// Current is the lead as it is (Lookup), to name it in the question.
	Current lofty.Lead `json:"-"`
}

// DeleteLead moves a lead to Lofty's trash.
var DeleteLead = Spec[DeleteLeadInput, DeletedEntry]{
	Name:        "delete_lead",
	Title:       "Delete lead",
	Toolset:     ToolsetDeletes,
	Upstream:    []string{"GET " + lofty.LeadTemplate, "DELETE " + lofty.LeadTemplate},
	Example:     `{"leadId": 563172647619611, "reason": "Duplicate of another lead"}`,
	Description: "Move a lead to Lofty's trash (leadId: find_leads). The person always confirms it.",
	Call: func(ctx context.Context, c *lofty.Client, in DeleteLeadInput) (DeletedEntry, error) {
		return DeletedEntry{LeadID: in.LeadID}, c.TrashLead(ctx, in.LeadID, in.Reason)
	},
	Subject: func(in DeleteLeadInput) string { return fmt.Sprintf("lead %d", in.LeadID) },
	NotFound: func(in DeleteLeadInput) string {
		return fmt.Sprintf("Lofty has no lead %d that these credentials can see (or it is in the trash already).", in.LeadID)
	},
	Write: &Write[DeleteLeadInput, DeletedEntry]{
		Destructive: true,
		Idempotent:  true,
		MustConfirm: true,
		Act:         "move this lead to the trash",
		Leads:       func(in DeleteLeadInput) []int64 { return []int64{in.LeadID} },
		TextLength:  func(in DeleteLeadInput) int { return utf8.RuneCountInString(in.Reason) },
		// Reading the lead first names it in the question, and says
		// "no such lead" before anyone is asked.
		Lookup: func(ctx context.Context, c *lofty.Client, in *DeleteLeadInput) (err error) {
			in.Current, err = c.Lead(ctx, in.LeadID)
			return err
		},
		Ask: func(in DeleteLeadInput, leads LeadNames) string {
			return "Move this lead to Lofty's trash? It leaves every list and search, with its history.\n\nLead: " +
				leadNamed(leads, in.LeadID, in.Current) + "\n\nReason: " + Quote(in.Reason, 200)
		},
		Done: func(in DeleteLeadInput, _ DeletedEntry, _ LeadNames) string {
			return fmt.Sprintf("Moved lead %d to Lofty's trash.", in.LeadID)
		},
		Check: "get_lead says whether the lead is still there.",
	},
}
