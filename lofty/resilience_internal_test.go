package lofty

import (
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestBackoffIsFullJitterCappedExponential(t *testing.T) {
	c := &Client{}
	if err := c.setResilience(Resilience{RetryBaseDelay: 100 * time.Millisecond, RetryMaxDelay: time.Second}); err != nil {
		t.Fatal(err)
	}
	for n, ceiling := range []time.Duration{100, 200, 400, 800, 1000, 1000, 1000} {
		ceiling *= time.Millisecond
		var lo, hi time.Duration = time.Hour, 0
		for range 2000 {
			d := c.backoff(n)
			lo, hi = min(lo, d), max(hi, d)
		}
		// Full jitter: spread over [0, ceiling).
		if lo < 0 || hi >= ceiling || lo > ceiling/10 || hi < ceiling*9/10 {
			t.Errorf("backoff(%d) ranged over [%v, %v], want about [0, %v)", n, lo, hi, ceiling)
		}
	}
	if d := c.backoff(200); d < 0 || d >= time.Second {
		t.Errorf("backoff(200) = %v: overflowed the cap", d)
	}
}

func TestCacheBoundedByBytesAndEntries(t *testing.T) {
	c := newLocalCache(4, 64<<10)
	now := time.Now()
	exp := now.Add(time.Minute)
	body := []byte(strings.Repeat("x", 4<<10))
	for i := range 10 {
		c.put("cred", strconv.Itoa(i), &result{status: 200, body: body}, nil, now, exp)
	}
	if c.lru.Len() != 4 {
		t.Errorf("%d entries, want 4", c.lru.Len())
	}
	c = newLocalCache(100, 64<<10)
	for i := range 100 {
		c.put("cred", strconv.Itoa(i), &result{status: 200, body: body}, nil, now, exp)
	}
	if c.bytes > 64<<10 {
		t.Errorf("cache holds %d bytes, over its 64 KiB bound", c.bytes)
	}
	if _, _, ok := c.get("cred", "99", time.Now()); !ok {
		t.Error("the newest entry was evicted")
	}
	// Replacing an entry does not count it twice.
	before := c.bytes
	c.put("cred", "99", &result{status: 200, body: body}, nil, now, exp)
	if c.bytes != before {
		t.Errorf("bytes %d after replacing an entry, want %d", c.bytes, before)
	}
	// A body over an eighth of the cache is not kept.
	c.put("cred", "big", &result{status: 200, body: make([]byte, 16<<10)}, nil, now, exp)
	if _, _, ok := c.get("cred", "big", time.Now()); ok {
		t.Error("an oversized body was cached")
	}
}

// A write drops the credential's entries, not another's, and an answer read
// before the write is not stored after it.
func TestCacheInvalidation(t *testing.T) {
	c := newLocalCache(16, 1<<20)
	t0 := time.Now()
	exp := t0.Add(time.Minute)
	res := &result{status: 200, body: []byte(`{}`)}
	c.put("a", "a1", res, nil, t0, exp)
	c.put("b", "b1", res, nil, t0, exp)
	c.invalidate("a", t0.Add(time.Millisecond))
	if _, _, ok := c.get("a", "a1", t0.Add(2*time.Millisecond)); ok {
		t.Error("a's entry survived a's write")
	}
	if _, _, ok := c.get("b", "b1", t0.Add(2*time.Millisecond)); !ok {
		t.Error("b's entry was dropped by a's write")
	}
	c.put("a", "a2", res, nil, t0, exp) // a read begun before the write
	if _, _, ok := c.get("a", "a2", t0.Add(3*time.Millisecond)); ok {
		t.Error("a read begun before the write was stored after it")
	}
	c.put("a", "a3", res, nil, t0.Add(2*time.Millisecond), exp)
	if _, _, ok := c.get("a", "a3", t0.Add(3*time.Millisecond)); !ok {
		t.Error("a read begun after the write was not stored")
	}
}

func TestRateLimitResetForms(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	for v, want := range map[string]time.Time{
		"1800000030":    now.Add(30 * time.Second),
		"1800000030000": now.Add(30 * time.Second),
		"30":            now.Add(30 * time.Second),
	} {
		h := http.Header{"X-Ratelimit-Reset": {v}}
		if got, ok := rateLimitReset(h, now); !ok || !got.Equal(want) {
			t.Errorf("X-RateLimit-Reset %s: got %v %v, want %v", v, got, ok, want)
		}
	}
	for _, v := range []string{"", "soon", "-1"} {
		if _, ok := rateLimitReset(http.Header{"X-Ratelimit-Reset": {v}}, now); ok {
			t.Errorf("X-RateLimit-Reset %q accepted", v)
		}
	}
}

func TestCallKeysSeparateCredentials(t *testing.T) {
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(leadID string, cred Credential) *call {
		r, err := c.newCall(request{method: "GET", template: SalesAgentPath, path: SalesAgentPath,
			query: url.Values{"leadId": {leadID}}}, cred)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a := mk("1", Credential{Kind: APIKey, Secret: "s1"})
	b := mk("1", Credential{Kind: APIKey, Secret: "s2"})
	k := mk("1", Credential{Kind: AccessToken, Secret: "s1"})
	o := mk("10", Credential{Kind: APIKey, Secret: "s1"})
	keys := map[string]bool{a.key: true, b.key: true, k.key: true, o.key: true}
	if len(keys) != 4 {
		t.Error("two calls that differ in credential, kind or URL share a key")
	}
	if a.credKey != o.credKey || a.credKey == b.credKey {
		t.Error("credential keys do not follow the credential")
	}
	for _, key := range []string{a.key, a.credKey} {
		if strings.Contains(key, "s1") {
			t.Error("a key holds the secret")
		}
	}
}

// A huge Retry-After or X-RateLimit-Reset is a long hold, never an
// overflow into a short wait: it is capped at MaxHold.
func TestHugeWaitsAreLongHolds(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	for _, tc := range []struct {
		header, value string
		want          time.Duration
	}{
		{"Retry-After", "18446744074", MaxHold},
		{"Retry-After", "99999999999999999999999", MaxHold},
		{"Retry-After", "9223372036", MaxHold},
		{"Retry-After", "3599", 3599 * time.Second},
		{"Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT", MaxHold},
		{"Retry-After", "-5", 0},
		{"X-RateLimit-Reset", "9223372036854775807", MaxHold},
		{"X-RateLimit-Reset", "99999999999999999999", MaxHold},
		{"X-RateLimit-Reset", "999999999", MaxHold},
	} {
		h := http.Header{}
		h.Set(tc.header, tc.value)
		if got := retryAfter(h, http.StatusTooManyRequests, now); got != tc.want {
			t.Errorf("%s: %s gave a wait of %v, want %v", tc.header, tc.value, got, tc.want)
		}
		if b := readBudget(h, http.StatusTooManyRequests, retryAfter(h, 429, now), now); b.holdUntil.After(now.Add(MaxHold)) {
			t.Errorf("%s: %s held until %v, past %v", tc.header, tc.value, b.holdUntil, now.Add(MaxHold))
		}
	}
}

// Writes Redis did not record are remembered per credential, boundedly:
// past maxPending credentials, no credential's entries are read from
// Redis until the oldest possible stale entry has expired.
func TestUnrecordedWritesAreBounded(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 50 * time.Millisecond})
	defer rdb.Close()
	var st counters
	s := newSharedState(Shared{Redis: rdb, Retry: time.Hour}, slog.New(slog.DiscardHandler), &st)
	c := &sharedCache{s: s, local: newLocalCache(16, 1<<20), keep: time.Minute}
	now := time.Now()
	c.invalidate("cred-a", now)
	if !c.bypass("cred-a", now) || c.bypass("cred-b", now) {
		t.Fatal("a credential whose write Redis did not record must bypass it; another must not")
	}
	if c.bypass("cred-a", now.Add(time.Minute)) {
		t.Error("still bypassing once every entry from before the write has expired")
	}
	for i := range maxPending + 1 {
		c.invalidate("cred-"+strconv.Itoa(i), now)
	}
	if len(c.pending) > maxPending || !c.bypass("cred-other", now) {
		t.Errorf("%d pending, bypassing another credential %v; want at most %d, and everything bypassed",
			len(c.pending), c.bypass("cred-other", now), maxPending)
	}
	if c.bypass("cred-other", now.Add(time.Minute)) {
		t.Error("everything still bypassed after keep")
	}
}

