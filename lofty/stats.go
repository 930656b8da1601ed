package lofty

import (
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// StatsSource is what a logger or a /metrics endpoint reads counters from.
// *Client implements it.
type StatsSource interface {
	Stats() Stats
}

var _ StatsSource = (*Client)(nil)

// Stats is a snapshot of a Client's counters since it was created.
type Stats struct {
	// Calls is how many reads callers asked for.
	Calls uint64
	// Requests counts HTTP requests sent to Lofty (retries included) by the
	// status of their answer; key 0 counts those that got no complete
	// answer (refused, reset, timed out, cancelled).
	Requests map[int]uint64
	// Endpoints counts the same requests by method, endpoint template
	// ("/v1.0/leads/{leadId}": never an id) and status.
	Endpoints map[EndpointStatus]uint64
	// Retries is how many requests were sent again after a 429, 502, 503,
	// 504 or a connection failure.
	Retries uint64
	// CacheHits and CacheMisses count cache look-ups (none with the cache off).
	CacheHits, CacheMisses uint64
	// Coalesced is how many calls joined an identical read already in
	// flight instead of sending their own.
	Coalesced uint64
	// RateLimitWaits is how many requests waited for the rate limit (the
	// local token bucket or Lofty's reset), for RateLimitWaitTime in all.
	RateLimitWaits    uint64
	RateLimitWaitTime time.Duration
	// RateLimitRejects is how many calls failed at once because the rate
	// limit's wait would have passed their deadline.
	RateLimitRejects uint64
	// SharedOps counts round trips to the shared state (Redis), and
	// SharedErrors those that failed (the replica's own state answered).
	SharedOps, SharedErrors uint64
}

// EndpointStatus is a request's method, endpoint template and the status
// of its answer (0: none).
type EndpointStatus struct {
	Method, Endpoint string
	Status           int
}

// UpstreamRequests is the number of HTTP requests sent to Lofty.
func (s Stats) UpstreamRequests() uint64 {
	var n uint64
	for _, v := range s.Requests {
		n += v
	}
	return n
}

// LogValue renders the snapshot as a slog group.
func (s Stats) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.Uint64("calls", s.Calls),
		slog.Uint64("upstream", s.UpstreamRequests()),
	}
	for _, status := range slices.Sorted(maps.Keys(s.Requests)) {
		name := "status_" + strconv.Itoa(status)
		if status == 0 {
			name = "no_response"
		}
		attrs = append(attrs, slog.Uint64(name, s.Requests[status]))
	}
	attrs = append(attrs,
		slog.Uint64("retries", s.Retries),
		slog.Uint64("cache_hits", s.CacheHits),
		slog.Uint64("cache_misses", s.CacheMisses),
		slog.Uint64("coalesced", s.Coalesced),
		slog.Uint64("rate_limit_waits", s.RateLimitWaits),
		slog.Duration("rate_limit_wait_time", s.RateLimitWaitTime),
		slog.Uint64("rate_limit_rejects", s.RateLimitRejects),
		slog.Uint64("shared_ops", s.SharedOps),
		slog.Uint64("shared_errors", s.SharedErrors),
	)
	return slog.GroupValue(attrs...)
}

// Stats returns a snapshot of the client's counters.
func (c *Client) Stats() Stats {
	st := &c.stats
	s := Stats{
		Calls:             st.calls.Load(),
		Retries:           st.retries.Load(),
		CacheHits:         st.cacheHits.Load(),
		CacheMisses:       st.cacheMisses.Load(),
		Coalesced:         st.coalesced.Load(),
		RateLimitWaits:    st.rateLimitWaits.Load(),
		RateLimitWaitTime: time.Duration(st.rateLimitWaitNanos.Load()),
		RateLimitRejects:  st.rateLimitRejects.Load(),
		SharedOps:         st.sharedOps.Load(),
		SharedErrors:      st.sharedErrors.Load(),
	}
	s.Requests = map[int]uint64{}
	st.mu.Lock()
	s.Endpoints = maps.Clone(st.byEndpoint)
	st.mu.Unlock()
	if s.Endpoints == nil {
		s.Endpoints = map[EndpointStatus]uint64{}
	}
	for k, n := range s.Endpoints {
		s.Requests[k.Status] += n
	}
	return s
}

// counters are a Client's live counters.
type counters struct {
	calls, retries, cacheHits, cacheMisses, coalesced atomic.Uint64
	rateLimitWaits, rateLimitRejects                  atomic.Uint64
	sharedOps, sharedErrors                           atomic.Uint64
	rateLimitWaitNanos                                atomic.Int64

	mu         sync.Mutex
	byEndpoint map[EndpointStatus]uint64
}

// request counts one HTTP request by method, endpoint template and the
// status of its answer (0: none).
func (c *counters) request(method, endpoint string, status int) {
	c.mu.Lock()
	if c.byEndpoint == nil {
		c.byEndpoint = map[EndpointStatus]uint64{}
	}
	c.byEndpoint[EndpointStatus{method, endpoint, status}]++
	c.mu.Unlock()
}
