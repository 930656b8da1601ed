package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
)

// The resilience settings as the command line and environment give them, and
// a cancelled call over stdio reaching Lofty. The fault matrix, coalescing,
// cache and in-process cancellation are tested next to the tools
// (tools/resilience_test.go); through the built binary in e2e/.

// configSecret is the Lofty API key these tests configure; distinctive, so a
// leak into the server's logs is easy to find.
const configSecret = "lk_config_resilience_5b7d9f1a3c"

// callAgent calls get_sales_agent_by_lead for lead on cl.
func callAgent(ctx context.Context, cl *client.Client, lead int64) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = "get_sales_agent_by_lead"
	req.Params.Arguments = json.RawMessage(fmt.Sprintf(`{"leadId": %d}`, lead))
	return cl.CallTool(ctx, req)
}

// A call cancelled by an MCP client over stdio cancels its Lofty request, and
// so does the client going away.
func TestStdioCancellationReachesLofty(t *testing.T) {
	testutil.NoLeaks(t)

	t.Run("stdio: notifications/cancelled", func(t *testing.T) {
		fake := faults.New(nil)
		fake.Script(faults.Hang())
		cl, _ := stdioPipes(t, fake.Start(t))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { _, err := callAgent(ctx, cl, fakelofty.DemoLeadWithAgent); done <- err }()
		testutil.WaitFor(t, "the Lofty request", 5*time.Second, func() bool { return fake.RequestCount() == 1 })
		cancel() // mcp-go's client sends notifications/cancelled
		<-done
		testutil.WaitFor(t, "the fake to see its request cancelled", 5*time.Second, func() bool { return fake.Cancelled() == 1 })
		if res, err := callAgent(context.Background(), cl, fakelofty.DemoLeadWithAgent); err != nil || res.IsError {
			t.Errorf("after the cancellation: %v %v", err, res)
		}
	})

	t.Run("stdio: the client disconnects", func(t *testing.T) {
		if testing.Short() {
			t.Skip("waits out the stdio drain timeout")
		}
		fake := faults.New(nil)
		fake.Script(faults.Hang())
		cl, stdin := stdioPipes(t, fake.Start(t))
		go func() { _, _ = callAgent(context.Background(), cl, fakelofty.DemoLeadWithAgent) }()
		testutil.WaitFor(t, "the Lofty request", 5*time.Second, func() bool { return fake.RequestCount() == 1 })
		_ = stdin.Close() // EOF: lofty-mcp answers what it has read, for up to drainTimeout, then stops
		testutil.WaitFor(t, "the fake to see its request cancelled", drainTimeout+3*time.Second, func() bool { return fake.Cancelled() == 1 })
	})
}

// stdioPipes serves lofty-mcp over stdio (serveStdio, configured through
// parseConfig from the environment as the binary is) on pipes, and returns
// an initialized mcp-go stdio client on them and the server's stdin.
func stdioPipes(t *testing.T, base string) (*client.Client, io.Closer) {
	t.Helper()
	// A per-attempt timeout well past what the tests wait for: the requests
	// they see cancelled were cancelled by the client, not timed out.
	env := map[string]string{"LOFTY_BASE_URL": base, "LOFTY_API_KEY": configSecret, "LOFTY_TIMEOUT": "40s"}
	cfg, err := parseConfig(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	logs := &testutil.SyncBuffer{}
	a, err := newApp(cfg, newLogger(logs, slog.LevelDebug, "text"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.lofty.Close)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		err := serveStdio(ctx, a, inR, outW)
		_ = outW.Close()
		served <- err
	}()
	t.Cleanup(func() {
		_ = inW.Close()
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serveStdio: %v", err)
		}
		if strings.Contains(logs.String(), configSecret) {
			t.Error("the credential appears in the stdio server's logs")
		}
	})
	cl := client.NewClient(transport.NewIO(outR, inW, io.NopCloser(strings.NewReader(""))))
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
	return cl, inW
}

