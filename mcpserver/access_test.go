package mcpserver_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// TestCatalogScopes: every tool needs exactly the scope of what it does
// (lofty:read to read, lofty:write to change; the messages and admin
// toolsets their own), from its spec, with no tool named here.
func TestCatalogScopes(t *testing.T) {
	all := tools.All()
	c := mcpserver.NewCatalog(all)
	for _, tool := range all {
		info := tool.Info()
		need, ok := c.Needs(info.Name)
		if !ok {
			t.Errorf("%s is not in the catalog", info.Name)
			continue
		}
		want := access.Read
		switch {
		case info.Toolset == "messages":
			want = access.Messages
		case info.Toolset == "admin":
			want = access.Admin
		case info.Effect.Writes:
			want = access.Write
		}
		if need&want == 0 {
			t.Errorf("%s (toolset %s, writes %v) needs %v, which lacks %v", info.Name, info.Toolset, info.Effect.Writes, need, want)
		}
		if info.AlsoToolset == "admin" && !need.Has(access.Admin|access.Write) {
			t.Errorf("%s is in deletes and admin: it needs lofty:write and lofty:admin, not %v", info.Name, need)
		}
		if info.Effect.Writes && need.Has(access.Read) {
			t.Errorf("%s writes, yet lofty:read is enough for it (%v)", info.Name, need)
		}
	}
	var served []string
	for _, ts := range tools.Toolsets() {
		served = append(served, ts.Name)
	}
	if got := c.Toolsets(); !slices.Equal(got, served) {
		t.Errorf("catalog toolsets %q, want every toolset that has a tool, in order: %q", got, served)
	}
}

// rpc sends one JSON-RPC message to s in ctx and returns its result or error.
func rpc(t *testing.T, ctx context.Context, h *server.MCPServer, msg string) (result json.RawMessage, errMsg string) {
	t.Helper()
	raw, err := json.Marshal(h.HandleMessage(ctx, json.RawMessage(msg)))
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	if env.Error != nil {
		return nil, env.Error.Message
	}
	return env.Result, ""
}

// TestAccessFilter: a request carrying an access.Request lists, and finds
// to call, only the tools its selection serves and its scopes allow; one
// without sees every tool served.
func TestAccessFilter(t *testing.T) {
	s, err := mcpserver.NewServer(nil, mcpserver.Options{Toolsets: []string{"all"}, ToolsPerRequest: true})
	if err != nil {
		t.Fatal(err)
	}
	names := func(ctx context.Context) []string {
		res, e := rpc(t, ctx, s, `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}`)
		if e != "" {
			t.Fatal(e)
		}
		var list struct {
			Tools []struct {
				Name        string `json:"name"`
				Annotations struct {
					ReadOnly *bool `json:"readOnlyHint"`
				} `json:"annotations"`
			} `json:"tools"`
		}
		json.Unmarshal(res, &list)
		var out []string
		for _, tl := range list.Tools {
			out = append(out, tl.Name)
			if ctx != context.Background() {
				if r, _ := access.From(ctx); !r.Granted.Has(access.Write) && tl.Annotations.ReadOnly != nil && !*tl.Annotations.ReadOnly {
					t.Errorf("a read-only grant lists %s, which writes", tl.Name)
				}
			}
		}
		return out
	}
	everything := names(context.Background())
	readOnly := access.With(context.Background(), access.Request{Granted: access.Read})
	reads := names(readOnly)
	if len(reads) == 0 || len(reads) >= len(everything) {
		t.Fatalf("a read-only grant lists %d of %d tools", len(reads), len(everything))
	}
	leads := access.With(context.Background(), access.Request{Granted: access.AllScopes, Selection: access.Selection{Toolsets: []string{"leads"}}})
	if got := names(leads); !slices.Equal(got, []string{"find_leads", "get_lead", "get_lead_timeline"}) {
		t.Errorf("the leads selection lists %q", got)
	}
	// Calling a tool outside the selection or the scopes finds no tool.
	_, e := rpc(t, readOnly, s, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add_lead_note","arguments":{"leadId":1,"content":"x"}}}`)
	if !strings.Contains(e, "not found") {
		t.Errorf("a read-only grant calling add_lead_note: %q", e)
	}
	_, e = rpc(t, leads, s, `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_current_sales_agent","arguments":{}}}`)
	if !strings.Contains(e, "not found") {
		t.Errorf("the leads selection calling a sales agent tool: %q", e)
	}
	// Over HTTP the list is one authorization's: its 2026-07-28 cache hint is private.
	res, _ := rpc(t, context.Background(), s, `{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{`+modernMeta+`}}`)
	if !strings.Contains(string(res), `"cacheScope":"private"`) {
		t.Errorf("tools/list over HTTP does not say cacheScope private: %.300s", res)
	}
}
