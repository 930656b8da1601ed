package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// ToolsetLeads holds the lead-lookup tools.
const ToolsetLeads = "leads"

// DefaultFindLeadsLimit is find_leads' page size when the model sends none.
const DefaultFindLeadsLimit = 10

// FindLeadsInput is what the model sends to find_leads.
type FindLeadsInput struct {
	Key            string `json:"key,omitempty" jsonschema:"description=Name\\, email or phone to search for"`
	Email          string `json:"email,omitempty" jsonschema:"description=Exact email"`
	Phone          string `json:"phone,omitempty" jsonschema:"description=Exact phone number"`
	Stage          string `json:"stage,omitempty" jsonschema:"description=Pipeline stage name"`
	AssignedUserID int64  `json:"assignedUserId,omitempty" jsonschema:"minimum=1,description=Assigned user ID"`
	Limit          int64  `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=10,description=Page size"`
	Offset         int64  `json:"offset,omitempty" jsonschema:"minimum=0,description=Start index"`
	ScrollID       string `json:"scrollId,omitempty" jsonschema:"description=Cursor from the previous page"`
}

// LeadSummary is one lead in a find_leads result, with Lofty's field names.
type LeadSummary struct {
	LeadID         int64    `json:"leadId" jsonschema:"description=Lead ID"`
	FirstName      string   `json:"firstName,omitempty" jsonschema:"description=First name"`
	LastName       string   `json:"lastName,omitempty" jsonschema:"description=Last name"`
	Emails         []string `json:"emails,omitempty" jsonschema:"description=Emails"`
	Phones         []string `json:"phones,omitempty" jsonschema:"description=Phones"`
	Stage          string   `json:"stage,omitempty" jsonschema:"description=Pipeline stage"`
	Source         string   `json:"source,omitempty" jsonschema:"description=Lead source"`
	AssignedUserID *int64   `json:"assignedUserId,omitempty" jsonschema:"description=Assigned user ID"`
	AssignedUser   string   `json:"assignedUser,omitempty" jsonschema:"description=Assigned user"`
	CreateTime     string   `json:"createTime,omitempty" jsonschema:"description=Created"`
	LastTouch      string   `json:"lastTouch,omitempty" jsonschema:"description=Last touch"`
}

// FindLeadsResult is find_leads' answer: one page of leads and how to get
// the next. With Lofty's field names for what is passed through.
type FindLeadsResult struct {
	Leads      []LeadSummary `json:"leads" jsonschema:"description=Matching leads"`
	Total      *int64        `json:"total,omitempty" jsonschema:"description=Matches in all pages"`
	NextOffset *int64        `json:"nextOffset,omitempty" jsonschema:"description=More pages: pass as offset"`
	ScrollID   string        `json:"scrollId,omitempty" jsonschema:"description=Pass with the next page"`
}

// FindLeads searches leads by name, email, phone, stage or assigned user.
var FindLeads = Spec[FindLeadsInput, FindLeadsResult]{
	Name:     "find_leads",
	Title:    "Find leads",
	Toolset:  ToolsetLeads,
	Upstream: "GET " + lofty.LeadsPath,
	Example:  `{"key": "Jane"}`,
	Description: "Search leads by name, email or phone (key), or exact email, phone, stage, assigned user. " +
		"Use it first when you know a person but not the leadId. Next page: same filters, offset=nextOffset, scrollId.",
	Call: func(ctx context.Context, c *lofty.Client, in FindLeadsInput) (FindLeadsResult, error) {
		limit := in.Limit
		if limit == 0 {
			limit = DefaultFindLeadsLimit
		}
		q := lofty.LeadQuery{Key: in.Key, Email: in.Email, Phone: in.Phone, Stage: in.Stage,
			AssignedUserID: in.AssignedUserID, Limit: int(limit), ScrollID: in.ScrollID}
		if in.ScrollID == "" {
			// With a cursor, offset only tells us where the page starts.
			q.Offset = in.Offset
		}
		list, err := c.FindLeads(ctx, q)
		if err != nil {
			return FindLeadsResult{}, err
		}
		out := FindLeadsResult{Leads: make([]LeadSummary, 0, len(list.Leads))}
		for _, l := range list.Leads {
			out.Leads = append(out.Leads, newLeadSummary(l))
		}
		meta := list.Meta()
		out.Total = meta.Total
		if next, ok := nextLeadsOffset(in.Offset, limit, len(list.Leads), meta); ok {
			out.NextOffset, out.ScrollID = &next, meta.ScrollID
		}
		return out, nil
	},
	Subject: func(FindLeadsInput) string { return "this lead search" },
}

