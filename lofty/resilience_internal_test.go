package lofty

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
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
	c := newCache(4, 64<<10)
	exp := time.Now().Add(time.Minute)
	body := []byte(strings.Repeat("x", 4<<10))
	for i := range 10 {
		c.put(strconv.Itoa(i), &result{status: 200, body: body}, nil, exp)
	}
	if c.lru.Len() != 4 {
		t.Errorf("%d entries, want 4", c.lru.Len())
	}
	c = newCache(100, 64<<10)
	for i := range 100 {
		c.put(strconv.Itoa(i), &result{status: 200, body: body}, nil, exp)
	}
	if c.bytes > 64<<10 {
		t.Errorf("cache holds %d bytes, over its 64 KiB bound", c.bytes)
	}
	if _, _, ok := c.get("99", time.Now()); !ok {
		t.Error("the newest entry was evicted")
	}
	// Replacing an entry does not count it twice.
	before := c.bytes
	c.put("99", &result{status: 200, body: body}, nil, exp)
	if c.bytes != before {
		t.Errorf("bytes %d after replacing an entry, want %d", c.bytes, before)
	}
	// A body over an eighth of the cache is not kept.
	c.put("big", &result{status: 200, body: make([]byte, 16<<10)}, nil, exp)
	if _, _, ok := c.get("big", time.Now()); ok {
		t.Error("an oversized body was cached")
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
	u := "https://api.lofty.com/v2.0/sales-agents/by-lead?leadId=1"
	a := newCall("/p", u, Credential{Kind: APIKey, Secret: "s1"})
	b := newCall("/p", u, Credential{Kind: APIKey, Secret: "s2"})
	k := newCall("/p", u, Credential{Kind: AccessToken, Secret: "s1"})
	o := newCall("/p", u+"0", Credential{Kind: APIKey, Secret: "s1"})
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
