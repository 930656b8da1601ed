package lofty

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// How a call travels (Client.send):
//
//	read:  cache ──hit──▶ answer
//	         │ miss
//	       coalescing: join the identical read already in flight, or start one
//	         │ (the flight runs on a context of its own, see coalesce.go)
//	write: a flight of its own (never cached, never coalesced)
//	for each attempt:
//	  rate limit: the credential's budget (requests a minute, and Lofty's own
//	              "no requests left until X-RateLimit-Reset")
//	  concurrency cap (held for the HTTP exchange only); then the budget is
//	              checked again, so that a hold Lofty announced while this
//	              request queued is honoured
//	  one HTTP exchange, bounded by Timeout and the deadline
//	  429/502/503/504 or a connection failure: wait (Retry-After,
//	  X-RateLimit-Reset, else exponential backoff with full jitter) and go
//	  again — a write that is not idempotent only when Lofty provably did not
//	  act on it (429, connection refused)
//	  │
//	read: cache the answer (2xx for CacheTTL, 404 briefly), hand it to every waiter
//	write: drop the credential's cached reads
//
// No wait is ever started that would end past the deadline or last longer
// than MaxWait: the call fails at once instead, saying how long to wait
// (Error.RetryAfter).

// Defaults of the resilience settings lofty-mcp runs with (DefaultResilience).
const (
	DefaultMaxRetries     = 3
	DefaultMaxConcurrency = 8
	DefaultCacheTTL       = 30 * time.Second
	DefaultCallTimeout    = 60 * time.Second
	DefaultMaxWait        = 10 * time.Second
	DefaultRetryBaseDelay = 500 * time.Millisecond
	DefaultRetryMaxDelay  = 10 * time.Second
	DefaultNotFoundTTL    = 5 * time.Second
	DefaultCacheEntries   = 1024
	DefaultCacheBytes     = 32 << 20

	// RateLimitAuto makes each credential's limit follow its kind (a
	// personal API key DefaultAPIKeyRateLimit, an OAuth access token
	// DefaultAccessTokenRateLimit) and, once Lofty reports it, Lofty's own
	// X-RateLimit-Limit.
	RateLimitAuto               = -1
	DefaultAPIKeyRateLimit      = 10  // requests a minute; seen live for personal keys
	DefaultAccessTokenRateLimit = 100 // requests a minute; Lofty's documented app limit
)

// Resilience configures how a Client copes with Lofty's limits and failures.
// In the zero value everything is off: one attempt per call, no local rate
// limit, no concurrency cap, no cache, no wait cap but the deadline.
type Resilience struct {
	// MaxRetries is how many times a call is sent again after a 429, 502,
	// 503, 504 or a connection failure (a write that is not idempotent:
	// after a 429 or a refused connection only). 400, 401, 403, 404, other
	// 5xx and per-attempt timeouts are never retried.
	MaxRetries int
	// RetryBaseDelay and RetryMaxDelay shape the backoff when Lofty gives no
	// Retry-After: attempt n waits a random time in [0, min(max, base·2^n)).
	// Zero: DefaultRetryBaseDelay, DefaultRetryMaxDelay.
	RetryBaseDelay, RetryMaxDelay time.Duration

	// RateLimit is the requests allowed per credential in any minute
	// (Lofty counts per minute window, so a burst may use the whole
	// minute's allowance at once). 0: no local limit, and Lofty's
	// X-RateLimit-* headers are not tracked either (its 429s are still
	// retried). RateLimitAuto: by credential kind, following Lofty's
	// X-RateLimit-Limit once seen.
	RateLimit int

	// MaxConcurrency caps the requests to Lofty in flight at once; 0: no cap.
	MaxConcurrency int

	// MaxWait is the longest single wait a call makes (rate limit,
	// Retry-After, backoff, a free connection); a longer one fails the call
	// at once, saying when to retry. 0: only the deadline bounds waits.
	MaxWait time.Duration

	// CacheTTL is how long a successful read is served from memory; 0: no cache.
	CacheTTL time.Duration
	// NotFoundTTL is how long a 404 is cached; 0: DefaultNotFoundTTL. Never
	// longer than CacheTTL.
	NotFoundTTL time.Duration
	// CacheEntries and CacheBytes bound the cache; 0: DefaultCacheEntries,
	// DefaultCacheBytes.
	CacheEntries int
	CacheBytes   int64

	// CallTimeout bounds a whole call (waits and retries included) when the
	// caller's context has no earlier deadline; 0: DefaultCallTimeout.
	CallTimeout time.Duration
}

