package e2e

// End-to-end tests of what the assistant and the person see while lofty-mcp
// works, through the real binary and real MCP clients: honest
// waits (LOFTY_MAX_WAIT), progress notifications on every transport,
// completion and prompts.
//
//	go test -race -run 'TestMaxWait|TestProgress|TestCompletionAndPrompts' .

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	mcptransport "github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
)

// agentCall is a tools/call of get_sales_agent_by_lead for Jane, with meta.
func agentCall(meta *mcp.Meta) mcp.CallToolRequest {
	req := mcp.CallToolRequest{}
	req.Params.Name = "get_sales_agent_by_lead"
	req.Params.Arguments = json.RawMessage(`{"leadId": ` + strconv.FormatInt(fakelofty.DemoLeadWithAgent, 10) + `}`)
	req.Params.Meta = meta
	return req
}

// TestMaxWaitRetryAfterAnswersAtOnce: with the default LOFTY_MAX_WAIT (10s),
// a Lofty that answers 429 with Retry-After: 30 gets a call answered within
// 2 seconds (a bound on correctness: the call must not wait the 30 s), with
// the isError sentence that says when to retry, and no second request; so
// does a call that would have to wait out X-RateLimit-Remaining: 0 for 30 s,
// without sending anything. Through mcp-go's client over stdio.
func TestMaxWaitRetryAfterAnswersAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	fake := faults.New(nil)
	base := fake.Start(t)
	s := startActions(t, e2eTransports[1], base, "max-wait-key", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	fake.Script(faults.RetryAfter(30))
	n := fake.RequestCount()
	start := time.Now()
	res, err := s.client.CallTool(ctx, agentCall(nil))
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if text := resultText(res); !res.IsError || !strings.Contains(text, "Retry after 30 seconds") {
		t.Errorf("Retry-After: 30 answered %q (isError %v), want the sentence saying to retry after 30 seconds", text, res.IsError)
	}
	if took >= 2*time.Second {
		t.Errorf("Retry-After: 30 with the default max wait took %s, want under 2 s", took)
	}
	if got := fake.RequestCount() - n; got != 1 {
		t.Errorf("%d requests reached Lofty, want 1 (no retry after a wait that is too long)", got)
	}

	// Lofty says no requests are left until its window resets in 30 s.
	fake.Script(faults.Pass(faults.RateLimitHeaders(100, 0, time.Now().Add(30*time.Second))...))
	req := agentCall(nil)
	req.Params.Arguments = json.RawMessage(`{"leadId": ` + strconv.FormatInt(fakelofty.DemoLeadWithoutAgent, 10) + `}`)
	if _, err := s.client.CallTool(ctx, req); err != nil {
		t.Fatal(err)
	}
	n = fake.RequestCount()
	req.Params.Arguments = json.RawMessage(`{"leadId": ` + strconv.FormatInt(fakelofty.DemoLeadForbidden, 10) + `}`)
	start = time.Now()
	res, err = s.client.CallTool(ctx, req)
	took = time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if text := resultText(res); !res.IsError || !strings.Contains(text, "Retry after") || took >= 2*time.Second || fake.RequestCount() != n {
		t.Errorf("with no requests left for 30 s: %q (isError %v) after %s, %d requests; want the retry sentence at once, none sent",
			text, res.IsError, took, fake.RequestCount()-n)
	}
}

// progressClient is a client of one transport, recording notifications
// and results in the order it receives them.
type progressClient struct {
	client *client.Client
	mu     sync.Mutex
	events []string // "progress <token> <n> <message>" or "result"
}

func (p *progressClient) record(n mcp.JSONRPCNotification) {
	if n.Method != "notifications/progress" {
		return
	}
	f := n.Params.AdditionalFields
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events = append(p.events, fmt.Sprintf("progress %v %v %v", f["progressToken"], f["progress"], f["message"]))
}

func (p *progressClient) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.events
	p.events = nil
	return out
}

