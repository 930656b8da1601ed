package lofty_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/contract"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
)

var (
	resKey   = lofty.Credential{Kind: lofty.APIKey, Secret: "lk_resilience_0a1b2c3d4e5f", Source: "LOFTY_API_KEY"}
	resToken = lofty.Credential{Kind: lofty.AccessToken, Secret: "at_resilience_9f8e7d6c5b4a", Source: "LOFTY_ACCESS_TOKEN"}
)

const resLead = fakelofty.DemoLeadWithAgent

// resFake starts a fake Lofty with the demo data.
func resFake(t *testing.T) (*faults.Fake, string) {
	f := faults.New(nil)
	contract.Check(t, f.Fake)
	return f, f.Start(t)
}

// resClient is a client for base with fast backoff, and the cache and rate
// limit off unless edit turns them on (reads always coalesce).
func resClient(t *testing.T, base string, edit func(*lofty.Config)) *lofty.Client {
	t.Helper()
	cfg := lofty.Config{
		BaseURL:    base,
		Credential: resKey,
		Timeout:    5 * time.Second,
		Resilience: lofty.Resilience{
			MaxRetries:     lofty.DefaultMaxRetries,
			RetryBaseDelay: 10 * time.Millisecond,
			RetryMaxDelay:  50 * time.Millisecond,
		},
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := lofty.New(cfg)
	if err != nil {
		t.Fatalf("lofty.New: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func resErr(t *testing.T, err error) *lofty.Error {
	t.Helper()
	le, ok := lofty.AsError(err)
	if !ok {
		t.Fatalf("error %v (%T) is not a *lofty.Error", err, err)
	}
	return le
}

func TestRetryAfterHonoured(t *testing.T) {
	testutil.NoLeaks(t)
	f, base := resFake(t)
	f.Script(faults.RetryAfter(1), faults.RetryAfter(1))
	c := resClient(t, base, nil)
	start := time.Now()
	out, err := c.SalesAgentByLead(context.Background(), resLead)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("429, 429, 200 ended in %v", err)
	}
	if out.AgentName != "John Doe" {
		t.Errorf("AgentName = %q", out.AgentName)
	}
	// Two waits of Retry-After: 1 each.
	if elapsed < 2*time.Second {
		t.Errorf("took %v, want at least 2s (two Retry-After: 1 waits)", elapsed)
	}
	if n := f.RequestCount(); n != 3 {
		t.Errorf("fake saw %d requests, want 3", n)
	}
	st := c.Stats()
	if st.Retries != 2 || st.Requests[429] != 2 || st.Requests[200] != 1 {
		t.Errorf("stats = %+v, want 2 retries, two 429s, one 200", st)
	}
}

func TestRetryAfterBeyondDeadlineFailsFast(t *testing.T) {
	testutil.NoLeaks(t)
	f, base := resFake(t)
	f.Script(faults.RetryAfter(30))
	c := resClient(t, base, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.SalesAgentByLead(ctx, resLead)
	elapsed := time.Since(start)
	le := resErr(t, err)
	if le.Kind != lofty.KindRateLimited || le.Status != 429 {
		t.Errorf("got %v, want a 429 rate-limit error", err)
	}
	if le.RetryAfter < 29*time.Second || le.RetryAfter > 30*time.Second {
		t.Errorf("RetryAfter = %v, want 30s", le.RetryAfter)
	}
	if elapsed > time.Second {
		t.Errorf("took %v: a wait that cannot fit the deadline should fail at once", elapsed)
	}
	if n := f.RequestCount(); n != 1 {
		t.Errorf("fake saw %d requests, want 1", n)
	}

	// Lofty said 30s: the credential's next call is held back too, and
	// fails fast the same way rather than earning another 429...
	c2 := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.RateLimit = 600 })
	f.Script(faults.RetryAfter(30))
	_, _ = c2.SalesAgentByLead(ctx, resLead)
	_, err = c2.SalesAgentByLead(ctx, fakelofty.DemoLeadWithoutAgent)
	if le := resErr(t, err); le.Kind != lofty.KindRateLimited || le.RetryAfter < 25*time.Second {
		t.Errorf("next call during the hold: %v (retry after %v), want a rate-limit error saying ~30s", err, le.RetryAfter)
	}
	if n := f.RequestCount(); n != 2 {
		t.Errorf("fake saw %d requests, want 2: the held call must not reach Lofty", n)
	}
	// ...while another credential is not held.
	if _, err := c2.SalesAgentByLead(lofty.WithCredential(ctx, resToken), resLead); err != nil {
		t.Errorf("another credential is held back too: %v", err)
	}
}

func TestRateLimitResetHonoured(t *testing.T) {
	testutil.NoLeaks(t)
	f, base := resFake(t)
	reset := time.Now().Add(1500 * time.Millisecond).Truncate(time.Second).Add(time.Second)
	f.Script(faults.TooManyRequests(faults.RateLimitHeaders(10, 0, reset)...))
	c := resClient(t, base, nil)
	if _, err := c.SalesAgentByLead(context.Background(), resLead); err != nil {
		t.Fatal(err)
	}
	if now := time.Now(); now.Before(reset) {
		t.Errorf("retried at %v, before X-RateLimit-Reset %v", now, reset)
	}
}

// Lofty sends X-RateLimit-* on every answer. A 503 whose rate-limit window
// resets 40s from now is an outage, not a rate limit: it is retried after a
// short backoff, not held until the window resets.
func TestServerErrorIgnoresRateLimitReset(t *testing.T) {
	testutil.NoLeaks(t)
	f, base := resFake(t)
	reset := time.Now().Add(40 * time.Second)
	f.Script(faults.ServerError(503, faults.RateLimitHeaders(100, 97, reset)...))
	c := resClient(t, base, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if _, err := c.SalesAgentByLead(ctx, resLead); err != nil {
		t.Fatalf("got %v, want success after one backoff retry", err)
	}
	if n := f.RequestCount(); n != 2 {
		t.Errorf("fake saw %d requests, want 2", n)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v: the retry waited for the rate-limit window, not a backoff", took)
	}
}

func TestRetriableStatuses(t *testing.T) {
	testutil.NoLeaks(t)
	for _, tc := range []struct {
		name     string
		script   []faults.Answer
		requests int
		kind     lofty.Kind // KindUnknown: success
	}{
		{"502 then 200", []faults.Answer{faults.ServerError(502)}, 2, lofty.KindUnknown},
		{"503 then 200", []faults.Answer{faults.ServerError(503)}, 2, lofty.KindUnknown},
		{"504 then 200", []faults.Answer{faults.ServerError(504)}, 2, lofty.KindUnknown},
		{"HTML 502 then 200", []faults.Answer{faults.HTMLErrorPage(502)}, 2, lofty.KindUnknown},
		{"429 without hints then 200", []faults.Answer{faults.TooManyRequests()}, 2, lofty.KindUnknown},
		{"reset mid-body then 200", []faults.Answer{faults.ResetMidBody()}, 2, lofty.KindUnknown},
		{"503 four times", faults.Repeat(4, faults.ServerError(503)), 4, lofty.KindUnavailable},
		{"429 four times", faults.Repeat(4, faults.TooManyRequests()), 4, lofty.KindRateLimited},
		{"500 is not retried", []faults.Answer{faults.ServerError(500)}, 1, lofty.KindUnavailable},
		{"400 is not retried", []faults.Answer{faults.Status(400, `{"code":100002,"message":"bad"}`)}, 1, lofty.KindBadRequest},
		{"401 is not retried", []faults.Answer{faults.Status(401, "Missing or invalid authentication token.")}, 1, lofty.KindUnauthorized},
		{"403 is not retried", []faults.Answer{faults.Status(403, "no")}, 1, lofty.KindForbidden},
		{"404 is not retried", []faults.Answer{faults.Status(404, "Sales Agent not found for the lead.")}, 1, lofty.KindNotFound},
		{"malformed JSON is not retried", []faults.Answer{faults.MalformedJSON()}, 1, lofty.KindBadResponse},
		{"empty body is not retried", []faults.Answer{faults.EmptyBody()}, 1, lofty.KindBadResponse},
		{"a timeout is not retried", []faults.Answer{faults.Slow(time.Hour, faults.Pass())}, 1, lofty.KindUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, base := resFake(t)
			f.Script(tc.script...)
			c := resClient(t, base, func(cfg *lofty.Config) { cfg.Timeout = 300 * time.Millisecond })
			_, err := c.SalesAgentByLead(context.Background(), resLead)
			switch {
			case tc.kind == lofty.KindUnknown && err != nil:
				t.Errorf("got %v, want success after a retry", err)
			case tc.kind != lofty.KindUnknown && lofty.KindOf(err) != tc.kind:
				t.Errorf("got %v, want kind %v", err, tc.kind)
			}
			if n := f.RequestCount(); n != tc.requests {
				t.Errorf("fake saw %d requests, want %d", n, tc.requests)
			}
			if st := c.Stats(); st.Retries != uint64(tc.requests-1) {
				t.Errorf("Retries = %d, want %d", st.Retries, tc.requests-1)
			}
		})
	}
}

func TestNoRetriesWhenMaxRetriesIsZero(t *testing.T) {
	testutil.NoLeaks(t)
	f, base := resFake(t)
	f.Script(faults.ServerError(503))
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.MaxRetries = 0 })
	if _, err := c.SalesAgentByLead(context.Background(), resLead); lofty.KindOf(err) != lofty.KindUnavailable {
		t.Errorf("got %v, want the 503", err)
	}
	if n := f.RequestCount(); n != 1 {
		t.Errorf("fake saw %d requests, want 1", n)
	}
}

