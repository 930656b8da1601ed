// Package transport carries lofty-mcp's JSON-RPC messages: over stdio
// (ServeStdio), and over HTTP — Streamable HTTP at /mcp (protocol 2025-11-25
// with Mcp-Session-Id, and the stateless 2026-07-28 protocol) and the legacy
// HTTP+SSE transport at /sse and /message, on one listener, with inbound
// bearer authentication, DNS-rebinding protection, per-request Lofty
// credentials, limits, signed session ids, an access log and graceful
// shutdown. Every transport reads messages with internal/jsonrpc and tracks
// requests with its Tracker, so that ids round-trip byte for byte and
// cancellation matches exactly.
//
// The HTTP surface is a chain of small middlewares, one concern per file:
//
//	accessLog                       accesslog.go  every request
//	/healthz                                      no auth, no Host check
//	/mcp (and /mcp/x/TOOLSETS[/readonly], /mcp/readonly), /sse, /message:
//	  originGuard                   origin.go     Host and Origin (403), CORS
//	  selection                     selection.go  the URL's and X-MCP-* headers' toolsets and read-only mode, within the server's (404, 400)
//	  bearerAuth | oauthAuth        auth.go       Authorization (401); oauth.go: the sign-in's credential and scopes
//	  credentialHeaders             auth.go       X-Lofty-* headers (400, 403)
//	  protocolHeaders     /mcp      protocol.go   MCP-Protocol-Version, Mcp-Session-Id syntax, DELETE and GET without a session, Accept (400, 406)
//	  sessionCheck        /mcp      sessions.go   unsigned session ids (404), before any body is read
//	  bodyLimit                     limits.go     POST body: size (413), time (408), bytes in flight (503)
//	  scopeCheck                    scopes.go     tools/call of a tool the sign-in's scopes do not cover (403 insufficient_scope)
//	  streamableRPC       /mcp      rpc.go        JSON-RPC: invalid (400), ids, cancellation, session required (400)
//	  sseRPC              /message  sse.go        the same for legacy SSE posts
//	  streams                       limits.go     open streams cap (503)
//	  sseStream           /sse      sse.go        answers on the legacy stream
//	  sessionCap          /mcp      sessions.go   sessions cap (503); failed initialize leaves none
//	  draining, inFlight            server.go     shutdown accounting
//	  mcp-go's StreamableHTTPServer / SSEServer
//
// Every refusal before the body is read closes the connection (errors.go).
// Before all of them, the listener caps the connections open at once
// (conns.go: 503 before anything is read).
package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
	"github.com/lofty-mcp/lofty-mcp/internal/jsonrpc"
	"github.com/lofty-mcp/lofty-mcp/oauth"
)