// TestProgressReachesEveryTransport: a call with a progressToken that waits
// for Lofty (429, Retry-After: 1) gets notifications/progress with its
// token, progress 1, 2, ... and a sentence, all before its result; so does
// a find_leads that looks through several pages (a Lofty that ignores its
// filters), whose last page notification comes just before the result; a
// call without a token that retries gets none. Over stdio (2025-11-25 and
// 2026-07-28), Streamable HTTP (both) and legacy SSE, with mcp-go's client.
func TestProgressReachesEveryTransport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	stdioBin(t)
	type tr struct {
		name string
		dial func(t *testing.T, base string) *client.Client
	}
	stdio := func(pinned bool) func(t *testing.T, base string) *client.Client {
		return func(t *testing.T, base string) *client.Client {
			proc := startStdio(t, stdioEnv("LOFTY_BASE_URL="+base, "LOFTY_API_KEY=progress-key"))
			var opts []client.ClientOption
			if pinned {
				opts = append(opts, client.WithProtocolVersion(mcp.ProtocolVersion20251125))
			}
			return client.NewClient(mcptransport.NewIO(proc.stdout, proc.stdin, nil), opts...)
		}
	}
	httpKind := func(k e2eClientKind) func(t *testing.T, base string) *client.Client {
		return func(t *testing.T, base string) *client.Client {
			p := startHTTPE2E(t, stdioBin(t), e2eEnv(base, "progress-key"))
			c, err := e2eDial(p.base, k, nil)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
	}
	for _, tc := range []tr{
		{"stdio-2025-11-25", stdio(true)},
		{"stdio-2026-07-28", stdio(false)},
		{"streamable-2025-11-25", httpKind(e2eStreamable2025)},
		{"streamable-2026-07-28", httpKind(e2eStreamableDefault)},
		{"sse", httpKind(e2eSSE)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			live := fakelofty.Recorded()
			live.RateLimit = 0
			fake := faults.Wrap(fakelofty.NewLive(live))
			base := fake.Start(t)
			c := tc.dial(t, base)
			p := &progressClient{client: c}
			c.OnNotification(p.record)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if !strings.HasPrefix(tc.name, "streamable") && !strings.HasPrefix(tc.name, "sse") {
				if err := c.Start(ctx); err != nil {
					t.Fatal(err)
				}
				init := mcp.InitializeRequest{}
				init.Params.ClientInfo = mcp.Implementation{Name: "progress-e2e", Version: "1"}
				if _, err := c.Initialize(ctx, init); err != nil {
					t.Fatal(err)
				}
			}
			t.Cleanup(func() { _ = c.Close() })

			token := "progress-" + tc.name
			fake.Script(faults.RetryAfter(1))
			res, err := c.CallTool(ctx, agentCall(&mcp.Meta{ProgressToken: token}))
			if err != nil || res.IsError {
				t.Fatalf("call: %v %v", err, res)
			}
			got := append(p.take(), "result")
			want := "progress " + token + " 1 Lofty's rate limit was reached (429); retrying in 1 s (1 of 3)"
			if len(got) < 2 || got[0] != want || got[len(got)-1] != "result" {
				t.Errorf("events %q; want %q first, then the result", got, want)
			}
			for i, e := range got[:len(got)-1] {
				if !strings.HasPrefix(e, fmt.Sprintf("progress %s %d ", token, i+1)) {
					t.Errorf("event %d is %q: want progress %d with the call's token", i+1, e, i+1)
				}
			}

			find := mcp.CallToolRequest{}
			find.Params.Name = "find_leads"
			find.Params.Arguments = json.RawMessage(`{"key":"zzz-nobody"}`)
			find.Params.Meta = &mcp.Meta{ProgressToken: token + "-pages"}
			res, err = c.CallTool(ctx, find)
			if err != nil || res.IsError {
				t.Fatalf("find_leads: %v %v", err, res)
			}
			pages := regexp.MustCompile(`\((\d+) pages\)`).FindStringSubmatch(resultText(res))
			if pages == nil {
				t.Fatalf("find_leads looked through one page only: %s", resultText(res))
			}
			n, _ := strconv.Atoi(pages[1])
			got = append(p.take(), "result")
			var wantPages []string
			for i := 2; i <= n; i++ {
				wantPages = append(wantPages, fmt.Sprintf("progress %s-pages %d Lofty did not apply the search filters: checking page %d of at most 4", token, i-1, i))
			}
			if wantPages = append(wantPages, "result"); !slices.Equal(got, wantPages) {
				t.Errorf("find_leads events %q\nwant %q", got, wantPages)
			}

			fake.Script(faults.ServerError(503))
			if res, err := c.CallTool(ctx, agentCall(nil)); err != nil || res.IsError {
				t.Fatalf("call without a token: %v %v", err, res)
			}
			time.Sleep(100 * time.Millisecond) // anything sent late would have arrived
			if got := p.take(); len(got) != 0 {
				t.Errorf("a call without a progressToken got %q", got)
			}
		})
	}
}

