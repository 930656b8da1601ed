package fakelofty_test

import (
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

// okJSON GETs path and decodes a 200 JSON body, keeping numbers exact.
func okJSON(t *testing.T, base, path string) any {
	t.Helper()
	status, h, body := get(t, base, path, "token any-key")
	if status != 200 {
		t.Fatalf("GET %s: status %d: %s", path, status, body)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	return decodeNumbers(t, body)
}

// conform fails t for every way v does not fit the named schema.
func conform(t *testing.T, v any, schema, where string) {
	t.Helper()
	d := loadOpenAPI(t)
	for _, p := range d.validate(v, d.Components.Schemas[schema], where) {
		t.Error(p)
	}
}

// TestLeadAnswersConformToDocument: /v1.0/leads and /v1.0/leads/{id} answer
// with LeadResponse objects, the list's paging under "_metadata" (what Lofty
// sends; the document calls it get_metadata) as MetaData.
func TestLeadAnswersConformToDocument(t *testing.T) {
	d := loadOpenAPI(t)
	if got := d.responseRef(t, "/v1.0/leads", "get", "200"); got != "LeadListResponse" {
		t.Fatalf("list schema %s", got)
	}
	if got := d.responseRef(t, "/v1.0/leads/{leadId}", "get", "200"); got != "LeadResponse" {
		t.Fatalf("get schema %s", got)
	}
	data := fakelofty.Demo()
	base := fakelofty.New(data).Start(t)
	for _, q := range []string{"", "?limit=3", "?key=jane", "?limit=100&offset=2", "?stage=Active&limit=1"} {
		body, _ := okJSON(t, base, "/v1.0/leads"+q).(map[string]any)
		if len(body) != 2 || body["_metadata"] == nil || body["leads"] == nil {
			t.Fatalf("GET /v1.0/leads%s: top-level keys %v, want _metadata and leads", q, topKeys(body))
		}
		conform(t, body["_metadata"], "MetaData", "_metadata")
		leads, _ := body["leads"].([]any)
		for i, l := range leads {
			conform(t, l, "LeadResponse", "leads["+strconv.Itoa(i)+"]")
		}
	}
	for id, l := range data.Leads {
		if l.Forbidden {
			continue
		}
		body, _ := okJSON(t, base, "/v1.0/leads/"+strconv.FormatInt(id, 10)).(map[string]any)
		if len(body) != 1 || body["lead"] == nil {
			t.Fatalf("lead %d: top-level keys %v, want only lead", id, topKeys(body))
		}
		conform(t, body["lead"], "LeadResponse", "lead")
		lead := body["lead"].(map[string]any)
		if lead["leadId"].(json.Number).String() != strconv.FormatInt(id, 10) {
			t.Errorf("lead %d answered leadId %v", id, lead["leadId"])
		}
	}
}

func TestSalesAgentV2AnswersConformToDocument(t *testing.T) {
	data := fakelofty.Demo()
	base := fakelofty.New(data).Start(t)
	conform(t, okJSON(t, base, "/v2.0/sales-agents/current"), "SalesAgentResponseV2", "current")
	conform(t, okJSON(t, base, "/v2.0/sales-agents/quota"), "SalesAgentQuotaResponseV2", "quota")
	for _, q := range []string{"", "?aiStage=HIGH_PRIORITY", "?limit=2&offset=1&sort=CreateTime&desc=false"} {
		conform(t, okJSON(t, base, "/v2.0/working-leads"+q), "WorkingLeadListResponseV2", "working-leads"+q)
	}
	var working int
	for id, l := range data.Leads {
		if l.Forbidden {
			continue
		}
		ids := strconv.FormatInt(id, 10)
		wl := okJSON(t, base, "/v2.0/sales-agents/working-lead/"+ids)
		conform(t, wl, "WorkingLeadV2", "working-lead/"+ids)
		if obj := wl.(map[string]any); (len(obj) > 0) != (l.AIStage != "") {
			t.Errorf("lead %d (aiStage %q): working-lead answered %v", id, l.AIStage, obj)
		} else if len(obj) > 0 {
			working++
		}
		mute := okJSON(t, base, "/v2.0/sales-agent/lead/mute-status?leadId="+ids)
		conform(t, mute, "MuteStatusResponse", "mute-status")
		if got := mute.(map[string]any)["data"].(map[string]any)["mute"]; got != strconv.FormatBool(l.Muted) {
			t.Errorf("lead %d: mute %v (%T), want the string %q", id, got, got, strconv.FormatBool(l.Muted))
		}
		tasks, ok := okJSON(t, base, "/v2.0/plan-tasks/lead/"+ids).([]any)
		if !ok || len(tasks) != len(l.PlanTasks) {
			t.Errorf("lead %d: plan tasks %v, want %d", id, tasks, len(l.PlanTasks))
		}
		for i, task := range tasks {
			conform(t, task, "PlanTaskResponseV2", "plan-tasks["+strconv.Itoa(i)+"]")
		}
	}
	if working == 0 {
		t.Error("no demo lead is a working lead")
	}
}

// TestLeadAndSalesAgentErrorStatusesAreDocumented: every error the new
// endpoints answer is a status their operation documents.
func TestLeadAndSalesAgentErrorStatusesAreDocumented(t *testing.T) {
	d := loadOpenAPI(t)
	base := fakelofty.New(nil).Start(t)
	forbidden := strconv.FormatInt(fakelofty.DemoLeadForbidden, 10)
	cases := []struct {
		name, op, path string
		status         int
	}{
		{"limit 0", "/v1.0/leads", "/v1.0/leads?limit=0", 400},
		{"limit 101", "/v1.0/leads", "/v1.0/leads?limit=101", 400},
		{"bad scrollId", "/v1.0/leads", "/v1.0/leads?scrollId=nope", 400},
		{"no Authorization", "/v1.0/leads", "/v1.0/leads", 401},
		{"unknown lead", "/v1.0/leads/{leadId}", "/v1.0/leads/42", 404},
		{"another team's lead", "/v1.0/leads/{leadId}", "/v1.0/leads/" + forbidden, 404},
		{"working-lead forbidden", "/v2.0/sales-agents/working-lead/{leadId}", "/v2.0/sales-agents/working-lead/" + forbidden, 403},
		{"working-lead bad id", "/v2.0/sales-agents/working-lead/{leadId}", "/v2.0/sales-agents/working-lead/abc", 400},
		{"working-leads limit", "/v2.0/working-leads", "/v2.0/working-leads?limit=101", 400},
		{"working-leads stage", "/v2.0/working-leads", "/v2.0/working-leads?aiStage=HOT", 400},
		{"mute no leadId", "/v2.0/sales-agent/lead/mute-status", "/v2.0/sales-agent/lead/mute-status", 400},
		{"mute forbidden", "/v2.0/sales-agent/lead/mute-status", "/v2.0/sales-agent/lead/mute-status?leadId=" + forbidden, 403},
		{"plan tasks forbidden", "/v2.0/plan-tasks/lead/{leadId}", "/v2.0/plan-tasks/lead/" + forbidden, 403},
		{"plan tasks unknown lead", "/v2.0/plan-tasks/lead/{leadId}", "/v2.0/plan-tasks/lead/42", 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			auth := "token k"
			if tc.status == 401 {
				auth = ""
			}
			status, _, body := get(t, base, tc.path, auth)
			if status != tc.status {
				t.Fatalf("status %d (%s), want %d", status, body, tc.status)
			}
			if _, ok := d.operation(t, tc.op, "get").Responses[strconv.Itoa(status)]; !ok {
				t.Errorf("status %d is not documented for GET %s", status, tc.op)
			}
			if len(strings.TrimSpace(string(body))) == 0 {
				t.Error("empty error body")
			}
		})
	}
}

// listIDs GETs /v1.0/leads?query and returns the lead IDs and the metadata.
func listIDs(t *testing.T, base string, query url.Values) ([]string, map[string]any) {
	t.Helper()
	body := okJSON(t, base, "/v1.0/leads?"+query.Encode()).(map[string]any)
	var ids []string
	for _, l := range body["leads"].([]any) {
		ids = append(ids, l.(map[string]any)["leadId"].(json.Number).String())
	}
	return ids, body["_metadata"].(map[string]any)
}

func TestLeadSearchFilters(t *testing.T) {
	base := fakelofty.New(nil).Start(t)
	jane := strconv.FormatInt(fakelofty.DemoLeadWithAgent, 10)
	mark := strconv.FormatInt(fakelofty.DemoLeadWithoutAgent, 10)
	cases := []struct {
		name  string
		query url.Values
		want  []string // nil: only check count
		count int
	}{
		{"key first name", url.Values{"key": {"Jane"}}, []string{jane}, 1},
		{"key is case-insensitive", url.Values{"key": {"SMITH"}}, []string{jane}, 1},
		{"key email part", url.Values{"key": {"mark.lee@"}}, []string{mark}, 1},
		{"key phone digits", url.Values{"key": {"415-555-1234"}}, []string{jane}, 1},
		{"email exact", url.Values{"email": {"Jane@Smith-Family.example"}}, []string{jane}, 1},
		{"email partial is no match", url.Values{"email": {"jane"}}, nil, 0},
		{"phone exact, any format", url.Values{"phone": {"(212) 555-9876"}}, []string{mark}, 1},
		{"stage", url.Values{"stage": {"new lead"}}, nil, 3},
		{"assigned user", url.Values{"assignedUserId": {"67891"}}, nil, 0}, // Dana's lead is forbidden
		{"filters AND", url.Values{"key": {"jane"}, "stage": {"Closed"}}, nil, 0},
		{"forbidden never listed", url.Values{"key": {"Priya"}}, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ids, meta := listIDs(t, base, tc.query)
			if len(ids) != tc.count || (tc.want != nil && strings.Join(ids, ",") != strings.Join(tc.want, ",")) {
				t.Errorf("ids %v, want %v (%d)", ids, tc.want, tc.count)
			}
			if meta["total"].(json.Number).String() != strconv.Itoa(tc.count) {
				t.Errorf("total %v, want %d", meta["total"], tc.count)
			}
		})
	}
}

