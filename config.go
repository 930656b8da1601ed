package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/transport"
)

// version is stamped at release time (-ldflags "-X main.version=v1.2.3").
var version = ""

// buildVersion is the stamped version, else the module version `go install`
// recorded, else "dev".
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// config is everything the flags and environment decide.
type config struct {
	command     string   // "", "call", "tools", "http", "grants", "help"
	commandArgs []string // positional arguments after the command

	showVersion bool
	demo        bool
	jsonOutput  bool
	logLevel    slog.Level
	// maxMessageBytes is stdio's largest message (one line).
	maxMessageBytes int
	logFormat       string

	baseURL    string
	credential lofty.Credential
	timeout    time.Duration

	// Each area's settings live in its own file (config_*.go) with an
	// addFlags and a validate method, called from parseConfig.
	http       httpConfig
	resilience resilienceConfig
	toolsets   toolsetConfig
	service    serviceConfig
	leads      leadsConfig
	time       timeConfig
	actions    actionsConfig
	oauth      oauthConfig
	grants     grantsConfig

	raw struct{ logLevel string } // as given, parsed in parseConfig

	// ignoredEnv names the settings of `lofty-mcp http` found in the
	// environment of another command, which ignores them (and says so).
	ignoredEnv []string
}

var errHelp = errors.New("help requested")

const usageHead = `lofty-mcp: an MCP server for the Lofty real-estate CRM Open API.

Usage:
  lofty-mcp [flags]                    serve MCP over stdio (what MCP clients run)
  lofty-mcp [flags] call TOOL [JSON]   call one tool, print its structured result
  lofty-mcp [flags] tools [--json]     list the tools by toolset (--json: the full tools/list result)
  lofty-mcp [flags] http               serve MCP over HTTP: Streamable HTTP at /mcp, legacy SSE at /sse
  lofty-mcp [flags] grants list        list the sign-ins of http --oauth (--person, --client, --grant select)
  lofty-mcp [flags] grants revoke      end sign-ins at once: --person WHO (Lofty user id or email), --client ID or --grant ID
  lofty-mcp help                       print this help
  lofty-mcp help TOOL                  describe one tool: arguments, Lofty operations, effect, an example

Try it without a Lofty account (built-in demo data):
  lofty-mcp --demo call find_leads '{"key": "Jane"}'
  lofty-mcp --demo call get_sales_agent_by_lead '{"leadId": 563172647619608}'

Flags:
`

const usageEnv = `
Environment:
  LOFTY_API_KEY          Lofty personal API key (sent as "Authorization: token <key>")
  LOFTY_ACCESS_TOKEN     Lofty OAuth access token (sent as "Authorization: Bearer <token>")
                         Set one of the two, not both.
  LOFTY_BASE_URL         Lofty API base URL (default https://api.lofty.com)
  LOFTY_TIMEOUT          timeout of one request attempt, a Go duration (default 15s)
  LOFTY_MAX_RETRIES, LOFTY_RATE_LIMIT, LOFTY_MAX_CONCURRENCY, LOFTY_CACHE_TTL, LOFTY_CALL_TIMEOUT, LOFTY_MAX_WAIT
                         defaults for --max-retries, --rate-limit, --max-concurrency, --cache-ttl, --call-timeout, --max-wait
  LOFTY_TOOLSETS, LOFTY_TOOLS, LOFTY_READ_ONLY, LOFTY_CONFIRM_WRITES
                         defaults for --toolsets, --tools, --read-only, --confirm-writes
  LOFTY_FIND_SCAN_PAGES  default for --find-scan-pages
  LOFTY_TIME_ZONE        default for --time-zone
  LOFTY_MCP_LOG_LEVEL    default for --log-level
  LOFTY_MCP_LOG_FORMAT   default for --log-format
  LOFTY_MCP_CPUPROFILE   write a pprof CPU profile of the whole run to this file (for benchmarking)
` + usageHTTPEnv + usageServiceEnv + usageOAuthEnv + `
The flags and variables marked http apply to lofty-mcp http only: such a flag given to another
command is refused; such a variable in another command's environment is ignored, with a warning.

Exit status:
  0  the command succeeded, or the server stopped on SIGINT or SIGTERM
  1  a tool call failed (call), or the server stopped on an error
  2  bad flags, arguments or settings, or the server could not be set up (the message says which);
     also a crash (a Go panic, its stack trace on stderr)
`