// TestProgressTokenExact: the token comes back byte for byte (a number
// beyond 2^53 that mcp-go alone would round), and the notifications precede
// the answer on the wire: raw stdio lines, and the event stream of a
// stateless (2026-07-28) Streamable HTTP request.
func TestProgressTokenExact(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	stdioBin(t)
	const token = "9007199254740993"
	lead := strconv.FormatInt(fakelofty.DemoLeadWithAgent, 10)
	// wire checks the messages of one call in the order they came: progress
	// notifications with the exact token, then the answer to id.
	wire := func(t *testing.T, lines []string, id string) {
		t.Helper()
		var progress int
		for i, l := range lines {
			var m struct {
				ID     json.RawMessage `json:"id"`
				Method string          `json:"method"`
				Params struct {
					Token json.RawMessage `json:"progressToken"`
				} `json:"params"`
			}
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("not JSON: %q", l)
			}
			switch {
			case m.Method == "notifications/progress":
				progress++
				if string(m.Params.Token) != token {
					t.Errorf("progress token %s, want %s exactly: %s", m.Params.Token, token, l)
				}
			case string(m.ID) == id:
				if progress == 0 || i != len(lines)-1 {
					t.Errorf("the answer came after %d progress notifications, as message %d of %d: %q", progress, i+1, len(lines), lines)
				}
				return
			}
		}
		t.Errorf("no answer to %s in %q", id, lines)
	}

	t.Run("stdio", func(t *testing.T) {
		t.Parallel()
		fake := faults.New(nil)
		proc := startStdio(t, stdioEnv("LOFTY_BASE_URL="+fake.Start(t), "LOFTY_API_KEY=exact-key"))
		fake.Script(faults.RetryAfter(1))
		proc.send(t, initializeLine, initializedLine,
			`{"jsonrpc":"2.0","id":"call-1","method":"tools/call","params":{"name":"get_sales_agent_by_lead","arguments":{"leadId":`+lead+`},"_meta":{"progressToken":`+token+`}}}`)
		_ = proc.stdin.Close()
		lines := proc.readAll(t)
		if len(lines) < 2 {
			t.Fatalf("stdout: %q", lines)
		}
		wire(t, lines[1:], `"call-1"`)
	})
	t.Run("streamable-2026-07-28", func(t *testing.T) {
		t.Parallel()
		fake := faults.New(nil)
		p := startHTTPE2E(t, stdioBin(t), e2eEnv(fake.Start(t), "exact-key"))
		fake.Script(faults.RetryAfter(1))
		body := `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_sales_agent_by_lead","arguments":{"leadId":` + lead + `},` +
			`"_meta":{"progressToken":` + token + `,"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}`
		req, err := http.NewRequest("POST", p.base+"/mcp", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("MCP-Protocol-Version", "2026-07-28")
		req.Header.Set("Mcp-Method", "tools/call")
		req.Header.Set("Mcp-Name", "get_sales_agent_by_lead")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.HasPrefix(ct, "text/event-stream") {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("HTTP %d %s: %s", resp.StatusCode, ct, b)
		}
		var lines []string
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data:"); ok {
				lines = append(lines, strings.TrimSpace(data))
			}
		}
		wire(t, lines, "7")
	})
}