func TestConnectionRefusedIsRetried(t *testing.T) {
	testutil.NoLeaks(t)
	u, err := faults.RefusedURL()
	if err != nil {
		t.Fatal(err)
	}
	c := resClient(t, u, nil)
	_, err = c.SalesAgentByLead(context.Background(), resLead)
	le := resErr(t, err)
	if le.Kind != lofty.KindUnavailable || !strings.Contains(le.Message, "refused") {
		t.Errorf("got %v, want unavailable: connection refused", err)
	}
	if st := c.Stats(); st.Requests[0] != 4 || st.Retries != 3 {
		t.Errorf("stats = %+v, want 4 attempts without an answer, 3 retries", st)
	}
}

func TestBackoffStaysWithinDeadline(t *testing.T) {
	testutil.NoLeaks(t)
	f, base := resFake(t)
	f.Script(faults.Repeat(10, faults.ServerError(503))...)
	c := resClient(t, base, func(cfg *lofty.Config) {
		cfg.Resilience.MaxRetries = 10
		cfg.Resilience.RetryBaseDelay = 200 * time.Millisecond
		cfg.Resilience.RetryMaxDelay = 5 * time.Second
	})
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.SalesAgentByLead(ctx, resLead)
	if lofty.KindOf(err) != lofty.KindUnavailable {
		t.Errorf("got %v, want unavailable", err)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("took %v, past the 700ms deadline", elapsed)
	}
}