// DefaultResilience is what lofty-mcp runs with unless configured otherwise.
func DefaultResilience() Resilience {
	return Resilience{
		MaxRetries:     DefaultMaxRetries,
		RateLimit:      RateLimitAuto,
		MaxConcurrency: DefaultMaxConcurrency,
		MaxWait:        DefaultMaxWait,
		CacheTTL:       DefaultCacheTTL,
	}
}

// setResilience checks r, fills its defaults and builds what it asks for.
func (c *Client) setResilience(r Resilience) error {
	switch {
	case r.MaxRetries < 0:
		return fmt.Errorf("LOFTY_MAX_RETRIES must be 0 or more, got %d", r.MaxRetries)
	case r.RateLimit < RateLimitAuto:
		return fmt.Errorf("LOFTY_RATE_LIMIT must be 0 (no limit), a positive number or auto, got %d", r.RateLimit)
	case r.MaxConcurrency < 0:
		return fmt.Errorf("LOFTY_MAX_CONCURRENCY must be 0 (no cap) or more, got %d", r.MaxConcurrency)
	case r.CacheTTL < 0:
		return fmt.Errorf("LOFTY_CACHE_TTL must be 0 (no cache) or more, got %s", r.CacheTTL)
	case r.CallTimeout < 0:
		return fmt.Errorf("LOFTY_CALL_TIMEOUT must be positive, got %s", r.CallTimeout)
	case r.MaxWait < 0:
		return fmt.Errorf("LOFTY_MAX_WAIT must be 0 or more, got %s", r.MaxWait)
	}
	if r.RetryBaseDelay <= 0 {
		r.RetryBaseDelay = DefaultRetryBaseDelay
	}
	if r.RetryMaxDelay <= 0 {
		r.RetryMaxDelay = DefaultRetryMaxDelay
	}
	if r.CallTimeout == 0 {
		r.CallTimeout = DefaultCallTimeout
	}
	if r.NotFoundTTL <= 0 {
		r.NotFoundTTL = DefaultNotFoundTTL
	}
	r.NotFoundTTL = min(r.NotFoundTTL, r.CacheTTL)
	if r.CacheEntries <= 0 {
		r.CacheEntries = DefaultCacheEntries
	}
	if r.CacheBytes <= 0 {
		r.CacheBytes = DefaultCacheBytes
	}
	c.res = r
	if r.RateLimit != 0 {
		local := newLocalLimiter()
		c.limits = local
		if c.shared != nil {
			c.limits = &sharedLimiter{s: c.shared, local: local}
		}
	}
	if r.MaxConcurrency > 0 {
		c.sem = make(chan struct{}, r.MaxConcurrency)
	}
	if r.CacheTTL > 0 {
		local := newLocalCache(r.CacheEntries, r.CacheBytes)
		c.cache = local
		if c.shared != nil {
			c.cache = &sharedCache{s: c.shared, local: local, keep: r.CacheTTL + r.CallTimeout}
		}
	}
	c.flights.init()
	return nil
}

// result is a successful answer: the status and the JSON body, shared
// read-only by every caller that gets it.
type result struct {
	status int
	body   []byte
}

