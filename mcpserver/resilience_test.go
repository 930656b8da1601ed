package mcpserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// The resilience tests drive the real tool call path in process: an MCP client
// (mcp-go's in-process or Streamable HTTP client) -> mcp-go server ->
// tools adapter -> lofty client -> the fake Lofty on loopback, scripted to
// misbehave.

const (
	resSecret      = "lk_e2e_resilience_7c1d9a3b5e"
	resOtherSecret = "at_e2e_resilience_2f4e6a8c0b"
)

var (
	resCred  = lofty.Credential{Kind: lofty.APIKey, Secret: resSecret, Source: "LOFTY_API_KEY"}
	resOther = lofty.Credential{Kind: lofty.AccessToken, Secret: resOtherSecret, Source: "X-Lofty-Access-Token header"}
)

// resilienceServer is an MCP server over a lofty client, and an in-process MCP client.
type resilienceServer struct {
	lofty *lofty.Client
	mcp   *server.MCPServer
	cl    *client.Client
	logs  *testutil.SyncBuffer
}

// newResilienceServer serves get_sales_agent_by_lead against base with lofty-mcp's
// default resilience (fast backoff), adjusted by edit; every log line, at
// debug, goes to logs.
func newResilienceServer(t *testing.T, base string, edit func(*lofty.Config)) *resilienceServer {
	t.Helper()
	logs := &testutil.SyncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	res := lofty.DefaultResilience()
	res.RetryBaseDelay, res.RetryMaxDelay = 20*time.Millisecond, 100*time.Millisecond
	cfg := lofty.Config{BaseURL: base, Credential: resCred, Timeout: 30 * time.Second, Logger: logger, Resilience: res}
	if edit != nil {
		edit(&cfg)
	}
	lc, err := lofty.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(lc.Close)
	srv, err := mcpserver.NewServer(lc, mcpserver.Options{Tools: []tools.Tool{tools.GetSalesAgentByLead}, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := client.NewInProcessClient(srv)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := cl.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "resilience-e2e", Version: "1"}
	if _, err := cl.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return &resilienceServer{lofty: lc, mcp: srv, cl: cl, logs: logs}
}

// callAgent calls get_sales_agent_by_lead for lead on cl.
func callAgent(ctx context.Context, cl *client.Client, lead int64) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = "get_sales_agent_by_lead"
	req.Params.Arguments = json.RawMessage(fmt.Sprintf(`{"leadId": %d}`, lead))
	return cl.CallTool(ctx, req)
}

// checkNoSecret fails if a secret appears in any of texts.
func checkNoSecret(t *testing.T, texts map[string]string) {
	t.Helper()
	for what, s := range texts {
		for _, secret := range []string{resSecret, resOtherSecret} {
			if strings.Contains(s, secret) {
				t.Errorf("the credential appears in %s", what)
			}
		}
	}
}

