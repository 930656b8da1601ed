package tools

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// GetSalesAgentByLeadInput is what the model sends to get_sales_agent_by_lead.
type GetSalesAgentByLeadInput struct {
	LeadID int64 `json:"leadId" jsonschema:"minimum=1,description=Lead ID"`
}

// LeadInput is the input of tools that need only a lead ID.
type LeadInput = GetSalesAgentByLeadInput

func leadSubject(in LeadInput) string { return fmt.Sprintf("lead %d", in.LeadID) }

// GetSalesAgentByLead returns the AI sales agent of a lead.
var GetSalesAgentByLead = Spec[GetSalesAgentByLeadInput, lofty.SalesAgent]{
	Name:     "get_sales_agent_by_lead",
	Title:    "Get sales agent by lead",
	Toolset:  ToolsetSalesAgents,
	Upstream: []string{"GET " + lofty.SalesAgentPath},
	Example:  `{"leadId": 563172647619608}`,
	Description: "A lead's AI sales agent: name, email, virtual number, human agent, role, status. " +
		"Only a name or email? Call find_leads first.",
	Call: func(ctx context.Context, c *lofty.Client, in GetSalesAgentByLeadInput) (lofty.SalesAgent, error) {
		return c.SalesAgentByLead(ctx, in.LeadID)
	},
	Subject: leadSubject,
	NotFound: func(in GetSalesAgentByLeadInput) string {
		return fmt.Sprintf("Lead %d has no AI sales agent in Lofty (or no lead has this ID).", in.LeadID)
	},
}

// NoInput is the input of tools that take no arguments.
type NoInput struct{}

// GetCurrentSalesAgent returns the caller's own AI sales agent.
var GetCurrentSalesAgent = Spec[NoInput, lofty.SalesAgent]{
	Name:        "get_current_sales_agent",
	Title:       "Get my sales agent",
	Toolset:     ToolsetSalesAgents,
	Upstream:    []string{"GET " + lofty.CurrentSalesAgentPath},
	Description: "My own AI sales agent (fields as get_sales_agent_by_lead).",
	Call: func(ctx context.Context, c *lofty.Client, _ NoInput) (lofty.SalesAgent, error) {
		return c.CurrentSalesAgent(ctx)
	},
	Subject: func(NoInput) string { return "the current user's sales agent" },
	NotFound: func(NoInput) string {
		return "The current Lofty user has no AI sales agent."
	},
}

// GetSalesAgentQuota returns the caller's AI quota.
var GetSalesAgentQuota = Spec[NoInput, lofty.SalesAgentQuota]{
	Name:        "get_sales_agent_quota",
	Title:       "Get sales agent quota",
	Toolset:     ToolsetSalesAgents,
	Upstream:    []string{"GET " + lofty.SalesAgentQuotaPath},
	Description: "My AI sales agent's quota: leads it may work, works, has left.",
	Call: func(ctx context.Context, c *lofty.Client, _ NoInput) (lofty.SalesAgentQuota, error) {
		return c.SalesAgentQuota(ctx)
	},
	Subject: func(NoInput) string { return "the sales agent quota" },
}

// WorkingLeadStatus is check_working_lead's answer.
type WorkingLeadStatus struct {
	LeadID  int64 `json:"leadId" jsonschema:"description=Lead ID"`
	Working bool  `json:"working" jsonschema:"description=In the AI working pool"`
}

// CheckWorkingLead reports whether the AI sales agent is working a lead.
var CheckWorkingLead = Spec[LeadInput, WorkingLeadStatus]{
	Name:        "check_working_lead",
	Title:       "Check working lead",
	Toolset:     ToolsetSalesAgents,
	Upstream:    []string{"GET /v2.0/sales-agents/working-lead/{leadId}"},
	Example:     `{"leadId": 563172647619608}`,
	Description: "Whether a lead is in the AI sales agent's working pool; find_leads gives leadIds.",
	Call: func(ctx context.Context, c *lofty.Client, in LeadInput) (WorkingLeadStatus, error) {
		check, err := c.CheckWorkingLead(ctx, in.LeadID)
		if err != nil {
			return WorkingLeadStatus{}, err
		}
		return WorkingLeadStatus{LeadID: in.LeadID, Working: check.Working}, nil
	},
	Subject: leadSubject,
}

