// Package transport serves an MCP server over HTTP: Streamable HTTP at /mcp
// (protocol 2025-11-25 with Mcp-Session-Id, and the stateless 2026-07-28
// protocol) and the legacy HTTP+SSE transport at /sse and /message, on one
// listener, with inbound bearer authentication, DNS-rebinding protection,
// per-request Lofty credentials, limits, an access log and graceful shutdown.
package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/rpcid"
)

// Defaults for Config's zero values.
const (
	DefaultAddr               = "127.0.0.1:8080"
	DefaultMaxBodyBytes       = 1 << 20
	DefaultReadHeaderTimeout  = 10 * time.Second
	DefaultReadTimeout        = 30 * time.Second
	DefaultIdleTimeout        = 120 * time.Second
	DefaultMaxStreams         = 100
	DefaultMaxSessions        = 1000
	DefaultSessionIdleTimeout = 30 * time.Minute
	DefaultShutdownTimeout    = 10 * time.Second
)

// minTokenLength is the auth token length below which lofty-mcp warns.
const minTokenLength = 16

// Config configures the HTTP transport. Zero values take the defaults.
type Config struct {
	Addr string // listen address, host:port

	// AuthToken, when set, is required as "Authorization: Bearer <token>"
	// on every MCP endpoint.
	AuthToken string
	// InsecureNoAuth allows a non-loopback listen address without AuthToken.
	InsecureNoAuth bool

	AllowedHosts   []string // extra Host names (port ignored); "*" allows any
	AllowedOrigins []string // extra browser origins, scheme://host[:port]

	// RequireRequestCredentials refuses MCP requests without an
	// X-Lofty-Api-Key or X-Lofty-Access-Token header.
	RequireRequestCredentials bool

	MaxBodyBytes       int64         // request body cap (413 beyond)
	ReadHeaderTimeout  time.Duration // time to read request headers
	ReadTimeout        time.Duration // time to read a request body
	IdleTimeout        time.Duration // keep-alive connection idle time
	MaxStreams         int           // concurrent SSE streams (GET /sse, GET /mcp, subscriptions/listen)
	MaxSessions        int           // concurrent Streamable HTTP sessions (Mcp-Session-Id)
	SessionIdleTimeout time.Duration // a session unused this long is forgotten
	ShutdownTimeout    time.Duration // how long in-flight calls get at shutdown

	Logger *slog.Logger // default: discard
}

