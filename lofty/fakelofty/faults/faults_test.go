package faults_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
)

// fetch sends GET for the demo lead with an agent and reads the whole body.
func fetch(ctx context.Context, c *http.Client, base string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		base+"/v2.0/sales-agents/by-lead"+"?leadId="+strconv.FormatInt(fakelofty.DemoLeadWithAgent, 10), nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "token k")
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestScriptedAnswersInOrderThenNormal(t *testing.T) {
	f := faults.New(nil)
	base := f.Start(t)
	reset := time.Now().Add(30 * time.Second)
	f.Script(
		faults.RetryAfter(7),
		faults.TooManyRequests(faults.RateLimitHeaders(10, 0, reset)...),
		faults.ServerError(503, "Retry-After", "2"),
		faults.HTMLErrorPage(502),
		faults.MalformedJSON(),
		faults.EmptyBody(),
		faults.Status(500, `{"code":1,"message":"boom"}`),
		faults.Pass(faults.RateLimitHeaders(10, 9, reset)...),
	)
	if f.Pending() != 8 {
		t.Fatalf("Pending = %d, want 8", f.Pending())
	}
	type want struct {
		status       int
		header, val  string
		bodyContains string
	}
	wants := []want{
		{429, "Retry-After", "7", "Too Many Requests"},
		{429, "X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10), "Too Many Requests"},
		{503, "Retry-After", "2", "Service Unavailable"},
		{502, "Content-Type", "text/html", "<html>"},
		{200, "Content-Type", "application/json", `{"id": 12345, "agentName": "John`},
		{200, "Content-Length", "0", ""},
		{500, "Content-Type", "application/json", "boom"},
		{200, "X-RateLimit-Remaining", "9", `"agentName":"John Doe"`},
		{200, "Content-Type", "application/json", `"agentName":"John Doe"`}, // queue empty: normal
	}
	for i, w := range wants {
		resp, body, err := fetch(context.Background(), http.DefaultClient, base)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if resp.StatusCode != w.status || resp.Header.Get(w.header) != w.val || !strings.Contains(string(body), w.bodyContains) {
			t.Errorf("request %d: got %d %s=%q %q; want %d %s=%q containing %q", i, resp.StatusCode,
				w.header, resp.Header.Get(w.header), body, w.status, w.header, w.val, w.bodyContains)
		}
	}
}

func TestRepeat(t *testing.T) {
	f := faults.New(nil)
	base := f.Start(t)
	f.Script(faults.Repeat(3, faults.ServerError(504))...)
	for i := range 4 {
		resp, _, err := fetch(context.Background(), http.DefaultClient, base)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{true: 504, false: 200}[i < 3]; resp.StatusCode != want {
			t.Errorf("request %d: status %d, want %d", i, resp.StatusCode, want)
		}
	}
}

func TestOversized(t *testing.T) {
	f := faults.New(nil)
	base := f.Start(t)
	f.Script(faults.Oversized(1 << 20))
	resp, body, err := fetch(context.Background(), http.DefaultClient, base)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || len(body) < 1<<20 || !json.Valid(body) {
		t.Errorf("got %d, %d bytes (valid JSON %v); want 200 with over 1 MiB of valid JSON", resp.StatusCode, len(body), json.Valid(body))
	}
}

func TestSlowAndHangObserveCancellation(t *testing.T) {
	f := faults.New(nil)
	base := f.Start(t)

	f.Script(faults.Slow(50*time.Millisecond, faults.Pass()))
	start := time.Now()
	resp, _, err := fetch(context.Background(), http.DefaultClient, base)
	if err != nil || resp.StatusCode != 200 || time.Since(start) < 50*time.Millisecond {
		t.Fatalf("slow answer: %v, %v after %v", resp, err, time.Since(start))
	}

	for _, a := range []faults.Answer{faults.Slow(time.Hour, faults.Pass()), faults.Hang()} {
		before := f.Cancelled()
		f.Script(a)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		_, _, err := fetch(ctx, http.DefaultClient, base)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: err = %v, want a deadline error", a, err)
		}
		testutil.WaitFor(t, a.String()+": cancellation observed", 5*time.Second, func() bool { return f.Cancelled() == before+1 })
	}
}

func TestTrickle(t *testing.T) {
	f := faults.New(nil)
	base := f.Start(t)
	f.Script(faults.Trickle(64, 10*time.Millisecond))
	start := time.Now()
	resp, body, err := fetch(context.Background(), http.DefaultClient, base)
	if err != nil || resp.StatusCode != 200 || !json.Valid(body) {
		t.Fatalf("trickle: %v %v %q", resp, err, body)
	}
	if min := time.Duration(len(body)/64) * 10 * time.Millisecond; time.Since(start) < min {
		t.Errorf("a %d-byte body trickled in %v, want at least %v", len(body), time.Since(start), min)
	}

	before := f.Cancelled()
	f.Script(faults.Trickle(8, time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, _, err = fetch(ctx, http.DefaultClient, base)
	if err == nil {
		t.Fatal("a body trickling one chunk an hour arrived within 100ms")
	}
	testutil.WaitFor(t, "cancellation observed", 5*time.Second, func() bool { return f.Cancelled() == before+1 })
}

func TestResetMidBody(t *testing.T) {
	f := faults.New(nil)
	base := f.Start(t)
	f.Script(faults.ResetMidBody())
	resp, body, err := fetch(context.Background(), &http.Client{Transport: &http.Transport{}}, base)
	if err == nil {
		t.Fatalf("got %v %q and no error, want the connection reset mid-body", resp, body)
	}
	if resp == nil || resp.StatusCode != 200 {
		t.Errorf("status line not received before the reset: %v", resp)
	}
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("err = %v, want connection reset or unexpected EOF", err)
	}
	// The fake still serves normally afterwards.
	if resp, _, err := fetch(context.Background(), http.DefaultClient, base); err != nil || resp.StatusCode != 200 {
		t.Errorf("after the reset: %v %v", resp, err)
	}
}

func TestRefusedURL(t *testing.T) {
	u, err := faults.RefusedURL()
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = fetch(context.Background(), http.DefaultClient, u)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("err = %v, want connection refused", err)
	}
}

func TestScriptThroughInProcessClient(t *testing.T) {
	f := faults.New(nil)
	f.Script(faults.RetryAfter(1), faults.ResetMidBody())
	resp, _, err := fetch(context.Background(), f.Client(), "http://fake.invalid")
	if err != nil || resp.StatusCode != 429 {
		t.Fatalf("got %v %v, want 429", resp, err)
	}
	resp, body, err := fetch(context.Background(), f.Client(), "http://fake.invalid")
	if err != nil || resp.StatusCode != 200 || json.Valid(body) {
		t.Errorf("in process, reset mid-body should end the body early: %v %v %q", resp, err, body)
	}
}
