package lofty

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"strconv"
	"time"
)

// How a call travels (Client.get):
//
//	cache ──hit──▶ answer
//	  │ miss
//	coalescing: join the identical read already in flight, or start one
//	  │ (the flight runs on a context of its own, see flight)
//	for each attempt:
//	  rate gate: the credential's token bucket, and Lofty's own
//	             "no requests left until X-RateLimit-Reset"
//	  concurrency cap (held for the HTTP exchange only)
//	  one HTTP GET, bounded by Timeout and the deadline
//	  429/502/503/504 or a connection failure: wait (Retry-After,
//	  X-RateLimit-Reset, else exponential backoff with full jitter) and
//	  go again, unless the wait would pass the deadline or MaxRetries is spent
//	  │
//	cache the answer (2xx for CacheTTL, 404 briefly), hand it to every waiter
//
// No wait is ever started that would end past the deadline: the call fails
// at once instead, saying how long to wait (Error.RetryAfter).

// Defaults of the resilience settings lofty-mcp runs with (DefaultResilience).
const (
	DefaultMaxRetries     = 3
	DefaultRateLimit      = 100 // requests per minute per credential
	DefaultMaxConcurrency = 8
	DefaultCacheTTL       = 30 * time.Second
	DefaultCallTimeout    = 60 * time.Second
	DefaultRetryBaseDelay = 500 * time.Millisecond
	DefaultRetryMaxDelay  = 10 * time.Second
	DefaultNotFoundTTL    = 5 * time.Second
	DefaultCacheEntries   = 1024
	DefaultCacheBytes     = 32 << 20
)

// Resilience configures how a Client copes with Lofty's limits and failures.
// In the zero value everything is off: one attempt per call, no local rate
// limit, no concurrency cap, no cache.
type Resilience struct {
	// MaxRetries is how many times an idempotent read is sent again after a
	// 429, 502, 503, 504 or a connection failure. 400, 401, 403, 404, other
	// 5xx and per-attempt timeouts are never retried.
	MaxRetries int
	// RetryBaseDelay and RetryMaxDelay shape the backoff when Lofty gives no
	// Retry-After: attempt n waits a random time in [0, min(max, base·2^n)).
	// Zero: DefaultRetryBaseDelay, DefaultRetryMaxDelay.
	RetryBaseDelay, RetryMaxDelay time.Duration

	// RateLimit is the requests per minute allowed per credential (a token
	// bucket). 0: no local limit; Lofty's X-RateLimit-Remaining is then not
	// tracked either (its 429s are still retried).
	RateLimit int
	// RateBurst is the bucket size; 0: RateLimit/20, between 1 and 10.
	RateBurst int

	// MaxConcurrency caps the requests to Lofty in flight at once; 0: no cap.
	MaxConcurrency int

	// CacheTTL is how long a successful read is served from memory; 0: no cache.
	CacheTTL time.Duration
	// NotFoundTTL is how long a 404 is cached; 0: DefaultNotFoundTTL. Never
	// longer than CacheTTL.
	NotFoundTTL time.Duration
	// CacheEntries and CacheBytes bound the cache; 0: DefaultCacheEntries,
	// DefaultCacheBytes.
	CacheEntries int
	CacheBytes   int64

	// Coalesce makes concurrent identical reads (same credential, same URL)
	// share one upstream request.
	Coalesce bool

	// CallTimeout bounds a whole call (waits and retries included) when the
	// caller's context has no earlier deadline; 0: DefaultCallTimeout.
	CallTimeout time.Duration
}

// DefaultResilience is what lofty-mcp runs with unless configured otherwise.
func DefaultResilience() Resilience {
	return Resilience{
		MaxRetries:     DefaultMaxRetries,
		RateLimit:      DefaultRateLimit,
		MaxConcurrency: DefaultMaxConcurrency,
		CacheTTL:       DefaultCacheTTL,
		Coalesce:       true,
	}
}

