package lofty

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Shared state. Replicas of lofty-mcp behind one load balancer spend one
// Lofty quota per credential, so with Config.Shared each credential's
// request budget (its requests in the last minute, Lofty's reported count,
// its holds) and the cache live in Redis: one limit across all replicas, a
// hold seen by one holds the others, a read cached by one is a hit on the
// others, and a write through one drops the credential's cached reads for
// all. Keys hold a hash of the credential, never the secret, under a Redis
// hash tag per credential ({…}) so a cluster keeps each credential's keys
// together.
//
// Redis is a help, never a dependency: when it does not answer within
// Shared.Timeout, a call goes on with the replica's own limiter and cache,
// a warning is logged once per outage, Ready reports it, and Redis is tried
// again after a short pause; nothing fails because of it.

// Shared configures the state replicas share.
type Shared struct {
	// Redis is the client of the Redis (7 or later) or Valkey server.
	Redis redis.UniversalClient
	// Prefix starts every key; default "lofty-mcp:".
	Prefix string
	// Timeout bounds one Redis operation; default 250ms.
	Timeout time.Duration
	// Retry is how long Redis is left alone after it failed; default 1s.
	Retry time.Duration
	// MaxValueBytes bounds a cached answer kept in Redis; default 512 KiB.
	MaxValueBytes int
}

// sharedState is a Client's connection to its shared state, with the
// replica's own limiter and cache to fall back on.
type sharedState struct {
	Shared
	log       *slog.Logger
	stats     *counters
	down      atomic.Bool
	retryAt   atomic.Int64 // unix nanos: while Redis is down, do not ask it before then
	mu        sync.Mutex
	lastError string
}

func newSharedState(s Shared, log *slog.Logger, st *counters) *sharedState {
	if s.Prefix == "" {
		s.Prefix = "lofty-mcp:"
	}
	if s.Timeout <= 0 {
		s.Timeout = 250 * time.Millisecond
	}
	if s.Retry <= 0 {
		s.Retry = time.Second
	}
	if s.MaxValueBytes <= 0 {
		s.MaxValueBytes = 512 << 10
	}
	return &sharedState{Shared: s, log: log, stats: st}
}

// key is a credential's key named what, under the credential's hash tag.
func (s *sharedState) key(credKey, what string) string {
	return s.Prefix + "{" + credKey + "}:" + what
}

// op runs one Redis operation within Timeout; false when Redis is down (or
// was recently), and the caller falls back to the replica's own state.
func (s *sharedState) op(f func(ctx context.Context) error) bool {
	if s.down.Load() && time.Now().UnixNano() < s.retryAt.Load() {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.Timeout)
	defer cancel()
	s.stats.sharedOps.Add(1)
	err := f(ctx)
	if err != nil && !errors.Is(err, redis.Nil) {
		s.stats.sharedErrors.Add(1)
		s.retryAt.Store(time.Now().Add(s.Retry).UnixNano())
		s.mu.Lock()
		s.lastError = err.Error()
		s.mu.Unlock()
		if s.down.CompareAndSwap(false, true) {
			s.log.Warn("Redis (--redis-url) does not answer: each replica uses its own rate limit and cache until it does", "error", err)
		}
		return false
	}
	if s.down.CompareAndSwap(true, false) {
		s.log.Info("Redis answers again: rate limit and cache are shared again")
	}
	return true
}

// ready pings Redis now, whatever its last state.
func (s *sharedState) ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, max(s.Timeout, time.Second))
	defer cancel()
	if err := s.Redis.Ping(ctx).Err(); err != nil {
		return err
	}
	if s.down.CompareAndSwap(true, false) {
		s.log.Info("Redis answers again: rate limit and cache are shared again")
	}
	return nil
}

// sharedLimiter keeps budgets in Redis, falling back to local.
type sharedLimiter struct {
	s     *sharedState
	local *localLimiter
}

// takeScript is credBudget.take in Redis: KEYS sent (a sorted set of send
// times) and budget (a hash: hold, reset, remaining, learned); ARGV now and
// window in ms, limit, fixed (1/0), a unique member. It answers {wait ms,
// reason}.
var takeScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[2], 'hold', 'reset', 'remaining', 'learned')
local hold = tonumber(b[1]) or 0
if hold > now then return {hold - now, 2} end
local reset = tonumber(b[2]) or 0
local remaining = tonumber(b[3])
if reset > now and remaining ~= nil and remaining <= 0 then return {reset - now, 2} end
if ARGV[4] == '0' and tonumber(b[4]) then limit = tonumber(b[4]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n >= limit then
  local first = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
  return {tonumber(first[2]) + window - now, 1}
end
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], window)
if reset > now and remaining ~= nil then redis.call('HINCRBY', KEYS[2], 'remaining', -1) end
return {0, 0}
`)

// observeScript is credBudget.observe in Redis: ARGV limit, remaining (-1
// unknown), reset and hold (ms, 0 unknown), and how long to keep the hash.
var observeScript = redis.NewScript(`
local limit = tonumber(ARGV[1])
local remaining = tonumber(ARGV[2])
local reset = tonumber(ARGV[3])
local hold = tonumber(ARGV[4])
if limit > 0 then redis.call('HSET', KEYS[1], 'learned', limit) end
if remaining >= 0 and reset > 0 then
  local b = redis.call('HMGET', KEYS[1], 'reset', 'remaining')
  local r = tonumber(b[1]) or 0
  local left = tonumber(b[2])
  if r ~= reset or left == nil or remaining < left then
    redis.call('HSET', KEYS[1], 'reset', reset, 'remaining', remaining)
  end
