package mcpserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/contract"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// lk is a fake Lofty with demo data on loopback, the MCP server over it, and
// an initialized in-process client, for the lead and sales-agent tools.
type lk struct {
	fake   *fakelofty.Fake
	lofty  *lofty.Client
	server *server.MCPServer
	client *client.Client

	mu     sync.Mutex
	script func(w http.ResponseWriter, r *http.Request) bool
	output outputSchemas
}

// lkProtocols are the protocol versions every flow is run with.
var lkProtocols = []struct {
	name string
	opts []client.ClientOption
}{
	{"default", nil},
	{"2025-11-25", []client.ClientOption{client.WithProtocolVersion(mcp.ProtocolVersion20251125)}},
}

// fakeMode is how the fake Lofty behaves: as its OpenAPI document says, or
// as the live API was recorded behaving. Tool tests run in both.
type fakeMode struct {
	name string
	new  func() *fakelofty.Fake
}

var (
	documented = fakeMode{"documented", func() *fakelofty.Fake { return fakelofty.New(nil) }}
	// live is the recorded behaviour without its rate limit, which tests
	// that make many calls would hit; TestLiveRateLimit has it.
	live = fakeMode{"live", func() *fakelofty.Fake {
		l := fakelofty.Recorded()
		l.RateLimit = 0
		return fakelofty.NewLive(l)
	}}
	fakeModes = []fakeMode{documented, live}
)

func newLK(t *testing.T, opts mcpserver.Options, copts ...client.ClientOption) *lk {
	t.Helper()
	return newLKMode(t, documented, opts, copts...)
}

// newLKMode is newLK on a fake behaving as mode says.
func newLKMode(t *testing.T, mode fakeMode, opts mcpserver.Options, copts ...client.ClientOption) *lk {
	t.Helper()
	return newLKWith(t, mode.new(), lofty.Config{Timeout: 5 * time.Second,
		Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "lk-test-key"}}, opts, copts...)
}

// newLKWith is newLK on fake, with a Lofty client configured as cfg says
// (its BaseURL is the fake's).
func newLKWith(t *testing.T, fake *fakelofty.Fake, cfg lofty.Config, opts mcpserver.Options, copts ...client.ClientOption) *lk {
	t.Helper()
	h := &lk{fake: fake}
	h.fake.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		h.mu.Lock()
		s := h.script
		h.mu.Unlock()
		return s != nil && s(w, r)
	}
	// Every request a tool makes, and every answer the fake gives, must
	// be what Lofty's OpenAPI document allows.
	contract.Check(t, h.fake)
	cfg.BaseURL = h.fake.Start(t)
	c, err := lofty.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.lofty = c
	opts.Version = "test"
	if h.server, err = mcpserver.NewServer(c, opts); err != nil {
		t.Fatal(err)
	}
	if h.client, err = client.NewInProcessClientWithOptions(h.server, copts...); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := h.client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.client.Close() })
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "leads-test", Version: "0"}
	if _, err := h.client.Initialize(ctx, req); err != nil {
		t.Fatal(err)
	}
	return h
}

// answer makes the fake answer requests whose path starts with prefix with
// status and body (JSON when it starts with { or [ or is true/false/null).
func (h *lk) answer(prefix string, status int, body string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.script = func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasPrefix(r.URL.Path, prefix) {
			return false
		}
		ct := "text/plain"
		if b := strings.TrimSpace(body); b != "" && (strings.ContainsAny(b[:1], "{[\"") || b == "true" || b == "false" || b == "null") {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
		return true
	}
}

// lastQuery is the query of the last request the fake saw for path.
func (h *lk) lastQuery(t *testing.T, path string) url.Values {
	t.Helper()
	reqs := h.fake.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Path == path {
			q, err := url.ParseQuery(reqs[i].RawQuery)
			if err != nil {
				t.Fatal(err)
			}
			return q
		}
	}
	t.Fatalf("no request for %s", path)
	return nil
}

// call calls tool; a successful result must conform to its outputSchema.
func (h *lk) call(t *testing.T, tool, args string) *mcp.CallToolResult {
	t.Helper()
	res := callTool(t, h.client, tool, args)
	h.output.check(t, h.server, tool, res)
	return res
}

