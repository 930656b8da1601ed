package lofty_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

const (
	testKey   = "lk_test_5f1c0e9a7b2d4e6f8a0b1c2d3e4f5a6b"
	testToken = "eyJhbGciOiJIUzI1NiJ9.lofty-access-token.sig"
	leadID    = fakelofty.DemoLeadWithAgent
)

var apiKey = lofty.Credential{Kind: lofty.APIKey, Secret: testKey}

// newClient returns a client for baseURL configured by cfg, with a 5s
// timeout unless cfg sets one.
func newClient(t *testing.T, baseURL string, cfg lofty.Config) *lofty.Client {
	t.Helper()
	cfg.BaseURL = baseURL
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	c, err := lofty.New(cfg)
	if err != nil {
		t.Fatalf("lofty.New: %v", err)
	}
	return c
}

// scriptedFake starts a fake Lofty whose every answer is given by h.
func scriptedFake(t *testing.T, h http.HandlerFunc) (*fakelofty.Fake, string) {
	t.Helper()
	f := fakelofty.New(nil)
	f.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		h(w, r)
		return true
	}
	return f, f.Start(t)
}

// reply writes status, headers and body.
func reply(status int, contentType, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// mustLoftyError asserts err is a *lofty.Error and returns it.
func mustLoftyError(t *testing.T, err error) *lofty.Error {
	t.Helper()
	if err == nil {
		t.Fatal("got no error, want a *lofty.Error")
	}
	le, ok := lofty.AsError(err)
	if !ok {
		t.Fatalf("error %T %q is not a *lofty.Error", err, err)
	}
	return le
}

func TestErrorStatuses(t *testing.T) {
	const htmlPage = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
	cases := []struct {
		name     string
		h        http.HandlerFunc
		kind     lofty.Kind
		status   int
		code     string
		message  string
		retry    time.Duration
		retryMin time.Duration // when retry is approximate: [retryMin, retry]
	}{
		{name: "400 JSON body", h: reply(400, "application/json", `{"code":100002,"message":"Invalid lead ID parameter."}`),
			kind: lofty.KindBadRequest, status: 400, code: "100002", message: "Invalid lead ID parameter."},
		{name: "400 key sent as Bearer", h: reply(400, "application/json", `{"code":200058,"message":"Invalid access token"}`),
			kind: lofty.KindBadRequest, status: 400, code: "200058", message: "Invalid access token"},
		{name: "400 code as a JSON string", h: reply(400, "application/json", `{"code":"200058","message":"Invalid access token"}`),
			kind: lofty.KindBadRequest, status: 400, code: "200058", message: "Invalid access token"},
		{name: "400 msg instead of message", h: reply(400, "application/json", `{"code":7,"msg":"bad thing"}`),
			kind: lofty.KindBadRequest, status: 400, code: "7", message: "bad thing"},
		{name: "400 ApiCommonResponse with data", h: reply(400, "application/json", `{"code":100001,"message":"Required parameter 'leadId' is not present","data":{}}`),
			kind: lofty.KindBadRequest, status: 400, code: "100001", message: "Required parameter 'leadId' is not present"},
		{name: "401 plain text", h: reply(401, "text/plain", "Missing or invalid authentication token."),
			kind: lofty.KindUnauthorized, status: 401, message: "Missing or invalid authentication token."},
		{name: "401 JSON string (as the document declares)", h: reply(401, "application/json", `"Missing or invalid authentication token."`),
			kind: lofty.KindUnauthorized, status: 401, message: "Missing or invalid authentication token."},
		{name: "403 plain text", h: reply(403, "text/plain", "Caller does not have access to this lead."),
			kind: lofty.KindForbidden, status: 403, message: "Caller does not have access to this lead."},
		{name: "404 plain text", h: reply(404, "application/json", "Sales Agent not found for the lead."),
			kind: lofty.KindNotFound, status: 404, message: "Sales Agent not found for the lead."},
		{name: "404 empty body", h: reply(404, "", ""),
			kind: lofty.KindNotFound, status: 404},
		{name: "429 Retry-After seconds", h: reply(429, "application/json", `{"message":"Too Many Requests"}`, "Retry-After", "7"),
			kind: lofty.KindRateLimited, status: 429, message: "Too Many Requests", retry: 7 * time.Second, retryMin: 7 * time.Second},
		{name: "429 X-RateLimit-Reset", h: reply(429, "application/json", `{"message":"Too Many Requests"}`,
			"X-RateLimit-Limit", "10", "X-RateLimit-Remaining", "0",
			"X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(40*time.Second).Unix(), 10)),
			kind: lofty.KindRateLimited, status: 429, message: "Too Many Requests", retry: 41 * time.Second, retryMin: 30 * time.Second},
		{name: "429 Retry-After wins over X-RateLimit-Reset", h: reply(429, "application/json", `{"message":"Too Many Requests"}`,
			"Retry-After", "3", "X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(50*time.Second).Unix(), 10)),
			kind: lofty.KindRateLimited, status: 429, message: "Too Many Requests", retry: 3 * time.Second, retryMin: 3 * time.Second},
		{name: "429 Retry-After HTTP date", h: reply(429, "application/json", `{"message":"Too Many Requests"}`,
			"Retry-After", time.Now().Add(90*time.Second).UTC().Format(http.TimeFormat)),
			kind: lofty.KindRateLimited, status: 429, message: "Too Many Requests", retry: 91 * time.Second, retryMin: 80 * time.Second},
		{name: "429 reset in the past", h: reply(429, "application/json", `{"message":"Too Many Requests"}`,
			"X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)),
			kind: lofty.KindRateLimited, status: 429, message: "Too Many Requests"},
		{name: "429 no hint", h: reply(429, "application/json", `{"message":"Too Many Requests"}`),
			kind: lofty.KindRateLimited, status: 429, message: "Too Many Requests"},
		{name: "500 plain text", h: reply(500, "application/json", "Internal server error."),
			kind: lofty.KindUnavailable, status: 500, message: "Internal server error."},
		{name: "502 HTML page", h: reply(502, "text/html", htmlPage),
			kind: lofty.KindUnavailable, status: 502, message: "(an HTML error page)"},
		{name: "503 with Retry-After", h: reply(503, "text/plain", "Service Unavailable", "Retry-After", "120"),
			kind: lofty.KindUnavailable, status: 503, message: "Service Unavailable", retry: 120 * time.Second, retryMin: 120 * time.Second},
		{name: "504 JSON", h: reply(504, "application/json", `{"code":504,"message":"Gateway Timeout"}`),
			kind: lofty.KindUnavailable, status: 504, code: "504", message: "Gateway Timeout"},
		{name: "418 unexpected status", h: reply(418, "text/plain", "I'm a teapot"),
			kind: lofty.KindUnknown, status: 418, message: "I'm a teapot"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, url := scriptedFake(t, tc.h)
			c := newClient(t, url, lofty.Config{Credential: apiKey})
			out, err := c.SalesAgentByLead(context.Background(), leadID)
			le := mustLoftyError(t, err)
			if le.Kind != tc.kind {
				t.Errorf("Kind = %v, want %v", le.Kind, tc.kind)
			}
			if lofty.KindOf(err) != tc.kind {
				t.Errorf("KindOf = %v, want %v", lofty.KindOf(err), tc.kind)
			}
			if le.Status != tc.status {
				t.Errorf("Status = %d, want %d", le.Status, tc.status)
			}
			if le.Code != tc.code {
				t.Errorf("Code = %q, want %q", le.Code, tc.code)
			}
			if le.Message != tc.message {
				t.Errorf("Message = %q, want %q", le.Message, tc.message)
			}
			if le.Path != lofty.SalesAgentPath {
				t.Errorf("Path = %q, want %q", le.Path, lofty.SalesAgentPath)
			}
			if le.Credential != "LOFTY_API_KEY" {
				t.Errorf("Credential = %q, want LOFTY_API_KEY", le.Credential)
			}
			if le.RetryAfter < tc.retryMin || le.RetryAfter > tc.retry {
				t.Errorf("RetryAfter = %v, want in [%v, %v]", le.RetryAfter, tc.retryMin, tc.retry)
			}
			if out != (lofty.SalesAgent{}) {
				t.Errorf("result on error = %+v, want the zero SalesAgent", out)
			}
			msg := err.Error()
			for _, want := range []string{"GET " + lofty.SalesAgentPath, tc.kind.String(), fmt.Sprintf("HTTP %d", tc.status), tc.code, tc.message} {
				if !strings.Contains(msg, want) {
					t.Errorf("Error() = %q, want it to contain %q", msg, want)
				}
			}
			if strings.Contains(msg, "<html") || strings.Contains(msg, "<center>") {
				t.Errorf("Error() = %q echoes the HTML page", msg)
			}
		})
	}
}

func TestErrorMessageIsShortened(t *testing.T) {
	long := strings.Repeat("word ", 400) // 2000 bytes
	_, url := scriptedFake(t, reply(500, "text/plain", long))
	c := newClient(t, url, lofty.Config{Credential: apiKey})
	_, err := c.SalesAgentByLead(context.Background(), leadID)
	le := mustLoftyError(t, err)
	if n := len(le.Message); n > 310 || n < 100 {
		t.Errorf("Message is %d bytes, want it cut to about 300", n)
	}
	if !strings.HasSuffix(le.Message, "…") {
		t.Errorf("shortened Message %q does not end in an ellipsis", le.Message)
	}
}

func TestErrorMessageShortenedOnRuneBoundary(t *testing.T) {
	long := strings.Repeat("é", 400) // 2 bytes each
	_, url := scriptedFake(t, reply(500, "text/plain; charset=utf-8", long))
	c := newClient(t, url, lofty.Config{Credential: apiKey})
	_, err := c.SalesAgentByLead(context.Background(), leadID)
	le := mustLoftyError(t, err)
	if !json.Valid([]byte(strconv.Quote(le.Message))) || !isValidUTF8(le.Message) {
		t.Errorf("shortened Message is not valid UTF-8: %q", le.Message)
	}
}

func isValidUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestTimeoutWaitingForHeaders(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	_, url := scriptedFake(t, func(w http.ResponseWriter, r *http.Request) {
		select { // slower than the client's timeout: answer only when the client gives up
		case <-r.Context().Done():
		case <-release:
		}
	})
	c := newClient(t, url, lofty.Config{Credential: apiKey, Timeout: 100 * time.Millisecond})
	_, err := c.SalesAgentByLead(context.Background(), leadID)
	le := mustLoftyError(t, err)
	if le.Kind != lofty.KindUnavailable {
		t.Errorf("Kind = %v, want unavailable", le.Kind)
	}
	if le.Status != 0 {
		t.Errorf("Status = %d, want 0 (no response)", le.Status)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(err, context.DeadlineExceeded) = false for %v", err)
	}
	if !strings.Contains(le.Message, "100ms") {
		t.Errorf("Message = %q, want it to name the 100ms timeout", le.Message)
	}
	if le.Path != lofty.SalesAgentPath {
		t.Errorf("Path = %q", le.Path)
	}
}

func TestTimeoutWhileReadingBody(t *testing.T) {
	_, url := scriptedFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		_, _ = w.Write([]byte(`{"id": 1, "agentName": "`))
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the rest of the body never comes
	})
	c := newClient(t, url, lofty.Config{Credential: apiKey, Timeout: 100 * time.Millisecond})
	_, err := c.SalesAgentByLead(context.Background(), leadID)
	le := mustLoftyError(t, err)
	if le.Kind != lofty.KindUnavailable {
		t.Errorf("Kind = %v, want unavailable (%v)", le.Kind, err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(err, context.DeadlineExceeded) = false for %v", err)
	}
}

func TestCallerCancellation(t *testing.T) {
	arrived := make(chan struct{})
	_, url := scriptedFake(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
	})
	c := newClient(t, url, lofty.Config{Credential: apiKey})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	_, err := c.SalesAgentByLead(ctx, leadID)
	le := mustLoftyError(t, err)
	if le.Kind != lofty.KindUnavailable || !errors.Is(err, context.Canceled) {
		t.Errorf("got %v (kind %v), want an unavailable error wrapping context.Canceled", err, le.Kind)
	}
}

func TestConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	c := newClient(t, url, lofty.Config{Credential: apiKey})
	_, err := c.SalesAgentByLead(context.Background(), leadID)
	le := mustLoftyError(t, err)
	if le.Kind != lofty.KindUnavailable || le.Status != 0 {
		t.Errorf("got kind %v status %d, want unavailable with no status", le.Kind, le.Status)
	}
}