// With every budget remembered, an idle one is forgotten first, then one
// that only counts requests; a held one never is, and while all are held
// a new credential waits for the first hold to end, saying so.
func TestBudgetsUnderAHoldAreKept(t *testing.T) {
	now := time.Now()
	l := newLocalLimiter()
	hold := func(k string, d time.Duration) { l.observe(k, budget{remaining: -1, holdUntil: now.Add(d)}) }
	for i := range maxBudgets - 2 {
		hold("held-"+strconv.Itoa(i), time.Minute+time.Duration(i)*time.Second)
	}
	if w, _ := l.take("counted", 10, true, now); w != 0 {
		t.Fatal(w)
	}
	l.budgetOf("idle", now.Add(-2*time.Minute)) // remembered, nothing in it
	if w, _ := l.take("new-1", 10, true, now); w != 0 {
		t.Fatalf("new-1 waits %v with an idle budget to forget", w)
	}
	if _, ok := l.lru.Peek("idle"); ok {
		t.Error("the idle budget was kept, another forgotten")
	}
	if w, _ := l.take("new-2", 10, true, now); w != 0 {
		t.Fatalf("new-2 waits %v with a counting budget to forget", w)
	}
	if _, ok := l.lru.Peek("counted"); ok {
		t.Error("the counting budget was kept while a held one went")
	}
	hold("new-1", time.Hour)
	hold("new-2", time.Hour)
	w, why := l.take("new-3", 10, true, now)
	if why != waitFull || w != time.Minute {
		t.Errorf("every budget held: new-3 waits %v (%v), want %v for the first hold to end", w, why, time.Minute)
	}
	for i := range maxBudgets - 2 {
		if d, _ := l.held("held-"+strconv.Itoa(i), now); d <= 0 {
			t.Fatalf("held-%d was forgotten", i)
		}
	}
	if w, _ := l.take("new-3", 10, true, now.Add(time.Minute)); w != 0 {
		t.Errorf("new-3 still waits %v once the first hold ended", w)
	}
}
