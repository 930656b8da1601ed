package access

import (
	"slices"
	"strings"
	"testing"
)

func TestParseScopes(t *testing.T) {
	for _, tc := range []struct {
		in      string
		known   Scopes
		unknown []string
	}{
		{"", 0, nil},
		{"lofty:read", Read, nil},
		{"lofty:write  lofty:read offline_access", Read | Write, []string{"offline_access"}},
		{"lofty:messages lofty:admin lofty:admin", Messages | Admin, nil},
		{"LOFTY:READ", 0, []string{"LOFTY:READ"}},
	} {
		known, unknown := ParseScopes(tc.in)
		if known != tc.known || !slices.Equal(unknown, tc.unknown) {
			t.Errorf("ParseScopes(%q) = %v %q, want %v %q", tc.in, known, unknown, tc.known, tc.unknown)
		}
	}
	if got := (Admin | Read | Messages).String(); got != "lofty:read lofty:messages lofty:admin" {
		t.Errorf("String = %q", got)
	}
	if got := SupportedScopes(); !slices.Equal(got, []string{"lofty:read", "lofty:write", "lofty:messages", "lofty:admin"}) {
		t.Errorf("SupportedScopes = %q", got)
	}
	if !(Read | Write).Has(Write) || Read.Has(Read|Write) || !AllScopes.Has(LegacyScopes) {
		t.Error("Has is wrong")
	}
	// A long list keeps a bounded number of unknown names.
	_, unknown := ParseScopes(strings.Repeat("x ", 1000))
	if len(unknown) > 16 {
		t.Errorf("%d unknown names kept", len(unknown))
	}
}

func TestParsePath(t *testing.T) {
	for _, tc := range []struct {
		path    string
		ok      bool
		want    Selection
		errPart string
	}{
		{"/mcp", true, Selection{}, ""},
		{"/mcp/readonly", true, Selection{ReadOnly: true}, ""},
		{"/mcp/x/leads", true, Selection{Toolsets: []string{"leads"}}, ""},
		{"/mcp/x/leads,tasks/readonly", true, Selection{Toolsets: []string{"leads", "tasks"}, ReadOnly: true}, ""},
		{"/mcp/x/Leads,,leads, tasks", true, Selection{Toolsets: []string{"leads", "tasks"}}, ""},
		{"/mcp/x/", true, Selection{}, "no toolset is named"},
		{"/mcp/x/leads/", true, Selection{}, "not an MCP endpoint"},
		{"/mcp/x/leads/readonly/more", true, Selection{}, "not an MCP endpoint"},
		{"/mcp/x/lea ds", true, Selection{}, "not a toolset name"},
		{"/mcp/x/" + strings.Repeat("a,", 40) + "b", true, Selection{}, ""},
		{"/mcp/other", true, Selection{}, "not an MCP endpoint"},
		{"/mcpx", false, Selection{}, ""},
		{"/sse", false, Selection{}, ""},
	} {
		sel, ok, err := ParsePath(tc.path)
		if ok != tc.ok {
			t.Errorf("ParsePath(%q): ok %v", tc.path, ok)
			continue
		}
		if tc.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("ParsePath(%q): error %v, want one saying %q", tc.path, err, tc.errPart)
			}
			continue
		}
		if strings.Count(tc.path, ",") > 30 {
			continue // many repeats of one name: one toolset
		}
		if err != nil || !slices.Equal(sel.Toolsets, tc.want.Toolsets) || sel.ReadOnly != tc.want.ReadOnly {
			t.Errorf("ParsePath(%q) = %+v, %v; want %+v", tc.path, sel, err, tc.want)
		}
	}
	var names []string
	for i := range 40 {
		names = append(names, "t"+strings.Repeat("x", i))
	}
	if _, err := ParseToolsets(strings.Join(names, ",")); err == nil || !strings.Contains(err.Error(), "more than 32") {
		t.Errorf("40 toolsets: %v", err)
	}
	for _, v := range []string{"true", "1", "TRUE", " false ", "0"} {
		if _, err := ParseReadOnly(v); err != nil {
			t.Errorf("ParseReadOnly(%q): %v", v, err)
		}
	}
	if _, err := ParseReadOnly("yes"); err == nil || !strings.Contains(err.Error(), "true or false") {
		t.Errorf("ParseReadOnly(yes): %v", err)
	}
}

