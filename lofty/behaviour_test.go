package lofty_test

// The client's answers to Lofty as it behaves live, not only as its
// documents say.

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
)

// A field in a harmless unexpected form is read; one that still does not
// fit is dropped (and logged at debug level) rather than failing the whole
// answer; Lofty's common envelope is unwrapped; an empty 200 is "not found".
func TestLenientDecoding(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		check      func(a lofty.SalesAgent) bool
	}{
		{"integer as a decimal string", `{"id":"12345","userId":"9007199254740993"}`,
			func(a lofty.SalesAgent) bool { return *a.ID == 12345 && *a.UserID == 9007199254740993 }},
		{"boolean as a string", `{"id":1,"hasQuotaSeat":"true"}`,
			func(a lofty.SalesAgent) bool { return a.HasQuotaSeat != nil && *a.HasQuotaSeat }},
		{"a field that does not fit is dropped", `{"id":1,"agentName":"John","borrowId":{"x":1}}`,
			func(a lofty.SalesAgent) bool { return a.AgentName == "John" && a.BorrowID == nil }},
		{"the common envelope", `{"code":0,"message":"success","data":{"id":7,"agentName":"Ann"}}`,
			func(a lofty.SalesAgent) bool { return *a.ID == 7 && a.AgentName == "Ann" }},
		{"Lofty's GMT time form", `{"id":1,"createdAt":"2026-04-15T14:00:00GMT"}`,
			func(a lofty.SalesAgent) bool { return a.CreatedAt == "2026-04-15T14:00:00Z" }},
		{"epoch milliseconds", `{"id":1,"updatedAt":1776261600000}`,
			func(a lofty.SalesAgent) bool { return a.UpdatedAt == "2026-04-15T14:00:00Z" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs testutil.SyncBuffer
			_, base := scriptedFake(t, reply(200, "application/json", tc.body))
			c := newClient(t, base, lofty.Config{Credential: apiKey,
				Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			a, err := c.SalesAgentByLead(context.Background(), leadID)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(a) {
				t.Errorf("decoded %+v", a)
			}
			if strings.Contains(tc.name, "dropped") && !strings.Contains(logs.String(), "fields=borrowId") {
				t.Errorf("the dropped field was not logged at debug level:\n%s", logs.String())
			}
		})
	}
	for _, body := range []string{`{}`, `null`, `{"code":0,"message":"success","data":null}`, `{"code":0,"message":"success","data":{}}`} {
		_, base := scriptedFake(t, reply(200, "application/json", body))
		c := newClient(t, base, lofty.Config{Credential: apiKey})
		if _, err := c.SalesAgentByLead(context.Background(), leadID); lofty.KindOf(err) != lofty.KindNotFound {
			t.Errorf("%s: err = %v, want not_found, never an empty success", body, err)
		}
	}
}

// Lofty answers some GETs 415 without a Content-Type: every request sends it.
func TestContentTypeOnEveryRequest(t *testing.T) {
	f, base := resFake(t)
	c := resClient(t, base, nil)
	ctx := context.Background()
	_, _ = c.SalesAgentByLead(ctx, resLead)
	_, _ = c.FindLeads(ctx, lofty.LeadQuery{Key: "Jane"})
	_, _ = c.MuteSalesAgentForLead(ctx, resLead)
	_, _ = c.AddLeadNote(ctx, resLead, "called", false)
	reqs := f.Requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	for _, r := range reqs {
		if r.ContentType != "application/json" {
			t.Errorf("%s %s: Content-Type %q", r.Method, r.Path, r.ContentType)
		}
	}
}

// A personal API key with no setting gets 10 requests a minute: the first
// ten of fifteen distinct calls go at once, the rest wait (and none is
// answered 429 by a Lofty that allows 10).
func TestPersonalKeyDefaultLimit(t *testing.T) {
	testutil.NoLeaks(t)
	var sent atomic.Int32
	f, base := resFake(t)
	f.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasPrefix(r.Header.Get("Authorization"), "token ") && sent.Add(1) > 10 {
			reply(429, "application/json", `{"message":"Too Many Requests"}`)(w, r)
			return true
		}
		return false
	}
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.RateLimit = lofty.RateLimitAuto })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	var rateLimited atomic.Int32
	for i := range 15 {
		wg.Go(func() {
			_, err := c.SalesAgentByLead(ctx, 5000+int64(i))
			if lofty.KindOf(err) == lofty.KindRateLimited {
				rateLimited.Add(1)
				if le, _ := lofty.AsError(err); le.Status == 429 {
					t.Errorf("a call reached Lofty's 429")
				}
			}
		})
	}
	wg.Wait()
	if n := f.RequestCount(); n != 10 {
		t.Errorf("%d requests in the first %v, want 10", n, time.Since(start).Round(time.Millisecond))
	}
	if rateLimited.Load() != 5 {
		t.Errorf("%d calls told to wait, want 5", rateLimited.Load())
	}
	// An OAuth access token has its own budget, 100 a minute.
	if _, err := c.SalesAgentByLead(lofty.WithCredential(ctx, resToken), resLead); err != nil {
		t.Errorf("access token: %v", err)
	}
}