// ok calls tool, requires success, checks that the text block holds the
// structured content, and decodes that text into out (numbers exact).
func (h *lk) ok(t *testing.T, tool, args string, out any) string {
	t.Helper()
	res := h.call(t, tool, args)
	txt := lkText(t, res)
	if res.IsError {
		t.Fatalf("%s %s: isError: %s", tool, args, txt)
	}
	if res.StructuredContent == nil {
		t.Fatalf("%s: no structuredContent", tool)
	}
	sc, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if json.Unmarshal(sc, &a) != nil || json.Unmarshal([]byte(txt), &b) != nil || !jsonEqual(a, b) {
		t.Errorf("%s: structuredContent %s differs from the text %s", tool, sc, txt)
	}
	if out != nil {
		dec := json.NewDecoder(strings.NewReader(txt))
		dec.DisallowUnknownFields()
		if err := dec.Decode(out); err != nil {
			t.Fatalf("%s: %v: %s", tool, err, txt)
		}
	}
	return txt
}

// fails calls tool, requires an isError result, and returns its text.
func (h *lk) fails(t *testing.T, tool, args string) string {
	t.Helper()
	res := h.call(t, tool, args)
	txt := lkText(t, res)
	if !res.IsError {
		t.Fatalf("%s %s: succeeded with %s, want isError", tool, args, txt)
	}
	if strings.Contains(txt, "&{") || strings.Contains(txt, "Got:") {
		t.Errorf("error text in Go syntax: %q", txt)
	}
	return txt
}

func lkText(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	if len(res.Content) != 1 {
		t.Fatalf("%d content blocks, want 1", len(res.Content))
	}
	tc, ok := mcp.AsTextContent(res.Content[0])
	if !ok {
		t.Fatalf("content %T, want text", res.Content[0])
	}
	return tc.Text
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func mustContain(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%q lacks %q", s, sub)
		}
	}
}

var (
	janeID  = strconv.FormatInt(fakelofty.DemoLeadWithAgent, 10)
	markID  = strconv.FormatInt(fakelofty.DemoLeadWithoutAgent, 10)
	otherID = strconv.FormatInt(fakelofty.DemoLeadForbidden, 10)
)

// TestFindJaneThenHerSalesAgent is the question the issue is about: "who is
// Jane Smith's sales agent?" answered with a name, under both protocols.
func TestFindJaneThenHerSalesAgent(t *testing.T) {
	for _, p := range lkProtocols {
		t.Run(p.name, func(t *testing.T) {
			h := newLK(t, mcpserver.Options{}, p.opts...)
			var found tools.FindLeadsResult
			h.ok(t, "find_leads", `{"key":"Jane"}`, &found)
			if len(found.Leads) != 1 || found.Leads[0].FirstName != "Jane" || found.Leads[0].LastName != "Smith" {
				t.Fatalf("find_leads Jane: %+v", found)
			}
			if found.Total == nil || *found.Total != 1 || found.NextOffset != nil || found.ScrollID != "" {
				t.Errorf("paging of a one-lead answer: total %v next %v scroll %q", found.Total, found.NextOffset, found.ScrollID)
			}
			l := found.Leads[0]
			if l.LeadID != fakelofty.DemoLeadWithAgent || len(l.Emails) != 2 || l.Phones[0] != "+14155551234" ||
				l.Stage != "Active" || l.Source != "Zillow" || l.AssignedUser != "John Doe" || l.CreateTime == "" || l.LastTouch == "" {
				t.Errorf("summary %+v", l)
			}
			var agent lofty.SalesAgent
			h.ok(t, "get_sales_agent_by_lead", `{"leadId":`+strconv.FormatInt(l.LeadID, 10)+`}`, &agent)
			if agent.AssistantName != "John's AI Assistant" || agent.AgentName != "John Doe" {
				t.Errorf("agent %+v", agent)
			}
		})
	}
}