// TestFaultMatrix: every fault ends within the call's deadline, in success
// after retries where the fault is retriable, else in an isError result with
// the right sentence; the server answers a normal call afterwards; no
// goroutine outlives the test; no credential in logs, errors or results.
func TestFaultMatrix(t *testing.T) {
	testutil.NoLeaks(t)
	refused, err := faults.RefusedURL()
	if err != nil {
		t.Fatal(err)
	}
	const lead = fakelofty.DemoLeadWithAgent
	cases := []struct {
		name     string
		script   []faults.Answer
		base     string        // default: the fake
		timeout  time.Duration // LOFTY_TIMEOUT per attempt; default 2s
		deadline time.Duration // the call's; default 10s
		ok       bool          // success (after retries) expected
		want     []string      // in the isError text
		notWant  []string
		requests int           // the fake sees exactly this many; 0: don't check
		minTime  time.Duration // the call takes at least this long
		maxTime  time.Duration // ...and at most this long; default: the deadline
		healthBy lofty.Credential
	}{
		{name: "429, 429 (Retry-After: 1), then 200", script: []faults.Answer{faults.RetryAfter(1), faults.RetryAfter(1)},
			ok: true, requests: 3, minTime: 2 * time.Second},
		{name: "429 Retry-After: 30 with a 2s deadline", script: []faults.Answer{faults.RetryAfter(30)}, deadline: 2 * time.Second,
			want:     []string{"Lofty's rate limit was reached.", "Retry after 30 seconds.", "HTTP 429", "Too Many Requests"},
			requests: 1, maxTime: time.Second, healthBy: resOther},
		{name: "429 with X-RateLimit-Reset, then 200",
			script: []faults.Answer{faults.TooManyRequests(faults.RateLimitHeaders(10, 0, time.Now().Add(time.Second))...)},
			ok:     true, requests: 2},
		{name: "429 four times", script: faults.Repeat(4, faults.TooManyRequests()),
			want: []string{"Lofty's rate limit was reached.", "HTTP 429"}, requests: 4},
		{name: "500", script: []faults.Answer{faults.ServerError(500)},
			want: []string{"Lofty is unavailable right now. Try again in a minute.", "HTTP 500"}, requests: 1},
		{name: "502 then 200", script: []faults.Answer{faults.ServerError(502)}, ok: true, requests: 2},
		{name: "503 then 200", script: []faults.Answer{faults.ServerError(503)}, ok: true, requests: 2},
		{name: "504 then 200", script: []faults.Answer{faults.ServerError(504)}, ok: true, requests: 2},
		{name: "503 four times", script: faults.Repeat(4, faults.ServerError(503)),
			want: []string{"Lofty is unavailable right now.", "HTTP 503"}, requests: 4},
		{name: "503 Retry-After: 120 with a 2s deadline", script: []faults.Answer{faults.ServerError(503, "Retry-After", "120")},
			deadline: 2 * time.Second, want: []string{"Lofty is unavailable right now. Retry after 120 seconds.", "HTTP 503"},
			requests: 1, maxTime: time.Second},
		{name: "slower than the timeout", script: []faults.Answer{faults.Slow(time.Hour, faults.Pass())}, timeout: 300 * time.Millisecond,
			want: []string{"Lofty is unavailable right now.", "no answer within 300ms"}, requests: 1, maxTime: 2 * time.Second},
		{name: "slower than the call's deadline", script: []faults.Answer{faults.Slow(time.Hour, faults.Pass())}, deadline: 500 * time.Millisecond,
			want: []string{"Lofty is unavailable right now.", "no answer within"}, requests: 1},
		{name: "connection reset mid-body, then 200", script: []faults.Answer{faults.ResetMidBody()}, ok: true, requests: 2},
		{name: "connection reset mid-body four times", script: faults.Repeat(4, faults.ResetMidBody()),
			want: []string{"Lofty is unavailable right now."}, requests: 4},
		{name: "malformed JSON", script: []faults.Answer{faults.MalformedJSON()},
			want: []string{"Lofty sent a response lofty-mcp could not read.", "not the JSON"}, requests: 1},
		{name: "HTML error page (502) four times", script: faults.Repeat(4, faults.HTMLErrorPage(502)),
			want: []string{"Lofty is unavailable right now.", "HTTP 502", "(an HTML error page)"}, notWant: []string{"<html", "nginx"}, requests: 4},
		{name: "HTML page with 200", script: []faults.Answer{faults.Status(200, "<html><body>maintenance</body></html>")},
			want: []string{"could not read"}, notWant: []string{"<html"}, requests: 1},
		{name: "empty body", script: []faults.Answer{faults.EmptyBody()},
			want: []string{"could not read", "empty response body"}, requests: 1},
		{name: "oversized body", script: []faults.Answer{faults.Oversized(8 << 20)},
			want: []string{"could not read", fmt.Sprintf("larger than %d bytes", lofty.DefaultMaxBodyBytes)}, requests: 1},
		{name: "body trickling slower than the timeout", script: []faults.Answer{faults.Trickle(16, 100*time.Millisecond)},
			timeout: 500 * time.Millisecond, want: []string{"Lofty is unavailable right now.", "no answer within 500ms"}, requests: 1, maxTime: 2 * time.Second},
		{name: "body trickling within the timeout", script: []faults.Answer{faults.Trickle(128, 5*time.Millisecond)}, ok: true, requests: 1},
		// A base URL other than Lofty's own is named, not blamed on an outage.
		{name: "connection refused", base: refused, want: []string{"could not connect to LOFTY_BASE_URL (" + refused + ")", "refused", "Check LOFTY_BASE_URL"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := faults.New(nil)
			base := fake.Start(t)
			if tc.base != "" {
				base = tc.base
			}
			fake.Script(tc.script...)
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 2 * time.Second
			}
			s := newResilienceServer(t, base, func(c *lofty.Config) { c.Timeout = timeout })
			deadline := tc.deadline
			if deadline == 0 {
				deadline = 10 * time.Second
			}
			maxTime := tc.maxTime
			if maxTime == 0 {
				maxTime = deadline
			}

			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			start := time.Now()
			res, err := callAgent(ctx, s.cl, lead)
			elapsed := time.Since(start)
			if err != nil {
				t.Fatalf("tools/call failed at the protocol level: %v", err)
			}
			text := text(t, res)
			switch {
			case tc.ok && res.IsError:
				t.Errorf("isError result %q, want success after retries", text)
			case tc.ok && !strings.Contains(text, `"agentName":"John Doe"`):
				t.Errorf("result %s, want the sales agent", text)
			case !tc.ok && !res.IsError:
				t.Errorf("success %s, want an isError result", text)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("result %q, want it to contain %q", text, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(text, w) {
					t.Errorf("result %q contains %q", text, w)
				}
			}
			// Not a speed target: what must not happen is waiting for what
			// the case says not to wait for (an answer an hour away, a
			// Retry-After of 120 s); the slack absorbs a loaded machine.
			if elapsed > maxTime+3*time.Second {
				t.Errorf("took %v, want well under what it must not wait for (at most %v)", elapsed, maxTime)
			}
			if elapsed < tc.minTime {
				t.Errorf("took %v, want at least %v", elapsed, tc.minTime)
			}
			if tc.requests > 0 {
				if n := fake.RequestCount(); n != tc.requests {
					t.Errorf("the fake saw %d requests, want %d", n, tc.requests)
				}
			}

			// Still healthy: tools/list, and a normal call.
			if _, err := s.cl.ListTools(context.Background(), mcp.ListToolsRequest{}); err != nil {
				t.Errorf("tools/list after the fault: %v", err)
			}
			if tc.base == "" {
				hctx := context.Background()
				if !tc.healthBy.IsZero() {
					// Lofty asked this credential to wait; another is served.
					hctx = lofty.WithCredential(hctx, tc.healthBy)
				}
				hctx, hcancel := context.WithTimeout(hctx, 5*time.Second)
				defer hcancel()
				res, err := callAgent(hctx, s.cl, fakelofty.DemoLeadBeyond53Bits)
				if err != nil || res.IsError {
					t.Errorf("a normal call after the fault: %v %v", err, res)
				}
			}
			checkNoSecret(t, map[string]string{"the logs": s.logs.String(), "the result": text})
			if !strings.Contains(s.logs.String(), "lofty request") {
				t.Error("no debug log of the Lofty requests was captured")
			}
		})
	}
}