// setResilience checks r, fills its defaults and builds what it asks for.
func (c *Client) setResilience(r Resilience) error {
	switch {
	case r.MaxRetries < 0:
		return fmt.Errorf("LOFTY_MAX_RETRIES must be 0 or more, got %d", r.MaxRetries)
	case r.RateLimit < 0:
		return fmt.Errorf("LOFTY_RATE_LIMIT must be 0 (no limit) or more, got %d", r.RateLimit)
	case r.MaxConcurrency < 0:
		return fmt.Errorf("LOFTY_MAX_CONCURRENCY must be 0 (no cap) or more, got %d", r.MaxConcurrency)
	case r.CacheTTL < 0:
		return fmt.Errorf("LOFTY_CACHE_TTL must be 0 (no cache) or more, got %s", r.CacheTTL)
	case r.CallTimeout < 0:
		return fmt.Errorf("LOFTY_CALL_TIMEOUT must be positive, got %s", r.CallTimeout)
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
	if r.RateLimit > 0 && r.RateBurst <= 0 {
		r.RateBurst = min(max(r.RateLimit/20, 1), 10)
	}
	c.res = r
	if r.RateLimit > 0 {
		c.gates = newGates(r.RateLimit, r.RateBurst)
	}
	if r.MaxConcurrency > 0 {
		c.sem = make(chan struct{}, r.MaxConcurrency)
	}
	if r.CacheTTL > 0 {
		c.cache = newCache(r.CacheEntries, r.CacheBytes)
	}
	c.flights.init()
	return nil
}

// call is one read: where it goes, with which credential, and the keys that
// identify it without holding the secret.
type call struct {
	path    string
	url     string
	cred    Credential
	credKey string // hash of the credential: rate gate
	key     string // hash of the credential and the URL: cache and coalescing
}

func newCall(path, u string, cred Credential) *call {
	h := sha256.New()
	h.Write([]byte{byte(cred.Kind)})
	h.Write([]byte(cred.Secret))
	credSum := h.Sum(nil)
	h.Write([]byte{0})
	h.Write([]byte(u))
	return &call{path: path, url: u, cred: cred,
		credKey: hex.EncodeToString(credSum), key: hex.EncodeToString(h.Sum(nil))}
}

// result is a successful read: the status and the JSON body, shared
// read-only by every caller that gets it.
type result struct {
	status int
	body   []byte
}

// load returns r's answer from the cache, from a coalesced flight, or from
// a new one. The caller waits until its own context ends, at the latest.
func (c *Client) load(ctx context.Context, r *call) (*result, error) {
	start := time.Now()
	deadline := start.Add(c.res.CallTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()

	if c.cache != nil {
		if res, err, ok := c.cache.get(r.key, start); ok {
			c.stats.cacheHits.Add(1)
			return res, err
		}
	}
	if !c.res.Coalesce {
		if c.cache != nil {
			c.stats.cacheMisses.Add(1)
		}
		fctx, cancel := context.WithCancel(ctx)
		f := &flight{ctx: fctx, cancel: cancel, waiters: map[uint64]time.Time{1: deadline}}
		v, err := c.runFlight(f, r)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctxError(ctx, r.path, deadline.Sub(start))
			}
			return nil, err
		}
		return v.(*result), nil
	}
	f, id, ch := c.join(ctx, r, deadline)
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
		return nil, ctxError(ctx, r.path, deadline.Sub(start))
	}
}

// ctxError is the error of a caller whose context ended first.
func ctxError(ctx context.Context, path string, budget time.Duration) *Error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &Error{Kind: KindUnavailable, Path: path,
			Message: "no answer within " + roundDuration(budget), Err: context.DeadlineExceeded}
	}
	return &Error{Kind: KindUnavailable, Path: path, Message: "request cancelled", Err: context.Canceled}
}

// deadlineError is the error of a flight that reached its deadline before an answer.
func deadlineError(path, why string) *Error {
	return &Error{Kind: KindUnavailable, Path: path, Message: why, Err: context.DeadlineExceeded}
}

// fetch runs r's attempts for flight f: rate gate, concurrency cap, HTTP,
// and retries, never waiting past f's deadline.
func (c *Client) fetch(f *flight, r *call) (*result, *Error) {
	ctx := f.ctx
	g := c.gates.forCredential(r.credKey)
	for n := 0; ; n++ {
		if err := g.wait(ctx, f.deadline(), r.path, &c.stats); err != nil {
			return nil, err
		}
		if err := c.acquire(ctx, f.deadline(), r.path); err != nil {
			return nil, err
		}
		limit := min(c.timeout, time.Until(f.deadline()))
		if limit <= 0 {
			c.release()
			return nil, deadlineError(r.path, "no time left before the deadline")
		}
		a := c.do(ctx, r, limit, n)
		c.release()
		g.observe(a.header, a.status, a.hint, time.Now())
		if a.err == nil {
			return &result{status: a.status, body: a.body}, nil
		}
		if !a.retriable || ctx.Err() != nil {
			return nil, a.err
		}
		if n >= c.res.MaxRetries {
			if c.res.MaxRetries > 0 {
				c.log.LogAttrs(ctx, slog.LevelDebug, "lofty retries spent", slog.String("path", r.path),
					slog.Int("attempts", n+1), slog.String("kind", a.err.Kind.String()), slog.Int("status", a.status))
			}
			return nil, a.err
		}
		wait := a.hint
		if wait <= 0 {
			wait = c.backoff(n)
		}
		if time.Now().Add(wait).After(f.deadline()) {
			// Waiting would pass the deadline: answer now, and say when
			// Lofty will take the request (a.err.RetryAfter holds its hint).
			c.log.LogAttrs(ctx, slog.LevelDebug, "lofty not retrying: the wait would pass the deadline",
				slog.String("path", r.path), slog.Int("status", a.status), slog.Duration("wait", wait),
				slog.Duration("left", time.Until(f.deadline())))
			return nil, a.err
		}
		c.stats.retries.Add(1)
		c.log.LogAttrs(ctx, slog.LevelDebug, "lofty retry", slog.String("path", r.path),
			slog.Int("attempt", n+2), slog.Int("status", a.status), slog.String("kind", a.err.Kind.String()),
			slog.Duration("wait", wait))
		if !sleep(ctx, wait) {
			return nil, &Error{Kind: KindUnavailable, Path: r.path, Message: "request cancelled", Err: context.Canceled}
		}
	}
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

// acquire takes a slot of the concurrency cap, waiting at most until deadline.
func (c *Client) acquire(ctx context.Context, deadline time.Time, path string) *Error {
	if c.sem == nil {
		return nil
	}
	select {
	case c.sem <- struct{}{}:
		return nil
	default:
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case c.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return &Error{Kind: KindUnavailable, Path: path, Message: "request cancelled", Err: context.Canceled}
	case <-timer.C:
		return deadlineError(path, "all "+strconv.Itoa(cap(c.sem))+" connections to Lofty (LOFTY_MAX_CONCURRENCY) stayed busy until the deadline")
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