// TestLeadPaging: offset and scrollId paging each visit every visible lead
// once, newest first; the last page carries no scrollId.
func TestLeadPaging(t *testing.T) {
	data := fakelofty.Demo()
	base := fakelofty.New(data).Start(t)
	visible := 0
	for _, l := range data.Leads {
		if !l.Forbidden {
			visible++
		}
	}
	all, meta := listIDs(t, base, url.Values{"limit": {"100"}})
	if len(all) != visible || meta["scrollId"] != nil {
		t.Fatalf("one big page: %d leads (want %d), scrollId %v", len(all), visible, meta["scrollId"])
	}
	if _, ok := meta["limit"]; !ok {
		t.Error("metadata lacks limit")
	}
	for _, mode := range []string{"offset", "scrollId"} {
		t.Run(mode, func(t *testing.T) {
			var got []string
			q := url.Values{"limit": {"4"}}
			for page := 0; page < 10; page++ {
				ids, meta := listIDs(t, base, q)
				got = append(got, ids...)
				tok, _ := meta["scrollId"].(string)
				if tok == "" {
					break
				}
				q = url.Values{"limit": {"4"}}
				if mode == "offset" {
					q.Set("offset", strconv.Itoa(len(got)))
				} else {
					q.Set("scrollId", tok)
				}
			}
			if strings.Join(got, ",") != strings.Join(all, ",") {
				t.Errorf("paged %v, want %v", got, all)
			}
		})
	}
}

