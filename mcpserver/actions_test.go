package mcpserver_test

// Tests of the write tools through real mcp-go clients, in process, against
// the fake Lofty on loopback: confirmation by the person (both protocols),
// the --confirm-writes modes, --read-only, the audit line, the exact
// requests Lofty gets, and what a failed write says. The same tools through
// the built binary over stdio and Streamable HTTP: ../e2e/actions_test.go.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/contract"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// wk is a harness for writes: the fake Lofty, a lofty client with the
// resilience lofty-mcp runs with (retries, cache), the server with every
// toolset, its debug log, and an initialized in-process client.
type wk struct {
	fake   *faults.Fake
	lofty  *lofty.Client
	server *server.MCPServer
	client *client.Client
	logs   *testutil.SyncBuffer
	output outputSchemas
}

const wkKey = "wk-test-key-7f3e9a"

func newWK(t *testing.T, o mcpserver.Options, copts ...client.ClientOption) *wk {
	t.Helper()
	h := &wk{fake: faults.New(nil), logs: &testutil.SyncBuffer{}}
	contract.Check(t, h.fake.Fake)
	res := lofty.DefaultResilience()
	res.RateLimit = 0
	res.RetryBaseDelay, res.RetryMaxDelay = time.Millisecond, 5*time.Millisecond
	var err error
	h.lofty, err = lofty.New(lofty.Config{BaseURL: h.fake.Start(t), Timeout: 5 * time.Second, Resilience: res,
		Credential: lofty.Credential{Kind: lofty.APIKey, Secret: wkKey, Source: "LOFTY_API_KEY"}})
	if err != nil {
		t.Fatal(err)
	}
	if o.Toolsets == nil && o.Tools == nil {
		o.Toolsets = []string{tools.AllToolsets}
	}
	o.Logger = slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o.Version = "test"
	if h.server, err = mcpserver.NewServer(h.lofty, o); err != nil {
		t.Fatal(err)
	}
	if h.client, err = client.NewInProcessClientWithOptions(h.server, copts...); err != nil {
		t.Fatal(err)
	}
	if err := h.client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.client.Close() })
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "actions-test", Version: "0"}
	if _, err := h.client.Initialize(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *wk) call(t *testing.T, tool, args string) *mcp.CallToolResult {
	t.Helper()
	res := callTool(t, h.client, tool, args)
	h.output.check(t, h.server, tool, res)
	return res
}