// load returns r's answer: a read from the cache, from a coalesced flight
// or from a new one; a write from a flight of its own. The caller waits
// until its own context ends, at the latest.
func (c *Client) load(ctx context.Context, r *call) (*result, error) {
	if isCacheOnly(ctx) {
		return c.cachedOnly(r)
	}
	start := time.Now()
	deadline := start.Add(c.res.CallTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	w := waiter{deadline: deadline, progress: progressOf(ctx), noWait: isNoWait(ctx)}

	if !r.reads() {
		fctx, cancel := context.WithCancel(ctx)
		f := &flight{ctx: fctx, cancel: cancel, started: start, waiters: map[uint64]waiter{1: w}}
		res, err := c.runFlight(f, r)
		switch {
		case err == nil:
			return res, nil
		case errors.Is(err, context.Canceled) && ctx.Err() != nil:
			return nil, ctxError(ctx, r, deadline.Sub(start))
		}
		return nil, err
	}
	if c.cache != nil {
		if res, err, ok := c.cache.get(r.credKey, r.key, start); ok {
			c.stats.cacheHits.Add(1)
			if err != nil {
				return nil, err
			}
			return res, nil
		}
	}
	f, id, ch := c.join(ctx, r, w)
	select {
	case out := <-ch:
		f.leave(id)
		if out.Err != nil {
			if le, ok := AsError(out.Err); ok {
				cp := *le // each caller gets its own copy
				return nil, &cp
			}
			return nil, out.Err
		}
		return out.Val.(*result), nil
	case <-ctx.Done():
		f.leave(id) // the last caller to leave aborts the request
		return nil, ctxError(ctx, r, deadline.Sub(start))
	}
}

// ctxError is the error of a caller whose context ended first.
func ctxError(ctx context.Context, r *call, budget time.Duration) *Error {
	var e *Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		e = deadlineError(r.path, "no answer within "+roundDuration(budget))
	} else {
		e = cancelledError(r.path)
		e.NotSent = false // it may have been sent before the caller left
	}
	e.Method = r.method
	return e
}

// fetch runs r's attempts for flight f: rate limit, concurrency cap, HTTP,
// and retries, never waiting past f's deadline or longer than MaxWait.
func (c *Client) fetch(f *flight, r *call) (*result, *Error) {
	ctx := f.ctx
	// reached: an earlier attempt may have reached Lofty (an idempotent
	// write is retried after a 5xx). A later failure that never left must
	// not then report the call as not sent.
	reached := false
	fail := func(e *Error) (*result, *Error) {
		if reached {
			e.NotSent = false
		}
		return nil, e
	}
	for n := 0; ; n++ {
		if err := c.turn(f, r); err != nil {
			return fail(err)
		}
		limit := min(c.timeout, time.Until(f.deadline()))
		if limit <= 0 {
			c.release()
			e := deadlineError(r.path, "no time left before the deadline")
			e.NotSent = true
			return fail(e)
		}
		a := c.exchange(ctx, r, limit, n)
		if a.err == nil || !a.err.NotSent {
			reached = true
		}
		// What Lofty said about the budget is noted before the connection
		// slot is given up, so a request queued for it sees any hold.
		if c.limits != nil {
			c.limits.observe(r.credKey, readBudget(a.header, a.status, a.hint, time.Now()))
		}
		c.release()
		if a.err == nil {
			return &result{status: a.status, body: a.body}, nil
		}
		retry := a.retriable
		if !r.idempotent() {
			retry = a.err.NotSent && (a.status == http.StatusTooManyRequests || a.retriable)
		}
		if !retry || ctx.Err() != nil {
			return fail(a.err)
		}
		if n >= c.res.MaxRetries {
			if c.res.MaxRetries > 0 {
				c.log.LogAttrs(ctx, slog.LevelDebug, "lofty retries spent", slog.String("endpoint", r.template),
					slog.Int("attempts", n+1), slog.String("kind", a.err.Kind.String()), slog.Int("status", a.status))
			}
			return fail(a.err)
		}
		wait := a.hint
		if wait <= 0 {
			wait = c.backoff(n)
		}
		if !c.fits(f, wait) {
			// Waiting would pass the deadline or MaxWait: answer now, and
			// say when Lofty will take the request.
			c.log.LogAttrs(ctx, slog.LevelDebug, "lofty not retrying: the wait is too long",
				slog.String("endpoint", r.template), slog.Int("status", a.status), slog.Duration("wait", wait),
				slog.Duration("left", time.Until(f.deadline())))
			if a.err.RetryAfter == 0 {
				a.err.RetryAfter = wait
			}
			return fail(a.err)
		}
		c.stats.retries.Add(1)
		c.log.LogAttrs(ctx, slog.LevelDebug, "lofty retry", slog.String("endpoint", r.template),
			slog.Int("attempt", n+2), slog.Int("status", a.status), slog.String("kind", a.err.Kind.String()),
			slog.Duration("wait", wait))
		f.report(retryMessage(a, n+1, c.res.MaxRetries, wait))
		if !sleep(ctx, wait) {
			return fail(cancelledError(r.path))
		}
	}
}

