package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/internal/toolgen"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// TestRunWritesAndChecks: on a copy of the repository's README and manifest
// with no snapshots and one orphan, -check names the stale files and the
// command; a run writes them all and removes the orphan; then -check passes.
func TestRunWritesAndChecks(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{readmeFile, manifestFile, documentFile} {
		b, err := os.ReadFile(filepath.Join("..", "..", f))
		if err != nil {
			t.Fatal(err)
		}
		if f == manifestFile { // a manifest whose tools list is out of date
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
	snaps := filepath.Join(root, filepath.FromSlash(toolgen.SnapshotDir))
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
	for _, want := range []string{manifestFile, toolgen.SnapshotDir + "/find_leads.json", "removed_tool.json", "run go generate ./..."} {
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

// TestGeneratedFilesAreCurrent: README's tool and coverage sections, the
// bundle manifest's tool list and the tools/list snapshots are what the
// specs give.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	_, stale, extra, err := generatedDiff(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range stale {
		t.Errorf("%s is stale or missing; run: go generate ./...", path)
	}
	for _, path := range extra {
		t.Errorf("%s is the snapshot of no tool; run: go generate ./...", path)
	}
}
