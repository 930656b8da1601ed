package e2e

// End-to-end tests of `lofty-mcp http`: the real binary, built once (with the
// race detector when the tests run with -race), driven by mcp-go's
// Streamable HTTP client (pinned to 2025-11-25 and with its default, the
// stateless 2026-07-28 protocol), by its SSE client, and by raw HTTP, against
// the fake Lofty on loopback.
//
//	go test -race -run TestHTTPE2E .
//	LOFTY_MCP_MEASURE=1 go test -run TestHTTPE2E/measure -v .   # calls/s and p99, not a pass/fail test
//
// The measurement also reads LOFTY_MCP_MEASURE_CLIENTS (16), _FOR (10s),
// _PROTOCOL (2025-11-25 pins the client), _LOG_LEVEL (info) and _ARGS (extra
// server flags, e.g. "--cache-ttl 0 --rate-limit 0" so every call reaches Lofty).

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	mcptransport "github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

const e2eAuthToken = "e2e-token-5f0c1d2b9a8e7f6a"

// e2eLead is the demo lead with an AI sales agent, John Doe.
var e2eLead = fakelofty.DemoLeadWithAgent

func TestHTTPE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := stdioBin(t) // built once for every end-to-end test of this package

	t.Run("clients", func(t *testing.T) {
		t.Parallel()
		fake := fakelofty.New(nil)
		p := startHTTPE2E(t, bin, e2eEnv(fake.Start(t), "server-key"), "--auth-token", e2eAuthToken)
		for _, k := range e2eKinds {
			t.Run(k.String(), func(t *testing.T) {
				c := e2eConnect(t, p.base, k, map[string]string{"Authorization": "Bearer " + e2eAuthToken})
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				tools, err := c.ListTools(ctx, mcp.ListToolsRequest{})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.ContainsFunc(tools.Tools, func(tl mcp.Tool) bool { return tl.Name == "get_sales_agent_by_lead" }) {
					t.Fatalf("tools/list has no get_sales_agent_by_lead: %v", tools.Tools)
				}
				if got, err := e2eAgentName(ctx, c, e2eLead); err != nil || got != "John Doe" {
					t.Fatalf("get_sales_agent_by_lead = %q, %v; want John Doe", got, err)
				}
			})
		}
		for _, r := range fake.Requests() {
			if r.Authorization != "token server-key" {
				t.Errorf("Lofty saw Authorization %q, want the server's own credential", r.Authorization)
			}
		}
	})

	t.Run("demo", func(t *testing.T) {
		t.Parallel()
		p := startHTTPE2E(t, bin, nil, "--demo")
		c := e2eConnect(t, p.base, e2eStreamable2025, nil)
		resp, err := http.Post(p.base+"/mcp", "application/json", strings.NewReader(
			`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "DEMO MODE") {
			t.Errorf("the instructions do not say demo: %s", body)
		}
		if got, err := e2eAgentName(context.Background(), c, e2eLead); err != nil || got != "John Doe" {
			t.Fatalf("demo call = %q, %v", got, err)
		}
	})

	t.Run("raw http", func(t *testing.T) {
		t.Parallel()
		fake := fakelofty.New(nil)
		p := startHTTPE2E(t, bin, e2eEnv(fake.Start(t), "server-key"), "--auth-token", e2eAuthToken, "--max-body-bytes", "2048")
		auth := "Bearer " + e2eAuthToken
		initialize := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`
		big := `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"` + strings.Repeat("x", 4096) + `"}}`
		for _, tt := range []struct {
			name, method, path, body string
			hdr                      map[string]string
			status                   int
		}{
			{"missing bearer", "POST", "/mcp", initialize, nil, 401},
			{"wrong bearer", "POST", "/mcp", initialize, map[string]string{"Authorization": "Bearer wrong"}, 401},
			{"missing bearer sse", "GET", "/sse", "", nil, 401},
			{"foreign origin", "POST", "/mcp", initialize, map[string]string{"Authorization": auth, "Origin": "https://evil.example"}, 403},
			{"foreign host", "POST", "/mcp", initialize, map[string]string{"Authorization": auth, "Host": "evil.example"}, 403},
			{"oversized body", "POST", "/mcp", big, map[string]string{"Authorization": auth}, 413},
			{"good", "POST", "/mcp", initialize, map[string]string{"Authorization": auth}, 200},
			{"healthz", "GET", "/healthz", "", nil, 200},
		} {
			t.Run(tt.name, func(t *testing.T) {
				req, _ := http.NewRequest(tt.method, p.base+tt.path, strings.NewReader(tt.body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json, text/event-stream")
				for k, v := range tt.hdr {
					if k == "Host" {
						req.Host = v
					} else {
						req.Header.Set(k, v)
					}
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tt.status {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
				}
				if tt.status == 401 {
					if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
						t.Errorf("WWW-Authenticate = %q", resp.Header.Get("WWW-Authenticate"))
					}
					var e struct{ Error, Message string }
					if json.Unmarshal(body, &e) != nil || e.Error == "" {
						t.Errorf("401 body is not a short JSON error: %s", body)
					}
				}
			})
		}
		p.stop(t)
		if logs := p.stderr.String(); strings.Contains(logs, e2eAuthToken) || strings.Contains(logs, "server-key") {
			t.Error("a secret appears on stderr")
		}
	})

	t.Run("refuses public bind without token", func(t *testing.T) {
		t.Parallel()
		cmd := exec.Command(bin, "http", "--addr", "0.0.0.0:0")
		cmd.Env = e2eEnv("http://127.0.0.1:1", "server-key")
		out, err := cmd.CombinedOutput()
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != exitUsage {
			t.Fatalf("exit: %v, want code %d; output:\n%s", err, exitUsage, out)
		}
		for _, want := range []string{"non-loopback", "--auth-token", "LOFTY_MCP_AUTH_TOKEN", "--insecure-no-auth"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("the refusal does not mention %s:\n%s", want, out)
			}
		}
		// With --insecure-no-auth it starts, and warns.
		p := startHTTPE2E(t, bin, e2eEnv("http://127.0.0.1:1", "server-key"), "--addr", "0.0.0.0:0", "--insecure-no-auth")
		if !strings.Contains(p.stderr.String(), "INSECURE") {
			t.Errorf("no warning on stderr:\n%s", p.stderr.String())
		}
	})

	t.Run("per-request credentials", func(t *testing.T) {
		t.Parallel()
		data := fakelofty.Demo()
		data.APIKeys = []string{"key-a", "key-b"}
		agentB := maps.Clone(data.Leads[e2eLead].SalesAgent)
		agentB["agentName"] = "Agent B"
		fake := fakelofty.New(data)
		fake.Hook = func(w http.ResponseWriter, r *http.Request) bool {
			if r.Header.Get("Authorization") != "token key-b" {
				return false
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(agentB)
			return true
		}
		p := startHTTPE2E(t, bin, e2eEnv(fake.Start(t), "server-key"))
		for _, k := range e2eKinds {
			t.Run(k.String(), func(t *testing.T) {
				a := e2eConnect(t, p.base, k, map[string]string{"X-Lofty-Api-Key": "key-a"})
				b := e2eConnect(t, p.base, k, map[string]string{"X-Lofty-Api-Key": "key-b"})
				for i := 0; i < 2; i++ { // twice: a cached answer must not cross credentials either
					if got, err := e2eAgentName(context.Background(), a, e2eLead); err != nil || got != "John Doe" {
						t.Fatalf("client A: %q, %v; want John Doe", got, err)
					}
					if got, err := e2eAgentName(context.Background(), b, e2eLead); err != nil || got != "Agent B" {
						t.Fatalf("client B: %q, %v; want Agent B", got, err)
					}
				}
			})
		}
		seen := map[string]int{}
		for _, r := range fake.Requests() {
			seen[r.Authorization]++
		}
		if seen["token key-a"] == 0 || seen["token key-b"] == 0 || len(seen) != 2 {
			t.Fatalf("Lofty saw Authorization headers %v; want exactly token key-a and token key-b", seen)
		}
		p.stop(t)
		if logs := p.stderr.String(); strings.Contains(logs, "key-a") || strings.Contains(logs, "key-b") {
			t.Error("a per-request credential appears on stderr")
		}
	})

	t.Run("sigterm lets the call in flight finish", func(t *testing.T) {
		t.Parallel()
		for _, k := range []e2eClientKind{e2eStreamable2025, e2eStreamableDefault, e2eSSE} {
			t.Run(k.String(), func(t *testing.T) {
				started := make(chan struct{})
				var once sync.Once
				fake := fakelofty.New(nil)
				fake.Hook = func(w http.ResponseWriter, r *http.Request) bool {
					once.Do(func() { close(started) })
					time.Sleep(1500 * time.Millisecond) // the slow Lofty call in flight
					return false
				}
				p := startHTTPE2E(t, bin, e2eEnv(fake.Start(t), "server-key"), "--shutdown-timeout", "20s")
				c := e2eConnect(t, p.base, k, nil)
				type answer struct {
					name string
					err  error
				}
				got := make(chan answer, 1)
				go func() {
					name, err := e2eAgentName(context.Background(), c, e2eLead)
					got <- answer{name, err}
				}()
				select {
				case <-started:
				case <-time.After(20 * time.Second):
					t.Fatal("the call never reached Lofty")
				}
				if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
					t.Fatal(err)
				}
				a := <-got
				if a.err != nil || a.name != "John Doe" {
					t.Fatalf("in-flight call: %q, %v; want John Doe", a.name, a.err)
				}
				if code := p.wait(t, 30*time.Second); code != 0 {
					t.Fatalf("exit code %d, want 0; stderr:\n%s", code, p.stderr.String())
				}
				if !strings.Contains(p.stderr.String(), `"msg":"shutting down"`) {
					t.Errorf("no shutdown log:\n%s", p.stderr.String())
				}
			})
		}
	})

	t.Run("32 concurrent clients", func(t *testing.T) {
		t.Parallel()
		fake := fakelofty.New(nil)
		p := startHTTPE2E(t, bin, e2eEnv(fake.Start(t), "server-key"), "--auth-token", e2eAuthToken)
		const clients = 32
		runFor := 3 * time.Second
		headers := map[string]string{"Authorization": "Bearer " + e2eAuthToken}
		var calls atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, clients)
		deadline := time.Now().Add(runFor)
		for i := 0; i < clients; i++ {
			k := e2eKinds[i%len(e2eKinds)]
			lead := e2eLead
			want := "John Doe"
			if i%4 == 3 {
				lead, want = fakelofty.DemoLeadBeyond53Bits, "Max Bits"
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := e2eDial(p.base, k, headers)
				if err != nil {
					errs <- fmt.Errorf("%s: connect: %w", k, err)
					return
				}
				defer c.Close()
				for time.Now().Before(deadline) {
					ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
					got, err := e2eAgentName(ctx, c, lead)
					cancel()
					if err != nil || got != want {
						errs <- fmt.Errorf("%s: %q, %v; want %s", k, got, err, want)
						return
					}
					calls.Add(1)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		t.Logf("%d calls by %d clients in %s", calls.Load(), clients, runFor)
		if code := p.stop(t); code != 0 {
			t.Errorf("exit code %d after SIGTERM", code)
		}
		if strings.Contains(p.stderr.String(), "DATA RACE") {
			t.Errorf("race detected in the server:\n%s", p.stderr.String())
		}
	})

	t.Run("measure", func(t *testing.T) {
		if os.Getenv("LOFTY_MCP_MEASURE") == "" {
			t.Skip("set LOFTY_MCP_MEASURE=1 to measure calls/s and p99 (run without -race)")
		}
		measureHTTPE2E(t, bin)
	})
}

// measureHTTPE2E reports calls/s and latency percentiles for 16 concurrent
// Streamable HTTP clients calling get_sales_agent_by_lead against the fake
// Lofty (on loopback, as a real deployment would reach Lofty over the network).
func measureHTTPE2E(t *testing.T, bin string) {
	clients, _ := strconv.Atoi(envOr("LOFTY_MCP_MEASURE_CLIENTS", "16"))
	runFor, _ := time.ParseDuration(envOr("LOFTY_MCP_MEASURE_FOR", "10s"))
	kind := e2eStreamableDefault
	if os.Getenv("LOFTY_MCP_MEASURE_PROTOCOL") == mcp.ProtocolVersion20251125 {
		kind = e2eStreamable2025
	}
	fake := fakelofty.New(nil)
	args := append([]string{"--auth-token", e2eAuthToken, "--log-level", envOr("LOFTY_MCP_MEASURE_LOG_LEVEL", "info")},
		strings.Fields(os.Getenv("LOFTY_MCP_MEASURE_ARGS"))...) // e.g. "--cache-ttl 0 --rate-limit 0"
	p := startHTTPE2E(t, bin, e2eEnv(fake.Start(t), "server-key"), args...)
	headers := map[string]string{"Authorization": "Bearer " + e2eAuthToken}
	var mu sync.Mutex
	var lat []time.Duration
	var failed atomic.Int64
	var wg sync.WaitGroup
	// Warm up, then measure.
	warm, err := e2eDial(p.base, kind, headers)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		_, _ = e2eAgentName(context.Background(), warm, e2eLead)
	}
	warm.Close()
	before := fake.RequestCount()
	start := time.Now()
	deadline := start.Add(runFor)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := e2eDial(p.base, kind, headers)
			if err != nil {
				failed.Add(1)
				return
			}
			defer c.Close()
			var mine []time.Duration
			for time.Now().Before(deadline) {
				t0 := time.Now()
				if got, err := e2eAgentName(context.Background(), c, e2eLead); err != nil || got != "John Doe" {
					failed.Add(1)
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	pct := func(q float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*q))]
	}
	t.Logf("%d clients (%s), %s: %d calls, %.0f calls/s, p50 %s, p90 %s, p99 %s, max %s, failures %d, Lofty requests %d",
		clients, kind, elapsed.Round(time.Millisecond), len(lat), float64(len(lat))/elapsed.Seconds(),
		pct(0.50), pct(0.90), pct(0.99), pct(1), failed.Load(), fake.RequestCount()-before)
	p.stop(t)
	if ps := p.cmd.ProcessState; ps != nil && len(lat) > 0 {
		cpu := ps.UserTime() + ps.SystemTime() // the whole run, warm-up included
		t.Logf("server CPU %s in all, about %s per call", cpu.Round(time.Millisecond), (cpu / time.Duration(len(lat)+100)).Round(time.Microsecond))
	}
}

type e2eClientKind int

const (
	e2eStreamable2025    e2eClientKind = iota // pinned to 2025-11-25: initialize and Mcp-Session-Id
	e2eStreamableDefault                      // the client's default: the stateless 2026-07-28 protocol
	e2eSSE                                    // the legacy HTTP+SSE transport
)

var e2eKinds = []e2eClientKind{e2eStreamable2025, e2eStreamableDefault, e2eSSE}

func (k e2eClientKind) String() string {
	return [...]string{"streamable-2025-11-25", "streamable-default", "sse"}[k]
}

// e2eDial returns an initialized client of kind k.
func e2eDial(base string, k e2eClientKind, headers map[string]string) (*client.Client, error) {
	var c *client.Client
	switch k {
	case e2eSSE:
		tr, err := mcptransport.NewSSE(base+"/sse", mcptransport.WithHeaders(headers))
		if err != nil {
			return nil, err
		}
		c = client.NewClient(tr)
	default:
		tr, err := mcptransport.NewStreamableHTTP(base+"/mcp", mcptransport.WithHTTPHeaders(headers))
		if err != nil {
			return nil, err
		}
		var opts []client.ClientOption
		if k == e2eStreamable2025 {
			opts = append(opts, client.WithProtocolVersion(mcp.ProtocolVersion20251125))
		}
		c = client.NewClient(tr, opts...)
	}
	if err := c.Start(context.Background()); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "lofty-mcp-e2e", Version: "1"}
	res, err := c.Initialize(ctx, req)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("initialize: %w", err)
	}
	want := mcp.ProtocolVersion20251125
	if k == e2eStreamableDefault {
		want = mcp.ProtocolVersion20260728
	}
	if k != e2eSSE && res.ProtocolVersion != want {
		c.Close()
		return nil, fmt.Errorf("negotiated protocol %s, want %s", res.ProtocolVersion, want)
	}
	return c, nil
}

