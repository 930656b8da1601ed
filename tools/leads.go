package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// maxLeftOut bounds the matches beyond limit that find_leads names by ID.
const maxLeftOut = 100

// DefaultFindLeadsLimit is find_leads' page size when the model sends none.
const DefaultFindLeadsLimit = 10

// FindLeadsInput is what the model sends to find_leads.
type FindLeadsInput struct {
	Key            string `json:"key,omitempty" jsonschema:"description=Name\\, email or phone"`
	Email          string `json:"email,omitempty" jsonschema:"description=Exact email"`
	Phone          string `json:"phone,omitempty" jsonschema:"description=Exact phone"`
	Stage          string `json:"stage,omitempty" jsonschema:"description=Stage name"`
	AssignedUserID int64  `json:"assignedUserId,omitempty" jsonschema:"minimum=1,description=Owner's user ID"`
	Limit          int64  `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=10,description=Page size"`
	Offset         int64  `json:"offset,omitempty" jsonschema:"minimum=0,description=A nextOffset"`
	ScrollID       string `json:"scrollId,omitempty" jsonschema:"description=From the last page"`
}

// LeadSummary is one lead in a find_leads result, with Lofty's field names
// where a field is passed through. Times are RFC 3339.
type LeadSummary struct {
	LeadID          int64    `json:"leadId" jsonschema:"description=Lead ID"`
	FirstName       string   `json:"firstName,omitempty"`
	LastName        string   `json:"lastName,omitempty"`
	Emails          []string `json:"emails,omitempty"`
	Phones          []string `json:"phones,omitempty"`
	Stage           string   `json:"stage,omitempty"`
	Source          string   `json:"source,omitempty"`
	City            string   `json:"city,omitempty"`
	Price           string   `json:"price,omitempty" jsonschema:"description=Range wanted"`
	BuyingTimeFrame string   `json:"buyingTimeFrame,omitempty"`
	AssignedUserID  *int64   `json:"assignedUserId,omitempty"`
	AssignedUser    string   `json:"assignedUser,omitempty"`
	CreateTime      string   `json:"createTime,omitempty"`
	LastTouch       string   `json:"lastTouch,omitempty"`
}

// FindLeadsResult is find_leads' answer: the leads of the pages looked at
// that match every filter given, and how to go on.
type FindLeadsResult struct {
	Leads []LeadSummary `json:"leads"`
	// Total is Lofty's count of matches, given only when Lofty filtered.
	Total *int64 `json:"total,omitempty" jsonschema:"description=All matches"`
	// Scanned and LoftyFiltered are given when the model gave filters.
	Scanned       *int   `json:"scanned,omitempty" jsonschema:"description=Leads checked"`
	LoftyFiltered *bool  `json:"loftyFiltered,omitempty" jsonschema:"description=false: filters ignored"`
	ScrollID      string `json:"scrollId,omitempty"`
	NextOffset    *int64 `json:"nextOffset,omitempty"`
	// LeftOut are matches beyond limit on the pages looked at.
	LeftOut []int64 `json:"leftOutLeadIds,omitempty" jsonschema:"description=Matches not listed"`
	Note    string  `json:"note,omitempty"`
}

// FindLeads searches leads by name, email, phone, stage or assigned user.
// Lofty has been seen to ignore the filters and send its newest leads, so
// every lead it sends is checked against the filters, and non-matches are
// dropped (see findLeads).
var FindLeads = Spec[FindLeadsInput, FindLeadsResult]{
	Name:     "find_leads",
	Title:    "Find leads",
	Toolset:  ToolsetLeads,
	Upstream: []string{"GET " + lofty.LeadsPath},
	Example:  `{"key": "Jane"}`,
	Description: "Leads (leadIds) by name, email or phone (key), or exact email, phone, stage, owner. " +
		"Next: same filters + scrollId/offset.",
	Call: func(ctx context.Context, c *lofty.Client, in FindLeadsInput) (FindLeadsResult, error) {
		return findLeads(ctx, c, in, settingsOf(ctx).FindScanPages)
	},
	Subject: func(FindLeadsInput) string { return "this lead search" },
}

// leadFilter is the filters the model gave, as lofty-mcp checks them.
type leadFilter struct {
	key      string   // lower case, spaces collapsed
	keyWords []string // key's words, each in the name
	keyPhone string   // key's digits, when key is a phone number
	email    string   // lower case
	phone    string   // digits, without a leading country code 1
	stage    string
	assigned int64
}