// ListWorkingLeadsInput is what the model sends to list_working_leads.
type ListWorkingLeadsInput struct {
	AIStage string `json:"aiStage,omitempty" jsonschema:"enum=HIGH_PRIORITY,enum=AI_PROSPECTING,enum=AI_MONITORING,description=AI stage"`
	Limit   int64  `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=20,description=Page size"`
	Offset  int64  `json:"offset,omitempty" jsonschema:"minimum=0,description=Start index"`
	Sort    string `json:"sort,omitempty" jsonschema:"enum=Default,enum=CreateTime,enum=UpdateTime,description=Sort (default UpdateTime)"`
	Desc    *bool  `json:"desc,omitempty" jsonschema:"description=Descending (default true)"`
}

// DefaultWorkingLeadsLimit is list_working_leads' page size (Lofty's default).
const DefaultWorkingLeadsLimit = 20

// WorkingLeadsPage is list_working_leads' answer, with Lofty's field names.
type WorkingLeadsPage struct {
	WorkingLeads []lofty.WorkingLead `json:"workingLeads"`
	Total        *int64              `json:"total,omitempty" jsonschema:"description=Matches in all pages"`
	NextOffset   *int64              `json:"nextOffset,omitempty" jsonschema:"description=More pages: pass as offset"`
}

// ListWorkingLeads lists the leads the AI sales agent is working.
var ListWorkingLeads = Spec[ListWorkingLeadsInput, WorkingLeadsPage]{
	Name:        "list_working_leads",
	Title:       "List working leads",
	Toolset:     ToolsetSalesAgents,
	Upstream:    []string{"GET " + lofty.WorkingLeadsPath},
	Description: "Leads the AI sales agent is working, optionally by AI stage. Next page: offset=nextOffset.",
	Call: func(ctx context.Context, c *lofty.Client, in ListWorkingLeadsInput) (WorkingLeadsPage, error) {
		limit := in.Limit
		if limit == 0 {
			limit = DefaultWorkingLeadsLimit
		}
		list, err := c.WorkingLeads(ctx, lofty.WorkingLeadQuery{AIStage: in.AIStage, Limit: int(limit),
			Offset: in.Offset, Sort: in.Sort, Desc: in.Desc})
		if err != nil {
			return WorkingLeadsPage{}, err
		}
		out := WorkingLeadsPage{WorkingLeads: list.WorkingLeads, Total: list.Metadata.Total}
		if out.WorkingLeads == nil {
			out.WorkingLeads = []lofty.WorkingLead{}
		}
		n := int64(len(out.WorkingLeads))
		seen := in.Offset + n
		if total := list.Metadata.Total; n > 0 && ((total != nil && seen < *total) || (total == nil && n >= limit)) {
			out.NextOffset = &seen
		}
		return out, nil
	},
	Subject: func(ListWorkingLeadsInput) string { return "the working leads" },
}

// MuteStatus is get_lead_mute_status' answer.
type MuteStatus struct {
	LeadID int64 `json:"leadId" jsonschema:"description=Lead ID"`
	Mute   bool  `json:"mute"`
}

// GetLeadMuteStatus reports whether the AI assistant is muted for a lead.
var GetLeadMuteStatus = Spec[LeadInput, MuteStatus]{
	Name:        "get_lead_mute_status",
	Title:       "Get lead mute status",
	Toolset:     ToolsetSalesAgents,
	Upstream:    []string{"GET " + lofty.LeadMuteStatusPath},
	Example:     `{"leadId": 563172647619608}`,
	Description: "Whether the AI sales agent is muted (not messaging) for a lead; find_leads gives leadIds.",
	Call: func(ctx context.Context, c *lofty.Client, in LeadInput) (MuteStatus, error) {
		mute, err := c.LeadMuteStatus(ctx, in.LeadID)
		if err != nil {
			return MuteStatus{}, err
		}
		return MuteStatus{LeadID: in.LeadID, Mute: mute}, nil
	},
	Subject: leadSubject,
}

// ListPlanTasksInput is what the model sends to list_plan_tasks_for_lead.
type ListPlanTasksInput struct {
	LeadID int64  `json:"leadId" jsonschema:"minimum=1,description=Lead ID"`
	Status string `json:"status,omitempty" jsonschema:"enum=PENDING,enum=FINISHED,enum=OVERDUE,description=Only tasks with this status"`
}

// MaxPlanTasks caps the tasks list_plan_tasks_for_lead returns.
const MaxPlanTasks = 50

