// Package lofty is a client for the Lofty CRM Open API: authentication,
// requests, typed errors, retries, rate limits, coalescing and a cache. It
// knows nothing about MCP.
//
// Each documented operation the client calls is declared once, as a
// package-level endpoint value (operation.go: get, post, postRead, put,
// del), so that the contract tests check every request and answer type
// against Lofty's OpenAPI document with no line to add per endpoint.
//
// Wire types are written by hand, one per Lofty schema a method reads,
// under Lofty's field names, and checked against the document by those
// tests. Types generated from the document (oapi-codegen v2.8.2, types
// only: 7,829 lines, 378 types) were measured: no package init and
// +240 KiB (1.5%) of binary for the whole document, decode CPU within
// noise. But they read live Lofty wrongly: unset numbers stay -1, the 12
// date-time fields reject Lofty's "…GMT" times and the other 55 times pass
// through in three forms, money is float32, free-form answers lose ids
// above 2^53, and list paging, which Lofty sends as "_metadata" where the
// document says "get_metadata", is lost. Hand types use Time, PositiveInt
// and AttributeValue for these, and can be tools' results too.
package lofty

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultBaseURL is Lofty's production API.
const DefaultBaseURL = "https://api.lofty.com"

// DefaultTimeout bounds one request when Config.Timeout is zero.
const DefaultTimeout = 15 * time.Second

// DefaultMaxBodyBytes caps a response body when Config.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = 4 << 20

// Config configures a Client. Zero values take the defaults.
type Config struct {
	BaseURL      string        // default DefaultBaseURL
	Credential   Credential    // may be zero: requests then fail with KindNoCredentials
	Timeout      time.Duration // per attempt; default DefaultTimeout
	MaxBodyBytes int64         // response body cap; default DefaultMaxBodyBytes
	UserAgent    string        // default "lofty-mcp"
	HTTPClient   *http.Client  // default: a client with its own tuned transport
	Logger       *slog.Logger  // default: discard
	// Resilience sets retries, rate limiting, the concurrency cap,
	// coalescing and the cache. Its zero value turns them all off (one
	// attempt per call, each call its own request, no cache): a plain
	// client. DefaultResilience() is what lofty-mcp runs with.
	Resilience Resilience
	// Shared, when set, keeps the rate limit and the cache in Redis so that
	// replicas share them (see shared.go).
	Shared *Shared
}

// Client calls the Lofty Open API. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	cred      Credential
	timeout   time.Duration
	maxBody   int64
	userAgent string
	http      *http.Client
	log       *slog.Logger

	baseIsDefault bool // the base URL is Lofty's own (DefaultBaseURL)

	res     Resilience    // with defaults filled in
	limits  limiter       // per-credential request budgets; nil: no local limit
	sem     chan struct{} // concurrency cap; nil: none
	cache   cacheStore    // nil: no cache
	flights flightGroup   // coalescing of identical concurrent reads
	shared  *sharedState  // nil: nothing shared
	stats   counters
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	raw := cfg.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("LOFTY_BASE_URL %q is not an absolute http(s) URL such as %s", RedactURL(raw), DefaultBaseURL)
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("LOFTY_TIMEOUT must be positive, got %s", cfg.Timeout)
	}
	c := &Client{
		base:      base,
		cred:      cfg.Credential,
		timeout:   cfg.Timeout,
		maxBody:   cfg.MaxBodyBytes,
		userAgent: cfg.UserAgent,
		http:      cfg.HTTPClient,
		log:       cfg.Logger,
	}
	c.baseIsDefault = base.String() == DefaultBaseURL
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	if c.userAgent == "" {
		c.userAgent = "lofty-mcp"
	}
	if c.http == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 32
		// A redirect is not followed: Go would resend the Authorization
		// header to the same host, even from https down to http.
		c.http = &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	// (A caller's own HTTP client — demo mode's in-process fake — knows
	// where its requests go.)
	if cfg.HTTPClient == nil && base.Scheme == "http" && !isLoopbackHost(base.Hostname()) {
		c.log.Warn("LOFTY_BASE_URL uses plain http to a host that is not this machine: the Lofty credential crosses the network unencrypted",
			"host", base.Hostname())
	}
	if cfg.Shared != nil && cfg.Shared.Redis != nil {
		c.shared = newSharedState(*cfg.Shared, c.log, &c.stats)
	}
	if err := c.setResilience(cfg.Resilience); err != nil {
		return nil, err
	}
	return c, nil
}

