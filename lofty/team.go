package lofty

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The team: who is on it (Members), the names Lofty expects in other
// requests (Team Features: tags, custom fields, lead stages, ponds), the
// organisation (Agent Organization) and the vendor directory (Vendor).

// Office is Lofty's OfficeBo: an office (group) of the organisation, as
// the fields an OfficeRequest sets and a few more.
type Office struct {
	OfficeRequest
	AgentCount *int32 `json:"agentCount,omitempty"`
	Status     string `json:"status,omitempty"`
}

// MemberList is Lofty's MemberListResponse: a page of team members. Lofty
// sends the paging as "_metadata" (the document: "get_metadata").
type MemberList struct {
	Metadata *LeadListMetadata `json:"_metadata,omitempty"`
	Members  []Member          `json:"members"`
}

// MemberQuery pages Members; zero values are not sent.
type MemberQuery struct {
	OfficeIDs []int64 // groupIds
	Offset    int64
	Limit     int // Lofty's default 25; its maximum is configured, not documented
}

// Endpoints of the team.
var (
	membersList      = get[MemberList]("/v1.0/members")
	memberByAccount  = get[Member]("/v1.0/members/{account}")
	tagsList         = get[[]TeamTag]("/v1.0/teamFeatures/listTag")
	customFieldsList = get[[]CustomField]("/v1.0/teamFeatures/listCustomField")
	customFieldAdd   = post[CustomField, Reply]("/v1.0/teamFeatures/custom-field")
	stagesList       = get[StageList]("/v1.0/teamFeatures/lead-pipelines")
	pondsList        = get[[]LeadPond]("/v1.0/team-features/lead-ponds")
	pondByID         = get[LeadPond]("/v1.0/team-features/lead-pond/{id}")
	orgInfo          = get[Organization]("/v1.0/org")
	profilesList     = get[[]PermissionProfile]("/v1.0/org/permission/profiles")
	officeAdd        = put[OfficeRequest, OrgAnswer]("/v1.0/org/office")
	officeUpdate     = post[OfficeRequest, OrgAnswer]("/v1.0/org/office")
	companyUpdate    = post[CompanyRequest, OrgAnswer]("/v1.0/org/company")
	vendorsList      = get[[]Vendor]("/v1.0/vendor/list")
)

