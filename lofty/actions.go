package lofty

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// Sales agent settings, and the writes lofty-mcp makes (Sales Agents V2
// actions, notes, assignment). Writes are sent once: a POST is retried only
// when Lofty provably did not act on it (a 429, a refused connection), an
// idempotent PUT like a read; each drops the credential's cached reads.

// Endpoints of the actions.
const (
	SalesAgentSettingsPath  = "/v2.0/sales-agent/settings"
	MuteWorkingLeadTemplate = "/v2.0/sales-agents/working-lead/{leadId}/mute"
	AddWorkingLeadsPath     = "/v2.0/working-leads/add"
	CreatePlanTasksPath     = "/v2.0/plan-tasks/create"
	SendSMSToAgentPath      = "/v2.0/sales-agent/ai-number/send-sms-to-agent"
	NotesPath               = "/v1.0/notes"
	LeadAssignmentTemplate  = LeadsPath + "/{leadId}/assignment"
	MaxLeadsPerBatch        = 100  // leads per add / plan-task request
	MaxNoteLength           = 2000 // characters; Lofty truncates silently beyond
)

// AssignmentRoles are the roles a lead can be assigned for.
var AssignmentRoles = []string{"Agent", "Assistant", "Lender"}

// SalesAgentSettings is Lofty's SalesAgentSettingResponse: how the current
// user's AI sales agent is set up.
type SalesAgentSettings struct {
	ID                   *int64  `json:"id,omitempty" jsonschema:"description=AI assistant ID"`
	AssistantName        string  `json:"assistantName,omitempty" jsonschema:"description=Assistant name"`
	HeadURL              string  `json:"headUrl,omitempty" jsonschema:"description=Avatar URL"`
	VirtualNumber        string  `json:"virtualNumber,omitempty" jsonschema:"description=Virtual phone number"`
	VirtualNumberCountry string  `json:"virtualNumberCountry,omitempty" jsonschema:"description=Virtual number country"`
	CallTransferType     string  `json:"callTransferType,omitempty" jsonschema:"description=Disabled or ToAssignedAgent"`
	FixedNumber          string  `json:"fixedNumber,omitempty" jsonschema:"description=Fixed phone number"`
	AgentExperience      string  `json:"agentExperience,omitempty" jsonschema:"description=Agent experience"`
	RentalBusiness       *bool   `json:"rentalBusiness,omitempty" jsonschema:"description=Handles rentals"`
	WebsiteChannel       *bool   `json:"websiteChannel,omitempty" jsonschema:"description=Website channel on"`
	TextChannel          *bool   `json:"textChannel,omitempty" jsonschema:"description=Text channel on"`
	EmailChannel         *bool   `json:"emailChannel,omitempty" jsonschema:"description=Email channel on"`
	StartActiveHour      *int32  `json:"startActiveHour,omitempty" jsonschema:"description=Active from hour (0-23)"`
	EndActiveHour        *int32  `json:"endActiveHour,omitempty" jsonschema:"description=Active until hour (0-23)"`
	ActiveDays           []int32 `json:"activeDays,omitempty" jsonschema:"description=Active days (0=Sun\\, 6=Sat)"`
	LeadTypes            []int32 `json:"leadTypes,omitempty" jsonschema:"description=Lead types worked"`
	LeadSources          []int64 `json:"leadSources,omitempty" jsonschema:"description=Lead source IDs worked"`
	LeadPipelines        []int64 `json:"leadPipelines,omitempty" jsonschema:"description=Pipeline IDs worked"`
	AgentIDs             []int64 `json:"agentIds,omitempty" jsonschema:"description=Agent IDs with access"`
	OfficeIDs            []int64 `json:"officeIds,omitempty" jsonschema:"description=Office IDs with access"`
	LeadPondIDs          []int64 `json:"leadPondIds,omitempty" jsonschema:"description=Lead pond IDs with access"`
	NewLeadEnable        *bool   `json:"newLeadEnable,omitempty" jsonschema:"description=Follows up new leads"`
	VisitorsEnable       *bool   `json:"visitorsEnable,omitempty" jsonschema:"description=Follows up visitors"`
	FollowUpRole         string  `json:"followUpRole,omitempty" jsonschema:"description=AI or Agent"`
	HostedStatus         string  `json:"hostedStatus,omitempty" jsonschema:"description=Hosted status"`
}

// identified: settings are known by the assistant's id.
func (s *SalesAgentSettings) identified() bool { return s.ID != nil }

// SalesAgentSettings returns the current user's AI sales agent settings
// (GET /v2.0/sales-agent/settings).
func (c *Client) SalesAgentSettings(ctx context.Context) (SalesAgentSettings, error) {
	return salesAgentSettings.Call(ctx, c, Params{}, NoBody{})
}

// Message is Lofty's MessageResponse: the result message of a write, and
// the "success" flag Lofty documents on some (the mute's) answers.
type Message struct {
	Message string `json:"message,omitempty"`
	Success *bool  `json:"success,omitempty" lofty:"prose"` // the mute's text documents it; its schema does not
}

// done turns an answer that says the write did not succeed into a
// KindNotDone error.
func (m Message) done(method, path string) error {
	if m.Success != nil && !*m.Success {
		return &Error{Kind: KindNotDone, Method: method, Status: http.StatusOK, Path: path,
			Message: strings.TrimSpace("Lofty answered success: false " + m.Message)}
	}
	return nil
}

// MuteSalesAgentForLead mutes the AI sales agent for lead leadID (PUT
// /v2.0/sales-agents/working-lead/{leadId}/mute): it stops messaging the
// lead. Lofty offers no way to undo it.
func (c *Client) MuteSalesAgentForLead(ctx context.Context, leadID int64) (Message, error) {
	out, err := muteWorkingLead.Call(ctx, c, Params{Path: []string{strconv.FormatInt(leadID, 10)}}, NoBody{})
	if err != nil {
		return out, err
	}
	return out, out.done(http.MethodPut, fillLeadID(MuteWorkingLeadTemplate, leadID))
}