// Close releases the client's idle connections. Calls in flight finish;
// the client stays usable.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Ready reports whether what the client depends on answers: the shared
// state (Redis), when configured. Lofty itself is not asked.
func (c *Client) Ready(ctx context.Context) error {
	if c.shared == nil {
		return nil
	}
	return c.shared.ready(ctx)
}

// String never reveals the secret (nor a password in the base URL).
func (c *Client) String() string {
	return "lofty.Client{" + RedactURL(c.base.String()) + ", " + c.cred.String() + "}"
}

// RedactURL returns raw with its userinfo (user:password@) replaced by
// "xxxxx@", in every form: with or without a scheme, parsable or not. Every
// '@' counts, so a password holding '/' or '@' is hidden too.
func RedactURL(raw string) string {
	prefix, rest := "", raw
	if i := strings.Index(raw, "://"); i >= 0 {
		prefix, rest = raw[:i+3], raw[i+3:]
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return raw
	}
	return prefix + "xxxxx" + rest[at:]
}

// isLoopbackHost reports whether host names this machine.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// GoString never reveals the secret.
func (c *Client) GoString() string { return c.String() }

// HasCredential reports whether the client has a credential of its own.
func (c *Client) HasCredential() bool { return !c.cred.IsZero() }

// request is one Lofty API operation, as a client method describes it.
type request struct {
	method   string // GET, POST or PUT
	template string // the endpoint as documented, for logs and metrics: "/v1.0/leads/{leadId}"
	path     string // the endpoint with its parameters filled in: "/v1.0/leads/42"
	query    url.Values
	body     any // a write's JSON body; nil for none
	// read marks a POST that only reads (Operation.Read): cached,
	// coalesced and retried as a GET.
	read bool
	// idempotent marks a POST that replaces what it sets (an assignment):
	// sent twice, it does no more than once, so it is retried as a PUT is.
	idempotent bool
	// listMax, when positive, is the most items the answer's own lists
	// keep; otherwise the request's page size decides (see decode.go).
	listMax int
}

// get reads path?query and decodes the answer into out (see decode).
func (c *Client) get(ctx context.Context, template, path string, query url.Values, out any) error {
	return c.send(ctx, request{method: http.MethodGet, template: template, path: path, query: query}, out)
}

// send makes request rq and decodes a 2xx answer into out (nil: ignore
// the body). Reads go through the cache and coalescing; every attempt
// through the rate limiter, the concurrency cap and the retry policy (see
// resilience.go). A write drops the credential's cached reads once Lofty
// has taken it.
func (c *Client) send(ctx context.Context, rq request, out any) error {
	cred := c.credential(ctx)
	if cred.IsZero() {
		return &Error{Kind: KindNoCredentials, Method: rq.method, Path: rq.path}
	}
	r, err := c.newCall(rq, cred)
	if err != nil {
		return err
	}
	c.stats.calls.Add(1)
	res, err := c.load(ctx, r)
	recordStatus(ctx, res, err)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	return c.decode(ctx, r, res, out)
}

// call is a request ready to send: its URL, encoded body, credential, and
// the keys that identify it without holding the secret.
type call struct {
	request
	url     string
	payload []byte
	cred    Credential
	credKey string // the credential's hash: rate limit, cache invalidation
	key     string // hash of credential and URL: cache and coalescing of reads
}

func (c *Client) newCall(rq request, cred Credential) (*call, error) {
	u := *c.base
	u.Path = c.base.Path + rq.path
	u.RawQuery = rq.query.Encode()
	r := &call{request: rq, url: u.String(), cred: cred, credKey: cred.key()}
	if rq.body != nil {
		b, err := json.Marshal(rq.body)
		if err != nil {
			return nil, &Error{Kind: KindUnknown, Method: rq.method, Path: rq.path, Message: "could not encode the request", Err: err}
		}
		r.payload = b
	}
	if r.reads() {
		h := sha256.New()
		h.Write([]byte(r.credKey))
		h.Write([]byte{0})
		h.Write([]byte(r.url))
		if r.payload != nil { // a read sent as POST: its body is part of the question
			h.Write([]byte{0})
			h.Write(r.payload)
		}
		r.key = hex.EncodeToString(h.Sum(nil))
	}
	return r, nil
}

// reads reports whether the call only reads (a GET, or a POST declared a
// read): cached, coalesced, retried.
func (r *call) reads() bool { return r.method == http.MethodGet || r.request.read }

// idempotent reports whether sending the call twice does no more than
// once (GET, PUT): such calls are retried after any retriable failure;
// others only when Lofty provably did not act on them.
func (r *call) idempotent() bool {
	return r.reads() || r.method == http.MethodPut || r.request.idempotent
}

