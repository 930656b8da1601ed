package lofty

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/time/rate"
)

// Rate limiting. Lofty counts requests per app (credential) per minute, so
// each credential has a gate of its own: a token bucket at RateLimit
// requests a minute, and a hold that Lofty sets by answering
// X-RateLimit-Remaining: 0 (until X-RateLimit-Reset) or 429 with a hint
// (until Retry-After). Every attempt passes its credential's gate; a caller
// waits there only if the wait ends before its deadline, and otherwise gets
// a KindRateLimited error at once that says how long to wait.

// maxGates bounds how many credentials' gates are remembered; the least
// recently used is forgotten first.
const maxGates = 1024

type gates struct {
	mu        sync.Mutex
	lru       *simplelru.LRU[string, *gate]
	perMinute int
	burst     int
}

func newGates(perMinute, burst int) *gates {
	g := &gates{perMinute: perMinute, burst: burst}
	g.lru, _ = simplelru.NewLRU[string, *gate](maxGates, nil)
	return g
}

// forCredential returns credKey's gate; nil (no limit) when g is nil.
func (g *gates) forCredential(credKey string) *gate {
	if g == nil {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if gt, ok := g.lru.Get(credKey); ok {
		return gt
	}
	gt := &gate{
		lim:       rate.NewLimiter(rate.Limit(float64(g.perMinute)/60), g.burst),
		perMinute: g.perMinute,
	}
	g.lru.Add(credKey, gt)
	return gt
}

// gate is one credential's rate limit.
type gate struct {
	lim       *rate.Limiter
	perMinute int

	mu        sync.Mutex
	holdUntil time.Time // Lofty said: nothing before then
}

// wait takes a token, waiting for it (and for any hold) if that ends before
// deadline; otherwise it fails at once with a KindRateLimited error whose
// RetryAfter says how long the wait would have been.
func (g *gate) wait(ctx context.Context, deadline time.Time, path string, st *counters) *Error {
	if g == nil {
		return nil
	}
	now := time.Now()
	res := g.lim.ReserveN(now, 1)
	d := res.DelayFrom(now)
	g.mu.Lock()
	hold := g.holdUntil.Sub(now)
	g.mu.Unlock()
	wait, held := d, hold > d
	if held {
		wait = hold
	}
	if wait <= 0 {
		return nil
	}
	if now.Add(wait).After(deadline) {
		res.CancelAt(now)
		st.rateLimitRejects.Add(1)
		why := fmt.Sprintf("held back by lofty-mcp's own limit of %d requests a minute, LOFTY_RATE_LIMIT", g.perMinute)
		if held {
			why = "Lofty reported no requests left until its rate-limit window resets"
		}
		return &Error{Kind: KindRateLimited, Path: path, Message: why, RetryAfter: wait}
	}
	st.rateLimitWaits.Add(1)
	st.rateLimitWaitNanos.Add(int64(wait))
	if !sleep(ctx, wait) {
		res.Cancel()
		return &Error{Kind: KindUnavailable, Path: path, Message: "request cancelled", Err: context.Canceled}
	}
	return nil
}

// observe notes what a response says about the credential's budget:
// X-RateLimit-Remaining: 0 holds every request until X-RateLimit-Reset, and
// a 429 with a hint holds them for that long.
func (g *gate) observe(h http.Header, status int, hint time.Duration, now time.Time) {
	if g == nil || h == nil {
		return
	}
	var until time.Time
	if status == http.StatusTooManyRequests && hint > 0 {
		until = now.Add(hint)
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Remaining")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n <= 0 {
			if t, ok := rateLimitReset(h, now); ok && t.After(until) {
				until = t
			}
		}
	}
	if until.After(now) {
		g.mu.Lock()
		if until.After(g.holdUntil) {
			g.holdUntil = until
		}
		g.mu.Unlock()
	}
}
