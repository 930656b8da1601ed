package tools_test

// Tests that iterate the registry: every tool tools.All() returns gets them,
// with no tool named here. A new Spec value is covered as soon as
// `go generate ./...` has registered it.

import (
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/internal/toolgen"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// TestRegistryIsCurrent: zz_generated_registry.go lists exactly the Spec
// values of this package's source.
func TestRegistryIsCurrent(t *testing.T) {
	if err := toolgen.RegistryIsCurrent("."); err != nil {
		t.Error(err)
	}
}

// documentedOperations reads the operations of Lofty's OpenAPI document as
// the repository keeps it: "METHOD /path" -> deprecated.
func documentedOperations(t *testing.T) map[string]bool {
	t.Helper()
	raw, err := os.ReadFile("../lofty/testdata/lofty-openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Deprecated bool `json:"deprecated"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	ops := map[string]bool{}
	for path, methods := range doc.Paths {
		for method, op := range methods {
			ops[strings.ToUpper(method)+" "+path] = op.Deprecated
		}
	}
	return ops
}

// TestSpecsAreWellFormed: each spec is named, titled, described, in a known
// toolset, names the documented Lofty operations it calls, and has example
// arguments when it needs any; each toolset has tools.
func TestSpecsAreWellFormed(t *testing.T) {
	toolsets := map[string]int{}
	var known []string
	for _, ts := range tools.Toolsets() {
		toolsets[ts.Name] = 0
		known = append(known, ts.Name)
		if ts.Description == "" {
			t.Errorf("toolset %s has no description", ts.Name)
		}
		if ts.Default && ts.Named {
			t.Errorf("toolset %s is both served by default and only when named", ts.Name)
		}
	}
	documented := documentedOperations(t)
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	seen := map[string]bool{}
	for _, tool := range tools.All() {
		info := tool.Info()
		if !snake.MatchString(info.Name) || len(info.Name) > 64 {
			t.Errorf("tool name %q: want snake_case, at most 64 characters", info.Name)
		}
		if seen[info.Name] {
			t.Errorf("tool %s declared twice", info.Name)
		}
		seen[info.Name] = true
		if info.Title == "" || info.Description == "" {
			t.Errorf("%s: no title or description", info.Name)
		}
		if _, ok := toolsets[info.Toolset]; !ok {
			t.Errorf("%s names toolset %q, which is not in tools.Toolsets() (%s); add it there or fix the spec",
				info.Name, info.Toolset, strings.Join(known, ", "))
		}
		toolsets[info.Toolset]++
		if len(info.Upstream) == 0 {
			t.Errorf("%s names no Lofty operation it calls (Upstream)", info.Name)
		}
		writes := false
		for _, op := range info.Upstream {
			deprecated, ok := documented[op]
			switch {
			case !ok:
				t.Errorf("%s: upstream %q is not an operation of Lofty's OpenAPI document (\"METHOD /path\" as documented)", info.Name, op)
			case deprecated:
				t.Errorf("%s: upstream %q is deprecated by Lofty", info.Name, op)
			}
			writes = writes || !strings.HasPrefix(op, http.MethodGet+" ")
		}
		if info.Effect.Writes && !writes {
			t.Errorf("%s: a write whose operations are all GETs: %v", info.Name, info.Upstream)
		}
		if !info.Effect.Writes && (info.Effect.Destructive || info.Effect.Idempotent) {
			t.Errorf("%s: a read with write effects %+v", info.Name, info.Effect)
		}
		if _, ok := tools.Uncovered[""]; ok {
			t.Error("tools.Uncovered has an empty operation")
		}
		var example map[string]any
		if err := json.Unmarshal([]byte(info.Example), &example); err != nil || example == nil {
			t.Errorf("%s: example %q is not a JSON object", info.Name, info.Example)
		}
		built, err := tool.Build(nil)
		if err != nil {
			t.Errorf("%s: %v", info.Name, err)
			continue
		}
		var in struct {
			Required []string `json:"required"`
		}
		if err := json.Unmarshal(built.InputSchema, &in); err != nil {
			t.Fatal(err)
		}
		for _, arg := range in.Required {
			if _, ok := example[arg]; !ok {
				t.Errorf("%s: example %s lacks required argument %q; set Example in its spec", info.Name, info.Example, arg)
			}
		}
		if _, err := built.Prepare(json.RawMessage(info.Example)); err != nil {
			t.Errorf("%s: its own example is refused: %v", info.Name, err)
		}
	}
	for name, n := range toolsets {
		if n == 0 {
			t.Errorf("toolset %s has no tools", name)
		}
	}
	for op, why := range tools.Uncovered {
		if _, ok := documented[op]; !ok {
			t.Errorf("tools.Uncovered names %q, which is not a documented operation", op)
		}
		if strings.TrimSpace(why) == "" {
			t.Errorf("tools.Uncovered gives no reason for %s", op)
		}
		for _, tool := range tools.All() {
			if slices.Contains(tool.Info().Upstream, op) {
				t.Errorf("tools.Uncovered names %s, which %s calls", op, tool.Info().Name)
			}
		}
	}
	// Every documented operation is called by a tool or left out for a
	// reason README's coverage table gives: none is merely not done yet.
	called := map[string]bool{}
	for _, tool := range tools.All() {
		for _, op := range tool.Info().Upstream {
			called[op] = true
		}
	}
	for op := range documented {
		if _, why := tools.Uncovered[op]; !called[op] && !why {
			t.Errorf("%s: no tool calls it and tools.Uncovered gives no reason", op)
		}
	}
}
