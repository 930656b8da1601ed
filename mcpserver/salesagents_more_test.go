package mcpserver_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

const carlosID = "563172647619611" // demo: working, HIGH_PRIORITY, muted

func TestCurrentSalesAgentAndQuota(t *testing.T) {
	for _, p := range lkProtocols {
		t.Run(p.name, func(t *testing.T) {
			h := newLK(t, mcpserver.Options{}, p.opts...)
			var agent lofty.SalesAgent
			h.ok(t, "get_current_sales_agent", ``, &agent)
			if agent.UserID == nil || *agent.UserID != fakelofty.DemoUserID || agent.AssistantName != "John's AI Assistant" {
				t.Errorf("current agent %+v", agent)
			}
			h.ok(t, "get_current_sales_agent", `{}`, nil)
			var q lofty.SalesAgentQuota
			h.ok(t, "get_sales_agent_quota", `{}`, &q)
			if q.TotalQuota == nil || *q.TotalQuota != 100 || q.UsedQuota == nil || *q.UsedQuota < 1 ||
				*q.RemainingQuota != *q.TotalQuota-int64(*q.UsedQuota) || q.IsBorrowed == nil || *q.IsBorrowed {
				t.Errorf("quota %+v", q)
			}
		})
	}
	h := newLK(t, mcpserver.Options{})
	mustContain(t, h.fails(t, "get_current_sales_agent", `{"leadId":1}`), `unknown argument "leadId"`, "no arguments")
	h.answer("/v2.0/sales-agents/current", 404, "Sales Agent not found")
	mustContain(t, h.fails(t, "get_current_sales_agent", ``), "The current Lofty user has no AI sales agent.", "HTTP 404")
	h.answer("/v2.0/sales-agents/quota", 200, `{"totalQuota":10,"usedQuota":10,"remainingQuota":0,"hasQuotaAvailable":false,
		"usagePercentage":100.0,"isBorrowed":true,"borrowLevel":"TEAM","borrowedFrom":9223372036854775807}`)
	mustContain(t, h.ok(t, "get_sales_agent_quota", ``, nil), `"borrowedFrom":9223372036854775807`, `"hasQuotaAvailable":false`)
	h.answer("/v2.0/sales-agents/quota", 401, "Missing or invalid authentication token.")
	mustContain(t, h.fails(t, "get_sales_agent_quota", ``), "Lofty refused the credentials")
}

func TestCheckWorkingLead(t *testing.T) {
	h := newLK(t, mcpserver.Options{})
	for id, want := range map[string]bool{janeID: true, carlosID: true, markID: false} {
		var r tools.WorkingLeadStatus
		h.ok(t, "check_working_lead", `{"leadId":`+id+`}`, &r)
		if strconv.FormatInt(r.LeadID, 10) != id || r.Working != want {
			t.Errorf("lead %s: %+v, want working %v", id, r, want)
		}
	}
	mustContain(t, h.fails(t, "check_working_lead", `{"leadId":`+otherID+`}`), "no access to lead "+otherID, "HTTP 403")
	for body, want := range map[string]bool{`true`: true, `false`: false, `{"data":true}`: true, `null`: false} {
		h.answer("/v2.0/sales-agents/working-lead/", 200, body)
		var r tools.WorkingLeadStatus
		h.ok(t, "check_working_lead", `{"leadId":9223372036854775807}`, &r)
		if r.Working != want || r.LeadID != 9223372036854775807 {
			t.Errorf("%s: %+v", body, r)
		}
	}
	h.answer("/v2.0/sales-agents/working-lead/", 200, `"maybe"`)
	mustContain(t, h.fails(t, "check_working_lead", `{"leadId":1}`), "could not read")
	if p := h.fake.Requests(); p[len(p)-1].Path != "/v2.0/sales-agents/working-lead/1" {
		t.Errorf("path %s", p[len(p)-1].Path)
	}
}

