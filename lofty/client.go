// Package lofty is a client for the Lofty CRM Open API: authentication,
// requests, typed errors. It knows nothing about MCP.
package lofty

import (
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
	Timeout      time.Duration // per request; default DefaultTimeout
	MaxBodyBytes int64         // response body cap; default DefaultMaxBodyBytes
	UserAgent    string        // default "lofty-mcp"
	HTTPClient   *http.Client  // default: a client with its own tuned transport
	Logger       *slog.Logger  // default: discard
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
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	raw := cfg.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("LOFTY_BASE_URL %q is not an absolute http(s) URL such as %s", raw, DefaultBaseURL)
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
		c.http = &http.Client{Transport: t}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// HasCredential reports whether the client has a credential of its own.
func (c *Client) HasCredential() bool { return !c.cred.IsZero() }

// credential is the credential for a request made with ctx.
func (c *Client) credential(ctx context.Context) Credential {
	if cred, ok := ctx.Value(credentialKey{}).(Credential); ok && !cred.IsZero() {
		return cred
	}
	return c.cred
}

// get performs GET path?query and decodes a 2xx JSON body into out.
func (c *Client) get(ctx context.Context, path string, query url.Values, out any) error {
	cred := c.credential(ctx)
	if cred.IsZero() {
		return &Error{Kind: KindNoCredentials, Path: path}
	}
	u := *c.base
	u.Path = c.base.Path + path
	u.RawQuery = query.Encode()

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return &Error{Kind: KindUnknown, Path: path, Err: err}
	}
	req.Header.Set("Authorization", cred.authorization())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return c.transportError(ctx, path, cred, err)
	}
	defer resp.Body.Close()
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	c.log.LogAttrs(ctx, slog.LevelDebug, "lofty request",
		slog.String("path", path), slog.Int("status", resp.StatusCode),
		slog.Duration("duration", time.Since(start)), slog.Int("bytes", len(body)))
	if readErr != nil {
		return c.transportError(ctx, path, cred, readErr)
	}
	if int64(len(body)) > c.maxBody {
		return &Error{Kind: KindBadResponse, Status: resp.StatusCode, Path: path,
			Message: fmt.Sprintf("response body larger than %d bytes", c.maxBody)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		code, msg := parseErrorBody(body)
		return &Error{
			Kind:       kindForStatus(resp.StatusCode),
			Credential: cred.SourceName(),
			Status:     resp.StatusCode,
			Code:       redact(code, cred),
			Message:    redact(msg, cred),
			Path:       path,
			RetryAfter: retryAfter(resp.Header, time.Now()),
		}
	}
	if err := json.Unmarshal(body, out); err != nil {
		msg := "response is not the JSON Lofty documents"
		if len(body) == 0 {
			msg = "empty response body"
		}
		return &Error{Kind: KindBadResponse, Status: resp.StatusCode, Path: path, Message: msg}
	}
	return nil
}

// transportError classifies a failure to get a complete response.
func (c *Client) transportError(ctx context.Context, path string, cred Credential, err error) error {
	e := &Error{Kind: KindUnavailable, Path: path}
	var ne net.Error
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		e.Message = fmt.Sprintf("no answer within %s", c.timeout)
		e.Err = context.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		e.Message = "request cancelled"
		e.Err = context.Canceled
	default:
		// The transport error text names host and port, never the headers;
		// redact anyway in case a URL ever carries a secret.
		e.Message = redact(unwrapURLError(err).Error(), cred)
	}
	return e
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

// retryAfter reads Retry-After (seconds or HTTP date) or, failing that,
// X-RateLimit-Reset (epoch seconds), as a duration from now.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil && t.After(now) {
			return t.Sub(now)
		}
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if epoch, err := strconv.ParseInt(v, 10, 64); err == nil {
			if t := time.Unix(epoch, 0); t.After(now) {
				return t.Sub(now).Round(time.Second)
			}
		}
	}
	return 0
}