func TestFindLeadsSendsFiltersExactly(t *testing.T) {
	h := newLK(t, mcpserver.Options{})
	h.ok(t, "find_leads", `{"key":"Jane Smith","email":"a@b.c","phone":"+1 415","stage":"Active","assignedUserId":9223372036854775807}`, nil)
	q := h.lastQuery(t, "/v1.0/leads")
	want := url.Values{"key": {"Jane Smith"}, "email": {"a@b.c"}, "phone": {"+1 415"}, "stage": {"Active"},
		"assignedUserId": {"9223372036854775807"}, "limit": {"10"}}
	if q.Encode() != want.Encode() {
		t.Errorf("query %s, want %s", q.Encode(), want.Encode())
	}
	h.ok(t, "find_leads", `{"assignedUserId":"9007199254740993","limit":"3","offset":6}`, nil)
	q = h.lastQuery(t, "/v1.0/leads")
	if q.Get("assignedUserId") != "9007199254740993" || q.Get("limit") != "3" || q.Get("offset") != "6" {
		t.Errorf("string integers: query %s", q.Encode())
	}
	// With a cursor, offset stays ours: it is not sent to Lofty.
	h.answer("/v1.0/leads", 200, `{"_metadata":{"total":30},"leads":[{"leadId":1}]}`)
	h.ok(t, "find_leads", `{"scrollId":"tok","offset":10}`, nil)
	if q = h.lastQuery(t, "/v1.0/leads"); q.Get("scrollId") != "tok" || q.Has("offset") {
		t.Errorf("cursor query %s", q.Encode())
	}
}

// TestFindLeadsPagesThroughEverything: following scrollId visits every lead
// the caller can see exactly once, as documented and as recorded live (where
// pages hold 25 leads whatever limit says, and offset is never offered).
func TestFindLeadsPagesThroughEverything(t *testing.T) {
	for _, mode := range fakeModes {
		t.Run(mode.name, func(t *testing.T) {
			h := newLKMode(t, mode, mcpserver.Options{})
			want := 0
			for _, l := range h.fake.Data().Leads {
				if !l.Forbidden {
					want++
				}
			}
			seen := map[int64]bool{}
			args, pages := `{"limit":3}`, 0
			for ; pages < 40; pages++ {
				var r tools.FindLeadsResult
				h.ok(t, "find_leads", args, &r)
				if len(r.Leads) > 3 {
					t.Errorf("%d leads, more than limit 3", len(r.Leads))
				}
				// Live, Lofty sends 25 leads whatever limit says: the
				// rest are named by ID, so paging loses none.
				for _, id := range append(ids(r.Leads), r.LeftOut...) {
					if seen[id] {
						t.Errorf("lead %d listed twice", id)
					}
					seen[id] = true
				}
				if r.NextOffset != nil {
					t.Errorf("nextOffset %d offered; Lofty pages by scrollId", *r.NextOffset)
				}
				if r.Scanned != nil || r.LoftyFiltered != nil || (r.Note != "") != (len(r.LeftOut) > 0) {
					t.Errorf("no filters, yet scanned %v loftyFiltered %v note %q", r.Scanned, r.LoftyFiltered, r.Note)
				}
				if r.ScrollID == "" {
					break
				}
				args = `{"limit":3,"scrollId":"` + r.ScrollID + `"}`
			}
			if len(seen) != want {
				t.Fatalf("paged %d leads in %d pages, want every visible lead (%d)", len(seen), pages+1, want)
			}
		})
	}
}