func TestWorkingLeadsPagingAndFilters(t *testing.T) {
	data := fakelofty.Demo()
	base := fakelofty.New(data).Start(t)
	var working []string
	for id, l := range data.Leads {
		if l.AIStage != "" && !l.Forbidden {
			working = append(working, strconv.FormatInt(id, 10))
		}
	}
	sort.Strings(working)
	var got []string
	for offset := 0; offset < 20; offset += 2 {
		body := okJSON(t, base, "/v2.0/working-leads?limit=2&offset="+strconv.Itoa(offset)).(map[string]any)
		page := body["workingLeads"].([]any)
		meta := body["metadata"].(map[string]any)
		if meta["total"].(json.Number).String() != strconv.Itoa(len(working)) || meta["count"].(json.Number).String() != strconv.Itoa(len(page)) {
			t.Errorf("offset %d: metadata %v", offset, meta)
		}
		for _, wl := range page {
			got = append(got, wl.(map[string]any)["leadId"].(json.Number).String())
		}
		if len(page) < 2 {
			break
		}
	}
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(working, ",") {
		t.Errorf("paged %v, want %v", got, working)
	}
	body := okJSON(t, base, "/v2.0/working-leads?aiStage=HIGH_PRIORITY").(map[string]any)
	for _, wl := range body["workingLeads"].([]any) {
		id, _ := strconv.ParseInt(wl.(map[string]any)["leadId"].(json.Number).String(), 10, 64)
		if data.Leads[id].AIStage != "HIGH_PRIORITY" {
			t.Errorf("aiStage filter returned lead %d in %s", id, data.Leads[id].AIStage)
		}
	}
}

// TestDemoFindJaneThenHerSalesAgent is the README's newcomer path on the
// fake: a name search finds Jane, whose lead ID has an AI sales agent.
func TestDemoFindJaneThenHerSalesAgent(t *testing.T) {
	base := fakelofty.New(nil).Start(t)
	ids, _ := listIDs(t, base, url.Values{"key": {"Jane"}})
	if len(ids) != 1 {
		t.Fatalf("key=Jane found %v, want exactly Jane Smith", ids)
	}
	agent := okJSON(t, base, "/v2.0/sales-agents/by-lead?leadId="+ids[0]).(map[string]any)
	if agent["assistantName"] != "John's AI Assistant" {
		t.Errorf("Jane's agent: %v", agent)
	}
	ids, _ = listIDs(t, base, url.Values{"key": {"Mark Lee"}})
	if len(ids) != 1 {
		t.Fatalf("key=Mark Lee found %v", ids)
	}
	if status, _, _ := get(t, base, "/v2.0/sales-agents/by-lead?leadId="+ids[0], "token k"); status != 404 {
		t.Errorf("Mark Lee's sales agent: status %d, want 404", status)
	}
}

func topKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