const notLoftyJSON = "response is not the JSON Lofty documents"

// attempt is the outcome of one HTTP request to Lofty.
type attempt struct {
	status int         // 0: no complete response
	header http.Header // nil without a response
	body   []byte      // a 2xx body holding valid JSON (or nothing, for a write)
	err    *Error      // nil on success
	// retriable: a read may be sent again (429, 502, 503, 504, a
	// connection failure).
	retriable bool
	// hint is how long Lofty asked us to wait (Retry-After, X-RateLimit-Reset), 0 if it did not.
	hint time.Duration
}

// exchange sends one HTTP request for r, bounded by limit, and classifies the outcome.
func (c *Client) exchange(ctx context.Context, r *call, limit time.Duration, n int) attempt {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var body io.Reader
	if r.payload != nil {
		body = bytes.NewReader(r.payload)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return attempt{err: &Error{Kind: KindUnknown, Method: r.method, Path: r.path, Err: err, NotSent: true}}
	}
	req.Header.Set("Authorization", r.cred.authorization())
	req.Header.Set("Accept", "application/json")
	// Every method: Lofty answers some GETs 415, and every DELETE 400,
	// without it.
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.stats.request(r.method, r.template, 0)
		a := c.transportFailure(ctx, r, limit, err)
		c.log.LogAttrs(ctx, slog.LevelDebug, "lofty request failed", slog.String("method", r.method), slog.String("endpoint", r.template),
			slog.Int("attempt", n+1), slog.Duration("duration", time.Since(start)), slog.String("error", a.err.Message))
		return a
	}
	defer resp.Body.Close()
	raw, readErr := readBody(resp.Body, resp.ContentLength, c.maxBody+1)
	c.log.LogAttrs(ctx, slog.LevelDebug, "lofty request", slog.String("method", r.method),
		slog.String("endpoint", r.template), slog.Int("status", resp.StatusCode), slog.Int("attempt", n+1),
		slog.Duration("duration", time.Since(start)), slog.Int("bytes", len(raw)))
	if readErr != nil {
		c.stats.request(r.method, r.template, 0)
		a := c.transportFailure(ctx, r, limit, readErr)
		a.header = resp.Header
		a.err.NotSent = false // Lofty answered: it has seen the request
		c.log.LogAttrs(ctx, slog.LevelDebug, "lofty response body cut short", slog.String("endpoint", r.template),
			slog.Int("attempt", n+1), slog.String("error", a.err.Message))
		return a
	}
	c.stats.request(r.method, r.template, resp.StatusCode)
	a := attempt{status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// The status decides an error's kind, whatever the body's size;
		// the secret is removed before the message is shortened, so that
		// no cut can leave part of it behind.
		if int64(len(raw)) > c.maxBody {
			raw = raw[:c.maxBody]
		}
		code, msg := parseErrorBody(redactBytes(raw, r.cred))
		a.hint = retryAfter(resp.Header, resp.StatusCode, time.Now())
		a.retriable = retriableStatus(resp.StatusCode)
		a.err = &Error{
			Kind:       kindForStatus(resp.StatusCode),
			Method:     r.method,
			Credential: r.cred.SourceName(),
			Status:     resp.StatusCode,
			Code:       redact(code, r.cred),
			Message:    redact(msg, r.cred),
			Path:       r.path,
			RetryAfter: a.hint,
			// Lofty refuses a request over its limit before acting on it.
			NotSent: resp.StatusCode == http.StatusTooManyRequests,
		}
		return a
	}
	trimmed := bytes.TrimSpace(raw)
	switch {
	case int64(len(raw)) > c.maxBody:
		a.err = badResponse(resp.StatusCode, r.path, fmt.Sprintf("response body larger than %d bytes", c.maxBody))
	case len(trimmed) == 0 && !r.reads():
		// A write may answer 2xx with no body.
	case len(trimmed) == 0:
		a.err = badResponse(resp.StatusCode, r.path, "empty response body")
	default:
		// Lofty may echo the credential in a success too: it is removed
		// before anything reads the answer (decoder, cache, logs, results).
		// An echo outside a JSON string leaves no JSON: a bad response.
		// (A secret shorter than minFragment is no real credential, and
		// looking for it would cut ordinary words out of the data.)
		body := trimmed
		if len(r.cred.Secret) >= minFragment {
			body = redactBytes(trimmed, r.cred)
		}
		if !json.Valid(body) {
			a.err = badResponse(resp.StatusCode, r.path, notLoftyJSON)
		} else {
			a.body = body
		}
	}
	if a.err != nil {
		a.err.Method = r.method
	}
	return a
}

