package access

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Selection is what one connection asks to be served, within what the
// server serves: some of its toolsets, and whether to leave out every tool
// that changes data. The zero Selection narrows nothing.
type Selection struct {
	// Toolsets are the toolsets selected, as named ("all" stands for every
	// toolset served but those that must be named, as with --toolsets); nil
	// selects every toolset the server serves.
	Toolsets []string
	// ReadOnly leaves out the tools that change data in Lofty.
	ReadOnly bool
}

// Narrows reports whether sel serves less than the server's flags do.
func (sel Selection) Narrows() bool { return sel.Toolsets != nil || sel.ReadOnly }

// Key is a canonical text of sel ("" when it narrows nothing), for binding
// a session to the selection it was created under.
func (sel Selection) Key() string {
	if !sel.Narrows() {
		return ""
	}
	ts := slices.Clone(sel.Toolsets)
	slices.Sort(ts)
	k := "toolsets=" + strings.Join(ts, ",")
	if sel.Toolsets == nil {
		k = "toolsets=*"
	}
	if sel.ReadOnly {
		k += ";readonly"
	}
	return k
}

// String describes sel for a person: "toolsets leads, tasks; read-only".
func (sel Selection) String() string {
	parts := []string{"every toolset served"}
	if sel.Toolsets != nil {
		parts[0] = "toolsets " + strings.Join(sel.Toolsets, ", ")
	}
	if sel.ReadOnly {
		parts = append(parts, "read-only")
	}
	return strings.Join(parts, "; ")
}

// Within narrows sel further by inner (both must hold): the toolsets both
// select, read-only if either is. An empty intersection is an error.
func (sel Selection) Within(inner Selection) (Selection, error) {
	out := Selection{ReadOnly: sel.ReadOnly || inner.ReadOnly}
	switch {
	case sel.Toolsets == nil:
		out.Toolsets = inner.Toolsets
	case inner.Toolsets == nil:
		out.Toolsets = sel.Toolsets
	default:
		for _, t := range inner.Toolsets {
			if slices.Contains(sel.Toolsets, t) {
				out.Toolsets = append(out.Toolsets, t)
			}
		}
		if len(out.Toolsets) == 0 {
			return Selection{}, fmt.Errorf("the toolsets %s name none of the toolsets the URL selects (%s)",
				strings.Join(inner.Toolsets, ","), strings.Join(sel.Toolsets, ","))
		}
	}
	return out, nil
}

// Path prefixes of a selection in the URL, under the MCP endpoint /mcp:
// /mcp/x/{toolsets}, /mcp/x/{toolsets}/readonly and /mcp/readonly (the
// forms github-mcp-server's remote server takes).
const (
	BasePath     = "/mcp"
	toolsetsPath = "/x/"
	readOnlyPath = "/readonly"
)

// Limits of a selection, so that a URL or header cannot make the server
// hold much: toolsets named, and the length of each name.
const (
	maxToolsets    = 32
	maxToolsetName = 64
)

// ParsePath reads the selection of an MCP endpoint path: /mcp selects
// nothing; /mcp/readonly, /mcp/x/leads,tasks and /mcp/x/leads,tasks/readonly
// narrow. ok is false for a path that is not under /mcp at all; err says
// what is wrong with one that is, and what is expected.
func ParsePath(path string) (sel Selection, ok bool, err error) {
	rest, found := strings.CutPrefix(path, BasePath)
	if !found || (rest != "" && !strings.HasPrefix(rest, "/")) {
		return Selection{}, false, nil
	}
	switch {
	case rest == "":
		return Selection{}, true, nil
	case rest == readOnlyPath:
		return Selection{ReadOnly: true}, true, nil
	case strings.HasPrefix(rest, toolsetsPath):
		list := strings.TrimPrefix(rest, toolsetsPath)
		if l, found := strings.CutSuffix(list, readOnlyPath); found {
			list, sel.ReadOnly = l, true
		}
		if strings.Contains(list, "/") {
			break
		}
		if sel.Toolsets, err = ParseToolsets(list); err != nil {
			return Selection{}, true, fmt.Errorf("the URL %s: %w", clip(path), err)
		}
		return sel, true, nil
	}
	return Selection{}, true, fmt.Errorf("the URL %s is not an MCP endpoint of this server: use %s, %s/readonly, %s/x/TOOLSETS or %s/x/TOOLSETS/readonly (TOOLSETS comma-separated, such as leads,tasks)",
		clip(path), BasePath, BasePath, BasePath, BasePath)
}

// ParseToolsets reads a comma-separated list of toolset names (a URL's, or
// the X-MCP-Toolsets header's), lower-cased, without repeats. It checks
// only their form; Catalog.Resolve checks that the server serves them.
func ParseToolsets(list string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(list, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		if len(f) > maxToolsetName || strings.IndexFunc(f, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-')
		}) >= 0 {
			return nil, fmt.Errorf("%q is not a toolset name (letters, digits and _ only, such as leads or sales_agents)", clip(f))
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
		if len(out) > maxToolsets {
			return nil, fmt.Errorf("more than %d toolsets are named", maxToolsets)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no toolset is named: give one or more, comma-separated, such as leads,tasks")
	}
	return out, nil
}

// ParseReadOnly reads the X-MCP-Readonly header: true or false (1 or 0).
func ParseReadOnly(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("%q is not true or false (1 or 0)", clip(v))
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// Request is what one MCP request may use: its selection, already
// resolved against the Catalog, and the scopes its sign-in granted.
type Request struct {
	Selection Selection
	// Granted are the scopes of the request's sign-in; AllScopes when it
	// did not sign in (a static token, or no authentication).
	Granted Scopes
}

type requestKey struct{}

// With returns ctx carrying r.
func With(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// From returns the Request ctx carries; ok is false when there is none
// (stdio, the command line): then the server's flags alone decide.
func From(ctx context.Context) (r Request, ok bool) {
	r, ok = ctx.Value(requestKey{}).(Request)
	return r, ok
}