// TestFindLeadsNextPageDecisions: how to go on, as Lofty's answers vary.
// Paging is by scrollId; nextOffset only when Lofty echoed the offset it was
// sent (and gave no cursor).
func TestFindLeadsNextPageDecisions(t *testing.T) {
	h := newLK(t, mcpserver.Options{})
	leads := func(n int) string {
		var parts []string
		for i := range n {
			parts = append(parts, `{"leadId":`+strconv.Itoa(9000+i)+`}`)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	cases := []struct {
		name, args, body string
		next             int64 // 0: none
		scroll           string
		note             string
	}{
		{"cursor", `{"limit":2}`, `{"_metadata":{"total":5,"offset":0,"scrollId":"c2"},"leads":` + leads(2) + `}`, 0, "c2", ""},
		{"offset echoed, no cursor", `{"limit":2}`, `{"_metadata":{"total":5,"offset":0},"leads":` + leads(2) + `}`, 2, "", ""},
		{"capped page, offset echoed", `{"limit":100,"offset":25}`, `{"_metadata":{"total":60,"limit":25,"offset":25},"leads":` + leads(25) + `}`, 50, "", ""},
		{"offset not echoed", `{"limit":2,"offset":4}`, `{"_metadata":{"total":9},"leads":` + leads(2) + `}`, 0, "", "did not confirm the offset"},
		{"offset ignored", `{"limit":2,"offset":4}`, `{"_metadata":{"total":9,"offset":0},"leads":` + leads(2) + `}`, 0, "", "did not confirm the offset"},
		{"offset ignored, cursor", `{"limit":2,"offset":4}`, `{"_metadata":{"offset":0,"scrollId":"c"},"leads":` + leads(2) + `}`, 0, "c", "page with scrollId"},
		{"total reached", `{"limit":2,"offset":3}`, `{"_metadata":{"total":5,"offset":3,"scrollId":"x"},"leads":` + leads(2) + `}`, 0, "", ""},
		{"total reached by cursor", `{"limit":2,"scrollId":"x"}`, `{"_metadata":{"total":5,"offset":3,"scrollId":"y"},"leads":` + leads(2) + `}`, 0, "", ""},
		{"no total, full page", `{"limit":2}`, `{"_metadata":{"offset":0},"leads":` + leads(2) + `}`, 2, "", ""},
		{"no total, short page", `{"limit":3}`, `{"_metadata":{"offset":0},"leads":` + leads(2) + `}`, 0, "", ""},
		{"no total, cursor", `{"limit":3}`, `{"get_metadata":{"scrollId":"c2"},"leads":` + leads(2) + `}`, 0, "c2", ""},
		{"nothing echoed", `{"limit":2}`, `{"leads":` + leads(2) + `}`, 0, "", ""},
		{"empty page", `{"limit":3}`, `{"_metadata":{"total":9,"scrollId":"x"},"leads":[]}`, 0, "", ""},
		{"leads null", `{}`, `{"_metadata":{"total":0},"leads":null}`, 0, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.answer("/v1.0/leads", 200, tc.body)
			var r tools.FindLeadsResult
			h.ok(t, "find_leads", tc.args, &r)
			var next int64
			if r.NextOffset != nil {
				next = *r.NextOffset
			}
			if next != tc.next || r.ScrollID != tc.scroll || r.Leads == nil {
				t.Errorf("next %d scroll %q leads %v, want next %d scroll %q", next, r.ScrollID, r.Leads, tc.next, tc.scroll)
			}
			if !strings.Contains(r.Note, tc.note) || (tc.note == "" && r.Note != "") {
				t.Errorf("note %q, want %q", r.Note, tc.note)
			}
		})
	}
}

func TestFindLeadsArgumentErrors(t *testing.T) {
	h := newLK(t, mcpserver.Options{})
	for _, tc := range []struct{ args, want string }{
		{`{"limit":0}`, `"limit" must be an integer from 1 to 100`},
		{`{"limit":101}`, `"limit" must be an integer from 1 to 100`},
		{`{"limit":1.5}`, `"limit"`},
		{`{"offset":-1}`, `"offset" must be an integer from 0`},
		{`{"assignedUserId":0}`, `"assignedUserId"`},
		{`{"assignedUserId":9223372036854775808}`, `"assignedUserId"`},
		{`{"key":5}`, `"key" must be a string`},
		{`{"name":"Jane"}`, `unknown argument "name"`},
	} {
		mustContain(t, h.fails(t, "find_leads", tc.args), tc.want)
	}
	if n := h.fake.RequestCount(); n != 0 {
		t.Errorf("%d requests reached Lofty with invalid arguments", n)
	}
}

func TestLeadToolsLoftyErrors(t *testing.T) {
	h := newLK(t, mcpserver.Options{})
	cases := []struct {
		name, tool, args, prefix string
		status                   int
		body                     string
		want                     []string
	}{
		{"limit rejected", "find_leads", `{}`, "/v1.0/leads", 400, "LIMIT_NOT_VALID", []string{"Lofty rejected the request for this lead search", "LIMIT_NOT_VALID"}},
		{"credentials", "find_leads", `{}`, "/v1.0/leads", 401, "Missing or invalid authentication token.", []string{"Lofty refused the credentials", "LOFTY_API_KEY"}},
		{"rate limited", "get_lead", `{"leadId":1}`, "/v1.0/leads", 429, `{"message":"Too Many Requests"}`, []string{"rate limit"}},
		{"outage", "get_lead", `{"leadId":1}`, "/v1.0/leads", 500, "boom", []string{"Lofty is unavailable"}},
		{"not a lead", "get_lead", `{"leadId":1}`, "/v1.0/leads", 200, `{"leads":[]}`, []string{"could not read"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.answer(tc.prefix, tc.status, tc.body)
			mustContain(t, h.fails(t, tc.tool, tc.args), tc.want...)
		})
	}
}

func TestGetLead(t *testing.T) {
	h := newLK(t, mcpserver.Options{})
	var r tools.LeadRecord
	h.ok(t, "get_lead", `{"leadId":"`+janeID+`"}`, &r)
	if r.LeadID != fakelofty.DemoLeadWithAgent || r.FirstName != "Jane" || r.Stage != "Active" || r.Score == nil || *r.Score != 78 ||
		strings.Join(r.Types, ",") != "Buyer" || strings.Join(r.Tags, ",") != "Buyer,Pre-approved" ||
		r.Address != "Austin, TX 78704" || len(r.Cannot) != 0 || len(r.Roles) != 1 ||
		r.Roles[0] != (tools.Role{Role: "Buyer Agent", AssigneeID: fakelofty.DemoUserID, Assignee: "John Doe"}) {
		t.Errorf("Jane: %+v", r)
	}
	if got := h.fake.Requests(); got[len(got)-1].Path != "/v1.0/leads/"+janeID {
		t.Errorf("path %s", got[len(got)-1].Path)
	}
	for _, id := range []string{otherID, "42"} {
		mustContain(t, h.fails(t, "get_lead", `{"leadId":`+id+`}`), "Lofty has no lead "+id, "find_leads", "code 20006")
	}
	mustContain(t, h.fails(t, "get_lead", `{}`), `missing required argument "leadId"`)

	// A lead as Lofty may send it: bare, with blocked channels, unknown types,
	// roles nobody holds, and IDs beyond 2^53.
	h.answer("/v1.0/leads/", 200, `{"leadId":9007199254740993,"cannotCall":true,"cannotText":false,"cannotEmail":true,
		"leadTypes":[2,42],"city":"Austin","customRoleList":[{"roleId":40,"role":"Buyer Agent","assigneeId":0},
		{"roleId":130,"role":"ISA","assigneeId":9007199254740995,"assignee":"Ivy"}],"opportunity":{"weird":true},"extra":1}`)
	txt := h.ok(t, "get_lead", `{"leadId":9007199254740993}`, &r)
	mustContain(t, txt, `"leadId":9007199254740993`, `"assigneeId":9007199254740995`, `"cannot":["call","email"]`,
		`"types":["Buyer","type 42"]`, `"address":"Austin"`)
	if len(r.Roles) != 1 {
		t.Errorf("roles %+v: only held roles are listed", r.Roles)
	}
}

// TestResourceTemplate: lofty://leads/{leadId}/sales-agent serves the tool's
// JSON; failures are JSON-RPC errors with the tool's sentence.
func TestResourceTemplate(t *testing.T) {
	for _, p := range lkProtocols {
		t.Run(p.name, func(t *testing.T) {
			h := newLK(t, mcpserver.Options{}, p.opts...)
			ctx := context.Background()
			list, err := h.client.ListResourceTemplates(ctx, mcp.ListResourceTemplatesRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.ResourceTemplates) != 1 || list.ResourceTemplates[0].URITemplate.Raw() != mcpserver.SalesAgentResourceTemplate ||
				list.ResourceTemplates[0].MIMEType != "application/json" {
				t.Fatalf("templates %+v", list.ResourceTemplates)
			}
			for _, id := range []int64{fakelofty.DemoLeadWithAgent, fakelofty.DemoLeadBeyond53Bits, fakelofty.DemoLeadMaxInt64} {
				uri := mcpserver.SalesAgentResourceURI(id)
				req := mcp.ReadResourceRequest{}
				req.Params.URI = uri
				res, err := h.client.ReadResource(ctx, req)
				if err != nil {
					t.Fatalf("%s: %v", uri, err)
				}
				if len(res.Contents) != 1 {
					t.Fatalf("%s: %d contents", uri, len(res.Contents))
				}
				tc, ok := res.Contents[0].(mcp.TextResourceContents)
				if !ok || tc.URI != uri || tc.MIMEType != "application/json" {
					t.Fatalf("%s: contents %+v", uri, res.Contents[0])
				}
				want := lkText(t, h.call(t, "get_sales_agent_by_lead", `{"leadId":`+strconv.FormatInt(id, 10)+`}`))
				if tc.Text != want {
					t.Errorf("%s: resource %s, tool %s", uri, tc.Text, want)
				}
			}
			for uri, want := range map[string]string{
				mcpserver.SalesAgentResourceURI(fakelofty.DemoLeadWithoutAgent): "has no AI sales agent",
				mcpserver.SalesAgentResourceURI(fakelofty.DemoLeadForbidden):    "no access to lead " + otherID,
				"lofty://leads/abc/sales-agent":                                 "invalid resource URI",
				"lofty://leads/0/sales-agent":                                   "invalid resource URI",
				"lofty://leads/9223372036854775808/sales-agent":                 "invalid resource URI",
			} {
				req := mcp.ReadResourceRequest{}
				req.Params.URI = uri
				_, err := h.client.ReadResource(ctx, req)
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("%s: err %v, want %q", uri, err, want)
				}
			}
		})
	}
}