// 30 calls at 600 a minute (10/s, a burst of 10) take at least 2s.
// Lofty counts requests per minute window, so the whole minute's allowance
// may go at once, and not one request more in any minute.
func TestRateLimiterAllowsTheMinutesBurstThenHolds(t *testing.T) {
	testutil.NoLeaks(t)
	f, base := resFake(t)
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.RateLimit = 20 })
	start := time.Now()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			// Distinct leads: no coalescing; unknown leads are 404s, fine here.
			_, _ = c.SalesAgentByLead(context.Background(), 1000+int64(i))
		})
	}
	wg.Wait()
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("20 calls at 20/min took %v: the burst was held back", elapsed)
	}
	if n := f.RequestCount(); n != 20 {
		t.Errorf("fake saw %d requests, want 20", n)
	}
	// The 21st would wait for the first to leave the window: about a minute.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := c.SalesAgentByLead(ctx, 2000)
	le := resErr(t, err)
	if le.Kind != lofty.KindRateLimited || le.RetryAfter < 50*time.Second || le.RetryAfter > 61*time.Second {
		t.Errorf("21st call: %v (retry after %v), want rate limited for about a minute", err, le.RetryAfter)
	}
	if n := f.RequestCount(); n != 20 {
		t.Errorf("fake saw %d requests, want still 20", n)
	}
}

