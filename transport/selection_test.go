package transport

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
)

// selectionEnv serves the test tools as two toolsets — "a" with agent (a
// read), "b" with slow (a write) — with the tool filter mcpserver adds.
func selectionEnv(t *testing.T) *env {
	cat := access.NewCatalog([]access.Toolset{{Name: "a"}, {Name: "b"}, {Name: "c"}}, []access.Tool{
		{Name: "agent", Toolsets: []string{"a"}, Needs: access.Read},
		{Name: "slow", Toolsets: []string{"b"}, Writes: true, Needs: access.Write},
	})
	filter := server.WithToolFilter(func(ctx context.Context, ts []mcp.Tool) []mcp.Tool {
		r, ok := access.From(ctx)
		if !ok {
			return ts
		}
		var out []mcp.Tool
		for _, tl := range ts {
			if cat.Allows(r, tl.Name) {
				out = append(out, tl)
			}
		}
		return out
	})
	return startWith(t, Config{Catalog: cat}, filter)
}

// listed returns the tool names a stateless tools/list at path lists, or
// the HTTP status and body of a refusal.
func (e *env) listed(path string, hdr map[string]string) ([]string, int, string) {
	e.t.Helper()
	h := map[string]string{"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/list"}
	for k, v := range hdr {
		h[k] = v
	}
	resp := e.do("POST", path, `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{`+
		`"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}`, h)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return nil, resp.StatusCode, string(body)
	}
	var env struct {
		Result struct {
			Tools []struct{ Name string } `json:"tools"`
		} `json:"result"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		e.t.Fatalf("%s: %v: %s", path, err, body)
	}
	var names []string
	for _, tl := range env.Result.Tools {
		names = append(names, tl.Name)
	}
	return names, 200, ""
}

// TestSelectionByURLAndHeaders: /mcp/x/TOOLSETS[/readonly], /mcp/readonly
// and the X-MCP-Toolsets and X-MCP-Readonly headers narrow what is
// listed; a toolset the server does not serve is refused, naming those it
// does; nothing widens past the server's own tools.
func TestSelectionByURLAndHeaders(t *testing.T) {
	e := selectionEnv(t)
	for _, tc := range []struct {
		path string
		hdr  map[string]string
		want string // tools listed, or the status and part of the refusal
	}{
		{"/mcp", nil, "agent,slow"},
		{"/mcp/readonly", nil, "agent"},
		{"/mcp/x/a", nil, "agent"},
		{"/mcp/x/b", nil, "slow"},
		{"/mcp/x/b/readonly", nil, ""},
		{"/mcp/x/a,b", nil, "agent,slow"},
		{"/mcp/x/all", nil, "agent,slow"},
		{"/mcp", map[string]string{HeaderToolsets: "b"}, "slow"},
		{"/mcp", map[string]string{HeaderReadOnly: "true"}, "agent"},
		{"/mcp/x/a,b", map[string]string{HeaderToolsets: "b", HeaderReadOnly: "1"}, ""},
		// The server's flags are the ceiling.
		{"/mcp/x/a,tasks", nil, "404 does not serve the toolset tasks; it serves a, b"},
		{"/mcp/x/c", nil, "404 does not serve the toolset c"}, // no tool served in it
		{"/mcp", map[string]string{HeaderToolsets: "deals"}, "400 X-MCP-Toolsets"},
		{"/mcp/x/a", map[string]string{HeaderToolsets: "b"}, "400 name none of the toolsets the URL selects"},
		{"/mcp", map[string]string{HeaderReadOnly: "maybe"}, "400 X-MCP-Readonly"},
		{"/mcp/x/a/", nil, "404 /mcp/x/TOOLSETS/readonly"},
		{"/mcp/other", nil, "404 not an MCP endpoint"},
	} {
		names, status, body := e.listed(tc.path, tc.hdr)
		if status == 200 {
			if got := strings.Join(names, ","); got != tc.want {
				t.Errorf("%s %v lists %q, want %q", tc.path, tc.hdr, got, tc.want)
			}
			continue
		}
		code, part, _ := strings.Cut(tc.want, " ")
		if code != strconv.Itoa(status) || !strings.Contains(body, part) {
			t.Errorf("%s %v: HTTP %d %s, want %s %q", tc.path, tc.hdr, status, body, code, part)
		}
	}
	// Calling a tool outside the selection finds no such tool.
	resp := e.do("POST", "/mcp/readonly", `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"slow","arguments":{},`+
		`"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}`,
		map[string]string{"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "slow"})
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), "not found") {
		t.Errorf("calling slow at /mcp/readonly: HTTP %d %s", resp.StatusCode, body)
	}
}

// TestSessionKeepsItsSelection: a session opened under a selection is
// unknown under any other URL or headers, so it keeps what it was opened
// with.
func TestSessionKeepsItsSelection(t *testing.T) {
	e := selectionEnv(t)
	legacy := map[string]string{"MCP-Protocol-Version": "2025-11-25"}
	id := e.do("POST", "/mcp/x/a/readonly", initBody, legacy).Header.Get("Mcp-Session-Id")
	if id == "" {
		t.Fatal("no session from initialize at /mcp/x/a/readonly")
	}
	ping := `{"jsonrpc":"2.0","id":2,"method":"ping"}`
	with := func(extra map[string]string) map[string]string {
		h := map[string]string{"MCP-Protocol-Version": "2025-11-25", "Mcp-Session-Id": id}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	for _, other := range []struct {
		path string
		hdr  map[string]string
	}{
		{"/mcp", nil},
		{"/mcp/x/a", nil},
		{"/mcp/x/a,b/readonly", nil},
		{"/mcp", map[string]string{HeaderToolsets: "a", HeaderReadOnly: "false"}},
	} {
		if code := e.do("POST", other.path, ping, with(other.hdr)).StatusCode; code != 404 {
			t.Errorf("the session of /mcp/x/a/readonly at %s %v: HTTP %d, want 404", other.path, other.hdr, code)
		}
	}
	// The same selection by headers is the same selection.
	if code := e.do("POST", "/mcp", ping, with(map[string]string{HeaderToolsets: "a", HeaderReadOnly: "true"})).StatusCode; code != 200 {
		t.Errorf("the same selection by headers: HTTP %d", code)
	}
	if code := e.do("POST", "/mcp/x/a/readonly", ping, with(nil)).StatusCode; code != 200 {
		t.Errorf("the session at its own URL: HTTP %d", code)
	}
}

// TestNoCatalogNoSelection: a transport built without a catalog serves
// /mcp only, and refuses the selection headers rather than ignore them.
func TestNoCatalogNoSelection(t *testing.T) {
	e := start(t, Config{})
	if _, status, body := e.listed("/mcp/x/a", nil); status != 404 || !strings.Contains(body, "does not narrow") {
		t.Errorf("/mcp/x/a without a catalog: HTTP %d %s", status, body)
	}
	if _, status, body := e.listed("/mcp", map[string]string{HeaderReadOnly: "true"}); status != 400 || !strings.Contains(body, "does not narrow") {
		t.Errorf("X-MCP-Readonly without a catalog: HTTP %d %s", status, body)
	}
	if names, status, _ := e.listed("/mcp", nil); status != 200 || len(names) != 2 {
		t.Errorf("/mcp without a catalog: HTTP %d %q", status, names)
	}
}