// Defaults for Config's zero values.
const (
	DefaultAddr               = "127.0.0.1:8080"
	DefaultMaxBodyBytes       = 1 << 20
	DefaultMaxConnections     = 1024
	DefaultMaxInflightBytes   = 16 << 20
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

	// OAuth, when set, authenticates MCP requests with the access tokens
	// of the built-in authorization server (--oauth), whose endpoints this
	// listener serves too. AuthToken, when also set, is accepted as well.
	// A signed-in request sees, and may call, only the tools whose scopes
	// its sign-in granted (Catalog says which).
	OAuth *oauth.Server

	// Catalog is the tools the MCP server serves (mcpserver.NewCatalog):
	// with it, a connection narrows them by URL (/mcp/x/TOOLSETS,
	// /mcp/x/TOOLSETS/readonly, /mcp/readonly) or by the X-MCP-Toolsets
	// and X-MCP-Readonly headers, and a signed-in call of a tool outside
	// its scopes gets the insufficient_scope challenge. Nil: /mcp only,
	// every tool, for everyone.
	Catalog *access.Catalog

	// Handlers are more routes on this listener (http.ServeMux patterns),
	// served as they are: no auth, no Host/Origin check. For pages a
	// browser opens during sign-in, such as the --demo fake Lofty's
	// authorization page. A pattern the transport serves itself is refused.
	Handlers map[string]http.Handler

	// Ready reports whether what the server depends on answers (Redis);
	// /readyz asks it. Nil: always ready while serving.
	Ready func(ctx context.Context) error

	// SessionKey signs session ids (HMAC-SHA256). Replicas given the same
	// key accept each other's ids; empty: a random key per process. At
	// least MinSessionKeyLength bytes.
	SessionKey string

	MaxBodyBytes       int64         // request body cap (413 beyond)
	MaxConnections     int           // connections open at once (503 beyond, before reading)
	MaxInflightBytes   int64         // bytes of request bodies held until answered (503 beyond); at least MaxBodyBytes
	ReadHeaderTimeout  time.Duration // time to read request headers
	ReadTimeout        time.Duration // time to read a request body, end to end
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
	if c.MaxConnections <= 0 {
		c.MaxConnections = DefaultMaxConnections
	}
	if c.MaxInflightBytes <= 0 {
		c.MaxInflightBytes = max(DefaultMaxInflightBytes, c.MaxBodyBytes)
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
	tracker    *jsonrpc.Tracker
	sseStreams *sseStreams
	streams    *streamGate
	bodies     *bodyReads
	conns      *connLimit
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
	if cfg.AuthToken == "" && cfg.OAuth == nil && !cfg.InsecureNoAuth && !IsLoopbackAddr(cfg.Addr) {
		return nil, fmt.Errorf("%w: %s is reachable from other machines, and anyone who reaches it could act with this server's Lofty credentials. "+
			"Set an auth token with --auth-token or LOFTY_MCP_AUTH_TOKEN (clients then send Authorization: Bearer <token>), "+
			"or listen on a loopback address such as 127.0.0.1:8080, "+
			"or, if something in front of lofty-mcp authenticates clients, pass --insecure-no-auth",
			ErrUnauthenticatedPublicBind, cfg.Addr)
	}
	if cfg.MaxInflightBytes < cfg.MaxBodyBytes {
		return nil, fmt.Errorf("--max-inflight-bytes (%d) must be at least --max-body-bytes (%d), or a request as large as allowed could never be served",
			cfg.MaxInflightBytes, cfg.MaxBodyBytes)
	}
	if cfg.SessionKey != "" && len(cfg.SessionKey) < MinSessionKeyLength {
		return nil, fmt.Errorf("--session-key must be at least %d characters (for example: openssl rand -hex 32), got %d", MinSessionKeyLength, len(cfg.SessionKey))
	}
	hosts, origins := cfg.AllowedHosts, cfg.AllowedOrigins
	if cfg.OAuth != nil {
		// The public URL is this server's own name, and a browser on its
		// sign-in page its own origin.
		if u, err := url.Parse(cfg.OAuth.Issuer()); err == nil {
			hosts = append(slices.Clone(hosts), u.Host)
			origins = append(slices.Clone(origins), u.Scheme+"://"+u.Host)
		}
	}
	for p := range cfg.Handlers {
		if err := checkExtraPattern(p); err != nil {
			return nil, err
		}
	}
	policy, err := newOriginPolicy(cfg.Addr, hosts, origins)
	if err != nil {
		return nil, err
	}
	tracker := jsonrpc.NewTracker()
	s := &Server{
		cfg:        cfg,
		log:        cfg.Logger,
		policy:     policy,
		sessions:   newSessionIDs([]byte(cfg.SessionKey), cfg.MaxSessions),
		tracker:    tracker,
		sseStreams: &sseStreams{t: tracker},
		streams:    &streamGate{max: int64(cfg.MaxStreams)},
		bodies:     &bodyReads{max: cfg.MaxInflightBytes},
		conns:      newConnLimit(cfg.MaxConnections, cfg.Logger),
	}
	// lofty-mcp applies one Host/Origin policy to every endpoint
	// (originGuard), so mcp-go's own loopback-only Host check is turned off:
	// it would refuse hosts the operator allowed with --allowed-hosts (a
	// reverse proxy on the same machine), and ours refuses everything it
	// refuses.
	s.streamable = server.NewStreamableHTTPServer(mcpServer,
		server.WithEndpointPath("/mcp"),
		server.WithHTTPContextFunc(withRequestCredential),
		server.WithSessionIdManagerResolver(s.sessions),
		server.WithSessionIdleTTL(cfg.SessionIdleTimeout),
		server.WithDisableLocalhostProtection(true),
		server.WithStreamableHTTPLogger(slog.New(sessionHashingHandler{cfg.Logger.Handler()})),
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

// reservedPaths are served by the transport (or the OAuth server) itself.
var reservedPaths = []string{"/", "/mcp", "/sse", "/message", "/healthz", "/readyz", "/.well-known/", "/oauth/", "/privacy"}

// checkExtraPattern refuses a Config.Handlers pattern that would take (or
// clash with) a path the transport serves.
func checkExtraPattern(pattern string) error {
	p := pattern
	if _, rest, ok := strings.Cut(pattern, " "); ok {
		p = strings.TrimSpace(rest)
	}
	if !strings.HasPrefix(p, "/") {
		return fmt.Errorf("transport: extra handler pattern %q must be a path such as /demo/page (no host)", pattern)
	}
	for _, r := range reservedPaths {
		if p == r || (strings.HasSuffix(r, "/") && r != "/" && strings.HasPrefix(p, r)) || (r != "/" && strings.HasPrefix(p, r+"/")) {
			return fmt.Errorf("transport: extra handler pattern %q would take %s, which lofty-mcp serves itself", pattern, r)
		}
	}
	return nil
}

// Handler is the whole HTTP surface, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.handler }

type middleware = func(http.Handler) http.Handler

func mws(m ...middleware) []middleware { return m }

// chain applies middlewares, the first outermost.
func chain(h http.Handler, mws ...func(http.Handler) http.Handler) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

func (s *Server) routes() http.Handler {
	common := []func(http.Handler) http.Handler{originGuard(s.policy), selection(s.cfg.Catalog)}
	switch {
	case s.cfg.OAuth != nil:
		common = append(common, oauthAuth(s.cfg.OAuth, s.cfg.AuthToken))
	case s.cfg.AuthToken != "":
		common = append(common, bearerAuth(s.cfg.AuthToken))
	}
	common = append(common, credentialHeaders(s.cfg.RequireRequestCredentials))
	body := bodyLimit(s.cfg.MaxBodyBytes, s.cfg.ReadTimeout, s.bodies)

	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", s.healthz)
	mux.HandleFunc("/readyz", s.readyz)
	if s.cfg.OAuth != nil {
		s.cfg.OAuth.Mount(mux)
	}
	for p, h := range s.cfg.Handlers {
		mux.Handle(p, h)
	}
	scopes := scopeCheck(s.cfg.Catalog, s.cfg.OAuth)
	endpoint := chain(s.streamable, slices.Concat(common, mws(
		protocolHeaders,
		sessionCheck(s.sessions),
		body,
		scopes,
		streamableRPC(s.tracker),
		s.streams.streams,
		sessionCap(s.sessions, s.cfg.MaxSessions, s.streamable),
		s.accounting,
	))...)
	// /mcp, and its selections (/mcp/x/TOOLSETS[/readonly], /mcp/readonly):
	// selection refuses any other path under /mcp.
	mux.Handle("/mcp", endpoint)
	mux.Handle("/mcp/", endpoint)
	mux.Handle("/sse", chain(s.sse.SSEHandler(), slices.Concat(common, mws(
		s.streams.streams,
		s.sseStreams.sseStream,
	))...))
	mux.Handle("/message", chain(s.sse.MessageHandler(), slices.Concat(common, mws(
		body,
		scopes,
		s.sseStreams.sseRPC,
		s.accounting,
	))...))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		refuse(w, r, http.StatusNotFound, "not_found", "lofty-mcp serves MCP at /mcp (Streamable HTTP) and /sse (legacy SSE)")
	})
	return accessLog(s.log)(mux)
}

// accounting counts requests in flight (streams excepted) and, once
// shutdown has begun, refuses new sessions.
func (s *Server) accounting(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isStream(r) {
			next.ServeHTTP(w, r)
			return
		}
		if msg := envelopeOf(r); s.draining.Load() && msg != nil && msg.Method == string(mcp.MethodInitialize) {
			writeError(w, http.StatusServiceUnavailable, "shutting_down", "the server is shutting down")
			return
		}
		s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		next.ServeHTTP(w, r)
	})
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