func e2eConnect(t *testing.T, base string, k e2eClientKind, headers map[string]string) *client.Client {
	t.Helper()
	c, err := e2eDial(base, k, headers)
	if err != nil {
		t.Fatalf("%s: %v", k, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// e2eAgentName calls get_sales_agent_by_lead and returns the agent's name.
func e2eAgentName(ctx context.Context, c *client.Client, lead int64) (string, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = "get_sales_agent_by_lead"
	req.Params.Arguments = json.RawMessage(`{"leadId": ` + strconv.FormatInt(lead, 10) + `}`)
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return "", err
	}
	text := resultText(res)
	if res.IsError {
		return "", errors.New(text)
	}
	var agent struct {
		AgentName string `json:"agentName"`
	}
	if err := json.Unmarshal([]byte(text), &agent); err != nil {
		return "", fmt.Errorf("result text is not the agent JSON: %q", text)
	}
	return agent.AgentName, nil
}

// e2eEnv is a clean environment: a Lofty base URL and a server API key.
func e2eEnv(baseURL, apiKey string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "GORACE=exitcode=66 atexit_sleep_ms=0"}
	if baseURL != "" {
		env = append(env, "LOFTY_BASE_URL="+baseURL)
	}
	if apiKey != "" {
		env = append(env, "LOFTY_API_KEY="+apiKey)
	}
	return env
}

// httpE2EProc is a running `lofty-mcp http`.
type httpE2EProc struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:port
	stderr *testutil.SyncBuffer
	exited chan struct{}
	code   int
}