func (c *Config) setDefaults() {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.ReadHeaderTimeout <= 0 {
		c.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.MaxStreams <= 0 {
		c.MaxStreams = DefaultMaxStreams
	}
	if c.MaxSessions <= 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.SessionIdleTimeout <= 0 {
		c.SessionIdleTimeout = DefaultSessionIdleTimeout
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// ErrUnauthenticatedPublicBind is returned by New for a non-loopback listen
// address without an auth token or InsecureNoAuth.
var ErrUnauthenticatedPublicBind = errors.New("refusing to listen on a non-loopback address without authentication")

// Server is the HTTP transport over one MCP server.
type Server struct {
	cfg        Config
	log        *slog.Logger
	policy     *originPolicy
	streamable *server.StreamableHTTPServer
	sse        *server.SSEServer
	sessions   *sessionIDs
	tracker    *sseTracker
	streams    *streamGate
	handler    http.Handler
	inFlight   atomic.Int64 // MCP requests being served, streams excepted
	draining   atomic.Bool
}

// New builds the transport for mcpServer. It refuses a non-loopback address
// without an auth token unless cfg.InsecureNoAuth.
func New(mcpServer *server.MCPServer, cfg Config) (*Server, error) {
	cfg.setDefaults()
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, fmt.Errorf("--addr %q is not host:port (for example 127.0.0.1:8080): %v", cfg.Addr, err)
	}
	if cfg.AuthToken == "" && !cfg.InsecureNoAuth && !IsLoopbackAddr(cfg.Addr) {
		return nil, fmt.Errorf("%w: %s is reachable from other machines, and anyone who reaches it could act with this server's Lofty credentials. "+
			"Set an auth token with --auth-token or LOFTY_MCP_AUTH_TOKEN (clients then send Authorization: Bearer <token>), "+
			"or listen on a loopback address such as 127.0.0.1:8080, "+
			"or, if something in front of lofty-mcp authenticates clients, pass --insecure-no-auth",
			ErrUnauthenticatedPublicBind, cfg.Addr)
	}
	policy, err := newOriginPolicy(cfg.Addr, cfg.AllowedHosts, cfg.AllowedOrigins)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger,
		policy:   policy,
		sessions: newSessionIDs(),
		tracker:  newSSETracker(),
		streams:  &streamGate{max: int64(cfg.MaxStreams)},
	}
	// lofty-mcp applies one Host/Origin policy to every endpoint (guard), so
	// mcp-go's own loopback-only Host check is turned off: it would refuse
	// hosts the operator allowed with --allowed-hosts (a reverse proxy on
	// the same machine), and ours refuses everything it refuses.
	s.streamable = server.NewStreamableHTTPServer(mcpServer,
		server.WithEndpointPath("/mcp"),
		server.WithHTTPContextFunc(withRequestCredential),
		server.WithSessionIdManagerResolver(s.sessions),
		server.WithSessionIdleTTL(cfg.SessionIdleTimeout),
		server.WithDisableLocalhostProtection(true),
		server.WithStreamableHTTPLogger(cfg.Logger),
	)
	s.sse = server.NewSSEServer(mcpServer,
		server.WithSSEEndpoint("/sse"),
		server.WithMessageEndpoint("/message"),
		server.WithSSEContextFunc(withRequestCredential),
		server.WithSSEDisableLocalhostProtection(true),
	)
	s.handler = s.routes()
	return s, nil
}

// Handler is the whole HTTP surface, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() http.Handler {
	mcp := func(h http.Handler) http.Handler {
		h = s.mcpEndpoint(h)
		h = checkCredentials(s.cfg.RequireRequestCredentials, h)
		if s.cfg.AuthToken != "" {
			h = bearerAuth(s.cfg.AuthToken, h)
		}
		return guard(s.policy, h)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", s.healthz)
	mux.Handle("/mcp", mcp(s.streamable))
	mux.Handle("/sse", mcp(s.sse.SSEHandler()))
	mux.Handle("/message", mcp(s.sse.MessageHandler()))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "lofty-mcp serves MCP at /mcp (Streamable HTTP) and /sse (legacy SSE)")
	})
	return accessLog(s.log, mux)
}

// healthz answers 200 while serving, 503 once shutdown has begun. No auth,
// no Host check: it tells nothing but that the process is up.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if s.draining.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"status":"shutting down"}` + "\n"))
		return
	}
	_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
}

