package lofty

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// Rate limiting. Lofty counts requests per app (credential) per minute
// window, so each credential has a budget of its own: at most its limit in
// any minute (a sliding window, so that no minute window Lofty counts ever
// sees more; a burst may spend the whole allowance at once), and a hold
// that Lofty sets by answering X-RateLimit-Remaining: 0 (until
// X-RateLimit-Reset) or 429 with a hint (until Retry-After). While Lofty
// reports how many requests remain in its window, no more than that are
// sent before the window resets. Every attempt takes from its credential's
// budget; a caller waits only if the wait fits its deadline and MaxWait,
// and otherwise gets a KindRateLimited error at once that says how long to
// wait.

// rateWindow is the span Lofty counts requests over.
const rateWindow = time.Minute

// waitReason says why a request must wait.
type waitReason int

const (
	waitNone  waitReason = iota
	waitLocal            // the credential's requests-a-minute limit
	waitLofty            // Lofty said: none left until its window resets, or retry after
	waitFull             // every budget remembered is under a hold: none for a new credential
)

// limiter keeps each credential's request budget, by credential key.
type limiter interface {
	// take spends one request of the budget at now, or says how long
	// until one is free (spending nothing) and why. limit is the requests
	// a minute; unless fixed, a limit Lofty reported replaces it.
	take(credKey string, limit int, fixed bool, now time.Time) (time.Duration, waitReason)
	// held says how long Lofty holds the credential's requests from now
	// (a 429's Retry-After, X-RateLimit-Remaining: 0): asked again once a
	// request has its connection, so a hold announced while it queued counts.
	held(credKey string, now time.Time) (time.Duration, waitReason)
	// observe notes what an answer said about the budget.
	observe(credKey string, b budget)
}

// budget is what an answer said about a credential's budget.
type budget struct {
	limit     int       // X-RateLimit-Limit; 0 unknown
	remaining int       // X-RateLimit-Remaining; -1 unknown
	reset     time.Time // X-RateLimit-Reset; zero unknown
	holdUntil time.Time // no request before then (429 Retry-After, Remaining 0)
}

// readBudget reads X-RateLimit-Limit, -Remaining and -Reset, and a 429's
// wait, from an answer at now.
func readBudget(h http.Header, status int, hint time.Duration, now time.Time) budget {
	b := budget{remaining: -1}
	if h == nil {
		return b
	}
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Limit"))); err == nil && n > 0 {
		b.limit = n
	}
	if t, ok := rateLimitReset(h, now); ok && t.After(now) {
		b.reset = t
	}
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Remaining"))); err == nil {
		b.remaining = max(n, 0)
		if n <= 0 && !b.reset.IsZero() {
			b.holdUntil = b.reset
		}
	}
	if status == http.StatusTooManyRequests && hint > 0 && now.Add(hint).After(b.holdUntil) {
		b.holdUntil = now.Add(hint)
	}
	return b
}

// maxBudgets bounds how many credentials' budgets are remembered. When it
// is reached, the least recently used budget that holds nothing is
// forgotten first, else the least recently used one that only counts
// requests; a budget under a hold from Lofty never is (forgetting it would
// send requests Lofty refuses into its hold), so while every budget is
// held a new credential waits for the first hold to end.
const maxBudgets = 1024

// localLimiter is the in-process limiter.
type localLimiter struct {
	mu  sync.Mutex
	lru *simplelru.LRU[string, *credBudget]
}

func newLocalLimiter() *localLimiter {
	l := &localLimiter{}
	l.lru, _ = simplelru.NewLRU[string, *credBudget](maxBudgets, nil)
	return l
}

// budgetOf returns credKey's budget, making one if need be; nil when none
// can be made before wait (see maxBudgets).
func (l *localLimiter) budgetOf(credKey string, now time.Time) (*credBudget, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.lru.Get(credKey); ok {
		return b, 0
	}
	if l.lru.Len() >= maxBudgets {
		if wait := l.evictLocked(now); wait > 0 {
			return nil, wait
		}
	}
	b := &credBudget{}
	l.lru.Add(credKey, b)
	return b, 0
}

// evictLocked forgets one budget to make room (see maxBudgets), or says
// how long until the first hold ends when every budget is held.
func (l *localLimiter) evictLocked(now time.Time) time.Duration {
	victim, victimState := "", budgetHeld
	var soonest time.Duration
	for _, k := range l.lru.Keys() { // least recently used first
		b, _ := l.lru.Peek(k)
		st, until := b.state(now)
		if st < victimState {
			victim, victimState = k, st
			if st == budgetIdle {
				break
			}
		}
		if st == budgetHeld && (soonest == 0 || until.Sub(now) < soonest) {
			soonest = until.Sub(now)
		}
	}
	if victim == "" {
		return max(soonest, time.Millisecond)
	}
	l.lru.Remove(victim)
	return 0
}