end
if hold > 0 then
  local h = tonumber(redis.call('HGET', KEYS[1], 'hold')) or 0
  if hold > h then redis.call('HSET', KEYS[1], 'hold', hold) end
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[5]))
return 0
`)

var takeSeq atomic.Uint64

func (l *sharedLimiter) take(credKey string, limit int, fixed bool, now time.Time) (time.Duration, waitReason) {
	var out []int64
	fixedArg := "0"
	if fixed {
		fixedArg = "1"
	}
	member := strconv.FormatInt(now.UnixNano(), 36) + "-" + strconv.FormatUint(takeSeq.Add(1), 36) + "-" + strconv.FormatInt(time.Now().UnixNano()%1e6, 36)
	ok := l.s.op(func(ctx context.Context) error {
		var err error
		out, err = takeScript.Run(ctx, l.s.Redis, []string{l.s.key(credKey, "sent"), l.s.key(credKey, "budget")},
			now.UnixMilli(), rateWindow.Milliseconds(), limit, fixedArg, member).Int64Slice()
		return err
	})
	if !ok || len(out) != 2 {
		return l.local.take(credKey, limit, fixed, now)
	}
	wait := time.Duration(out[0]) * time.Millisecond
	if wait <= 0 {
		// The fallback must know what was sent while Redis kept the
		// budget, or an outage would start it with a full minute's worth.
		l.local.charge(credKey, now)
	}
	return wait, waitReason(out[1])
}

func (l *sharedLimiter) held(credKey string, now time.Time) (time.Duration, waitReason) {
	var hold int64
	ok := l.s.op(func(ctx context.Context) error {
		v, err := l.s.Redis.HGet(ctx, l.s.key(credKey, "budget"), "hold").Int64()
		if errors.Is(err, redis.Nil) {
			return nil
		}
		hold = v
		return err
	})
	if !ok {
		return l.local.held(credKey, now)
	}
	if d := time.UnixMilli(hold).Sub(now); d > 0 {
		return d, waitLofty
	}
	return 0, waitNone
}

func (l *sharedLimiter) observe(credKey string, b budget) {
	l.local.observe(credKey, b) // the fallback knows what Lofty said too
	if b.limit == 0 && (b.remaining < 0 || b.reset.IsZero()) && b.holdUntil.IsZero() {
		return // nothing said: no round trip
	}
	ms := func(t time.Time) int64 {
		if t.IsZero() {
			return 0
		}
		return t.UnixMilli()
	}
	keep := max(time.Until(b.reset), time.Until(b.holdUntil), 0) + rateWindow
	l.s.op(func(ctx context.Context) error {
		return observeScript.Run(ctx, l.s.Redis, []string{l.s.key(credKey, "budget")},
			b.limit, b.remaining, ms(b.reset), ms(b.holdUntil), keep.Milliseconds()).Err()
	})
}

// sharedCache keeps answers in Redis, falling back to local.
//
// A write's invalidation is a marker in Redis (the credential's last write
// time). When Redis does not record it — it is down, or refuses writes
// (out of memory under noeviction) while still serving reads — the
// answers it holds from before the write must not be read: the credential
// is then pending, and its entries are read from and written to the
// replica's own cache only, until the marker is recorded (tried again at
// each use of the credential) or until every entry from before the write
// has expired (keep after it). Other replicas cannot be told while Redis
// refuses: they may serve what they read before for the rest of its TTL.
type sharedCache struct {
	s     *sharedState
	local *localCache
	// keep is how long a credential's write time is remembered: longer
	// than any read begun before it can still be stored.
	keep time.Duration

	mu sync.Mutex
	// pending is, by credential, the time of its latest write whose
	// marker Redis has not recorded.
	pending map[string]time.Time
	// allUntil: more credentials were pending than maxPending; until then,
	// no credential's entries are read from Redis.
	allUntil time.Time
}

// maxPending bounds how many credentials' unrecorded writes are kept.
const maxPending = 4096

// markScript records a credential's write time in KEYS[1] unless a later
// one is there (ARGV: the time in ms, how long to keep it in ms).
var markScript = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1])) or 0
if tonumber(ARGV[1]) > cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 0
`)

// mark records in Redis that credKey wrote at t.
func (c *sharedCache) mark(credKey string, t time.Time) bool {
	return c.s.op(func(ctx context.Context) error {
		return markScript.Run(ctx, c.s.Redis, []string{c.s.key(credKey, "write")}, t.UnixMilli(), c.keep.Milliseconds()).Err()
	})
}

