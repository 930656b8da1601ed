package lofty

import "encoding/json"

// The endpoints of the first tools (leads, Sales Agents V2, notes,
// assignment), declared as every endpoint is, so that the contract tests
// check them. Where a method reads an answer its own way (a lead wrapped in
// "lead", a mute status in "data", a batch's lists under several names),
// the endpoint names the type it is checked against.
var (
	meEndpoint              = get[Member](MePath)
	leadsEndpoint           = get[LeadList](LeadsPath)
	leadEndpoint            = get[Lead](LeadTemplate)
	salesAgentByLead        = get[SalesAgent](SalesAgentPath)
	currentSalesAgent       = get[SalesAgent](CurrentSalesAgentPath)
	salesAgentQuota         = get[SalesAgentQuota](SalesAgentQuotaPath)
	workingLeadEndpoint     = get[json.RawMessage](WorkingLeadTemplate)
	workingLeadsEndpoint    = get[WorkingLeadList](WorkingLeadsPath)
	leadMuteStatusEndpoint  = get[json.RawMessage](LeadMuteStatusPath)
	planTasksEndpoint       = get[[]PlanTask](PlanTasksTemplate)
	salesAgentSettings      = get[SalesAgentSettings](SalesAgentSettingsPath)
	muteWorkingLead         = put[NoBody, Message](MuteWorkingLeadTemplate)
	addWorkingLeadsEndpoint = post[addLeadsBody, json.RawMessage](AddWorkingLeadsPath)
	createPlanTasksEndpoint = post[leadIDsBody, json.RawMessage](CreatePlanTasksPath)
	sendSMSToAgentEndpoint  = post[smsBody, Message](SendSMSToAgentPath)
	addNoteEndpoint         = post[addNoteBody, NoteID](NotesPath)
	assignLeadEndpoint      = postIdempotent[[]Assignee, LeadIDAnswer](LeadAssignmentTemplate)
)

// The bodies of the first writes, as Lofty documents them.
type (
	addLeadsBody struct {
		LeadIDs        []int64 `json:"leadIds"`
		CreatePlanTask bool    `json:"createPlanTask"`
	}
	leadIDsBody struct {
		LeadIDs []int64 `json:"leadIds"`
	}
	smsBody struct {
		Content string `json:"content"`
	}
	addNoteBody struct {
		LeadID  int64  `json:"leadId"`
		Content string `json:"content"`
		IsPin   bool   `json:"isPin"`
	}
)