// 50 concurrent calls for one lead make one upstream request (coalesced
// while in flight, cached after); a second credential's call makes its own.
func TestConcurrentCallsOneUpstreamRequest(t *testing.T) {
	testutil.NoLeaks(t)
	fake := faults.New(nil)
	s := newResilienceServer(t, fake.Start(t), nil)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			res, err := callAgent(context.Background(), s.cl, fakelofty.DemoLeadWithAgent)
			if err == nil && res.IsError {
				err = fmt.Errorf("isError result: %+v", res.Content)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := fake.RequestCount(); n != 1 {
		t.Errorf("the fake saw %d requests for 50 identical calls, want 1", n)
	}
	st := s.lofty.Stats()
	if st.Calls != 50 || st.CacheHits+st.Coalesced != 49 {
		t.Errorf("stats %+v: want 50 calls, 49 served by the cache or coalescing", st)
	}

	res, err := callAgent(lofty.WithCredential(context.Background(), resOther), s.cl, fakelofty.DemoLeadWithAgent)
	if err != nil || res.IsError {
		t.Fatalf("second credential: %v %v", err, res)
	}
	reqs := fake.Requests()
	if len(reqs) != 2 {
		t.Fatalf("the fake saw %d requests, want 2: a second credential never shares an answer", len(reqs))
	}
	if reqs[1].Authorization != "Bearer "+resOtherSecret {
		t.Errorf("second request sent with another credential than the caller's")
	}
	checkNoSecret(t, map[string]string{"the logs": s.logs.String()})
}

func TestCacheThroughTools(t *testing.T) {
	testutil.NoLeaks(t)
	for _, tc := range []struct {
		name     string
		ttl      time.Duration
		requests int
	}{{"within the TTL no upstream request", 30 * time.Second, 1}, {"TTL 0 disables the cache", 0, 3}} {
		t.Run(tc.name, func(t *testing.T) {
			fake := faults.New(nil)
			s := newResilienceServer(t, fake.Start(t), func(c *lofty.Config) { c.Resilience.CacheTTL = tc.ttl })
			for range 3 {
				if res, err := callAgent(context.Background(), s.cl, fakelofty.DemoLeadWithAgent); err != nil || res.IsError {
					t.Fatalf("%v %v", err, res)
				}
			}
			if n := fake.RequestCount(); n != tc.requests {
				t.Errorf("the fake saw %d requests for 3 calls, want %d", n, tc.requests)
			}
		})
	}
}

// A call cancelled by its MCP client aborts the Lofty request, whichever way
// the client reaches the server.
func TestCancellationReachesLofty(t *testing.T) {
	testutil.NoLeaks(t)

	t.Run("in process: the caller's context", func(t *testing.T) {
		fake := faults.New(nil)
		fake.Script(faults.Hang())
		s := newResilienceServer(t, fake.Start(t), nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { _, err := callAgent(ctx, s.cl, fakelofty.DemoLeadWithAgent); done <- err }()
		testutil.WaitFor(t, "the Lofty request", 5*time.Second, func() bool { return fake.RequestCount() == 1 })
		cancel()
		<-done
		testutil.WaitFor(t, "the fake to see its request cancelled", 5*time.Second, func() bool { return fake.Cancelled() == 1 })
	})

	for _, proto := range []string{mcp.LATEST_LEGACY_PROTOCOL_VERSION, ""} {
		name := proto
		if name == "" {
			name = "default protocol"
		}
		t.Run("streamable HTTP, "+name+": the client abandons the request", func(t *testing.T) {
			fake := faults.New(nil)
			fake.Script(faults.Hang())
			s := newResilienceServer(t, fake.Start(t), nil)
			httpSrv := server.NewStreamableHTTPServer(s.mcp)
			ts := httptest.NewServer(httpSrv)
			t.Cleanup(ts.Close)
			t.Cleanup(func() { _ = httpSrv.Shutdown(context.Background()) })
			var opts []transport.StreamableHTTPCOption
			cl, err := client.NewStreamableHttpClient(ts.URL+"/mcp", opts...)
			if err != nil {
				t.Fatal(err)
			}
			if proto != "" {
				cl = client.NewClient(cl.GetTransport(), client.WithProtocolVersion(proto))
			}
			ctx := context.Background()
			if err := cl.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cl.Close() })
			init := mcp.InitializeRequest{}
			init.Params.ProtocolVersion = proto
			init.Params.ClientInfo = mcp.Implementation{Name: "resilience-e2e", Version: "1"}
			if _, err := cl.Initialize(ctx, init); err != nil {
				t.Fatal(err)
			}
			cctx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { _, err := callAgent(cctx, cl, fakelofty.DemoLeadWithAgent); done <- err }()
			testutil.WaitFor(t, "the Lofty request", 5*time.Second, func() bool { return fake.RequestCount() == 1 })
			cancel()
			<-done
			testutil.WaitFor(t, "the fake to see its request cancelled", 5*time.Second, func() bool { return fake.Cancelled() == 1 })
			// The server still answers.
			if res, err := callAgent(ctx, cl, fakelofty.DemoLeadWithAgent); err != nil || res.IsError {
				t.Errorf("after the cancellation: %v %v", err, res)
			}
		})
	}
}
