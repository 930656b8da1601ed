package lofty

import (
	"context"
	"time"
)

type noWaitKey struct{}

// NoWait returns a context whose calls never wait for the rate limit or
// for a retry's backoff: where a call would wait, it fails at once with a
// KindRateLimited (or the attempt's own) error that says how long the wait
// would have been. A question answered from several operations at once
// uses it so that one slow source cannot hold up the others.
func NoWait(ctx context.Context) context.Context {
	return context.WithValue(ctx, noWaitKey{}, true)
}

func isNoWait(ctx context.Context) bool {
	v, _ := ctx.Value(noWaitKey{}).(bool)
	return v
}

// Available reports how many requests the credential of ctx may send now
// without waiting for the rate limit, by lofty-mcp's own count and what
// Lofty last reported; known is false when lofty-mcp keeps no count (no
// rate limit, or one shared through Redis, which it does not ask).
func (c *Client) Available(ctx context.Context) (n int, known bool) {
	local, ok := c.limits.(*localLimiter)
	if !ok || local == nil {
		return 0, false
	}
	cred := c.credential(ctx)
	if cred.IsZero() {
		return 0, false
	}
	limit, fixed := c.rateLimit(cred)
	now := time.Now()
	b, _ := local.budgetOf(cred.key(), now)
	if b == nil {
		return 0, true // every budget is held: none for this credential yet
	}
	return b.available(limit, fixed, now), true
}

// available is how many requests may go at now without waiting.
func (b *credBudget) available(limit int, fixed bool, now time.Time) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.holdUntil.After(now) {
		return 0
	}
	if !fixed && b.learned > 0 {
		limit = b.learned
	}
	recent := 0
	for _, t := range b.sent {
		if t.After(now.Add(-rateWindow)) {
			recent++
		}
	}
	n := max(limit-recent, 0)
	if b.resetAt.After(now) {
		n = min(n, max(b.remaining, 0))
	}
	return n
}

// HumanDuration rounds d up to whole seconds ("8 s"), or says "under a
// second".
func HumanDuration(d time.Duration) string { return humanDuration(d) }
