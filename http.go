package main

import (
	"context"
	"fmt"
	"io"

	"github.com/lofty-mcp/lofty-mcp/transport"
)

// runHTTP serves a's MCP server over HTTP (Streamable HTTP at /mcp, legacy
// SSE at /sse and /message) until ctx ends (SIGINT, SIGTERM), then shuts
// down gracefully and exits 0.
func runHTTP(ctx context.Context, a *app, stderr io.Writer) int {
	tc := a.cfg.http.transportConfig()
	tc.Logger = a.log
	tc.Ready = a.lofty.Ready // Redis, when --redis-url is set
	srv, err := transport.New(a.server, tc)
	if err != nil {
		fmt.Fprintf(stderr, "lofty-mcp: %v\n", err)
		return exitUsage
	}
	a.transport.Store(srv)
	switch {
	case a.cfg.demo:
	case a.cfg.credential.IsZero() && !tc.RequireRequestCredentials:
		a.log.Warn("no server Lofty credential (LOFTY_API_KEY or LOFTY_ACCESS_TOKEN): only requests carrying " +
			transport.HeaderLoftyAPIKey + " or " + transport.HeaderLoftyAccessToken + " can reach Lofty; the others get an error result")
	case !a.cfg.credential.IsZero() && tc.RequireRequestCredentials:
		a.log.Info("--require-request-credentials: the server's own Lofty credential is never used")
	}
	a.log.Info("serving MCP over HTTP", "version", buildVersion(), "demo", a.cfg.demo, "credential", a.cfg.credential)
	if err := srv.ListenAndServe(ctx); err != nil {
		a.log.Error("http server stopped", "error", err)
		return exitError
	}
	return exitOK
}
