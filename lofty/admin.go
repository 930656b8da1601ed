package lofty

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// Administration: agents (Agent User, Agents V2), webhooks, the AI sales
// agent's settings, and the Brokermint syncs. Each answers 200 with a
// business code when it did not do what was asked: such an answer is a
// KindNotDone error.

// Endpoints of administration.
var (
	agentAdd              = post[AgentProfile, AgentAnswer]("/v1.0/agent/profile/add")
	agentTagAdd           = post[AgentTagRequest, AgentAnswer]("/v1.0/agent/{agentId}/tag/add")
	agentDeactivate       = post[NoBody, CommonAnswer]("/v2.0/agents/{agentId}/deactivate")
	agentReactivate       = post[NoBody, CommonAnswer]("/v2.0/agents/{agentId}/reactivate")
	webhooksList          = get[[]Webhook]("/v1.0/webhooks")
	webhookAdd            = post[WebhookRequest, Webhook]("/v1.0/webhook")
	webhookDelete         = del[NoBody]("/v1.0/webhook/{subscribeId}")
	salesAgentSettingsSet = put[SalesAgentSettingsUpdate, Notice](SalesAgentSettingsPath)
	brokermintLead        = put[BrokermintContact, CodeAnswer]("/v1.0/brokermint/lead")
	brokermintDeal        = put[BrokermintTransaction, CodeAnswer]("/v1.0/brokermint/transaction")
)

// AgentProfile is Lofty's AgentProfile: a new agent. The document requires
// accountType without giving its values; lofty-mcp sends 0, what a server
// reading it as a Java int takes when it is left out.
type AgentProfile struct {
	AccountType int32       `json:"accountType"`
	AccountInfo AccountInfo `json:"accountInfo"`
	WorkInfo    *WorkInfo   `json:"workInfo,omitempty"`
}

// AccountInfo is Lofty's AccountInfo: who the agent is.
type AccountInfo struct {
	FirstName    string `json:"firstName"`
	LastName     string `json:"lastName"`
	EmailAddress string `json:"emailAddress"`
	PhoneNumber  string `json:"phoneNumber,omitempty"`
	PhoneCode    string `json:"phoneCode,omitempty"`
	RoleName     string `json:"roleName,omitempty"`
	GroupID      int64  `json:"groupId,omitempty"`
}

// WorkInfo is the part of Lofty's WorkInfo lofty-mcp sends.
type WorkInfo struct {
	LicenseID string `json:"licenseId,omitempty"`
}

// AgentTagRequest is Lofty's AgentTagRequest.
type AgentTagRequest struct {
	TagNames   []string `json:"tagNames"`
	AutoCreate bool     `json:"autoCreate"`
}

// AgentAnswer is Lofty's AddAgentResponse and AddAgentTagResponse: data
// (the new agent's user ID, or whether every tag was added), and an error
// code that is 0 when it was done.
type AgentAnswer struct {
	Data      json.RawMessage `json:"data,omitempty"`
	ErrorCode *int32          `json:"errorCode,omitempty"`
	ErrorMsg  string          `json:"errorMsg,omitempty"`
}