func TestListWorkingLeads(t *testing.T) {
	h := newLK(t, mcpserver.Options{})
	var all tools.WorkingLeadsPage
	h.ok(t, "list_working_leads", ``, &all)
	if q := h.lastQuery(t, "/v2.0/working-leads"); q.Encode() != "limit=20" {
		t.Errorf("default query %s", q.Encode())
	}
	if all.Total == nil || int(*all.Total) != len(all.WorkingLeads) || all.NextOffset != nil || len(all.WorkingLeads) < 3 {
		t.Fatalf("all working leads: %+v", all)
	}
	var got []int64
	args := `{"limit":2}`
	for range 10 {
		var page tools.WorkingLeadsPage
		h.ok(t, "list_working_leads", args, &page)
		for _, wl := range page.WorkingLeads {
			got = append(got, wl.LeadID)
		}
		if page.NextOffset == nil {
			break
		}
		args = `{"limit":2,"offset":` + strconv.FormatInt(*page.NextOffset, 10) + `}`
	}
	if len(got) != len(all.WorkingLeads) {
		t.Errorf("paged %v, want %d leads", got, len(all.WorkingLeads))
	}
	for i := range got {
		if got[i] != all.WorkingLeads[i].LeadID {
			t.Errorf("paged order %v differs from one page %+v", got, all.WorkingLeads)
			break
		}
	}
	var high tools.WorkingLeadsPage
	h.ok(t, "list_working_leads", `{"aiStage":"HIGH_PRIORITY","sort":"CreateTime","desc":false,"limit":"100","offset":0}`, &high)
	q := h.lastQuery(t, "/v2.0/working-leads")
	if q.Encode() != "aiStage=HIGH_PRIORITY&desc=false&limit=100&sort=CreateTime" {
		t.Errorf("query %s", q.Encode())
	}
	if len(high.WorkingLeads) != 1 || strconv.FormatInt(high.WorkingLeads[0].LeadID, 10) != carlosID {
		t.Errorf("HIGH_PRIORITY: %+v", high)
	}
	for _, tc := range []struct{ args, want string }{
		{`{"aiStage":"HOT"}`, `"aiStage" must be one of HIGH_PRIORITY, AI_PROSPECTING, AI_MONITORING; got "HOT"`},
		{`{"sort":"Name"}`, `"sort" must be one of Default, CreateTime, UpdateTime`},
		{`{"limit":101}`, `"limit" must be an integer from 1 to 100`},
		{`{"desc":"yes"}`, `"desc" must be true or false`},
	} {
		mustContain(t, h.fails(t, "list_working_leads", tc.args), tc.want)
	}
	h.answer("/v2.0/working-leads", 200, `{"workingLeads":null,"metadata":{}}`)
	var empty tools.WorkingLeadsPage
	h.ok(t, "list_working_leads", ``, &empty)
	if empty.WorkingLeads == nil || empty.NextOffset != nil {
		t.Errorf("empty answer: %+v", empty)
	}
	h.answer("/v2.0/working-leads", 200, `{"workingLeads":[{"leadId":1},{"leadId":2}],"metadata":{}}`)
	var noTotal tools.WorkingLeadsPage
	h.ok(t, "list_working_leads", `{"limit":2,"offset":4}`, &noTotal)
	if noTotal.NextOffset == nil || *noTotal.NextOffset != 6 {
		t.Errorf("a full page without a total: next %v, want 6", noTotal.NextOffset)
	}
	h.answer("/v2.0/working-leads", 400, "Invalid parameters")
	mustContain(t, h.fails(t, "list_working_leads", ``), "Lofty rejected the request for the working leads")
}

func TestGetLeadMuteStatus(t *testing.T) {
	h := newLK(t, mcpserver.Options{})
	for id, want := range map[string]bool{carlosID: true, janeID: false} {
		txt := h.ok(t, "get_lead_mute_status", `{"leadId":"`+id+`"}`, nil)
		if txt != `{"leadId":`+id+`,"mute":`+strconv.FormatBool(want)+`}` {
			t.Errorf("lead %s: %s", id, txt)
		}
		if q := h.lastQuery(t, lofty.LeadMuteStatusPath); q.Get("leadId") != id {
			t.Errorf("query %s", q.Encode())
		}
	}
	mustContain(t, h.fails(t, "get_lead_mute_status", `{"leadId":`+otherID+`}`), "no access to lead "+otherID)
	h.answer(lofty.LeadMuteStatusPath, 200, `{"data":{"mute":true}}`)
	mustContain(t, h.ok(t, "get_lead_mute_status", `{"leadId":9007199254740993}`, nil), `{"leadId":9007199254740993,"mute":true}`)
	h.answer(lofty.LeadMuteStatusPath, 200, `{"data":{}}`)
	mustContain(t, h.fails(t, "get_lead_mute_status", `{"leadId":1}`), "could not read", "no mute status")
}