// readyz answers 200 when the server serves and what it depends on (Redis,
// when configured) answers; 503 otherwise, saying which. No auth.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	status, body := http.StatusOK, `{"status":"ready"}`
	switch {
	case s.draining.Load():
		status, body = http.StatusServiceUnavailable, `{"status":"shutting down"}`
	case s.cfg.Ready != nil:
		if err := s.cfg.Ready(r.Context()); err != nil {
			s.log.Debug("not ready", "error", err)
			status, body = http.StatusServiceUnavailable, `{"status":"not ready","reason":"Redis (--redis-url) does not answer"}`
		}
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body + "\n"))
}

// Sessions is the number of live MCP sessions (Streamable HTTP and SSE).
func (s *Server) Sessions() int { return s.sessions.count() + s.sseStreams.count() }

// ListenAndServe listens on cfg.Addr and serves until ctx ends, then shuts
// down gracefully.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := s.Listen()
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Listen opens cfg.Addr, for Serve. Its error is a sentence naming --addr
// and what to do, for a person to read at start-up.
func (s *Server) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("--addr %s: %s", s.cfg.Addr, listenProblem(err))
	}
	return ln, nil
}

// listenProblem says why a listen failed, and what to do about it.
func listenProblem(err error) string {
	var dnsErr *net.DNSError
	var addrErr *net.AddrError
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return "the address is already in use (another lofty-mcp or another server listens there); stop it, or choose another port"
	case errors.Is(err, syscall.EACCES):
		return "permission denied (ports below 1024 need privileges); choose a port above 1023, such as 8080"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return "not an address of this machine; give one of its own addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)"
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("host %q was not found; give an IP address, or a name this machine resolves", dnsErr.Name)
	case errors.As(err, &addrErr):
		return addrErr.Err + "; give host:port with a port from 1 to 65535, for example 127.0.0.1:8080"
	}
	return "cannot listen: " + err.Error()
}

