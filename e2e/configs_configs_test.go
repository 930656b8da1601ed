// Every client configuration lofty-mcp ships, checked.
//
// Each file is read the way its client reads it: JSON with the client's own
// top-level key and fields (unknown fields rejected), the Claude Code lines run
// by a real shell against a stand-in `claude` that records its argv, which is
// then parsed with Claude Code's option rules. The command each entry names is
// started — a freshly built lofty-mcp standing in for `lofty-mcp` — with
// --demo, and mcp-go's client completes an `initialize` (protocol 2025-11-25,
// what these clients speak), lists the tools and calls one. HTTP entries are
// run against `lofty-mcp --demo http --auth-token …` on a free loopback port,
// using the entry's URL and headers.

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

const (
	demoLead  = 563172647619608 // has a sales agent in --demo data
	demoTool  = "get_sales_agent_by_lead"
	testToken = "configs-test-token-7f3a"
)

// stdioServer is one client's stdio entry, reduced to what starts the process.
type stdioServer struct {
	Command string
	Args    []string
	Env     map[string]string
	Dir     string // working directory; "" for this one
}

// httpServer is one client's HTTP entry.
type httpServer struct {
	URL     string
	Headers map[string]string
}

// readStrict decodes a JSON config file, refusing fields the type lacks.
func readStrict(t *testing.T, rel string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, rel))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}

// mcpServersStdio is the "mcpServers" format of Claude Desktop
// (claude_desktop_config.json) and Cursor (.cursor/mcp.json).
type mcpServersStdio struct {
	MCPServers map[string]struct {
		Type    string            `json:"type,omitempty"`
		Command string            `json:"command"`
		Args    []string          `json:"args"`
		Env     map[string]string `json:"env,omitempty"`
	} `json:"mcpServers"`
}

func loadMCPServersStdio(t *testing.T, rel string) stdioServer {
	t.Helper()
	var f mcpServersStdio
	readStrict(t, rel, &f)
	name, e := onlyEntry(t, rel, f.MCPServers)
	if e.Type != "" && e.Type != "stdio" {
		t.Fatalf("%s: server %q has type %q, want stdio", rel, name, e.Type)
	}
	return stdioServer{Command: e.Command, Args: e.Args, Env: e.Env}
}

// onlyEntry returns the one server a config file defines.
func onlyEntry[V any](t *testing.T, rel string, servers map[string]V) (string, V) {
	t.Helper()
	if len(servers) != 1 {
		t.Fatalf("%s: %d servers, want exactly one", rel, len(servers))
	}
	for name, v := range servers {
		return name, v
	}
	panic("unreachable")
}

// Claude Desktop: mcp.json at the repository root, the README's first config.
func TestClaudeDesktopConfig(t *testing.T) {
	s := loadMCPServersStdio(t, "mcp.json")
	wantInstalledCommand(t, s)
	wantEnvKey(t, s, "LOFTY_API_KEY")
	runStdio(t, s)
}

// Cursor: configs/cursor.json, the ~/.cursor/mcp.json format.
func TestCursorConfig(t *testing.T) {
	s := loadMCPServersStdio(t, "configs/cursor.json")
	wantInstalledCommand(t, s)
	wantEnvKey(t, s, "LOFTY_API_KEY")
	runStdio(t, s)
}

// vscodeFile is the .vscode/mcp.json format: "servers", each with a "type",
// and "inputs" that VS Code prompts for and substitutes as ${input:ID}.
type vscodeFile struct {
	Inputs []struct {
		Type        string `json:"type"`
		ID          string `json:"id"`
		Description string `json:"description"`
		Password    bool   `json:"password"`
	} `json:"inputs,omitempty"`
	Servers map[string]struct {
		Type    string            `json:"type"`
		Command string            `json:"command"`
		Args    []string          `json:"args"`
		Env     map[string]string `json:"env,omitempty"`
	} `json:"servers"`
}

var vscodeInputRef = regexp.MustCompile(`\$\{input:([^}]+)\}`)

