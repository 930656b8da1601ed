package tools

import (
	"fmt"
	"slices"
	"strings"
)

// Toolset names, as --toolsets takes them. Toolsets of tools that change
// data in Lofty are not served by default, and --read-only removes their
// tools whatever is named.
const (
	// ToolsetLeads holds the lead-lookup tools.
	ToolsetLeads = "leads"
	// ToolsetLeadActions holds changes to a lead: notes, assignment.
	ToolsetLeadActions = "lead_actions"
	// ToolsetSalesAgents holds the Lofty AI sales agent (Sales Agents V2) tools.
	ToolsetSalesAgents = "sales_agents"
	// ToolsetSalesAgentActions holds the AI sales agent's actions: mute,
	// add to the working pool, plan tasks, a text or an email to the user,
	// an opportunity alert to a lead's agents.
	ToolsetSalesAgentActions = "sales_agent_actions"
	// ToolsetTasks holds the person's day, tasks, appointments and calendar.
	ToolsetTasks = "tasks"
	// ToolsetTaskActions holds changes to tasks and appointments.
	ToolsetTaskActions = "task_actions"
	// ToolsetTeam holds the reads of the team: members, the names Lofty
	// expects (tags, custom fields, stages, ponds), routing, the
	// organisation.
	ToolsetTeam = "team"
	// ToolsetAdmin holds administration: routing, offices and company,
	// agents, custom fields, webhooks, AI sales agent settings, Brokermint
	// syncs. It must be named, and the person confirms every call.
	ToolsetAdmin = "admin"
	// ToolsetDeletes holds deletes (delete_<what>). It must be named, and
	// the person confirms every call.
	ToolsetDeletes = "deletes"
	// ToolsetMessages holds texts and emails to leads: served only when
	// named.
	ToolsetMessages = "messages"
	// ToolsetDeals holds the transaction reads: a lead's, the team's by
	// pipeline, stage and closing date, one in full.
	ToolsetDeals = "deals"
	// ToolsetDealActions holds changes to transactions: create, update.
	ToolsetDealActions = "deal_actions"
	// ToolsetListings holds the listing reads: search, by agent or office,
	// published, one in full.
	ToolsetListings = "listings"
	// ToolsetAI holds Lofty's own AI: call scripts, insights, call
	// summaries, lead analyses under way.
	ToolsetAI = "ai"
	// ToolsetAIActions holds what Lofty's AI makes and keeps: a call
	// summary, a lead analysis.
	ToolsetAIActions = "ai_actions"
)

// Toolset is a named group of tools, selected as a whole.
type Toolset struct {
	Name        string
	Description string
	// Default toolsets are served when no selection is made.
	Default bool
	// Named toolsets are served only when named: "all" leaves them out
	// (messages to clients, deletes, administration).
	Named bool
}

// Toolsets returns every toolset, in listing order. A spec names its
// toolset (Spec.Toolset); this table is the one hand-kept list, of toolsets.
func Toolsets() []Toolset {
	return []Toolset{
		{Name: ToolsetLeads, Description: "find leads by name, email or phone; read a lead and its whole history", Default: true},
		{Name: ToolsetSalesAgents, Description: "Lofty AI sales agents: by lead, current user, settings, quota, working leads, mute status, plan tasks", Default: true},
		{Name: ToolsetSalesAgentActions, Description: "changes by the AI sales agent: mute it for a lead, add leads to its working pool, create plan tasks, text or email you, alert a lead's agents"},
		{Name: ToolsetLeadActions, Description: "changes to leads: create, update, log a contact, add a note, assign"},
		{Name: ToolsetTasks, Description: "my day, tasks, appointments, calendar and free meeting times", Default: true},
		{Name: ToolsetTaskActions, Description: "create, change, finish tasks and appointments; send a task reminder"},
		{Name: ToolsetTeam, Description: "the team: members and their account emails, tags, custom fields, stages, ponds, lead routing, offices, permission profiles, vendors, webhooks"},
		{Name: ToolsetAdmin, Description: "administration, each call confirmed by the person: lead routing, offices and company, agents, custom fields, webhooks, AI sales agent settings, Brokermint syncs", Named: true},
		{Name: ToolsetDeletes, Description: "deletes (a note, a logged contact, a lead, a task, ...), each call confirmed by the person (deleting a webhook is administration: it also needs admin)", Named: true},
		{Name: ToolsetDeals, Description: "transactions: a lead's, the team's by pipeline, stage and closing date, one in full"},
		{Name: ToolsetDealActions, Description: "changes to transactions: create one, update one (stage, price, dates, address)"},
		{Name: ToolsetListings, Description: "MLS listings: search (from a lead's wishes too), by agent or office, the published feed, one in full"},
		{Name: ToolsetAI, Description: "Lofty's AI: call scripts and appointment insights, call summaries, lead analyses"},
		{Name: ToolsetAIActions, Description: "have Lofty's AI summarise a recorded call or analyse a lead; Lofty keeps the result"},
		{Name: ToolsetMessages, Description: "text and email leads, each message approved by the person as sent; served only when named", Named: true},
	}
}