func newLeadFilter(in FindLeadsInput) leadFilter {
	f := leadFilter{
		key:      strings.ToLower(strings.Join(strings.Fields(in.Key), " ")),
		email:    strings.ToLower(strings.TrimSpace(in.Email)),
		phone:    phoneDigits(in.Phone),
		stage:    strings.TrimSpace(in.Stage),
		assigned: in.AssignedUserID,
	}
	f.keyWords = strings.Fields(f.key)
	if d := phoneDigits(f.key); len(d) >= 3 && !strings.ContainsFunc(f.key, isLetter) {
		f.keyPhone = d
	}
	return f
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r > 0x7f }

// any reports whether there is something to check.
func (f leadFilter) any() bool {
	return f.key != "" || f.email != "" || f.phone != "" || f.stage != "" || f.assigned != 0
}

// phoneDigits keeps a phone number's digits, without a leading country code
// 1 ("+1 (415) 555-1234" is "4155551234").
func phoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	return d
}

// matches reports whether lead l meets every filter: key a case-insensitive
// part of the name or of an email (or each of its words part of the name),
// or the digits of a phone; email and phone exact once normalised; stage
// ignoring case; assigned user equal.
func (f leadFilter) matches(l lofty.Lead) bool {
	if f.key != "" && !f.keyMatches(l) {
		return false
	}
	if f.email != "" {
		hit := false
		for _, e := range l.Emails {
			hit = hit || strings.ToLower(strings.TrimSpace(e)) == f.email
		}
		if !hit {
			return false
		}
	}
	if f.phone != "" {
		hit := false
		for _, p := range l.Phones {
			hit = hit || phoneDigits(p) == f.phone
		}
		if !hit {
			return false
		}
	}
	if f.stage != "" && !strings.EqualFold(strings.TrimSpace(l.Stage), f.stage) {
		return false
	}
	if f.assigned != 0 && (l.AssignedUserID == nil || *l.AssignedUserID != f.assigned) {
		return false
	}
	return true
}

func (f leadFilter) keyMatches(l lofty.Lead) bool {
	name := strings.ToLower(strings.Join(strings.Fields(l.FirstName+" "+l.LastName), " "))
	if strings.Contains(name, f.key) {
		return true
	}
	for _, e := range l.Emails {
		if strings.Contains(strings.ToLower(e), f.key) {
			return true
		}
	}
	if f.keyPhone != "" {
		for _, p := range l.Phones {
			if strings.Contains(phoneDigits(p), f.keyPhone) {
				return true
			}
		}
	}
	if len(f.keyWords) > 1 && name != "" {
		for _, w := range f.keyWords {
			if !strings.Contains(name, w) {
				return false
			}
		}
		return true
	}
	return false
}