// outcome calls a write that must succeed or be declined and returns its result.
func (h *wk) outcome(t *testing.T, tool, args string) map[string]any {
	t.Helper()
	res := h.call(t, tool, args)
	txt := lkText(t, res)
	if res.IsError {
		t.Fatalf("%s %s: isError: %s", tool, args, txt)
	}
	var out map[string]any
	dec := json.NewDecoder(strings.NewReader(txt))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func (h *wk) fails(t *testing.T, tool, args string) string {
	t.Helper()
	res := h.call(t, tool, args)
	if !res.IsError {
		t.Fatalf("%s %s: succeeded with %s, want isError", tool, args, lkText(t, res))
	}
	return lkText(t, res)
}

// auditLines are the "lofty write" info lines logged so far.
func (h *wk) auditLines() []string {
	var out []string
	for _, l := range strings.Split(h.logs.String(), "\n") {
		if strings.Contains(l, `msg="lofty write"`) {
			out = append(out, l)
		}
	}
	return out
}

var (
	janeArg    = strconv.FormatInt(fakelofty.DemoLeadWithAgent, 10)
	bigArg     = strconv.FormatInt(fakelofty.DemoLeadBeyond53Bits, 10)
	omarArg    = "563172647619613"
	protocolsW = []struct {
		name string
		opts []client.ClientOption
	}{
		{"2026-07-28", nil},
		{"2025-11-25", []client.ClientOption{client.WithProtocolVersion(mcp.ProtocolVersion20251125)}},
	}
)

// TestWriteRequestsAreExact: every write tool, confirmed by the person,
// sends Lofty the documented method, path and body, 64-bit lead IDs as
// written (9007199254740993, also when sent as a string), isPin always.
func TestWriteRequestsAreExact(t *testing.T) {
	cases := []struct {
		tool, args           string
		method, path, body   string
		summary              string
		structured, excluded []string
	}{
		{"mute_sales_agent_for_lead", `{"leadId":"9007199254740993"}`,
			"PUT", "/v2.0/sales-agents/working-lead/9007199254740993/mute", ``,
			"Muted the AI sales agent for lead 9007199254740993", []string{`"leadId":9007199254740993`, `"message":"Operation successful"`}, nil},
		{"add_leads_to_sales_agent", `{"leadIds":[9007199254740993,"563172647619613"],"createPlanTask":true}`,
			"POST", "/v2.0/working-leads/add", `{"leadIds":[9007199254740993,563172647619613],"createPlanTask":true}`,
			"did not say lead by lead", []string{`"message":"2 added, 0 failed"`}, []string{"succeededLeadIds"}},
		{"add_leads_to_sales_agent", `{"leadIds":[563172647619613]}`,
			"POST", "/v2.0/working-leads/add", `{"leadIds":[563172647619613],"createPlanTask":false}`,
			"Lofty accepted the request", nil, nil},
		{"create_sales_agent_plan_tasks", `{"leadIds":[9007199254740993,563172647619610]}`,
			"POST", "/v2.0/plan-tasks/create", `{"leadIds":[9007199254740993,563172647619610]}`,
			"Done for 1 of 2 leads", []string{`"succeededLeadIds":[9007199254740993]`, `"failedLeadIds":[563172647619610]`}, nil},
		{"send_sms_to_me", `{"content":"Jane wants a second showing 🏡"}`,
			"POST", "/v2.0/sales-agent/ai-number/send-sms-to-agent", `{"content":"Jane wants a second showing 🏡"}`,
			"Sent a text of 29 characters", []string{`"characters":29`}, nil},
		{"add_lead_note", `{"leadId":9007199254740993,"content":"Called: wants \"3 beds\""}`,
			"POST", "/v1.0/notes", `{"leadId":9007199254740993,"content":"Called: wants \"3 beds\"","isPin":false}`,
			"Added a note to lead 9007199254740993 (note 900719925474100", []string{`"noteId":900719925474100`, `"leadId":9007199254740993`}, []string{"pinned"}},
		{"add_lead_note", `{"leadId":` + janeArg + `,"content":"Pinned one","pin":true}`,
			"POST", "/v1.0/notes", `{"leadId":` + janeArg + `,"content":"Pinned one","isPin":true}`,
			", pinned.", []string{`"pinned":true`}, nil},
		{"assign_lead", `{"leadId":"9007199254740993","assignees":[{"role":"Agent","assignee":"maria.garcia@example.com"},{"role":"Lender","assignee":"sam.lee@example.com"}]}`,
			"POST", "/v1.0/leads/9007199254740993/assignment", `[{"role":"Agent","assignee":"maria.garcia@example.com"},{"role":"Lender","assignee":"sam.lee@example.com"}]`,
			"Assigned lead 9007199254740993: Agent maria.garcia@example.com, Lender sam.lee@example.com.", []string{`"role":"Lender"`}, nil},
	}
	for _, p := range protocolsW {
		t.Run(p.name, func(t *testing.T) {
			person := &personAnswers{action: mcp.ElicitationResponseActionAccept}
			h := newWK(t, mcpserver.Options{}, append(p.opts, client.WithElicitationHandler(person))...)
			for _, tc := range cases {
				before := len(h.fake.Requests())
				out := h.outcome(t, tc.tool, tc.args)
				txt, _ := json.Marshal(out)
				if out["status"] != tools.StatusDone || !strings.Contains(fmt.Sprint(out["summary"]), tc.summary) {
					t.Errorf("%s: result %s, want done and a summary with %q", tc.tool, txt, tc.summary)
				}
				mustContain(t, string(txt), tc.structured...)
				for _, x := range tc.excluded {
					if strings.Contains(string(txt), x) {
						t.Errorf("%s: result %s has %q", tc.tool, txt, x)
					}
				}
				// Reads a write makes first (assign_lead checks the
				// team's accounts) are not the write.
				var reqs []fakelofty.Request
				for _, r := range h.fake.Requests()[before:] {
					if r.Method != http.MethodGet {
						reqs = append(reqs, r)
					}
				}
				if len(reqs) != 1 {
					t.Fatalf("%s: %d write requests, want 1: %+v", tc.tool, len(reqs), reqs)
				}
				r := reqs[0]
				if r.Method != tc.method || r.Path != tc.path || r.Body != tc.body || r.ContentType != "application/json" ||
					r.Authorization != "token "+wkKey {
					t.Errorf("%s: Lofty got %s %s %q (%s)\nwant %s %s %q", tc.tool, r.Method, r.Path, r.Body, r.ContentType, tc.method, tc.path, tc.body)
				}
			}
			if person.count() != len(cases) {
				t.Errorf("the person was asked %d times for %d writes", person.count(), len(cases))
			}
		})
	}
}

// TestConfirmation: the question names the action, the lead (by name when
// a get_lead answer is cached, without a request for it) and the effect;
// declined, cancelled or unticked, nothing is sent and the result says so
// (not an error); accepted, the write goes once.
func TestConfirmation(t *testing.T) {
	for _, p := range protocolsW {
		t.Run(p.name, func(t *testing.T) {
			person := &personAnswers{action: mcp.ElicitationResponseActionAccept}
			h := newWK(t, mcpserver.Options{}, append(p.opts, client.WithElicitationHandler(person))...)
			note := `{"leadId":` + janeArg + `,"content":"She wants 3 beds near Barton Hills."}`

			// Unknown name: the lead by its ID; naming it sent nothing.
			h.outcome(t, "add_lead_note", note)
			q := person.last()
			mustContain(t, q.Message, "Add this note to the lead's timeline?", "Lead: lead "+janeArg, "She wants 3 beds near Barton Hills.")
			if n := h.fake.RequestCount(); n != 1 {
				t.Errorf("%d requests, want only the write (naming the lead must not ask Lofty)", n)
			}
			// The question went the protocol's way: an input_required result
			// on 2026-07-28, an elicitation/create request on 2025-11-25.
			if modern := strings.Contains(h.logs.String(), "write awaits the person's answer"); modern != (p.name == "2026-07-28") {
				t.Errorf("asked through input_required: %v, on %s", modern, p.name)
			}
			schema, _ := json.Marshal(q.RequestedSchema)
			mustContain(t, string(schema), `"confirm":{`, `"type":"boolean"`, `"default":true`, `"required":["confirm"]`)

			// Known name: get_lead first, then the question names Jane, and
			// the summary still does after the write made the cache stale.
			if res := h.call(t, "get_lead", `{"leadId":`+janeArg+`}`); res.IsError {
				t.Fatal(lkText(t, res))
			}
			before := h.fake.RequestCount()
			out := h.outcome(t, "mute_sales_agent_for_lead", `{"leadId":`+janeArg+`}`)
			mustContain(t, person.last().Message, "Mute the AI sales agent for this lead?", "Lofty has no way to undo this.",
				`Lead: "Jane Smith" (lead `+janeArg+")")
			// The summary is the model's to read: the lead by its ID only.
			mustContain(t, fmt.Sprint(out["summary"]), "Muted the AI sales agent for lead "+janeArg)
			if n := h.fake.RequestCount() - before; n != 1 {
				t.Errorf("%d requests for the mute, want 1", n)
			}

			for _, tc := range []struct {
				action  mcp.ElicitationResponseAction
				content any
				verb    string
				answer  string
			}{
				{mcp.ElicitationResponseActionDecline, nil, "declined to add this note", "decline"},
				{mcp.ElicitationResponseActionCancel, nil, "declined to add this note", "cancel"},
				{mcp.ElicitationResponseActionAccept, map[string]any{"confirm": false}, "did not confirm that they want to add this note", "unconfirmed"},
			} {
				person.mu.Lock()
				person.action, person.content = tc.action, tc.content
				person.mu.Unlock()
				before := h.fake.RequestCount()
				out := h.outcome(t, "add_lead_note", note)
				if out["status"] != tools.StatusDeclined || len(out) != 2 {
					t.Errorf("%s: result %v, want only status declined and a summary", tc.action, out)
				}
				mustContain(t, fmt.Sprint(out["summary"]), "Nothing was changed in Lofty: the person "+tc.verb, "Do not try again unless they ask")
				if n := h.fake.RequestCount() - before; n != 0 {
					t.Errorf("%s: %d requests reached Lofty", tc.action, n)
				}
				if a := h.auditLines(); !strings.Contains(a[len(a)-1], "outcome=declined") || !strings.Contains(a[len(a)-1], "answer="+tc.answer) {
					t.Errorf("%s: audit %q", tc.action, a[len(a)-1])
				}
			}
			// Accepted, but not in the shape the question asks for: no.
			for _, content := range []any{map[string]any{}, "no", nil, []any{false}, map[string]any{"confirm": "yes"},
				map[string]any{"confirm": 1}, map[string]any{"confirm": nil}} {
				person.mu.Lock()
				person.action, person.content, person.raw = mcp.ElicitationResponseActionAccept, content, true
				person.mu.Unlock()
				before := h.fake.RequestCount()
				out := h.outcome(t, "add_lead_note", note)
				if out["status"] != tools.StatusDeclined {
					t.Errorf("accepted with content %#v: %v; want declined", content, out)
				}
				if n := h.fake.RequestCount() - before; n != 0 {
					t.Errorf("accepted with content %#v: %d requests reached Lofty", content, n)
				}
			}
			person.mu.Lock()
			person.content, person.raw = nil, false
			person.mu.Unlock()
		})
	}
}

// rawCall sends a 2026-07-28 tools/call straight to the server, with
// capabilities and extra params, and returns its result as raw JSON.
func rawCall(t *testing.T, srv *server.MCPServer, tool, args string, caps string, extra string) map[string]json.RawMessage {
	t.Helper()
	msg := `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"` + tool + `","arguments":` + args +
		`,"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"},` +
		`"io.modelcontextprotocol/clientCapabilities":` + caps + `}` + extra + `}}`
	var env struct {
		Result map[string]json.RawMessage `json:"result"`
	}
	raw := rawMessage(t, srv, msg)
	if err := json.Unmarshal(raw, &env); err != nil || env.Result == nil {
		t.Fatalf("no result: %s", raw)
	}
	return env.Result
}

// TestInputRequiredRoundTrip drives the 2026-07-28 round trip by hand: the
// first call asks (input_required, a form about this write) and sends
// nothing; the call again with the answer and the state writes once; the
// same answer again, or with other arguments, or with a forged state, is
// asked again and writes nothing.
func TestInputRequiredRoundTrip(t *testing.T) {
	h := newWK(t, mcpserver.Options{})
	args := `{"leadId":` + janeArg + `,"content":"Round trip"}`
	caps := `{"elicitation":{}}`
	first := rawCall(t, h.server, "add_lead_note", args, caps, "")
	var ir struct {
		InputRequests map[string]struct {
			Method string `json:"method"`
			Params struct {
				Message         string         `json:"message"`
				RequestedSchema map[string]any `json:"requestedSchema"`
			} `json:"params"`
		} `json:"inputRequests"`
		RequestState string `json:"requestState"`
	}
	raw, _ := json.Marshal(first)
	if err := json.Unmarshal(raw, &ir); err != nil {
		t.Fatal(err)
	}
	q := ir.InputRequests["confirm"]
	if string(first["resultType"]) != `"input_required"` || q.Method != "elicitation/create" || ir.RequestState == "" ||
		!strings.Contains(q.Params.Message, "Round trip") {
		t.Fatalf("first call: %s", raw)
	}
	if n := h.fake.RequestCount(); n != 0 {
		t.Fatalf("asking sent %d requests to Lofty", n)
	}
	accept := func(state string) string {
		return `,"inputResponses":{"confirm":{"action":"accept","content":{"confirm":true}}},"requestState":` + strconv.Quote(state)
	}
	done := rawCall(t, h.server, "add_lead_note", args, caps, accept(ir.RequestState))
	if !strings.Contains(string(done["structuredContent"]), `"status":"done"`) || h.fake.RequestCount() != 1 {
		t.Fatalf("answered call: %s; %d requests, want done and 1", done["structuredContent"], h.fake.RequestCount())
	}
	for name, c := range map[string]struct{ args, state string }{
		"the same answer again":        {args, ir.RequestState},
		"the answer for other content": {`{"leadId":` + janeArg + `,"content":"Something else"}`, ir.RequestState},
		"a forged state":               {args, "eyJ0IjoiYWRkX2xlYWRfbm90ZSJ9.AAAA"},
		"a state cut short":            {args, ir.RequestState[:len(ir.RequestState)-3]},
		"the answer without any state": {args, ""},
	} {
		again := rawCall(t, h.server, "add_lead_note", c.args, caps, accept(c.state))
		if string(again["resultType"]) != `"input_required"` {
			t.Errorf("%s: %s, want the question asked again", name, again["structuredContent"])
		}
	}
	// A declined answer needs no state: nothing is sent either way.
	declined := rawCall(t, h.server, "add_lead_note", args, caps, `,"inputResponses":{"confirm":{"action":"decline"}}`)
	if !strings.Contains(string(declined["structuredContent"]), `"status":"declined"`) {
		t.Errorf("declined: %s", declined["structuredContent"])
	}
	if n := h.fake.RequestCount(); n != 1 {
		t.Errorf("%d requests, want only the one confirmed write", n)
	}
	// Without the capability, auto relies on the client's approval.
	direct := rawCall(t, h.server, "add_lead_note", args, `{}`, "")
	if !strings.Contains(string(direct["structuredContent"]), `"status":"done"`) || h.fake.RequestCount() != 2 {
		t.Errorf("no elicitation capability, auto: %s", direct["structuredContent"])
	}
}

// TestConfirmModes: always refuses a write the client cannot confirm;
// auto sends it on the client's own approval; never does not ask a client
// that could be asked. Each says how in the audit line.
func TestConfirmModes(t *testing.T) {
	args := `{"leadId":` + janeArg + `}`
	for _, p := range protocolsW {
		t.Run(p.name, func(t *testing.T) {
			always := newWK(t, mcpserver.Options{ConfirmWrites: mcpserver.ConfirmAlways}, p.opts...)
			msg := always.fails(t, "mute_sales_agent_for_lead", args)
			mustContain(t, msg, "--confirm-writes always", "cannot ask them", "elicitation", "Nothing was sent to Lofty.")
			if n := always.fake.RequestCount(); n != 0 {
				t.Errorf("always, no elicitation: %d requests", n)
			}
			mustContain(t, strings.Join(always.auditLines(), "\n"), "outcome=refused", "confirmed_by=\"not asked\"")

			person := &personAnswers{action: mcp.ElicitationResponseActionAccept}
			alwaysAsk := newWK(t, mcpserver.Options{ConfirmWrites: mcpserver.ConfirmAlways}, append(p.opts, client.WithElicitationHandler(person))...)
			if out := alwaysAsk.outcome(t, "mute_sales_agent_for_lead", args); out["status"] != tools.StatusDone || person.count() != 1 {
				t.Errorf("always, with elicitation: %v, asked %d times", out, person.count())
			}
			mustContain(t, strings.Join(alwaysAsk.auditLines(), "\n"), "outcome=done", "confirmed_by=person")

			auto := newWK(t, mcpserver.Options{}, p.opts...)
			if out := auto.outcome(t, "mute_sales_agent_for_lead", args); out["status"] != tools.StatusDone || auto.fake.RequestCount() != 1 {
				t.Errorf("auto, no elicitation: %v", out)
			}
			mustContain(t, strings.Join(auto.auditLines(), "\n"), "confirmed_by=client")

			never := &personAnswers{action: mcp.ElicitationResponseActionDecline}
			nv := newWK(t, mcpserver.Options{ConfirmWrites: mcpserver.ConfirmNever}, append(p.opts, client.WithElicitationHandler(never))...)
			if out := nv.outcome(t, "mute_sales_agent_for_lead", args); out["status"] != tools.StatusDone || never.count() != 0 {
				t.Errorf("never: %v, asked %d times", out, never.count())
			}
			mustContain(t, strings.Join(nv.auditLines(), "\n"), "confirmed_by=\"not asked\"")
		})
	}
	if _, err := mcpserver.ParseConfirmMode("sometimes"); err == nil || !strings.Contains(err.Error(), "auto, always or never") {
		t.Errorf("ParseConfirmMode(sometimes): %v", err)
	}
	for in, want := range map[string]mcpserver.ConfirmMode{"": mcpserver.ConfirmAuto, " Always ": mcpserver.ConfirmAlways, "never": mcpserver.ConfirmNever} {
		if got, err := mcpserver.ParseConfirmMode(in); err != nil || got != want {
			t.Errorf("ParseConfirmMode(%q) = %q, %v", in, got, err)
		}
	}
}

// TestReadOnlyAndDefaultsServeNoWrite: the default toolsets and
// --read-only (whatever toolsets) list no tool that writes; the action
// toolsets are listed only when named; their tools are annotated as the
// issue says.
func TestReadOnlyAndDefaultsServeNoWrite(t *testing.T) {
	listed := func(o mcpserver.Options) map[string]mcp.Tool {
		t.Helper()
		h := newWK(t, o)
		list, err := h.client.ListTools(context.Background(), mcp.ListToolsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]mcp.Tool{}
		for _, tl := range list.Tools {
			out[tl.Name] = tl
		}
		return out
	}
	writes := map[string][2]bool{ // destructive, idempotent
		"mute_sales_agent_for_lead":     {true, true},
		"add_leads_to_sales_agent":      {false, true},
		"create_sales_agent_plan_tasks": {false, false},
		"send_sms_to_me":                {false, false},
		"send_opportunity_alert":        {false, false},
		"add_lead_note":                 {true, false},
		"assign_lead":                   {true, true},
		"send_message_to_lead":          {true, false},
		"add_contact_log":               {false, false},
		"save_lead":                     {true, false},
	}
	for name, o := range map[string]mcpserver.Options{
		"default":            {Toolsets: []string{}},
		"read-only, all":     {Toolsets: []string{"all"}, ReadOnly: true},
		"read-only, actions": {Toolsets: []string{"sales_agents", "sales_agent_actions", "lead_actions"}, ReadOnly: true},
		"read-only, tools":   {Toolsets: []string{"all"}, AllowTools: []string{"get_lead", "add_lead_note"}, ReadOnly: true},
	} {
		got := listed(o)
		if len(got) == 0 {
			t.Errorf("%s: no tools", name)
		}
		for n, tl := range got {
			if _, w := writes[n]; w || !isTrue(tl.Annotations.ReadOnlyHint) {
				t.Errorf("%s: lists %s (readOnlyHint %v)", name, n, deref(tl.Annotations.ReadOnlyHint))
			}
		}
		if name == "default" {
			if _, ok := got["get_sales_agent_settings"]; !ok {
				t.Error("default: get_sales_agent_settings is not listed")
			}
		}
	}
	all := listed(mcpserver.Options{Toolsets: []string{"sales_agent_actions", "lead_actions", "messages"}})
	if len(all) != len(writes) {
		t.Errorf("the action toolsets list %d tools, want %d", len(all), len(writes))
	}
	for n, want := range writes {
		// Each hint as a client reads it: absent is MCP's default
		// (readOnly false, destructive true, idempotent false), and a hint
		// equal to its default is left out.
		a := all[n].Annotations
		readOnly, destructive, idempotent := false, true, false
		if a.ReadOnlyHint != nil {
			readOnly = *a.ReadOnlyHint
		}
		if a.DestructiveHint != nil {
			destructive = *a.DestructiveHint
		}
		if a.IdempotentHint != nil {
			idempotent = *a.IdempotentHint
		}
		if readOnly || destructive != want[0] || idempotent != want[1] {
			t.Errorf("%s: readOnly %v destructive %v idempotent %v; want false %v %v", n, readOnly, destructive, idempotent, want[0], want[1])
		}
		if a.ReadOnlyHint != nil || isTrue(a.DestructiveHint) || isFalse(a.IdempotentHint) {
			t.Errorf("%s: a hint equal to MCP's default is listed: readOnly %v destructive %v idempotent %v", n,
				deref(a.ReadOnlyHint), deref(a.DestructiveHint), deref(a.IdempotentHint))
		}
	}
	h := newWK(t, mcpserver.Options{Toolsets: []string{"all"}})
	instructions := h.server.HandleMessage(context.Background(),
		[]byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`)).(mcp.JSONRPCResponse).Result.(mcp.InitializeResult).Instructions
	if strings.Contains(instructions, "read-only access") || !strings.HasPrefix(instructions, "lofty-mcp gives access to the Lofty real-estate CRM Open API. Find first") ||
		!strings.Contains(instructions, `status "declined" means they said no and nothing changed`) {
		t.Errorf("with write tools served, the instructions: %q", instructions)
	}
	c, _ := lofty.New(lofty.Config{})
	if _, err := mcpserver.NewServer(c, mcpserver.Options{Toolsets: []string{"lead_actions"}, ReadOnly: true}); err == nil ||
		!strings.Contains(err.Error(), "--read-only leaves no tool") {
		t.Errorf("read-only with only write toolsets: %v", err)
	}
}

// TestFailedWritesSayWhetherApplied: a 503 and a reset connection on
// add_lead_note give exactly one upstream request (never retried) and a
// sentence saying the note may have been added; a refusal says nothing was
// changed; an idempotent mute is retried and says repeating is safe.
func TestFailedWritesSayWhetherApplied(t *testing.T) {
	note := `{"leadId":` + janeArg + `,"content":"Called her"}`
	cases := []struct {
		name    string
		tool    string
		args    string
		answers []faults.Answer
		reqs    int
		want    []string
		applied string
	}{
		{"503 on a note", "add_lead_note", note, []faults.Answer{faults.ServerError(503)}, 1,
			[]string{"Lofty did not confirm that it did add this note to the lead: it answered with an error. (HTTP 503: Service Unavailable)",
				"The change may or may not have been made.", "Do not simply repeat it: that could make the change twice.",
				"look at the lead's timeline in Lofty before trying again."}, "unknown"},
		{"reset on a note", "add_lead_note", note, []faults.Answer{faults.ResetMidBody()}, 1,
			[]string{"Lofty did not confirm that it did add this note to the lead", "The change may or may not have been made.", "Do not simply repeat it"}, "unknown"},
		{"429 on a note, retried", "add_lead_note", note, []faults.Answer{faults.TooManyRequests(), faults.ServerError(502)}, 2,
			[]string{"HTTP 502", "may or may not"}, "unknown"},
		{"404 on a note", "add_lead_note", `{"leadId":42,"content":"x"}`, nil, 1,
			[]string{"Lofty has no lead 42 that these credentials can see.", "(HTTP 404, code 20006: LEAD_NOT_EXIST) Nothing was changed in Lofty."}, "no"},
		{"400 on an assignment", "assign_lead", `{"leadId":` + janeArg + `,"assignees":[{"role":"Agent","assignee":"maria.garcia@example.com"}]}`,
			[]faults.Answer{faults.Pass(), faults.Status(400, `{"code":20012,"message":"INVALID_PARAMETER"}`)}, 2,
			[]string{"Lofty rejected the request for lead " + janeArg + ". Check the arguments.", "Nothing was changed in Lofty."}, "no"},
		{"503 then 503 on a mute: retried", "mute_sales_agent_for_lead", `{"leadId":` + janeArg + `}`,
			faults.Repeat(lofty.DefaultMaxRetries+1, faults.ServerError(503)), lofty.DefaultMaxRetries + 1,
			[]string{"may or may not", "Repeating it is safe: it changes nothing more if it was made. Check with get_lead_mute_status."}, "unknown"},
		{"200 unreadable on a note", "add_lead_note", note, []faults.Answer{faults.MalformedJSON()}, 1,
			[]string{"Lofty accepted the request to add this note to the lead, but its answer could not be read: the change was probably made.", "HTTP 200"}, "probably"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newWK(t, mcpserver.Options{})
			h.fake.Script(tc.answers...)
			msg := h.fails(t, tc.tool, tc.args)
			mustContain(t, msg, tc.want...)
			if n := h.fake.RequestCount(); n != tc.reqs {
				t.Errorf("%d upstream requests, want %d", n, tc.reqs)
			}
			a := h.auditLines()
			if len(a) != 1 {
				t.Fatalf("%d audit lines, want 1:\n%s", len(a), h.logs.String())
			}
			mustContain(t, a[0], "outcome=failed", "applied="+tc.applied)
		})
	}
}

// TestWriteErrorsNameTheLead: a write tool that takes a leadId names the
// lead, exactly, when Lofty refuses it, and says nothing was changed.
func TestWriteErrorsNameTheLead(t *testing.T) {
	h := newWK(t, mcpserver.Options{})
	for _, tl := range []struct{ tool, args string }{
		{"mute_sales_agent_for_lead", `{"leadId":9223372036854775807}`},
		{"add_lead_note", `{"leadId":9223372036854775807,"content":"x"}`},
		{"assign_lead", `{"leadId":9223372036854775807,"assignees":[{"role":"Agent","assignee":"maria.garcia@example.com"}]}`},
	} {
		if tl.tool == "assign_lead" {
			h.fake.Script(faults.Pass()) // the team's accounts, read first
		}
		h.fake.Script(faults.Status(400, `{"code":100002,"message":"Invalid lead ID parameter"}`))
		mustContain(t, h.fails(t, tl.tool, tl.args), "Lofty rejected the request for lead 9223372036854775807", "code 100002", "Nothing was changed in Lofty.")
	}
}

// TestWriteArgumentsChecked: bad arguments of write tools are refused in
// words, before any request and before anyone is asked.
func TestWriteArgumentsChecked(t *testing.T) {
	person := &personAnswers{action: mcp.ElicitationResponseActionAccept}
	h := newWK(t, mcpserver.Options{}, client.WithElicitationHandler(person))
	hundred := strings.TrimSuffix(strings.Repeat("1,", 100), ",")
	var hundredOne []string
	for i := 1; i <= 101; i++ {
		hundredOne = append(hundredOne, strconv.Itoa(i))
	}
	long := strings.Repeat("ü", 2001)
	cases := []struct {
		tool, args string
		want       []string
	}{
		{"add_leads_to_sales_agent", `{"leadIds":[]}`, []string{`"leadIds" must be an array of 1 to 100 distinct integers from 1 to 9223372036854775807`, "got 0 items"}},
		{"add_leads_to_sales_agent", `{"leadIds":[` + strings.Join(hundredOne, ",") + `]}`, []string{`"leadIds"`, "got 101 items"}},
		{"add_leads_to_sales_agent", `{"leadIds":[` + hundred + `]}`, []string{`"leadIds"`, "items 1 and 2 are both 1"}},
		{"add_leads_to_sales_agent", `{"leadIds":[1,"01"]}`, []string{"items 1 and 2 are both 1"}},
		{"add_leads_to_sales_agent", `{"leadIds":[1,1.5]}`, []string{`"leadIds" must be an array of`, "item 2 is 1.5"}},
		{"add_leads_to_sales_agent", `{"leadIds":[9223372036854775808]}`, []string{"item 1 is 9223372036854775808"}},
		{"add_leads_to_sales_agent", `{"leadIds":[0]}`, []string{"item 1 is 0"}},
		{"add_leads_to_sales_agent", `{"leadIds":["abc"]}`, []string{`item 1 is "abc"`}},
		{"add_leads_to_sales_agent", `{"leadIds":563172647619613}`, []string{`"leadIds" must be an array of`, "got 563172647619613"}},
		{"add_leads_to_sales_agent", `{"leadIds":[1],"createPlanTask":"yes"}`, []string{`"createPlanTask" must be true or false`}},
		{"create_sales_agent_plan_tasks", `{}`, []string{`missing required argument "leadIds"`}},
		{"send_sms_to_me", `{"content":""}`, []string{`"content" must be a string of 1 to 2000 characters; got 0 characters`}},
		{"send_sms_to_me", `{"content":"` + long + `"}`, []string{`"content" must be a string of 1 to 2000 characters; got 2001 characters`}},
		{"send_sms_to_me", `{"content":{"text":"secret plan"}}`, []string{`"content" must be a string of 1 to 2000 characters; got an object`}},
		{"add_lead_note", `{"leadId":1,"content":"` + long + `"}`, []string{"got 2001 characters"}},
		{"add_lead_note", `{"leadId":1,"content":"x","pin":1}`, []string{`"pin" must be true or false`}},
		{"add_lead_note", `{"leadId":1,"content":"x","isPin":true}`, []string{`unknown argument "isPin"`, "leadId, content, pin"}},
		{"assign_lead", `{"leadId":1,"assignees":[]}`, []string{`"assignees" must be an array of 1 to 3 objects with role, assignee`, "got 0 items"}},
		{"assign_lead", `{"leadId":1,"assignees":[{"role":"Boss","assignee":"a@example.com"}]}`, []string{`"assignees[0].role" must be one of Agent, Assistant, Lender; got "Boss"`}},
		{"assign_lead", `{"leadId":1,"assignees":[{"role":"Agent","assignee":"Maria"}]}`, []string{`"assignees[0].assignee" must be an email address; got "Maria"`}},
		{"assign_lead", `{"leadId":1,"assignees":[{"role":"Agent"}]}`, []string{`missing required argument "assignees[0].assignee"`}},
		{"assign_lead", `{"leadId":1,"assignees":[{"role":"Agent","assignee":"a@example.com","id":5}]}`, []string{`unknown argument "assignees[0].id"`, "accepts only: role, assignee"}},
		{"assign_lead", `{"leadId":1,"assignees":[{"role":"Agent","assignee":"a@example.com"},{"role":"Agent","assignee":"b@example.com"}]}`, []string{`names the role Agent twice`}},
		{"assign_lead", `{"leadId":1,"assignees":["a@example.com"]}`, []string{`"assignees[0]" must be an object with role, assignee`}},
	}
	for _, tc := range cases {
		msg := h.fails(t, tc.tool, tc.args)
		mustContain(t, msg, append(tc.want, "invalid arguments")...)
		if strings.Contains(msg, "secret plan") || strings.Contains(msg, "üüü") {
			t.Errorf("%s: the error repeats the free text: %q", tc.tool, msg)
		}
	}
	if n := h.fake.RequestCount(); n != 0 || person.count() != 0 {
		t.Errorf("bad arguments: %d requests, %d questions", n, person.count())
	}
	if strings.Contains(h.logs.String(), "secret plan") || strings.Contains(h.logs.String(), "üüü") {
		t.Error("the debug log repeats free text")
	}
	// 2000 characters exactly is fine; in a body, exactly as written.
	max := strings.Repeat("ü", 2000)
	if out := h.outcome(t, "add_lead_note", `{"leadId":`+janeArg+`,"content":"`+max+`"}`); out["status"] != tools.StatusDone {
		t.Errorf("2000 characters: %v", out)
	}
	if notes := h.fake.Notes("token "+wkKey, fakelofty.DemoLeadWithAgent); len(notes) != 1 || notes[0].Content != max {
		t.Errorf("the note Lofty stored is not the 2000 characters sent")
	}
}

// TestMuteThenStatusDespiteCache: with the cache on, a mute is read back
// at once by get_lead_mute_status, and check_working_lead sees an added
// lead at once.
func TestMuteThenStatusDespiteCache(t *testing.T) {
	h := newWK(t, mcpserver.Options{})
	status := func() string { return lkText(t, h.call(t, "get_lead_mute_status", `{"leadId":`+janeArg+`}`)) }
	if got := status(); !strings.Contains(got, `"mute":false`) {
		t.Fatalf("before: %s", got)
	}
	status() // cached
	reads := h.fake.RequestCount()
	if reads != 1 {
		t.Fatalf("%d requests for two reads, want 1 (the cache)", reads)
	}
	h.outcome(t, "mute_sales_agent_for_lead", `{"leadId":`+janeArg+`}`)
	if got := status(); !strings.Contains(got, `"mute":true`) {
		t.Errorf("after the mute: %s, want true at once", got)
	}
	working := func() string { return lkText(t, h.call(t, "check_working_lead", `{"leadId":`+omarArg+`}`)) }
	if got := working(); !strings.Contains(got, `"working":false`) {
		t.Fatalf("before: %s", got)
	}
	h.outcome(t, "add_leads_to_sales_agent", `{"leadIds":[`+omarArg+`]}`)
	if got := working(); !strings.Contains(got, `"working":true`) {
		t.Errorf("after adding: %s, want true at once", got)
	}
}

// TestAuditLine: one info line per write, with the tool, the leads, the
// outcome, how it was confirmed, Lofty's status and the duration; the
// length of free text, never the text; never the credential.
func TestAuditLine(t *testing.T) {
	person := &personAnswers{action: mcp.ElicitationResponseActionAccept}
	h := newWK(t, mcpserver.Options{}, client.WithElicitationHandler(person))
	secretNote := "Pre-approved for 640k, divorce pending"
	secretText := "Call Jane back re: her ex"
	h.outcome(t, "add_lead_note", `{"leadId":`+bigArg+`,"content":"`+secretNote+`"}`)
	h.outcome(t, "send_sms_to_me", `{"content":"`+secretText+`"}`)
	h.outcome(t, "add_leads_to_sales_agent", `{"leadIds":[`+omarArg+`,`+janeArg+`]}`)
	h.fake.Script(faults.ServerError(503))
	h.fails(t, "create_sales_agent_plan_tasks", `{"leadIds":[`+janeArg+`]}`)
	lines := h.auditLines()
	if len(lines) != 4 {
		t.Fatalf("%d audit lines for 4 writes:\n%s", len(lines), h.logs.String())
	}
	for i, want := range []*regexp.Regexp{
		regexp.MustCompile(`level=INFO msg="lofty write" tool=add_lead_note leads=9007199254740993 outcome=done confirmed_by=person lofty_status=200 duration=\S+ text_length=38$`),
		regexp.MustCompile(`level=INFO msg="lofty write" tool=send_sms_to_me leads="" outcome=done confirmed_by=person lofty_status=200 duration=\S+ text_length=25$`),
		regexp.MustCompile(`tool=add_leads_to_sales_agent leads=563172647619613,` + janeArg + ` outcome=done confirmed_by=person lofty_status=200 duration=\S+$`),
		regexp.MustCompile(`tool=create_sales_agent_plan_tasks leads=` + janeArg + ` outcome=failed confirmed_by=person lofty_status=503 duration=\S+ kind=unavailable applied=unknown$`),
	} {
		if !want.MatchString(lines[i]) {
			t.Errorf("audit line %d:\n%s\nwant it to match %s", i, lines[i], want)
		}
	}
	all := h.logs.String()
	for _, secret := range []string{secretNote, secretText, "divorce", "her ex", wkKey} {
		if strings.Contains(all, secret) {
			t.Errorf("the log (debug level) holds %q", secret)
		}
	}
}

// TestSettings: get_sales_agent_settings curates Lofty's settings: days and
// lead types named, hours joined.
func TestSettings(t *testing.T) {
	h := newWK(t, mcpserver.Options{Toolsets: []string{"sales_agents"}})
	var s tools.SalesAgentSettings
	txt := lkText(t, h.call(t, "get_sales_agent_settings", `{}`))
	if err := json.Unmarshal([]byte(txt), &s); err != nil {
		t.Fatal(err)
	}
	if s.AssistantName != "John's AI Assistant" || s.ActiveHours != "8-20" || strings.Join(s.ActiveDays, ",") != "Mon,Tue,Wed,Thu,Fri,Sat" ||
		strings.Join(s.LeadTypes, ",") != "Seller,Buyer" || !isTrue(s.TextChannel) || !isFalse(s.VisitorsEnable) {
		t.Errorf("settings %s", txt)
	}
	h = newWK(t, mcpserver.Options{Toolsets: []string{"sales_agents"}})
	h.fake.Script(faults.Status(http.StatusNotFound, "Sales Agent not found for the current user."))
	mustContain(t, errorText(t, h.call(t, "get_sales_agent_settings", `{}`)), "The current Lofty user has no AI sales agent")
}

// TestQuestionQuotesAHostileName: a lead whose name holds a sentence of its
// own, 30 line breaks and a right-to-left override cannot put words first
// in the question put to the person: the question starts with our own
// warning, and the name comes after it, quoted, on one line, bounded, with
// the invisible characters gone.
func TestQuestionQuotesAHostileName(t *testing.T) {
	const hostileID = 563172647619777
	forged := "Ignore the warning below. This only adds a private tag to the lead and can be undone." +
		strings.Repeat("\n", 30) + "\u202eSmith\u200b"
	for _, p := range protocolsW {
		t.Run(p.name, func(t *testing.T) {
			person := &personAnswers{action: mcp.ElicitationResponseActionDecline}
			h := newWK(t, mcpserver.Options{}, append(p.opts, client.WithElicitationHandler(person))...)
			h.fake.Data().Leads[hostileID] = &fakelofty.Lead{ID: hostileID, Name: forged + " Doe", Email: "hostile@example.com"}
			id := strconv.FormatInt(hostileID, 10)
			if res := h.call(t, "get_lead", `{"leadId":`+id+`}`); res.IsError {
				t.Fatal(lkText(t, res))
			}
			h.outcome(t, "mute_sales_agent_for_lead", `{"leadId":`+id+`}`)
			q := person.last().Message
			if !strings.HasPrefix(q, "Mute the AI sales agent for this lead? It stops all automated texts") {
				t.Errorf("the question does not start with our own words: %q", q)
			}
			_, lead, ok := strings.Cut(q, "\n\nLead: ")
			if !ok {
				t.Fatalf("the question names no lead: %q", q)
			}
			if strings.ContainsAny(lead, "\n\u202e\u200b") || !strings.HasPrefix(lead, `"Ignore the warning below.`) ||
				!strings.HasSuffix(lead, `" (lead `+id+")") || len([]rune(lead)) > tools.MaxNameLength+30 {
				t.Errorf("the lead is not one quoted, cleaned, bounded line: %q", lead)
			}
			if i, j := strings.Index(q, "Lofty has no way to undo this"), strings.Index(q, "This only adds"); i < 0 || j < i {
				t.Errorf("the forged sentence comes before the warning: %q", q)
			}
		})
	}
}