// loadVSCode reads a VS Code file and resolves its ${input:…} references the
// way VS Code would after prompting; vars are VS Code's predefined variables.
func loadVSCode(t *testing.T, rel string, vars map[string]string) stdioServer {
	t.Helper()
	var f vscodeFile
	readStrict(t, rel, &f)
	name, e := onlyEntry(t, rel, f.Servers)
	if e.Type != "stdio" {
		t.Fatalf("%s: server %q has type %q, want stdio", rel, name, e.Type)
	}
	secret := map[string]bool{}
	for _, in := range f.Inputs {
		if in.Type != "promptString" || in.ID == "" || in.Description == "" {
			t.Fatalf("%s: input %+v: want a promptString with an id and a description", rel, in)
		}
		secret[in.ID] = in.Password
	}
	resolve := func(s string) string {
		s = vscodeInputRef.ReplaceAllStringFunc(s, func(ref string) string {
			id := vscodeInputRef.FindStringSubmatch(ref)[1]
			pw, ok := secret[id]
			if !ok {
				t.Fatalf("%s: %s refers to an input that is not declared", rel, ref)
			}
			if !pw {
				t.Fatalf("%s: input %q carries a credential but is not \"password\": true", rel, id)
			}
			return "input-" + id
		})
		for k, v := range vars {
			s = strings.ReplaceAll(s, "${"+k+"}", v)
		}
		if strings.Contains(s, "${") {
			t.Fatalf("%s: unresolved variable in %q", rel, s)
		}
		return s
	}
	s := stdioServer{Command: resolve(e.Command), Env: map[string]string{}}
	for _, a := range e.Args {
		s.Args = append(s.Args, resolve(a))
	}
	for k, v := range e.Env {
		s.Env[k] = resolve(v)
	}
	return s
}

// VS Code: configs/vscode.json, the .vscode/mcp.json format; the API key is
// a password input, never written in the file.
func TestVSCodeConfig(t *testing.T) {
	s := loadVSCode(t, "configs/vscode.json", nil)
	wantInstalledCommand(t, s)
	wantEnvKey(t, s, "LOFTY_API_KEY")
	if got := s.Env["LOFTY_API_KEY"]; !strings.HasPrefix(got, "input-") {
		t.Fatalf("LOFTY_API_KEY = %q: want it to come from a password input", got)
	}
	runStdio(t, s)
}

// The repository's own .vscode/mcp.json and .cursor/mcp.json run the demo
// server from the work tree; they must stay on --demo (opening the repository
// never reaches a real CRM) and must start.
func TestRepoLocalConfigs(t *testing.T) {
	vars := map[string]string{"workspaceFolder": repoRoot}
	for _, tc := range []struct {
		rel  string
		load func() stdioServer
	}{
		{".vscode/mcp.json", func() stdioServer { return loadVSCode(t, ".vscode/mcp.json", vars) }},
		{".cursor/mcp.json", func() stdioServer {
			s := loadMCPServersStdio(t, ".cursor/mcp.json")
			for i, a := range s.Args {
				s.Args[i] = strings.ReplaceAll(a, "${workspaceFolder}", repoRoot)
			}
			return s
		}},
	} {
		t.Run(tc.rel, func(t *testing.T) {
			s := tc.load()
			if !slices.Contains(s.Args, "--demo") {
				t.Fatalf("%s: args %q lack --demo", tc.rel, s.Args)
			}
			if len(s.Env) != 0 {
				t.Fatalf("%s: sets env %v; the demo server needs none", tc.rel, s.Env)
			}
			runStdio(t, s)
		})
	}
}

// Claude Code: configs/claude-code.sh holds the `claude mcp add` line.
func TestClaudeCodeConfig(t *testing.T) {
	add := runClaudeLine(t, "configs/claude-code.sh", nil)
	if add.transport != "stdio" {
		t.Fatalf("transport %q, want stdio", add.transport)
	}
	s := stdioServer{Command: add.target, Args: add.args, Env: add.env}
	wantInstalledCommand(t, s)
	wantEnvKey(t, s, "LOFTY_API_KEY")
	runStdio(t, s)
}