// Serve serves on ln until ctx ends (SIGINT, SIGTERM), then shuts down:
// it stops accepting, lets in-flight requests and tool calls finish within
// cfg.ShutdownTimeout, closes the SSE streams, and returns nil. Connections
// still busy at the deadline are closed; bodies still arriving are not
// waited for.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.cfg.AuthToken == "" && s.cfg.OAuth == nil && !s.cfg.InsecureNoAuth && !isLoopbackNetAddr(ln.Addr()) {
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
	go func() { served <- hs.Serve(s.conns.listener(ln)) }()
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
	switch {
	case s.cfg.OAuth != nil && s.cfg.AuthToken != "":
		auth = "oauth (" + s.cfg.OAuth.Issuer() + ") and bearer token"
	case s.cfg.OAuth != nil:
		auth = "oauth (" + s.cfg.OAuth.Issuer() + ")"
	case s.cfg.AuthToken == "":
		auth = "none"
	}
	if s.cfg.AuthToken == "" && s.cfg.OAuth == nil && !isLoopbackNetAddr(addr) {
		s.log.Warn("INSECURE: serving without authentication on a non-loopback address (--insecure-no-auth); " +
			"anyone who can reach it can call Lofty with this server's credentials unless something in front of lofty-mcp authenticates them")
	}
	if s.cfg.AuthToken != "" && len(s.cfg.AuthToken) < minTokenLength {
		s.log.Warn(fmt.Sprintf("the auth token is shorter than %d characters; use a long random one (for example: openssl rand -hex 32)", minTokenLength))
	}
	sessionKey := "random per process"
	if s.cfg.SessionKey != "" {
		sessionKey = "shared (--session-key)"
	}
	s.log.Info("listening", "addr", addr.String(), "mcp", base+"/mcp", "sse", base+"/sse",
		"auth", auth, "allowed_hosts", strings.Join(s.policy.listHost, ","),
		"require_request_credentials", s.cfg.RequireRequestCredentials, "session_key", sessionKey,
		"max_connections", s.cfg.MaxConnections, "max_inflight_bytes", s.cfg.MaxInflightBytes)
}

// shutdown stops accepting, waits for in-flight work, closes the streams.
func (s *Server) shutdown(hs *http.Server) error {
	start := time.Now()
	s.draining.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	s.log.Info("shutting down", "in_flight", s.inFlight.Load(), "requests_pending", s.tracker.Len(),
		"streams", s.streams.open(), "connections", s.conns.open(), "timeout", s.cfg.ShutdownTimeout)

	// A client still sending a body is not waited for.
	s.bodies.stopAll()

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
	drained := s.tracker.Wait(ctx) == nil
	s.sse.CloseSessions()
	s.streams.closeAll()

	err := <-shutdownDone
	_ = s.streamable.Shutdown(context.Background()) // stops the idle-session sweeper
	if err != nil {
		s.log.Warn("shutdown timed out; closing the connections still busy",
			"in_flight", s.inFlight.Load(), "requests_pending", s.tracker.Len(), "timeout", s.cfg.ShutdownTimeout)
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
