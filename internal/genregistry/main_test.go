package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/internal/toolgen"
)

// TestRunWritesTheRegistry: a run writes the registry of a package whose
// registry names a spec that no longer exists (so the package does not
// build), and -check passes after it.
func TestRunWritesTheRegistry(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"spec.go":            "package tools\n\ntype Spec[In, Out any] struct{}\ntype Tool interface{}\n\nvar Kept = Spec[int, int]{}\n",
		toolgen.RegistryFile: "package tools\n\nfunc specs() []Tool { return []Tool{Kept, Deleted} }\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := run(dir, true); err == nil || !strings.Contains(err.Error(), "go generate ./...") {
		t.Errorf("-check on a stale registry: %v", err)
	}
	if err := run(dir, false); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, toolgen.RegistryFile))
	if !strings.Contains(string(got), "\t\tKept,\n") || strings.Contains(string(got), "Deleted") {
		t.Errorf("registry:\n%s", got)
	}
	if err := run(dir, true); err != nil {
		t.Errorf("-check after a run: %v", err)
	}
}