// PlanTasks is list_plan_tasks_for_lead's answer.
type PlanTasks struct {
	LeadID int64            `json:"leadId" jsonschema:"description=Lead ID"`
	Total  int              `json:"total" jsonschema:"description=Matching tasks (50 at most listed)"`
	Tasks  []lofty.PlanTask `json:"tasks"`
}

// ListPlanTasksForLead lists the AI sales agent's plan tasks for a lead.
var ListPlanTasksForLead = Spec[ListPlanTasksInput, PlanTasks]{
	Name:        "list_plan_tasks_for_lead",
	Title:       "List plan tasks for lead",
	Toolset:     ToolsetSalesAgents,
	Upstream:    []string{"GET /v2.0/plan-tasks/lead/{leadId}"},
	Example:     `{"leadId": 563172647619608}`,
	Description: "A lead's AI follow-up tasks (calls, emails, texts), optionally by status; find_leads gives leadIds.",
	Call: func(ctx context.Context, c *lofty.Client, in ListPlanTasksInput) (PlanTasks, error) {
		tasks, err := c.PlanTasksForLead(ctx, in.LeadID)
		if err != nil {
			return PlanTasks{}, err
		}
		out := PlanTasks{LeadID: in.LeadID, Tasks: []lofty.PlanTask{}}
		for _, t := range tasks {
			if in.Status != "" && !strings.EqualFold(t.Status, in.Status) {
				continue
			}
			out.Total++
			if len(out.Tasks) < MaxPlanTasks {
				out.Tasks = append(out.Tasks, t)
			}
		}
		return out, nil
	},
	Subject: func(in ListPlanTasksInput) string { return fmt.Sprintf("lead %d", in.LeadID) },
}

// SalesAgentSettings is get_sales_agent_settings' answer: what a person asks
// of Lofty's SalesAgentSettingResponse (how the AI sales agent works), with
// Lofty's field names (activeHours joins startActiveHour and
// endActiveHour: "8-20"). Lists of IDs no tool can resolve (lead sources,
// pipelines, agents, offices, ponds), the avatar, the fixed number, the
// hosted status and the rental flag are left out (every byte of the default tools/list is paid
// for in every conversation); lead types and days are named.
type SalesAgentSettings struct {
	AssistantName    string   `json:"assistantName,omitempty"`
	VirtualNumber    string   `json:"virtualNumber,omitempty"`
	CallTransferType string   `json:"callTransferType,omitempty" jsonschema:"description=Disabled or ToAssignedAgent"`
	TextChannel      *bool    `json:"textChannel,omitempty"`
	EmailChannel     *bool    `json:"emailChannel,omitempty"`
	WebsiteChannel   *bool    `json:"websiteChannel,omitempty"`
	ActiveHours      string   `json:"activeHours,omitempty" jsonschema:"description=e.g. 8-20"`
	ActiveDays       []string `json:"activeDays,omitempty"`
	LeadTypes        []string `json:"leadTypes,omitempty"`
	NewLeadEnable    *bool    `json:"newLeadEnable,omitempty"`
	VisitorsEnable   *bool    `json:"visitorsEnable,omitempty"`
	FollowUpRole     string   `json:"followUpRole,omitempty" jsonschema:"description=AI or Agent"`
}

// hour renders an active hour; "?" when Lofty left it out.
func hour(h *int32) string {
	if h == nil {
		return "?"
	}
	return strconv.Itoa(int(*h))
}

// dayNames are Lofty's active days, 0 = Sunday.
var dayNames = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

// newSalesAgentSettings curates Lofty's settings.
func newSalesAgentSettings(s lofty.SalesAgentSettings) SalesAgentSettings {
	out := SalesAgentSettings{
		AssistantName: s.AssistantName, VirtualNumber: s.VirtualNumber, CallTransferType: s.CallTransferType,
		TextChannel: s.TextChannel, EmailChannel: s.EmailChannel,
		WebsiteChannel: s.WebsiteChannel,
		NewLeadEnable:  s.NewLeadEnable, VisitorsEnable: s.VisitorsEnable,
		FollowUpRole: s.FollowUpRole,
	}
	if s.StartActiveHour != nil || s.EndActiveHour != nil {
		out.ActiveHours = hour(s.StartActiveHour) + "-" + hour(s.EndActiveHour)
	}
	for _, d := range s.ActiveDays {
		if d >= 0 && int(d) < len(dayNames) {
			out.ActiveDays = append(out.ActiveDays, dayNames[d])
		} else {
			out.ActiveDays = append(out.ActiveDays, fmt.Sprintf("day %d", d))
		}
	}
	for _, t := range s.LeadTypes {
		name, ok := leadTypeNames[t]
		if !ok {
			name = fmt.Sprintf("type %d", t)
		}
		out.LeadTypes = append(out.LeadTypes, name)
	}
	return out
}