// Four calls at once all go out without waiting, under the default limit.
func TestSmallBurstDoesNotWait(t *testing.T) {
	f, base := resFake(t)
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.RateLimit = lofty.RateLimitAuto })
	start := time.Now()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() { _, _ = c.SalesAgentByLead(context.Background(), 6000+int64(i)) })
	}
	wg.Wait()
	if d := time.Since(start); d > time.Second || f.RequestCount() != 4 || c.Stats().RateLimitWaits != 0 {
		t.Errorf("4 calls took %v, %d requests, %d waits; want at once, 4, 0", d, f.RequestCount(), c.Stats().RateLimitWaits)
	}
}

// Lofty's X-RateLimit-Limit replaces the default limit.
func TestLimitFollowsLofty(t *testing.T) {
	f, base := resFake(t)
	reset := time.Now().Add(time.Minute)
	f.Script(faults.Pass(faults.RateLimitHeaders(3, 2, reset)...))
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.RateLimit = lofty.RateLimitAuto })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var limited int
	for i := range 5 {
		if _, err := c.SalesAgentByLead(ctx, 7000+int64(i)); lofty.KindOf(err) == lofty.KindRateLimited {
			limited++
		}
	}
	if n := f.RequestCount(); n != 3 || limited != 2 {
		t.Errorf("%d requests, %d calls held back; want 3 and 2 (Lofty said 3 a minute, 2 left)", n, limited)
	}
}

// Once Lofty announces a hold (429 Retry-After), requests already queued
// for a connection send nothing more for that credential until it ends.
func TestQueuedRequestsHonourAHold(t *testing.T) {
	testutil.NoLeaks(t)
	f, base := resFake(t)
	release := make(chan struct{})
	var first atomic.Bool
	f.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		if first.CompareAndSwap(false, true) {
			<-release
			reply(429, "application/json", `{"message":"Too Many Requests"}`, "Retry-After", "3600")(w, r)
			return true
		}
		return false
	}
	c := resClient(t, base, func(cfg *lofty.Config) {
		cfg.Resilience.RateLimit = 1000
		cfg.Resilience.MaxConcurrency = 1
		cfg.Resilience.MaxRetries = 0
	})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			_, err := c.SalesAgentByLead(ctx, 8000+int64(i))
			errs <- err
		})
		if i == 0 {
			testutil.WaitFor(t, "the first request to reach Lofty", 10*time.Second, func() bool { return f.RequestCount() == 1 })
		}
	}
	time.Sleep(100 * time.Millisecond) // the other seven queue for the one connection
	close(release)
	wg.Wait()
	close(errs)
	if n := f.RequestCount(); n != 1 {
		t.Errorf("%d requests reached Lofty, want 1: the seven queued ones ignored the hold", n)
	}
	for err := range errs {
		if lofty.KindOf(err) != lofty.KindRateLimited {
			t.Errorf("err = %v, want rate limited", err)
		}
	}
}

// A wait longer than MaxWait answers at once, saying when to retry.
func TestMaxWaitAnswersAtOnce(t *testing.T) {
	f, base := resFake(t)
	f.Script(faults.RetryAfter(30))
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.MaxWait = time.Second })
	start := time.Now()
	_, err := c.SalesAgentByLead(context.Background(), resLead)
	le := resErr(t, err)
	if time.Since(start) > 2*time.Second || le.Kind != lofty.KindRateLimited || le.RetryAfter != 30*time.Second {
		t.Errorf("after %v: %v (retry after %v); want at once, rate limited, retry after 30s", time.Since(start), err, le.RetryAfter)
	}
	// Shorter waits still happen.
	f.Script(faults.RetryAfter(0), faults.ServerError(503))
	if _, err := c.SalesAgentByLead(context.Background(), fakelofty.DemoLeadBeyond53Bits); err != nil {
		t.Errorf("short waits: %v", err)
	}
}

