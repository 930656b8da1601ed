package lofty_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// TestLeadAndSalesAgentStructsMatchDocument checks every upstream struct the
// lead-lookup and Sales Agents V2 calls decode against its OpenAPI schema,
// and that each endpoint documents that schema for its 200 answer.
func TestLeadAndSalesAgentStructsMatchDocument(t *testing.T) {
	doc := loftyOpenAPI(t)
	// Structs that read a chosen subset of a large schema: fields must fit.
	checkStructAgainstSchema(t, reflect.TypeFor[lofty.Lead](), "LeadResponse")
	checkStructAgainstSchema(t, reflect.TypeFor[lofty.LeadListMetadata](), "MetaData")
	checkSchemaCoveredByStruct(t, reflect.TypeFor[lofty.LeadListMetadata](), "MetaData")
	// Structs meant to carry every documented field.
	for _, c := range []struct {
		typ    reflect.Type
		schema string
	}{
		{reflect.TypeFor[lofty.SalesAgentQuota](), "SalesAgentQuotaResponseV2"},
		{reflect.TypeFor[lofty.WorkingLead](), "WorkingLeadV2"},
		{reflect.TypeFor[lofty.WorkingLeadList](), "WorkingLeadListResponseV2"},
		{reflect.TypeFor[lofty.PaginationMetadata](), "PaginationMetadata"},
		{reflect.TypeFor[lofty.PlanTask](), "PlanTaskResponseV2"},
		{reflect.TypeFor[lofty.SalesAgent](), "SalesAgentResponseV2"},
	} {
		checkStructAgainstSchema(t, c.typ, c.schema)
		checkSchemaCoveredByStruct(t, c.typ, c.schema)
	}

	// LeadList reads the paging metadata under "_metadata" (what Lofty
	// sends) and under "get_metadata" (what the document names it); the
	// first is the one documented deviation.
	for _, m := range doc.mismatches(reflect.TypeFor[lofty.LeadList](), "LeadListResponse") {
		if !strings.HasPrefix(m, "LeadListResponse._metadata: struct field is not a property") {
			t.Errorf("lofty.LeadList vs LeadListResponse: %s", m)
		}
	}
	// Every top-level property and every MetaData field is read; Lead reads
	// a subset of LeadResponse on purpose.
	for _, m := range doc.uncovered(reflect.TypeFor[lofty.LeadList](), "LeadListResponse") {
		if !strings.HasPrefix(m, "LeadListResponse.leads[].") {
			t.Errorf("lofty.LeadList vs LeadListResponse: %s", m)
		}
	}

	for _, c := range []struct{ path, schema string }{
		{lofty.LeadsPath, "LeadListResponse"},
		{lofty.LeadsPath + "/{leadId}", "LeadResponse"},
		{lofty.SalesAgentPath, "SalesAgentResponseV2"},
		{lofty.CurrentSalesAgentPath, "SalesAgentResponseV2"},
		{lofty.SalesAgentQuotaPath, "SalesAgentQuotaResponseV2"},
		{"/v2.0/sales-agents/working-lead/{leadId}", "WorkingLeadV2"},
		{lofty.WorkingLeadsPath, "WorkingLeadListResponseV2"},
		{lofty.LeadMuteStatusPath, "MuteStatusResponse"},
	} {
		if got := doc.responseSchemaName(t, c.path, "get", "200"); got != c.schema {
			t.Errorf("GET %s 200 is documented as %s, want %s", c.path, got, c.schema)
		}
	}
	// Plan tasks: an array of PlanTaskResponseV2.
	var items string
	for _, c := range doc.operation(t, "/v2.0/plan-tasks/lead/{leadId}", "get").Responses["200"].Content {
		if c.Schema != nil && c.Schema.Items != nil {
			items = c.Schema.Items.Ref
		}
	}
	if items != "#/components/schemas/PlanTaskResponseV2" {
		t.Errorf("GET /v2.0/plan-tasks/lead/{leadId} 200 items = %q, want PlanTaskResponseV2", items)
	}
	// The mute flag is documented as a string inside a data envelope.
	mute := doc.resolve(doc.schema(t, "MuteStatusResponse").Properties["data"]).Properties["mute"]
	if mute == nil || doc.resolve(mute).typ() != "string" {
		t.Errorf("MuteStatusResponse.data.mute is not documented as a string; LeadMuteStatus parses a string")
	}
}