func TestOversizedBody(t *testing.T) {
	agent := `{"id":12345,"agentName":"` + strings.Repeat("x", 200) + `"}`
	cases := []struct {
		name   string
		status int
		body   string
		limit  int64
		kind   lofty.Kind
	}{
		{"200 body over the cap", 200, agent, 64, lofty.KindBadResponse},
		{"200 body one byte over the cap", 200, agent, int64(len(agent)) - 1, lofty.KindBadResponse},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, url := scriptedFake(t, reply(tc.status, "application/json", tc.body))
			c := newClient(t, url, lofty.Config{Credential: apiKey, MaxBodyBytes: tc.limit})
			out, err := c.SalesAgentByLead(context.Background(), leadID)
			le := mustLoftyError(t, err)
			if le.Kind != tc.kind {
				t.Errorf("Kind = %v, want %v", le.Kind, tc.kind)
			}
			if le.Status != tc.status {
				t.Errorf("Status = %d, want %d", le.Status, tc.status)
			}
			if want := strconv.FormatInt(tc.limit, 10); !strings.Contains(le.Message, want) {
				t.Errorf("Message = %q, want it to name the %s-byte limit", le.Message, want)
			}
			if out.ID != nil {
				t.Errorf("partial result decoded from an oversized body: %+v", out)
			}
		})
	}

	// An error status keeps its meaning when its body is too large: a 503 is
	// still "unavailable", a 429 still "rate limited" with its Retry-After.
	for _, tc := range []struct {
		status int
		kind   lofty.Kind
	}{{503, lofty.KindUnavailable}, {429, lofty.KindRateLimited}, {404, lofty.KindNotFound}} {
		t.Run(fmt.Sprintf("%d body over the cap keeps its kind", tc.status), func(t *testing.T) {
			_, url := scriptedFake(t, reply(tc.status, "text/html", "<html>"+strings.Repeat("z", 500)+"</html>", "Retry-After", "30"))
			c := newClient(t, url, lofty.Config{Credential: apiKey, MaxBodyBytes: 64})
			_, err := c.SalesAgentByLead(context.Background(), leadID)
			le := mustLoftyError(t, err)
			if le.Kind != tc.kind || le.Status != tc.status {
				t.Errorf("got kind %v status %d, want %v %d: the status, not the body size, decides an error's kind", le.Kind, le.Status, tc.kind, tc.status)
			}
			if tc.status == 429 && le.RetryAfter != 30*time.Second {
				t.Errorf("RetryAfter = %v, want 30s", le.RetryAfter)
			}
		})
	}

	t.Run("body exactly at the cap is accepted", func(t *testing.T) {
		_, url := scriptedFake(t, reply(200, "application/json", agent))
		c := newClient(t, url, lofty.Config{Credential: apiKey, MaxBodyBytes: int64(len(agent))})
		out, err := c.SalesAgentByLead(context.Background(), leadID)
		if err != nil {
			t.Fatalf("SalesAgentByLead: %v", err)
		}
		if out.ID == nil || *out.ID != 12345 {
			t.Errorf("ID = %v, want 12345", out.ID)
		}
	})

	t.Run("default cap is 4 MiB", func(t *testing.T) {
		big := `{"id":1,"agentName":"` + strings.Repeat("y", lofty.DefaultMaxBodyBytes) + `"}`
		_, url := scriptedFake(t, reply(200, "application/json", big))
		c := newClient(t, url, lofty.Config{Credential: apiKey})
		_, err := c.SalesAgentByLead(context.Background(), leadID)
		if le := mustLoftyError(t, err); le.Kind != lofty.KindBadResponse {
			t.Errorf("Kind = %v, want bad_response", le.Kind)
		}
	})
}