// findLeads asks Lofty for a page of leads and keeps those that match the
// filters. When Lofty evidently did not filter (it sent a lead that does not
// match), it looks through further pages (by scrollId, or by offset when
// Lofty is seen to honour it) until it has a page's worth of matches, up to
// maxPages pages in all, within the call's deadline; a further page that
// fails (the rate limit, the deadline) ends the search with what was found
// and the cursor to go on from. The first page's failure is the call's.
func findLeads(ctx context.Context, c *lofty.Client, in FindLeadsInput, maxPages int) (FindLeadsResult, error) {
	limit := in.Limit
	if limit == 0 {
		limit = DefaultFindLeadsLimit
	}
	maxPages = max(maxPages, 1)
	if _, ok := ctx.Deadline(); !ok {
		// One deadline for every page, not one per page.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.CallTimeout())
		defer cancel()
	}
	filter := newLeadFilter(in)
	q := lofty.LeadQuery{Key: in.Key, Email: in.Email, Phone: in.Phone, Stage: in.Stage,
		AssignedUserID: in.AssignedUserID, Limit: int(limit), ScrollID: in.ScrollID}
	if in.ScrollID == "" {
		// With a cursor, offset only told where the page starts.
		q.Offset = in.Offset
	}

	out := FindLeadsResult{Leads: []LeadSummary{}}
	var (
		scanned, pages int
		unfiltered     bool // Lofty sent a lead that does not match
		offsetIgnored  bool // an offset was sent and Lofty did not echo it
		stopped        error
		next           *lofty.LeadQuery // the page to go on from, if any
		meta           lofty.LeadListMetadata
	)
	for {
		list, err := c.FindLeads(ctx, q)
		if err != nil {
			if pages == 0 {
				return FindLeadsResult{}, err
			}
			stopped, next = err, &q // q was not (or not surely) delivered: go on from it
			break
		}
		pages++
		meta = list.Meta()
		scanned += len(list.Leads)
		for _, l := range list.Leads {
			if l.LeadID <= 0 {
				continue // no lead a tool could be asked about
			}
			if filter.matches(l) {
				out.Leads = append(out.Leads, newLeadSummary(l))
			} else {
				unfiltered = true
			}
		}
		// Where the page started: Lofty's word for it, or the start.
		var pos int64
		posKnown, offsetHonoured := false, false
		switch {
		case meta.Offset != nil:
			pos, posKnown = *meta.Offset, true
			offsetHonoured = q.ScrollID == "" && *meta.Offset == q.Offset
		case q.ScrollID == "" && q.Offset == 0:
			posKnown = true
		}
		if q.ScrollID == "" && q.Offset > 0 && !offsetHonoured {
			offsetIgnored = true
		}
		next = nextLeadsPage(q, meta, len(list.Leads), pos, posKnown, offsetHonoured)
		if !filter.any() || !unfiltered || next == nil || len(out.Leads) >= int(limit) || pages >= maxPages || ctx.Err() != nil {
			break
		}
		lofty.ReportProgress(ctx, fmt.Sprintf("Lofty did not apply the search filters: checking page %d of at most %d", pages+1, maxPages))
		q = *next
	}

	// Never more than limit leads: Lofty may send more than asked for (it
	// has been seen to send its own page size), and a result is read whole.
	// The matches beyond it are named by ID only (at most maxLeftOut), since
	// the next page's cursor goes on after them.
	cut := 0
	if len(out.Leads) > int(limit) {
		cut = len(out.Leads) - int(limit)
		for _, l := range out.Leads[limit:min(len(out.Leads), int(limit)+maxLeftOut)] {
			out.LeftOut = append(out.LeftOut, l.LeadID)
		}
		out.Leads = out.Leads[:limit]
	}
	if !unfiltered {
		out.Total = meta.Total
	}
	if filter.any() {
		filtered := !unfiltered
		out.Scanned, out.LoftyFiltered = &scanned, &filtered
	}
	if next != nil {
		if next.ScrollID != "" {
			out.ScrollID = next.ScrollID
		} else {
			n := next.Offset
			out.NextOffset = &n
		}
	}
	out.Note = findLeadsNote(unfiltered, offsetIgnored, scanned, pages, len(out.Leads), next != nil, stopped)
	if cut > 0 {
		out.Note = strings.TrimSpace(out.Note + fmt.Sprintf(" %d more %s on the pages looked at %s left out to keep to limit %d: "+
			"leftOutLeadIds names them (get_lead reads one); the next page's cursor goes on after them.",
			cut, plural(cut, "match", "matches"), plural(cut, "was", "were"), limit))
	}
	return out, nil
}

// nextLeadsPage is the query of the page after a page of n leads fetched by
// q that started at pos (when posKnown), or nil when there is none or no
// way to ask for it. Lofty may send fewer leads than asked for (it caps
// pages), so a known total decides; otherwise a scroll cursor or a full page
// means there may be more. Lofty pages by scrollId; an offset is used only
// when Lofty echoed the one it was sent.
func nextLeadsPage(q lofty.LeadQuery, meta lofty.LeadListMetadata, n int, pos int64, posKnown, offsetHonoured bool) *lofty.LeadQuery {
	switch {
	case n == 0:
		return nil
	case meta.Total != nil && posKnown && pos+int64(n) >= *meta.Total:
		return nil
	case meta.Total == nil && meta.ScrollID == "" && n < q.Limit:
		return nil
	}
	next := q
	next.ScrollID, next.Offset = "", 0
	switch {
	case meta.ScrollID != "":
		next.ScrollID = meta.ScrollID
	case offsetHonoured && posKnown:
		next.Offset = pos + int64(n)
	default:
		return nil
	}
	return &next
}

// findLeadsNote says in words what the model must know beyond the leads:
// that lofty-mcp filtered, how far it looked, and why it stopped.
func findLeadsNote(unfiltered, offsetIgnored bool, scanned, pages, found int, more bool, stopped error) string {
	var parts []string
	if unfiltered {
		s := fmt.Sprintf("Lofty did not apply the filters, so lofty-mcp checked %d leads (%d %s) itself: %d %s.",
			scanned, pages, plural(pages, "page", "pages"), found, plural(found, "match", "matches"))
		if more {
			s += " Leads remain unchecked: call again with the same filters and scrollId (or offset) to check more."
		} else {
			s += " No leads remain unchecked."
		}
		parts = append(parts, s)
	}
	if offsetIgnored {
		parts = append(parts, "Lofty did not confirm the offset asked for (it may have sent its first page again); page with scrollId instead.")
	}
	if stopped != nil {
		parts = append(parts, "Checking further pages stopped: "+ErrorText(stopped, "this lead search", ""))
	}
	return strings.Join(parts, " ")
}