// startHTTPE2E starts `lofty-mcp http` on a free loopback port (unless args
// say otherwise) and waits for its "listening" log line.
func startHTTPE2E(t *testing.T, bin string, env []string, args ...string) *httpE2EProc {
	t.Helper()
	if env == nil {
		env = e2eEnv("", "")
	}
	full := append([]string{"http", "--log-format", "json"}, args...)
	known := "" // an address picked here, for log levels that hide the "listening" line
	if i := slices.Index(args, "--log-level"); i >= 0 && i+1 < len(args) && (args[i+1] == "warn" || args[i+1] == "error") {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		known = ln.Addr().String()
		ln.Close()
		full = append(full, "--addr", known)
	} else if !slices.Contains(args, "--addr") {
		full = append(full, "--addr", "127.0.0.1:0")
	}
	cmd := exec.Command(bin, full...)
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &httpE2EProc{cmd: cmd, stderr: &testutil.SyncBuffer{}, exited: make(chan struct{}), code: -1}
	addr := make(chan string, 2)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.stderr.WriteString(line + "\n")
			var l struct{ Msg, Addr string }
			if strings.Contains(line, `"listening"`) && json.Unmarshal([]byte(line), &l) == nil && l.Msg == "listening" {
				addr <- l.Addr
			}
		}
		_ = cmd.Wait()
		p.code = cmd.ProcessState.ExitCode()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = cmd.Process.Kill()
			<-p.exited
		}
	})
	if known != "" {
		go func() {
			for {
				select {
				case <-p.exited:
					return
				default:
				}
				if resp, err := http.Get("http://" + known + "/healthz"); err == nil {
					resp.Body.Close()
					addr <- known
					return
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	select {
	case a := <-addr:
		a = strings.Replace(a, "0.0.0.0", "127.0.0.1", 1)
		a = strings.Replace(a, "[::]", "127.0.0.1", 1)
		p.base = "http://" + a
	case <-p.exited:
		t.Fatalf("lofty-mcp exited with %d before listening:\n%s", p.code, p.stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("lofty-mcp did not log its listen address:\n%s", p.stderr.String())
	}
	return p
}

// wait returns the exit code, failing the test if the process outlives timeout.
func (p *httpE2EProc) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.code
	case <-time.After(timeout):
		t.Fatalf("lofty-mcp did not exit within %s:\n%s", timeout, p.stderr.String())
		return -1
	}
}

// stop sends SIGTERM and returns the exit code.
func (p *httpE2EProc) stop(t *testing.T) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.code
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	return p.wait(t, 30*time.Second)
}

// envOr is the environment variable name, or def when it is unset or blank.
func envOr(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}