// TestQueryParametersAreDocumented: every query parameter the client sends is
// one the endpoint documents, with a compatible type.
func TestQueryParametersAreDocumented(t *testing.T) {
	doc := loftyOpenAPI(t)
	for _, c := range []struct {
		path   string
		params map[string]string // name -> JSON type we send
	}{
		{lofty.LeadsPath, map[string]string{"key": "string", "email": "string", "phone": "string", "stage": "string",
			"assignedUserId": "integer", "limit": "integer", "offset": "integer", "scrollId": "string"}},
		// Lofty documents these as strings holding numbers and booleans.
		{lofty.WorkingLeadsPath, map[string]string{"aiStage": "string", "limit": "string", "offset": "string", "sort": "string", "desc": "string"}},
		{lofty.LeadMuteStatusPath, map[string]string{"leadId": "integer"}},
	} {
		documented := map[string]string{}
		for _, p := range doc.operation(t, c.path, "get").Parameters {
			if p.In == "query" {
				documented[p.Name] = doc.resolve(p.Schema).typ()
			}
		}
		for name, typ := range c.params {
			got, ok := documented[name]
			if !ok {
				t.Errorf("GET %s: the client sends %s, which is not documented", c.path, name)
			} else if got != typ {
				t.Errorf("GET %s: %s is documented as %s, want %s", c.path, name, got, typ)
			}
		}
	}
	for _, path := range []string{"/v1.0/leads/{leadId}", "/v2.0/sales-agents/working-lead/{leadId}", "/v2.0/plan-tasks/lead/{leadId}"} {
		var found bool
		for _, p := range doc.operation(t, path, "get").Parameters {
			if p.Name == "leadId" && p.In == "path" {
				s := doc.resolve(p.Schema)
				found = s.typ() == "integer" && s.Format == "int64"
			}
		}
		if !found {
			t.Errorf("GET %s: leadId is not documented as an int64 path parameter", path)
		}
	}
}

// recorder is a scripted Lofty: it answers every request with body (JSON)
// and status, and remembers the requests.
type recorder struct {
	mu     sync.Mutex
	status int
	body   string
	reqs   []*http.Request
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req.Clone(context.Background()))
	status, body := r.status, r.body
	r.mu.Unlock()
	if status == 0 {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func (r *recorder) last(t *testing.T) *http.Request {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		t.Fatal("no request reached Lofty")
	}
	return r.reqs[len(r.reqs)-1]
}

func scripted(t *testing.T, status int, body string) (*lofty.Client, *recorder) {
	t.Helper()
	rec := &recorder{status: status, body: body}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	c, err := lofty.New(lofty.Config{BaseURL: srv.URL, Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "k"}})
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

func TestFindLeadsQueryAndMetadata(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name      string
		q         lofty.LeadQuery
		wantQuery string
		body      string
		wantTotal int64
		wantTok   string
	}{
		{"every filter", lofty.LeadQuery{Key: "Jane Smith", Email: "j@x.com", Phone: "+1 415", Stage: "Active",
			AssignedUserID: 9223372036854775807, Limit: 25, Offset: 50, ScrollID: "abc=="},
			"assignedUserId=9223372036854775807&email=j%40x.com&key=Jane+Smith&limit=25&offset=50&phone=%2B1+415&scrollId=abc%3D%3D&stage=Active",
			`{"_metadata":{"collection":"leads","limit":25,"offset":50,"total":51,"scrollId":"next"},"leads":[{"leadId":1}]}`, 51, "next"},
		{"no filters sends nothing", lofty.LeadQuery{}, "",
			`{"_metadata":{"total":0},"leads":[]}`, 0, ""},
		{"the document's get_metadata name", lofty.LeadQuery{Limit: 1}, "limit=1",
			`{"get_metadata":{"total":7,"scrollId":"s"},"leads":[{"leadId":1}]}`, 7, "s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, rec := scripted(t, 200, tc.body)
			list, err := c.FindLeads(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			r := rec.last(t)
			if r.URL.Path != lofty.LeadsPath || r.URL.RawQuery != tc.wantQuery {
				t.Errorf("request %s?%s, want %s?%s", r.URL.Path, r.URL.RawQuery, lofty.LeadsPath, tc.wantQuery)
			}
			meta := list.Meta()
			if meta.Total == nil || *meta.Total != tc.wantTotal || meta.ScrollID != tc.wantTok {
				t.Errorf("meta = %+v, want total %d scrollId %q", meta, tc.wantTotal, tc.wantTok)
			}
		})
	}
}