// httpOnlyEnv are the environment variables only `lofty-mcp http` reads:
// those --help lists with the http settings.
var httpOnlyEnv = regexp.MustCompile(`\bLOFTY_[A-Z0-9_]+`).FindAllString(usageHTTPEnv+usageServiceEnv+usageOAuthEnv, -1)

// httpOnly reports whether flag f applies to `lofty-mcp http` only, as its
// usage says first ("http: …", "http --oauth: …").
func httpOnly(f *flag.Flag) bool {
	return strings.HasPrefix(f.Usage, "http: ") || strings.HasPrefix(f.Usage, "http --oauth: ")
}

// parseConfig reads flags (anywhere on the command line) and environment.
// --help (or the help command) prints the usage to help and returns errHelp.
func parseConfig(args []string, getenv func(string) string, help io.Writer) (config, error) {
	var cfg config
	fs := cfg.flagSet(getenv)
	printUsage := func() {
		fmt.Fprint(help, usageHead)
		printFlags(help, fs)
		fmt.Fprint(help, usageEnv)
	}

	positional, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		printUsage()
		return cfg, errHelp
	}
	if err != nil {
		return cfg, fmt.Errorf("%v (lofty-mcp --help lists the flags)", err)
	}
	if len(positional) > 0 {
		cfg.command, cfg.commandArgs = positional[0], positional[1:]
	}
	if cfg.command == "help" {
		switch len(cfg.commandArgs) {
		case 0:
			printUsage()
			return cfg, errHelp
		case 1:
			return cfg, nil // help TOOL: nothing else to read
		}
		return cfg, fmt.Errorf("help takes at most one tool name, got %q", cfg.commandArgs)
	}
	if err := cfg.checkCommand(); err != nil {
		return cfg, err
	}
	if err := cfg.checkHTTPOnly(fs, getenv); err != nil {
		return cfg, err
	}

	if cfg.logLevel, err = parseLevel(cfg.raw.logLevel); err != nil {
		return cfg, err
	}
	if cfg.logFormat != "text" && cfg.logFormat != "json" {
		return cfg, fmt.Errorf("--log-format must be text or json, got %q", cfg.logFormat)
	}
	if cfg.maxMessageBytes <= 0 {
		return cfg, fmt.Errorf("--max-message-bytes must be a positive number of bytes, got %d", cfg.maxMessageBytes)
	}
	if err := cfg.readLoftyEnv(getenv); err != nil {
		return cfg, err
	}
	if err := cfg.resilience.validate(); err != nil {
		return cfg, err
	}
	if err := cfg.toolsets.validate(); err != nil {
		return cfg, err
	}
	if err := cfg.leads.validate(); err != nil {
		return cfg, err
	}
	if err := cfg.time.validate(); err != nil {
		return cfg, err
	}
	if err := cfg.actions.validate(); err != nil {
		return cfg, err
	}
	// Another command ignores the settings of lofty-mcp http
	// (checkHTTPOnly), so they are checked only for it — and for grants,
	// those of them that say where the sign-ins are.
	if cfg.command == "http" {
		if err := cfg.http.validate(getenv); err != nil {
			return cfg, err
		}
	}
	if cfg.command == "http" || cfg.command == "grants" {
		if err := cfg.service.validate(getenv); err != nil {
			return cfg, err
		}
		if err := cfg.oauth.validate(getenv, cfg.command, cfg.demo, cfg.service.redis != nil); err != nil {
			return cfg, err
		}
	}
	if err := cfg.grants.validate(cfg.command, cfg.commandArgs); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// checkCommand checks the command and its arguments: every check of the