func TestRateLimiterFailsFastPastDeadline(t *testing.T) {
	testutil.NoLeaks(t)
	_, base := resFake(t)
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.RateLimit = 1 })
	if _, err := c.SalesAgentByLead(context.Background(), resLead); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.SalesAgentByLead(ctx, fakelofty.DemoLeadWithoutAgent)
	le := resErr(t, err)
	if le.Kind != lofty.KindRateLimited || le.RetryAfter < 55*time.Second || !strings.Contains(le.Message, "LOFTY_RATE_LIMIT") {
		t.Errorf("got %v (retry after %v), want a local rate-limit error, retry after ~60s", err, le.RetryAfter)
	}
	if time.Since(start) > 200*time.Millisecond {
		t.Errorf("took %v, want an immediate answer", time.Since(start))
	}
	if st := c.Stats(); st.RateLimitRejects != 1 {
		t.Errorf("RateLimitRejects = %d, want 1", st.RateLimitRejects)
	}
	// Another credential has its own bucket.
	if _, err := c.SalesAgentByLead(lofty.WithCredential(ctx, resToken), resLead); err != nil {
		t.Errorf("another credential: %v", err)
	}
}

func TestRemainingZeroHoldsUntilReset(t *testing.T) {
	testutil.NoLeaks(t)
	f, base := resFake(t)
	reset := time.Now().Add(1500 * time.Millisecond).Truncate(time.Second).Add(time.Second)
	f.Script(faults.Pass(faults.RateLimitHeaders(10, 0, reset)...))
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.RateLimit = 600 })
	if _, err := c.SalesAgentByLead(context.Background(), resLead); err != nil {
		t.Fatal(err)
	}
	// A short deadline: fail fast, saying when.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.SalesAgentByLead(ctx, fakelofty.DemoLeadBeyond53Bits)
	if le := resErr(t, err); le.Kind != lofty.KindRateLimited || le.RetryAfter <= 0 {
		t.Errorf("got %v, want a rate-limit error with a retry time", err)
	}
	// A deadline past the reset: wait for it.
	if _, err := c.SalesAgentByLead(context.Background(), fakelofty.DemoLeadMaxInt64); err != nil {
		t.Fatal(err)
	}
	if now := time.Now(); now.Before(reset) {
		t.Errorf("sent at %v, before X-RateLimit-Reset %v", now, reset)
	}
	if n := f.RequestCount(); n != 2 {
		t.Errorf("fake saw %d requests, want 2", n)
	}
}

func TestConcurrencyCap(t *testing.T) {
	testutil.NoLeaks(t)
	f := faults.New(nil)
	var inFlight, peak atomic.Int32
	f.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
		return false
	}
	base := f.Start(t)
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.MaxConcurrency = 2 })
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() { _, _ = c.SalesAgentByLead(context.Background(), 2000+int64(i)) })
	}
	wg.Wait()
	if p := peak.Load(); p != 2 {
		t.Errorf("peak requests in flight = %d, want 2", p)
	}
}

// gateUntil makes f hold every answer until release is closed, and counts
// the requests cancelled while held.
func gateUntil(f *fakelofty.Fake, release <-chan struct{}) *atomic.Int32 {
	var cancelled atomic.Int32
	f.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		select {
		case <-release:
		case <-r.Context().Done():
			cancelled.Add(1)
		}
		return false
	}
	return &cancelled
}

func TestCoalescing(t *testing.T) {
	testutil.NoLeaks(t)
	f := faults.New(nil)
	release := make(chan struct{})
	gateUntil(f.Fake, release)
	base := f.Start(t)
	c := resClient(t, base, nil) // cache off: only coalescing can save requests

	const n = 50
	var wg sync.WaitGroup
	results := make(chan error, n+1)
	for range n {
		wg.Go(func() {
			out, err := c.SalesAgentByLead(context.Background(), resLead)
			if err == nil && out.AgentName != "John Doe" {
				err = fmt.Errorf("AgentName = %q", out.AgentName)
			}
			results <- err
		})
	}
	testutil.WaitFor(t, "49 callers to join the first", 10*time.Second, func() bool { return c.Stats().Coalesced == n-1 })
	// A second credential's identical read is its own request.
	wg.Go(func() {
		_, err := c.SalesAgentByLead(lofty.WithCredential(context.Background(), resToken), resLead)
		results <- err
	})
	testutil.WaitFor(t, "the second credential's request", 10*time.Second, func() bool { return f.RequestCount() == 2 })
	close(release)
	wg.Wait()
	close(results)
	for err := range results {
		if err != nil {
			t.Error(err)
		}
	}
	reqs := f.Requests()
	if len(reqs) != 2 || reqs[0].Authorization == reqs[1].Authorization {
		t.Errorf("fake saw %d requests (%v), want 2, one per credential", len(reqs), reqs)
	}
}