func (l *localLimiter) take(credKey string, limit int, fixed bool, now time.Time) (time.Duration, waitReason) {
	b, wait := l.budgetOf(credKey, now)
	if b == nil {
		return wait, waitFull
	}
	return b.take(limit, fixed, now)
}

func (l *localLimiter) held(credKey string, now time.Time) (time.Duration, waitReason) {
	if b, _ := l.budgetOf(credKey, now); b != nil {
		return b.held(now)
	}
	return 0, waitNone // not remembered: nothing known to hold it
}

func (l *localLimiter) observe(credKey string, b budget) {
	if cb, _ := l.budgetOf(credKey, time.Now()); cb != nil {
		cb.observe(b)
	}
}

// charge notes a request Redis let go at now (see credBudget.charge).
func (l *localLimiter) charge(credKey string, now time.Time) {
	if b, _ := l.budgetOf(credKey, now); b != nil {
		b.charge(now)
	}
}

// budgetState is how much a budget still matters (see maxBudgets).
type budgetState int

const (
	budgetIdle    budgetState = iota // nothing the minute or Lofty still holds against it
	budgetCounted                    // requests in the last minute, or Lofty's count for its window
	budgetHeld                       // Lofty holds its requests: 429 Retry-After, or none left until reset
)

// state says how much b matters at now and, when held, until when.
func (b *credBudget) state(now time.Time) (budgetState, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.holdUntil.After(now):
		return budgetHeld, b.holdUntil
	case b.resetAt.After(now) && b.remaining <= 0:
		return budgetHeld, b.resetAt
	case b.resetAt.After(now) || (len(b.sent) > 0 && b.sent[len(b.sent)-1].After(now.Add(-rateWindow))):
		return budgetCounted, time.Time{}
	}
	return budgetIdle, time.Time{}
}

// credBudget is one credential's budget.
type credBudget struct {
	mu        sync.Mutex
	sent      []time.Time // requests sent in the last rateWindow, oldest first
	learned   int         // Lofty's X-RateLimit-Limit, 0 unknown
	remaining int         // Lofty's count left until resetAt (valid while resetAt is ahead)
	resetAt   time.Time
	holdUntil time.Time
}

func (b *credBudget) held(now time.Time) (time.Duration, waitReason) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.holdUntil.After(now) {
		return b.holdUntil.Sub(now), waitLofty
	}
	return 0, waitNone
}

func (b *credBudget) take(limit int, fixed bool, now time.Time) (time.Duration, waitReason) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.holdUntil.After(now) {
		return b.holdUntil.Sub(now), waitLofty
	}
	if b.resetAt.After(now) && b.remaining <= 0 {
		return b.resetAt.Sub(now), waitLofty // Lofty's count for its window is spent
	}
	if !fixed && b.learned > 0 {
		limit = b.learned
	}
	b.forget(now)
	if len(b.sent) >= limit {
		return b.sent[len(b.sent)-limit].Add(rateWindow).Sub(now), waitLocal
	}
	b.spend(now)
	return 0, waitNone
}

// forget drops the requests sent before the window that ends at now.
func (b *credBudget) forget(now time.Time) {
	cut := 0
	for cut < len(b.sent) && !b.sent[cut].After(now.Add(-rateWindow)) {
		cut++
	}
	b.sent = b.sent[cut:]
}

// spend notes a request sent at now.
func (b *credBudget) spend(now time.Time) {
	b.sent = append(b.sent, now)
	if b.resetAt.After(now) {
		b.remaining--
	}
}

// charge notes a request that another keeper of the budget (Redis) let go
// at now, so that this budget, should it take over, knows it was spent.
func (b *credBudget) charge(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.forget(now)
	b.spend(now)
}

func (b *credBudget) observe(o budget) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if o.limit > 0 {
		b.learned = o.limit
	}
	if o.remaining >= 0 && !o.reset.IsZero() {
		// Lofty's own count: no more than this until its window resets
		// (an answer that overtook a later one cannot give back requests).
		if !o.reset.Equal(b.resetAt) || o.remaining < b.remaining {
			b.remaining, b.resetAt = o.remaining, o.reset
		}
	}
	if o.holdUntil.After(b.holdUntil) {
		b.holdUntil = o.holdUntil
	}
}
