package tools_test

import (
	"os"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

// TestReadmeToolSectionIsCurrent fails when README.md's tool section is not
// what the code generates. Fix: go generate ./tools
func TestReadmeToolSectionIsCurrent(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	got, ok := tools.DocsSection(readme)
	if !ok {
		t.Fatalf("README.md has no %s ... %s section", tools.DocsStart, tools.DocsEnd)
	}
	want, err := tools.Docs()
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("README.md's tool section is stale; run: go generate ./tools\n--- README.md\n%s\n--- generated\n%s", got, want)
	}
}

func TestDocsListEveryToolAndArgument(t *testing.T) {
	docs, err := tools.Docs()
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range tools.All() {
		info := tl.Info()
		if !strings.Contains(docs, "| `"+info.Name+"` | "+info.Toolset+" | `"+info.Upstream+"` |") {
			t.Errorf("docs lack the row of %s", info.Name)
		}
	}
	for _, want := range []string{
		"`leadId` (integer ≥ 1, required): Lead ID",
		"`limit` (integer 1–100, default 10): Page size",
		"`aiStage` (one of HIGH_PRIORITY, AI_PROSPECTING, AI_MONITORING)",
		"| `leads` | yes |",
		tools.SalesAgentResourceTemplate,
	} {
		if !strings.Contains(docs, want) {
			t.Errorf("docs lack %q", want)
		}
	}
}

func TestReplaceDocs(t *testing.T) {
	in := "# x\n\n" + tools.DocsStart + "\nold\n" + tools.DocsEnd + "\n\nrest\n"
	out, err := tools.ReplaceDocs([]byte(in), "new\n")
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "# x\n\n"+tools.DocsStart+"\nnew\n"+tools.DocsEnd+"\n\nrest\n" {
		t.Errorf("replaced:\n%s", out)
	}
	if sec, ok := tools.DocsSection(out); !ok || sec != "new\n" {
		t.Errorf("section %q %v", sec, ok)
	}
	if _, err := tools.ReplaceDocs([]byte("no markers"), "x"); err == nil {
		t.Error("a README without markers was accepted")
	}
}