// Waits and retries are reported to the call's progress.
func TestProgressReportsWaitsAndRetries(t *testing.T) {
	f, base := resFake(t)
	f.Script(faults.ServerError(503), faults.RetryAfter(1))
	c := resClient(t, base, nil)
	var mu sync.Mutex
	var msgs []string
	ctx := lofty.WithProgress(context.Background(), func(m string) { mu.Lock(); msgs = append(msgs, m); mu.Unlock() })
	if _, err := c.SalesAgentByLead(ctx, resLead); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(msgs, " | ")
	for _, want := range []string{"Lofty answered 503; retrying", "(1 of 3)", "rate limit was reached (429); retrying in 1 s (2 of 3)"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress %q lacks %q", got, want)
		}
	}
	// Without a reporter, nothing is reported (and nothing breaks).
	f.Script(faults.ServerError(503))
	if _, err := c.SalesAgentByLead(context.Background(), fakelofty.DemoLeadBeyond53Bits); err != nil {
		t.Fatal(err)
	}
}

// A POST that may have reached Lofty is never sent twice; one Lofty
// provably refused (429, refused connection) is; a PUT retries like a read.
func TestWritesAreNeverSentTwice(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		script   []faults.Answer
		requests int
		ok       bool
	}{
		{"503", []faults.Answer{faults.ServerError(503)}, 1, false},
		{"502", []faults.Answer{faults.ServerError(502)}, 1, false},
		{"reset mid-body", []faults.Answer{faults.ResetMidBody()}, 1, false},
		{"429 then success", []faults.Answer{faults.RetryAfter(0)}, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, base := resFake(t)
			f.Hook = answerWrites
			f.Script(tc.script...)
			c := resClient(t, base, nil)
			_, err := c.AddLeadNote(ctx, resLead, "called her", false)
			if (err == nil) != tc.ok {
				t.Errorf("err = %v, want ok=%v", err, tc.ok)
			}
			if n := f.RequestCount(); n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
		})
	}
	t.Run("PUT retried", func(t *testing.T) {
		f, base := resFake(t)
		f.Hook = answerWrites
		f.Script(faults.ServerError(503))
		c := resClient(t, base, nil)
		if _, err := c.MuteSalesAgentForLead(ctx, resLead); err != nil {
			t.Fatal(err)
		}
		if n := f.RequestCount(); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
	})
	t.Run("assignment retried", func(t *testing.T) {
		// An assignment replaces who holds the roles: a POST that is
		// idempotent, retried as a PUT is.
		f, base := resFake(t)
		f.Hook = answerWrites
		f.Script(faults.ServerError(503))
		c := resClient(t, base, nil)
		if _, err := c.AssignLead(ctx, resLead, []lofty.Assignee{{Role: "Agent", Assignee: "maria.garcia@example.com"}}); err != nil {
			t.Fatal(err)
		}
		if n := f.RequestCount(); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
	})
	t.Run("refused connection retried", func(t *testing.T) {
		refused, err := faults.RefusedURL()
		if err != nil {
			t.Fatal(err)
		}
		c := resClient(t, refused, nil)
		_, err = c.AddLeadNote(ctx, resLead, "x", false)
		le := resErr(t, err)
		if !le.NotSent || c.Stats().Retries != lofty.DefaultMaxRetries {
			t.Errorf("err %v, not sent %v, retries %d; want refused, retried %d times", err, le.NotSent, c.Stats().Retries, lofty.DefaultMaxRetries)
		}
	})
}

// answerWrites answers every write as Lofty does when it succeeds.
func answerWrites(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet {
		return false
	}
	body := `{"message":"Operation successful"}`
	if r.URL.Path == lofty.NotesPath {
		body = `{"noteId":1}`
	}
	reply(200, "application/json", body)(w, r)
	return true
}