// GetLeadInput is what the model sends to get_lead.
type GetLeadInput struct {
	LeadID int64 `json:"leadId" jsonschema:"minimum=1,description=Lead ID"`
}

// Role is a team role someone holds for a lead (Lofty's CustomRole).
type Role struct {
	Role       string `json:"role"`
	AssigneeID int64  `json:"assigneeId"`
	Assignee   string `json:"assignee,omitempty"`
}

// LeadRecord is get_lead's answer: a lead's summary plus the useful rest of
// Lofty's lead, in compact shapes, each left out when Lofty has no value:
// who the lead is, what they want (price in the summary, property types,
// bedrooms, bathrooms, locations), when and how ready they are (time
// frames, Yes/No answers as booleans), and who they are to the team.
type LeadRecord struct {
	LeadSummary
	Score   *int32   `json:"score,omitempty"`
	Types   []string `json:"types,omitempty" jsonschema:"description=Buyer\\, Seller\\, ..."`
	Tags    []string `json:"tags,omitempty"`
	Address string   `json:"address,omitempty"`
	Cannot  []string `json:"cannot,omitempty" jsonschema:"description=Blocked channels"`
	Roles   []Role   `json:"roles,omitempty"`

	PropertyTypes []string `json:"propertyTypes,omitempty"`
	Bedrooms      string   `json:"bedrooms,omitempty"`
	Bathrooms     string   `json:"bathrooms,omitempty"`
	Locations     []string `json:"locations,omitempty"`

	SellingTimeFrame string `json:"sellingTimeFrame,omitempty"`
	Mortgage         *bool  `json:"mortgage,omitempty"`
	PreQualified     *bool  `json:"preQualified,omitempty"`
	FirstTimeBuyer   *bool  `json:"firstTimeBuyer,omitempty"`
	HouseToSell      *bool  `json:"houseToSell,omitempty"`
	WithBuyerAgent   *bool  `json:"withBuyerAgent,omitempty"`
	WithListingAgent *bool  `json:"withListingAgent,omitempty"`
	Opportunity      string `json:"opportunity,omitempty"`

	Segments   []string          `json:"segments,omitempty"`
	Language   string            `json:"language,omitempty"`
	LastVisit  string            `json:"lastVisit,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty" jsonschema:"description=Custom fields"`
	Properties []string          `json:"ownProperties,omitempty"`
}

// leadTypeNames are Lofty's lead type IDs.
var leadTypeNames = map[int32]string{-1: "Other", 1: "Seller", 2: "Buyer", 5: "Renter", 6: "Investor",
	7: "Agent", 8: "Homeowner", 9: "Landlord"}

// newLeadSummary is the summary part of a Lofty lead.
func newLeadSummary(l lofty.Lead) LeadSummary {
	s := LeadSummary{
		LeadID: l.LeadID, FirstName: l.FirstName, LastName: l.LastName, Emails: l.Emails, Phones: l.Phones,
		Stage: l.Stage, Source: l.Source, City: leadCity(l), AssignedUserID: l.AssignedUserID, AssignedUser: l.AssignedUser,
		BuyingTimeFrame: timeFrame(l.BuyingTimeFrame),
		CreateTime:      string(l.CreateTime), LastTouch: string(l.LastTouch),
	}
	if l.AssignedUserID != nil && *l.AssignedUserID <= 0 {
		s.AssignedUserID = nil // Lofty's "nobody"
	}
	if in := l.LeadInquiry; in != nil {
		s.Price = rangeText(int64(in.PriceMin), int64(in.PriceMax), money)
	}
	return s
}

