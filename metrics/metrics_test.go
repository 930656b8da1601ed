package metrics_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/metrics"
)

const secret = "lk_metrics_SECRET_4f2a9c1e"

// scrape returns the metrics text and the value of each sample line.
func scrape(t *testing.T, m *metrics.Metrics) (string, map[string]float64) {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	values := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		var v float64
		fmt.Sscan(line[i+1:], &v)
		values[line[:i]] = v
	}
	return string(body), values
}

// After a scripted mix of calls, each counter has the value the mix implies.
func TestCountersFollowTheCalls(t *testing.T) {
	fake := faults.New(nil)
	fake.Script(faults.ServerError(503)) // the first request is retried once
	base := fake.Start(t)
	res := lofty.DefaultResilience()
	res.RateLimit = 0
	res.RetryBaseDelay = time.Millisecond
	c, err := lofty.New(lofty.Config{BaseURL: base, Credential: lofty.Credential{Kind: lofty.APIKey, Secret: secret}, Resilience: res})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mcpserver.NewServer(c, mcpserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New(metrics.Sources{Version: "v9.9.9", Lofty: c, Sessions: func() int { return 3 }})
	srv.Use(m.ToolMiddleware())
	cl, err := client.NewInProcessClient(srv)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := context.Background()
	if err := cl.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if _, err := cl.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	call := func(tool, args string) {
		req := mcp.CallToolRequest{}
		req.Params.Name = tool
		req.Params.Arguments = json.RawMessage(args)
		if _, err := cl.CallTool(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	withAgent := fmt.Sprintf(`{"leadId": %d}`, fakelofty.DemoLeadWithAgent)
	call("get_sales_agent_by_lead", withAgent)                                                     // 503, retry, 200
	call("get_sales_agent_by_lead", withAgent)                                                     // cache hit
	call("get_sales_agent_by_lead", withAgent)                                                     // cache hit
	call("get_sales_agent_by_lead", fmt.Sprintf(`{"leadId": %d}`, fakelofty.DemoLeadWithoutAgent)) // 404
	call("get_sales_agent_by_lead", `{"leadId": "nope"}`)                                          // refused before Lofty
	call("find_leads", `{"key": "Jane"}`)                                                          // 200

	text, v := scrape(t, m)
	for sample, want := range map[string]float64{
		`lofty_mcp_tool_calls_total{outcome="ok",tool="get_sales_agent_by_lead"}`:                            3,
		`lofty_mcp_tool_calls_total{outcome="error",tool="get_sales_agent_by_lead"}`:                         2,
		`lofty_mcp_tool_calls_total{outcome="ok",tool="find_leads"}`:                                         1,
		`lofty_mcp_tool_call_duration_seconds_count{tool="get_sales_agent_by_lead"}`:                         5,
		`lofty_mcp_tool_calls_in_flight`:                                                                     0,
		`lofty_mcp_lofty_calls_total`:                                                                        5,
		`lofty_mcp_lofty_requests_total{endpoint="/v2.0/sales-agents/by-lead",method="GET",status="503"}`:    1,
		`lofty_mcp_lofty_requests_total{endpoint="/v2.0/sales-agents/by-lead",method="GET",status="200"}`:    1,
		`lofty_mcp_lofty_requests_total{endpoint="/v2.0/sales-agents/by-lead",method="GET",status="404"}`:    1,
		`lofty_mcp_lofty_requests_total{endpoint="/v1.0/leads",method="GET",status="200"}`:                   1,
		`lofty_mcp_lofty_retries_total`:                                                                      1,
		`lofty_mcp_cache_hits_total`:                                                                         2,
		`lofty_mcp_cache_misses_total`:                                                                       3,
		`lofty_mcp_sessions`:                                                                                 3,
		`lofty_mcp_build_info{goversion="` + strings.TrimPrefix(goVersion(text), "") + `",version="v9.9.9"}`: 1,
	} {
		if got, ok := v[sample]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", sample, got, ok, want)
		}
	}
	// The Go runtime and process metrics come with ours.
	for _, sample := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes", "process_cpu_seconds_total"} {
		if v[sample] <= 0 {
			t.Errorf("%s = %v, want a positive value", sample, v[sample])
		}
	}
	// No lead id, no credential in any label.
	for _, bad := range []string{secret, fmt.Sprint(fakelofty.DemoLeadWithAgent), fmt.Sprint(fakelofty.DemoLeadWithoutAgent)} {
		if strings.Contains(text, bad) {
			t.Errorf("metrics hold %q", bad)
		}
	}
}

// goVersion reads the goversion label of build_info from the metrics text.
func goVersion(text string) string {
	_, rest, _ := strings.Cut(text, `lofty_mcp_build_info{goversion="`)
	v, _, _ := strings.Cut(rest, `"`)
	return v
}
