// Package golden reads the tools/list golden result from the tool snapshots.
// It is apart from testutil so that testutil does not depend on tools.
package golden

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/internal/toolgen"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// ToolsList is the tools/list result of the default toolsets, as
// their snapshots (tools/testdata/snapshots under the module root) say it.
func ToolsList(t testing.TB) []byte {
	t.Helper()
	root, err := testutil.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	served, err := tools.Select(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range served {
		names = append(names, tool.Info().Name)
	}
	slices.Sort(names) // tools/list order
	golden, err := toolgen.ReadToolsList(filepath.Join(root, filepath.FromSlash(toolgen.SnapshotDir)), names)
	if err != nil {
		t.Fatal(err)
	}
	return golden
}

// FirstDifference names the first line where got differs from want.
func FirstDifference(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n\twant: %s\n\tgot:  %s", i+1, w, g)
		}
	}
	return "(no line differs)"
}