// All returns every tool lofty-mcp offers, in listing order: toolsets in
// the order of Toolsets, each toolset's tools as their specs are declared.
// The tools are the package's Spec values, found in its source by
// `go generate ./...` (zz_generated_registry.go); a tool whose toolset is not
// in Toolsets comes last, and a test fails on it.
func All() []Tool {
	rank := map[string]int{}
	for i, ts := range Toolsets() {
		rank[ts.Name] = i + 1
	}
	all := specs()
	slices.SortStableFunc(all, func(a, b Tool) int {
		ra, rb := rank[a.Info().Toolset], rank[b.Info().Toolset]
		if ra == 0 {
			ra = len(rank) + 1
		}
		if rb == 0 {
			rb = len(rank) + 1
		}
		return ra - rb
	})
	return all
}

// AllToolsets is the --toolsets value that selects every toolset but those
// that must be named (Toolset.Named).
const AllToolsets = "all"

// Select returns the tools to serve: those of the named toolsets (nil or
// empty: the default toolsets; "all": every toolset), restricted to the
// allow-list of tool names when it is not empty. A tool in a second
// toolset too (Spec.AlsoToolset) is served only when both are selected.
// Unknown names, and a selection that leaves no tool, are errors that list
// the valid names.
func Select(toolsets, allow []string) ([]Tool, error) {
	known := map[string]bool{}
	var names []string
	for _, ts := range Toolsets() {
		known[ts.Name] = true
		names = append(names, ts.Name)
	}
	chosen := map[string]bool{}
	toolsets = cleanNames(toolsets)
	if len(toolsets) == 0 {
		for _, ts := range Toolsets() {
			chosen[ts.Name] = ts.Default
		}
	}
	var unknown []string
	for _, name := range toolsets {
		switch {
		case name == AllToolsets:
			for _, ts := range Toolsets() {
				chosen[ts.Name] = chosen[ts.Name] || !ts.Named
			}
		case known[name]:
			chosen[name] = true
		default:
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown toolset %s; valid toolsets: %s (or %q for every toolset but those that must be named)",
			quoteAll(unknown), strings.Join(names, ", "), AllToolsets)
	}

	allow = cleanNames(allow)
	served := func(info Info) bool {
		return chosen[info.Toolset] && (info.AlsoToolset == "" || chosen[info.AlsoToolset])
	}
	toolNames := map[string]Info{}
	var allNames []string
	for _, t := range All() {
		toolNames[t.Info().Name] = t.Info()
		allNames = append(allNames, t.Info().Name)
	}
	unknown = nil
	var outside []string
	for _, name := range allow {
		info, ok := toolNames[name]
		switch {
		case !ok:
			unknown = append(unknown, name)
		case !served(info):
			outside = append(outside, fmt.Sprintf("%s (toolset %s)", name, info.ToolsetNames()))
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown tool %s; valid tools: %s", quoteAll(unknown), strings.Join(allNames, ", "))
	}
	if len(outside) > 0 {
		return nil, fmt.Errorf("--tools names %s, outside the selected toolsets (%s); add the toolset to --toolsets",
			strings.Join(outside, ", "), strings.Join(selectedNames(chosen), ", "))
	}

	var out []Tool
	for _, t := range All() {
		info := t.Info()
		if served(info) && (len(allow) == 0 || slices.Contains(allow, info.Name)) {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		var needs []string
		for _, t := range All() {
			if info := t.Info(); chosen[info.Toolset] && !served(info) {
				needs = append(needs, fmt.Sprintf("%s needs the toolset %s too", info.Name, info.AlsoToolset))
			}
		}
		if len(needs) > 0 {
			return nil, fmt.Errorf("the selection serves no tools: %s", strings.Join(needs, "; "))
		}
		return nil, fmt.Errorf("the selection serves no tools; valid toolsets: %s", strings.Join(names, ", "))
	}
	return out, nil
}

func cleanNames(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

func selectedNames(chosen map[string]bool) []string {
	var out []string
	for _, ts := range Toolsets() {
		if chosen[ts.Name] {
			out = append(out, ts.Name)
		}
	}
	return out
}