// fits reports whether a wait of d may start now: it ends before the
// deadline and is no longer than MaxWait.
func (c *Client) fits(f *flight, d time.Duration) bool {
	return f.mayWait() && (c.res.MaxWait <= 0 || d <= c.res.MaxWait) && !time.Now().Add(d).After(f.deadline())
}

// turn waits until r may be sent: the credential's rate-limit budget has
// room, and a connection slot is free (held on return: release it). Lofty
// may announce a hold while r waits for a slot, so the budget is looked at
// again once the slot is taken.
func (c *Client) turn(f *flight, r *call) *Error {
	for {
		if err := c.waitBudget(f, r); err != nil {
			return err
		}
		if err := c.acquire(f, r); err != nil {
			return err
		}
		if c.limits == nil {
			return nil
		}
		hold, _ := c.limits.held(r.credKey, time.Now())
		if hold <= 0 {
			return nil
		}
		c.release()
	}
}

// waitBudget takes one request from the credential's budget, waiting for
// one to free if that fits (see fits); otherwise it fails at once with a
// KindRateLimited error whose RetryAfter says how long the wait would be.
func (c *Client) waitBudget(f *flight, r *call) *Error {
	if c.limits == nil {
		return nil
	}
	limit, fixed := c.rateLimit(r.cred)
	for {
		now := time.Now()
		wait, why := c.limits.take(r.credKey, limit, fixed, now)
		if wait <= 0 {
			return nil
		}
		if !c.fits(f, wait) {
			c.stats.rateLimitRejects.Add(1)
			msg := "Lofty reported no requests left until its rate-limit window resets"
			switch why {
			case waitLocal:
				msg = c.rateLimitText(r.cred, limit, fixed)
			case waitFull:
				msg = fmt.Sprintf("lofty-mcp keeps Lofty's holds on the %d credentials it tracks and can track no other until one ends", maxBudgets)
			}
			return &Error{Kind: KindRateLimited, Method: r.method, Path: r.path, Message: msg, RetryAfter: wait, NotSent: true}
		}
		c.stats.rateLimitWaits.Add(1)
		c.stats.rateLimitWaitNanos.Add(int64(wait))
		f.report("Lofty's rate limit: waiting " + humanDuration(wait))
		if !sleep(f.ctx, wait) {
			return cancelledError(r.path)
		}
	}
}

// rateLimit is the requests a minute allowed for cred, and whether that is
// fixed (configured) or a default that Lofty's X-RateLimit-Limit replaces.
func (c *Client) rateLimit(cred Credential) (int, bool) {
	if c.res.RateLimit > 0 {
		return c.res.RateLimit, true
	}
	if cred.Kind == AccessToken {
		return DefaultAccessTokenRateLimit, false
	}
	return DefaultAPIKeyRateLimit, false
}

