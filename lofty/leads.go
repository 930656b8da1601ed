package lofty

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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

	// LeadSource is Lofty's source ID; -1 (unset) reads as 0.
	LeadSource PositiveInt `json:"leadSource,omitempty"`
	// What the lead is looking for, and the properties on record.
	LeadInquiry      *LeadInquiry      `json:"leadInquiry,omitempty"`
	LeadPropertyList []LeadProperty    `json:"leadPropertyList,omitempty"`
	CustomAttributes []CustomAttribute `json:"customAttributes,omitempty"`
	// How ready the lead is. Lofty sends the time frames as "1-3", "3-6",
	// "6-12", "12+" (months), "Just Looking" or "Refinancing", and the rest
	// as "Yes" or "No" strings.
	BuyingTimeFrame  string `json:"buyingTimeFrame,omitempty"`
	SellingTimeFrame string `json:"sellingTimeFrame,omitempty"`
	Mortgage         string `json:"mortgage,omitempty"`
	PreQual          string `json:"preQual,omitempty"`
	FTHB             string `json:"fthb,omitempty"` // first-time home buyer
	HouseToSell      string `json:"houseToSell,omitempty"`
	WithBuyerAgent   string `json:"withBuyerAgent,omitempty"`
	WithListingAgent string `json:"withListingAgent,omitempty"`
	Opportunity      string `json:"opportunity,omitempty"` // High Interest, Sell, Back to Site, Back on Market
}

// LeadInquiry is the part of Lofty's LeadInquiry lofty-mcp reads: what the
// lead is looking for. Numbers Lofty leaves unset (-1) read as 0; the
// bathroom counts are strings ("2", "2.5", "-1").
type LeadInquiry struct {
	PriceMin     PositiveInt `json:"priceMin,omitempty"`
	PriceMax     PositiveInt `json:"priceMax,omitempty"`
	PropertyType []string    `json:"propertyType,omitempty"`
	BedroomsMin  PositiveInt `json:"bedroomsMin,omitempty"`
	BedroomsMax  PositiveInt `json:"bedroomsMax,omitempty"`
	BathroomsMin string      `json:"bathroomsMin,omitempty"`
	BathroomsMax string      `json:"bathroomsMax,omitempty"`
	Locations    []Location  `json:"locations,omitempty"`
}

// Location is Lofty's Location: an area a lead is interested in.
type Location struct {
	City          string `json:"city,omitempty"`
	StateCode     string `json:"stateCode,omitempty"`
	ZipCode       string `json:"zipCode,omitempty"`
	County        string `json:"county,omitempty"`
	StreetAddress string `json:"streetAddress,omitempty"`
	Description   string `json:"description,omitempty"`
}

// LeadProperty is the part of Lofty's LeadProperty lofty-mcp reads: a
// property (or the mailing address) on the lead's record. Prices and sizes
// Lofty leaves unset (-1) read as 0.
type LeadProperty struct {
	StreetAddress string        `json:"streetAddress,omitempty"`
	City          string        `json:"city,omitempty"`
	State         string        `json:"state,omitempty"`
	ZipCode       string        `json:"zipCode,omitempty"`
	County        string        `json:"county,omitempty"`
	PropertyType  string        `json:"propertyType,omitempty"`
	Price         PositiveInt   `json:"price,omitempty"`
	Bedrooms      PositiveInt   `json:"bedrooms,omitempty"`
	Bathrooms     PositiveFloat `json:"bathrooms,omitempty"`
	SquareFeet    PositiveInt   `json:"squareFeet,omitempty"`
	LotSize       PositiveFloat `json:"lotSize,omitempty"` // acres
	MailAddress   *bool         `json:"mailAddress,omitempty"`
}

// CustomAttribute is Lofty's CustomAttribute: a team-defined field and its
// value for the lead.
type CustomAttribute struct {
	AttributeName string         `json:"attributeName"`
	AttributeType string         `json:"attributeType,omitempty"`
	Value         AttributeValue `json:"value"`
}

// AttributeValue is a custom attribute's value as text. Lofty documents a
// string, holding a multi-select's items as a JSON array ("[\"a\",\"b\"]");
// the items, whether sent that way or as a real array, read as "a, b", and
// a number or boolean as its literal.
type AttributeValue string

// UnmarshalJSON implements json.Unmarshaler.
func (v *AttributeValue) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	var s string
	switch {
	case len(b) == 0 || string(b) == "null":
		*v = ""
		return nil
	case b[0] == '"':
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if t := strings.TrimSpace(s); strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			if items, ok := textItems([]byte(t)); ok {
				s = items
			}
		}
	case b[0] == '[':
		items, ok := textItems(b)
		if !ok {
			return fmt.Errorf("lofty: attribute value %.40s is not a list of values", b)
		}
		s = items
	case b[0] == '{':
		return fmt.Errorf("lofty: attribute value %.40s is an object", b)
	default:
		s = string(b) // a number or boolean
	}
	*v = AttributeValue(strings.TrimSpace(s))
	return nil
}

// textItems joins a JSON array of scalars as "a, b"; ok is false for
// anything else. Items are read one by one from b, never copied as a whole.
func textItems(b []byte) (string, bool) {
	var out strings.Builder
	ok := true
	_, err := eachElement(b, func(_ int, it []byte) bool {
		var s string
		switch {
		case json.Unmarshal(it, &s) == nil:
		case len(it) > 0 && it[0] != '{' && it[0] != '[':
			s = string(it)
		default:
			ok = false
			return false
		}
		if s = strings.TrimSpace(s); s != "" {
			if out.Len() > 0 {
				out.WriteString(", ")
			}
			out.WriteString(s)
		}
		return true
	})
	if err != nil || !ok {
		return "", false
	}
	return out.String(), true
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
	// Truncation says when Lofty sent more leads than a page holds: only
	// the first page's worth are kept (see FindLeads).
	Truncation
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
	Sort           string // AssignTime, CreateTime, ... (Lofty's default when "")
	Desc           bool   // with Sort: descending
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
	if q.Sort != "" {
		v.Set("sort", q.Sort)
		v.Set("desc", strconv.FormatBool(q.Desc))
	}
	return v
}

// MaxLeadsPage is the largest page of leads Lofty documents (its limit
// range is 1-100).
const MaxLeadsPage = 100

// FindLeads returns one page of the leads matching q (GET /v1.0/leads), as
// Lofty sent it but never more than a page Lofty may send: MaxLeadsPage
// leads (or q.Limit, if larger). Lofty has been seen to send 25 leads
// whatever limit says, and its scrollId goes on after all of them, so the
// leads beyond q.Limit are kept for the caller to use or name; the list's
// Truncation says when Lofty sent more than are kept.
func (c *Client) FindLeads(ctx context.Context, q LeadQuery) (LeadList, error) {
	var out LeadList
	err := c.send(ctx, request{method: http.MethodGet, template: leadsEndpoint.Path, path: leadsEndpoint.Path, query: q.values(),
		listMax: max(q.Limit, MaxLeadsPage)}, &out)
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
	if err := c.get(ctx, leadEndpoint.Path, path, nil, &raw); err != nil {
		return Lead{}, err
	}
	var body struct {
		Lead json.RawMessage `json:"lead"`
	}
	if json.Unmarshal(raw, &body) == nil && len(body.Lead) > 0 && !bytes.Equal(body.Lead, []byte("null")) {
		raw = body.Lead
	}
	var out Lead
	err := c.decodeBody(ctx, http.MethodGet, LeadTemplate, path, http.StatusOK, raw, &out, MaxListItems)
	return out, err
}