// NewLeadRecord curates a Lofty lead into a LeadRecord.
func NewLeadRecord(l lofty.Lead) LeadRecord {
	r := LeadRecord{LeadSummary: newLeadSummary(l), Score: l.Score}
	for _, t := range l.LeadTypes {
		name, ok := leadTypeNames[t]
		if !ok {
			name = fmt.Sprintf("type %d", t)
		}
		r.Types = append(r.Types, name)
	}
	for _, t := range l.Tags {
		if t.TagName != "" {
			r.Tags = append(r.Tags, t.TagName)
		}
	}
	r.Address = joinParts(l.StreetAddress, l.City, l.State+" "+l.ZipCode)
	if r.Address == "" {
		for _, p := range l.LeadPropertyList {
			if p.MailAddress != nil && *p.MailAddress {
				r.Address = propertyAddress(p)
				break
			}
		}
	}
	for _, c := range []struct {
		flag *bool
		name string
	}{{l.CannotText, "text"}, {l.CannotCall, "call"}, {l.CannotEmail, "email"}} {
		if c.flag != nil && *c.flag {
			r.Cannot = append(r.Cannot, c.name)
		}
	}
	for _, cr := range l.CustomRoleList {
		if cr.AssigneeID != nil && *cr.AssigneeID > 0 {
			r.Roles = append(r.Roles, Role{Role: cr.Role, AssigneeID: *cr.AssigneeID, Assignee: cr.Assignee})
		}
	}

	if in := l.LeadInquiry; in != nil {
		r.PropertyTypes = nonEmpty(in.PropertyType)
		r.Bedrooms = rangeText(int64(in.BedroomsMin), int64(in.BedroomsMax), count)
		r.Bathrooms = floatRangeText(in.BathroomsMin, in.BathroomsMax)
		for _, loc := range in.Locations {
			if s := locationText(loc); s != "" && !contains(r.Locations, s) {
				r.Locations = append(r.Locations, s)
			}
		}
	}

	r.SellingTimeFrame = timeFrame(l.SellingTimeFrame)
	r.Mortgage, r.PreQualified, r.FirstTimeBuyer = yesNo(l.Mortgage), yesNo(l.PreQual), yesNo(l.FTHB)
	r.HouseToSell, r.WithBuyerAgent, r.WithListingAgent = yesNo(l.HouseToSell), yesNo(l.WithBuyerAgent), yesNo(l.WithListingAgent)
	r.Opportunity = unsetText(l.Opportunity)

	r.Segments = nonEmpty(l.Segments)
	r.Language = unsetText(l.Language)
	r.LastVisit = string(l.LastVisit)
	for _, a := range l.CustomAttributes {
		name, value := strings.TrimSpace(a.AttributeName), strings.TrimSpace(string(a.Value))
		if name == "" || value == "" {
			continue
		}
		if r.Attributes == nil {
			r.Attributes = map[string]string{}
		}
		r.Attributes[name] = value
	}
	for _, p := range l.LeadPropertyList {
		if p.MailAddress != nil && *p.MailAddress {
			continue
		}
		if s := propertyText(p); s != "" {
			r.Properties = append(r.Properties, s)
		}
	}
	return r
}

// GetLead returns one lead's details.
var GetLead = Spec[GetLeadInput, LeadRecord]{
	Name:        "get_lead",
	Title:       "Get lead",
	Toolset:     ToolsetLeads,
	Upstream:    []string{"GET " + lofty.LeadsPath + "/{leadId}"},
	Example:     `{"leadId": 563172647619608}`,
	Description: "A lead in full (leadId: find_leads): contacts, stage, owner, wants, custom fields.",
	Call: func(ctx context.Context, c *lofty.Client, in GetLeadInput) (LeadRecord, error) {
		l, err := c.Lead(ctx, in.LeadID)
		if err != nil {
			return LeadRecord{}, err
		}
		return NewLeadRecord(l), nil
	},
	Subject: func(in GetLeadInput) string { return fmt.Sprintf("lead %d", in.LeadID) },
	NotFound: func(in GetLeadInput) string {
		return fmt.Sprintf("Lofty has no lead %d that these credentials can see. To find a lead's ID, call find_leads.", in.LeadID)
	},
}

// SearchLeads returns the leads matching key (part of a name or email, or a
// phone's digits) on one page of up to limit leads, checked as find_leads
// checks them: what completion offers when a person types a name.
func SearchLeads(ctx context.Context, c *lofty.Client, key string, limit int) ([]LeadSummary, error) {
	res, err := findLeads(ctx, c, FindLeadsInput{Key: key, Limit: int64(limit)}, 1)
	return res.Leads, err
}

// Assignee is one role of a lead and who takes it, as Lofty's
// LeadAssigineeRequest.
type Assignee struct {
	Role     string `json:"role" jsonschema:"enum=Agent,enum=Assistant,enum=Lender,description=Role"`
	Assignee string `json:"assignee" jsonschema:"format=email,description=Team member's Lofty account email"`
}

