// Package e2e holds lofty-mcp's end-to-end tests: the real binary (built
// once, internal/testutil.Binary) started as MCP clients start it — over
// stdio, as `lofty-mcp http`, through the client configurations in
// configs/, through npm's launcher (build tag npmpack), replicas behind a
// proxy — and driven by real MCP clients against the fake Lofty on loopback.
//
//	go test -race ./e2e/
package e2e

import (
	"fmt"
	"os"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
)

// repoRoot is the module root: configs/, mcpb/ and the rest are read from it.
var repoRoot string

func TestMain(m *testing.M) {
	root, err := testutil.RepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	repoRoot = root
	code := m.Run()
	testutil.RemoveBinary()
	os.Exit(code)
}
