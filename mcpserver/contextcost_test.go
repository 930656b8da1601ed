package mcpserver_test

import (
	"encoding/json"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// Budgets of the tools/list result, exactly as it is sent: a client reads
// it, and a model pays for it in every conversation.
const (
	// maxDefaultToolsList bounds the default toolsets' result.
	maxDefaultToolsList = 16384
	// maxToolsetToolsList bounds any one toolset's result on its own.
	maxToolsetToolsList = 8192
	// maxEveryToolsList bounds the result with every toolset named: every
	// tool lofty-mcp has, covering every operation it calls.
	maxEveryToolsList = 45000
)

// toolsListBytes measures the tools/list result of a server serving ts, and
// logs each tool's share.
func toolsListBytes(t *testing.T, name string, ts []tools.Tool) int {
	t.Helper()
	raw, err := mcpserver.ToolsListResult(ts)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Tools []json.RawMessage `json:"tools"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	for _, tl := range list.Tools {
		var named struct {
			Name string `json:"name"`
		}
		_ = json.Unmarshal(tl, &named)
		t.Logf("%s: %-30s %5d bytes", name, named.Name, len(tl))
	}
	return len(raw)
}

// TestToolsListBudgets holds each budget: the default toolsets, each
// toolset alone, and every toolset together.
func TestToolsListBudgets(t *testing.T) {
	check := func(name string, ts []tools.Tool, budget int) {
		t.Helper()
		n := toolsListBytes(t, name, ts)
		t.Logf("%s: %d bytes for %d tools (budget %d, headroom %d)", name, n, len(ts), budget, budget-n)
		if n > budget {
			t.Errorf("%s: tools/list is %d bytes, over its budget of %d", name, n, budget)
		}
	}
	def, err := tools.Select(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	check("default toolsets", def, maxDefaultToolsList)
	for _, ts := range tools.Toolsets() {
		var members []tools.Tool
		for _, tl := range tools.All() {
			if tl.Info().Toolset == ts.Name {
				members = append(members, tl)
			}
		}
		check("toolset "+ts.Name, members, maxToolsetToolsList)
	}
	check("every toolset", tools.All(), maxEveryToolsList)
}