// One caller giving up must not fail the others waiting on the same read;
// when the last one gives up, the request is aborted.
func TestCoalescedCancellation(t *testing.T) {
	testutil.NoLeaks(t)
	f := faults.New(nil)
	release := make(chan struct{})
	held := gateUntil(f.Fake, release)
	base := f.Start(t)
	c := resClient(t, base, nil)

	quitter, quit := context.WithCancel(context.Background())
	quitErr := make(chan error, 1)
	go func() { _, err := c.SalesAgentByLead(quitter, resLead); quitErr <- err }()
	testutil.WaitFor(t, "the first request", 10*time.Second, func() bool { return f.RequestCount() == 1 })
	stayErr := make(chan error, 1)
	go func() { _, err := c.SalesAgentByLead(context.Background(), resLead); stayErr <- err }()
	testutil.WaitFor(t, "the second caller to join", 10*time.Second, func() bool { return c.Stats().Coalesced == 1 })

	quit()
	if err := <-quitErr; !errors.Is(err, context.Canceled) {
		t.Errorf("the caller that cancelled got %v, want its cancellation", err)
	}
	close(release)
	if err := <-stayErr; err != nil {
		t.Errorf("the caller that stayed got %v, want the answer", err)
	}
	if n, cancelled := f.RequestCount(), held.Load(); n != 1 || cancelled != 0 {
		t.Errorf("fake saw %d requests, %d cancelled; want 1, none cancelled", n, cancelled)
	}

	// Everyone leaves: the request is aborted.
	f2 := faults.New(nil)
	base2 := f2.Start(t)
	c2 := resClient(t, base2, nil)
	f2.Script(faults.Hang())
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { _, _ = c2.SalesAgentByLead(ctx, resLead) })
	}
	testutil.WaitFor(t, "all three callers on one request", 10*time.Second, func() bool { return c2.Stats().Coalesced == 2 && f2.RequestCount() == 1 })
	cancel()
	wg.Wait()
	testutil.WaitFor(t, "the fake to see the request cancelled", 10*time.Second, func() bool { return f2.Cancelled() == 1 })

	// And the next call starts afresh.
	if _, err := c2.SalesAgentByLead(context.Background(), resLead); err != nil {
		t.Errorf("after an abandoned flight: %v", err)
	}
}

func TestCancellationAbortsUpstreamRequest(t *testing.T) {
	testutil.NoLeaks(t)
	f, base := resFake(t)
	f.Script(faults.Hang())
	c := resClient(t, base, nil)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := c.SalesAgentByLead(ctx, resLead); errc <- err }()
	testutil.WaitFor(t, "the request", 10*time.Second, func() bool { return f.RequestCount() == 1 })
	cancel()
	err := <-errc
	if le := resErr(t, err); le.Kind != lofty.KindUnavailable || !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want unavailable wrapping context.Canceled", err)
	}
	testutil.WaitFor(t, "the fake to see the request cancelled", 10*time.Second, func() bool { return f.Cancelled() == 1 })
}