// positional command line is here.
func (cfg *config) checkCommand() error {
	switch cfg.command {
	case "":
		return nil
	case "tools":
		if len(cfg.commandArgs) > 0 {
			return fmt.Errorf("tools takes no arguments, got %q", cfg.commandArgs)
		}
	case "http":
		if len(cfg.commandArgs) > 0 {
			return fmt.Errorf("http takes no arguments, got %q; the listen address is --addr", cfg.commandArgs)
		}
	case "grants":
		if len(cfg.commandArgs) != 1 || (cfg.commandArgs[0] != "list" && cfg.commandArgs[0] != "revoke") {
			got := ""
			if len(cfg.commandArgs) > 0 {
				got = fmt.Sprintf(", not %q", strings.Join(cfg.commandArgs, " "))
			}
			return fmt.Errorf("grants takes list or revoke%s: lofty-mcp grants list [--person WHO] [--client ID] [--grant ID] [--json], or lofty-mcp grants revoke --person WHO", got)
		}
	case "call":
		if len(cfg.commandArgs) < 1 || len(cfg.commandArgs) > 2 {
			return errors.New(`call needs a tool name and, optionally, its arguments as one JSON object: lofty-mcp call get_sales_agent_by_lead '{"leadId": 563172647619608}'`)
		}
	default:
		return fmt.Errorf("unknown command %q; expected one of: call, tools, http, grants, help [TOOL] (or none, to serve over stdio)", cfg.command)
	}
	return nil
}

// flagSet registers every flag, each writing into cfg, with its default from
// the environment where it has one.
func (cfg *config) flagSet(getenv func(string) string) *flag.FlagSet {
	fs := flag.NewFlagSet("lofty-mcp", flag.ContinueOnError)
	// Errors are returned, not printed with the whole usage: run prints
	// them on one line with a pointer to --help.
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.raw.logLevel, "log-level", envOr(getenv, "LOFTY_MCP_LOG_LEVEL", "info"), "log `LEVEL`: debug, info, warn or error (logs go to stderr)")
	fs.StringVar(&cfg.logFormat, "log-format", envOr(getenv, "LOFTY_MCP_LOG_FORMAT", "text"), "log `FORMAT`: text or json")
	fs.BoolVar(&cfg.demo, "demo", false, "use built-in demo data instead of Lofty; no credentials needed")
	fs.BoolVar(&cfg.showVersion, "version", false, "print the version and exit")
	fs.BoolVar(&cfg.jsonOutput, "json", false, "with tools: print the full tools/list result as JSON; with grants: the grants as JSON")
	fs.IntVar(&cfg.maxMessageBytes, "max-message-bytes", transport.DefaultMaxMessageBytes,
		"stdio: largest JSON-RPC message (one line) read, in `BYTES`; a larger one is answered with an error and skipped")
	cfg.resilience.addFlags(fs, getenv)
	cfg.toolsets.addFlags(fs, getenv)
	cfg.leads.addFlags(fs, getenv)
	cfg.time.addFlags(fs, getenv)
	cfg.actions.addFlags(fs, getenv)
	cfg.http.addFlags(fs, getenv)
	cfg.service.addFlags(fs, getenv)
	cfg.oauth.addFlags(fs, getenv)
	cfg.grants.addFlags(fs)
	return fs
}

// grantsSettings are the settings of `lofty-mcp http` that `lofty-mcp
// grants` reads too: where the sign-ins are kept, and the key that opens
// them.
var grantsSettings = []string{"state-dir", "redis-url", "LOFTY_MCP_STATE_DIR", "LOFTY_REDIS_URL", "LOFTY_MCP_SECRET_KEY"}

// checkHTTPOnly refuses the flags that apply to `lofty-mcp http` only when
// another command is run, rather than ignore them; their environment
// variables are only noted in ignoredEnv, since one environment (a shared
// env file, the container image's) often serves several commands.
func (cfg *config) checkHTTPOnly(fs *flag.FlagSet, getenv func(string) string) error {
	if cfg.command == "http" || cfg.showVersion {
		return nil
	}
	shared := func(name string) bool { return cfg.command == "grants" && slices.Contains(grantsSettings, name) }
	var given []string
	fs.Visit(func(f *flag.Flag) {
		if httpOnly(f) && !shared(f.Name) {
			given = append(given, "--"+f.Name)
		}
	})
	for _, name := range httpOnlyEnv {
		if strings.TrimSpace(getenv(name)) != "" && !shared(name) && !slices.Contains(cfg.ignoredEnv, name) {
			cfg.ignoredEnv = append(cfg.ignoredEnv, name)
		}
	}
	if len(given) == 0 {
		return nil
	}
	verb, them := "applies", "it"
	if len(given) > 1 {
		verb, them = "apply", "them"
	}
	return fmt.Errorf("%s %s to lofty-mcp http only, not to %s: leave %s out, or serve over HTTP with lofty-mcp http",
		strings.Join(given, ", "), verb, cfg.commandName(), them)
}

