package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/transport"
)

// httpConfig holds the `lofty-mcp http` settings.
type httpConfig struct {
	addr                      string
	authToken                 string
	insecureNoAuth            bool
	allowedOrigins            []string
	allowedHosts              []string
	requireRequestCredentials bool
	sessionKey                string
	maxBodyBytes              int64
	maxConnections            int
	maxInflightBytes          int64
	readHeaderTimeout         time.Duration
	readTimeout               time.Duration
	idleTimeout               time.Duration
	maxStreams                int
	maxSessions               int
	sessionIdleTimeout        time.Duration
	shutdownTimeout           time.Duration

	// As given (flag, else environment, else default), parsed in validate so
	// that a bad environment value is reported like a bad flag.
	raw struct{ maxConnections, maxInflightBytes string }
}

// usageHTTPEnv documents the environment variables of `lofty-mcp http`.
const usageHTTPEnv = `  LOFTY_MCP_ADDR             default for --addr (http)
  LOFTY_MCP_AUTH_TOKEN       default for --auth-token (http); preferred: flags show in ps
  LOFTY_MCP_ALLOWED_HOSTS    default for --allowed-hosts (http), comma-separated
  LOFTY_MCP_ALLOWED_ORIGINS  default for --allowed-origins (http), comma-separated
  LOFTY_MCP_SESSION_KEY      default for --session-key (http); preferred: flags show in ps
  LOFTY_MCP_MAX_CONNECTIONS  default for --max-connections (http)
  LOFTY_MCP_MAX_INFLIGHT_BYTES default for --max-inflight-bytes (http)
`

// maxMaxConnections bounds --max-connections (each connection is a file
// descriptor and some memory).
const maxMaxConnections = 1_000_000

// transportConfig is the transport package's view of these settings.
func (h httpConfig) transportConfig() transport.Config {
	return transport.Config{
		Addr:                      h.addr,
		AuthToken:                 h.authToken,
		InsecureNoAuth:            h.insecureNoAuth,
		AllowedHosts:              h.allowedHosts,
		AllowedOrigins:            h.allowedOrigins,
		RequireRequestCredentials: h.requireRequestCredentials,
		SessionKey:                h.sessionKey,
		MaxBodyBytes:              h.maxBodyBytes,
		MaxConnections:            h.maxConnections,
		MaxInflightBytes:          h.maxInflightBytes,
		ReadHeaderTimeout:         h.readHeaderTimeout,
		ReadTimeout:               h.readTimeout,
		IdleTimeout:               h.idleTimeout,
		MaxStreams:                h.maxStreams,
		MaxSessions:               h.maxSessions,
		SessionIdleTimeout:        h.sessionIdleTimeout,
		ShutdownTimeout:           h.shutdownTimeout,
	}
}