func TestCache(t *testing.T) {
	testutil.NoLeaks(t)
	cached := func(cfg *lofty.Config) { cfg.Resilience.CacheTTL = time.Minute }

	t.Run("a second call within the TTL stays local", func(t *testing.T) {
		f, base := resFake(t)
		c := resClient(t, base, cached)
		for range 3 {
			if _, err := c.SalesAgentByLead(context.Background(), resLead); err != nil {
				t.Fatal(err)
			}
		}
		if n := f.RequestCount(); n != 1 {
			t.Errorf("fake saw %d requests, want 1", n)
		}
		if st := c.Stats(); st.CacheHits != 2 || st.CacheMisses != 1 {
			t.Errorf("hits %d misses %d, want 2 and 1", st.CacheHits, st.CacheMisses)
		}
	})
	t.Run("TTL 0 disables it", func(t *testing.T) {
		f, base := resFake(t)
		c := resClient(t, base, nil)
		for range 3 {
			_, _ = c.SalesAgentByLead(context.Background(), resLead)
		}
		if n := f.RequestCount(); n != 3 {
			t.Errorf("fake saw %d requests, want 3", n)
		}
		if st := c.Stats(); st.CacheHits+st.CacheMisses != 0 {
			t.Errorf("cache look-ups counted with the cache off: %+v", st)
		}
	})
	t.Run("entries expire", func(t *testing.T) {
		f, base := resFake(t)
		c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.CacheTTL = 100 * time.Millisecond })
		_, _ = c.SalesAgentByLead(context.Background(), resLead)
		time.Sleep(150 * time.Millisecond)
		_, _ = c.SalesAgentByLead(context.Background(), resLead)
		if n := f.RequestCount(); n != 2 {
			t.Errorf("fake saw %d requests, want 2", n)
		}
	})
	t.Run("two credentials never share an answer", func(t *testing.T) {
		f, base := resFake(t)
		c := resClient(t, base, cached)
		other := lofty.WithCredential(context.Background(), resToken)
		sameSecretOtherKind := lofty.WithCredential(context.Background(),
			lofty.Credential{Kind: lofty.AccessToken, Secret: resKey.Secret})
		for _, ctx := range []context.Context{context.Background(), other, sameSecretOtherKind, context.Background(), other} {
			if _, err := c.SalesAgentByLead(ctx, resLead); err != nil {
				t.Fatal(err)
			}
		}
		if n := f.RequestCount(); n != 3 {
			t.Errorf("fake saw %d requests, want 3 (one per credential)", n)
		}
	})
	t.Run("a 404 is cached briefly", func(t *testing.T) {
		f, base := resFake(t)
		c := resClient(t, base, func(cfg *lofty.Config) {
			cfg.Resilience.CacheTTL = time.Minute
			cfg.Resilience.NotFoundTTL = 100 * time.Millisecond
		})
		for range 2 {
			_, err := c.SalesAgentByLead(context.Background(), fakelofty.DemoLeadWithoutAgent)
			if le := resErr(t, err); le.Kind != lofty.KindNotFound || le.Status != 404 {
				t.Fatalf("got %v, want the 404", err)
			}
		}
		if n := f.RequestCount(); n != 1 {
			t.Errorf("fake saw %d requests, want 1", n)
		}
		time.Sleep(150 * time.Millisecond)
		_, _ = c.SalesAgentByLead(context.Background(), fakelofty.DemoLeadWithoutAgent)
		if n := f.RequestCount(); n != 2 {
			t.Errorf("fake saw %d requests after the 404 expired, want 2", n)
		}
	})
	for _, a := range []faults.Answer{
		faults.Status(401, "Missing or invalid authentication token."),
		faults.Status(403, "no"),
		faults.Status(400, `{"code":1,"message":"bad"}`),
		faults.TooManyRequests(),
		faults.ServerError(500),
		faults.ServerError(503),
		faults.MalformedJSON(),
	} {
		t.Run(a.String()+" is not cached", func(t *testing.T) {
			f, base := resFake(t)
			c := resClient(t, base, func(cfg *lofty.Config) { cached(cfg); cfg.Resilience.MaxRetries = 0 })
			f.Script(a)
			if _, err := c.SalesAgentByLead(context.Background(), resLead); err == nil {
				t.Fatal("scripted failure ended in success")
			}
			if _, err := c.SalesAgentByLead(context.Background(), resLead); err != nil {
				t.Errorf("the failure was served again: %v", err)
			}
			if n := f.RequestCount(); n != 2 {
				t.Errorf("fake saw %d requests, want 2", n)
			}
		})
	}
	t.Run("callers get their own copy of a cached error", func(t *testing.T) {
		_, base := resFake(t)
		c := resClient(t, base, cached)
		_, err := c.SalesAgentByLead(context.Background(), fakelofty.DemoLeadWithoutAgent)
		resErr(t, err).Message = "scribbled on"
		_, err = c.SalesAgentByLead(context.Background(), fakelofty.DemoLeadWithoutAgent)
		if le := resErr(t, err); le.Message == "scribbled on" {
			t.Error("a caller's change to its error reached the next caller")
		}
	})
}