// BatchResult is what a batch write reports: the leads it succeeded and
// failed for, when Lofty says (the fields are not in its documents; the
// names seen in similar Lofty answers are read), and its message.
type BatchResult struct {
	Succeeded []int64
	Failed    []int64
	Message   string
	// Reported is false when Lofty's answer named no lead either way.
	Reported bool
}

// batchAnswer reads a batch write's answer: its succeeded and failed lead
// IDs under any of the names Lofty uses, at the top level or in "data".
type batchAnswer struct {
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// batchLists holds the lists a batch answer may carry.
type batchLists map[string]json.RawMessage

var (
	succeededNames = []string{"succeededLeadIds", "successLeadIds", "succeedLeadIds", "successIds", "succeeded", "success", "succeed"}
	failedNames    = []string{"failedLeadIds", "failLeadIds", "failureLeadIds", "failedIds", "failed", "fail", "failures"}
)

func readBatch(body []byte) BatchResult {
	var out BatchResult
	var a batchAnswer
	if json.Unmarshal(body, &a) == nil {
		out.Message = a.Message
	}
	for _, raw := range [][]byte{body, a.Data} {
		var lists batchLists
		if len(raw) == 0 || json.Unmarshal(raw, &lists) != nil {
			continue
		}
		if ids, ok := lists.ids(succeededNames); ok {
			out.Succeeded, out.Reported = ids, true
		}
		if ids, ok := lists.ids(failedNames); ok {
			out.Failed, out.Reported = ids, true
		}
	}
	return out
}

// ids reads the first list among names as lead IDs (numbers or decimal
// strings, exactly), or objects with a leadId.
func (l batchLists) ids(names []string) ([]int64, bool) {
	for _, name := range names {
		var raw json.RawMessage
		for k, v := range l {
			if strings.EqualFold(k, name) {
				raw = v
				break
			}
		}
		if len(raw) == 0 {
			continue
		}
		// Item by item, and no more than a batch could name.
		ids := []int64{}
		if _, err := eachElement(trimSpace(raw), func(_ int, item []byte) bool {
			var obj struct {
				LeadID json.RawMessage `json:"leadId"`
			}
			if json.Unmarshal(item, &obj) == nil && len(obj.LeadID) > 0 {
				item = obj.LeadID
			}
			if n, err := strconv.ParseInt(scalarText(item), 10, 64); err == nil {
				ids = append(ids, n)
			}
			return len(ids) < MaxListItems
		}); err != nil {
			continue
		}
		return ids, true
	}
	return nil, false
}

// AddLeadsToSalesAgent adds up to 100 leads to the AI sales agent's working
// pool, optionally creating plan tasks for each (POST /v2.0/working-leads/add).
func (c *Client) AddLeadsToSalesAgent(ctx context.Context, leadIDs []int64, createPlanTask bool) (BatchResult, error) {
	raw, err := addWorkingLeadsEndpoint.Call(ctx, c, Params{}, addLeadsBody{leadIDs, createPlanTask})
	if err != nil {
		return BatchResult{}, err
	}
	return readBatch(raw), nil
}

// CreatePlanTasks creates AI plan tasks for up to 100 leads already in the
// working pool (POST /v2.0/plan-tasks/create).
func (c *Client) CreatePlanTasks(ctx context.Context, leadIDs []int64) (BatchResult, error) {
	raw, err := createPlanTasksEndpoint.Call(ctx, c, Params{}, leadIDsBody{leadIDs})
	if err != nil {
		return BatchResult{}, err
	}
	return readBatch(raw), nil
}

// SendSMSToAgent texts content to the current user's own phone from the AI
// sales agent's virtual number (POST /v2.0/sales-agent/ai-number/send-sms-to-agent).
func (c *Client) SendSMSToAgent(ctx context.Context, content string) (Message, error) {
	out, err := sendSMSToAgentEndpoint.Call(ctx, c, Params{}, smsBody{content})
	if err != nil {
		return out, err
	}
	return out, out.done(http.MethodPost, SendSMSToAgentPath)
}

// NoteID is Lofty's NoteIdResponse.
type NoteID struct {
	NoteID int64 `json:"noteId"`
}

func (n *NoteID) identified() bool { return n.NoteID != 0 }

// AddLeadNote adds a note to lead leadID (POST /v1.0/notes); isPin is
// always sent, as Lofty requires.
func (c *Client) AddLeadNote(ctx context.Context, leadID int64, content string, pin bool) (NoteID, error) {
	return addNoteEndpoint.Call(ctx, c, Params{}, addNoteBody{leadID, content, pin})
}

// Assignee is Lofty's LeadAssigineeRequest: a role and the account (email)
// of the team member who takes it.
type Assignee struct {
	Role     string `json:"role"`
	Assignee string `json:"assignee,omitempty"`
}

// LeadIDAnswer is Lofty's LeadIdResponse.
type LeadIDAnswer struct {
	LeadID int64 `json:"leadId"`
}

// AssignLead assigns lead leadID to team members by role (POST
// /v1.0/leads/{leadId}/assignment); it replaces who held those roles.
func (c *Client) AssignLead(ctx context.Context, leadID int64, assignees []Assignee) (LeadIDAnswer, error) {
	// An assignment replaces who holds the roles: sending it twice does no
	// more than once, so it is retried as a PUT is (postIdempotent).
	return assignLeadEndpoint.Call(ctx, c, Params{Path: []string{strconv.FormatInt(leadID, 10)}}, assignees)
}