func TestLeadUnwrapsAndKeepsIDsExact(t *testing.T) {
	ctx := context.Background()
	const id = int64(9223372036854775807)
	for _, body := range []string{
		`{"lead":{"leadId":9223372036854775807,"firstName":"Max","assignedUserId":9007199254740993,"tags":[{"tagId":1,"tagName":"VIP","visibleType":1}]}}`,
		`{"leadId":9223372036854775807,"firstName":"Max","assignedUserId":9007199254740993,"tags":[{"tagName":"VIP"}]}`,
	} {
		c, rec := scripted(t, 200, body)
		l, err := c.Lead(ctx, id)
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if got := rec.last(t).URL.Path; got != "/v1.0/leads/9223372036854775807" {
			t.Errorf("path %s", got)
		}
		if l.LeadID != id || l.FirstName != "Max" || l.AssignedUserID == nil || *l.AssignedUserID != 9007199254740993 ||
			len(l.Tags) != 1 || l.Tags[0].TagName != "VIP" {
			t.Errorf("%s: decoded %+v", body, l)
		}
	}
	for _, body := range []string{`{"lead":null}`, `[]`, `"x"`, `{"lead":{"leadId":"abc"}}`, `{"lead":{"firstName":"Max"}}`} {
		c, _ := scripted(t, 200, body)
		if _, err := c.Lead(ctx, 1); lofty.KindOf(err) != lofty.KindBadResponse {
			t.Errorf("%s: err = %v, want a bad_response error", body, err)
		}
	}
	// An empty answer is no lead: never an empty success.
	for _, body := range []string{`{}`, `{"code":0,"message":"success","data":{}}`, `{"lead":{}}`} {
		c, _ := scripted(t, 200, body)
		if _, err := c.Lead(ctx, 1); lofty.KindOf(err) != lofty.KindNotFound {
			t.Errorf("%s: err = %v, want not_found", body, err)
		}
	}
	c, _ := scripted(t, 404, `{"code":20006,"message":"LEAD_NOT_EXIST"}`)
	_, err := c.Lead(ctx, 5)
	le, ok := lofty.AsError(err)
	if !ok || le.Kind != lofty.KindNotFound || le.Code != "20006" || le.Path != "/v1.0/leads/5" {
		t.Errorf("404: err = %#v", err)
	}
}

func TestCheckWorkingLeadAnswers(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		body    string
		working bool
		lead    bool
		bad     bool
	}{
		{`{"leadId":563172647619608,"firstName":"Jane","createdAt":"2026-02-21T10:00:00Z"}`, true, true, false},
		{`true`, true, false, false},
		{`false`, false, false, false},
		{`null`, false, false, false},
		{`{}`, false, false, false},
		{`{"data":true}`, true, false, false},
		{`{"data":{"leadId":1}}`, true, true, false},
		{`{"data":false}`, false, false, false},
		{`{"leadId":null}`, false, false, false},
		{`"yes"`, false, false, true},
		{`[1]`, false, false, true},
		{`{"leadId":"x"}`, false, false, true},
	}
	for _, tc := range cases {
		c, rec := scripted(t, 200, tc.body)
		got, err := c.CheckWorkingLead(ctx, 9007199254740993)
		if tc.bad {
			if lofty.KindOf(err) != lofty.KindBadResponse {
				t.Errorf("%s: err = %v, want bad_response", tc.body, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.body, err)
			continue
		}
		if got.Working != tc.working || (got.Lead != nil) != tc.lead {
			t.Errorf("%s: got %+v, want working %v, lead %v", tc.body, got, tc.working, tc.lead)
		}
		if p := rec.last(t).URL.Path; p != "/v2.0/sales-agents/working-lead/9007199254740993" {
			t.Errorf("path %s", p)
		}
	}
}