func TestCallTimeoutBoundsCallsWithoutDeadline(t *testing.T) {
	testutil.NoLeaks(t)
	f, base := resFake(t)
	f.Script(faults.RetryAfter(5))
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.CallTimeout = time.Second })
	start := time.Now()
	_, err := c.SalesAgentByLead(context.Background(), resLead)
	if le := resErr(t, err); le.Kind != lofty.KindRateLimited || le.RetryAfter != 5*time.Second {
		t.Errorf("got %v, want a rate-limit error saying 5s", err)
	}
	if time.Since(start) > 500*time.Millisecond {
		t.Errorf("took %v", time.Since(start))
	}
}

func TestResilienceValidation(t *testing.T) {
	for _, r := range []lofty.Resilience{
		{MaxRetries: -1}, {RateLimit: -2}, {MaxConcurrency: -1}, {CacheTTL: -time.Second}, {CallTimeout: -time.Second}, {MaxWait: -time.Second},
	} {
		if _, err := lofty.New(lofty.Config{Resilience: r}); err == nil {
			t.Errorf("lofty.New accepted %+v", r)
		}
	}
	d := lofty.DefaultResilience()
	if d.MaxRetries != 3 || d.RateLimit != lofty.RateLimitAuto || d.CacheTTL != 30*time.Second || d.MaxWait != 10*time.Second || d.MaxConcurrency <= 0 {
		t.Errorf("DefaultResilience() = %+v", d)
	}
}

func TestStatsLogValueNamesNoSecret(t *testing.T) {
	_, base := resFake(t)
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.CacheTTL = time.Minute })
	_, _ = c.SalesAgentByLead(context.Background(), resLead)
	_, _ = c.SalesAgentByLead(context.Background(), resLead)
	s := c.Stats().LogValue().String()
	for _, want := range []string{"calls=2", "upstream=1", "status_200=1", "cache_hits=1"} {
		if !strings.Contains(s, want) {
			t.Errorf("LogValue = %s, want %s", s, want)
		}
	}
	if strings.Contains(s, resKey.Secret) {
		t.Error("stats name the credential")
	}
}

// TestUpstreamRequestsFor1000Calls measures how many requests reach Lofty
// for 1,000 calls spread over 50 leads, 16 in flight at a time, with the
// cache on and off (coalescing on), against an instant fake and one that
// takes 20ms to answer. Run with -v to see the counts.
func TestUpstreamRequestsFor1000Calls(t *testing.T) {
	testutil.NoLeaks(t)
	data := &fakelofty.Data{Leads: map[int64]*fakelofty.Lead{}}
	for i := range int64(50) {
		data.Leads[3000+i] = &fakelofty.Lead{ID: 3000 + i, SalesAgent: map[string]any{"id": i + 1, "agentName": "Agent"}}
	}
	for _, latency := range []time.Duration{0, 20 * time.Millisecond} {
		for _, ttl := range []time.Duration{30 * time.Second, 0} {
			f := faults.New(data)
			if latency > 0 {
				f.Hook = func(http.ResponseWriter, *http.Request) bool { time.Sleep(latency); return false }
			}
			c := resClient(t, f.Start(t), func(cfg *lofty.Config) { cfg.Resilience.CacheTTL = ttl })
			work := make(chan int64)
			var wg sync.WaitGroup
			for range 16 {
				wg.Go(func() {
					for lead := range work {
						if _, err := c.SalesAgentByLead(context.Background(), lead); err != nil {
							t.Error(err)
						}
					}
				})
			}
			start := time.Now()
			for i := range 1000 {
				work <- 3000 + int64(i%50)
			}
			close(work)
			wg.Wait()
			st := c.Stats()
			t.Logf("latency %v, cache TTL %v: %d upstream requests for %d calls (%d cache hits, %d coalesced) in %v",
				latency, ttl, f.RequestCount(), st.Calls, st.CacheHits, st.Coalesced, time.Since(start).Round(time.Millisecond))
			if ttl > 0 && f.RequestCount() != 50 {
				t.Errorf("cache on: %d upstream requests, want 50 (one per lead)", f.RequestCount())
			}
		}
	}
}