// Claude Code over HTTP: configs/claude-code-http.sh; the shell fills in the
// token from $LOFTY_MCP_AUTH_TOKEN.
func TestClaudeCodeHTTPConfig(t *testing.T) {
	add := runClaudeLine(t, "configs/claude-code-http.sh", []string{"LOFTY_MCP_AUTH_TOKEN=" + testToken})
	if add.transport != "http" {
		t.Fatalf("transport %q, want http", add.transport)
	}
	if len(add.args) != 0 || len(add.env) != 0 {
		t.Fatalf("an HTTP entry takes no command args or env, got %q %v", add.args, add.env)
	}
	runHTTP(t, httpServer{URL: add.target, Headers: add.headers})
}

// The HTTP client entry: configs/http.json, in the .mcp.json format of Claude
// Code ("mcpServers", "type": "http", a URL and headers), where ${VAR} and
// ${VAR:-default} are taken from the environment so the token stays out of the
// file.
func TestHTTPClientConfig(t *testing.T) {
	var f struct {
		MCPServers map[string]struct {
			Type    string            `json:"type"`
			URL     string            `json:"url"`
			Headers map[string]string `json:"headers"`
		} `json:"mcpServers"`
	}
	readStrict(t, "configs/http.json", &f)
	name, e := onlyEntry(t, "configs/http.json", f.MCPServers)
	if e.Type != "http" {
		t.Fatalf("server %q has type %q, want http", name, e.Type)
	}
	env := map[string]string{"LOFTY_MCP_AUTH_TOKEN": testToken}
	h := map[string]string{}
	for k, v := range e.Headers {
		h[k] = expandClaudeVars(t, v, env)
	}
	runHTTP(t, httpServer{URL: expandClaudeVars(t, e.URL, env), Headers: h})
}

var claudeVar = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// expandClaudeVars expands ${VAR} and ${VAR:-default} as Claude Code does in
// .mcp.json; an unset variable without a default is an error there.
func expandClaudeVars(t *testing.T, s string, env map[string]string) string {
	t.Helper()
	return claudeVar.ReplaceAllStringFunc(s, func(ref string) string {
		m := claudeVar.FindStringSubmatch(ref)
		if v, ok := env[m[1]]; ok {
			return v
		}
		if m[2] != "" {
			return m[3]
		}
		t.Fatalf("%s: %s is not set", s, m[1])
		return ""
	})
}

// mcpbManifest is the part of mcpb/manifest.json that starts the server.
type mcpbManifest struct {
	Version string `json:"version"`
	Server  struct {
		Type       string `json:"type"`
		EntryPoint string `json:"entry_point"`
		MCPConfig  struct {
			Command           string            `json:"command"`
			Args              []string          `json:"args"`
			Env               map[string]string `json:"env"`
			PlatformOverrides map[string]struct {
				Command string `json:"command"`
			} `json:"platform_overrides"`
		} `json:"mcp_config"`
	} `json:"server"`
	UserConfig map[string]struct {
		Type      string `json:"type"`
		Title     string `json:"title"`
		Sensitive bool   `json:"sensitive"`
		Required  bool   `json:"required"`
	} `json:"user_config"`
}

var userConfigRef = regexp.MustCompile(`^\$\{user_config\.([A-Za-z0-9_]+)\}$`)

