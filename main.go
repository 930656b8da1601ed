// Command lofty-mcp is an MCP (Model Context Protocol) server that gives AI
// assistants read access to the Lofty real-estate CRM Open API.
//
//	lofty-mcp                      serve MCP over stdio
//	lofty-mcp call TOOL [JSON]     call one tool and print its result
//	lofty-mcp tools [--json]       list the tools by toolset
//	lofty-mcp help TOOL            describe one tool
//	lofty-mcp http                 serve MCP over HTTP (Streamable HTTP and SSE)
//	lofty-mcp grants list|revoke   list or end the sign-ins of http --oauth
//
// Run `lofty-mcp --help` for flags and environment variables.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"

	"golang.org/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := startCPUProfile(os.Getenv("LOFTY_MCP_CPUPROFILE"))
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stopProfile()
	stop()
	os.Exit(code)
}

// startCPUProfile writes a pprof CPU profile of the whole run to path, for
// benchmarking work (see BENCHMARKS.md); "" does nothing.
func startCPUProfile(path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "lofty-mcp: LOFTY_MCP_CPUPROFILE: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "lofty-mcp: LOFTY_MCP_CPUPROFILE: %v\n", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// Exit codes, each documented in --help (usageEnv) and the README; a test
// checks that both name every one.
const (
	exitOK    = 0
	exitError = 1 // a tool call failed, or the server stopped on an error
	exitUsage = 2 // bad flags, arguments or configuration
)

// run is the whole program, with its environment passed in so tests can call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := parseConfig(args, getenv, stdout)
	if errors.Is(err, errHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "lofty-mcp: %v\n", err)
		return exitUsage
	}
	if cfg.showVersion {
		fmt.Fprintf(stdout, "lofty-mcp %s\n", buildVersion())
		return exitOK
	}
	if cfg.command == "help" {
		return runHelpTool(cfg.commandArgs[0], stdout, stderr)
	}
	if cfg.command == "grants" {
		return runGrants(ctx, cfg, stdout, stderr)
	}
	logger := newLogger(stderr, cfg.logLevel, cfg.logFormat)
	if len(cfg.ignoredEnv) > 0 {
		logger.Warn("ignoring settings that apply to lofty-mcp http only", "env", strings.Join(cfg.ignoredEnv, ","))
	}

	// Building the server allocates a few MB at once: a garbage collection
	// in the middle of it would only delay the first answer (2 ms of a cold
	// start). Collection resumes, as configured, once it is built.
	gc := debug.SetGCPercent(-1)
	a, err := newApp(cfg, logger)
	debug.SetGCPercent(gc)
	if err != nil {
		fmt.Fprintf(stderr, "lofty-mcp: %v\n", err)
		return exitUsage
	}
	defer a.close()
	if a.metrics != nil {
		stopMetrics, err := serveMetrics(ctx, a, cfg.service.metricsAddr)
		if err != nil {
			fmt.Fprintf(stderr, "lofty-mcp: %v\n", err)
			return exitUsage
		}
		defer stopMetrics()
	}

	switch cfg.command {
	case "":
		if isTerminal(stdin) {
			fmt.Fprint(stderr, terminalNotice)
		}
		if err := serveStdio(ctx, a, stdin, stdout); err != nil {
			logger.Error("stdio server stopped", "error", err)
			return exitError
		}
		return exitOK
	case "call":
		return runCall(ctx, a, cfg.commandArgs, stdin, stdout, stderr)
	case "tools":
		return runTools(ctx, a, cfg.jsonOutput, stdout, stderr)
	case "http":
		return runHTTP(ctx, a, stderr)
	}
	fmt.Fprintf(stderr, "lofty-mcp: unknown command %q\n", cfg.command)
	return exitUsage
}

// terminalNotice is what a person who starts bare lofty-mcp in a terminal
// reads: it is waiting for an MCP client, not hung.
const terminalNotice = `lofty-mcp speaks MCP (JSON-RPC) on stdin/stdout: it is meant to be started by an MCP client
such as Claude Desktop, Claude Code, VS Code or Cursor (see the README), and is now waiting for one.
To try a tool by hand instead, press Ctrl-C and run:
  lofty-mcp --demo call get_sales_agent_by_lead '{"leadId": 563172647619608}'
lofty-mcp --help lists the commands and settings.
`

// isTerminal reports whether r is a terminal rather than a pipe or a file.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