// Members returns a page of the caller's team (GET /v1.0/members).
func (c *Client) Members(ctx context.Context, q MemberQuery) (MemberList, error) {
	v := url.Values{}
	for _, id := range q.OfficeIDs {
		v.Add("groupIds", strconv.FormatInt(id, 10))
	}
	if q.Offset > 0 {
		v.Set("offset", strconv.FormatInt(q.Offset, 10))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return membersList.Call(ctx, c, Params{Query: v}, NoBody{})
}

// MemberByAccount returns the team member whose login is email
// (GET /v1.0/members/{account}); one who has not accepted the team's
// invitation is not found.
func (c *Client) MemberByAccount(ctx context.Context, email string) (Member, error) {
	return memberByAccount.Call(ctx, c, Params{Path: []string{strings.TrimSpace(email)}}, NoBody{})
}

// TeamTag is Lofty's UserLeadTag: a lead tag of the team.
type TeamTag struct {
	TagID       int64  `json:"tagId,omitempty"`
	TagName     string `json:"tagName"`
	VisibleType *int32 `json:"visibleType,omitempty"`
}

// Tags returns the lead tags the caller can use (GET /v1.0/teamFeatures/listTag).
func (c *Client) Tags(ctx context.Context) ([]TeamTag, error) {
	return tagsList.Call(ctx, c, Params{}, NoBody{})
}

// CustomField is Lofty's CustomAttribute as a team's field definition:
// its name, its type (text, number, date, anniversary_date, single_select,
// multi_select, percentage, currency) and, for a select, its options as
// JSON ({"option":["a","b"]}). Value is a lead's value; the document
// requires it even when a field is added, so it is always sent.
type CustomField struct {
	AttributeName string `json:"attributeName"`
	AttributeType string `json:"attributeType"`
	Value         string `json:"value"`
	Params        string `json:"params,omitempty"`
}

// CustomFieldTypes are the types a custom field may have.
var CustomFieldTypes = []string{"text", "number", "date", "anniversary_date", "single_select", "multi_select", "percentage", "currency"}

// Options returns a select field's options from its params.
func (f CustomField) Options() []string {
	var p struct {
		Option []string `json:"option"`
	}
	if json.Unmarshal([]byte(f.Params), &p) != nil {
		return nil
	}
	return p.Option
}

// CustomFieldParams is the params of a select field with options.
func CustomFieldParams(options []string) string {
	if len(options) == 0 {
		return ""
	}
	b, _ := json.Marshal(map[string][]string{"option": options})
	return string(b)
}

// CustomFields returns the team's lead custom fields
// (GET /v1.0/teamFeatures/listCustomField).
func (c *Client) CustomFields(ctx context.Context) ([]CustomField, error) {
	return customFieldsList.Call(ctx, c, Params{}, NoBody{})
}

// AddCustomField adds a lead custom field to the team
// (POST /v1.0/teamFeatures/custom-field); Lofty answers a message.
func (c *Client) AddCustomField(ctx context.Context, f CustomField) (Reply, error) {
	return customFieldAdd.Call(ctx, c, Params{}, f)
}

// Stage is Lofty's PipelineResponse: an entry of the team's lead pipeline,
// the stage a lead is in.
type Stage struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// StageList is Lofty's PipelineListResponse: a page of the lead pipeline.
type StageList struct {
	Metadata  *LeadListMetadata `json:"_metadata,omitempty"`
	Pipelines []Stage           `json:"pipelines"`
}

// Stages returns page (from 0) of the lead pipeline's stages, size at a
// time (GET /v1.0/teamFeatures/lead-pipelines).
func (c *Client) Stages(ctx context.Context, page, size int) (StageList, error) {
	v := url.Values{"currPage": {strconv.Itoa(page)}, "pageSize": {strconv.Itoa(size)}}
	return stagesList.Call(ctx, c, Params{Query: v}, NoBody{})
}

// LeadPond is Lofty's LeadPond: leads waiting to be claimed by its agents.
type LeadPond struct {
	ID       int64   `json:"id"`
	PondName string  `json:"pondName"`
	OwnerID  int64   `json:"pondOwnerId,omitempty"`
	AgentIDs []int64 `json:"agentIds,omitempty"`
}

// identified: a pond is known by its id.
func (p *LeadPond) identified() bool { return p.ID != 0 }

// Ponds returns the lead ponds the caller can see (GET /v1.0/team-features/lead-ponds).
func (c *Client) Ponds(ctx context.Context) ([]LeadPond, error) {
	return pondsList.Call(ctx, c, Params{}, NoBody{})
}

// Pond returns lead pond id (GET /v1.0/team-features/lead-pond/{id}).
// Lofty answers 400 "Permission denied" alike for a pond that does not
// exist and one the caller may not see.
func (c *Client) Pond(ctx context.Context, id int64) (LeadPond, error) {
	return pondByID.Call(ctx, c, Params{Path: []string{strconv.FormatInt(id, 10)}}, NoBody{})
}

// Organization is Lofty's OrganizationInfo: the caller's place in the
// organisation. The document names the types (a single instance, with
// enterpriseInfo; a multi-team brokerage, with multiTeamInfo) but not their
// numbers, so which part is present says which it is.
type Organization struct {
	OrgType    int64       `json:"orgType,omitempty"`
	Enterprise *Enterprise `json:"enterpriseInfo,omitempty"`
	MultiTeam  *MultiTeam  `json:"multiTeamInfo,omitempty"`
}

// Enterprise is Lofty's EnterpriseInfo: the caller's office, profile and
// the offices they may see.
type Enterprise struct {
	GroupID     int64        `json:"groupId,omitempty"`
	GroupName   string       `json:"groupName,omitempty"`
	ProfileID   int64        `json:"profileId,omitempty"`
	ProfileName string       `json:"profileName,omitempty"`
	Visible     []VisibleOrg `json:"visibleOrgInfoList,omitempty"`
}

// VisibleOrg is Lofty's VisibleOrgInfo: an office the caller may see.
type VisibleOrg struct {
	GroupID   int64  `json:"groupId"`
	GroupName string `json:"groupName,omitempty"`
	ParentID  int64  `json:"parentId,omitempty"`
}

// MultiTeam is Lofty's MultiTeamInfo.
type MultiTeam struct {
	ID   int64  `json:"multiTeamId,omitempty"`
	Name string `json:"multiTeamName,omitempty"`
}

// Organization returns the caller's organisation (GET /v1.0/org).
func (c *Client) Organization(ctx context.Context) (Organization, error) {
	return orgInfo.Call(ctx, c, Params{}, NoBody{})
}

// PermissionProfile is Lofty's PermissionProfile: a role template.
type PermissionProfile struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// PermissionProfiles returns the team's permission profiles
// (GET /v1.0/org/permission/profiles).
func (c *Client) PermissionProfiles(ctx context.Context) ([]PermissionProfile, error) {
	return profilesList.Call(ctx, c, Params{}, NoBody{})
}

// OfficeRequest is Lofty's OfficeRequest: an office to add (no ID) or to
// update (its ID).
type OfficeRequest struct {
	ID             int64  `json:"id,omitempty"`
	ParentID       int64  `json:"parentId,omitempty"`
	Name           string `json:"name,omitempty"`
	Phone          string `json:"phone,omitempty"`
	PhoneCode      string `json:"phoneCode,omitempty"`
	PhoneCountry   string `json:"phoneCountry,omitempty"`
	Email          string `json:"email,omitempty"`
	City           string `json:"city,omitempty"`
	State          string `json:"state,omitempty"`
	Zipcode        string `json:"zipcode,omitempty"`
	StreetAddress  string `json:"streetAddress,omitempty"`
	AllowManageSub *bool  `json:"allowManageSub,omitempty"`
}

// CompanyRequest is Lofty's CompanyRequest: the company record.
type CompanyRequest struct {
	Name          string `json:"name,omitempty"`
	Phone         string `json:"phone,omitempty"`
	PhoneCode     string `json:"phoneCode,omitempty"`
	PhoneCountry  string `json:"phoneCountry,omitempty"`
	Email         string `json:"email,omitempty"`
	City          string `json:"city,omitempty"`
	State         string `json:"state,omitempty"`
	Zipcode       string `json:"zipcode,omitempty"`
	StreetAddress string `json:"streetAddress,omitempty"`
	Header        string `json:"header,omitempty"`
}

// OrgAnswer is Lofty's OrganizationOpResponse: a business code (0:
// done) and a message, with any result in data.
type OrgAnswer struct {
	Code    *int32          `json:"code,omitempty"`
	Message string          `json:"message,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// ID is the id Lofty's data holds (a new office's), 0 when none.
func (a OrgAnswer) ID() int64 {
	var n json.Number
	if json.Unmarshal(a.Data, &n) == nil {
		id, _ := n.Int64()
		return id
	}
	var obj struct {
		ID json.Number `json:"id"`
	}
	if json.Unmarshal(a.Data, &obj) == nil {
		id, _ := obj.ID.Int64()
		return id
	}
	return 0
}

// AddOffice adds an office (PUT /v1.0/org/office, as the document has it).
func (c *Client) AddOffice(ctx context.Context, o OfficeRequest) (OrgAnswer, error) {
	o.ID = 0
	out, err := officeAdd.Call(ctx, c, Params{}, o)
	if err == nil {
		err = businessCode(out.Code, out.Message, http.MethodPut, officeAdd.Path)
	}
	return out, err
}

// UpdateOffice updates office o.ID (POST /v1.0/org/office).
func (c *Client) UpdateOffice(ctx context.Context, o OfficeRequest) (OrgAnswer, error) {
	out, err := officeUpdate.Call(ctx, c, Params{}, o)
	if err == nil {
		err = businessCode(out.Code, out.Message, http.MethodPost, officeUpdate.Path)
	}
	return out, err
}

// UpdateCompany updates the company record (POST /v1.0/org/company).
func (c *Client) UpdateCompany(ctx context.Context, r CompanyRequest) (OrgAnswer, error) {
	out, err := companyUpdate.Call(ctx, c, Params{}, r)
	if err == nil {
		err = businessCode(out.Code, out.Message, http.MethodPost, companyUpdate.Path)
	}
	return out, err
}

// Vendor is Lofty's VendorInfo: an entry of the team's vendor directory.
type Vendor struct {
	ID             int64  `json:"id,omitempty"`
	AgentUserID    int64  `json:"agentUserId,omitempty"`
	FirstName      string `json:"firstName,omitempty"`
	LastName       string `json:"lastName,omitempty"`
	PhoneNumber    string `json:"phoneNumber,omitempty"`
	PhoneCode      string `json:"phoneCode,omitempty"`
	Email          string `json:"email,omitempty"`
	RoleName       string `json:"roleName,omitempty"`
	CompanyName    string `json:"companyName,omitempty"`
	CompanyAddress string `json:"companyAddress,omitempty"`
}

// Vendors returns the team's vendor directory (GET /v1.0/vendor/list).
func (c *Client) Vendors(ctx context.Context) ([]Vendor, error) {
	return vendorsList.Call(ctx, c, Params{}, NoBody{})
}

// Reply is a write's answer that the document gives as a string (a
// message such as "success"): a JSON string's text, or any other JSON as
// it came.
type Reply string

// UnmarshalJSON implements json.Unmarshaler.
func (r *Reply) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*r = Reply(strings.TrimSpace(s))
		return nil
	}
	*r = Reply(strings.TrimSpace(string(b)))
	return nil
}

// businessCode turns a 2xx answer whose business code is not 0 into a
// KindNotDone error: Lofty said it did not do it.
func businessCode(code *int32, msg, method, path string) error {
	if code == nil || *code == 0 {
		return nil
	}
	return &Error{Kind: KindNotDone, Method: method, Status: http.StatusOK, Path: path,
		Code: strconv.Itoa(int(*code)), Message: strings.TrimSpace(msg)}
}