// AssignLeadInput is what the model sends to assign_lead.
type AssignLeadInput struct {
	LeadID    int64      `json:"leadId" jsonschema:"minimum=1,description=Lead ID"`
	Assignees []Assignee `json:"assignees" jsonschema:"minItems=1,maxItems=3,description=Who takes which role (each role once)"`
}

// AssignResult is assign_lead's answer.
type AssignResult struct {
	Outcome
	LeadID    int64      `json:"leadId,omitempty" jsonschema:"description=Lead ID"`
	Assignees []Assignee `json:"assignees,omitempty" jsonschema:"description=Roles assigned"`
}

// describeAssignees renders "Agent maria@example.com, Lender lo@example.com".
func describeAssignees(as []Assignee) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.Role + " " + a.Assignee
	}
	return strings.Join(parts, ", ")
}

// AssignLead gives a lead's roles to team members.
var AssignLead = Spec[AssignLeadInput, AssignResult]{
	Name:     "assign_lead",
	Title:    "Assign lead",
	Toolset:  ToolsetLeadActions,
	Upstream: []string{"GET /v1.0/members", "POST " + lofty.LeadAssignmentTemplate},
	Example:  `{"leadId": 563172647619609, "assignees": [{"role": "Agent", "assignee": "maria.garcia@example.com"}]}`,
	Description: "Give a lead (leadId: find_leads) to team members by role (Agent, Assistant, Lender), each by " +
		"their Lofty account email (get_team_members). Replaces who held the role.",
	Check: func(in AssignLeadInput) error {
		seen := map[string]bool{}
		for _, a := range in.Assignees {
			if seen[a.Role] {
				return fmt.Errorf("\"assignees\" names the role %s twice; give each role once", a.Role)
			}
			seen[a.Role] = true
		}
		return nil
	},
	Call: func(ctx context.Context, c *lofty.Client, in AssignLeadInput) (AssignResult, error) {
		as := make([]lofty.Assignee, len(in.Assignees))
		for i, a := range in.Assignees {
			as[i] = lofty.Assignee{Role: a.Role, Assignee: a.Assignee}
		}
		_, err := c.AssignLead(ctx, in.LeadID, as)
		return AssignResult{LeadID: in.LeadID, Assignees: in.Assignees}, err
	},
	Subject: func(in AssignLeadInput) string { return fmt.Sprintf("lead %d", in.LeadID) },
	NotFound: func(in AssignLeadInput) string {
		return fmt.Sprintf("Lofty has no lead %d that these credentials can see. To find a lead's ID, call find_leads.", in.LeadID)
	},
	Write: &Write[AssignLeadInput, AssignResult]{
		Destructive: true, // replaces who held the role
		Idempotent:  true,
		Act:         "assign this lead",
		Leads:       func(in AssignLeadInput) []int64 { return []int64{in.LeadID} },
		// An email that is not a team member's is refused with those that
		// are, before the person is asked.
		Lookup: func(ctx context.Context, c *lofty.Client, in *AssignLeadInput) error {
			emails := make([]string, len(in.Assignees))
			for i, a := range in.Assignees {
				emails[i] = a.Assignee
			}
			return CheckAccounts(ctx, c, emails)
		},
		Ask: func(in AssignLeadInput, leads LeadNames) string {
			return "Assign this lead: " + describeAssignees(in.Assignees) + "? This replaces whoever holds " +
				pluralRole(len(in.Assignees)) + " now.\n\nLead: " + leads.One(in.LeadID)
		},
		Done: func(in AssignLeadInput, _ AssignResult, leads LeadNames) string {
			return "Assigned " + leads.One(in.LeadID) + ": " + describeAssignees(in.Assignees) + "."
		},
		Check: "Check with get_lead (its owner and team roles).",
	},
}

func pluralRole(n int) string {
	if n == 1 {
		return "that role"
	}
	return "those roles"
}

func them(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// leadCount names a set of leads in error sentences.
// leadsSubject names leads in error sentences: "lead 42" or "these 3 leads".
func leadsSubject(ids []int64) string {
	if len(ids) == 1 {
		return fmt.Sprintf("lead %d", ids[0])
	}
	return fmt.Sprintf("these %d leads", len(ids))
}

// leadCount says "this lead" or "these N leads".
func leadCount(n int) string {
	if n == 1 {
		return "this lead"
	}
	return fmt.Sprintf("these %d leads", n)
}
