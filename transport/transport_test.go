package transport

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	mcptransport "github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

const testToken = "test-token-0123456789abcdef"

// env is a running transport over a small MCP server whose "agent" tool
// asks the fake Lofty for lead DemoLeadWithAgent's sales agent, and whose
// "slow" tool waits for release (or its context).
type env struct {
	t       *testing.T
	fake    *fakelofty.Fake
	srv     *Server
	url     string
	logs    *testutil.SyncBuffer
	release chan struct{}
	started chan struct{} // receives when a slow call starts
	stop    context.CancelFunc
	done    chan error
}

func newMCPServer(t *testing.T, fake *fakelofty.Fake, release, started chan struct{}, opts ...server.ServerOption) *server.MCPServer {
	t.Helper()
	lc, err := lofty.New(lofty.Config{
		BaseURL:    fake.Start(t),
		Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "server-key", Source: "LOFTY_API_KEY"},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := server.NewMCPServer("test", "0", opts...)
	s.AddTool(mcp.NewTool("agent"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		a, err := lc.SalesAgentByLead(ctx, fakelofty.DemoLeadWithAgent)
		if err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		return mcp.NewToolResultText(a.AgentName), nil
	})
	s.AddTool(mcp.NewTool("slow"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		started <- struct{}{}
		select {
		case <-release:
			return mcp.NewToolResultText("finished"), nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
	return s
}

func start(t *testing.T, cfg Config) *env {
	t.Helper()
	return startWith(t, cfg)
}

// startWith is start with options for the MCP server.
func startWith(t *testing.T, cfg Config, opts ...server.ServerOption) *env {
	t.Helper()
	e := &env{t: t, fake: fakelofty.New(nil), logs: &testutil.SyncBuffer{}, release: make(chan struct{}), started: make(chan struct{}, 16)}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	cfg.Logger = slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(newMCPServer(t, e.fake, e.release, e.started, opts...), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		t.Fatal(err)
	}
	e.srv, e.url = srv, "http://"+ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	e.stop, e.done = cancel, make(chan error, 1)
	go func() { e.done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-e.done:
		case <-time.After(30 * time.Second):
			t.Error("Serve did not return")
		}
	})
	return e
}

// shutdown cancels Serve and returns its result and how long it took.
func (e *env) shutdown() (time.Duration, error) {
	begin := time.Now()
	e.stop()
	select {
	case err := <-e.done:
		e.done <- err // for Cleanup
		return time.Since(begin), err
	case <-time.After(30 * time.Second):
		e.t.Fatal("Serve did not return")
		return 0, nil
	}
}

// newRequest is a raw request with the headers of an MCP client, and hdr
// ("Host" sets the Host).
func (e *env) newRequest(ctx context.Context, method, path string, body string, hdr map[string]string) *http.Request {
	e.t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, e.url+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	return req
}

// do sends a raw request.
func (e *env) do(method, path string, body string, hdr map[string]string) *http.Response {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(e.newRequest(context.Background(), method, path, body, hdr))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

const initBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`

type clientKind int

const (
	streamableLegacy clientKind = iota // pinned to 2025-11-25: initialize, Mcp-Session-Id
	streamableModern                   // the client's default: stateless 2026-07-28
	sse                                // legacy HTTP+SSE
)

func (k clientKind) String() string {
	return [...]string{"streamable-2025-11-25", "streamable-default", "sse"}[k]
}

// connect returns an initialized mcp-go client of kind with headers.
func connect(t *testing.T, base string, k clientKind, headers map[string]string) *client.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var c *client.Client
	switch k {
	case sse:
		tr, err := mcptransport.NewSSE(base+"/sse", mcptransport.WithHeaders(headers))
		if err != nil {
			t.Fatal(err)
		}
		c = client.NewClient(tr)
	default:
		tr, err := mcptransport.NewStreamableHTTP(base+"/mcp", mcptransport.WithHTTPHeaders(headers))
		if err != nil {
			t.Fatal(err)
		}
		var opts []client.ClientOption
		if k == streamableLegacy {
			opts = append(opts, client.WithProtocolVersion(mcp.ProtocolVersion20251125))
		}
		c = client.NewClient(tr, opts...)
	}
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "transport-test", Version: "1"}
	res, err := c.Initialize(ctx, req)
	if err != nil {
		t.Fatalf("%s: initialize: %v", k, err)
	}
	want := mcp.ProtocolVersion20251125
	if k == streamableModern {
		want = mcp.ProtocolVersion20260728
	}
	if k != sse && res.ProtocolVersion != want {
		t.Fatalf("%s: negotiated %s, want %s", k, res.ProtocolVersion, want)
	}
	return c
}

func callText(ctx context.Context, c *client.Client, tool string) (string, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, ct := range res.Content {
		if tc, ok := mcp.AsTextContent(ct); ok {
			parts = append(parts, tc.Text)
		}
	}
	if res.IsError {
		return "", errors.New(strings.Join(parts, "\n"))
	}
	return strings.Join(parts, "\n"), nil
}

var allKinds = []clientKind{streamableLegacy, streamableModern, sse}

func TestClientsCallThroughEveryTransport(t *testing.T) {
	e := start(t, Config{AuthToken: testToken})
	for _, k := range allKinds {
		t.Run(k.String(), func(t *testing.T) {
			c := connect(t, e.url, k, map[string]string{"Authorization": "Bearer " + testToken})
			got, err := callText(context.Background(), c, "agent")
			if err != nil || got != "John Doe" {
				t.Fatalf("agent = %q, %v; want John Doe", got, err)
			}
		})
	}
	if strings.Contains(e.logs.String(), testToken) {
		t.Error("the auth token appears in the logs")
	}
}

func TestPerRequestCredentials(t *testing.T) {
	e := start(t, Config{})
	for _, k := range allKinds {
		t.Run(k.String(), func(t *testing.T) {
			for _, h := range []struct {
				header, value, wantAuth string
			}{
				{HeaderLoftyAPIKey, "key-" + k.String(), "token key-" + k.String()},
				{HeaderLoftyAccessToken, "oauth-" + k.String(), "Bearer oauth-" + k.String()},
			} {
				c := connect(t, e.url, k, map[string]string{h.header: h.value})
				before := len(e.fake.Requests())
				if _, err := callText(context.Background(), c, "agent"); err != nil {
					t.Fatal(err)
				}
				reqs := e.fake.Requests()[before:]
				if len(reqs) != 1 || reqs[0].Authorization != h.wantAuth {
					t.Fatalf("%s: Lofty saw %+v, want one request with Authorization %q", h.header, reqs, h.wantAuth)
				}
			}
			// Without a header, the server's own credential.
			c := connect(t, e.url, k, nil)
			before := len(e.fake.Requests())
			if _, err := callText(context.Background(), c, "agent"); err != nil {
				t.Fatal(err)
			}
			if reqs := e.fake.Requests()[before:]; len(reqs) != 1 || reqs[0].Authorization != "token server-key" {
				t.Fatalf("Lofty saw %+v, want the server's own credential", reqs)
			}
		})
	}
	for _, secret := range []string{"key-", "oauth-", "server-key"} {
		if strings.Contains(e.logs.String(), secret) {
			t.Errorf("a credential (%s...) appears in the logs", secret)
		}
	}
}

func TestRawHTTPPolicy(t *testing.T) {
	e := start(t, Config{AuthToken: testToken, MaxBodyBytes: 4096, RequireRequestCredentials: true,
		AllowedHosts: []string{"mcp.example.com"}, AllowedOrigins: []string{"https://app.example.com"}})
	auth := "Bearer " + testToken
	key := "k1"
	big := `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"` + strings.Repeat("x", 5000) + `"}}`
	tests := []struct {
		name, method, path, body string
		hdr                      map[string]string
		status                   int
		wwwAuth                  bool
		errCode                  string
	}{
		{"no token", "POST", "/mcp", initBody, map[string]string{HeaderLoftyAPIKey: key}, 401, true, "unauthorized"},
		{"wrong token", "POST", "/mcp", initBody, map[string]string{"Authorization": "Bearer nope", HeaderLoftyAPIKey: key}, 401, true, "invalid_token"},
		{"token of other length", "POST", "/mcp", initBody, map[string]string{"Authorization": auth + "x", HeaderLoftyAPIKey: key}, 401, true, "invalid_token"},
		{"basic scheme", "POST", "/mcp", initBody, map[string]string{"Authorization": "Basic " + testToken, HeaderLoftyAPIKey: key}, 401, true, "unauthorized"},
		{"sse no token", "GET", "/sse", "", nil, 401, true, "unauthorized"},
		{"message no token", "POST", "/message?sessionId=x", "{}", nil, 401, true, "unauthorized"},
		{"good", "POST", "/mcp", initBody, map[string]string{"Authorization": auth, HeaderLoftyAPIKey: key}, 200, false, ""},
		{"lower-case scheme", "POST", "/mcp", initBody, map[string]string{"Authorization": "bearer " + testToken, HeaderLoftyAPIKey: key}, 200, false, ""},
		{"foreign host", "POST", "/mcp", initBody, map[string]string{"Authorization": auth, HeaderLoftyAPIKey: key, "Host": "evil.example:80"}, 403, false, "forbidden_host"},
		{"rebound host", "POST", "/mcp", initBody, map[string]string{"Authorization": auth, HeaderLoftyAPIKey: key, "Host": "attacker.test"}, 403, false, "forbidden_host"},
		{"allowed host", "POST", "/mcp", initBody, map[string]string{"Authorization": auth, HeaderLoftyAPIKey: key, "Host": "MCP.example.com:443"}, 200, false, ""},
		{"foreign origin", "POST", "/mcp", initBody, map[string]string{"Authorization": auth, HeaderLoftyAPIKey: key, "Origin": "https://evil.example"}, 403, false, "forbidden_origin"},
		{"null origin", "POST", "/mcp", initBody, map[string]string{"Authorization": auth, HeaderLoftyAPIKey: key, "Origin": "null"}, 403, false, "forbidden_origin"},
		{"loopback origin", "POST", "/mcp", initBody, map[string]string{"Authorization": auth, HeaderLoftyAPIKey: key, "Origin": "http://localhost:6274"}, 200, false, ""},
		{"allowed origin", "POST", "/mcp", initBody, map[string]string{"Authorization": auth, HeaderLoftyAPIKey: key, "Origin": "https://app.example.com"}, 200, false, ""},
		{"foreign origin before auth", "POST", "/mcp", initBody, map[string]string{"Origin": "https://evil.example"}, 403, false, "forbidden_origin"},
		{"too large", "POST", "/mcp", big, map[string]string{"Authorization": auth, HeaderLoftyAPIKey: key}, 413, false, "request_too_large"},
		{"too large sse", "POST", "/message?sessionId=x", big, map[string]string{"Authorization": auth, HeaderLoftyAPIKey: key}, 413, false, "request_too_large"},
		{"no lofty credential", "POST", "/mcp", initBody, map[string]string{"Authorization": auth}, 403, false, "lofty_credential_required"},
		{"both lofty credentials", "POST", "/mcp", initBody, map[string]string{"Authorization": auth, HeaderLoftyAPIKey: "a", HeaderLoftyAccessToken: "b"}, 400, false, "conflicting_lofty_credentials"},
		{"healthz needs nothing", "GET", "/healthz", "", map[string]string{"Host": "anything.example"}, 200, false, ""},
		{"unknown path", "GET", "/nope", "", nil, 404, false, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(tt.method, tt.path, tt.body, tt.hdr)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if got := resp.Header.Get("WWW-Authenticate"); tt.wwwAuth != strings.HasPrefix(got, "Bearer") {
				t.Errorf("WWW-Authenticate = %q", got)
			}
			if tt.errCode != "" {
				var eb struct{ Error, Message string }
				if err := json.Unmarshal(body, &eb); err != nil || eb.Error != tt.errCode || eb.Message == "" {
					t.Errorf("body %s, want a JSON error %q with a message", body, tt.errCode)
				}
			}
		})
	}

	t.Run("chunked body too large", func(t *testing.T) {
		req, _ := http.NewRequest("POST", e.url+"/mcp", io.MultiReader(strings.NewReader(big))) // unknown length: chunked
		req.Header.Set("Authorization", auth)
		req.Header.Set(HeaderLoftyAPIKey, key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 413 || req.ContentLength != 0 {
			t.Fatalf("status %d (content length %d), want 413", resp.StatusCode, req.ContentLength)
		}
	})

	t.Run("cors preflight", func(t *testing.T) {
		resp := e.do("OPTIONS", "/mcp", "", map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"})
		if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
			!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
			t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
		}
		resp = e.do("OPTIONS", "/mcp", "", map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
		if resp.StatusCode != 403 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("foreign preflight: %d %v", resp.StatusCode, resp.Header)
		}
	})

	logs := e.logs.String()
	for _, secret := range []string{testToken, `"k1"`} {
		if strings.Contains(logs, secret) {
			t.Errorf("%s appears in the logs", secret)
		}
	}
	if !strings.Contains(logs, `"msg":"http request","method":"POST","path":"/mcp","status":200`) ||
		!regexp.MustCompile(`"session":"[0-9a-f]{16}"`).MatchString(logs) || !strings.Contains(logs, `"rpc":"initialize"`) {
		t.Errorf("access log lines missing or incomplete:\n%s", logs)
	}
	if strings.Contains(logs, sessionIDPrefix) {
		t.Errorf("a session id appears in the logs (only its hash may):\n%s", logs)
	}
}

func TestNewRefusesUnauthenticatedPublicBind(t *testing.T) {
	s := server.NewMCPServer("t", "0")
	for _, tt := range []struct {
		cfg  Config
		want error
	}{
		{Config{Addr: "0.0.0.0:0"}, ErrUnauthenticatedPublicBind},
		{Config{Addr: ":8080"}, ErrUnauthenticatedPublicBind},
		{Config{Addr: "[::]:8080"}, ErrUnauthenticatedPublicBind},
		{Config{Addr: "192.0.2.10:8080"}, ErrUnauthenticatedPublicBind},
		{Config{Addr: "0.0.0.0:0", AuthToken: testToken}, nil},
		{Config{Addr: "0.0.0.0:0", InsecureNoAuth: true}, nil},
		{Config{Addr: "127.0.0.1:0"}, nil},
		{Config{Addr: "localhost:0"}, nil},
		{Config{Addr: "[::1]:0"}, nil},
	} {
		_, err := New(s, tt.cfg)
		if !errors.Is(err, tt.want) && !(tt.want == nil && err == nil) {
			t.Errorf("New(%+v) = %v, want %v", tt.cfg.Addr, err, tt.want)
		}
		if err != nil && !strings.Contains(err.Error(), "--auth-token") {
			t.Errorf("the refusal does not say what to do: %v", err)
		}
	}
}

func TestOriginPolicy(t *testing.T) {
	p, err := newOriginPolicy("10.1.2.3:8080", []string{"mcp.example.com"}, []string{"https://app.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]bool{
		"localhost": true, "localhost:8080": true, "127.0.0.1:1": true, "[::1]:8080": true, "10.1.2.3:8080": true,
		"MCP.Example.com": true, "mcp.example.com.": true, "evil.example": false, "": false, "127.0.0.2": false,
		"10.1.2.3.evil.example": false,
	} {
		if got := p.hostAllowed(host); got != want {
			t.Errorf("hostAllowed(%q) = %v, want %v", host, got, want)
		}
	}
	for origin, want := range map[string]bool{
		"http://localhost:6274": true, "https://127.0.0.1": true, "http://[::1]:3000": true, "http://10.1.2.3:8080": true,
		"https://app.example.com": true, "https://APP.example.com": true, "http://app.example.com": false,
		"https://app.example.com:8443": false, "https://evil.example": false, "null": false, "file://": false,
		"http://localhost.evil.example": false,
	} {
		if got := p.originAllowed(origin); got != want {
			t.Errorf("originAllowed(%q) = %v, want %v", origin, got, want)
		}
	}
	for _, bad := range []string{"https://app.example.com/path", "app.example.com", "ftp://x"} {
		if _, err := newOriginPolicy("127.0.0.1:0", nil, []string{bad}); err == nil {
			t.Errorf("--allowed-origins %q accepted", bad)
		}
	}
	any, _ := newOriginPolicy("127.0.0.1:0", []string{"*"}, nil)
	if !any.hostAllowed("whatever.example") || any.originAllowed("https://whatever.example") {
		t.Error(`--allowed-hosts "*" should allow any Host and no extra Origin`)
	}
}

func TestStreamAndSessionCaps(t *testing.T) {
	e := start(t, Config{MaxStreams: 2, MaxSessions: 2})
	// Two SSE streams fill the cap; the third is refused.
	for i := 0; i < 2; i++ {
		connect(t, e.url, sse, nil)
	}
	resp := e.do("GET", "/sse", "", nil)
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("third stream: %d, want 503 with Retry-After", resp.StatusCode)
	}
	// Two sessions fill the cap; a third initialize is refused; a DELETE frees one.
	var ids []string
	for i := 0; i < 2; i++ {
		resp := e.do("POST", "/mcp", initBody, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("initialize %d: %d", i, resp.StatusCode)
		}
		ids = append(ids, resp.Header.Get("Mcp-Session-Id"))
	}
	if resp := e.do("POST", "/mcp", initBody, nil); resp.StatusCode != 503 {
		t.Fatalf("third session: %d, want 503", resp.StatusCode)
	}
	if resp := e.do("DELETE", "/mcp", "", map[string]string{"Mcp-Session-Id": ids[0]}); resp.StatusCode != 200 {
		t.Fatalf("DELETE: %d", resp.StatusCode)
	}
	if resp := e.do("POST", "/mcp", initBody, nil); resp.StatusCode != 200 {
		t.Fatalf("initialize after DELETE: %d, want 200", resp.StatusCode)
	}
	// The stateless protocol has no sessions: not capped.
	c := connect(t, e.url, streamableModern, nil)
	if _, err := callText(context.Background(), c, "agent"); err != nil {
		t.Fatal(err)
	}
}

// TestShutdownLetsInFlightCallsFinish: a call in flight when shutdown begins
// is answered, on every transport, and Serve returns nil.
func TestShutdownLetsInFlightCallsFinish(t *testing.T) {
	for _, k := range allKinds {
		t.Run(k.String(), func(t *testing.T) {
			e := start(t, Config{ShutdownTimeout: 10 * time.Second})
			c := connect(t, e.url, k, nil)
			idle := connect(t, e.url, sse, nil) // an idle SSE stream must not hold shutdown up
			_ = idle
			got := make(chan error, 1)
			go func() {
				text, err := callText(context.Background(), c, "slow")
				if err == nil && text != "finished" {
					err = fmt.Errorf("result %q", text)
				}
				got <- err
			}()
			<-e.started
			done := make(chan error, 1)
			go func() { _, err := e.shutdown(); done <- err }()
			// The server stops accepting at once...
			deadline := time.Now().Add(5 * time.Second)
			for {
				conn, err := net.DialTimeout("tcp", strings.TrimPrefix(e.url, "http://"), time.Second)
				if err != nil {
					break
				}
				conn.Close()
				if time.Now().After(deadline) {
					t.Fatal("still accepting connections after shutdown began")
				}
				time.Sleep(10 * time.Millisecond)
			}
			// ...and waits for the call.
			select {
			case <-done:
				t.Fatal("Serve returned while a call was in flight")
			case <-time.After(200 * time.Millisecond):
			}
			close(e.release)
			if err := <-got; err != nil {
				t.Fatalf("in-flight call: %v", err)
			}
			if err := <-done; err != nil {
				t.Fatalf("Serve: %v", err)
			}
		})
	}
}

func TestShutdownTimeoutCutsOffSlowCalls(t *testing.T) {
	e := start(t, Config{ShutdownTimeout: 300 * time.Millisecond})
	c := connect(t, e.url, streamableLegacy, nil)
	go func() { _, _ = callText(context.Background(), c, "slow") }()
	<-e.started
	took, err := e.shutdown()
	if err != nil || took > 5*time.Second {
		t.Fatalf("Serve = %v after %s; want nil soon after the 300ms timeout", err, took)
	}
	if !strings.Contains(e.logs.String(), "shutdown timed out") {
		t.Error("no warning that calls were cut off")
	}
}

// rawSSE is a legacy SSE client on raw HTTP, so that it can post ids an SDK
// client would never send.
type rawSSE struct {
	t        *testing.T
	e        *env
	endpoint string               // /message?sessionId=...
	events   chan json.RawMessage // data of "message" events
}

func openRawSSE(t *testing.T, e *env) *rawSSE {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", e.url+"/sse", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET /sse: %d", resp.StatusCode)
	}
	c := &rawSSE{t: t, e: e, events: make(chan json.RawMessage, 16)}
	endpoint := make(chan string, 1)
	go func() {
		defer close(c.events)
		br := bufio.NewReader(resp.Body)
		var name, data string
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			switch {
			case strings.HasPrefix(line, "event:"):
				name = strings.TrimSpace(line[len("event:"):])
			case strings.HasPrefix(line, "data:"):
				data = strings.TrimSpace(line[len("data:"):])
			case line == "":
				if name == "endpoint" {
					endpoint <- data
				} else if name == "message" {
					c.events <- json.RawMessage(data)
				}
				name, data = "", ""
			}
		}
	}()
	t.Cleanup(func() { cancel(); resp.Body.Close() })
	select {
	case c.endpoint = <-endpoint:
	case <-time.After(5 * time.Second):
		t.Fatal("no endpoint event")
	}
	return c
}

// post sends a message and checks mcp-go accepted it.
func (c *rawSSE) post(msg string) {
	c.t.Helper()
	if resp := c.e.do("POST", c.endpoint, msg, nil); resp.StatusCode != http.StatusAccepted {
		c.t.Fatalf("POST %s: %d", msg, resp.StatusCode)
	}
}

// answer waits for the next response on the stream and returns its id.
func (c *rawSSE) answer() string {
	c.t.Helper()
	for {
		select {
		case data, ok := <-c.events:
			if !ok {
				c.t.Fatal("stream ended")
			}
			var m struct {
				ID     json.RawMessage `json:"id"`
				Method string          `json:"method"`
			}
			if err := json.Unmarshal(data, &m); err != nil {
				c.t.Fatalf("event %s: %v", data, err)
			}
			if m.Method == "" {
				return string(m.ID)
			}
		case <-time.After(5 * time.Second):
			c.t.Fatal("no answer on the stream")
		}
	}
}

// TestSSEShutdownAfterAnswers: requests with awkward ids are answered with
// their ids exactly as sent (never re-encoded: "a<b" stays "a<b", 1.0 stays
// 1.0, 2^53+1 keeps its last digit); once the answers are written, shutdown
// does not wait for them.
func TestSSEShutdownAfterAnswers(t *testing.T) {
	e := start(t, Config{ShutdownTimeout: 10 * time.Second})
	c := openRawSSE(t, e)
	for _, id := range []string{`"a<b"`, `1.0`, `9007199254740993`, `"\u00e9"`, `1e400`, `-0`, `"012"`} {
		c.post(`{"jsonrpc":"2.0","id": ` + id + ` ,"method":"ping"}`)
		if got := c.answer(); got != id {
			t.Fatalf("id %s answered as %s", id, got)
		}
	}
	c.post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`) // no answer due
	// The answer is struck off when written, before the client can read it.
	if n := e.srv.tracker.Len(); n != 0 {
		t.Fatalf("%d requests still pending after their answers were read", n)
	}
	took, err := e.shutdown()
	if err != nil || took > 3*time.Second {
		t.Fatalf("Serve = %v after %s; want nil well under the 10s shutdown timeout", err, took)
	}
	if logs := e.logs.String(); strings.Contains(logs, "timed out") {
		t.Errorf("shutdown reported a timeout:\n%s", logs)
	}
}

