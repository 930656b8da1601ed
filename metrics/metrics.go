// Package metrics exposes what lofty-mcp does as Prometheus metrics, served
// on a listener of its own (--metrics-addr) so they are never exposed with
// MCP. Labels carry tool names, Lofty endpoint templates
// ("/v1.0/leads/{leadId}"), statuses and outcomes: never a lead id, never a
// credential.
package metrics

import (
	"context"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Namespace prefixes every metric.
const Namespace = "lofty_mcp"

// Outcomes of a tool call.
const (
	OutcomeOK     = "ok"     // a result
	OutcomeError  = "error"  // an isError result (Lofty refused, failed, bad arguments, declined)
	OutcomeFailed = "failed" // a JSON-RPC error (a bug or an encoding failure)
)

// Metrics holds lofty-mcp's metrics in a registry of its own.
type Metrics struct {
	reg         *prometheus.Registry
	toolCalls   *prometheus.CounterVec
	toolSeconds *prometheus.HistogramVec
	inFlight    prometheus.Gauge
}

// Sources are where the metrics read what they report at scrape time.
type Sources struct {
	Version string
	// Lofty is the Lofty client's counters.
	Lofty lofty.StatsSource
	// Sessions counts the live MCP sessions; nil reports none.
	Sessions func() int
}

// New builds the metrics over src.
func New(src Sources) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.toolCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Name: "tool_calls_total",
		Help: "Tool calls by tool and outcome (ok, error: an isError result, failed: a JSON-RPC error).",
	}, []string{"tool", "outcome"})
	m.toolSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: Namespace, Name: "tool_call_duration_seconds",
		Help:    "Time to answer a tool call, waits and retries included.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"tool"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: Namespace, Name: "tool_calls_in_flight", Help: "Tool calls being answered.",
	})
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: Namespace, Name: "build_info", Help: "lofty-mcp's version and Go version; always 1.",
		ConstLabels: prometheus.Labels{"version": src.Version, "goversion": runtime.Version()},
	})
	build.Set(1)
	m.reg.MustRegister(m.toolCalls, m.toolSeconds, m.inFlight, build)
	if src.Sessions != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: Namespace, Name: "sessions", Help: "Live MCP sessions (Streamable HTTP Mcp-Session-Id and SSE).",
		}, func() float64 { return float64(src.Sessions()) }))
	}
	if src.Lofty != nil {
		m.reg.MustRegister(loftyCollector{src.Lofty})
	}
	return m
}

// Handler serves the metrics in the Prometheus exposition format: ours, and
// the Go runtime and process metrics (go_*, process_*) of client_golang's
// default registry, which its package initialisation builds whether or not
// it is used (registering our own copies would link the collectors package:
// 0.7 ms more of every start).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(prometheus.Gatherers{m.reg, prometheus.DefaultGatherer}, promhttp.HandlerOpts{})
}

// ToolMiddleware counts and times every tool call (mcp-go's server.Use).
func (m *Metrics) ToolMiddleware() server.ToolHandlerMiddleware {
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			m.inFlight.Inc()
			start := time.Now()
			res, err := next(ctx, req)
			m.inFlight.Dec()
			outcome := OutcomeOK
			switch {
			case err != nil:
				outcome = OutcomeFailed
			case res != nil && res.IsError:
				outcome = OutcomeError
			}
			tool := req.Params.Name
			m.toolCalls.WithLabelValues(tool, outcome).Inc()
			m.toolSeconds.WithLabelValues(tool).Observe(time.Since(start).Seconds())
			return res, err
		}
	}
}

// loftyCollector reports the Lofty client's counters, read at scrape time
// (nothing is counted twice on the hot path).
type loftyCollector struct{ src lofty.StatsSource }

var (
	descCalls       = desc("lofty_calls_total", "Calls to Lofty asked for by tools (before the cache and coalescing).")
	descRequests    = desc("lofty_requests_total", "HTTP requests sent to Lofty, retries included, by method, endpoint template and status (0: no answer).", "method", "endpoint", "status")
	descRetries     = desc("lofty_retries_total", "Requests sent again after a 429, 502, 503, 504 or a connection failure.")
	descWaits       = desc("rate_limit_waits_total", "Requests that waited for the rate limit (lofty-mcp's or Lofty's).")
	descWaitSeconds = desc("rate_limit_wait_seconds_total", "Seconds spent waiting for the rate limit.")
	descRejects     = desc("rate_limit_rejects_total", "Calls answered at once because the rate limit's wait would pass their deadline or LOFTY_MAX_WAIT.")
	descHits        = desc("cache_hits_total", "Reads answered from the cache.")
	descMisses      = desc("cache_misses_total", "Reads the cache could not answer.")
	descCoalesced   = desc("coalesced_calls_total", "Reads that joined an identical read already in flight.")
	descSharedOps   = desc("shared_state_ops_total", "Round trips to the shared state (Redis).")
	descSharedErrs  = desc("shared_state_errors_total", "Round trips to the shared state that failed (the replica's own state answered).")
)

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(Namespace+"_"+name, help, labels, nil)
}

func (loftyCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descCalls, descRequests, descRetries, descWaits, descWaitSeconds,
		descRejects, descHits, descMisses, descCoalesced, descSharedOps, descSharedErrs} {
		ch <- d
	}
}

func (c loftyCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.src.Stats()
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	counter(descCalls, float64(s.Calls))
	for k, n := range s.Endpoints {
		counter(descRequests, float64(n), k.Method, k.Endpoint, strconv.Itoa(k.Status))
	}
	counter(descRetries, float64(s.Retries))
	counter(descWaits, float64(s.RateLimitWaits))
	counter(descWaitSeconds, s.RateLimitWaitTime.Seconds())
	counter(descRejects, float64(s.RateLimitRejects))
	counter(descHits, float64(s.CacheHits))
	counter(descMisses, float64(s.CacheMisses))
	counter(descCoalesced, float64(s.Coalesced))
	counter(descSharedOps, float64(s.SharedOps))
	counter(descSharedErrs, float64(s.SharedErrors))
}
