package lofty

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// LeadsPath is the endpoint FindLeads calls; Lead calls LeadsPath/{leadId}.
const LeadsPath = "/v1.0/leads"

// Lead is the part of Lofty's LeadResponse that lofty-mcp reads. Field names
// and types are Lofty's own; fields Lofty leaves out stay absent. Lofty sends
// about 60 fields per lead; everything not listed here is ignored.
type Lead struct {
	LeadID         int64        `json:"leadId"`
	FirstName      string       `json:"firstName,omitempty"`
	LastName       string       `json:"lastName,omitempty"`
	Emails         []string     `json:"emails,omitempty"`
	Phones         []string     `json:"phones,omitempty"`
	Stage          string       `json:"stage,omitempty"`
	StageID        *int64       `json:"stageId,omitempty"`
	Source         string       `json:"source,omitempty"`
	AssignedUserID *int64       `json:"assignedUserId,omitempty"`
	AssignedUser   string       `json:"assignedUser,omitempty"`
	Score          *int32       `json:"score,omitempty"`
	CreateTime     Time         `json:"createTime,omitempty"`
	AssignTime     Time         `json:"assignTime,omitempty"`
	LastTouch      Time         `json:"lastTouch,omitempty"`
	LastVisit      Time         `json:"lastVisit,omitempty"`
	LastUpdateTime Time         `json:"lastUpdateTime,omitempty"`
	Tags           []LeadTag    `json:"tags,omitempty"`
	Segments       []string     `json:"segments,omitempty"`
	LeadTypes      []int32      `json:"leadTypes,omitempty"`
	CannotText     *bool        `json:"cannotText,omitempty"`
	CannotCall     *bool        `json:"cannotCall,omitempty"`
	CannotEmail    *bool        `json:"cannotEmail,omitempty"`
	StreetAddress  string       `json:"streetAddress,omitempty"`
	City           string       `json:"city,omitempty"`
	State          string       `json:"state,omitempty"`
	ZipCode        string       `json:"zipCode,omitempty"`
	Language       string       `json:"language,omitempty"`
	CustomRoleList []CustomRole `json:"customRoleList,omitempty"`
}

// LeadTag is the part of Lofty's UserLeadTagVo lofty-mcp reads.
type LeadTag struct {
	TagID   *int64 `json:"tagId,omitempty"`
	TagName string `json:"tagName,omitempty"`
}

// CustomRole is Lofty's CustomRole: a team role (Buyer Agent, ISA, …) and
// who holds it for the lead. Lofty lists every role of the team; AssigneeID
// is 0 or absent when nobody holds it.
type CustomRole struct {
	RoleID     int32  `json:"roleId"`
	Role       string `json:"role"`
	AssigneeID *int64 `json:"assigneeId,omitempty"`
	Assignee   string `json:"assignee,omitempty"`
}

// LeadListMetadata is Lofty's MetaData: the paging information of a lead list.
type LeadListMetadata struct {
	Collection string `json:"collection,omitempty"`
	Limit      *int32 `json:"limit,omitempty"`
	Offset     *int64 `json:"offset,omitempty"`
	Total      *int64 `json:"total,omitempty"`
	ScrollID   string `json:"scrollId,omitempty"`
}

// LeadList is Lofty's LeadListResponse: one page of leads. Lofty sends the
// paging information as "_metadata"; its OpenAPI document names the property
// "get_metadata" (a generator artifact). Both are read; use Meta.
type LeadList struct {
	Metadata    *LeadListMetadata `json:"_metadata,omitempty"`
	DocMetadata *LeadListMetadata `json:"get_metadata,omitempty"`
	Leads       []Lead            `json:"leads"`
}

// Meta returns the list's paging information, whichever name it came under.
func (l LeadList) Meta() LeadListMetadata {
	switch {
	case l.Metadata != nil:
		return *l.Metadata
	case l.DocMetadata != nil:
		return *l.DocMetadata
	}
	return LeadListMetadata{}
}

// LeadQuery filters and pages FindLeads. Zero values are not sent.
type LeadQuery struct {
	Key            string // name, email or phone
	Email          string // exact email
	Phone          string // exact phone number
	Stage          string // pipeline stage name
	AssignedUserID int64  // Lofty user the leads are assigned to
	Limit          int    // page size, 1–100 (Lofty's default when 0)
	Offset         int64  // start index
	ScrollID       string // cursor from a previous page's metadata
}

func (q LeadQuery) values() url.Values {
	v := url.Values{}
	set := func(name, value string) {
		if value != "" {
			v.Set(name, value)
		}
	}
	set("key", q.Key)
	set("email", q.Email)
	set("phone", q.Phone)
	set("stage", q.Stage)
	if q.AssignedUserID != 0 {
		v.Set("assignedUserId", strconv.FormatInt(q.AssignedUserID, 10))
	}
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Offset != 0 {
		v.Set("offset", strconv.FormatInt(q.Offset, 10))
	}
	set("scrollId", q.ScrollID)
	return v
}

// FindLeads returns one page of the leads matching q (GET /v1.0/leads).
func (c *Client) FindLeads(ctx context.Context, q LeadQuery) (LeadList, error) {
	var out LeadList
	err := c.get(ctx, LeadsPath, LeadsPath, q.values(), &out)
	return out, err
}

// LeadTemplate is the endpoint Lead calls.
const LeadTemplate = LeadsPath + "/{leadId}"

// LeadPath is the path of lead leadID.
func LeadPath(leadID int64) string { return fillLeadID(LeadTemplate, leadID) }

// identified: a lead is known by its leadId.
func (l *Lead) identified() bool { return l.LeadID != 0 }

// Lead returns lead leadID (GET /v1.0/leads/{leadId}). Lofty wraps the lead
// as {"lead": {...}}; a bare lead object is accepted too. A lead that does
// not exist or that the caller cannot see is a KindNotFound error.
func (c *Client) Lead(ctx context.Context, leadID int64) (Lead, error) {
	path := LeadPath(leadID)
	var raw json.RawMessage
	if err := c.get(ctx, LeadTemplate, path, nil, &raw); err != nil {
		return Lead{}, err
	}
	var body struct {
		Lead json.RawMessage `json:"lead"`
	}
	if json.Unmarshal(raw, &body) == nil && len(body.Lead) > 0 && !bytes.Equal(body.Lead, []byte("null")) {
		raw = body.Lead
	}
	var out Lead
	err := c.decodeBody(ctx, http.MethodGet, LeadTemplate, path, http.StatusOK, raw, &out)
	return out, err
}