// testCatalog serves leads (reads), lead_actions (writes), a messages
// toolset that must be named, and a tool in two toolsets.
func testCatalog() *Catalog {
	return NewCatalog(
		[]Toolset{{Name: "leads"}, {Name: "lead_actions"}, {Name: "messages", Named: true}, {Name: "deletes", Named: true}, {Name: "admin", Named: true}, {Name: "unserved"}},
		[]Tool{
			{Name: "find_leads", Toolsets: []string{"leads"}, Needs: Read},
			{Name: "add_note", Toolsets: []string{"lead_actions"}, Writes: true, Needs: Write},
			{Name: "text_lead", Toolsets: []string{"messages"}, Writes: true, Needs: Messages},
			{Name: "delete_webhook", Toolsets: []string{"deletes", "admin"}, Writes: true, Needs: Write | Admin},
		})
}

func TestCatalog(t *testing.T) {
	c := testCatalog()
	if got := c.Toolsets(); !slices.Equal(got, []string{"leads", "lead_actions", "messages", "deletes", "admin"}) {
		t.Fatalf("Toolsets = %q (a toolset without a served tool is not served)", got)
	}
	// A URL or header narrows, never widens: an unserved toolset is an
	// error naming those served.
	_, err := c.Resolve(Selection{Toolsets: []string{"leads", "unserved", "tasks"}})
	if err == nil || !strings.Contains(err.Error(), "unserved, tasks") || !strings.Contains(err.Error(), "it serves leads, lead_actions, messages, deletes, admin") {
		t.Errorf("Resolve of unserved toolsets: %v", err)
	}
	// "all" is every toolset served but those that must be named.
	sel, err := c.Resolve(Selection{Toolsets: []string{"all"}})
	if err != nil || !slices.Equal(sel.Toolsets, []string{"leads", "lead_actions"}) {
		t.Errorf("all = %+v, %v", sel, err)
	}
	sel, _ = c.Resolve(Selection{Toolsets: []string{"all", "messages"}})
	for _, tc := range []struct {
		sel  Selection
		tool string
		want bool
	}{
		{Selection{}, "text_lead", true},
		{Selection{ReadOnly: true}, "add_note", false},
		{Selection{ReadOnly: true}, "find_leads", true},
		{sel, "text_lead", true},
		{sel, "delete_webhook", false},
		{Selection{Toolsets: []string{"deletes"}}, "delete_webhook", false}, // both of its toolsets
		{Selection{Toolsets: []string{"deletes", "admin"}}, "delete_webhook", true},
		{Selection{}, "no_such_tool", false},
	} {
		if got := c.Selects(tc.sel, tc.tool); got != tc.want {
			t.Errorf("Selects(%+v, %s) = %v", tc.sel, tc.tool, got)
		}
	}
	if got := c.ScopesFor(Selection{}); got != AllScopes {
		t.Errorf("ScopesFor(everything) = %v", got)
	}
	if got := c.ScopesFor(Selection{ReadOnly: true}); got != Read {
		t.Errorf("ScopesFor(read-only) = %v", got)
	}
	if got := c.ScopesFor(Selection{Toolsets: []string{"messages"}}); got != Read|Messages {
		t.Errorf("ScopesFor(messages) = %v", got)
	}
	readOnly := Request{Granted: Read}
	if !c.Allows(readOnly, "find_leads") || c.Allows(readOnly, "add_note") || !c.Allows(Request{Granted: Read | Write}, "add_note") {
		t.Error("Allows does not follow the scopes")
	}
}

func TestSelectionWithin(t *testing.T) {
	url := Selection{Toolsets: []string{"leads", "tasks"}}
	got, err := url.Within(Selection{Toolsets: []string{"tasks", "deals"}, ReadOnly: true})
	if err != nil || !slices.Equal(got.Toolsets, []string{"tasks"}) || !got.ReadOnly {
		t.Errorf("Within = %+v, %v", got, err)
	}
	if _, err := url.Within(Selection{Toolsets: []string{"deals"}}); err == nil {
		t.Error("disjoint toolsets: no error")
	}
	if got, _ := (Selection{}).Within(Selection{ReadOnly: true}); got.Toolsets != nil || !got.ReadOnly {
		t.Errorf("Within of nothing = %+v", got)
	}
	if (Selection{}).Key() != "" || (Selection{Toolsets: []string{"b", "a"}}).Key() != (Selection{Toolsets: []string{"a", "b"}}).Key() {
		t.Error("Key is not canonical")
	}
	if (Selection{ReadOnly: true}).Key() == (Selection{}).Key() {
		t.Error("read-only has the key of no selection")
	}
}
