package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// resilienceConfig holds the Lofty client's retry, rate-limit, cache and concurrency settings.
type resilienceConfig struct {
	maxRetries     int
	rateLimit      int // requests per minute per credential; 0: no local limit; lofty.RateLimitAuto: by credential kind
	maxConcurrency int // 0: no cap
	cacheTTL       time.Duration
	callTimeout    time.Duration
	maxWait        time.Duration

	// As given (flag, else environment, else default), parsed in validate so
	// that a bad environment value is reported like a bad flag.
	raw struct{ maxRetries, rateLimit, maxConcurrency, cacheTTL, callTimeout, maxWait string }
}

// Bounds of the resilience settings.
const (
	maxMaxRetries     = 10
	maxRateLimit      = 100_000
	maxMaxConcurrency = 1024
	maxCacheTTL       = 24 * time.Hour
	maxCallTimeout    = time.Hour
	maxMaxWait        = time.Hour
)

// loftyResilience is the lofty package's view of these settings. A config
// that never went through parseConfig (tests) gets a plain client.
func (r resilienceConfig) loftyResilience() lofty.Resilience {
	return lofty.Resilience{
		MaxRetries:     r.maxRetries,
		RateLimit:      r.rateLimit,
		MaxConcurrency: r.maxConcurrency,
		CacheTTL:       r.cacheTTL,
		CallTimeout:    r.callTimeout,
		MaxWait:        r.maxWait,
	}
}

// addFlags registers the resilience flags, with environment defaults.
func (r *resilienceConfig) addFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&r.raw.maxRetries, "max-retries",
		envOr(getenv, "LOFTY_MAX_RETRIES", strconv.Itoa(lofty.DefaultMaxRetries)),
		"retry a read or an idempotent write up to `N` times (0–10) after a 429, 502, 503, 504 or connection failure; other writes only after a 429 or a refused connection (env LOFTY_MAX_RETRIES)")
	fs.StringVar(&r.raw.rateLimit, "rate-limit",
		envOr(getenv, "LOFTY_RATE_LIMIT", "auto"),
		"send at most `N` Lofty requests in any minute per credential; 0: no local limit; auto: 10 for a personal API key, 100 for an OAuth access token, then what Lofty's X-RateLimit-Limit says (env LOFTY_RATE_LIMIT)")
	fs.StringVar(&r.raw.maxConcurrency, "max-concurrency",
		envOr(getenv, "LOFTY_MAX_CONCURRENCY", strconv.Itoa(lofty.DefaultMaxConcurrency)),
		"keep at most `N` Lofty requests in flight at once; 0: no cap (env LOFTY_MAX_CONCURRENCY)")
	fs.StringVar(&r.raw.cacheTTL, "cache-ttl",
		envOr(getenv, "LOFTY_CACHE_TTL", lofty.DefaultCacheTTL.String()),
		"reuse a successful read for `DURATION` (Go duration or seconds); 0 disables the cache (env LOFTY_CACHE_TTL)")
	fs.StringVar(&r.raw.callTimeout, "call-timeout",
		envOr(getenv, "LOFTY_CALL_TIMEOUT", "60s"),
		"give a call to Lofty at most `DURATION`, waits and retries included, unless its client sets less (env LOFTY_CALL_TIMEOUT)")
	fs.StringVar(&r.raw.maxWait, "max-wait",
		envOr(getenv, "LOFTY_MAX_WAIT", lofty.DefaultMaxWait.String()),
		"make no single wait longer than `DURATION` (rate limit, Retry-After, backoff, a free connection): a longer one answers at once with when to retry; 0: only --call-timeout bounds waits (env LOFTY_MAX_WAIT)")
}

// validate parses and bounds the resilience settings.
func (r *resilienceConfig) validate() error {
	var err error
	if r.maxRetries, err = parseBoundedInt("--max-retries", "LOFTY_MAX_RETRIES", r.raw.maxRetries, 0, maxMaxRetries); err != nil {
		return err
	}
	if strings.EqualFold(strings.TrimSpace(r.raw.rateLimit), "auto") {
		r.rateLimit = lofty.RateLimitAuto
	} else if r.rateLimit, err = parseBoundedInt("--rate-limit", "LOFTY_RATE_LIMIT", r.raw.rateLimit, 0, maxRateLimit); err != nil {
		return fmt.Errorf("%w, or auto", err)
	}
	if r.maxConcurrency, err = parseBoundedInt("--max-concurrency", "LOFTY_MAX_CONCURRENCY", r.raw.maxConcurrency, 0, maxMaxConcurrency); err != nil {
		return err
	}
	if r.cacheTTL, err = parseBoundedDuration("--cache-ttl", "LOFTY_CACHE_TTL", r.raw.cacheTTL, 0, maxCacheTTL); err != nil {
		return err
	}
	if r.callTimeout, err = parseBoundedDuration("--call-timeout", "LOFTY_CALL_TIMEOUT", r.raw.callTimeout, time.Nanosecond, maxCallTimeout); err != nil {
		return err
	}
	if r.maxWait, err = parseBoundedDuration("--max-wait", "LOFTY_MAX_WAIT", r.raw.maxWait, 0, maxMaxWait); err != nil {
		return err
	}
	return nil
}

func parseBoundedInt(flagName, env, v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s (or %s) must be a whole number from %d to %d, got %q", flagName, env, lo, hi, v)
	}
	return n, nil
}

// parseBoundedDuration reads a Go duration ("30s", "2m") or a whole number
// of seconds ("30").
func parseBoundedDuration(flagName, env, v string, lo, hi time.Duration) (time.Duration, error) {
	s := strings.TrimSpace(v)
	d, err := time.ParseDuration(s)
	if err != nil {
		secs, serr := strconv.ParseInt(s, 10, 64)
		if serr != nil || secs < 0 || secs > int64(hi/time.Second) {
			return 0, fmt.Errorf("%s (or %s) must be a duration such as 30s or 2m, got %q", flagName, env, v)
		}
		d = time.Duration(secs) * time.Second
	}
	if d < lo || d > hi {
		least := "0"
		if lo > 0 {
			least = "more than 0"
		}
		return 0, fmt.Errorf("%s (or %s) must be from %s to %s, got %q", flagName, env, least, hi, v)
	}
	return d, nil
}
