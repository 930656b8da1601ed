package e2e

// End-to-end tests of the tools that change data in Lofty: the real binary
// over stdio and Streamable HTTP (each pinned to 2025-11-25 and with the
// client's default, the stateless 2026-07-28 protocol), driven by mcp-go's
// client with an elicitation handler standing in for the person, against the
// fake Lofty on loopback. They check the exact request Lofty gets for every
// tool, the person's accept / decline / cancel, reads right after writes,
// --read-only, --confirm-writes always with clients that cannot ask, write
// state per credential, the audit lines, and that no note or SMS text
// reaches the log.
//
//	go test -race -run TestActionsE2E .

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/client"
	mcptransport "github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// e2ePerson answers the server's questions the way the test says.
type e2ePerson struct {
	mu        sync.Mutex
	action    mcp.ElicitationResponseAction
	questions []string
}

func (p *e2ePerson) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.questions = append(p.questions, req.Params.Message)
	res := &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: p.action}}
	if p.action == mcp.ElicitationResponseActionAccept {
		res.Content = map[string]any{"confirm": true}
	}
	return res, nil
}

func (p *e2ePerson) answer(a mcp.ElicitationResponseAction) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.action = a
}

func (p *e2ePerson) asked() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.questions)
}

// actionsConn is a running lofty-mcp and a client connected to it.
type actionsConn struct {
	client *client.Client
	logs   *testutil.SyncBuffer // the server's stderr
}

// e2eTransport is a way to run the binary and reach it.
type e2eTransport struct {
	name   string
	http   bool
	pinned bool // 2025-11-25; else the client's default (2026-07-28)
}

var e2eTransports = []e2eTransport{
	{"stdio-2025-11-25", false, true},
	{"stdio-default", false, false},
	{"http-2025-11-25", true, true},
	{"http-default", true, false},
}

// startActions starts the binary for tr with the fake at base, credential
// key and args, and connects a client with opts.
func startActions(t *testing.T, tr e2eTransport, base, key string, args []string, opts ...client.ClientOption) *actionsConn {
	t.Helper()
	if tr.pinned {
		opts = append(opts, client.WithProtocolVersion(mcp.ProtocolVersion20251125))
	}
	var c *client.Client
	var logs *testutil.SyncBuffer
	if tr.http {
		p := startHTTPE2E(t, stdioBin(t), e2eEnv(base, key), args...)
		logs = p.stderr
		h, err := mcptransport.NewStreamableHTTP(p.base + "/mcp")
		if err != nil {
			t.Fatal(err)
		}
		c = client.NewClient(h, opts...)
	} else {
		proc := startStdio(t, stdioEnv("LOFTY_BASE_URL="+base, "LOFTY_API_KEY="+key), args...)
		logs = proc.stderr
		c = client.NewClient(mcptransport.NewIO(proc.stdout, proc.stdin, nil), opts...)
	}
	// The client handles the server's requests (elicitation) on the context
	// it was started with: it must outlive this function.
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	init := mcp.InitializeRequest{}
	init.Params.ClientInfo = mcp.Implementation{Name: "actions-e2e", Version: "1"}
	res, err := c.Initialize(ctx, init)
	if err != nil {
		t.Fatalf("initialize: %v\n%s", err, logs.String())
	}
	want := mcp.ProtocolVersion20260728
	if tr.pinned {
		want = mcp.ProtocolVersion20251125
	}
	if res.ProtocolVersion != want {
		t.Fatalf("protocol %s, want %s", res.ProtocolVersion, want)
	}
	return &actionsConn{client: c, logs: logs}
}

// call calls tool and returns the result's text and whether it is an error.
func (s *actionsConn) call(t *testing.T, tool, args string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = json.RawMessage(args)
	res, err := s.client.CallTool(ctx, req)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tool, args, err, s.logs.String())
	}
	return resultText(res), res.IsError
}

// ok calls tool, requires success, and returns its text.
func (s *actionsConn) ok(t *testing.T, tool, args string) string {
	t.Helper()
	txt, isErr := s.call(t, tool, args)
	if isErr {
		t.Fatalf("%s %s: isError: %s\nserver log:\n%s", tool, args, txt, s.logs.String())
	}
	return txt
}

func (s *actionsConn) listed(t *testing.T) []string {
	t.Helper()
	list, err := s.client.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range list.Tools {
		names = append(names, tl.Name)
	}
	return names
}