// CommonAnswer is Lofty's ApiCommonResponse: a code (0: done), a message
// and data. Its data is kept as it is, so that the client does not unwrap
// it and lose the code.
type CommonAnswer struct {
	Code    *int32          `json:"code,omitempty"`
	Message string          `json:"message,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// CodeAnswer is Lofty's CommonResponse and TransactionCallbackResponse: a
// code (0: done) and a message.
type CodeAnswer struct {
	Code    *int32 `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// Notice is Lofty's MessageResponse.
type Notice struct {
	Message string `json:"message,omitempty"`
}

// MaxAgentTags is how many tags one request may add to an agent.
const MaxAgentTags = 20

// AddAgent creates an agent on the caller's team (POST
// /v1.0/agent/profile/add) and returns its user ID; 0 when Lofty gave none
// (it may return an existing agent without one).
func (c *Client) AddAgent(ctx context.Context, p AgentProfile) (int64, error) {
	out, err := agentAdd.Call(ctx, c, Params{}, p)
	if err != nil {
		return 0, err
	}
	if err := businessCode(out.ErrorCode, out.ErrorMsg, http.MethodPost, agentAdd.Path); err != nil {
		return 0, err
	}
	var id json.Number
	if json.Unmarshal(out.Data, &id) == nil {
		n, _ := id.Int64()
		return n, nil
	}
	return 0, nil
}

// TagAgent adds tags to agent agentID (POST /v1.0/agent/{agentId}/tag/add);
// autoCreate creates tags the team does not have, else Lofty refuses them.
func (c *Client) TagAgent(ctx context.Context, agentID int64, tags []string, autoCreate bool) error {
	path := fillPath(agentTagAdd.Path, []string{strconv.FormatInt(agentID, 10)})
	out, err := agentTagAdd.Call(ctx, c, Params{Path: []string{strconv.FormatInt(agentID, 10)}},
		AgentTagRequest{TagNames: tags, AutoCreate: autoCreate})
	if err != nil {
		return err
	}
	if err := businessCode(out.ErrorCode, out.ErrorMsg, http.MethodPost, path); err != nil {
		return err
	}
	if strings.TrimSpace(string(out.Data)) == "false" {
		return &Error{Kind: KindNotDone, Method: http.MethodPost, Status: http.StatusOK, Path: path,
			Message: "Lofty answered that not every tag was added " + out.ErrorMsg}
	}
	return nil
}

// SetAgentActive deactivates (POST /v2.0/agents/{agentId}/deactivate) or
// reactivates (…/reactivate) agent agentID. Deactivating frees the agent's
// seat and revokes their sessions and tokens; their leads and data stay.
func (c *Client) SetAgentActive(ctx context.Context, agentID int64, active bool) (CommonAnswer, error) {
	e := agentDeactivate
	if active {
		e = agentReactivate
	}
	id := strconv.FormatInt(agentID, 10)
	out, err := e.Call(ctx, c, Params{Path: []string{id}}, NoBody{})
	if err == nil {
		err = businessCode(out.Code, out.Message, http.MethodPost, fillPath(e.Path, []string{id}))
	}
	return out, err
}

// Webhook is Lofty's WebhookResponse: a subscription of the team to one
// event list.
type Webhook struct {
	SubscribeID    int64  `json:"subscribeId"`
	TeamID         int64  `json:"teamId,omitempty"`
	ListID         int32  `json:"listId"`
	VendorID       int64  `json:"vendorId,omitempty"`
	CallbackURL    string `json:"callbackUrl"`
	Limit          *int32 `json:"limit,omitempty"`
	PermissionMode *int32 `json:"permissionMode,omitempty"`
}

// identified: a subscription is known by its id.
func (w *Webhook) identified() bool { return w.SubscribeID != 0 }

// WebhookRequest is Lofty's WebhookRequest.
type WebhookRequest struct {
	ListID         int32  `json:"listId"`
	CallbackURL    string `json:"callbackUrl"`
	Limit          int32  `json:"limit,omitempty"`
	PermissionMode int32  `json:"permissionMode"`
}

// WebhookEvents names Lofty's webhook event lists (listId), as the
// document's Webhooks section gives them.
var WebhookEvents = map[int32]string{
	1: "Agent Info", 2: "Lead Info", 3: "Lead Activity", 4: "Listing Alert", 5: "Transaction",
	6: "Call", 7: "Email", 8: "Text", 9: "Note", 10: "Task", 11: "Appointment", 12: "Pipeline Change",
}

// MaxWebhookLimit is the most events Lofty sends in one callback batch.
const MaxWebhookLimit = 5000

// Webhooks returns the team's webhook subscriptions (GET /v1.0/webhooks).
func (c *Client) Webhooks(ctx context.Context) ([]Webhook, error) {
	return webhooksList.Call(ctx, c, Params{}, NoBody{})
}

// AddWebhook subscribes the team to an event list (POST /v1.0/webhook).
func (c *Client) AddWebhook(ctx context.Context, r WebhookRequest) (Webhook, error) {
	return webhookAdd.Call(ctx, c, Params{}, r)
}

// DeleteWebhook removes subscription id (DELETE /v1.0/webhook/{subscribeId});
// Lofty answers 400 for one that does not exist or is another team's.
func (c *Client) DeleteWebhook(ctx context.Context, id int64) error {
	_, err := webhookDelete.Call(ctx, c, Params{Path: []string{strconv.FormatInt(id, 10)}}, NoBody{})
	return err
}

// SalesAgentSettingsUpdate is Lofty's SalesAgentSettingRequest. Lofty
// reads an empty list as "all" (lead types, sources, pipelines) and -1 in
// one as "everyone" (agents, offices, ponds), so an update sends every
// field, as read, with what changes changed: a field left out would not
// mean "unchanged".
type SalesAgentSettingsUpdate struct {
	ID                   int64   `json:"id"`
	AssistantName        string  `json:"assistantName,omitempty"`
	VirtualNumber        string  `json:"virtualNumber,omitempty"`
	VirtualNumberCountry string  `json:"virtualNumberCountry,omitempty"`
	CallTransferType     string  `json:"callTransferType,omitempty"`
	FixedNumber          string  `json:"fixedNumber,omitempty"`
	AgentExperience      string  `json:"agentExperience,omitempty"`
	RentalBusiness       *bool   `json:"rentalBusiness,omitempty"`
	WebsiteChannel       *bool   `json:"websiteChannel,omitempty"`
	TextChannel          *bool   `json:"textChannel,omitempty"`
	EmailChannel         *bool   `json:"emailChannel,omitempty"`
	StartActiveHour      *int32  `json:"startActiveHour,omitempty"`
	EndActiveHour        *int32  `json:"endActiveHour,omitempty"`
	ActiveDays           []int32 `json:"activeDays"`
	LeadTypes            []int32 `json:"leadTypes"`
	LeadSources          []int64 `json:"leadSources"`
	LeadPipelines        []int64 `json:"leadPipelines"`
	AgentIDs             []int64 `json:"agentIds"`
	OfficeIDs            []int64 `json:"officeIds"`
	LeadPondIDs          []int64 `json:"leadPondIds"`
	NewLeadEnable        *bool   `json:"newLeadEnable,omitempty"`
	VisitorsEnable       *bool   `json:"visitorsEnable,omitempty"`
	FollowUpRole         string  `json:"followUpRole,omitempty"`
}

// Update is the request that sets s as it is.
func (s SalesAgentSettings) Update() SalesAgentSettingsUpdate {
	u := SalesAgentSettingsUpdate{
		AssistantName: s.AssistantName, VirtualNumber: s.VirtualNumber, VirtualNumberCountry: s.VirtualNumberCountry,
		CallTransferType: s.CallTransferType, FixedNumber: s.FixedNumber, AgentExperience: s.AgentExperience,
		RentalBusiness: s.RentalBusiness, WebsiteChannel: s.WebsiteChannel, TextChannel: s.TextChannel,
		EmailChannel: s.EmailChannel, StartActiveHour: s.StartActiveHour, EndActiveHour: s.EndActiveHour,
		ActiveDays: orNone(s.ActiveDays), LeadTypes: orNone(s.LeadTypes), LeadSources: orNone(s.LeadSources),
		LeadPipelines: orNone(s.LeadPipelines), AgentIDs: orNone(s.AgentIDs), OfficeIDs: orNone(s.OfficeIDs),
		LeadPondIDs: orNone(s.LeadPondIDs), NewLeadEnable: s.NewLeadEnable, VisitorsEnable: s.VisitorsEnable,
		FollowUpRole: s.FollowUpRole,
	}
	if s.ID != nil {
		u.ID = *s.ID
	}
	return u
}

// orNone is s, or an empty list (sent as [], never null).
func orNone[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// UpdateSalesAgentSettings replaces the caller's AI sales agent settings
// (PUT /v2.0/sales-agent/settings); Lofty only updates an agent created in
// its CRM.
func (c *Client) UpdateSalesAgentSettings(ctx context.Context, u SalesAgentSettingsUpdate) (Notice, error) {
	return salesAgentSettingsSet.Call(ctx, c, Params{}, u)
}

// BrokermintContact is Lofty's Contacts: a contact as Brokermint pushes it.
type BrokermintContact struct {
	Email       string `json:"email,omitempty"`
	FirstName   string `json:"firstName,omitempty"`
	LastName    string `json:"lastName,omitempty"`
	ContactType string `json:"contactType,omitempty"`
	ExternalID  string `json:"externalId,omitempty"`
	Address     string `json:"address,omitempty"`
	City        string `json:"city,omitempty"`
	State       string `json:"state,omitempty"`
	Zip         string `json:"zip,omitempty"`
	Phone       string `json:"phone,omitempty"`
	LeadSource  string `json:"leadSource,omitempty"`
}

// BrokermintTransaction is Lofty's IncomingTransaction: a transaction as
// Brokermint pushes it. Dates are RFC 3339.
type BrokermintTransaction struct {
	ID              int64    `json:"id"`
	AgentID         int64    `json:"agentId,omitempty"`
	Address         string   `json:"address,omitempty"`
	City            string   `json:"city,omitempty"`
	State           string   `json:"state,omitempty"`
	Zip             string   `json:"zip,omitempty"`
	Status          string   `json:"status,omitempty"`
	TransactionType string   `json:"transactionType,omitempty"`
	Price           *float64 `json:"price,omitempty"`
	ExpirationDate  string   `json:"expirationDate,omitempty"`
	ClosedAt        string   `json:"closedAt,omitempty"`
	ClosingDate     string   `json:"closingDate,omitempty"`
}

// SyncBrokermintContact pushes a contact into Lofty as Brokermint does
// (PUT /v1.0/brokermint/lead). Lofty answers 200 with a non-zero code for a
// contact not linked to Brokermint in its UI.
func (c *Client) SyncBrokermintContact(ctx context.Context, r BrokermintContact) (CodeAnswer, error) {
	out, err := brokermintLead.Call(ctx, c, Params{}, r)
	if err == nil {
		err = businessCode(out.Code, out.Message, http.MethodPut, brokermintLead.Path)
	}
	return out, err
}

// SyncBrokermintTransaction pushes a transaction into Lofty as Brokermint
// does (PUT /v1.0/brokermint/transaction); the fields sent overwrite
// Lofty's. A transaction not linked to Brokermint is a non-zero code.
func (c *Client) SyncBrokermintTransaction(ctx context.Context, r BrokermintTransaction) (CodeAnswer, error) {
	out, err := brokermintDeal.Call(ctx, c, Params{}, r)
	if err == nil {
		err = businessCode(out.Code, out.Message, http.MethodPut, brokermintDeal.Path)
	}
	return out, err
}