func (c *Client) rateLimitText(cred Credential, limit int, fixed bool) string {
	if fixed {
		return fmt.Sprintf("held back by lofty-mcp's own limit of %d requests a minute, LOFTY_RATE_LIMIT", limit)
	}
	kind := "a personal API key"
	if cred.Kind == AccessToken {
		kind = "an OAuth access token"
	}
	return fmt.Sprintf("held back by lofty-mcp's limit of %d requests a minute for %s (LOFTY_RATE_LIMIT sets another)", limit, kind)
}

// retryMessage says what a retry is about, for progress.
func retryMessage(a attempt, n, of int, wait time.Duration) string {
	what := "the connection to Lofty failed"
	switch {
	case a.status == http.StatusTooManyRequests:
		what = "Lofty's rate limit was reached (429)"
	case a.status != 0:
		what = "Lofty answered " + strconv.Itoa(a.status)
	}
	return fmt.Sprintf("%s; retrying in %s (%d of %d)", what, humanDuration(wait), n, of)
}

// humanDuration rounds d up to whole seconds ("8 s"), or says "under a second".
func humanDuration(d time.Duration) string {
	if d < time.Second {
		return "under a second"
	}
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10) + " s"
}

// backoff is the wait before retry n+1 without a hint from Lofty:
// exponential with full jitter.
func (c *Client) backoff(n int) time.Duration {
	ceiling := c.res.RetryMaxDelay
	if n < 30 {
		ceiling = min(ceiling, c.res.RetryBaseDelay<<n)
	}
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling)
}

// acquire takes a slot of the concurrency cap, waiting at most until the
// deadline or MaxWait.
func (c *Client) acquire(f *flight, r *call) *Error {
	if c.sem == nil {
		return nil
	}
	select {
	case c.sem <- struct{}{}:
		return nil
	default:
	}
	limit := time.Until(f.deadline())
	why := "all " + strconv.Itoa(cap(c.sem)) + " connections to Lofty (LOFTY_MAX_CONCURRENCY) stayed busy until the deadline"
	if c.res.MaxWait > 0 && c.res.MaxWait < limit {
		limit = c.res.MaxWait
		why = "all " + strconv.Itoa(cap(c.sem)) + " connections to Lofty (LOFTY_MAX_CONCURRENCY) stayed busy for " + roundDuration(limit) + " (LOFTY_MAX_WAIT)"
	}
	f.report("waiting for a free connection to Lofty")
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case c.sem <- struct{}{}:
		return nil
	case <-f.ctx.Done():
		return cancelledError(r.path)
	case <-timer.C:
		e := deadlineError(r.path, why)
		e.NotSent = true
		return e
	}
}

func (c *Client) release() {
	if c.sem != nil {
		<-c.sem
	}
}

// sleep waits d, or less if ctx ends first (then it returns false).
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// retriableStatus reports whether a read that got status may be sent again.
func retriableStatus(status int) bool {
	switch status {
	case 429, 502, 503, 504:
		return true
	}
	return false
}

// retriableTransport reports whether a connection failure may be retried:
// refused, reset, closed early. Timeouts, cancellation, unknown hosts and
// certificate errors are not.
func retriableTransport(err error) bool {
	var (
		ne      net.Error
		dns     *net.DNSError
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
	)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.As(err, &ne) && ne.Timeout():
		return false
	case errors.As(err, &dns):
		return !dns.IsNotFound
	case errors.As(err, &certErr), errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &invalid):
		return false
	}
	return true
}

// roundDuration prints d without sub-millisecond noise ("1.5s", "100ms").
func roundDuration(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		d = d.Round(time.Second)
	case d >= time.Second:
		d = d.Round(100 * time.Millisecond)
	default:
		d = d.Round(time.Millisecond)
	}
	return d.String()
}