// The Claude Desktop bundle: the manifest asks for the API key as a sensitive
// value and passes it as LOFTY_API_KEY; its command, resolved the way Claude
// Desktop resolves it in an unpacked bundle, starts and initializes.
func TestMCPBManifest(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "mcpb/manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m mcpbManifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.Server.Type != "binary" {
		t.Fatalf("server.type %q, want binary", m.Server.Type)
	}
	ref := userConfigRef.FindStringSubmatch(m.Server.MCPConfig.Env["LOFTY_API_KEY"])
	if ref == nil {
		t.Fatalf("mcp_config.env.LOFTY_API_KEY = %q, want ${user_config.<key>}", m.Server.MCPConfig.Env["LOFTY_API_KEY"])
	}
	uc, ok := m.UserConfig[ref[1]]
	if !ok || uc.Type != "string" || !uc.Sensitive {
		t.Fatalf("user_config.%s = %+v: want a sensitive string", ref[1], uc)
	}

	// An unpacked bundle: the binary at entry_point, as scripts/mcpb-pack lays it out.
	dir := t.TempDir()
	entry := filepath.Join(dir, filepath.FromSlash(m.Server.EntryPoint))
	command := m.Server.MCPConfig.Command
	if runtime.GOOS == "windows" {
		entry += ".exe"
		command = m.Server.MCPConfig.PlatformOverrides["win32"].Command
	}
	copyFile(t, stdioBin(t), entry)
	vars := map[string]string{"__dirname": dir, "user_config." + ref[1]: "bundle-test-key"}
	subst := func(s string) string {
		for k, v := range vars {
			s = strings.ReplaceAll(s, "${"+k+"}", v)
		}
		if strings.Contains(s, "${") {
			t.Fatalf("unresolved variable in %q", s)
		}
		return s
	}
	s := stdioServer{Command: subst(command), Env: map[string]string{}}
	if filepath.Clean(s.Command) != filepath.Clean(entry) {
		t.Fatalf("mcp_config.command resolves to %s, but entry_point is %s", s.Command, entry)
	}
	for _, a := range m.Server.MCPConfig.Args {
		s.Args = append(s.Args, subst(a))
	}
	for k, v := range m.Server.MCPConfig.Env {
		s.Env[k] = subst(v)
	}
	runStdio(t, s)
}

// The registry entry and the bundle describe the same release.
func TestServerJSONMatchesBundle(t *testing.T) {
	var sj struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	data, err := os.ReadFile(filepath.Join(repoRoot, "server.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &sj); err != nil {
		t.Fatal(err)
	}
	var m mcpbManifest
	data, err = os.ReadFile(filepath.Join(repoRoot, "mcpb/manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if sj.Version != m.Version {
		t.Fatalf("server.json version %q, mcpb/manifest.json version %q: bump both", sj.Version, m.Version)
	}
	if sj.Name != "io.github.lofty-mcp/lofty-mcp" {
		t.Fatalf("server.json name %q: the registry ties io.github.lofty-mcp/* to the GitHub owner lofty-mcp", sj.Name)
	}
}

func wantInstalledCommand(t *testing.T, s stdioServer) {
	t.Helper()
	if s.Command != "lofty-mcp" {
		t.Fatalf("command %q, want lofty-mcp (what go install and the release archives put on the PATH)", s.Command)
	}
}

func wantEnvKey(t *testing.T, s stdioServer, key string) {
	t.Helper()
	if _, ok := s.Env[key]; !ok {
		t.Fatalf("env %v lacks %s", s.Env, key)
	}
}

// cleanEnv is this process's environment without any Lofty or lofty-mcp
// setting, so only what the config file sets reaches the server.
func cleanEnv(extra map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "LOFTY_") {
			continue
		}
		env = append(env, kv)
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+extra[k])
	}
	return env
}