// nextLeadsOffset returns the offset of the next page after a page of n
// leads that started at offset, and whether there is one. Lofty may send
// fewer leads than asked for (it caps pages), so the total decides when it is
// known; otherwise a scroll cursor or a full page means there may be more.
func nextLeadsOffset(offset, limit int64, n int, meta lofty.LeadListMetadata) (int64, bool) {
	seen := offset + int64(n)
	switch {
	case n == 0:
		return 0, false
	case meta.Total != nil:
		return seen, seen < *meta.Total
	case meta.ScrollID == "" && int64(n) < limit:
		return 0, false
	}
	return seen, true
}

// GetLeadInput is what the model sends to get_lead.
type GetLeadInput struct {
	LeadID int64 `json:"leadId" jsonschema:"minimum=1,description=Lead ID"`
}

// Role is a team role someone holds for a lead (Lofty's CustomRole).
type Role struct {
	Role       string `json:"role" jsonschema:"description=Role\\, e.g. Buyer Agent"`
	AssigneeID int64  `json:"assigneeId" jsonschema:"description=User ID"`
	Assignee   string `json:"assignee,omitempty" jsonschema:"description=User name"`
}

// LeadRecord is get_lead's answer: a lead's summary plus the useful rest of
// Lofty's lead, with Lofty's field names where a field is passed through.
type LeadRecord struct {
	LeadSummary
	Score   *int32   `json:"score,omitempty" jsonschema:"description=Lead score"`
	Types   []string `json:"types,omitempty" jsonschema:"description=Buyer\\, Seller\\, ..."`
	Tags    []string `json:"tags,omitempty" jsonschema:"description=Tag names"`
	Address string   `json:"address,omitempty" jsonschema:"description=Address"`
	Cannot  []string `json:"cannot,omitempty" jsonschema:"description=Blocked: text\\, call\\, email"`
	Roles   []Role   `json:"roles,omitempty" jsonschema:"description=Team roles held"`
}

// leadTypeNames are Lofty's lead type IDs.
var leadTypeNames = map[int32]string{-1: "Other", 1: "Seller", 2: "Buyer", 5: "Renter", 6: "Investor",
	7: "Agent", 8: "Homeowner", 9: "Landlord"}

// newLeadSummary is the summary part of a Lofty lead.
func newLeadSummary(l lofty.Lead) LeadSummary {
	return LeadSummary{
		LeadID: l.LeadID, FirstName: l.FirstName, LastName: l.LastName, Emails: l.Emails, Phones: l.Phones,
		Stage: l.Stage, Source: l.Source, AssignedUserID: l.AssignedUserID, AssignedUser: l.AssignedUser,
		CreateTime: string(l.CreateTime), LastTouch: string(l.LastTouch),
	}
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
	var parts []string
	for _, p := range []string{l.StreetAddress, l.City, strings.TrimSpace(l.State + " " + l.ZipCode)} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	r.Address = strings.Join(parts, ", ")
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
	return r
}

// GetLead returns one lead's details.
var GetLead = Spec[GetLeadInput, LeadRecord]{
	Name:     "get_lead",
	Title:    "Get lead",
	Toolset:  ToolsetLeads,
	Upstream: "GET " + lofty.LeadsPath + "/{leadId}",
	Example:  `{"leadId": 563172647619608}`,
	Description: "One lead's details: contacts, stage, source, owner, score, types, tags, address, blocked channels, " +
		"team roles. Needs the leadId; only a name, email or phone? Call find_leads first.",
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