// requestsBy are the requests the fake got with credential key.
func requestsBy(f *fakelofty.Fake, key string) []fakelofty.Request {
	var out []fakelofty.Request
	for _, r := range f.Requests() {
		if r.Authorization == "token "+key {
			out = append(out, r)
		}
	}
	return out
}

var writeTools = []string{"mute_sales_agent_for_lead", "add_leads_to_sales_agent", "create_sales_agent_plan_tasks",
	"send_sms_to_me", "add_lead_note", "assign_lead"}

func TestActionsE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	stdioBin(t)
	fake := faults.New(nil)
	base := fake.Start(t)

	for i, tr := range e2eTransports {
		t.Run(tr.name, func(t *testing.T) {
			key := fmt.Sprintf("e2e-actions-key-%d", i)
			// Free text that must reach Lofty and never the log.
			note := fmt.Sprintf("NOTE-SECRET-%d pre-approved, divorce pending", i)
			sms := fmt.Sprintf("SMS-SECRET-%d call Jane back", i)
			person := &e2ePerson{action: mcp.ElicitationResponseActionAccept}
			// Eleven requests in the minute (assign_lead reads the team's
			// accounts first): more than a personal key's default ten.
			s := startActions(t, tr, base, key, []string{"--toolsets", "all", "--log-level", "debug", "--rate-limit", "20"},
				client.WithElicitationHandler(person))
			all, err := tools.Select([]string{tools.AllToolsets}, nil)
			if err != nil {
				t.Fatal(err)
			}
			listed := s.listed(t)
			if len(listed) != len(all) {
				t.Errorf("--toolsets all lists %d tools, want every tool of every toolset but those that must be named (%d): %v",
					len(listed), len(all), listed)
			}
			for _, named := range []string{"update_lead_routing", "manage_agent", "create_webhook", "delete_webhook"} {
				if slices.Contains(listed, named) {
					t.Errorf("--toolsets all lists %s, of a toolset that must be named", named)
				}
			}

			s.ok(t, "get_sales_agent_settings", `{}`)
			for _, tc := range []struct {
				tool, args         string
				method, path, body string
				result             string
			}{
				{"mute_sales_agent_for_lead", `{"leadId": 9007199254740993}`,
					"PUT", "/v2.0/sales-agents/working-lead/9007199254740993/mute", ``, `"status":"done"`},
				{"add_leads_to_sales_agent", `{"leadIds": [563172647619613, "9007199254740993"], "createPlanTask": true}`,
					"POST", "/v2.0/working-leads/add", `{"leadIds":[563172647619613,9007199254740993],"createPlanTask":true}`, `"message":"2 added, 0 failed"`},
				{"create_sales_agent_plan_tasks", `{"leadIds": [9007199254740993, 563172647619610]}`,
					"POST", "/v2.0/plan-tasks/create", `{"leadIds":[9007199254740993,563172647619610]}`,
					`"succeededLeadIds":[9007199254740993],"failedLeadIds":[563172647619610]`},
				{"send_sms_to_me", `{"content": "` + sms + `"}`,
					"POST", "/v2.0/sales-agent/ai-number/send-sms-to-agent", `{"content":"` + sms + `"}`, `"status":"done"`},
				{"add_lead_note", `{"leadId": 9007199254740993, "content": "` + note + `", "pin": true}`,
					"POST", "/v1.0/notes", `{"leadId":9007199254740993,"content":"` + note + `","isPin":true}`, `"noteId":900719925474`},
				{"assign_lead", `{"leadId": 9007199254740993, "assignees": [{"role": "Agent", "assignee": "maria.garcia@example.com"}]}`,
					"POST", "/v1.0/leads/9007199254740993/assignment", `[{"role":"Agent","assignee":"maria.garcia@example.com"}]`, `"status":"done"`},
			} {
				before := len(requestsBy(fake.Fake, key))
				txt := s.ok(t, tc.tool, tc.args)
				if !strings.Contains(txt, tc.result) {
					t.Errorf("%s: result %s lacks %s", tc.tool, txt, tc.result)
				}
				reqs := requestsBy(fake.Fake, key)[before:]
				if tc.tool == "assign_lead" && len(reqs) > 0 && reqs[0].Method == "GET" && reqs[0].Path == "/v1.0/members" {
					reqs = reqs[1:] // the team's accounts, checked first
				}
				if len(reqs) != 1 || reqs[0].Method != tc.method || reqs[0].Path != tc.path || reqs[0].Body != tc.body {
					t.Errorf("%s: Lofty got %+v\nwant one %s %s %q", tc.tool, reqs, tc.method, tc.path, tc.body)
				}
			}
			if q := person.asked(); len(q) != len(writeTools) {
				t.Errorf("the person was asked %d times for %d writes: %q", len(q), len(writeTools), q)
			} else {
				if !strings.Contains(q[0], "Mute the AI sales agent for") || !strings.Contains(q[4], note) {
					t.Errorf("questions %q: want the action, and the note itself", q)
				}
			}

			// Read right after the writes, despite the cache.
			mustHave(t, s.ok(t, "get_lead_mute_status", `{"leadId": 9007199254740993}`), `"mute":true`)
			mustHave(t, s.ok(t, "check_working_lead", `{"leadId": 563172647619613}`), `"working":true`)
			mustHave(t, s.ok(t, "get_lead", `{"leadId": 9007199254740993}`), `"assignedUser":"Maria Garcia"`)

			// Declined and cancelled: nothing sent, not an error.
			for _, a := range []mcp.ElicitationResponseAction{mcp.ElicitationResponseActionDecline, mcp.ElicitationResponseActionCancel} {
				person.answer(a)
				before := len(requestsBy(fake.Fake, key))
				txt := s.ok(t, "add_lead_note", `{"leadId": 9007199254740993, "content": "`+note+`"}`)
				mustHave(t, txt, `"status":"declined"`, "Nothing was changed in Lofty: the person declined")
				if n := len(requestsBy(fake.Fake, key)) - before; n != 0 {
					t.Errorf("%s: %d requests reached Lofty", a, n)
				}
			}
			person.answer(mcp.ElicitationResponseActionAccept)
			// Too long: refused before anyone is asked.
			asked := len(person.asked())
			long := note + strings.Repeat("x", 2000)
			if txt, isErr := s.call(t, "add_lead_note", `{"leadId": 1, "content": "`+long+`"}`); !isErr ||
				!strings.Contains(txt, fmt.Sprintf(`"content" must be a string of 1 to 2000 characters; got %d characters`, utf8.RuneCountInString(long))) {
				t.Errorf("a 2000+ character note: %v %s", isErr, txt)
			}
			if len(person.asked()) != asked {
				t.Error("the person was asked about a note that is too long")
			}

			logs := s.logs.String()
			audit := regexp.MustCompile(`(?m)^.*"?msg"?[=:]"lofty write".*$`).FindAllString(logs, -1)
			if len(audit) != len(writeTools)+2 {
				t.Errorf("%d audit lines for %d writes and 2 declined:\n%s", len(audit), len(writeTools), logs)
			}
			for _, secret := range []string{note, sms, "NOTE-SECRET", "SMS-SECRET", "divorce", key} {
				if strings.Contains(logs, secret) {
					t.Errorf("the server's log (debug level) holds %q", secret)
				}
			}
			for _, n := range []int{utf8.RuneCountInString(note), utf8.RuneCountInString(sms)} {
				if !regexp.MustCompile(`text_length"?[=:]` + fmt.Sprint(n) + `\b`).MatchString(logs) {
					t.Errorf("no audit line gives the text length %d", n)
				}
			}
			mustHave(t, logs, "tools that change data in Lofty are served", "confirm_writes")
		})
	}
}