// Retry-After: 18446744074 (2^64 ns in seconds) once overflowed into a
// wait of 0.3 s: it is a long hold, and the credential's next call is held
// too rather than sent.
func TestHugeRetryAfterHolds(t *testing.T) {
	f, base := resFake(t)
	f.Script(faults.TooManyRequests("Retry-After", "18446744074"))
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.RateLimit = 600 })
	for i := range 2 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := c.SalesAgentByLead(ctx, resLead)
		cancel()
		le := resErr(t, err)
		if le.Kind != lofty.KindRateLimited || le.RetryAfter < lofty.MaxHold-time.Minute || le.RetryAfter > lofty.MaxHold {
			t.Errorf("call %d: %v (retry after %v), want a rate limit of about %v", i+1, err, le.RetryAfter, lofty.MaxHold)
		}
	}
	if n := f.RequestCount(); n != 1 {
		t.Errorf("fake saw %d requests, want 1: the hold keeps the rest back", n)
	}
}

// Calls with many other credentials cannot make the client forget Lofty's
// hold on one: 1,100 distinct keys once evicted the hold from the budgets
// remembered, and the held credential's requests went out again.
func TestAHoldIsNeverForgotten(t *testing.T) {
	f, base := resFake(t)
	f.Script(faults.RetryAfter(50))
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.RateLimit = 600 })
	held := func(when string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := c.SalesAgentByLead(ctx, resLead)
		if le := resErr(t, err); le.Kind != lofty.KindRateLimited || le.RetryAfter < 40*time.Second {
			t.Fatalf("%s: %v (retry after %v), want held by Lofty's 50 s", when, err, le.RetryAfter)
		}
	}
	held("at the 429")
	sent := f.RequestCount()
	for i := range 1100 {
		ctx := lofty.WithCredential(context.Background(), lofty.Credential{Kind: lofty.APIKey, Secret: fmt.Sprintf("lk_other_key_%06d", i)})
		_, _ = c.SalesAgentByLead(ctx, resLead)
	}
	if n := f.RequestCount(); n != sent+1100 {
		t.Fatalf("%d requests for 1,100 other credentials, want 1,100", n-sent)
	}
	held("after 1,100 other credentials")
	if n := f.RequestCount(); n != sent+1100 {
		t.Errorf("the held credential's request went out")
	}
}

// While Lofty holds every credential the client remembers, a new one is
// refused at once with a sentence that says why and when to retry.
func TestNewCredentialWaitsWhileEveryBudgetIsHeld(t *testing.T) {
	f, base := resFake(t)
	f.Script(faults.Repeat(1024, faults.RetryAfter(50))...)
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.RateLimit = 600; cfg.Resilience.MaxRetries = 0 })
	call := func(i int) error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		ctx = lofty.WithCredential(ctx, lofty.Credential{Kind: lofty.APIKey, Secret: fmt.Sprintf("lk_held_key_%06d", i)})
		_, err := c.SalesAgentByLead(ctx, resLead)
		return err
	}
	for i := range 1024 {
		if err := call(i); lofty.KindOf(err) != lofty.KindRateLimited {
			t.Fatalf("credential %d: %v, want Lofty's 429", i, err)
		}
	}
	err := call(1024)
	le := resErr(t, err)
	if le.Kind != lofty.KindRateLimited || !le.NotSent || le.RetryAfter < 40*time.Second || !strings.Contains(le.Message, "1024 credentials") {
		t.Errorf("a new credential: %v (retry after %v, not sent %v)", err, le.RetryAfter, le.NotSent)
	}
	if n := f.RequestCount(); n != 1024 {
		t.Errorf("%d requests, want 1024: the new credential's must not go out", n)
	}
}
