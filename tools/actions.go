package tools

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Toolsets of the tools that change data in Lofty; neither is served unless
// named (--toolsets), and --read-only removes them whatever is named.
const (
	// ToolsetSalesAgentActions holds the AI sales agent's actions: mute,
	// add to the working pool, plan tasks, a text to the user.
	ToolsetSalesAgentActions = "sales_agent_actions"
	// ToolsetLeadActions holds changes to a lead: notes, assignment.
	ToolsetLeadActions = "lead_actions"
)

// MaxTextLength bounds a note or an SMS, in characters; Lofty truncates a
// note silently beyond it.
const MaxTextLength = lofty.MaxNoteLength

// LeadWriteResult is the answer of a write to one lead.
type LeadWriteResult struct {
	Outcome
	LeadID  int64  `json:"leadId,omitempty" jsonschema:"description=Lead ID"`
	Message string `json:"message,omitempty" jsonschema:"description=Lofty's message"`
}

// loftyMessage quotes Lofty's own message in a summary, if it sent one.
func loftyMessage(msg string) string {
	if msg = strings.TrimSpace(msg); msg == "" {
		return ""
	}
	return " Lofty said: " + strconv.Quote(msg) + "."
}

// MuteSalesAgentForLead stops the AI sales agent messaging a lead.
var MuteSalesAgentForLead = Spec[LeadInput, LeadWriteResult]{
	Name:     "mute_sales_agent_for_lead",
	Title:    "Mute sales agent for lead",
	Toolset:  ToolsetSalesAgentActions,
	Upstream: "PUT " + lofty.MuteWorkingLeadTemplate,
	Example:  `{"leadId": 563172647619608}`,
	Description: "Stop the AI sales agent's automated texts, emails and calls to a lead, e.g. when the person takes over. " +
		"Lofty has no way to unmute. Needs the leadId (find_leads finds it).",
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
			return "Mute the AI sales agent for " + leads.One(in.LeadID) + "? It stops all automated texts, emails and " +
				"calls to this lead. Lofty has no way to undo this."
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
	Upstream: "POST " + lofty.AddWorkingLeadsPath,
	Example:  `{"leadIds": [563172647619613]}`,
	Description: "Put 1 to 100 leads in the AI sales agent's working pool: it starts following them up (texts, emails, calls); " +
		"optionally with plan tasks. Uses the agent's quota.",
	Call: func(ctx context.Context, c *lofty.Client, in AddLeadsInput) (BatchWriteResult, error) {
		b, err := c.AddLeadsToSalesAgent(ctx, in.LeadIDs, in.CreatePlanTask)
		return batchResult(b), err
	},
	Subject: func(in AddLeadsInput) string { return leadCount(in.LeadIDs) },
	Write: &Write[AddLeadsInput, BatchWriteResult]{
		Idempotent: true, // a lead already in the pool stays there once
		Act:        "add these leads to the AI sales agent's working pool",
		Leads:      func(in AddLeadsInput) []int64 { return in.LeadIDs },
		Ask: func(in AddLeadsInput, leads LeadNames) string {
			s := "Add " + leads.List(in.LeadIDs) + " to the AI sales agent's working pool? It starts following " +
				them(len(in.LeadIDs)) + " up with automated texts, emails and calls, and uses its quota"
			if in.CreatePlanTask {
				s += "; it also creates plan tasks for each"
			}
			return s + "."
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
	Upstream: "POST " + lofty.CreatePlanTasksPath,
	Example:  `{"leadIds": [563172647619608]}`,
	Description: "Have the AI sales agent plan follow-up tasks for 1 to 100 leads already in its working pool. " +
		"Each call adds tasks: do not repeat it. The result lists the leads that succeeded and failed.",
	Call: func(ctx context.Context, c *lofty.Client, in LeadIDsInput) (BatchWriteResult, error) {
		b, err := c.CreatePlanTasks(ctx, in.LeadIDs)
		return batchResult(b), err
	},
	Subject: func(in LeadIDsInput) string { return leadCount(in.LeadIDs) },
	Write: &Write[LeadIDsInput, BatchWriteResult]{
		Act:   "create AI plan tasks for these leads",
		Leads: func(in LeadIDsInput) []int64 { return in.LeadIDs },
		Ask: func(in LeadIDsInput, leads LeadNames) string {
			return "Create AI plan tasks for " + leads.List(in.LeadIDs) + "? The AI sales agent schedules follow-up " +
				"tasks (calls, emails, texts) for each; doing it again adds more."
		},
		Done: func(in LeadIDsInput, out BatchWriteResult, leads LeadNames) string {
			return batchSummary("create plan tasks for", in.LeadIDs, out, leads, "list_plan_tasks_for_lead shows each lead's tasks.")
		},
		Check: "Check with list_plan_tasks_for_lead.",
	},
}

// SendSMSInput is what the model sends to send_sms_to_me.
type SendSMSInput struct {
	Content string `json:"content" jsonschema:"minLength=1,maxLength=2000,description=Text to send (1 to 2000 characters)"`
}

// SMSResult is send_sms_to_me's answer.
type SMSResult struct {
	Outcome
	Characters int    `json:"characters,omitempty" jsonschema:"description=Characters sent"`
	Message    string `json:"message,omitempty" jsonschema:"description=Lofty's message"`
}

// SendSMSToMe texts the user from the AI sales agent's virtual number.
var SendSMSToMe = Spec[SendSMSInput, SMSResult]{
	Name:     "send_sms_to_me",
	Title:    "Send SMS to me",
	Toolset:  ToolsetSalesAgentActions,
	Upstream: "POST " + lofty.SendSMSToAgentPath,
	Example:  `{"content": "Jane Smith asked for a second showing on Saturday."}`,
	Description: "Text the current user's own phone from the AI sales agent's virtual number, e.g. a summary or a reminder. " +
		"Not for texting leads.",
	Call: func(ctx context.Context, c *lofty.Client, in SendSMSInput) (SMSResult, error) {
		m, err := c.SendSMSToAgent(ctx, in.Content)
		return SMSResult{Characters: utf8.RuneCountInString(in.Content), Message: m.Message}, err
	},
	Subject: func(SendSMSInput) string { return "the text to your phone" },
	Write: &Write[SendSMSInput, SMSResult]{
		Act:        "send this text to your phone",
		TextLength: func(in SendSMSInput) int { return utf8.RuneCountInString(in.Content) },
		Ask: func(in SendSMSInput, _ LeadNames) string {
			return "Text this to your own phone from the AI sales agent's number?\n\n" + in.Content
		},
		Done: func(in SendSMSInput, out SMSResult, _ LeadNames) string {
			return fmt.Sprintf("Sent a text of %d characters to your phone from the AI sales agent's number.", out.Characters) +
				loftyMessage(out.Message)
		},
	},
}

// AddLeadNoteInput is what the model sends to add_lead_note.
type AddLeadNoteInput struct {
	LeadID  int64  `json:"leadId" jsonschema:"minimum=1,description=Lead ID"`
	Content string `json:"content" jsonschema:"minLength=1,maxLength=2000,description=Note text (1 to 2000 characters)"`
	Pin     bool   `json:"pin,omitempty" jsonschema:"default=false,description=Pin the note to the top of the lead's timeline"`
}

// NoteResult is add_lead_note's answer.
type NoteResult struct {
	Outcome
	LeadID int64 `json:"leadId,omitempty" jsonschema:"description=Lead ID"`
	NoteID int64 `json:"noteId,omitempty" jsonschema:"description=ID of the new note"`
	Pinned bool  `json:"pinned,omitempty" jsonschema:"description=Pinned to the top"`
}

// AddLeadNote adds a note to a lead.
var AddLeadNote = Spec[AddLeadNoteInput, NoteResult]{
	Name:     "add_lead_note",
	Title:    "Add lead note",
	Toolset:  ToolsetLeadActions,
	Upstream: "POST " + lofty.NotesPath,
	Example:  `{"leadId": 563172647619608, "content": "Called Jane: she wants 3 beds near Barton Hills."}`,
	Description: "Add a note to a lead's timeline (e.g. \"called her, she wants 3 beds\"), optionally pinned. " +
		"Each call adds a note: do not repeat it. Needs the leadId (find_leads finds it).",
	Call: func(ctx context.Context, c *lofty.Client, in AddLeadNoteInput) (NoteResult, error) {
		n, err := c.AddLeadNote(ctx, in.LeadID, in.Content, in.Pin)
		return NoteResult{LeadID: in.LeadID, NoteID: n.NoteID, Pinned: in.Pin}, err
	},
	Subject: func(in AddLeadNoteInput) string { return fmt.Sprintf("lead %d", in.LeadID) },
	NotFound: func(in AddLeadNoteInput) string {
		return fmt.Sprintf("Lofty has no lead %d that these credentials can see. To find a lead's ID, call find_leads.", in.LeadID)
	},
	Write: &Write[AddLeadNoteInput, NoteResult]{
		Act:        "add this note to the lead",
		Leads:      func(in AddLeadNoteInput) []int64 { return []int64{in.LeadID} },
		TextLength: func(in AddLeadNoteInput) int { return utf8.RuneCountInString(in.Content) },
		Ask: func(in AddLeadNoteInput, leads LeadNames) string {
			s := "Add this note to " + leads.One(in.LeadID)
			if in.Pin {
				s += ", pinned to the top of the timeline"
			}
			return s + "?\n\n" + in.Content
		},
		Done: func(in AddLeadNoteInput, out NoteResult, leads LeadNames) string {
			s := "Added a note to " + leads.One(in.LeadID)
			if out.NoteID != 0 {
				s += fmt.Sprintf(" (note %d)", out.NoteID)
			}
			if in.Pin {
				s += ", pinned"
			}
			return s + "."
		},
		Check: "Ask the person to look at the lead's timeline in Lofty",
	},
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
	Upstream: "POST " + lofty.LeadAssignmentTemplate,
	Example:  `{"leadId": 563172647619609, "assignees": [{"role": "Agent", "assignee": "maria.garcia@example.com"}]}`,
	Description: "Give a lead to team members by role (Agent, Assistant, Lender), each named by their Lofty account email. " +
		"Replaces who held the role. Needs the leadId (find_leads finds it).",
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
		Ask: func(in AssignLeadInput, leads LeadNames) string {
			return "Assign " + leads.One(in.LeadID) + ": " + describeAssignees(in.Assignees) +
				"? This replaces whoever holds " + pluralRole(len(in.Assignees)) + " now."
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
func leadCount(ids []int64) string {
	if len(ids) == 1 {
		return fmt.Sprintf("lead %d", ids[0])
	}
	return fmt.Sprintf("these %d leads", len(ids))
}
