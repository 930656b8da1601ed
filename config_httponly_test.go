package main

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

// httpOnlyFlags are the flags that apply to `lofty-mcp http` only.
func httpOnlyFlags(t *testing.T) []*flag.Flag {
	t.Helper()
	var cfg config
	var flags []*flag.Flag
	cfg.flagSet(func(string) string { return "" }).VisitAll(func(f *flag.Flag) {
		if httpOnly(f) {
			flags = append(flags, f)
		}
	})
	// A few that must be among them, so that a change to how they are told
	// apart cannot leave the check with nothing to do.
	for _, name := range []string{"addr", "oauth", "public-url", "state-dir", "auth-token", "metrics-addr", "redis-url", "shutdown-timeout"} {
		if !slices.ContainsFunc(flags, func(f *flag.Flag) bool { return f.Name == name }) {
			t.Errorf("--%s is not among the http-only flags", name)
		}
	}
	return flags
}

// flagArgs is a command line that sets f to a value it accepts.
func flagArgs(f *flag.Flag) []string {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return []string{"--" + f.Name}
	}
	v := f.DefValue
	if v == "" {
		v = "x"
	}
	return []string{"--" + f.Name, v}
}

// TestHTTPOnlyFlagsRefusedByOtherCommands: each flag of `lofty-mcp http`
// given to call, tools or the stdio server is refused, exit 2, with one line
// naming the flag, rather than ignored; http itself takes it.
func TestHTTPOnlyFlagsRefusedByOtherCommands(t *testing.T) {
	commands := map[string][]string{
		"stdio": nil,
		"call":  {"call", "find_leads", `{"key":"Jane"}`},
		"tools": {"tools"},
	}
	for _, f := range httpOnlyFlags(t) {
		for name, cmd := range commands {
			t.Run(f.Name+"/"+name, func(t *testing.T) {
				args := append(append([]string{"--demo"}, cmd...), flagArgs(f)...)
				code, out, errOut := runCLI(t, args...)
				want := "lofty-mcp: --" + f.Name + " applies to lofty-mcp http only, not to lofty-mcp"
				if code != exitUsage || !strings.HasPrefix(errOut, want) || strings.Count(errOut, "\n") != 1 || out != "" {
					t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and one line starting %q", args, code, out, errOut, want)
				}
			})
		}
		t.Run(f.Name+"/http", func(t *testing.T) {
			_, err := parseConfig(append([]string{"http"}, flagArgs(f)...), func(string) string { return "" }, io.Discard)
			if err != nil && strings.Contains(err.Error(), "http only") {
				t.Errorf("http refuses --%s: %v", f.Name, err)
			}
		})
	}
	// Several at once are named together.
	code, _, errOut := runCLI(t, "--demo", "--oauth", "tools", "--public-url", "https://m.example.com")
	if want := "--oauth, --public-url apply to lofty-mcp http only, not to lofty-mcp tools: leave them out"; code != exitUsage || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, %q; want %q", code, errOut, want)
	}
	// --version serves nothing: nothing to refuse.
	if code, out, _ := runCLI(t, "--version", "--addr", "127.0.0.1:1"); code != exitOK || !strings.HasPrefix(out, "lofty-mcp ") {
		t.Errorf("--version --addr: exit %d, %q", code, out)
	}
}

// TestHTTPOnlyEnvironmentIgnoredByOtherCommands: a variable of `lofty-mcp
// http` in another command's environment (a shared env file, the container
// image's LOFTY_MCP_ADDR) is ignored with one warning naming it; the command
// runs. Its value is not even checked.
func TestHTTPOnlyEnvironmentIgnoredByOtherCommands(t *testing.T) {
	for _, name := range []string{"LOFTY_MCP_ADDR", "LOFTY_MCP_OAUTH", "LOFTY_MCP_PUBLIC_URL", "LOFTY_REDIS_URL", "LOFTY_MCP_SECRET_KEY", "LOFTY_MCP_SESSION_KEY"} {
		if !slices.Contains(httpOnlyEnv, name) {
			t.Errorf("%s is not among the http-only variables %q", name, httpOnlyEnv)
		}
	}
	for _, name := range httpOnlyEnv {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{name: "not-a-valid-value"}
			var out, errOut strings.Builder
			code := run(t.Context(), []string{"--demo", "tools"}, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
			if code != exitOK || !strings.Contains(out.String(), "find_leads") {
				t.Fatalf("tools with %s set: exit %d, stdout %q, stderr %q", name, code, out.String(), errOut.String())
			}
			warn := `level=WARN msg="ignoring settings that apply to lofty-mcp http only" env=` + name
			if strings.Count(errOut.String(), warn) != 1 {
				t.Errorf("stderr %q; want one %q", errOut.String(), warn)
			}
		})
	}
	// Several are named in one line.
	env := map[string]string{"LOFTY_MCP_ADDR": ":8080", "LOFTY_MCP_OAUTH": "1"}
	cfg, err := parseConfig([]string{"call", "find_leads"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil || !slices.Equal(cfg.ignoredEnv, []string{"LOFTY_MCP_ADDR", "LOFTY_MCP_OAUTH"}) {
		t.Errorf("ignoredEnv %q, %v", cfg.ignoredEnv, err)
	}
	// http reads them, and warns of nothing.
	cfg, err = parseConfig([]string{"http"}, func(k string) string { return env[k] }, io.Discard)
	if err == nil || len(cfg.ignoredEnv) > 0 {
		t.Errorf("http with LOFTY_MCP_OAUTH=1 and no public URL: %v, ignoredEnv %q; want the public URL asked for, nothing ignored", err, cfg.ignoredEnv)
	}
}