// GetSalesAgentSettings returns how the caller's AI sales agent works.
var GetSalesAgentSettings = Spec[NoInput, SalesAgentSettings]{
	Name:        "get_sales_agent_settings",
	Title:       "Get sales agent settings",
	Toolset:     ToolsetSalesAgents,
	Upstream:    []string{"GET " + lofty.SalesAgentSettingsPath},
	Description: "How my AI sales agent works: channels, hours, days, which leads, follow-up role.",
	Call: func(ctx context.Context, c *lofty.Client, _ NoInput) (SalesAgentSettings, error) {
		s, err := c.SalesAgentSettings(ctx)
		return newSalesAgentSettings(s), err
	},
	Subject:  func(NoInput) string { return "the sales agent settings" },
	NotFound: func(NoInput) string { return "The current Lofty user has no AI sales agent, so it has no settings." },
}

// MuteSalesAgentForLead stops the AI sales agent messaging a lead.
var MuteSalesAgentForLead = Spec[LeadInput, LeadWriteResult]{
	Name:     "mute_sales_agent_for_lead",
	Title:    "Mute sales agent for lead",
	Toolset:  ToolsetSalesAgentActions,
	Upstream: []string{"PUT " + lofty.MuteWorkingLeadTemplate},
	Example:  `{"leadId": 563172647619608}`,
	Description: "Stop the AI sales agent's texts, emails and calls to a lead (leadId: find_leads), e.g. when the person " +
		"takes over. Lofty cannot unmute.",
	Call: func(ctx context.Context, c *lofty.Client, in LeadInput) (LeadWriteResult, error) {
		m, err := c.MuteSalesAgentForLead(ctx, in.LeadID)
		return LeadWriteResult{LeadID: in.LeadID, Message: m.Message}, err
	},
	Subject: leadSubject,
	Write: &Write[LeadInput, LeadWriteResult]{
		Destructive: true, // Lofty has no unmute
		Idempotent:  true,
		Act:         "mute the AI sales agent for this lead",
		Leads:       func(in LeadInput) []int64 { return []int64{in.LeadID} },
		Ask: func(in LeadInput, leads LeadNames) string {
			return "Mute the AI sales agent for this lead? It stops all automated texts, emails and calls to the lead, " +
				"and Lofty has no way to undo this.\n\nLead: " + leads.One(in.LeadID)
		},
		Done: func(in LeadInput, out LeadWriteResult, leads LeadNames) string {
			return "Muted the AI sales agent for " + leads.One(in.LeadID) + ": it no longer follows up this lead." + loftyMessage(out.Message)
		},
		Check: "Check with get_lead_mute_status.",
	},
}

// LeadIDsInput is the input of batch tools: up to 100 leads.
type LeadIDsInput struct {
	LeadIDs []int64 `json:"leadIds" jsonschema:"minItems=1,maxItems=100,uniqueItems=true,minimum=1,description=Lead IDs (1 to 100 distinct)"`
}

// AddLeadsInput is what the model sends to add_leads_to_sales_agent.
type AddLeadsInput struct {
	LeadIDs        []int64 `json:"leadIds" jsonschema:"minItems=1,maxItems=100,uniqueItems=true,minimum=1,description=Lead IDs (1 to 100 distinct)"`
	CreatePlanTask bool    `json:"createPlanTask,omitempty" jsonschema:"default=false,description=Also create AI plan tasks for each lead added"`
}

// BatchWriteResult is the answer of a write to several leads.
type BatchWriteResult struct {
	Outcome
	Succeeded []int64 `json:"succeededLeadIds,omitempty" jsonschema:"description=Leads Lofty reported done"`
	Failed    []int64 `json:"failedLeadIds,omitempty" jsonschema:"description=Leads Lofty reported failed"`
	Message   string  `json:"message,omitempty" jsonschema:"description=Lofty's message"`
	reported  bool    // Lofty named the leads it succeeded or failed for
}