// runStdio starts the entry's command (the built binary for `lofty-mcp`),
// adding --demo unless the entry has it, and drives it over stdio.
func runStdio(t *testing.T, s stdioServer) {
	t.Helper()
	command := s.Command
	if command == "lofty-mcp" {
		command = stdioBin(t)
	} else if !filepath.IsAbs(command) {
		p, err := exec.LookPath(command)
		if err != nil {
			t.Fatalf("command %q: %v", command, err)
		}
		command = p
	}
	args := slices.Clone(s.Args)
	if !slices.Contains(args, "--demo") {
		args = append(args, "--demo")
	}
	stderr := &testutil.SyncBuffer{}
	tr := transport.NewStdioWithOptions(command, cleanEnv(s.Env), args,
		transport.WithCommandFunc(func(ctx context.Context, command string, env, args []string) (*exec.Cmd, error) {
			cmd := exec.CommandContext(ctx, command, args...)
			cmd.Env = env
			cmd.Dir = s.Dir
			cmd.Stderr = stderr
			return cmd, nil
		}))
	// Generous: the repository-local configs compile with `go run` first.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := tr.Start(ctx); err != nil {
		t.Fatalf("starting %s %q: %v", command, args, err)
	}
	c := client.NewClient(tr, client.WithProtocolVersion(mcp.ProtocolVersion20251125))
	defer func() {
		if err := c.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
			t.Logf("close: %v", err)
		}
	}()
	if err := exercise(ctx, c); err != nil {
		t.Fatalf("%s %q: %v\nserver stderr:\n%s", command, args, err, stderr.String())
	}
}

// exercise completes initialize, finds the tool and calls it on a demo lead.
func exercise(ctx context.Context, c *client.Client) error {
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.ProtocolVersion20251125
	init.Params.ClientInfo = mcp.Implementation{Name: "lofty-mcp-configs-test", Version: "1"}
	res, err := c.Initialize(ctx, init)
	if err != nil {
		return fmt.Errorf("initialize: %w", err)
	}
	if res.ProtocolVersion != mcp.ProtocolVersion20251125 {
		return fmt.Errorf("initialize negotiated %q, want %q", res.ProtocolVersion, mcp.ProtocolVersion20251125)
	}
	if res.ServerInfo.Name == "" {
		return errors.New("initialize: empty serverInfo.name")
	}
	if !strings.Contains(res.Instructions, "DEMO") {
		return fmt.Errorf("instructions do not say demo mode: %q", res.Instructions)
	}
	tools, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		return fmt.Errorf("tools/list: %w", err)
	}
	if !slices.ContainsFunc(tools.Tools, func(tl mcp.Tool) bool { return tl.Name == demoTool }) {
		return fmt.Errorf("tools/list has no %s", demoTool)
	}
	call := mcp.CallToolRequest{}
	call.Params.Name = demoTool
	call.Params.Arguments = map[string]any{"leadId": demoLead}
	out, err := c.CallTool(ctx, call)
	if err != nil {
		return fmt.Errorf("tools/call: %w", err)
	}
	if out.IsError {
		return fmt.Errorf("tools/call %s: error result: %+v", demoTool, out.Content)
	}
	return nil
}

// runHTTP starts `lofty-mcp --demo http` with an auth token on a free loopback
// port, then connects with the entry's URL (its port replaced) and headers.
func runHTTP(t *testing.T, h httpServer) {
	t.Helper()
	u, err := url.Parse(h.URL)
	if err != nil {
		t.Fatalf("url %q: %v", h.URL, err)
	}
	if u.Scheme != "http" || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost") || u.Path != "/mcp" {
		t.Fatalf("url %q: want http://127.0.0.1:<port>/mcp, what `lofty-mcp http` serves by default", h.URL)
	}
	if got := h.Headers["Authorization"]; got != "Bearer "+testToken {
		t.Fatalf("Authorization header %q, want \"Bearer <token>\"", got)
	}
	addr := testutil.FreeAddr(t)
	u.Host = addr

	stderr := &testutil.SyncBuffer{}
	cmd := exec.Command(stdioBin(t), "--demo", "http", "--addr", addr)
	cmd.Env = cleanEnv(map[string]string{"LOFTY_MCP_AUTH_TOKEN": testToken})
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if runtime.GOOS == "windows" {
			_ = cmd.Process.Kill()
			<-exited
			return
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("lofty-mcp http exited with %v after SIGTERM\n%s", err, stderr.String())
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("lofty-mcp http did not exit within 15s of SIGTERM\n%s", stderr.String())
		}
	}()
	waitHealthy(t, "http://"+addr+"/healthz", exited, stderr)

	// Without the entry's header the server refuses: the header is what counts.
	resp, err := http.Post(u.String(), "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("POST without Authorization: status %d, want 401", resp.StatusCode)
	}

	exerciseHTTP(t, u.String(), h.Headers, stderr)
}