func TestResourceTemplateFollowsItsTool(t *testing.T) {
	h := newLK(t, mcpserver.Options{Toolsets: []string{"leads"}})
	_, err := h.client.ListResourceTemplates(context.Background(), mcp.ListResourceTemplatesRequest{})
	if err == nil {
		// mcp-go may list an empty set or refuse: either way, no template.
		list, _ := h.client.ListResourceTemplates(context.Background(), mcp.ListResourceTemplatesRequest{})
		if len(list.ResourceTemplates) != 0 {
			t.Errorf("templates %+v without get_sales_agent_by_lead", list.ResourceTemplates)
		}
	}
}

func TestSelectToolsets(t *testing.T) {
	names := func(ts []tools.Tool) string {
		var out []string
		for _, t := range ts {
			out = append(out, t.Info().Name)
		}
		return strings.Join(out, ",")
	}
	// "all" serves every toolset but those that must be named.
	var inAll []tools.Tool
	for _, t := range tools.All() {
		for _, ts := range tools.Toolsets() {
			if ts.Name == t.Info().Toolset && !ts.Named {
				inAll = append(inAll, t)
			}
		}
	}
	all := names(inAll)
	var defaults []tools.Tool
	for _, t := range tools.All() {
		for _, ts := range tools.Toolsets() {
			if ts.Name == t.Info().Toolset && ts.Default {
				defaults = append(defaults, t)
			}
		}
	}
	def := names(defaults)
	var defaultSets []string
	for _, ts := range tools.Toolsets() {
		if ts.Default {
			defaultSets = append(defaultSets, ts.Name)
		}
	}
	inToolset := func(toolset string) string {
		var out []tools.Tool
		for _, t := range tools.All() {
			if t.Info().Toolset == toolset {
				out = append(out, t)
			}
		}
		return names(out)
	}
	cases := []struct {
		toolsets, allow []string
		want, err       string
	}{
		{nil, nil, def, ""},
		{[]string{"all"}, nil, all, ""},
		{defaultSets, nil, def, ""},
		{[]string{"all", "messages"}, nil, all + ",send_message_to_lead", ""},
		{[]string{" Leads "}, nil, inToolset("leads"), ""},
		{[]string{"sales_agents"}, nil, inToolset("sales_agents"), ""},
		{nil, []string{"get_sales_agent_by_lead", "find_leads"}, "find_leads,get_sales_agent_by_lead", ""},
		{[]string{"leads"}, []string{"get_lead"}, "get_lead", ""},
		{[]string{"contacts"}, nil, "", `unknown toolset "contacts"; valid toolsets: leads, sales_agents, sales_agent_actions, lead_actions,`},
		{nil, []string{"find_lead"}, "", `unknown tool "find_lead"; valid tools: find_leads, get_lead,`},
		{[]string{"leads"}, []string{"check_working_lead"}, "", "check_working_lead (toolset sales_agents), outside the selected toolsets (leads)"},
	}
	for _, tc := range cases {
		got, err := tools.Select(tc.toolsets, tc.allow)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Select(%q, %q): err %v, want %q", tc.toolsets, tc.allow, err, tc.err)
			}
		case err != nil:
			t.Errorf("Select(%q, %q): %v", tc.toolsets, tc.allow, err)
		case names(got) != tc.want:
			t.Errorf("Select(%q, %q) = %s, want %s", tc.toolsets, tc.allow, names(got), tc.want)
		}
	}
	for _, ts := range tools.Toolsets() {
		writes := false
		for _, t := range tools.All() {
			writes = writes || (t.Info().Toolset == ts.Name && t.Info().Effect.Writes)
		}
		// Not every read toolset can be on by default (the default
		// tools/list has a budget), but no toolset that writes is.
		if (ts.Default && writes) || ts.Description == "" {
			t.Errorf("toolset %+v: want described, and off by default when it has tools that write", ts)
		}
	}

	h := newLK(t, mcpserver.Options{Toolsets: []string{"leads"}, AllowTools: []string{"find_leads"}})
	list, err := h.client.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil || len(list.Tools) != 1 || list.Tools[0].Name != "find_leads" {
		t.Errorf("served %+v, %v", list, err)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = "get_lead", json.RawMessage(`{"leadId":1}`)
	if res, err := h.client.CallTool(context.Background(), req); err == nil && !res.IsError {
		t.Error("a tool outside the selection answered")
	}
	c, _ := lofty.New(lofty.Config{})
	if _, err := mcpserver.NewServer(c, mcpserver.Options{Toolsets: []string{"nope"}}); err == nil {
		t.Error("NewServer accepted an unknown toolset")
	}
}

