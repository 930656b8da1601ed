package lofty

import (
	"context"
	"net/url"
)

// Changing leads (Leads): create, edit and trash a lead, set what it is
// looking for and a property of its own, and preview whom routing would
// give a lead.

// NewLead is the part of Lofty's LeadRequest lofty-mcp sends. Without
// AssignedUserID, Lofty routes the lead by the team's rules.
type NewLead struct {
	FirstName      string           `json:"firstName"`
	LastName       string           `json:"lastName,omitempty"`
	Emails         []string         `json:"emails,omitempty"`
	Phones         []string         `json:"phones,omitempty"`
	LeadTypes      []int32          `json:"leadTypes,omitempty"`
	AssignedUserID int64            `json:"assignedUserId,omitempty"`
	Stage          string           `json:"stage,omitempty"`
	Source         string           `json:"source,omitempty"`
	Tags           []string         `json:"tags,omitempty"`
	Inquiry        *InquiryRequest  `json:"inquiry,omitempty"`
	Property       *PropertyRequest `json:"property,omitempty"`
}

// LeadEdit is the part of Lofty's EditLeadRequest lofty-mcp sends: only
// the fields set change. Emails and Phones replace the lead's lists, as
// Inquiry replaces what the lead is looking for; Property is merged with
// the lead's property at the same address, as SetLeadProperty does.
type LeadEdit struct {
	FirstName      string           `json:"firstName,omitempty"`
	LastName       string           `json:"lastName,omitempty"`
	Emails         []string         `json:"emails,omitempty"`
	Phones         []string         `json:"phones,omitempty"`
	LeadTypes      []int32          `json:"leadTypes,omitempty"`
	AssignedUserID int64            `json:"assignedUserId,omitempty"`
	Stage          string           `json:"stage,omitempty"`
	Source         string           `json:"source,omitempty"`
	TagsAdd        []string         `json:"tagsAdd,omitempty"`
	TagsRemove     []string         `json:"tagsRemove,omitempty"`
	Inquiry        *InquiryRequest  `json:"inquiry,omitempty"`
	Property       *PropertyRequest `json:"property,omitempty"`
}

// InquiryRequest is Lofty's LeadInquiry as sent: what the lead is looking
// for. Zero values are not sent.
type InquiryRequest struct {
	PriceMin     int64      `json:"priceMin,omitempty"`
	PriceMax     int64      `json:"priceMax,omitempty"`
	PropertyType []string   `json:"propertyType,omitempty"`
	BedroomsMin  int32      `json:"bedroomsMin,omitempty"`
	BedroomsMax  int32      `json:"bedroomsMax,omitempty"`
	BathroomsMin string     `json:"bathroomsMin,omitempty"`
	BathroomsMax string     `json:"bathroomsMax,omitempty"`
	Locations    []Location `json:"locations,omitempty"`
}

// PropertyRequest is Lofty's LeadProperty as sent: a property of the lead
// (or its mailing address). Zero values are not sent.
type PropertyRequest struct {
	StreetAddress string  `json:"streetAddress,omitempty"`
	City          string  `json:"city,omitempty"`
	State         string  `json:"state,omitempty"`
	ZipCode       string  `json:"zipCode,omitempty"`
	PropertyType  string  `json:"propertyType,omitempty"`
	Price         int64   `json:"price,omitempty"`
	Bedrooms      int32   `json:"bedrooms,omitempty"`
	Bathrooms     float64 `json:"bathrooms,omitempty"`
	SquareFeet    int64   `json:"squareFeet,omitempty"`
	LotSize       float64 `json:"lotSize,omitempty"` // acres
	MailAddress   bool    `json:"mailAddress,omitempty"`
}

// RoutingRequest is Lofty's LeadAssigneeRequest: a lead as routing would
// see it (firstName and email required).
type RoutingRequest struct {
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName,omitempty"`
	Email     string `json:"email"`
	Phone     string `json:"phone,omitempty"`
}

// RoutingMatch is Lofty's LeadCustomRoleAssigneeInfo: a lead routing
// matched and who would hold each role.
type RoutingMatch struct {
	LeadID              int64                `json:"leadId,omitempty"`
	FirstName           string               `json:"firstName,omitempty"`
	LastName            string               `json:"lastName,omitempty"`
	CustomRoleAssignees []CustomRoleAssignee `json:"customRoleAssignees,omitempty"`
}

// CustomRoleAssignee is Lofty's CustomRoleAssignee.
type CustomRoleAssignee struct {
	AgentFullName string `json:"agentFullName,omitempty"`
	RoleID        int32  `json:"roleId,omitempty"`
	Role          string `json:"role,omitempty"`
	AssigneeID    int64  `json:"assigneeId,omitempty"`
	Assignee      string `json:"assignee,omitempty"` // the member's account (email)
}

var (
	leadCreate      = post[NewLead, LeadIDAnswer]("/v1.0/leads")
	leadEdit        = put[LeadEdit, LeadIDAnswer]("/v1.0/leads/{leadId}")
	leadTrash       = del[NoBody]("/v1.0/leads/{leadId}")
	leadInquirySet  = postIdempotent[InquiryRequest, LeadIDAnswer]("/v1.0/leads/{leadId}/inquiry")
	leadPropertySet = post[PropertyRequest, LeadIDAnswer]("/v1.0/leads/{leadId}/property")
	routingPreview  = postRead[RoutingRequest, []RoutingMatch]("/v1.0/leads/assignee")
)

func leadParam(leadID int64) Params { return idParam(leadID) }

// CreateLead creates a lead (POST /v1.0/leads) and returns its ID. Lofty
// stores it asynchronously: reading it back may briefly be "not found".
func (c *Client) CreateLead(ctx context.Context, l NewLead) (int64, error) {
	a, err := leadCreate.Call(ctx, c, Params{}, l)
	return a.LeadID, err
}

// EditLead changes the fields of e that are set on lead leadID (PUT
// /v1.0/leads/{leadId}).
func (c *Client) EditLead(ctx context.Context, leadID int64, e LeadEdit) error {
	_, err := leadEdit.Call(ctx, c, leadParam(leadID), e)
	return err
}

// TrashLead moves lead leadID to the trash, recording reason (DELETE
// /v1.0/leads/{leadId}).
func (c *Client) TrashLead(ctx context.Context, leadID int64, reason string) error {
	p := leadParam(leadID)
	p.Query = url.Values{"reason": {reason}}
	_, err := leadTrash.Call(ctx, c, p, NoBody{})
	return err
}

// SetLeadInquiry sets what lead leadID is looking for (POST
// /v1.0/leads/{leadId}/inquiry); it replaces the inquiry, so sending it
// twice does no more than once.
func (c *Client) SetLeadInquiry(ctx context.Context, leadID int64, in InquiryRequest) error {
	_, err := leadInquirySet.Call(ctx, c, leadParam(leadID), in)
	return err
}

// SetLeadProperty adds a property to lead leadID, or updates the one at
// the same address (POST /v1.0/leads/{leadId}/property).
func (c *Client) SetLeadProperty(ctx context.Context, leadID int64, p PropertyRequest) error {
	_, err := leadPropertySet.Call(ctx, c, leadParam(leadID), p)
	return err
}

// PreviewRouting returns whom Lofty's routing would give a lead like r
// (POST /v1.0/leads/assignee, a read).
func (c *Client) PreviewRouting(ctx context.Context, r RoutingRequest) ([]RoutingMatch, error) {
	return routingPreview.Call(ctx, c, Params{}, r)
}