// exerciseHTTP connects mcp-go's Streamable HTTP client to url with headers,
// as the clients these configurations are for (protocol 2025-11-25), and
// runs exercise; stderr is the server's, shown on failure.
func exerciseHTTP(t *testing.T, url string, headers map[string]string, stderr *testutil.SyncBuffer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tr, err := transport.NewStreamableHTTP(url, transport.WithHTTPHeaders(headers))
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, client.WithProtocolVersion(mcp.ProtocolVersion20251125))
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := exercise(ctx, c); err != nil {
		t.Fatalf("%s: %v\nserver stderr:\n%s", url, err, stderr.String())
	}
}

func waitHealthy(t *testing.T, healthz string, exited <-chan error, stderr *testutil.SyncBuffer) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("lofty-mcp http exited early: %v\n%s", err, stderr.String())
		default:
		}
		if resp, err := http.Get(healthz); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s not healthy within 20s\n%s", healthz, stderr.String())
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

// claudeAdd is a parsed `claude mcp add` command line.
type claudeAdd struct {
	name, target string   // server name; command (stdio) or URL (http, sse)
	args         []string // command arguments (stdio)
	scope        string
	transport    string
	env          map[string]string
	headers      map[string]string
}

// runClaudeLine runs a config script with a stand-in `claude` first on PATH,
// so the real shell does the quoting and expansion, and parses the one
// `claude` invocation it makes.
func runClaudeLine(t *testing.T, rel string, env []string) claudeAdd {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the Claude Code lines are POSIX shell")
	}
	bin, calls := t.TempDir(), t.TempDir()
	fake := "#!/bin/sh\n" +
		"n=0; while [ -e \"$CLAUDE_CALLS/$n\" ]; do n=$((n+1)); done\n" +
		"for a in \"$@\"; do printf '%s\\0' \"$a\"; done >\"$CLAUDE_CALLS/$n\"\n"
	if err := os.WriteFile(filepath.Join(bin, "claude"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", filepath.Join(repoRoot, rel))
	cmd.Env = append(cleanEnv(nil), append(env,
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"CLAUDE_CALLS="+calls)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sh %s: %v\n%s", rel, err, out)
	}
	entries, err := os.ReadDir(calls)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("%s ran claude %d times, want once", rel, len(entries))
	}
	raw, err := os.ReadFile(filepath.Join(calls, entries[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	argv := strings.Split(strings.TrimSuffix(string(raw), "\x00"), "\x00")
	add, err := parseClaudeMCPAdd(argv)
	if err != nil {
		t.Fatalf("%s: claude %q: %v", rel, argv, err)
	}
	if add.name != "lofty" {
		t.Fatalf("%s: server name %q, want lofty", rel, add.name)
	}
	return add
}

// claudeOptions are the `claude mcp add` options these lines may use. -e and
// -H take several values: like Claude Code's parser, they swallow every
// following argument up to the next option or "--".
var claudeOptions = map[string]struct {
	long     string
	variadic bool
}{
	"-s": {"--scope", false}, "--scope": {"--scope", false},
	"-t": {"--transport", false}, "--transport": {"--transport", false},
	"-e": {"--env", true}, "--env": {"--env", true},
	"-H": {"--header", true}, "--header": {"--header", true},
}

// parseClaudeMCPAdd parses `mcp add [options] <name> <commandOrUrl> [args...]`.
func parseClaudeMCPAdd(argv []string) (claudeAdd, error) {
	a := claudeAdd{transport: "stdio", scope: "local", env: map[string]string{}, headers: map[string]string{}}
	if len(argv) < 2 || argv[0] != "mcp" || argv[1] != "add" {
		return a, errors.New("not `claude mcp add`")
	}
	rest := argv[2:]
	var positional []string
	for i := 0; i < len(rest); i++ {
		arg := rest[i]
		if arg == "--" {
			positional = append(positional, rest[i+1:]...)
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			positional = append(positional, arg)
			continue
		}
		name, value, inline := strings.Cut(arg, "=")
		opt, ok := claudeOptions[name]
		if !ok {
			return a, fmt.Errorf("unknown option %s", name)
		}
		var values []string
		if inline {
			values = []string{value}
		} else {
			if i+1 >= len(rest) || strings.HasPrefix(rest[i+1], "-") {
				return a, fmt.Errorf("option %s needs a value", name)
			}
			i++
			values = []string{rest[i]}
		}
		for opt.variadic && i+1 < len(rest) && !strings.HasPrefix(rest[i+1], "-") {
			i++
			values = append(values, rest[i])
		}
		for _, v := range values {
			switch opt.long {
			case "--scope":
				a.scope = v
			case "--transport":
				a.transport = v
			case "--env":
				k, val, ok := strings.Cut(v, "=")
				if !ok || k == "" {
					return a, fmt.Errorf("invalid environment variable format: %q (want KEY=value)", v)
				}
				a.env[k] = val
			case "--header":
				k, val, ok := strings.Cut(v, ":")
				if !ok || strings.TrimSpace(k) == "" {
					return a, fmt.Errorf("invalid header format: %q (want \"Name: value\")", v)
				}
				a.headers[strings.TrimSpace(k)] = strings.TrimSpace(val)
			}
		}
	}
	if len(positional) < 2 {
		return a, fmt.Errorf("want <name> <commandOrUrl>, got %q", positional)
	}
	a.name, a.target, a.args = positional[0], positional[1], positional[2:]
	switch a.scope {
	case "local", "user", "project":
	default:
		return a, fmt.Errorf("unknown scope %q", a.scope)
	}
	switch a.transport {
	case "stdio":
		if len(a.headers) > 0 {
			return a, errors.New("--header is for http and sse servers")
		}
	case "http", "sse":
		if len(a.args) > 0 {
			return a, fmt.Errorf("an %s server takes a URL and no arguments, got %q", a.transport, a.args)
		}
	default:
		return a, fmt.Errorf("unknown transport %q", a.transport)
	}
	return a, nil
}

// The parser must reject the ordering Claude Code rejects, or the test above
// would pass a line that fails for users.
func TestParseClaudeMCPAddRejectsNameAfterEnv(t *testing.T) {
	_, err := parseClaudeMCPAdd([]string{"mcp", "add", "-e", "K=v", "lofty", "--", "lofty-mcp"})
	if err == nil {
		t.Fatal("parsed `claude mcp add -e K=v lofty -- lofty-mcp`; Claude Code reads lofty as a second --env value")
	}
	got, err := parseClaudeMCPAdd([]string{"mcp", "add", "lofty", "-e", "K=v", "--", "lofty-mcp", "--demo"})
	if err != nil {
		t.Fatal(err)
	}
	if got.name != "lofty" || got.target != "lofty-mcp" || !slices.Equal(got.args, []string{"--demo"}) || got.env["K"] != "v" {
		t.Fatalf("parsed %+v", got)
	}
}

// TestManifestListsEveryTool keeps the bundle's tool list (what Claude
// Desktop shows before install; generated by `go generate ./...`) in step
// with the tools the bundle serves: the default toolsets', in order.
func TestManifestListsEveryTool(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "mcpb", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Tools []struct {
			Name        string `json:"name"`
			Description string `json:"description"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	var listed, served []string
	for _, tool := range m.Tools {
		listed = append(listed, tool.Name)
		if tool.Description == "" {
			t.Errorf("mcpb/manifest.json: %s has no description", tool.Name)
		}
	}
	defaults, err := tools.Select(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range defaults {
		served = append(served, tool.Info().Name)
	}
	if !slices.Equal(listed, served) {
		t.Errorf("mcpb/manifest.json lists tools %v; the bundle serves %v; run: go generate ./...", listed, served)
	}
}
