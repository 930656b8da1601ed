package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

// TestRunWritesAndChecks: on a copy of the repository's README and manifest
// with no snapshots and one orphan, -check names the stale files and the
// command; a run writes them all and removes the orphan; then -check passes.
func TestRunWritesAndChecks(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{tools.ReadmeFile, tools.ManifestFile} {
		b, err := os.ReadFile(filepath.Join("..", "..", f))
		if err != nil {
			t.Fatal(err)
		}
		if f == tools.ManifestFile { // a manifest whose tools list is out of date
			b = []byte(strings.Replace(string(b), `"name": "find_leads"`, `"name": "find_lead"`, 1))
		}
		dst := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	snaps := filepath.Join(root, filepath.FromSlash(tools.SnapshotDir))
	if err := os.MkdirAll(snaps, 0o755); err != nil {
		t.Fatal(err)
	}
	orphan := filepath.Join(snaps, "removed_tool.json")
	if err := os.WriteFile(orphan, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	err := run(root, true)
	if err == nil {
		t.Fatal("-check passed on stale files")
	}
	for _, want := range []string{tools.ManifestFile, tools.SnapshotDir + "/find_leads.json", "removed_tool.json", "run go generate ./..."} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("-check error %q lacks %q", err, want)
		}
	}
	if err := run(root, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("the orphan snapshot is still there: %v", err)
	}
	for _, tool := range tools.All() {
		if _, err := os.Stat(filepath.Join(snaps, tool.Info().Name+".json")); err != nil {
			t.Errorf("no snapshot of %s: %v", tool.Info().Name, err)
		}
	}
	if err := run(root, true); err != nil {
		t.Errorf("-check after a run: %v", err)
	}
}