func TestBadSuccessBodies(t *testing.T) {
	cases := []struct {
		name, body, message string
	}{
		{"empty body", "", "empty response body"},
		{"malformed JSON", `{"id": 12345, "agentName": `, "not the JSON"},
		{"HTML", "<html><body>maintenance</body></html>", "not the JSON"},
		{"array instead of object", `[{"id": 1}]`, "not the JSON"},
		{"the identifying field unreadable", `{"id": "twelve", "agentName": "John"}`, "identifies"},
		{"no identifying field", `{"agentName": "John"}`, "identifies"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, url := scriptedFake(t, reply(200, "application/json", tc.body))
			c := newClient(t, url, lofty.Config{Credential: apiKey})
			_, err := c.SalesAgentByLead(context.Background(), leadID)
			le := mustLoftyError(t, err)
			if le.Kind != lofty.KindBadResponse {
				t.Errorf("Kind = %v, want bad_response", le.Kind)
			}
			if le.Status != 200 {
				t.Errorf("Status = %d, want 200", le.Status)
			}
			if !strings.Contains(le.Message, tc.message) {
				t.Errorf("Message = %q, want it to contain %q", le.Message, tc.message)
			}
		})
	}
}

func TestAuthorizationHeader(t *testing.T) {
	cases := []struct {
		name string
		cred lofty.Credential
		want string
	}{
		{"API key", lofty.Credential{Kind: lofty.APIKey, Secret: testKey}, "token " + testKey},
		{"access token", lofty.Credential{Kind: lofty.AccessToken, Secret: testToken}, "Bearer " + testToken},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := fakelofty.New(nil)
			url := f.Start(t)
			c := newClient(t, url, lofty.Config{Credential: tc.cred, UserAgent: "lofty-mcp/v1.2.3-test"})
			if _, err := c.SalesAgentByLead(context.Background(), leadID); err != nil {
				t.Fatalf("SalesAgentByLead: %v", err)
			}
			reqs := f.Requests()
			if len(reqs) != 1 {
				t.Fatalf("fake saw %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Authorization != tc.want {
				t.Errorf("Authorization = %q, want %q", r.Authorization, tc.want)
			}
			if r.UserAgent != "lofty-mcp/v1.2.3-test" {
				t.Errorf("User-Agent = %q, want lofty-mcp/v1.2.3-test", r.UserAgent)
			}
			if r.Method != http.MethodGet || r.Path != lofty.SalesAgentPath {
				t.Errorf("request = %s %s, want GET %s", r.Method, r.Path, lofty.SalesAgentPath)
			}
		})
	}
}

