package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// scaleReplica is one `lofty-mcp http` of the scale-out measurement.
type scaleReplica struct {
	cmd     *exec.Cmd
	base    string
	metrics string
}

// measureScaleOut runs two `lofty-mcp http` replicas sharing one
// redis-server behind a round-robin proxy, and has clients clients make
// calls calls through it (each client its own 2025-11-25 session): calls/s,
// p50/p99, errors, upstream requests, Redis round trips per call, and each
// replica's resident memory before and after.
func measureScaleOut(bin string, env []string, upstreamCount func() int, clients, calls int) error {
	if _, err := exec.LookPath("redis-server"); err != nil {
		fmt.Println("scale-out: skipped: redis-server is not installed (apt-get install redis-server)")
		return nil
	}
	redisAddr, err := freePort()
	if err != nil {
		return err
	}
	_, port, _ := strings.Cut(redisAddr, ":")
	redis := exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning")
	if err := redis.Start(); err != nil {
		return err
	}
	defer func() { _ = redis.Process.Kill(); _ = redis.Wait() }()

	var reps []*scaleReplica
	defer func() {
		for _, r := range reps {
			_ = r.cmd.Process.Signal(os.Interrupt)
			_ = r.cmd.Wait()
		}
	}()
	for range 2 {
		addr, err := freePort()
		if err != nil {
			return err
		}
		maddr, err := freePort()
		if err != nil {
			return err
		}
		cmd := exec.Command(bin, "http", "--addr", addr, "--metrics-addr", maddr)
		// The default cache; a rate limit high enough never to bind, so that
		// every call still takes its budget from Redis.
		cmd.Env = append(env, "LOFTY_REDIS_URL=redis://"+redisAddr+"/0", "LOFTY_RATE_LIMIT=100000",
			"LOFTY_MCP_SESSION_KEY=bench-scale-out-session-key-0123456789")
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			return err
		}
		reps = append(reps, &scaleReplica{cmd: cmd, base: "http://" + addr, metrics: "http://" + maddr + "/metrics"})
	}
	for _, r := range reps {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		err := waitHealthy(ctx, r.base)
		cancel()
		if err != nil {
			return err
		}
	}
	var next atomic.Uint64
	var proxies []*httputil.ReverseProxy
	for _, r := range reps {
		u, _ := url.Parse(r.base)
		p := httputil.NewSingleHostReverseProxy(u)
		p.FlushInterval = -1
		p.Transport = &http.Transport{MaxIdleConnsPerHost: clients}
		proxies = append(proxies, p)
	}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Host = "127.0.0.1"
		proxies[int(next.Add(1))%len(proxies)].ServeHTTP(w, r)
	}))
	defer proxy.Close()

	rssBefore := []float64{rssMiB(reps[0].cmd.Process.Pid), rssMiB(reps[1].cmd.Process.Pid)}
	upBefore := upstreamCount()
	lat, elapsed, errs, err := fixedCalls(proxy.URL+"/mcp", clients, calls)
	if err != nil {
		return err
	}
	var ops, lofty float64
	for _, r := range reps {
		o, err := metricValue(r.metrics, "lofty_mcp_shared_state_ops_total")
		if err != nil {
			return err
		}
		c, err := metricValue(r.metrics, "lofty_mcp_lofty_calls_total")
		if err != nil {
			return err
		}
		ops, lofty = ops+o, lofty+c
	}
	name := fmt.Sprintf("scale-out (2 replicas + Redis, %d clients, %d calls)", clients, calls)
	report(name+": calls/s", float64(len(lat))/elapsed.Seconds(), "calls/s", 0, "")
	report(name+": p50", ms(percentile(lat, 50)), "ms", 0, "")
	report(name+": p99", ms(percentile(lat, 99)), "ms", 0, "")
	report(name+": errors", float64(errs), "calls", 0, "0")
	report(name+": upstream requests", float64(upstreamCount()-upBefore), "requests", 0, "")
	report(name+": Redis round trips per call", ops/lofty, "ops", 0, "")
	for i, r := range reps {
		report(fmt.Sprintf("%s: replica %c RSS before", name, 'A'+i), rssBefore[i], "MB", 0, "")
		report(fmt.Sprintf("%s: replica %c RSS after", name, 'A'+i), rssMiB(r.cmd.Process.Pid), "MB", 0, "")
	}
	return nil
}

// fixedCalls has clients sessions make calls calls in all, over 50 leads.
func fixedCalls(url string, clients, calls int) ([]time.Duration, time.Duration, int, error) {
	ctx := context.Background()
	cs := make([]*client.Client, clients)
	for i := range cs {
		tr, err := transport.NewStreamableHTTP(url, transport.WithHTTPBasicClient(noRedirects))
		if err != nil {
			return nil, 0, 0, err
		}
		c := client.NewClient(tr, client.WithProtocolVersion(mcp.ProtocolVersion20251125))
		if err := c.Start(ctx); err != nil {
			return nil, 0, 0, err
		}
		req := mcp.InitializeRequest{}
		req.Params.ProtocolVersion = mcp.ProtocolVersion20251125
		req.Params.ClientInfo = mcp.Implementation{Name: "bench", Version: "1"}
		if _, err := c.Initialize(ctx, req); err != nil {
			return nil, 0, 0, err
		}
		defer c.Close()
		cs[i] = c
	}
	var left atomic.Int64
	left.Store(int64(calls))
	var mu sync.Mutex
	var all []time.Duration
	var errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for _, c := range cs {
		wg.Go(func() {
			var lat []time.Duration
			for {
				n := left.Add(-1)
				if n < 0 {
					break
				}
				call := mcp.CallToolRequest{}
				call.Params.Name = "get_sales_agent_by_lead"
				call.Params.Arguments = map[string]any{"leadId": 700000000000001 + n%50}
				t := time.Now()
				res, err := c.CallTool(ctx, call)
				if err != nil || res.IsError {
					errs.Add(1)
					continue
				}
				lat = append(lat, time.Since(t))
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return all, time.Since(start), int(errs.Load()), nil
}

// metricValue reads one sample from a Prometheus endpoint.
func metricValue(u, sample string) (float64, error) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), sample+" "); ok {
			return strconv.ParseFloat(v, 64)
		}
	}
	return 0, errors.New("no sample " + sample + " at " + u)
}

// rssMiB is a process's resident memory (VmRSS) in MiB.
func rssMiB(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
