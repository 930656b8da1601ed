// Package lofty is a client for the Lofty CRM Open API: authentication,
// requests, typed errors. It knows nothing about MCP.
package lofty

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
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

// CredentialKind says how a credential is presented to Lofty.
type CredentialKind int

const (
	// NoCredential means none is configured.
	NoCredential CredentialKind = iota
	// APIKey is a personal API key, sent as "Authorization: token <key>".
	APIKey
	// AccessToken is an OAuth access token, sent as "Authorization: Bearer <token>".
	AccessToken
)

// Credential is a Lofty secret and how to present it. It prints as
// "[redacted]" through fmt and slog so it cannot leak into logs by accident.
type Credential struct {
	Kind   CredentialKind
	Secret string
	// Source names where the credential came from, for error messages
	// ("LOFTY_API_KEY", "X-Lofty-Api-Key header"). Never the secret itself.
	Source string
}

// SourceName is Source, or the environment variable of Kind when unset.
func (c Credential) SourceName() string {
	switch {
	case c.Source != "":
		return c.Source
	case c.Kind == AccessToken:
		return "LOFTY_ACCESS_TOKEN"
	default:
		return "LOFTY_API_KEY"
	}
}

// IsZero reports whether no usable credential is present.
func (c Credential) IsZero() bool { return c.Kind == NoCredential || c.Secret == "" }

// authorization is the Authorization header value for c.
func (c Credential) authorization() string {
	if c.Kind == AccessToken {
		return "Bearer " + c.Secret
	}
	return "token " + c.Secret
}

// String never reveals the secret.
func (c Credential) String() string {
	switch {
	case c.IsZero():
		return "none"
	case c.Kind == AccessToken:
		return "access token [redacted]"
	default:
		return "API key [redacted]"
	}
}

// GoString never reveals the secret.
func (c Credential) GoString() string { return "lofty.Credential{" + c.String() + "}" }

// LogValue never reveals the secret.
func (c Credential) LogValue() slog.Value { return slog.StringValue(c.String()) }

type credentialKey struct{}

// WithCredential returns a context whose Lofty requests use cred instead of
// the client's own credential (per-request credentials of a shared server).
func WithCredential(ctx context.Context, cred Credential) context.Context {
	return context.WithValue(ctx, credentialKey{}, cred)
}

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

	res     Resilience    // with defaults filled in
	gates   *gates        // per-credential token buckets; nil: no local limit
	sem     chan struct{} // concurrency cap; nil: none
	cache   *cache        // nil: no cache
	flights flightGroup   // coalescing of identical concurrent reads
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
		return nil, fmt.Errorf("LOFTY_BASE_URL %q is not an absolute http(s) URL such as %s", redactedURL(raw), DefaultBaseURL)
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
	if err := c.setResilience(cfg.Resilience); err != nil {
		return nil, err
	}
	return c, nil
}

// Close releases the client's idle connections. Calls in flight finish;
// the client stays usable.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// String never reveals the secret (nor a password in the base URL).
func (c *Client) String() string {
	return "lofty.Client{" + c.base.Redacted() + ", " + c.cred.String() + "}"
}

// redactedURL hides a password in raw, if it parses as a URL.
func redactedURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(unparsable URL)"
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

// credential is the credential for a request made with ctx.
func (c *Client) credential(ctx context.Context) Credential {
	if cred, ok := ctx.Value(credentialKey{}).(Credential); ok && !cred.IsZero() {
		return cred
	}
	return c.cred
}

// get performs GET path?query and decodes a 2xx JSON body into out. On the
// way it goes through the cache, coalescing, the rate limiter, the
// concurrency cap and retries (see resilience.go).
func (c *Client) get(ctx context.Context, path string, query url.Values, out any) error {
	cred := c.credential(ctx)
	if cred.IsZero() {
		return &Error{Kind: KindNoCredentials, Path: path}
	}
	u := *c.base
	u.Path = c.base.Path + path
	u.RawQuery = query.Encode()
	r := newCall(path, u.String(), cred)

	c.stats.calls.Add(1)
	res, err := c.load(ctx, r)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(res.body, out); err != nil {
		return &Error{Kind: KindBadResponse, Status: res.status, Path: path, Message: notLoftyJSON}
	}
	return nil
}

const notLoftyJSON = "response is not the JSON Lofty documents"

// attempt is the outcome of one HTTP request to Lofty.
type attempt struct {
	status int         // 0: no complete response
	header http.Header // nil without a response
	body   []byte      // a 2xx body holding valid JSON
	err    *Error      // nil on success
	// retriable: the request may be sent again (429, 502, 503, 504, a
	// connection failure).
	retriable bool
	// hint is how long Lofty asked us to wait (Retry-After, X-RateLimit-Reset), 0 if it did not.
	hint time.Duration
}