func TestRequestHeaders(t *testing.T) {
	var got http.Header
	_, url := scriptedFake(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		reply(200, "application/json", `{"id":1}`)(w, r)
	})
	c := newClient(t, url, lofty.Config{Credential: apiKey})
	if _, err := c.SalesAgentByLead(context.Background(), leadID); err != nil {
		t.Fatal(err)
	}
	if v := got.Get("Accept"); v != "application/json" {
		t.Errorf("Accept = %q, want application/json", v)
	}
	if v := got.Get("User-Agent"); v != "lofty-mcp" {
		t.Errorf("default User-Agent = %q, want lofty-mcp", v)
	}
}

func TestWithCredentialOverridesPerRequest(t *testing.T) {
	f := fakelofty.New(nil)
	url := f.Start(t)
	c := newClient(t, url, lofty.Config{Credential: apiKey})

	override := lofty.Credential{Kind: lofty.AccessToken, Secret: "per-request-token"}
	if _, err := c.SalesAgentByLead(lofty.WithCredential(context.Background(), override), leadID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SalesAgentByLead(context.Background(), leadID); err != nil {
		t.Fatal(err)
	}
	// A zero credential in the context does not wipe out the client's own.
	if _, err := c.SalesAgentByLead(lofty.WithCredential(context.Background(), lofty.Credential{}), leadID); err != nil {
		t.Fatal(err)
	}
	reqs := f.Requests()
	want := []string{"Bearer per-request-token", "token " + testKey, "token " + testKey}
	if len(reqs) != len(want) {
		t.Fatalf("fake saw %d requests, want %d", len(reqs), len(want))
	}
	for i, w := range want {
		if reqs[i].Authorization != w {
			t.Errorf("request %d Authorization = %q, want %q", i, reqs[i].Authorization, w)
		}
	}
}

func TestWithCredentialOnClientWithoutOne(t *testing.T) {
	f := fakelofty.New(nil)
	url := f.Start(t)
	c := newClient(t, url, lofty.Config{})
	if c.HasCredential() {
		t.Fatal("HasCredential = true for a client without a credential")
	}
	override := lofty.Credential{Kind: lofty.APIKey, Secret: "header-key", Source: "X-Lofty-Api-Key header"}
	if _, err := c.SalesAgentByLead(lofty.WithCredential(context.Background(), override), leadID); err != nil {
		t.Fatal(err)
	}
	if got := f.Requests()[0].Authorization; got != "token header-key" {
		t.Errorf("Authorization = %q, want token header-key", got)
	}

	// The error names the per-request credential's source.
	_, url = scriptedFake(t, reply(401, "text/plain", "Missing or invalid authentication token."))
	c = newClient(t, url, lofty.Config{})
	_, err := c.SalesAgentByLead(lofty.WithCredential(context.Background(), override), leadID)
	if le := mustLoftyError(t, err); le.Credential != "X-Lofty-Api-Key header" {
		t.Errorf("Credential = %q, want the override's source", le.Credential)
	}
}

func TestNoCredentials(t *testing.T) {
	f := fakelofty.New(nil)
	url := f.Start(t)
	for _, cred := range []lofty.Credential{{}, {Kind: lofty.APIKey}, {Kind: lofty.AccessToken, Secret: ""}} {
		c := newClient(t, url, lofty.Config{Credential: cred})
		if c.HasCredential() {
			t.Errorf("HasCredential = true for %#v", cred)
		}
		_, err := c.SalesAgentByLead(context.Background(), leadID)
		le := mustLoftyError(t, err)
		if le.Kind != lofty.KindNoCredentials {
			t.Errorf("Kind = %v, want no_credentials", le.Kind)
		}
	}
	if n := f.RequestCount(); n != 0 {
		t.Errorf("fake saw %d requests without credentials, want 0", n)
	}
}

func TestCredentialSourceName(t *testing.T) {
	cases := []struct {
		cred lofty.Credential
		want string
	}{
		{lofty.Credential{Kind: lofty.APIKey, Secret: "k"}, "LOFTY_API_KEY"},
		{lofty.Credential{Kind: lofty.AccessToken, Secret: "t"}, "LOFTY_ACCESS_TOKEN"},
		{lofty.Credential{Kind: lofty.AccessToken, Secret: "t", Source: "Authorization header"}, "Authorization header"},
	}
	for _, tc := range cases {
		if got := tc.cred.SourceName(); got != tc.want {
			t.Errorf("SourceName() = %q, want %q", got, tc.want)
		}
	}
}

func TestCredentialNeverPrinted(t *testing.T) {
	for _, cred := range []lofty.Credential{
		{Kind: lofty.APIKey, Secret: testKey, Source: "LOFTY_API_KEY"},
		{Kind: lofty.AccessToken, Secret: testToken},
	} {
		var logs bytes.Buffer
		slog.New(slog.NewJSONHandler(&logs, nil)).Info("configured", "credential", cred)
		slog.New(slog.NewTextHandler(&logs, nil)).Info("configured", "credential", cred, "config", lofty.Config{Credential: cred})
		printed := fmt.Sprintf("%v %+v %#v %s %q", cred, cred, cred, cred, cred) +
			fmt.Sprintf("%v %+v", lofty.Config{Credential: cred}, &lofty.Config{Credential: cred}) + logs.String()
		if strings.Contains(printed, cred.Secret) {
			t.Errorf("the secret appears in printed output: %s", printed)
		}
		if !strings.Contains(printed, "redacted") {
			t.Errorf("printed output does not say the credential is redacted: %s", printed)
		}
	}
	if got := (lofty.Credential{}).String(); got != "none" {
		t.Errorf("zero Credential String() = %q, want none", got)
	}
}

// TestClientNeverPrintsTheCredential: a *lofty.Client that ends up in a log
// line or a %+v (a debugging print, slog.Any) must not show its secret.
func TestClientNeverPrintsTheCredential(t *testing.T) {
	for _, cred := range []lofty.Credential{apiKey, {Kind: lofty.AccessToken, Secret: testToken}} {
		c := newClient(t, "http://lofty.invalid", lofty.Config{Credential: cred})
		var logs bytes.Buffer
		slog.New(slog.NewTextHandler(&logs, nil)).Info("built", "client", c)
		slog.New(slog.NewJSONHandler(&logs, nil)).Info("built", "client", c)
		printed := fmt.Sprintf("%v|%+v|%#v", c, c, c) + logs.String()
		if strings.Contains(printed, cred.Secret) {
			t.Errorf("printing a *lofty.Client shows the %v secret: %s", cred, printed)
		}
	}
}

func TestCredentialNeverInErrors(t *testing.T) {
	// Lofty echoing the request's Authorization header back in its error body,
	// in every place an error can carry text.
	echo := func(status int, format string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			auth := r.Header.Get("Authorization")
			reply(status, "application/json", strings.ReplaceAll(format, "AUTH", auth))(w, r)
		}
	}
	cases := []struct {
		name string
		h    http.HandlerFunc
	}{
		{"JSON message", echo(401, `{"code":401,"message":"invalid credential AUTH"}`)},
		{"JSON code", echo(400, `{"code":"AUTH","message":"bad"}`)},
		{"plain text", echo(403, `no access for AUTH`)},
		{"JSON string", echo(404, `"not found for AUTH"`)},
		{"5xx", echo(500, `upstream said: AUTH AUTH`)},
		{"429", echo(429, `{"message":"Too Many Requests for AUTH"}`)},
	}
	for _, kind := range []lofty.Credential{
		{Kind: lofty.APIKey, Secret: testKey},
		{Kind: lofty.AccessToken, Secret: testToken},
	} {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, url := scriptedFake(t, tc.h)
				c := newClient(t, url, lofty.Config{Credential: kind})
				_, err := c.SalesAgentByLead(context.Background(), leadID)
				le := mustLoftyError(t, err)
				for what, s := range map[string]string{
					"Error()": err.Error(), "%+v": fmt.Sprintf("%+v", err), "%#v": fmt.Sprintf("%#v", le),
				} {
					if strings.Contains(s, kind.Secret) {
						t.Errorf("%s contains the credential: %s", what, s)
					}
				}
				if !strings.Contains(err.Error()+le.Code, "[redacted]") {
					t.Errorf("Error() = %q: the echoed credential should be shown as [redacted]", err.Error())
				}
			})
		}
	}
}