// TestCompletionAndPrompts: over stdio (--demo, the client's default
// protocol) and Streamable HTTP (2025-11-25), "Jan" completes the resource
// template's leadId to Jane's ID; after a find_leads that returned her,
// "5631" completes to IDs that start so; prompts are listed with their
// arguments, and lead_briefing's text names the demo server's tools.
func TestCompletionAndPrompts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	stdioBin(t)
	jane := strconv.FormatInt(fakelofty.DemoLeadWithAgent, 10)
	check := func(t *testing.T, c *client.Client) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		complete := func(value string) []string {
			req := mcp.CompleteRequest{}
			req.Params.Ref = mcp.ResourceReference{Type: "ref/resource", URI: "lofty://leads/{leadId}/sales-agent"}
			req.Params.Argument = mcp.CompleteArgument{Name: "leadId", Value: value}
			res, err := c.Complete(ctx, req)
			if err != nil {
				t.Fatalf("complete %q: %v", value, err)
			}
			return res.Completion.Values
		}
		if got := complete("Jan"); !slices.Equal(got, []string{jane}) {
			t.Errorf(`"Jan" completes to %v, want [%s]`, got, jane)
		}
		if got := complete("5631"); len(got) != 0 {
			t.Errorf(`"5631" before any result: %v`, got)
		}
		req := mcp.CallToolRequest{}
		req.Params.Name = "find_leads"
		req.Params.Arguments = json.RawMessage(`{"key":"Jane"}`)
		if res, err := c.CallTool(ctx, req); err != nil || res.IsError || !strings.Contains(resultText(res), jane) {
			t.Fatalf("find_leads: %v %v", err, res)
		}
		got := complete("5631")
		if !slices.Contains(got, jane) {
			t.Errorf(`"5631" after find_leads returned Jane: %v`, got)
		}
		for _, v := range got {
			if !strings.HasPrefix(v, "5631") {
				t.Errorf(`"5631" completes to %s`, v)
			}
		}
		list, err := c.ListPrompts(ctx, mcp.ListPromptsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range list.Prompts {
			names = append(names, p.Name)
		}
		if !slices.Equal(names, []string{"hand_off_lead", "lead_briefing", "pipeline_review", "plan_my_day", "sales_agent_review", "take_over_lead"}) {
			t.Errorf("prompts %v", names)
		}
		get := mcp.GetPromptRequest{}
		get.Params.Name = "lead_briefing"
		get.Params.Arguments = map[string]string{"lead": "Jane Smith"}
		p, err := c.GetPrompt(ctx, get)
		if err != nil {
			t.Fatal(err)
		}
		text := ""
		for _, m := range p.Messages {
			if tc, ok := m.Content.(mcp.TextContent); ok {
				text += tc.Text
			}
		}
		for _, want := range []string{`"Jane Smith"`, "find_leads", "get_lead", "get_sales_agent_by_lead", "list_plan_tasks_for_lead"} {
			if !strings.Contains(text, want) {
				t.Errorf("lead_briefing's text lacks %s:\n%s", want, text)
			}
		}
		if bytes.Contains([]byte(text), []byte("mute_sales_agent_for_lead")) {
			t.Errorf("lead_briefing names a tool the default toolsets do not serve:\n%s", text)
		}
	}
	t.Run("stdio", func(t *testing.T) {
		t.Parallel()
		proc := startStdio(t, stdioEnv(), "--demo")
		c := client.NewClient(mcptransport.NewIO(proc.stdout, proc.stdin, nil))
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		if _, err := c.Initialize(ctx, mcp.InitializeRequest{}); err != nil {
			t.Fatal(err)
		}
		check(t, c)
	})
	t.Run("streamable-2025-11-25", func(t *testing.T) {
		t.Parallel()
		p := startHTTPE2E(t, stdioBin(t), e2eEnv("", ""), "--demo")
		check(t, e2eConnect(t, p.base, e2eStreamable2025, nil))
	})
}

// TestListenAcknowledgedFirst: a 2026-07-28 subscriptions/listen (which
// establishes nothing here: lofty-mcp announces no list changes) gets, every
// time, notifications/subscriptions/acknowledged first and then its result,
// tagged with the request's id. mcp-go alone sometimes drops the
// acknowledgement over Streamable HTTP (see tools.awaitListenAck).
func TestListenAcknowledgedFirst(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	p := startHTTPE2E(t, stdioBin(t), e2eEnv("", ""), "--demo")
	for i := range 40 {
		id := strconv.Itoa(1000 + i)
		body := `{"jsonrpc":"2.0","id":` + id + `,"method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true},` +
			`"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}`
		req, err := http.NewRequest("POST", p.base+"/mcp", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("MCP-Protocol-Version", "2026-07-28")
		req.Header.Set("Mcp-Method", "subscriptions/listen")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var frames []string
		for _, l := range strings.Split(string(b), "\n") {
			if data, ok := strings.CutPrefix(l, "data:"); ok {
				frames = append(frames, strings.TrimSpace(data))
			}
		}
		if len(frames) != 2 || !strings.Contains(frames[0], `"method":"notifications/subscriptions/acknowledged"`) ||
			!strings.Contains(frames[0], `"io.modelcontextprotocol/subscriptionId":`+id) || !strings.Contains(frames[1], `"id":`+id+`,"result"`) {
			t.Fatalf("listen %d: HTTP %d, frames %q; want the acknowledgement, then the result", i, resp.StatusCode, frames)
		}
	}
}