// do sends one GET for r, bounded by limit, and classifies the outcome.
func (c *Client) do(ctx context.Context, r *call, limit time.Duration, n int) attempt {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return attempt{err: &Error{Kind: KindUnknown, Path: r.path, Err: err}}
	}
	req.Header.Set("Authorization", r.cred.authorization())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.stats.request(0)
		a := c.transportFailure(ctx, r, limit, err)
		c.log.LogAttrs(ctx, slog.LevelDebug, "lofty request failed", slog.String("path", r.path),
			slog.Int("attempt", n+1), slog.Duration("duration", time.Since(start)), slog.String("error", a.err.Message))
		return a
	}
	defer resp.Body.Close()
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	c.log.LogAttrs(ctx, slog.LevelDebug, "lofty request",
		slog.String("path", r.path), slog.Int("status", resp.StatusCode), slog.Int("attempt", n+1),
		slog.Duration("duration", time.Since(start)), slog.Int("bytes", len(body)))
	if readErr != nil {
		c.stats.request(0)
		a := c.transportFailure(ctx, r, limit, readErr)
		a.header = resp.Header
		c.log.LogAttrs(ctx, slog.LevelDebug, "lofty response body cut short", slog.String("path", r.path),
			slog.Int("attempt", n+1), slog.String("error", a.err.Message))
		return a
	}
	c.stats.request(resp.StatusCode)
	a := attempt{status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// The status decides an error's kind, whatever the body's size;
		// the secret is removed before the message is shortened, so that
		// no cut can leave part of it behind.
		if int64(len(body)) > c.maxBody {
			body = body[:c.maxBody]
		}
		if s := r.cred.Secret; s != "" {
			body = bytes.ReplaceAll(body, []byte(s), []byte("[redacted]"))
		}
		code, msg := parseErrorBody(body)
		a.hint = retryAfter(resp.Header, resp.StatusCode, time.Now())
		a.retriable = retriableStatus(resp.StatusCode)
		a.err = &Error{
			Kind:       kindForStatus(resp.StatusCode),
			Credential: r.cred.SourceName(),
			Status:     resp.StatusCode,
			Code:       redact(code, r.cred),
			Message:    redact(msg, r.cred),
			Path:       r.path,
			RetryAfter: a.hint,
		}
		return a
	}
	switch {
	case int64(len(body)) > c.maxBody:
		a.err = &Error{Kind: KindBadResponse, Status: resp.StatusCode, Path: r.path,
			Message: fmt.Sprintf("response body larger than %d bytes", c.maxBody)}
	case len(bytes.TrimSpace(body)) == 0:
		a.err = &Error{Kind: KindBadResponse, Status: resp.StatusCode, Path: r.path, Message: "empty response body"}
	case !json.Valid(body):
		a.err = &Error{Kind: KindBadResponse, Status: resp.StatusCode, Path: r.path, Message: notLoftyJSON}
	default:
		a.body = body
	}
	return a
}

// transportFailure classifies a failure to get a complete response.
func (c *Client) transportFailure(ctx context.Context, r *call, limit time.Duration, err error) attempt {
	e := &Error{Kind: KindUnavailable, Path: r.path}
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
	}
	return a
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redact removes the secret from s, should Lofty ever echo it back.
func redact(s string, cred Credential) string {
	if cred.Secret == "" || !strings.Contains(s, cred.Secret) {
		return s
	}
	return strings.ReplaceAll(s, cred.Secret, "[redacted]")
}

// retryAfter reads Retry-After (seconds or HTTP date) or, for a 429 only,
// X-RateLimit-Reset (epoch seconds), as a duration from now. Lofty sends the
// X-RateLimit-* headers on every answer: on a 502/503/504 the reset of the
// rate-limit window says nothing about when the outage ends, and reading it
// there would turn a short backoff into a wait of up to a minute.
func retryAfter(h http.Header, status int, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil && t.After(now) {
			return t.Sub(now)
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

// rateLimitReset reads X-RateLimit-Reset: epoch seconds as Lofty documents
// (epoch milliseconds, and small values as seconds from now, are accepted
// too, should a proxy rewrite it).
func rateLimitReset(h http.Header, now time.Time) (time.Time, bool) {
	v := strings.TrimSpace(h.Get("X-RateLimit-Reset"))
	if v == "" {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	switch {
	case err != nil || n < 0:
		return time.Time{}, false
	case n >= 1e12:
		return time.UnixMilli(n), true
	case n >= 1e9:
		return time.Unix(n, 0), true
	default:
		return now.Add(time.Duration(n) * time.Second), true
	}
}
