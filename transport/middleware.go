package transport

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Per-request Lofty credential headers.
const (
	HeaderLoftyAPIKey      = "X-Lofty-Api-Key"
	HeaderLoftyAccessToken = "X-Lofty-Access-Token"
)

// corsAllowHeaders are the request headers a browser client may send.
var corsAllowHeaders = strings.Join([]string{
	"Authorization", "Content-Type", "Accept", "Mcp-Session-Id", "Mcp-Protocol-Version", "Mcp-Method", "Mcp-Name", "Last-Event-ID",
	HeaderLoftyAPIKey, HeaderLoftyAccessToken,
}, ", ")

// writeError answers with a short JSON error: {"error": code, "message": msg}.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}{code, msg})
}

// requestInfo is what the middleware learns about a request, for the access
// log and the shutdown accounting. It travels in the request context.
type requestInfo struct {
	session string // Mcp-Session-Id, or the SSE sessionId
	rpc     string // JSON-RPC method of a POSTed message
}

type requestInfoKey struct{}

func infoOf(r *http.Request) *requestInfo {
	if ri, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		return ri
	}
	return &requestInfo{}
}

// statusRecorder remembers the status and size of a response; it keeps
// Flush working for streams.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(p)
	s.bytes += int64(n)
	return n, err
}

func (s *statusRecorder) Flush() {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	_ = http.NewResponseController(s.ResponseWriter).Flush()
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// accessLog logs one line per request: method, path, status, duration,
// response bytes, session id and JSON-RPC method. Never headers, queries or
// bodies. Health checks log at debug level.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &requestInfo{session: r.Header.Get("Mcp-Session-Id")}
		if r.URL.Path == "/message" {
			ri.session = r.URL.Query().Get("sessionId")
		}
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, ri)))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if ri.session == "" {
			ri.session = rec.Header().Get("Mcp-Session-Id") // minted by initialize
		}
		level := slog.LevelInfo
		if r.URL.Path == "/healthz" {
			level = slog.LevelDebug
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)),
			slog.Int64("bytes", rec.bytes),
			slog.String("remote", r.RemoteAddr),
		}
		if ri.session != "" {
			attrs = append(attrs, slog.String("session", ri.session))
		}
		if ri.rpc != "" {
			attrs = append(attrs, slog.String("rpc", ri.rpc))
		}
		log.LogAttrs(r.Context(), level, "http request", attrs...)
	})
}

// guard is the DNS-rebinding defence: a request whose Host, or Origin when
// present, is not the server's own gets 403. A CORS preflight from an
// allowed origin is answered here (browsers send no credentials on it);
// responses to allowed origins carry the CORS headers a browser client needs.
func guard(p *originPolicy, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !p.hostAllowed(r.Host) {
			writeError(w, http.StatusForbidden, "forbidden_host",
				fmt.Sprintf("Host %q is not this server's; if it should be, start lofty-mcp with --allowed-hosts %s", r.Host, normalizeHost(r.Host)))
			return
		}
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		if !p.originAllowed(origin) {
			writeError(w, http.StatusForbidden, "forbidden_origin",
				fmt.Sprintf("Origin %q is not allowed; if it should be, start lofty-mcp with --allowed-origins %s", origin, origin))
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", "Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
			// The origin is trusted: allow what it asks for (the 2026-07-28
			// protocol's Mcp-Param-* headers cannot be listed in advance).
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				h.Set("Access-Control-Allow-Headers", req)
			} else {
				h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			}
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearerAuth requires "Authorization: Bearer <token>"; the comparison takes
// the same time whatever the token (SHA-256 of both, then constant time).
func bearerAuth(token string, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, got, found := strings.Cut(r.Header.Get("Authorization"), " ")
		if !found || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(got) == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="lofty-mcp"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "this server requires Authorization: Bearer <token>")
			return
		}
		sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
		if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="lofty-mcp", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "invalid_token", "the bearer token is not valid for this server")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// errConflictingCredentials: a request carried both credential headers.
var errConflictingCredentials = errors.New("send either " + HeaderLoftyAPIKey + " or " + HeaderLoftyAccessToken + ", not both")