// TestToolSpecsAreComplete: every tool taking a lead ID tells the model
// where lead IDs come from.
func TestToolSpecsAreComplete(t *testing.T) {
	var every []string
	for _, ts := range tools.Toolsets() {
		every = append(every, ts.Name)
	}
	h := newLK(t, mcpserver.Options{Toolsets: every})
	list, err := h.client.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Tools) != len(tools.All()) {
		t.Fatalf("listed %d tools, want all %d", len(list.Tools), len(tools.All()))
	}
	for _, tl := range list.Tools {
		if _, ok := tl.InputSchema.Properties["leadId"]; ok && !strings.Contains(tl.Description, "find_leads") {
			t.Errorf("%s takes a leadId but its description does not point to find_leads: %q", tl.Name, tl.Description)
		}
		// Only a write whose result is its outcome alone lists none.
		if tl.OutputSchema.Type != "object" && (tl.Annotations.ReadOnlyHint != nil && *tl.Annotations.ReadOnlyHint) {
			t.Errorf("%s: no output schema", tl.Name)
		}
	}
}

// TestFindLeadsDropsLeadsWithoutID: a lead Lofty sends without a leadId is
// no lead a tool could be asked about; it is not listed.
func TestFindLeadsDropsLeadsWithoutID(t *testing.T) {
	h := newLK(t, mcpserver.Options{})
	h.answer("/v1.0/leads", 200, `{"_metadata":{"total":3,"offset":0},"leads":[{"leadId":0,"firstName":"Zero"},{"firstName":"None"},{"leadId":"-4"},{"leadId":5,"firstName":"Five"}]}`)
	var r tools.FindLeadsResult
	h.ok(t, "find_leads", `{}`, &r)
	if len(r.Leads) != 1 || r.Leads[0].LeadID != 5 {
		t.Errorf("leads %+v, want only lead 5", r.Leads)
	}
}

// TestFindLeadsNeverMoreThanLimit: Lofty may send more leads than asked for;
// the result holds at most limit, and its note says how many were left out.
func TestFindLeadsNeverMoreThanLimit(t *testing.T) {
	h := newLK(t, mcpserver.Options{})
	var leads []string
	for i := 1; i <= 40; i++ {
		leads = append(leads, fmt.Sprintf(`{"leadId":%d,"firstName":"Lead%d"}`, i, i))
	}
	h.answer("/v1.0/leads", 200, `{"_metadata":{"total":40,"offset":0},"leads":[`+strings.Join(leads, ",")+`]}`)
	var r tools.FindLeadsResult
	h.ok(t, "find_leads", `{"limit": 10}`, &r)
	if len(r.Leads) != 10 || r.Leads[9].LeadID != 10 {
		t.Errorf("%d leads, want the first 10", len(r.Leads))
	}
	mustContain(t, r.Note, "30 more matches", "limit 10")
}