// TestGETWithoutSession: a GET /mcp without Mcp-Session-Id on the
// session-era protocol (a browser, plain curl) gets 400 at once with a JSON
// body saying what /mcp expects, whatever it accepts, instead of an event
// stream that never ends; it takes nothing from --max-sessions. On the
// stateless protocol, GET is mcp-go's to refuse, as before.
func TestGETWithoutSession(t *testing.T) {
	e := start(t, Config{MaxSessions: 2})
	for _, accept := range []string{"text/event-stream", "*/*", "text/html,application/xhtml+xml,*/*;q=0.8"} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		req, _ := http.NewRequestWithContext(ctx, "GET", e.url+"/mcp", nil)
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			cancel()
			t.Fatalf("Accept %s: %v", accept, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		var got struct{ Error, Message string }
		if resp.StatusCode != 400 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
			json.Unmarshal(body, &got) != nil || got.Error != "missing_session_id" ||
			!strings.Contains(got.Message, "Mcp-Session-Id") || !strings.Contains(got.Message, "initialize") {
			t.Fatalf("GET /mcp (Accept %s) without a session: %d %s %s; want 400 with a JSON error naming Mcp-Session-Id and initialize",
				accept, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	resp := e.do("GET", "/mcp", "", map[string]string{"Accept": "text/event-stream", "MCP-Protocol-Version": mcp.ProtocolVersion20260728})
	if resp.StatusCode == 200 || resp.StatusCode == 400 {
		t.Fatalf("stateless GET /mcp: %d; want mcp-go's refusal of GET on the stateless protocol", resp.StatusCode)
	}
	for i := 0; i < 2; i++ {
		if resp := e.do("POST", "/mcp", initBody, nil); resp.StatusCode != 200 || resp.Header.Get("Mcp-Session-Id") == "" {
			t.Fatalf("initialize %d after header-less GETs: %d", i, resp.StatusCode)
		}
	}
	if n := e.srv.sessions.count(); n != 2 {
		t.Fatalf("%d sessions counted, want 2 (the initialized ones)", n)
	}
}