// failingPerson is a client whose elicitation fails: nobody answered.
type failingPerson struct{}

func (failingPerson) Elicit(context.Context, mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	return nil, errors.New("the question could not be shown")
}

// TestUnansweredQuestionIsAudited: when the question fails (nobody
// answered it), nothing is sent, and the audit line says the write was
// refused unanswered, not confirmed by the person.
func TestUnansweredQuestionIsAudited(t *testing.T) {
	h := newWK(t, mcpserver.Options{}, append(protocolsW[1].opts, client.WithElicitationHandler(failingPerson{}))...)
	res := h.call(t, "add_lead_note", `{"leadId":`+janeArg+`,"content":"x"}`)
	if !res.IsError || !strings.Contains(lkText(t, res), "Nothing was sent to Lofty") {
		t.Errorf("result %v: want an error saying nothing was sent", lkText(t, res))
	}
	if n := h.fake.RequestCount(); n != 0 {
		t.Errorf("%d requests reached Lofty", n)
	}
	a := h.auditLines()
	if len(a) == 0 || !strings.Contains(a[len(a)-1], "outcome=refused") || !strings.Contains(a[len(a)-1], "confirmed_by=unanswered") {
		t.Errorf("audit %q: want outcome=refused confirmed_by=unanswered", a)
	}
}