// TestCredentialNotLeakedByShortening: a long error body is cut to about 300
// bytes; when the cut falls inside an echoed credential, no part of the
// credential may survive either.
func TestCredentialNotLeakedByShortening(t *testing.T) {
	for _, pad := range []int{270, 280, 290} {
		t.Run(strconv.Itoa(pad), func(t *testing.T) {
			_, url := scriptedFake(t, func(w http.ResponseWriter, r *http.Request) {
				reply(401, "text/plain", strings.Repeat("x", pad)+" "+r.Header.Get("Authorization")+" and more text after it")(w, r)
			})
			c := newClient(t, url, lofty.Config{Credential: apiKey})
			_, err := c.SalesAgentByLead(context.Background(), leadID)
			if prefix := testKey[:12]; strings.Contains(err.Error(), prefix) {
				t.Errorf("Error() leaks the start of the credential (%q): %s", prefix, err)
			}
		})
	}
}

func TestUnknownFieldsIgnoredMissingFieldsTolerated(t *testing.T) {
	body := `{
		"id": 12345,
		"agentName": "John Doe",
		"somethingNew": {"nested": [1, 2, {"deep": true}]},
		"anotherNewField": "ignored",
		"status": "ACTIVE"
	}`
	_, url := scriptedFake(t, reply(200, "application/json", body))
	c := newClient(t, url, lofty.Config{Credential: apiKey})
	got, err := c.SalesAgentByLead(context.Background(), leadID)
	if err != nil {
		t.Fatalf("SalesAgentByLead: %v", err)
	}
	id := int64(12345)
	want := lofty.SalesAgent{ID: &id, AgentName: "John Doe", Status: "ACTIVE"}
	if got.ID == nil || *got.ID != 12345 {
		t.Errorf("ID = %v, want 12345", got.ID)
	}
	if got.UserID != nil || got.BorrowID != nil || got.HasQuotaSeat != nil {
		t.Errorf("missing pointer fields are not nil: userId=%v borrowId=%v hasQuotaSeat=%v", got.UserID, got.BorrowID, got.HasQuotaSeat)
	}
	got.ID, want.ID = nil, nil
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// Absent stays absent on the way out: no zero values are invented.
	out, _ := json.Marshal(got)
	var keys map[string]any
	_ = json.Unmarshal(out, &keys)
	for _, k := range []string{"userId", "borrowId", "hasQuotaSeat", "email", "createdAt"} {
		if _, ok := keys[k]; ok {
			t.Errorf("re-encoded result has %q although Lofty left it out: %s", k, out)
		}
	}
}

