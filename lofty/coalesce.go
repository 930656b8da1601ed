package lofty

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Coalescing. Concurrent identical reads (same credential, same URL: the
// call key) share one upstream request through a singleflight.Group.
//
// The shared request must not run on any one caller's context: if it did,
// the first caller to cancel would fail every other caller waiting on the
// same answer. So each flight runs on a context of its own, detached from
// the callers (context.WithoutCancel keeps their values, drops their
// cancellation) and cancelled when the last waiting caller has gone. A
// caller that leaves early gets its own cancellation or deadline error at
// once; the others keep waiting. The flight's deadline, used to decide
// whether a wait (backoff, Retry-After, rate limit) still fits, is the
// latest deadline among the callers still waiting; its progress reports
// reach every waiter.
//
// The flights map mirrors the singleflight group so that a caller can join
// a flight's waiters atomically with joining its singleflight call; both
// are changed under flightGroup.mu only. A flight leaves the map (and the
// group forgets its key) when its work is done, when a new caller finds it
// abandoned by all its waiters and starts a fresh one, or when a write by
// the same credential makes what it is reading stale.
type flightGroup struct {
	mu      sync.Mutex
	group   singleflight.Group
	flights map[string]*flight
}

func (g *flightGroup) init() { g.flights = map[string]*flight{} }

// flight is one upstream request and the callers waiting for it.
type flight struct {
	ctx     context.Context
	cancel  context.CancelFunc
	started time.Time // when the flight began: a write after this makes its answer stale
	credKey string

	mu      sync.Mutex
	waiters map[uint64]waiter
	nextID  uint64
	closed  bool // every waiter left; ctx is cancelled
}

// waiter is one caller waiting on a flight.
type waiter struct {
	deadline time.Time
	progress Progress // nil: the caller wants no progress
	noWait   bool     // the caller would rather fail than wait (NoWait)
}

// tryJoin adds a waiter; false if the flight was abandoned.
func (f *flight) tryJoin(w waiter) (uint64, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return 0, false
	}
	f.nextID++
	f.waiters[f.nextID] = w
	return f.nextID, true
}

// leave removes waiter id; the last one out cancels the flight.
func (f *flight) leave(id uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.waiters, id)
	if len(f.waiters) == 0 && !f.closed {
		f.closed = true
		f.cancel()
	}
}

// deadline is the latest deadline of the waiters still waiting (the zero
// time when none is left; the flight's context is then cancelled too).
func (f *flight) deadline() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	var d time.Time
	for _, w := range f.waiters {
		if w.deadline.After(d) {
			d = w.deadline
		}
	}
	return d
}

// mayWait reports whether some waiter accepts waiting for the rate limit or
// a retry (not every one asked NoWait).
func (f *flight) mayWait() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, w := range f.waiters {
		if !w.noWait {
			return true
		}
	}
	return len(f.waiters) == 0
}

// report tells every waiter that wants progress what the flight waits for.
func (f *flight) report(msg string) {
	f.mu.Lock()
	var ps []Progress
	for _, w := range f.waiters {
		if w.progress != nil {
			ps = append(ps, w.progress)
		}
	}
	f.mu.Unlock()
	for _, p := range ps {
		p(msg)
	}
}

// join makes the caller a waiter of r's flight, starting one if none is
// live, and returns the channel its answer will arrive on.
func (c *Client) join(ctx context.Context, r *call, w waiter) (*flight, uint64, <-chan singleflight.Result) {
	g := &c.flights
	g.mu.Lock()
	defer g.mu.Unlock()
	if c.cache != nil && !isFresh(ctx) {
		// A flight may have filled the cache since the caller looked.
		if res, err, ok := c.cache.get(r.credKey, r.key, time.Now()); ok {
			c.stats.cacheHits.Add(1) // the caller's first look (in load) was not counted
			ch := make(chan singleflight.Result, 1)
			if err != nil {
				ch <- singleflight.Result{Err: err}
			} else {
				ch <- singleflight.Result{Val: res}
			}
			return &flight{waiters: map[uint64]waiter{}, cancel: func() {}}, 0, ch
		}
		c.stats.cacheMisses.Add(1)
	}
	run := func(f *flight) func() (any, error) {
		return func() (any, error) {
			res, err := c.runFlight(f, r)
			if err != nil {
				return nil, err
			}
			return res, nil
		}
	}
	f := g.flights[r.key]
	if f != nil {
		if id, ok := f.tryJoin(w); ok {
			c.stats.coalesced.Add(1)
			return f, id, g.group.DoChan(r.key, run(f))
		}
		g.group.Forget(r.key) // abandoned: its result goes to no one
	}
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f = &flight{ctx: fctx, cancel: cancel, started: time.Now(), credKey: r.credKey, waiters: map[uint64]waiter{}}
	id, _ := f.tryJoin(w)
	g.flights[r.key] = f
	return f, id, g.group.DoChan(r.key, run(f))
}

// forgetFlights detaches the credential's reads in flight, so that callers
// after a write start fresh ones instead of joining reads begun before it.
func (g *flightGroup) forgetFlights(credKey string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for key, f := range g.flights {
		if f.credKey == credKey {
			delete(g.flights, key)
			g.group.Forget(key)
		}
	}
}

// fetchRecovered is fetch with a panic turned into an error: singleflight
// re-panics a shared call's panic on a goroutine of its own, where nothing
// (not mcp-go's recovery either) could catch it and the server would die.
func (c *Client) fetchRecovered(f *flight, r *call) (res *result, err *Error) {
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("lofty request panicked", "endpoint", r.template, "panic", fmt.Sprint(p))
			res, err = nil, &Error{Kind: KindUnknown, Method: r.method, Path: r.path, Message: "internal error in lofty-mcp"}
		}
	}()
	return c.fetch(f, r)
}

// runFlight is the work of one flight: fetch, then for a read cache the
// answer and retire the flight, for a write drop the credential's cached
// reads.
func (c *Client) runFlight(f *flight, r *call) (*result, *Error) {
	defer f.cancel()
	res, err := c.fetchRecovered(f, r)
	if !r.reads() {
		if err == nil || !err.NotSent {
			// Lofty took the write, or may have: what was read before is stale.
			c.invalidate(r.credKey)
		}
		return res, err
	}
	if c.cache != nil && f.ctx.Err() == nil {
		now := time.Now()
		switch {
		case err == nil:
			c.cache.put(r.credKey, r.key, res, nil, f.started, now.Add(c.res.CacheTTL))
		case err.Kind == KindNotFound:
			c.cache.put(r.credKey, r.key, nil, err, f.started, now.Add(c.res.NotFoundTTL))
		}
	}
	g := &c.flights
	g.mu.Lock()
	if g.flights[r.key] == f {
		delete(g.flights, r.key)
		g.group.Forget(r.key)
	}
	g.mu.Unlock()
	return res, err
}

// invalidate drops every cached read of the credential and detaches its
// reads in flight.
func (c *Client) invalidate(credKey string) {
	if c.cache != nil {
		c.cache.invalidate(credKey, time.Now())
	}
	c.flights.forgetFlights(credKey)
}