// Writes send exact 64-bit ids and the body Lofty documents.
func TestWriteBodies(t *testing.T) {
	f, base := resFake(t)
	f.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodGet {
			return false
		}
		switch r.URL.Path {
		case "/v1.0/notes":
			reply(200, "application/json", `{"noteId":9007199254740995}`)(w, r)
		case "/v2.0/plan-tasks/create":
			reply(200, "application/json", `{"code":0,"message":"success","data":{"succeededLeadIds":[9007199254740993],"failedLeadIds":["2"]}}`)(w, r)
		default:
			reply(200, "application/json", `{"message":"Operation successful"}`)(w, r)
		}
		return true
	}
	c := resClient(t, base, nil)
	ctx := context.Background()
	const big = 9007199254740993
	note, err := c.AddLeadNote(ctx, big, "Called; she wants 3 beds", true)
	if err != nil || note.NoteID != 9007199254740995 {
		t.Errorf("note %+v, %v", note, err)
	}
	res, err := c.CreatePlanTasks(ctx, []int64{big, 2})
	if err != nil || !res.Reported || len(res.Succeeded) != 1 || res.Succeeded[0] != big || len(res.Failed) != 1 || res.Failed[0] != 2 {
		t.Errorf("plan tasks %+v, %v", res, err)
	}
	if _, err := c.AddLeadsToSalesAgent(ctx, []int64{big}, true); err != nil {
		t.Error(err)
	}
	if _, err := c.AssignLead(ctx, big, []lofty.Assignee{{Role: "Agent", Assignee: "maria@example.com"}}); err != nil {
		t.Error(err)
	}
	if _, err := c.SendSMSToAgent(ctx, "summary"); err != nil {
		t.Error(err)
	}
	if _, err := c.MuteSalesAgentForLead(ctx, big); err != nil {
		t.Error(err)
	}
	want := []struct{ method, path, body string }{
		{"POST", "/v1.0/notes", `{"leadId":9007199254740993,"content":"Called; she wants 3 beds","isPin":true}`},
		{"POST", "/v2.0/plan-tasks/create", `{"leadIds":[9007199254740993,2]}`},
		{"POST", "/v2.0/working-leads/add", `{"leadIds":[9007199254740993],"createPlanTask":true}`},
		{"POST", "/v1.0/leads/9007199254740993/assignment", `[{"role":"Agent","assignee":"maria@example.com"}]`},
		{"POST", "/v2.0/sales-agent/ai-number/send-sms-to-agent", `{"content":"summary"}`},
		{"PUT", "/v2.0/sales-agents/working-lead/9007199254740993/mute", ``},
	}
	got := f.Requests()
	if len(got) != len(want) {
		t.Fatalf("%d requests, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Method != w.method || got[i].Path != w.path || got[i].Body != w.body {
			t.Errorf("request %d: %s %s %s\nwant %s %s %s", i, got[i].Method, got[i].Path, got[i].Body, w.method, w.path, w.body)
		}
	}
}

// muteFake is a fake Lofty whose lead mute status reads false until a PUT
// (any mute) has been answered.
func muteFake(t *testing.T) (*faults.Fake, string) {
	f, base := resFake(t)
	muted := &atomic.Bool{}
	f.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		switch {
		case r.Method == http.MethodPut:
			muted.Store(true)
			reply(200, "application/json", `{"message":"ok"}`)(w, r)
		case r.URL.Path == lofty.LeadMuteStatusPath:
			reply(200, "application/json", fmt.Sprintf(`{"data":{"mute":"%v"}}`, muted.Load()))(w, r)
		default:
			return false
		}
		return true
	}
	return f, base
}

// A write drops the credential's cached reads at once, not another's.
func TestWriteDropsCachedReads(t *testing.T) {
	_, base := muteFake(t)
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.CacheTTL = time.Minute })
	ctx := context.Background()
	other := lofty.WithCredential(ctx, resToken)
	for _, cx := range []context.Context{ctx, other} {
		if m, err := c.LeadMuteStatus(cx, resLead); err != nil || m {
			t.Fatalf("before: %v %v", m, err)
		}
	}
	if _, err := c.MuteSalesAgentForLead(ctx, resLead); err != nil {
		t.Fatal(err)
	}
	if m, err := c.LeadMuteStatus(ctx, resLead); err != nil || !m {
		t.Errorf("after the mute: muted %v, %v; want true at once despite the cache", m, err)
	}
	if m, _ := c.LeadMuteStatus(other, resLead); m {
		t.Error("another credential's cached read was dropped too")
	}
}