func TestExplicitFalseAndZeroArePreserved(t *testing.T) {
	_, url := scriptedFake(t, reply(200, "application/json", `{"id":0,"hasQuotaSeat":false,"borrowId":0}`))
	c := newClient(t, url, lofty.Config{Credential: apiKey})
	got, err := c.SalesAgentByLead(context.Background(), leadID)
	if err != nil {
		t.Fatal(err)
	}
	if got.HasQuotaSeat == nil || *got.HasQuotaSeat {
		t.Errorf("hasQuotaSeat = %v, want a pointer to false", got.HasQuotaSeat)
	}
	if got.BorrowID == nil || *got.BorrowID != 0 || got.ID == nil {
		t.Errorf("explicit zeros lost: id=%v borrowId=%v", got.ID, got.BorrowID)
	}
	out, _ := json.Marshal(got)
	if !strings.Contains(string(out), `"hasQuotaSeat":false`) {
		t.Errorf("re-encoded %s lost hasQuotaSeat:false", out)
	}
}

func TestAllSeventeenFieldsDecoded(t *testing.T) {
	f := fakelofty.New(nil)
	url := f.Start(t)
	c := newClient(t, url, lofty.Config{Credential: apiKey})
	got, err := c.SalesAgentByLead(context.Background(), fakelofty.DemoLeadBeyond53Bits)
	if err != nil {
		t.Fatal(err)
	}
	ptr := func(n int64) *int64 { return &n }
	yes := true
	want := lofty.SalesAgent{
		ID: ptr(9007199254740995), UserID: ptr(9007199254740997),
		AgentName: "Max Bits", AgentHeadURL: "https://example.com/avatars/agent-9007199254740997.jpg",
		AssistantName: "Max's AI Assistant", AssistantHeadURL: "https://example.com/avatars/assistant-9007199254740995.jpg",
		VirtualNumber: "+14155550123", VirtualNumberCountry: "US", FollowUpRole: "buyer_agent",
		AgentExperience: "10 years in real estate", Email: "assistant-9007199254740995@example.com",
		Status: "ACTIVE", CreatedAt: "2026-02-20T10:00:00Z", UpdatedAt: "2026-02-28T10:00:00Z",
		HasQuotaSeat: &yes, BorrowLevel: "SELF", BorrowID: ptr(9007199254740997),
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(gotJSON, wantJSON) {
		t.Errorf("decoded\n%s\nwant\n%s", gotJSON, wantJSON)
	}
	// Every one of the 17 properties survives a round trip.
	var m map[string]json.RawMessage
	_ = json.Unmarshal(gotJSON, &m)
	if len(m) != 17 {
		t.Errorf("re-encoded result has %d properties, want 17: %s", len(m), gotJSON)
	}
}

func TestLeadIDReachesLoftyExactly(t *testing.T) {
	f := fakelofty.New(nil)
	url := f.Start(t)
	c := newClient(t, url, lofty.Config{Credential: apiKey})
	for _, id := range []int64{1, fakelofty.DemoLeadWithAgent, 9007199254740993, 9223372036854775807} {
		_, _ = c.SalesAgentByLead(context.Background(), id)
	}
	want := []string{"leadId=1", "leadId=563172647619608", "leadId=9007199254740993", "leadId=9223372036854775807"}
	reqs := f.Requests()
	if len(reqs) != len(want) {
		t.Fatalf("fake saw %d requests, want %d", len(reqs), len(want))
	}
	for i, w := range want {
		if reqs[i].RawQuery != w {
			t.Errorf("request %d RawQuery = %q, want %q", i, reqs[i].RawQuery, w)
		}
	}
	// And the answer for the max-int64 lead decodes exactly.
	got, err := c.SalesAgentByLead(context.Background(), 9223372036854775807)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID == nil || *got.ID != 9223372036854775806 {
		t.Errorf("ID = %v, want 9223372036854775806", got.ID)
	}
}

func TestBaseURL(t *testing.T) {
	f := fakelofty.New(nil)
	var gotPath string
	f.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		gotPath = r.URL.Path
		reply(200, "application/json", `{"id":1}`)(w, r)
		return true
	}
	url := f.Start(t)
	for _, base := range []string{url + "/prefix", url + "/prefix/"} {
		c := newClient(t, base, lofty.Config{Credential: apiKey})
		if _, err := c.SalesAgentByLead(context.Background(), leadID); err != nil {
			t.Fatal(err)
		}
		if gotPath != "/prefix"+lofty.SalesAgentPath {
			t.Errorf("base %q: path = %q, want /prefix%s", base, gotPath, lofty.SalesAgentPath)
		}
	}
	// A trailing slash on a bare host does not double the slash.
	c := newClient(t, url+"/", lofty.Config{Credential: apiKey})
	if _, err := c.SalesAgentByLead(context.Background(), leadID); err != nil {
		t.Fatal(err)
	}
	if gotPath != lofty.SalesAgentPath {
		t.Errorf("path = %q, want %q", gotPath, lofty.SalesAgentPath)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, base := range []string{"api.lofty.com", "ftp://api.lofty.com", "http://", "://nope", "https:///v1"} {
		if _, err := lofty.New(lofty.Config{BaseURL: base}); err == nil {
			t.Errorf("New(BaseURL %q) succeeded, want an error", base)
		} else if !strings.Contains(err.Error(), "LOFTY_BASE_URL") {
			t.Errorf("New(BaseURL %q) error %q does not name LOFTY_BASE_URL", base, err)
		}
	}
	if _, err := lofty.New(lofty.Config{Timeout: -time.Second}); err == nil || !strings.Contains(err.Error(), "LOFTY_TIMEOUT") {
		t.Errorf("New(negative timeout) error = %v, want one naming LOFTY_TIMEOUT", err)
	}
	if _, err := lofty.New(lofty.Config{}); err != nil {
		t.Errorf("New(zero Config) = %v, want the defaults to work", err)
	}
}

func TestInProcessFakeClient(t *testing.T) {
	f := fakelofty.New(nil)
	c, err := lofty.New(lofty.Config{BaseURL: "http://fake.lofty.invalid", Credential: apiKey, HTTPClient: f.Client()})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.SalesAgentByLead(context.Background(), fakelofty.DemoLeadWithAgent)
	if err != nil {
		t.Fatal(err)
	}
	if got.AssistantName != "John's AI Assistant" {
		t.Errorf("AssistantName = %q", got.AssistantName)
	}
	_, err = c.SalesAgentByLead(context.Background(), fakelofty.DemoLeadWithoutAgent)
	if lofty.KindOf(err) != lofty.KindNotFound {
		t.Errorf("lead without agent: %v, want not_found", err)
	}
	_, err = c.SalesAgentByLead(context.Background(), fakelofty.DemoLeadForbidden)
	if lofty.KindOf(err) != lofty.KindForbidden {
		t.Errorf("forbidden lead: %v, want forbidden", err)
	}
}

func TestConcurrentRequests(t *testing.T) {
	f := fakelofty.New(nil)
	url := f.Start(t)
	c := newClient(t, url, lofty.Config{Credential: apiKey})
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A credential of its own each: nothing is coalesced.
			cred := lofty.Credential{Kind: lofty.APIKey, Secret: "k" + strconv.Itoa(i)}
			if i%2 == 1 {
				cred = lofty.Credential{Kind: lofty.AccessToken, Secret: "t" + strconv.Itoa(i)}
			}
			ctx := lofty.WithCredential(context.Background(), cred)
			if _, err := c.SalesAgentByLead(ctx, fakelofty.DemoLeadWithAgent); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := f.RequestCount(); n != 32 {
		t.Errorf("fake saw %d requests, want 32", n)
	}
}

func TestKindAndErrorHelpers(t *testing.T) {
	names := map[lofty.Kind]string{
		lofty.KindUnknown: "unknown", lofty.KindNoCredentials: "no_credentials", lofty.KindBadRequest: "bad_request",
		lofty.KindUnauthorized: "unauthorized", lofty.KindForbidden: "forbidden", lofty.KindNotFound: "not_found",
		lofty.KindRateLimited: "rate_limited", lofty.KindUnavailable: "unavailable", lofty.KindBadResponse: "bad_response",
	}
	for k, want := range names {
		if k.String() != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), k.String(), want)
		}
	}
	if got := lofty.Kind(99).String(); got != "kind(99)" {
		t.Errorf("Kind(99).String() = %q", got)
	}
	inner := &lofty.Error{Kind: lofty.KindForbidden, Status: 403, Path: lofty.SalesAgentPath}
	wrapped := fmt.Errorf("tool: %w", inner)
	if le, ok := lofty.AsError(wrapped); !ok || le != inner {
		t.Errorf("AsError(wrapped) = %v, %v", le, ok)
	}
	if lofty.KindOf(wrapped) != lofty.KindForbidden {
		t.Errorf("KindOf(wrapped) = %v", lofty.KindOf(wrapped))
	}
	if lofty.KindOf(errors.New("plain")) != lofty.KindUnknown {
		t.Error("KindOf(plain error) is not unknown")
	}
	if _, ok := lofty.AsError(errors.New("plain")); ok {
		t.Error("AsError(plain error) = ok")
	}
}
