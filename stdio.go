package main

import (
	"context"
	"io"

	"github.com/lofty-mcp/lofty-mcp/transport"
)

// drainTimeout bounds how long, after stdin closes, lofty-mcp waits for
// answers to requests it has already read.
const drainTimeout = transport.DefaultDrainTimeout

// serveStdio serves MCP over stdin/stdout until stdin closes (EOF) or ctx is
// cancelled (SIGINT, SIGTERM). Requests read before EOF are still answered
// (for up to drainTimeout); see transport.ServeStdio.
func serveStdio(ctx context.Context, a *app, stdin io.Reader, stdout io.Writer) error {
	a.warnIfNoCredential()
	a.log.Info("serving MCP over stdio", "version", buildVersion(), "demo", a.cfg.demo, "credential", a.cfg.credential)
	err := transport.ServeStdio(ctx, a.server, stdin, stdout, transport.StdioConfig{
		MaxMessageBytes: a.cfg.maxMessageBytes,
		DrainTimeout:    drainTimeout,
		Logger:          a.log,
	})
	a.log.Debug("stdio server stopped", "lofty", a.lofty.Stats())
	return err
}