// bypass reports whether credKey's entries must not come from Redis at now,
// first trying again to record a write Redis did not.
func (c *sharedCache) bypass(credKey string, now time.Time) bool {
	c.mu.Lock()
	if now.Before(c.allUntil) {
		c.mu.Unlock()
		return true
	}
	t, ok := c.pending[credKey]
	if ok && !now.Before(t.Add(c.keep)) {
		delete(c.pending, credKey) // every entry from before the write has expired
		ok = false
	}
	c.mu.Unlock()
	if !ok {
		return false
	}
	if !c.mark(credKey, t) {
		return true
	}
	c.mu.Lock()
	if c.pending[credKey].Equal(t) { // no later write failed meanwhile
		delete(c.pending, credKey)
	}
	c.mu.Unlock()
	return false
}

// deferWrite notes that Redis did not record credKey's write at t.
func (c *sharedCache) deferWrite(credKey string, t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		c.pending = map[string]time.Time{}
	}
	if _, ok := c.pending[credKey]; !ok && len(c.pending) >= maxPending {
		for k, w := range c.pending {
			if !t.Before(w.Add(c.keep)) {
				delete(c.pending, k)
			}
		}
		if len(c.pending) >= maxPending {
			c.allUntil = t.Add(c.keep)
			return
		}
	}
	if t.After(c.pending[credKey]) {
		c.pending[credKey] = t
	}
}

// cachedAnswer is a cache entry as Redis holds it.
type cachedAnswer struct {
	Fetched int64       `json:"f"` // unix ms the read began
	Expires int64       `json:"e"` // unix ms
	Status  int         `json:"s,omitempty"`
	Body    string      `json:"b,omitempty"`
	Err     *cachedFail `json:"x,omitempty"`
}

type cachedFail struct {
	Kind    Kind   `json:"k"`
	Method  string `json:"m,omitempty"`
	Status  int    `json:"s,omitempty"`
	Code    string `json:"c,omitempty"`
	Message string `json:"t,omitempty"`
	Path    string `json:"p,omitempty"`
	Cred    string `json:"r,omitempty"`
}

func (c *sharedCache) get(credKey, key string, now time.Time) (*result, *Error, bool) {
	if c.bypass(credKey, now) {
		return c.local.get(credKey, key, now)
	}
	var vals []any
	ok := c.s.op(func(ctx context.Context) error {
		var err error
		vals, err = c.s.Redis.MGet(ctx, c.s.key(credKey, "c:"+key), c.s.key(credKey, "write")).Result()
		return err
	})
	if !ok {
		return c.local.get(credKey, key, now)
	}
	raw, _ := vals[0].(string)
	if raw == "" {
		return nil, nil, false
	}
	var e cachedAnswer
	if json.Unmarshal([]byte(raw), &e) != nil || now.UnixMilli() >= e.Expires {
		return nil, nil, false
	}
	if w, _ := vals[1].(string); w != "" {
		if wt, err := strconv.ParseInt(w, 10, 64); err == nil && e.Fetched <= wt {
			return nil, nil, false // read before the credential's last write
		}
	}
	if e.Err != nil {
		return nil, &Error{Kind: e.Err.Kind, Method: e.Err.Method, Status: e.Err.Status, Code: e.Err.Code,
			Message: e.Err.Message, Path: e.Err.Path, Credential: e.Err.Cred}, true
	}
	return &result{status: e.Status, body: []byte(e.Body)}, nil, true
}

func (c *sharedCache) put(credKey, key string, res *result, err *Error, fetched, expires time.Time) {
	e := cachedAnswer{Fetched: fetched.UnixMilli(), Expires: expires.UnixMilli()}
	if res != nil {
		if len(res.body) > c.s.MaxValueBytes {
			return
		}
		e.Status, e.Body = res.status, string(res.body)
	}
	if err != nil {
		e.Err = &cachedFail{Kind: err.Kind, Method: err.Method, Status: err.Status, Code: err.Code,
			Message: err.Message, Path: err.Path, Cred: err.Credential}
	}
	raw, jerr := json.Marshal(e)
	ttl := time.Until(expires)
	if jerr != nil || ttl <= 0 {
		return
	}
	if c.bypass(credKey, time.Now()) || !c.s.op(func(ctx context.Context) error {
		return c.s.Redis.Set(ctx, c.s.key(credKey, "c:"+key), raw, ttl).Err()
	}) {
		c.local.put(credKey, key, res, err, fetched, expires)
	}
}

func (c *sharedCache) invalidate(credKey string, now time.Time) {
	c.local.invalidate(credKey, now) // what was cached locally during an outage
	if !c.mark(credKey, now) {
		c.deferWrite(credKey, now)
		return
	}
	c.mu.Lock()
	if t, ok := c.pending[credKey]; ok && !t.After(now) { // recorded by this later mark
		delete(c.pending, credKey)
	}
	c.mu.Unlock()
}