// batchResult turns Lofty's batch answer into a result.
func batchResult(b lofty.BatchResult) BatchWriteResult {
	return BatchWriteResult{Succeeded: b.Succeeded, Failed: b.Failed, Message: b.Message, reported: b.Reported}
}

// batchSummary says what a batch write did: lead by lead when Lofty said so.
func batchSummary(done string, asked []int64, out BatchWriteResult, leads LeadNames, check string) string {
	var s string
	switch {
	case !out.reported:
		s = fmt.Sprintf("Lofty accepted the request to %s %s; it did not say lead by lead. %s", done, leads.List(asked), check)
	case len(out.Failed) == 0:
		s = fmt.Sprintf("Done for %d of %d lead%s: %s %s.", len(out.Succeeded), len(asked), plural(len(asked), "", "s"), done, leads.List(out.Succeeded))
	default:
		s = fmt.Sprintf("Done for %d of %d lead%s (%s %s); failed for %s.", len(out.Succeeded), len(asked), plural(len(asked), "", "s"),
			done, leads.List(out.Succeeded), leads.List(out.Failed))
	}
	return s + loftyMessage(out.Message)
}

// AddLeadsToSalesAgent adds leads to the AI sales agent's working pool.
var AddLeadsToSalesAgent = Spec[AddLeadsInput, BatchWriteResult]{
	Name:     "add_leads_to_sales_agent",
	Title:    "Add leads to sales agent",
	Toolset:  ToolsetSalesAgentActions,
	Upstream: []string{"POST " + lofty.AddWorkingLeadsPath},
	Example:  `{"leadIds": [563172647619613]}`,
	Description: "Put 1 to 100 leads in the AI sales agent's working pool: it starts following them up (texts, emails, calls); " +
		"optionally with plan tasks. Uses the agent's quota.",
	Call: func(ctx context.Context, c *lofty.Client, in AddLeadsInput) (BatchWriteResult, error) {
		b, err := c.AddLeadsToSalesAgent(ctx, in.LeadIDs, in.CreatePlanTask)
		return batchResult(b), err
	},
	Subject: func(in AddLeadsInput) string { return leadsSubject(in.LeadIDs) },
	Write: &Write[AddLeadsInput, BatchWriteResult]{
		Idempotent: true, // a lead already in the pool stays there once
		Act:        "add these leads to the AI sales agent's working pool",
		Leads:      func(in AddLeadsInput) []int64 { return in.LeadIDs },
		Ask: func(in AddLeadsInput, leads LeadNames) string {
			s := "Add " + leadCount(len(in.LeadIDs)) + " to the AI sales agent's working pool? It starts following " +
				them(len(in.LeadIDs)) + " up with automated texts, emails and calls, and uses its quota"
			if in.CreatePlanTask {
				s += "; it also creates plan tasks for each"
			}
			return s + ".\n\nLeads: " + leads.List(in.LeadIDs)
		},
		Done: func(in AddLeadsInput, out BatchWriteResult, leads LeadNames) string {
			return batchSummary("add to the AI sales agent's working pool", in.LeadIDs, out, leads, "check_working_lead shows each.")
		},
		Check: "Check with check_working_lead.",
	},
}

// CreateSalesAgentPlanTasks creates AI plan tasks for leads in the working pool.
var CreateSalesAgentPlanTasks = Spec[LeadIDsInput, BatchWriteResult]{
	Name:     "create_sales_agent_plan_tasks",
	Title:    "Create sales agent plan tasks",
	Toolset:  ToolsetSalesAgentActions,
	Upstream: []string{"POST " + lofty.CreatePlanTasksPath},
	Example:  `{"leadIds": [563172647619608]}`,
	Description: "Have the AI sales agent plan follow-up tasks for 1 to 100 leads in its working pool. " +
		"Each call adds tasks: do not repeat it.",
	Call: func(ctx context.Context, c *lofty.Client, in LeadIDsInput) (BatchWriteResult, error) {
		b, err := c.CreatePlanTasks(ctx, in.LeadIDs)
		return batchResult(b), err
	},
	Subject: func(in LeadIDsInput) string { return leadsSubject(in.LeadIDs) },
	Write: &Write[LeadIDsInput, BatchWriteResult]{
		Act:   "create AI plan tasks for these leads",
		Leads: func(in LeadIDsInput) []int64 { return in.LeadIDs },
		Ask: func(in LeadIDsInput, leads LeadNames) string {
			return "Create AI plan tasks for " + leadCount(len(in.LeadIDs)) + "? The AI sales agent schedules follow-up " +
				"tasks (calls, emails, texts) for each; doing it again adds more.\n\nLeads: " + leads.List(in.LeadIDs)
		},
		Done: func(in LeadIDsInput, out BatchWriteResult, leads LeadNames) string {
			return batchSummary("create plan tasks for", in.LeadIDs, out, leads, "list_plan_tasks_for_lead shows each lead's tasks.")
		},
		Check: "Check with list_plan_tasks_for_lead.",
	},
}