// mcpEndpoint reads POST bodies (with the size cap), notes what each request
// is for the log, caps and tracks streams and sessions, and follows legacy
// SSE requests until their answers are written.
func (s *Server) mcpEndpoint(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := infoOf(r)
		var msg rpcEnvelope
		if r.Method == http.MethodPost {
			body, ok := readBody(s.cfg.MaxBodyBytes, s.cfg.ReadTimeout, r, w)
			if !ok {
				return
			}
			msg, _ = envelopeOf(body)
			ri.rpc = msg.Method
		}

		isStream := (r.Method == http.MethodGet && (r.URL.Path == "/sse" || r.URL.Path == "/mcp")) ||
			(r.URL.Path == "/mcp" && msg.Method == "subscriptions/listen")
		if isStream {
			r2, release, ok := s.streams.enter(w, r)
			if !ok {
				return
			}
			defer release()
			r = r2
			if r.URL.Path == "/sse" {
				sw := &sseStreamWriter{ResponseWriter: w, t: s.tracker, onOpen: func(id string) { ri.session = id }}
				defer func() {
					if sw.session != "" {
						s.tracker.close(sw.session)
					}
				}()
				w = sw
			}
			next.ServeHTTP(w, r)
			return
		}

		if s.draining.Load() && r.Method == http.MethodPost && msg.Method == "initialize" {
			writeError(w, http.StatusServiceUnavailable, "shutting_down", "the server is shutting down")
			return
		}
		if r.URL.Path == "/mcp" && msg.Method == "initialize" && s.sessions.count() >= s.cfg.MaxSessions {
			w.Header().Set("Retry-After", "30")
			writeError(w, http.StatusServiceUnavailable, "too_many_sessions",
				fmt.Sprintf("this server already holds %d sessions (--max-sessions); retry later, or end unused sessions with DELETE", s.cfg.MaxSessions))
			return
		}

		s.inFlight.Add(1)
		defer s.inFlight.Add(-1)

		if r.URL.Path == "/message" && r.Method == http.MethodPost {
			session := r.URL.Query().Get("sessionId")
			var key string
			tracked := false
			if msg.Method != "" && msg.hasID() {
				var ok bool
				if key, ok = rpcid.Key(msg.ID); ok {
					tracked = s.tracker.request(session, key)
				}
			}
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			if tracked && rec.status != http.StatusAccepted {
				s.tracker.answered(session, key) // refused: no answer will come on the stream
			}
			if msg.Method == "notifications/cancelled" && len(msg.Params.RequestID) > 0 {
				if key, ok := rpcid.Key(msg.Params.RequestID); ok {
					s.tracker.answered(session, key)
				}
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ListenAndServe listens on cfg.Addr and serves until ctx ends, then shuts
// down gracefully.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends (SIGINT, SIGTERM), then shuts down:
// it stops accepting, lets in-flight requests and tool calls finish within
// cfg.ShutdownTimeout, closes the SSE streams, and returns nil. Connections
// still busy at the deadline are closed.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.cfg.AuthToken == "" && !s.cfg.InsecureNoAuth && !isLoopbackNetAddr(ln.Addr()) {
		ln.Close()
		return fmt.Errorf("%w: %s", ErrUnauthenticatedPublicBind, ln.Addr())
	}
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.logStart(ln.Addr())

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	err := s.shutdown(hs)
	<-served
	return err
}

func (s *Server) logStart(addr net.Addr) {
	base := "http://" + addr.String()
	auth := "bearer token"
	if s.cfg.AuthToken == "" {
		auth = "none"
	}
	if s.cfg.AuthToken == "" && !isLoopbackNetAddr(addr) {
		s.log.Warn("INSECURE: serving without authentication on a non-loopback address (--insecure-no-auth); " +
			"anyone who can reach it can call Lofty with this server's credentials unless something in front of lofty-mcp authenticates them")
	}
	if s.cfg.AuthToken != "" && len(s.cfg.AuthToken) < minTokenLength {
		s.log.Warn(fmt.Sprintf("the auth token is shorter than %d characters; use a long random one (for example: openssl rand -hex 32)", minTokenLength))
	}
	s.log.Info("listening", "addr", addr.String(), "mcp", base+"/mcp", "sse", base+"/sse",
		"auth", auth, "allowed_hosts", strings.Join(s.policy.listHost, ","),
		"require_request_credentials", s.cfg.RequireRequestCredentials)
}

// shutdown stops accepting, waits for in-flight work, closes the streams.
func (s *Server) shutdown(hs *http.Server) error {
	start := time.Now()
	s.draining.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	s.log.Info("shutting down", "in_flight", s.inFlight.Load(), "sse_pending", s.tracker.pending(),
		"streams", s.streams.open(), "timeout", s.cfg.ShutdownTimeout)

	// Close the listener and idle connections; Shutdown then waits for
	// requests in progress (Streamable HTTP calls answer on their own POST).
	shutdownDone := make(chan error, 1)
	go func() { shutdownDone <- hs.Shutdown(ctx) }()

	// Streamable HTTP listening streams (GET /mcp, subscriptions/listen)
	// carry no answers: end them now so Shutdown is not kept waiting.
	s.streamable.CloseSessions(ctx)

	// Legacy SSE answers travel on the GET /sse stream: keep the streams
	// until every request already posted has its answer written, then
	// close the sessions (mcp-go's SSE Shutdown does nothing on a shared
	// mux) and end the streams.
	drained := s.tracker.wait(ctx) == nil
	s.sse.CloseSessions()
	s.streams.closeAll()

	err := <-shutdownDone
	_ = s.streamable.Shutdown(context.Background()) // stops the idle-session sweeper
	if err != nil {
		s.log.Warn("shutdown timed out; closing the connections still busy",
			"in_flight", s.inFlight.Load(), "sse_pending", s.tracker.pending(), "timeout", s.cfg.ShutdownTimeout)
		_ = hs.Close()
		return nil
	}
	if !drained {
		s.log.Warn("shutdown timed out before every SSE answer was written", "timeout", s.cfg.ShutdownTimeout)
	}
	s.log.Info("stopped", "duration", time.Since(start).Round(time.Millisecond))
	return nil
}

func isLoopbackNetAddr(a net.Addr) bool {
	if tcp, ok := a.(*net.TCPAddr); ok {
		return tcp.IP.IsLoopback()
	}
	return IsLoopbackAddr(a.String())
}