// The resilience settings reach the client from the environment and flags.
func TestResilienceConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cfg, err := parseConfig(nil, env(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := lofty.Resilience{MaxRetries: 3, RateLimit: lofty.RateLimitAuto, MaxConcurrency: lofty.DefaultMaxConcurrency,
		CacheTTL: 30 * time.Second, CallTimeout: 60 * time.Second, MaxWait: 10 * time.Second}
	if got := cfg.resilience.loftyResilience(); got != want {
		t.Errorf("defaults: %+v, want %+v", got, want)
	}
	cfg, err = parseConfig([]string{"--max-retries", "5", "--cache-ttl", "0"},
		env("LOFTY_MAX_RETRIES", "1", "LOFTY_RATE_LIMIT", "10", "LOFTY_MAX_CONCURRENCY", "0", "LOFTY_CACHE_TTL", "5m", "LOFTY_CALL_TIMEOUT", "20", "LOFTY_MAX_WAIT", "3s"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want = lofty.Resilience{MaxRetries: 5, RateLimit: 10, MaxConcurrency: 0, CacheTTL: 0, CallTimeout: 20 * time.Second, MaxWait: 3 * time.Second}
	if got := cfg.resilience.loftyResilience(); got != want {
		t.Errorf("flags over environment: %+v, want %+v", got, want)
	}
	for _, bad := range []struct {
		args []string
		env  func(string) string
		want string
	}{
		{nil, env("LOFTY_MAX_RETRIES", "many"), "LOFTY_MAX_RETRIES"},
		{[]string{"--max-retries", "11"}, env(), "--max-retries"},
		{nil, env("LOFTY_RATE_LIMIT", "-5"), "LOFTY_RATE_LIMIT"},
		{nil, env("LOFTY_MAX_CONCURRENCY", "1.5"), "LOFTY_MAX_CONCURRENCY"},
		{nil, env("LOFTY_CACHE_TTL", "forever"), "LOFTY_CACHE_TTL"},
		{nil, env("LOFTY_CACHE_TTL", "-1s"), "LOFTY_CACHE_TTL"},
		{[]string{"--call-timeout", "0"}, env(), "--call-timeout"},
		{nil, env("LOFTY_CALL_TIMEOUT", "3h"), "LOFTY_CALL_TIMEOUT"},
		{nil, env("LOFTY_RATE_LIMIT", "lots"), "or auto"},
		{nil, env("LOFTY_MAX_WAIT", "soon"), "LOFTY_MAX_WAIT"},
	} {
		if _, err := parseConfig(bad.args, bad.env, io.Discard); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: err = %v, want one naming %s", bad.args, err, bad.want)
		}
	}
}

// The settings given by environment change what the built server does.
func TestResilienceConfigReachesTheServer(t *testing.T) {
	testutil.NoLeaks(t)
	fake := faults.New(nil)
	base := fake.Start(t)
	env := map[string]string{"LOFTY_BASE_URL": base, "LOFTY_API_KEY": configSecret, "LOFTY_MAX_RETRIES": "0", "LOFTY_CACHE_TTL": "0"}
	cfg, err := parseConfig(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.lofty.Close)
	cl, err := inProcessClient(context.Background(), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	fake.Script(faults.ServerError(503))
	if res, err := callAgent(context.Background(), cl, fakelofty.DemoLeadWithAgent); err != nil || !res.IsError {
		t.Fatalf("with LOFTY_MAX_RETRIES=0 a 503 should be the answer: %v %v", err, res)
	}
	for range 2 {
		if res, err := callAgent(context.Background(), cl, fakelofty.DemoLeadWithAgent); err != nil || res.IsError {
			t.Fatalf("%v %v", err, res)
		}
	}
	if n := fake.RequestCount(); n != 3 {
		t.Errorf("the fake saw %d requests, want 3: no retry, no cache", n)
	}
}