// No 8-character fragment of the credential survives in an error, however
// Lofty encoded its echo of it.
func TestSecretEchoedInAnyEncodingIsRedacted(t *testing.T) {
	secret := "lk_Live_7Qm2xR9vKp4Ts8Wz"
	esc := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		return b.String()
	}
	for name, echo := range map[string]string{
		"verbatim":        secret,
		"json escaped":    esc(secret),
		"upper-cased":     strings.ToUpper(secret),
		"split by a line": secret[:10] + "\n" + secret[10:],
		"percent-encoded": url.QueryEscape(secret) + " " + strings.ReplaceAll(url.PathEscape(secret), "_", "%5F"),
		"half of it":      secret[:12],
		"spaced out":      strings.Join(strings.Split(secret, ""), " "),
	} {
		t.Run(name, func(t *testing.T) {
			for _, ct := range []string{"application/json", "text/plain"} {
				body := `{"code":401,"message":"bad key ` + echo + `"}`
				if ct == "text/plain" {
					body = "bad key " + echo
				}
				_, base := scriptedFake(t, reply(401, ct, body))
				c := newClient(t, base, lofty.Config{Credential: lofty.Credential{Kind: lofty.APIKey, Secret: secret}})
				_, err := c.SalesAgentByLead(context.Background(), leadID)
				le := mustLoftyError(t, err)
				for _, text := range []string{err.Error(), le.Message, le.Code} {
					lower := strings.ToLower(strings.Join(strings.Fields(text), ""))
					for i := 0; i+8 <= len(secret); i++ {
						if strings.Contains(lower, strings.ToLower(secret[i:i+8])) {
							t.Fatalf("%s: %q holds %q of the secret", ct, text, secret[i:i+8])
						}
					}
				}
				if !strings.Contains(le.Message, "bad key") {
					t.Errorf("the rest of the message was lost: %q", le.Message)
				}
			}
		})
	}
}

// The body of a write answered 2xx with nothing is fine; a read's is not.
func TestEmptyWriteAnswer(t *testing.T) {
	_, base := scriptedFake(t, reply(200, "application/json", ""))
	c := newClient(t, base, lofty.Config{Credential: apiKey})
	if _, err := c.MuteSalesAgentForLead(context.Background(), leadID); err != nil {
		t.Errorf("empty 200 to a PUT: %v", err)
	}
	if _, err := c.SalesAgentByLead(context.Background(), leadID); lofty.KindOf(err) != lofty.KindBadResponse {
		t.Errorf("empty 200 to a GET: %v, want bad_response", err)
	}
}

// Lofty documents a "success" flag on the mute's answer: false is not done.
func TestWriteAnsweredSuccessFalse(t *testing.T) {
	_, base := scriptedFake(t, reply(200, "application/json", `{"message":"lead is not in the pool","success":false}`))
	c := newClient(t, base, lofty.Config{Credential: apiKey})
	_, err := c.MuteSalesAgentForLead(context.Background(), leadID)
	le := mustLoftyError(t, err)
	if le.Kind != lofty.KindNotDone || !strings.Contains(le.Message, "lead is not in the pool") {
		t.Errorf("err = %v, want not_done with Lofty's message", err)
	}
	_, base = scriptedFake(t, reply(200, "application/json", `{"message":"ok","success":true}`))
	c = newClient(t, base, lofty.Config{Credential: apiKey})
	if _, err := c.MuteSalesAgentForLead(context.Background(), leadID); err != nil {
		t.Errorf("success: true: %v", err)
	}
}

// A credential Lofty echoes in a successful answer never reaches the
// result, however encoded, and the answer is still read.
func TestSecretEchoedInASuccessIsRedacted(t *testing.T) {
	secret := "lk_Live_7Qm2xR9vKp4Ts8Wz"
	echo := func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		body := fmt.Sprintf(`{"id":12345,"agentName":%q,"assistantName":"%s","email":"%s@x.com"}`,
			auth, strings.ToUpper(secret[:12]), url.QueryEscape(secret))
		if strings.HasPrefix(r.URL.Path, lofty.LeadsPath) {
			body = fmt.Sprintf(`{"leads":[{"leadId":1,"firstName":%q}]}`, auth)
		}
		reply(200, "application/json", body)(w, r)
	}
	_, base := scriptedFake(t, echo)
	c := newClient(t, base, lofty.Config{Credential: lofty.Credential{Kind: lofty.APIKey, Secret: secret},
		Resilience: lofty.Resilience{CacheTTL: time.Minute}})
	for range 2 { // from Lofty, then from the cache
		a, err := c.SalesAgentByLead(context.Background(), leadID)
		if err != nil {
			t.Fatal(err)
		}
		list, err := c.FindLeads(context.Background(), lofty.LeadQuery{Limit: 10})
		if err != nil || len(list.Leads) != 1 {
			t.Fatalf("%+v, %v", list, err)
		}
		for _, text := range []string{a.AgentName, a.AssistantName, a.Email, list.Leads[0].FirstName} {
			lower := strings.ToLower(text)
			for i := 0; i+8 <= len(secret); i++ {
				if strings.Contains(lower, strings.ToLower(secret[i:i+8])) {
					t.Fatalf("%q holds %q of the secret", text, secret[i:i+8])
				}
			}
		}
		if *a.ID != 12345 || !strings.HasPrefix(a.AgentName, "token ") {
			t.Errorf("the rest of the answer was lost: %+v", a)
		}
	}
}