// addFlags registers the http flags, with environment defaults.
func (h *httpConfig) addFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&h.addr, "addr", envOr(getenv, "LOFTY_MCP_ADDR", transport.DefaultAddr),
		"http: listen address `HOST:PORT`; a non-loopback address needs --auth-token")
	// The environment default is applied in validate, so --help never prints the token.
	fs.StringVar(&h.authToken, "auth-token", "",
		"http: require \"Authorization: Bearer `TOKEN`\" on every MCP endpoint (prefer LOFTY_MCP_AUTH_TOKEN: flags show in ps)")
	fs.BoolVar(&h.insecureNoAuth, "insecure-no-auth", false,
		"http: allow a non-loopback --addr without --auth-token (only behind something else that authenticates)")
	h.allowedOrigins = splitList(getenv("LOFTY_MCP_ALLOWED_ORIGINS"))
	fs.Var(&listFlag{list: &h.allowedOrigins}, "allowed-origins",
		"http: extra browser `ORIGINS` allowed, comma-separated scheme://host[:port] (loopback and the listen host are always allowed)")
	h.allowedHosts = splitList(getenv("LOFTY_MCP_ALLOWED_HOSTS"))
	fs.Var(&listFlag{list: &h.allowedHosts}, "allowed-hosts",
		"http: extra Host names allowed, `HOSTS` comma-separated (loopback and the listen host are always allowed; * allows any)")
	fs.BoolVar(&h.requireRequestCredentials, "require-request-credentials", false,
		"http: refuse MCP requests without an X-Lofty-Api-Key or X-Lofty-Access-Token header")
	// The environment default is applied in validate, so --help never prints the key.
	fs.StringVar(&h.sessionKey, "session-key", "",
		"http: secret `KEY` (at least 32 characters) that signs session ids; give replicas behind one proxy the same key so any of them accepts any session (default: random per process; prefer LOFTY_MCP_SESSION_KEY)")
	fs.Int64Var(&h.maxBodyBytes, "max-body-bytes", transport.DefaultMaxBodyBytes,
		"http: largest request body accepted, in `BYTES` (413 beyond)")
	fs.StringVar(&h.raw.maxConnections, "max-connections",
		envOr(getenv, "LOFTY_MCP_MAX_CONNECTIONS", strconv.Itoa(transport.DefaultMaxConnections)),
		"http: most connections open at once; beyond `N`, a new connection is answered 503 (server busy) at once, before its request is read (env LOFTY_MCP_MAX_CONNECTIONS)")
	fs.StringVar(&h.raw.maxInflightBytes, "max-inflight-bytes",
		envOr(getenv, "LOFTY_MCP_MAX_INFLIGHT_BYTES", strconv.Itoa(transport.DefaultMaxInflightBytes)),
		"http: most bytes of request bodies held in memory until their calls are answered (each request counts at least 4096), at least --max-body-bytes; "+
			"beyond `N`, a request is answered 503 (server busy) at once. A byte in flight costs about 6 of memory while its call runs (env LOFTY_MCP_MAX_INFLIGHT_BYTES)")
	fs.DurationVar(&h.readHeaderTimeout, "read-header-timeout", transport.DefaultReadHeaderTimeout,
		"http: `DURATION` allowed to read a request's headers")
	fs.DurationVar(&h.readTimeout, "read-timeout", transport.DefaultReadTimeout,
		"http: `DURATION` allowed to read a request's body")
	fs.DurationVar(&h.idleTimeout, "idle-timeout", transport.DefaultIdleTimeout,
		"http: how long (`DURATION`) an idle keep-alive connection is kept")
	fs.IntVar(&h.maxStreams, "max-streams", transport.DefaultMaxStreams,
		"http: at most `N` concurrent SSE streams (GET /sse, GET /mcp); 503 beyond")
	fs.IntVar(&h.maxSessions, "max-sessions", transport.DefaultMaxSessions,
		"http: at most `N` concurrent Streamable HTTP sessions (Mcp-Session-Id); 503 beyond")
	fs.DurationVar(&h.sessionIdleTimeout, "session-idle-timeout", transport.DefaultSessionIdleTimeout,
		"http: a Streamable HTTP session unused for `DURATION` is forgotten")
	fs.DurationVar(&h.shutdownTimeout, "shutdown-timeout", transport.DefaultShutdownTimeout,
		"http: on SIGINT/SIGTERM, the `DURATION` in-flight tool calls may take to finish")
}

// validate checks the http settings and reads the auth token from the
// environment (never a flag default: --help must not print it).
func (h *httpConfig) validate(getenv func(string) string) error {
	h.authToken = strings.TrimSpace(h.authToken)
	if h.authToken == "" {
		h.authToken = strings.TrimSpace(getenv("LOFTY_MCP_AUTH_TOKEN"))
	}
	if h.sessionKey == "" {
		h.sessionKey = getenv("LOFTY_MCP_SESSION_KEY")
	}
	if h.sessionKey != "" && len(h.sessionKey) < transport.MinSessionKeyLength {
		return fmt.Errorf("--session-key (or LOFTY_MCP_SESSION_KEY) must be at least %d characters, got %d; generate one with: openssl rand -hex 32",
			transport.MinSessionKeyLength, len(h.sessionKey))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"--read-header-timeout", h.readHeaderTimeout}, {"--read-timeout", h.readTimeout},
		{"--idle-timeout", h.idleTimeout}, {"--session-idle-timeout", h.sessionIdleTimeout},
		{"--shutdown-timeout", h.shutdownTimeout},
	} {
		if d.v <= 0 {
			return fmt.Errorf("%s must be a positive duration such as 10s, got %s", d.name, d.v)
		}
	}
	n, err := parseBoundedInt("--max-connections", "LOFTY_MCP_MAX_CONNECTIONS", h.raw.maxConnections, 1, maxMaxConnections)
	if err != nil {
		return err
	}
	h.maxConnections = n
	if n, err = parseBoundedInt("--max-inflight-bytes", "LOFTY_MCP_MAX_INFLIGHT_BYTES", h.raw.maxInflightBytes, 1, math.MaxInt32); err != nil {
		return err
	}
	h.maxInflightBytes = int64(n)
	switch {
	case h.maxBodyBytes <= 0:
		return errors.New("--max-body-bytes must be positive")
	case h.maxInflightBytes < h.maxBodyBytes:
		return fmt.Errorf("--max-inflight-bytes (or LOFTY_MCP_MAX_INFLIGHT_BYTES) must be at least --max-body-bytes, or a request as large as allowed could never be served: got %d and %d",
			h.maxInflightBytes, h.maxBodyBytes)
	case h.maxStreams <= 0:
		return errors.New("--max-streams must be positive")
	case h.maxSessions <= 0:
		return errors.New("--max-sessions must be positive")
	}
	return nil
}