func TestLeadMuteStatusAnswers(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		body string
		mute bool
		bad  bool
	}{
		{`{"data":{"mute":"true"}}`, true, false},
		{`{"data":{"mute":"false"}}`, false, false},
		{`{"data":{"mute":true}}`, true, false},
		{`{"data":{"mute":false}}`, false, false},
		{`{"data":{"mute":"TRUE"}}`, true, false},
		{`{"data":{}}`, false, true},
		{`{"data":{"mute":"maybe"}}`, false, true},
		{`{}`, false, true},
		{`{"mute":"true"}`, false, true},
	}
	for _, tc := range cases {
		c, rec := scripted(t, 200, tc.body)
		got, err := c.LeadMuteStatus(ctx, 9007199254740993)
		if tc.bad {
			if lofty.KindOf(err) != lofty.KindBadResponse {
				t.Errorf("%s: err = %v, want bad_response", tc.body, err)
			}
			continue
		}
		if err != nil || got != tc.mute {
			t.Errorf("%s: got %v, %v; want %v", tc.body, got, err, tc.mute)
		}
		r := rec.last(t)
		if r.URL.Path != lofty.LeadMuteStatusPath || r.URL.RawQuery != "leadId=9007199254740993" {
			t.Errorf("request %s?%s", r.URL.Path, r.URL.RawQuery)
		}
	}
}

func TestWorkingLeadsQuery(t *testing.T) {
	ctx := context.Background()
	desc := false
	c, rec := scripted(t, 200, `{"workingLeads":[{"leadId":9223372036854775807}],"metadata":{"total":1,"count":1,"offset":0,"limit":5}}`)
	list, err := c.WorkingLeads(ctx, lofty.WorkingLeadQuery{AIStage: "HIGH_PRIORITY", Limit: 5, Offset: 10, Sort: "CreateTime", Desc: &desc})
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{"aiStage": {"HIGH_PRIORITY"}, "limit": {"5"}, "offset": {"10"}, "sort": {"CreateTime"}, "desc": {"false"}}.Encode()
	if r := rec.last(t); r.URL.Path != lofty.WorkingLeadsPath || r.URL.RawQuery != want {
		t.Errorf("request %s?%s, want ?%s", r.URL.Path, r.URL.RawQuery, want)
	}
	if len(list.WorkingLeads) != 1 || list.WorkingLeads[0].LeadID != 9223372036854775807 || *list.Metadata.Total != 1 {
		t.Errorf("decoded %+v", list)
	}
	if _, err := c.WorkingLeads(ctx, lofty.WorkingLeadQuery{}); err != nil {
		t.Fatal(err)
	}
	if q := rec.last(t).URL.RawQuery; q != "" {
		t.Errorf("a zero query sent %q; Lofty's defaults should apply", q)
	}
}

func TestSimpleSalesAgentCalls(t *testing.T) {
	ctx := context.Background()
	c, rec := scripted(t, 200, `{"totalQuota":100,"usedQuota":45,"remainingQuota":55,"hasQuotaAvailable":true,"usagePercentage":45.5,"isBorrowed":false,"borrowLevel":"SELF"}`)
	q, err := c.SalesAgentQuota(ctx)
	if err != nil || *q.TotalQuota != 100 || *q.UsagePercentage != 45.5 || q.BorrowedFrom != nil {
		t.Errorf("quota %+v, %v", q, err)
	}
	if p := rec.last(t).URL.Path; p != lofty.SalesAgentQuotaPath {
		t.Errorf("path %s", p)
	}

	c, rec = scripted(t, 200, `{"id":9007199254740993,"assistantName":"A"}`)
	a, err := c.CurrentSalesAgent(ctx)
	if err != nil || *a.ID != 9007199254740993 || a.AssistantName != "A" {
		t.Errorf("current %+v, %v", a, err)
	}
	if p := rec.last(t).URL.Path; p != lofty.CurrentSalesAgentPath {
		t.Errorf("path %s", p)
	}

	c, rec = scripted(t, 200, `[{"id":1,"status":"PENDING","assignedTo":9223372036854775807},{"id":2}]`)
	tasks, err := c.PlanTasksForLead(ctx, 42)
	if err != nil || len(tasks) != 2 || *tasks[0].AssignedTo != 9223372036854775807 {
		t.Errorf("tasks %+v, %v", tasks, err)
	}
	if p := rec.last(t).URL.Path; p != "/v2.0/plan-tasks/lead/42" {
		t.Errorf("path %s", p)
	}

	c, _ = scripted(t, 403, `Caller does not have access to this lead.`)
	if _, err := c.PlanTasksForLead(ctx, 42); lofty.KindOf(err) != lofty.KindForbidden {
		t.Errorf("403: %v", err)
	}
}