// readBody reads at most limit bytes of r, a body of length bytes (-1:
// unknown). A body of known length takes one allocation of that size; one
// of unknown length is read in chunks joined once at the end, so that
// reading costs about twice the body rather than the repeated growth (and
// copying) of a single buffer.
func readBody(r io.Reader, length, limit int64) ([]byte, error) {
	r = io.LimitReader(r, limit)
	size := int64(4 << 10)
	if length >= 0 {
		size = min(length, limit) + 1 // the spare byte reads the end without a new chunk
	}
	var (
		chunks [][]byte
		total  int
	)
	chunk := make([]byte, 0, size)
	for {
		n, err := r.Read(chunk[len(chunk):cap(chunk)])
		chunk = chunk[:len(chunk)+n]
		total += n
		if err != nil || len(chunk) == cap(chunk) {
			chunks = append(chunks, chunk)
			if err == nil {
				chunk = make([]byte, 0, min(2*cap(chunk), 256<<10))
				continue
			}
			if errors.Is(err, io.EOF) {
				err = nil
			}
			if len(chunks) == 1 {
				return chunks[0], err
			}
			out := make([]byte, 0, total)
			for _, c := range chunks {
				out = append(out, c...)
			}
			return out, err
		}
	}
}

// transportFailure classifies a failure to get a complete response.
func (c *Client) transportFailure(ctx context.Context, r *call, limit time.Duration, err error) attempt {
	e := &Error{Kind: KindUnavailable, Method: r.method, Path: r.path}
	a := attempt{err: e}
	var ne net.Error
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		e.Message = "no answer within " + roundDuration(limit)
		e.Err = context.DeadlineExceeded
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		e.Message = "request cancelled"
		e.Err = context.Canceled
	default:
		// The transport error text names host and port, never the headers;
		// redact anyway in case a URL ever carries a secret.
		e.Message = redact(unwrapURLError(err).Error(), r.cred)
		a.retriable = retriableTransport(err)
		e.NotSent = notSent(err)
		if e.NotSent && !c.baseIsDefault {
			e.BaseURL = RedactURL(c.base.String())
		}
	}
	return a
}

// notSent reports whether a transport error happened before the request
// left: the connection could not be made (refused, unknown host).
func notSent(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return (errors.As(err, &op) && op.Op == "dial") || errors.As(err, &dns)
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// MaxHold is the longest one answer of Lofty's can hold a credential's
// requests (Retry-After, X-RateLimit-Reset). A larger value, however large,
// is read as a hold of MaxHold: never an overflow into a short wait, never
// a hold for years. Lofty's own windows are a minute long.
const MaxHold = time.Hour

// retryAfter reads Retry-After (seconds or HTTP date) or, for a 429 only,
// X-RateLimit-Reset (epoch seconds), as a duration from now, at most
// MaxHold. Lofty sends the X-RateLimit-* headers on every answer: on a
// 502/503/504 the reset of the rate-limit window says nothing about when
// the outage ends, and reading it there would turn a short backoff into a
// wait of up to a minute.
func retryAfter(h http.Header, status int, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, ok := parseCount(v); ok {
			return time.Duration(min(secs, int64(MaxHold/time.Second))) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil && t.After(now) {
			return min(t.Sub(now), MaxHold)
		}
	}
	if status != http.StatusTooManyRequests {
		return 0
	}
	if t, ok := rateLimitReset(h, now); ok && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// parseCount reads a decimal count (digits only, no sign); one too large
// for an int64 reads as math.MaxInt64.
func parseCount(v string) (int64, bool) {
	if v == "" || strings.Trim(v, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return math.MaxInt64, true // only digits: out of range
	}
	return n, true
}

// rateLimitReset reads X-RateLimit-Reset: epoch seconds as Lofty documents
// (epoch milliseconds, and small values as seconds from now, are accepted
// too, should a proxy rewrite it), no later than MaxHold from now.
func rateLimitReset(h http.Header, now time.Time) (time.Time, bool) {
	n, ok := parseCount(strings.TrimSpace(h.Get("X-RateLimit-Reset")))
	if !ok {
		return time.Time{}, false
	}
	var t time.Time
	switch {
	case n >= 1e12:
		t = time.UnixMilli(n)
	case n >= 1e9:
		t = time.Unix(n, 0)
	default:
		t = now.Add(time.Duration(n) * time.Second) // n < 1e9: no overflow
	}
	if latest := now.Add(MaxHold); t.After(latest) {
		t = latest
	}
	return t, true
}