func TestListPlanTasksForLead(t *testing.T) {
	h := newLK(t, mcpserver.Options{})
	var r tools.PlanTasks
	h.ok(t, "list_plan_tasks_for_lead", `{"leadId":`+janeID+`}`, &r)
	if strconv.FormatInt(r.LeadID, 10) != janeID || r.Total != 3 || len(r.Tasks) != 3 || r.Tasks[0].Content == "" || r.Tasks[0].ID == nil {
		t.Errorf("Jane's tasks: %+v", r)
	}
	h.ok(t, "list_plan_tasks_for_lead", `{"leadId":`+janeID+`,"status":"OVERDUE"}`, &r)
	if r.Total != 1 || len(r.Tasks) != 1 || r.Tasks[0].Status != "OVERDUE" || r.Tasks[0].TaskType != "TEXT" {
		t.Errorf("overdue: %+v", r)
	}
	h.ok(t, "list_plan_tasks_for_lead", `{"leadId":`+markID+`}`, &r)
	if r.Total != 0 || r.Tasks == nil || len(r.Tasks) != 0 {
		t.Errorf("Mark: %+v (want an empty list, not null)", r)
	}
	mustContain(t, h.fails(t, "list_plan_tasks_for_lead", `{"leadId":`+otherID+`}`), "no access to lead "+otherID)
	mustContain(t, h.fails(t, "list_plan_tasks_for_lead", `{"leadId":1,"status":"DONE"}`), `"status" must be one of PENDING, FINISHED, OVERDUE`)

	var many []string
	for i := range 70 {
		status := "PENDING"
		if i%7 == 0 {
			status = "FINISHED"
		}
		many = append(many, `{"id":9007199254740993,"status":"`+status+`","assignedTo":9223372036854775807}`)
	}
	h.answer("/v2.0/plan-tasks/lead/", 200, "["+strings.Join(many, ",")+"]")
	txt := h.ok(t, "list_plan_tasks_for_lead", `{"leadId":5}`, &r)
	if r.Total != 70 || len(r.Tasks) != tools.MaxPlanTasks {
		t.Errorf("70 tasks: total %d, listed %d, want 70 and %d", r.Total, len(r.Tasks), tools.MaxPlanTasks)
	}
	mustContain(t, txt, `"id":9007199254740993`, `"assignedTo":9223372036854775807`)
	h.ok(t, "list_plan_tasks_for_lead", `{"leadId":5,"status":"FINISHED"}`, &r)
	if r.Total != 10 || len(r.Tasks) != 10 {
		t.Errorf("finished: total %d listed %d, want 10", r.Total, len(r.Tasks))
	}
	h.answer("/v2.0/plan-tasks/lead/", 200, `null`)
	h.ok(t, "list_plan_tasks_for_lead", `{"leadId":5}`, &r)
	if r.Tasks == nil || r.Total != 0 {
		t.Errorf("null answer: %+v", r)
	}
}

// TestLeadToolsErrorsNameTheLead: every tool taking a lead ID names the lead
// in its errors, keeps the ID exact there, and refuses a bad ID in words.
func TestLeadToolsErrorsNameTheLead(t *testing.T) {
	h := newLK(t, mcpserver.Options{Toolsets: []string{tools.AllToolsets}})
	list, err := h.client.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tl := range list.Tools {
		if _, ok := tl.InputSchema.Properties["leadId"]; !ok || !isTrue(tl.Annotations.ReadOnlyHint) {
			continue // writes: TestWriteErrorsNameTheLead
		}
		n++
		h.answer("/", 400, `{"code":100002,"message":"Invalid lead ID parameter"}`)
		mustContain(t, h.fails(t, tl.Name, `{"leadId":9223372036854775807}`), "Lofty rejected the request for lead 9223372036854775807", "code 100002")
		h.answer("/", 503, "down")
		mustContain(t, h.fails(t, tl.Name, `{"leadId":7}`), "Lofty is unavailable")
		mustContain(t, h.fails(t, tl.Name, `{"leadId":-1}`), `"leadId" must be an integer from 1`)
	}
	if n < 2 {
		t.Errorf("%d tools take a leadId; the test sees too few", n)
	}
}