func mustHave(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%q lacks %q", s, sub)
		}
	}
}

// TestActionsE2ESafety: the default toolsets and --read-only (flag or
// LOFTY_READ_ONLY) list no write tool and say so at start; --confirm-writes
// always refuses a write from a client that cannot elicit (stdio and
// Streamable HTTP without the capability, legacy SSE even with it), with
// nothing sent.
func TestActionsE2ESafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	stdioBin(t)
	fake := faults.New(nil)
	base := fake.Start(t)
	noWrites := func(t *testing.T, listed []string) {
		t.Helper()
		for _, w := range writeTools {
			if slices.Contains(listed, w) {
				t.Errorf("%s is listed", w)
			}
		}
		if !slices.Contains(listed, "get_sales_agent_settings") {
			t.Errorf("get_sales_agent_settings is not listed: %v", listed)
		}
	}
	t.Run("default", func(t *testing.T) {
		s := startActions(t, e2eTransports[0], base, "safety-default", nil)
		noWrites(t, s.listed(t))
		if strings.Contains(s.logs.String(), "change data in Lofty") {
			t.Errorf("a start without write tools logs about them:\n%s", s.logs.String())
		}
	})
	t.Run("read-only flag", func(t *testing.T) {
		s := startActions(t, e2eTransports[1], base, "safety-ro", []string{"--toolsets", "all", "--tools", "get_sales_agent_settings,add_lead_note,get_lead", "--read-only"})
		listed := s.listed(t)
		if strings.Join(listed, ",") != "get_lead,get_sales_agent_settings" {
			t.Errorf("listed %v, want get_lead and get_sales_agent_settings", listed)
		}
		mustHave(t, s.logs.String(), `--read-only: tools that change data in Lofty are not served`, "removed=add_lead_note")
	})
	t.Run("LOFTY_READ_ONLY over HTTP", func(t *testing.T) {
		p := startHTTPE2E(t, stdioBin(t), append(e2eEnv(base, "safety-ro-env"), "LOFTY_READ_ONLY=1", "LOFTY_TOOLSETS=all"))
		c := e2eConnect(t, p.base, e2eStreamableDefault, nil)
		list, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tl := range list.Tools {
			names = append(names, tl.Name)
		}
		noWrites(t, names)
		mustHave(t, p.stderr.String(), `--read-only: tools that change data in Lofty are not served`)
	})
	t.Run("read-only with only write toolsets", func(t *testing.T) {
		code, _, stderr := runCLI(t, stdioEnv("LOFTY_API_KEY=k"), "--toolsets", "lead_actions", "--read-only", "tools")
		if code != exitUsage || !strings.Contains(stderr, "--read-only leaves no tool to serve") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	args := []string{"--toolsets", "leads,lead_actions", "--confirm-writes", "always"}
	note := `{"leadId": 563172647619608, "content": "x"}`
	for i, tr := range e2eTransports {
		t.Run("always, no elicitation, "+tr.name, func(t *testing.T) {
			key := fmt.Sprintf("safety-always-%d", i)
			s := startActions(t, tr, base, key, args)
			txt, isErr := s.call(t, "add_lead_note", note)
			if !isErr || !strings.Contains(txt, "--confirm-writes always") || !strings.Contains(txt, "Nothing was sent to Lofty.") {
				t.Errorf("result %v %s", isErr, txt)
			}
			if n := len(requestsBy(fake.Fake, key)); n != 0 {
				t.Errorf("%d requests reached Lofty", n)
			}
		})
	}
	t.Run("always, legacy SSE with an elicitation handler", func(t *testing.T) {
		p := startHTTPE2E(t, stdioBin(t), e2eEnv(base, "safety-sse"), args...)
		tr, err := mcptransport.NewSSE(p.base + "/sse")
		if err != nil {
			t.Fatal(err)
		}
		person := &e2ePerson{action: mcp.ElicitationResponseActionAccept}
		// 2025-11-25: over legacy SSE, a 2026-07-28 client would be asked
		// through input_required, which SSE carries like any result.
		c := client.NewClient(tr, client.WithElicitationHandler(person), client.WithProtocolVersion(mcp.ProtocolVersion20251125))
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Initialize(ctx, mcp.InitializeRequest{}); err != nil {
			t.Fatal(err)
		}
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = "add_lead_note", json.RawMessage(note)
		res, err := c.CallTool(ctx, req)
		if err != nil || !res.IsError || !strings.Contains(resultText(res), "legacy HTTP+SSE") {
			t.Errorf("result %+v, %v", res, err)
		}
		if n := len(requestsBy(fake.Fake, "safety-sse")); n != 0 || len(person.asked()) != 0 {
			t.Errorf("%d requests, %d questions", n, len(person.asked()))
		}

		// A 2026-07-28 client over the same SSE endpoint is asked through
		// input_required, and its confirmed write goes once.
		modern := client.NewClient(mustSSE(t, p.base), client.WithElicitationHandler(person))
		if err := modern.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer modern.Close()
		if _, err := modern.Initialize(ctx, mcp.InitializeRequest{}); err != nil {
			t.Fatal(err)
		}
		res, err = modern.CallTool(ctx, req)
		if err != nil || res.IsError || !strings.Contains(resultText(res), `"status":"done"`) {
			t.Errorf("2026-07-28 over SSE: %+v, %v", res, err)
		}
		if n := len(requestsBy(fake.Fake, "safety-sse")); n != 1 || len(person.asked()) != 1 {
			t.Errorf("2026-07-28 over SSE: %d requests, %d questions; want 1 and 1", n, len(person.asked()))
		}
	})
}

func mustSSE(t *testing.T, base string) *mcptransport.SSE {
	t.Helper()
	tr, err := mcptransport.NewSSE(base + "/sse")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestActionsE2EPerCredential: over one Streamable HTTP server, a write by
// one request credential (X-Lofty-Api-Key) is read back by it at once and
// by no other credential: Lofty's answers and lofty-mcp's cache are both per
// credential.
func TestActionsE2EPerCredential(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	fake := faults.New(nil)
	p := startHTTPE2E(t, stdioBin(t), e2eEnv(fake.Start(t), "server-key"), "--toolsets", "all", "--confirm-writes", "never")
	a := e2eConnect(t, p.base, e2eStreamable2025, map[string]string{"X-Lofty-Api-Key": "cred-a"})
	b := e2eConnect(t, p.base, e2eStreamableDefault, map[string]string{"X-Lofty-Api-Key": "cred-b"})
	sa, sb := &actionsConn{client: a, logs: p.stderr}, &actionsConn{client: b, logs: p.stderr}
	status := `{"leadId": 563172647619608}`
	mustHave(t, sa.ok(t, "get_lead_mute_status", status), `"mute":false`)
	mustHave(t, sb.ok(t, "get_lead_mute_status", status), `"mute":false`) // cached for b now
	mustHave(t, sa.ok(t, "mute_sales_agent_for_lead", status), `"status":"done"`)
	mustHave(t, sa.ok(t, "get_lead_mute_status", status), `"mute":true`)
	mustHave(t, sb.ok(t, "get_lead_mute_status", status), `"mute":false`)
	mustHave(t, sb.ok(t, "add_lead_note", `{"leadId": 563172647619608, "content": "b's note"}`), `"status":"done"`)
	if n := len(fake.Notes("token cred-b", fakelofty.DemoLeadWithAgent)); n != 1 || len(fake.Notes("token cred-a", fakelofty.DemoLeadWithAgent)) != 0 {
		t.Errorf("notes: b %d, a %d; want 1 and 0", n, len(fake.Notes("token cred-a", fakelofty.DemoLeadWithAgent)))
	}
	if len(requestsBy(fake.Fake, "server-key")) != 0 {
		t.Error("the server's own credential was used")
	}
}

// TestActionsDemo: --demo shows what a write does: mute then mute status,
// add then working lead, note then its note ID.
func TestActionsDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	stdioBin(t)
	s := startActions(t, e2eTransports[1], "", "", []string{"--demo", "--toolsets", "all"},
		client.WithElicitationHandler(&e2ePerson{action: mcp.ElicitationResponseActionAccept}))
	mustHave(t, s.ok(t, "mute_sales_agent_for_lead", `{"leadId": 563172647619608}`), "Muted the AI sales agent for")
	mustHave(t, s.ok(t, "get_lead_mute_status", `{"leadId": 563172647619608}`), `"mute":true`)
	mustHave(t, s.ok(t, "add_leads_to_sales_agent", `{"leadIds": [563172647619613]}`), `"status":"done"`)
	mustHave(t, s.ok(t, "check_working_lead", `{"leadId": 563172647619613}`), `"working":true`)
	mustHave(t, s.ok(t, "add_lead_note", `{"leadId": 563172647619608, "content": "Called Jane"}`), `"noteId":900719925474`)
}

// TestActionsE2ENoDoubleWrite: with the binary's default retries (3), a 503
// and a connection reset on add_lead_note each give exactly one request to
// Lofty and an error saying the note may have been added; a 429 (Lofty did
// not act) is sent again.
func TestActionsE2ENoDoubleWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	stdioBin(t)
	fake := faults.New(nil)
	s := startActions(t, e2eTransports[0], fake.Start(t), "no-double", []string{"--toolsets", "lead_actions", "--confirm-writes", "never"})
	note := `{"leadId": 563172647619608, "content": "Called Jane"}`
	for _, tc := range []struct {
		name   string
		answer []faults.Answer
		reqs   int
		want   string
	}{
		{"503", []faults.Answer{faults.ServerError(503)}, 1, "The change may or may not have been made. Do not simply repeat it"},
		{"connection reset", []faults.Answer{faults.ResetMidBody()}, 1, "The change may or may not have been made. Do not simply repeat it"},
		{"429 then 200", []faults.Answer{faults.RetryAfter(0)}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := fake.RequestCount()
			fake.Script(tc.answer...)
			txt, isErr := s.call(t, "add_lead_note", note)
			if n := fake.RequestCount() - before; n != tc.reqs {
				t.Errorf("%d requests to Lofty, want %d", n, tc.reqs)
			}
			if tc.want == "" {
				if isErr {
					t.Errorf("isError: %s", txt)
				}
				return
			}
			if !isErr || !strings.Contains(txt, tc.want) {
				t.Errorf("result %v %q, want an error containing %q", isErr, txt, tc.want)
			}
		})
	}
}