// requestCredential reads a per-request Lofty credential from the headers.
func requestCredential(h http.Header) (lofty.Credential, bool, error) {
	key, token := strings.TrimSpace(h.Get(HeaderLoftyAPIKey)), strings.TrimSpace(h.Get(HeaderLoftyAccessToken))
	switch {
	case key != "" && token != "":
		return lofty.Credential{}, false, errConflictingCredentials
	case key != "":
		return lofty.Credential{Kind: lofty.APIKey, Secret: key, Source: HeaderLoftyAPIKey + " header"}, true, nil
	case token != "":
		return lofty.Credential{Kind: lofty.AccessToken, Secret: token, Source: HeaderLoftyAccessToken + " header"}, true, nil
	}
	return lofty.Credential{}, false, nil
}

// withRequestCredential is mcp-go's HTTP context function (Streamable HTTP
// and SSE alike): a request's own Lofty credential replaces the server's for
// every Lofty call made while serving it.
func withRequestCredential(ctx context.Context, r *http.Request) context.Context {
	if cred, ok, err := requestCredential(r.Header); ok && err == nil {
		return lofty.WithCredential(ctx, cred)
	}
	return ctx
}

// checkCredentials refuses conflicting credential headers (400) and, when
// required, requests without one (403).
func checkCredentials(require bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, ok, err := requestCredential(r.Header)
		switch {
		case err != nil:
			writeError(w, http.StatusBadRequest, "conflicting_lofty_credentials", err.Error())
		case require && !ok:
			writeError(w, http.StatusForbidden, "lofty_credential_required",
				"this server requires each request to carry its own Lofty credential: "+HeaderLoftyAPIKey+" (personal API key) or "+HeaderLoftyAccessToken+" (OAuth access token)")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// readBody reads a POST body whole, at most limit bytes (413 beyond) and
// within readTimeout, and puts it back for mcp-go (which reads it whole
// anyway). Other methods must not carry a body.
func readBody(limit int64, readTimeout time.Duration, r *http.Request, w http.ResponseWriter) ([]byte, bool) {
	if r.ContentLength > limit {
		writeError(w, http.StatusRequestEntityTooLarge, "request_too_large", fmt.Sprintf("request body is larger than %d bytes", limit))
		return nil, false
	}
	rc := http.NewResponseController(w)
	if readTimeout > 0 {
		_ = rc.SetReadDeadline(time.Now().Add(readTimeout))
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if readTimeout > 0 {
		_ = rc.SetReadDeadline(time.Time{})
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, "request_too_large", fmt.Sprintf("request body is larger than %d bytes", limit))
		return nil, false
	case err != nil:
		writeError(w, http.StatusBadRequest, "bad_request", "could not read the request body")
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return body, true
}

// envelopeOf reads the id and method of a single JSON-RPC message (not a batch).
func envelopeOf(body []byte) (rpcEnvelope, bool) {
	var m rpcEnvelope
	if err := json.Unmarshal(body, &m); err != nil {
		return m, false
	}
	return m, true
}

// streamGate caps concurrent long-lived streams (GET /sse, GET /mcp,
// subscriptions/listen) and lets shutdown end them.
type streamGate struct {
	max     int64
	n       atomic.Int64
	closing atomic.Bool
	mu      sync.Mutex
	cancels map[*context.CancelFunc]struct{}
}

// enter admits a stream and returns its context and a release func, or
// answers 503 itself and returns ok=false.
func (g *streamGate) enter(w http.ResponseWriter, r *http.Request) (*http.Request, func(), bool) {
	if g.closing.Load() {
		writeError(w, http.StatusServiceUnavailable, "shutting_down", "the server is shutting down")
		return r, nil, false
	}
	if g.n.Add(1) > g.max {
		g.n.Add(-1)
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "too_many_streams",
			fmt.Sprintf("this server already holds %d open streams (--max-streams); retry later", g.max))
		return r, nil, false
	}
	ctx, cancel := context.WithCancel(r.Context())
	key := &cancel
	g.mu.Lock()
	if g.cancels == nil {
		g.cancels = map[*context.CancelFunc]struct{}{}
	}
	g.cancels[key] = struct{}{}
	g.mu.Unlock()
	return r.WithContext(ctx), func() {
		g.mu.Lock()
		delete(g.cancels, key)
		g.mu.Unlock()
		cancel()
		g.n.Add(-1)
	}, true
}

// closeAll refuses new streams and ends every open one.
func (g *streamGate) closeAll() {
	g.closing.Store(true)
	g.mu.Lock()
	defer g.mu.Unlock()
	for c := range g.cancels {
		(*c)()
	}
}

// open is the number of open streams.
func (g *streamGate) open() int64 { return g.n.Load() }
