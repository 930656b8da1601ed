package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/server"
	"github.com/redis/go-redis/v9"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/metrics"
	"github.com/lofty-mcp/lofty-mcp/oauth"
	"github.com/lofty-mcp/lofty-mcp/tools"
	"github.com/lofty-mcp/lofty-mcp/transport"
)

// app is the built server: the Lofty client and the MCP server over it.
type app struct {
	cfg    config
	log    *slog.Logger
	lofty  *lofty.Client
	server *server.MCPServer
	// catalog is what server serves, which HTTP requests narrow (their URL,
	// their headers, the scopes their sign-in granted).
	catalog *access.Catalog
	redis   *redis.Client    // nil without --redis-url
	metrics *metrics.Metrics // nil without --metrics-addr
	// transport is the HTTP transport once `http` serves (metrics count its sessions).
	transport atomic.Pointer[transport.Server]
	// demoFake is the in-process fake Lofty of --demo (nil otherwise): with
	// --oauth it also plays Lofty's sign-in (API key check, vendor OAuth).
	demoFake *fakelofty.Fake
}

// What --demo --oauth signs in with: the one API key the demo Lofty
// accepts, and its vendor app ("Sign in with Lofty").
const (
	demoBaseURL            = "http://demo.lofty.invalid" // never dialled: the fake answers in-process
	demoAPIKey             = "demo"
	demoVendorClientID     = "lofty-mcp-demo"
	demoVendorClientSecret = "lofty-mcp-demo-secret"
)

// demoInstructions tell the model plainly that --demo data is not real.
const demoInstructions = mcpserver.DefaultInstructions + "\n\n" +
	"DEMO MODE: this server is running with --demo. All data comes from lofty-mcp's built-in fake Lofty: " +
	"it is sample data, not a real CRM, and no real lead or person is involved. " +
	"Demo lead IDs: 563172647619608 (Jane Smith, has an AI sales agent), 563172647619609 (Mark Lee, no sales agent), " +
	"563172647619610 (another team's lead: access denied). Find demo leads by name with find_leads (e.g. key \"Jane\")."

func newApp(cfg config, logger *slog.Logger) (*app, error) {
	lcfg := lofty.Config{
		BaseURL:    cfg.baseURL,
		Credential: cfg.credential,
		Timeout:    cfg.timeout,
		UserAgent:  "lofty-mcp/" + buildVersion(),
		Logger:     logger,
		Resilience: cfg.resilience.loftyResilience(),
	}
	if cfg.demo && lcfg.Resilience.RateLimit == lofty.RateLimitAuto {
		lcfg.Resilience.RateLimit = 0 // the built-in fake has no limit to respect
	}
	var rdb *redis.Client
	if opts := cfg.service.redis; opts != nil && cfg.command == "http" {
		// Short timeouts and no retries of its own: lofty falls back to the
		// replica's own state when Redis does not answer at once.
		o := *opts
		o.MaxRetries = -1
		o.DialTimeout = 500 * time.Millisecond
		o.ReadTimeout = 500 * time.Millisecond
		o.WriteTimeout = 500 * time.Millisecond
		redis.SetLogger(redisLogger{logger}) // go-redis's own log lines go to ours, at debug level
		rdb = redis.NewClient(&o)
		lcfg.Shared = &lofty.Shared{Redis: rdb}
	}
	instructions := ""
	var demoFake *fakelofty.Fake
	if cfg.demo {
		if !cfg.credential.IsZero() {
			logger.Info("--demo: ignoring the configured Lofty credential; using demo data")
		}
		lcfg.BaseURL = demoBaseURL
		lcfg.Credential = lofty.Credential{Kind: lofty.APIKey, Secret: demoAPIKey, Source: "demo mode"}
		data := fakelofty.Demo()
		// A person trying the demo asks about today: the world's today is
		// moved to theirs, and its clock is the real one.
		data.MoveTo(time.Now)
		if cfg.oauth.enabled {
			// The sign-in page checks pasted keys with the demo Lofty:
			// only the demo key is accepted, so a wrong one shows the
			// message a real Lofty would cause.
			data.APIKeys = []string{demoAPIKey}
		}
		fake := fakelofty.New(data)
		fake.NoRecord = true
		fake.CodedErrors = true // errors look as the live API's do
		if cfg.oauth.enabled {
			// Its authorization page is served on the public server: it
			// sends the browser back only to this server's own callback.
			fake.EnableOAuth(fakelofty.OAuthApp{ClientID: demoVendorClientID, ClientSecret: demoVendorClientSecret,
				RedirectURIs: []string{cfg.oauth.publicURL + oauth.LoftyCallbackPath}})
		}
		demoFake = fake
		lcfg.HTTPClient = fake.Client()
		instructions = demoInstructions
	}
	client, err := lofty.New(lcfg)
	if err != nil {
		return nil, err
	}
	opts := mcpserver.Options{
		Version:       buildVersion(),
		Instructions:  instructions,
		Logger:        logger,
		Toolsets:      cfg.toolsets.toolsets,
		AllowTools:    cfg.toolsets.tools,
		ReadOnly:      cfg.actions.readOnly,
		ConfirmWrites: cfg.actions.confirmWrites,
		// A config that never went through parseConfig (tests) has 0: the default.
		Settings: tools.Settings{FindScanPages: cfg.leads.findScanPages, TimeZone: cfg.time.zone},
		// Over HTTP each request sees the tools its URL, headers and
		// sign-in allow.
		ToolsPerRequest: cfg.command == "http",
	}
	srv, err := mcpserver.NewServer(client, opts)
	if err != nil {
		return nil, fmt.Errorf("building the MCP server: %w", err)
	}
	served, err := mcpserver.ServedTools(opts)
	if err != nil {
		return nil, fmt.Errorf("building the MCP server: %w", err)
	}
	if selected, err := tools.Select(cfg.toolsets.toolsets, cfg.toolsets.tools); err == nil {
		cfg.actions.logStart(logger, selected)
	}
	a := &app{cfg: cfg, log: logger, lofty: client, server: srv, catalog: mcpserver.NewCatalog(served), redis: rdb, demoFake: demoFake}
	if cfg.service.metricsAddr != "" && cfg.command == "http" {
		a.metrics = metrics.New(metrics.Sources{Version: buildVersion(), Lofty: client, Sessions: func() int {
			if t := a.transport.Load(); t != nil {
				return t.Sessions()
			}
			return 0
		}})
		srv.Use(a.metrics.ToolMiddleware())
	}
	return a, nil
}

// close releases what the app holds (the Redis connections).
func (a *app) close() {
	if a.redis != nil {
		_ = a.redis.Close()
	}
	a.lofty.Close()
}

// newLogger logs to w (stderr: stdout belongs to JSON-RPC) at level, as text or JSON.
func newLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// warnIfNoCredential says, when serving, that tools will fail until a credential is set.
func (a *app) warnIfNoCredential() {
	if !a.cfg.demo && a.cfg.credential.IsZero() {
		a.log.Warn("no Lofty credentials: set LOFTY_API_KEY or LOFTY_ACCESS_TOKEN (or use --demo); every Lofty tool answers with an error until then")
	}
}

// redisLogger passes go-redis's internal log lines (dial failures, which
// lofty's shared state reports itself) to the logger at debug level.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis client", "message", fmt.Sprintf(format, v...))
}