// SendSMSInput is what the model sends to send_sms_to_me.
type SendSMSInput struct {
	Content string `json:"content" jsonschema:"minLength=1,maxLength=2000,description=Text or email body"`
	From    string `json:"from,omitempty" jsonschema:"enum=assistant,enum=lofty,description=lofty: Lofty's system number"`
	Subject string `json:"subject,omitempty" jsonschema:"maxLength=200,description=Email instead"`
}

// email: with a subject, the message goes to the person's email address
// (from Lofty) rather than their phone.
func (in SendSMSInput) email() bool { return in.Subject != "" }

// fromLofty: the text comes from Lofty's system number rather than the AI
// sales agent's, which a person without one lacks.
func (in SendSMSInput) fromLofty() bool { return in.From == "lofty" }

// sender names where a message to the person goes and comes from.
func (in SendSMSInput) sender() string {
	if in.email() {
		return "your email address from Lofty"
	}
	if in.fromLofty() {
		return "your phone from Lofty's system number"
	}
	return "your phone from the AI sales agent's number"
}

// SMSResult is send_sms_to_me's answer.
type SMSResult struct {
	Outcome
	Characters int    `json:"characters,omitempty" jsonschema:"description=Characters sent"`
	Message    string `json:"message,omitempty" jsonschema:"description=Lofty's message"`
}

// SendSMSToMe texts the user from the AI sales agent's virtual number, or
// from Lofty's system number, or emails them. Emails share this tool
// rather than have one of their own: every tool's description and schema
// is paid for in each client's context.
var SendSMSToMe = Spec[SendSMSInput, SMSResult]{
	Name:        "send_sms_to_me",
	Title:       "Send SMS to me",
	Toolset:     ToolsetSalesAgentActions,
	Upstream:    []string{"POST " + lofty.SendSMSToAgentPath, "POST " + lofty.SystemTextToAgentPath, "POST " + lofty.SystemEmailToAgent},
	Example:     `{"content": "Jane Smith asked for a second showing on Saturday."}`,
	Description: "Text (or, with a subject, email) the current user, e.g. a summary or a reminder. Not for leads.",
	Check: func(in SendSMSInput) error {
		if in.email() && in.From != "" {
			return errors.New(`"from" is for texts: leave it out with "subject"`)
		}
		return checkMessageText("subject", in.Subject, false)
	},
	Call: func(ctx context.Context, c *lofty.Client, in SendSMSInput) (SMSResult, error) {
		if in.email() {
			m, err := c.SendSystemEmailToMe(ctx, in.Subject, in.Content)
			return SMSResult{Characters: utf8.RuneCountInString(in.Content), Message: m.Message}, err
		}
		send := c.SendSMSToAgent
		if in.fromLofty() {
			send = c.SendSystemTextToMe
		}
		m, err := send(ctx, in.Content)
		return SMSResult{Characters: utf8.RuneCountInString(in.Content), Message: m.Message}, err
	},
	Subject: func(in SendSMSInput) string {
		if in.email() {
			return "the email to you"
		}
		return "the text to your phone"
	},
	Write: &Write[SendSMSInput, SMSResult]{
		Act:        "send this message to you",
		TextLength: func(in SendSMSInput) int { return utf8.RuneCountInString(in.Content) },
		Ask: func(in SendSMSInput, _ LeadNames) string {
			if in.email() {
				return "Email this to " + in.sender() + "?\n\nSubject: " + in.Subject + "\n\n" + in.Content
			}
			return "Text this to " + in.sender() + "?\n\n" + in.Content
		},
		Done: func(in SendSMSInput, out SMSResult, _ LeadNames) string {
			what := "a text"
			if in.email() {
				what = "an email"
			}
			return fmt.Sprintf("Sent %s of %d characters to %s.", what, out.Characters, in.sender()) +
				loftyMessage(out.Message)
		},
	},
}
