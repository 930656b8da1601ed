package e2e

// Two `lofty-mcp http` replicas sharing one real Redis behind a plain
// round-robin proxy, as a team would run them: both protocol eras work
// without sticky sessions, one rate limit and one cache serve both, a hold
// seen by one holds the other, and a Redis outage fails no call.
//
//	go test -race -run TestScaleOut .

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
)

// replica is one `lofty-mcp http` with its metrics listener.
type replica struct {
	*httpE2EProc
	metrics string // http://127.0.0.1:port/metrics
}

// metric reads one sample of the replica's metrics (0 when absent).
func (r *replica) metric(t *testing.T, sample string) float64 {
	t.Helper()
	resp, err := http.Get(r.metrics)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), sample+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}

// roundRobin is a plain reverse proxy that sends each request to the next
// backend in turn: no stickiness of any kind.
func roundRobin(t *testing.T, backends ...string) string {
	t.Helper()
	var next atomic.Uint64
	proxies := make([]*httputil.ReverseProxy, len(backends))
	for i, b := range backends {
		u, err := url.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		p := httputil.NewSingleHostReverseProxy(u)
		p.FlushInterval = -1 // streams flush at once
		proxies[i] = p
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Host = "127.0.0.1" // the replicas' own name, as a proxy in front would set it
		proxies[int(next.Add(1))%len(proxies)].ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestScaleOut(t *testing.T) {
	rs := testutil.StartRedis(t)
	fake := faults.New(nil)
	base := fake.Start(t)
	bin := stdioBin(t)
	env := append(e2eEnv(base, e2eSecret), "LOFTY_REDIS_URL=redis://"+rs.Addr+"/0",
		"LOFTY_MCP_SESSION_KEY=scale-out-session-key-6f1d0a9e3b7c2d4f", "LOFTY_MAX_WAIT=5s")
	var reps []*replica
	for range 2 {
		m := testutil.FreeAddr(t)
		p := startHTTPE2E(t, bin, env, "--metrics-addr", m)
		reps = append(reps, &replica{httpE2EProc: p, metrics: "http://" + m + "/metrics"})
	}
	a, b := reps[0], reps[1]
	proxy := roundRobin(t, a.base, b.base)
	ctx := context.Background()
	calls := func(r *replica) float64 {
		return r.metric(t, `lofty_mcp_tool_calls_total{outcome="ok",tool="get_sales_agent_by_lead"}`)
	}

	t.Run("both protocol eras without sticky sessions", func(t *testing.T) {
		for _, k := range []e2eClientKind{e2eStreamable2025, e2eStreamableDefault} {
			c := e2eConnect(t, proxy, k, nil)
			for range 6 {
				if name, err := e2eAgentName(ctx, c, fakelofty.DemoLeadWithAgent); err != nil || name != "John Doe" {
					t.Fatalf("%s: %q, %v", k, name, err)
				}
			}
		}
		if calls(a) < 1 || calls(b) < 1 {
			t.Errorf("calls served: %v by A, %v by B; want both to serve", calls(a), calls(b))
		}
		// A read cached by one replica is a hit on the other: twelve calls, one request.
		n := 0
		for _, r := range fake.Requests() {
			if strings.Contains(r.RawQuery, strconv.FormatInt(fakelofty.DemoLeadWithAgent, 10)) {
				n++
			}
		}
		if n != 1 || b.metric(t, "lofty_mcp_cache_hits_total")+a.metric(t, "lofty_mcp_cache_hits_total") != 11 {
			t.Errorf("%d requests to Lofty for 12 calls (hits %v + %v); want 1 and 11 shared hits", n,
				a.metric(t, "lofty_mcp_cache_hits_total"), b.metric(t, "lofty_mcp_cache_hits_total"))
		}
	})

	// flood sends distinct calls for d through base with a credential of its
	// own, and returns how many requests that credential made to Lofty.
	flood := func(base, key string, d time.Duration) int {
		c := e2eConnect(t, base, e2eStreamableDefault, map[string]string{"X-Lofty-Api-Key": key})
		stop := time.Now().Add(d)
		var wg sync.WaitGroup
		var lead atomic.Int64
		lead.Store(700_000)
		for range 16 {
			wg.Go(func() {
				for time.Now().Before(stop) {
					_, _ = e2eAgentName(ctx, c, lead.Add(1)) // unknown leads: 404s, still requests
				}
			})
		}
		wg.Wait()
		n := 0
		for _, r := range fake.Requests() {
			if r.Authorization == "token "+key {
				n++
			}
		}
		return n
	}
	t.Run("one rate limit across replicas", func(t *testing.T) {
		alone := flood(a.base, "flood-key-alone-0000000000", 2*time.Second)
		shared := flood(proxy, "flood-key-shared-000000000", 2*time.Second)
		t.Logf("a personal key's requests in 2s: one replica alone %d, two replicas behind the proxy %d", alone, shared)
		if alone == 0 || float64(shared) > 1.2*float64(alone) {
			t.Errorf("two replicas sent %d requests where one alone sent %d: want a ratio ≤ 1.2", shared, alone)
		}
	})

	t.Run("a hold seen by one replica holds the other", func(t *testing.T) {
		const key = "hold-key-00000000000000000"
		reset := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second)
		fake.Script(faults.Pass(faults.RateLimitHeaders(10, 0, reset)...))
		ca := e2eConnect(t, a.base, e2eStreamableDefault, map[string]string{"X-Lofty-Api-Key": key})
		cb := e2eConnect(t, b.base, e2eStreamableDefault, map[string]string{"X-Lofty-Api-Key": key})
		if _, err := e2eAgentName(ctx, ca, fakelofty.DemoLeadWithAgent); err != nil {
			t.Fatal(err)
		}
		if _, err := e2eAgentName(ctx, cb, fakelofty.DemoLeadBeyond53Bits); err != nil {
			t.Fatal(err)
		}
		if now := time.Now(); now.Before(reset.Add(-100 * time.Millisecond)) {
			t.Errorf("B answered at %v, before A's reset at %v", now.Format(time.StampMilli), reset.Format(time.StampMilli))
		}
	})

	t.Run("Redis killed mid-flood fails no call", func(t *testing.T) {
		hdr := map[string]string{"X-Lofty-Access-Token": "outage-token-0000000000000"} // 100 a minute
		c := e2eConnect(t, proxy, e2eStreamableDefault, hdr)
		leads := []int64{fakelofty.DemoLeadWithAgent, fakelofty.DemoLeadBeyond53Bits, fakelofty.DemoLeadMaxInt64}
		var failed atomic.Int32
		var done atomic.Int32
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				for i := range 25 {
					if _, err := e2eAgentName(ctx, c, leads[(w+i)%len(leads)]); err != nil {
						failed.Add(1)
						t.Log(err)
					}
					done.Add(1)
				}
			})
		}
		for done.Load() < 60 {
			time.Sleep(5 * time.Millisecond)
		}
		rs.Stop()
		wg.Wait()
		if failed.Load() != 0 {
			t.Errorf("%d of 200 calls failed while Redis was killed, want 0", failed.Load())
		}
		for _, r := range reps {
			if code := status(t, r.base+"/readyz"); code != http.StatusServiceUnavailable {
				t.Errorf("/readyz %d with Redis down, want 503", code)
			}
			if code := status(t, r.base+"/healthz"); code != http.StatusOK {
				t.Errorf("/healthz %d with Redis down, want 200", code)
			}
		}
		rs.Start()
		for _, r := range reps {
			testutil.WaitFor(t, "/readyz 200 once Redis is back", 15*time.Second, func() bool { return status(t, r.base+"/readyz") == http.StatusOK })
		}
		time.Sleep(1500 * time.Millisecond) // past the replicas' pause before asking Redis again
		// Sharing resumes: a read cached through A is a hit on B.
		ca := e2eConnect(t, a.base, e2eStreamableDefault, map[string]string{"X-Lofty-Api-Key": "after-outage-key-00000000"})
		cb := e2eConnect(t, b.base, e2eStreamableDefault, map[string]string{"X-Lofty-Api-Key": "after-outage-key-00000000"})
		if _, err := e2eAgentName(ctx, ca, fakelofty.DemoLeadWithAgent); err != nil {
			t.Fatal(err)
		}
		hits := b.metric(t, "lofty_mcp_cache_hits_total")
		if _, err := e2eAgentName(ctx, cb, fakelofty.DemoLeadWithAgent); err != nil {
			t.Fatal(err)
		}
		if got := b.metric(t, "lofty_mcp_cache_hits_total"); got != hits+1 {
			t.Errorf("B's cache hits %v -> %v after the outage; want A's read shared", hits, got)
		}
	})

	for _, r := range reps {
		if strings.Contains(r.stderr.String(), e2eSecret) {
			t.Errorf("a replica logged the credential")
		}
		if n := strings.Count(r.stderr.String(), "does not answer"); n > 1 {
			t.Errorf("%d Redis outage warnings from one replica, want one per outage", n)
		}
	}
}

func status(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
