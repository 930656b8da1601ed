package e2e

import (
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// npxConfig pairs a client's `npx -y lofty-mcp` configuration with its
// installed-binary twin.
type npxConfig struct {
	client, npx, installed string
	load                   func(t *testing.T, rel string) stdioServer
}

var npxConfigs = []npxConfig{
	{"Claude Desktop", "configs/claude-desktop-npx.json", "mcp.json", loadMCPServersStdio},
	{"Cursor", "configs/cursor-npx.json", "configs/cursor.json", loadMCPServersStdio},
	{"VS Code", "configs/vscode-npx.json", "configs/vscode.json", func(t *testing.T, rel string) stdioServer {
		return loadVSCode(t, rel, nil)
	}},
	{"Claude Code", "configs/claude-code-npx.sh", "configs/claude-code.sh", loadClaudeCodeStdio},
}

func loadClaudeCodeStdio(t *testing.T, rel string) stdioServer {
	t.Helper()
	add := runClaudeLine(t, rel, nil)
	if add.transport != "stdio" || add.scope != "user" {
		t.Fatalf("%s: transport %q scope %q, want stdio and user", rel, add.transport, add.scope)
	}
	return stdioServer{Command: add.target, Args: add.args, Env: add.env}
}

// Each npx configuration runs `npx -y lofty-mcp` and is otherwise its
// installed-binary twin (same credential variable, same secret handling).
// `go test -tags npmpack ./configs/` (scripts/check-ship npm) starts them.
func TestNpxConfigs(t *testing.T) {
	for _, c := range npxConfigs {
		t.Run(c.client, func(t *testing.T) {
			npx, inst := c.load(t, c.npx), c.load(t, c.installed)
			if npx.Command != "npx" || !slices.Equal(npx.Args, []string{"-y", "lofty-mcp"}) {
				t.Errorf("%s: command %q args %q, want npx [-y lofty-mcp]", c.npx, npx.Command, npx.Args)
			}
			wantInstalledCommand(t, inst)
			if !maps.Equal(npx.Env, inst.Env) {
				t.Errorf("%s sets env %v, %s sets %v: keep them the same", c.npx, npx.Env, c.installed, inst.Env)
			}
			wantEnvKey(t, npx, "LOFTY_API_KEY")
		})
	}
}

// serverJSONPackage is one entry of server.json's "packages".
type serverJSONPackage struct {
	RegistryType         string `json:"registryType"`
	RegistryBaseURL      string `json:"registryBaseUrl"`
	Identifier           string `json:"identifier"`
	Version              string `json:"version"`
	RuntimeHint          string `json:"runtimeHint"`
	Transport            struct{ Type string }
	EnvironmentVariables []struct {
		Name     string   `json:"name"`
		IsSecret bool     `json:"isSecret"`
		Default  string   `json:"default"`
		Choices  []string `json:"choices"`
	} `json:"environmentVariables"`
}

// server.json's npm entry names the package scripts/npm-pack publishes, at
// the release's version, and lists exactly the environment variables the
// stdio server reads (as `lofty-mcp --help` lists them; the http-only ones
// are left out), the two credentials as secrets, with the defaults the
// binary has.
func TestServerJSONNpmPackage(t *testing.T) {
	var sj struct {
		Name     string              `json:"name"`
		Version  string              `json:"version"`
		Packages []serverJSONPackage `json:"packages"`
	}
	data, err := os.ReadFile(filepath.Join(repoRoot, "server.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &sj); err != nil {
		t.Fatal(err)
	}
	var pkg *serverJSONPackage
	for i := range sj.Packages {
		if sj.Packages[i].RegistryType == "npm" {
			if pkg != nil {
				t.Fatal("server.json has two npm packages")
			}
			pkg = &sj.Packages[i]
		}
	}
	if pkg == nil {
		t.Fatal("server.json has no npm package")
	}
	var launcher struct {
		Name    string `json:"name"`
		MCPName string `json:"mcpName"`
	}
	data, err = os.ReadFile(filepath.Join(repoRoot, "npm", "lofty-mcp", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &launcher); err != nil {
		t.Fatal(err)
	}
	if pkg.Identifier != launcher.Name || pkg.Version != sj.Version || pkg.Transport.Type != "stdio" ||
		pkg.RuntimeHint != "npx" || pkg.RegistryBaseURL != "https://registry.npmjs.org" {
		t.Errorf("server.json npm package %+v: want %s@%s (server.json's version), stdio, runtimeHint npx, registry.npmjs.org", pkg, launcher.Name, sj.Version)
	}
	if launcher.MCPName != sj.Name {
		t.Errorf("npm/lofty-mcp/package.json mcpName %q, server.json name %q: the MCP registry checks they match", launcher.MCPName, sj.Name)
	}

	envs, defaults := helpEnvironment(t)
	var listed []string
	for _, e := range pkg.EnvironmentVariables {
		listed = append(listed, e.Name)
		secret := e.Name == "LOFTY_API_KEY" || e.Name == "LOFTY_ACCESS_TOKEN"
		if e.IsSecret != secret {
			t.Errorf("server.json %s isSecret %v, want %v", e.Name, e.IsSecret, secret)
		}
		if e.Default != "" {
			if got, ok := defaults[e.Name]; !ok || got != e.Default {
				t.Errorf("server.json %s default %q; lofty-mcp --help says %q", e.Name, e.Default, got)
			}
		}
		if len(e.Choices) > 0 && e.Default != "" && !slices.Contains(e.Choices, e.Default) {
			t.Errorf("server.json %s default %q is not one of its choices %v", e.Name, e.Default, e.Choices)
		}
	}
	sort.Strings(listed)
	if !slices.Equal(listed, envs) {
		t.Errorf("server.json lists environment variables %v;\nlofty-mcp --help lists %v for the stdio server", listed, envs)
	}
}

var (
	envName     = regexp.MustCompile(`\bLOFTY_[A-Z0-9_]+\b`)
	flagLine    = regexp.MustCompile(`^  --([a-z0-9-]+)`)
	usageEnv    = regexp.MustCompile(`\(env (LOFTY_[A-Z0-9_]+)\)`)
	usageDflt   = regexp.MustCompile(`\(default "?([^")]*)"?\)\s*$`)
	envDefault  = regexp.MustCompile(`^  (LOFTY_[A-Z0-9_]+)\s.*\(default ([^)]*)\)`)
	envFlagDflt = regexp.MustCompile(`^  (LOFTY_[A-Z0-9_]+)\s+default for --([a-z0-9-]+)\s*$`)
)

// helpEnvironment reads `lofty-mcp --help`: the environment variables the
// stdio server reads (those marked "(http)" are not), sorted, and the default
// of each that has one, from its own line or from the flag it sets.
func helpEnvironment(t *testing.T) (names []string, defaults map[string]string) {
	t.Helper()
	out, err := exec.Command(stdioBin(t), "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("lofty-mcp --help: %v\n%s", err, out)
	}
	help := string(out)
	flagsPart, envPart, ok := strings.Cut(help, "\nEnvironment:\n")
	if !ok {
		t.Fatalf("lofty-mcp --help has no Environment section:\n%s", help)
	}
	flagDefaults := map[string]string{}
	defaults = map[string]string{}
	var flag string
	for _, line := range strings.Split(flagsPart, "\n") {
		if m := flagLine.FindStringSubmatch(line); m != nil {
			flag = m[1]
			continue
		}
		if flag == "" || !strings.HasPrefix(line, "        ") {
			continue
		}
		d := usageDflt.FindStringSubmatch(line)
		if d != nil {
			flagDefaults[flag] = d[1]
		}
		if e := usageEnv.FindStringSubmatch(line); e != nil && d != nil {
			defaults[e[1]] = d[1]
		}
	}
	// A developer's profiling switch, not a setting a registry user configures.
	seen := map[string]bool{"LOFTY_MCP_CPUPROFILE": true}
	for _, line := range strings.Split(envPart, "\n") {
		found := envName.FindAllString(line, -1)
		if strings.Contains(line, "(http)") {
			continue
		}
		for _, n := range found {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
		if m := envDefault.FindStringSubmatch(line); m != nil {
			defaults[m[1]] = m[2]
		}
		if m := envFlagDflt.FindStringSubmatch(line); m != nil {
			if d, ok := flagDefaults[m[2]]; ok {
				defaults[m[1]] = d
			}
		}
	}
	if len(names) == 0 {
		t.Fatalf("no environment variables found in lofty-mcp --help:\n%s", help)
	}
	sort.Strings(names)
	return names, defaults
}
