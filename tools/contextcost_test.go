package tools_test

import (
	"encoding/json"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

// maxDefaultToolsList is the most bytes the default toolsets' tools/list
// result may take: every conversation pays for it (issue 16).
const maxDefaultToolsList = 12288

// TestDefaultToolsListFits measures the default tools/list result, exactly
// as it is sent, against its budget, and logs each tool's share.
func TestDefaultToolsListFits(t *testing.T) {
	served, err := tools.Select(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := tools.ToolsListResult(served)
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
		t.Logf("%-26s %5d bytes", named.Name, len(tl))
	}
	t.Logf("default tools/list: %d bytes for %d tools (budget %d, headroom %d)", len(raw), len(list.Tools), maxDefaultToolsList, maxDefaultToolsList-len(raw))
	if len(raw) > maxDefaultToolsList {
		t.Errorf("the default tools/list is %d bytes, over its budget of %d", len(raw), maxDefaultToolsList)
	}
}