// commandName names the command for a person: "lofty-mcp call", "lofty-mcp
// tools", or serving over stdio.
func (cfg *config) commandName() string {
	if cfg.command == "" {
		return "lofty-mcp without a command (serving MCP over stdio)"
	}
	return "lofty-mcp " + cfg.command
}

// printFlags prints every flag as the README's settings table names it,
// --name LABEL, its usage below, and its default unless that is the zero
// value (as flag.PrintDefaults, which writes -name).
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		label, usage := flag.UnquoteUsage(f)
		head := "  --" + f.Name
		if label != "" {
			head += " " + label
		}
		fmt.Fprintf(w, "%s\n        %s", head, strings.ReplaceAll(usage, "\n", "\n        "))
		if d := flagDefault(f); d != "" {
			fmt.Fprintf(w, " (default %s)", d)
		}
		fmt.Fprintln(w)
	})
}

// flagDefault is f's default as the README writes it ("2m", not "2m0s"),
// or "" when it is the zero value.
func flagDefault(f *flag.Flag) string {
	switch f.DefValue {
	case "", "false", "0", "0s":
		return ""
	}
	// A duration flag's default, not its value (the command line may have
	// set it before --help).
	if g, ok := f.Value.(flag.Getter); ok {
		if _, ok := g.Get().(time.Duration); ok {
			if d, err := time.ParseDuration(f.DefValue); err == nil {
				s := d.String()
				if t, ok := strings.CutSuffix(s, "m0s"); ok {
					s = t + "m"
				}
				if t, ok := strings.CutSuffix(s, "h0m"); ok {
					s = t + "h"
				}
				return s
			}
		}
	}
	return f.DefValue
}

// readLoftyEnv reads the Lofty connection settings: base URL, timeout and
// the server's own credential.
func (cfg *config) readLoftyEnv(getenv func(string) string) error {
	cfg.baseURL = envOr(getenv, "LOFTY_BASE_URL", lofty.DefaultBaseURL)
	cfg.timeout = lofty.DefaultTimeout
	if v := strings.TrimSpace(getenv("LOFTY_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("LOFTY_TIMEOUT must be a positive Go duration such as 15s or 2m, got %q", v)
		}
		cfg.timeout = d
	}
	key, token := strings.TrimSpace(getenv("LOFTY_API_KEY")), strings.TrimSpace(getenv("LOFTY_ACCESS_TOKEN"))
	switch {
	case key != "" && token != "":
		return errors.New("both LOFTY_API_KEY and LOFTY_ACCESS_TOKEN are set; set only one: " +
			"LOFTY_API_KEY for a personal API key, LOFTY_ACCESS_TOKEN for an OAuth access token")
	case key != "":
		cfg.credential = lofty.Credential{Kind: lofty.APIKey, Secret: key, Source: "LOFTY_API_KEY"}
	case token != "":
		cfg.credential = lofty.Credential{Kind: lofty.AccessToken, Secret: token, Source: "LOFTY_ACCESS_TOKEN"}
	}
	return nil
}

// parseInterleaved parses flags that may appear before, between and after
// positional arguments; "--" ends flag parsing.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		// flag stops at "--" (consumed) or at the first non-flag.
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	switch strings.ToLower(s) {
	case "debug", "info", "warn", "error":
		err := l.UnmarshalText([]byte(s))
		return l, err
	}
	return l, fmt.Errorf("--log-level must be debug, info, warn or error, got %q", s)
}

func envOr(getenv func(string) string, name, def string) string {
	if v := strings.TrimSpace(getenv(name)); v != "" {
		return v
	}
	return def
}

// splitList splits a comma-separated flag or environment value, dropping
// blanks: the one list splitter of the configuration.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// listFlag is a comma-separated list; repeating the flag adds to it. The
// first use replaces the environment default.
type listFlag struct {
	list *[]string
	set  bool
}

func (l *listFlag) String() string {
	if l.list == nil {
		return ""
	}
	return strings.Join(*l.list, ",")
}

func (l *listFlag) Set(v string) error {
	if !l.set {
		*l.list, l.set = nil, true
	}
	*l.list = append(*l.list, splitList(v)...)
	return nil
}
