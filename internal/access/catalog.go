package access

import (
	"fmt"
	"slices"
	"strings"
)

// AllToolsets, in a selection, stands for every toolset served but those
// that must be named (as --toolsets all does).
const AllToolsets = "all"

// Tool is what the Catalog knows of a served tool.
type Tool struct {
	Name string
	// Toolsets are the toolsets the tool belongs to: it is in a selection
	// when each of them is selected.
	Toolsets []string
	// Writes: the tool changes data in Lofty (a read-only selection leaves
	// it out).
	Writes bool
	// Needs are the scopes a sign-in must have granted to call it.
	Needs Scopes
}

// Toolset is what the Catalog knows of a served toolset.
type Toolset struct {
	Name string
	// Named: "all" leaves it out; a selection must name it.
	Named bool
}

// Catalog is the tools a server serves (its flags decided them), by name,
// for checking selections and requests against.
type Catalog struct {
	toolsets []Toolset
	tools    map[string]Tool
}

// NewCatalog returns the catalog of tools, whose toolsets are among
// toolsets (in listing order). Toolsets without a served tool are left out.
func NewCatalog(toolsets []Toolset, tools []Tool) *Catalog {
	c := &Catalog{tools: make(map[string]Tool, len(tools))}
	used := map[string]bool{}
	for _, t := range tools {
		c.tools[t.Name] = t
		for _, ts := range t.Toolsets {
			used[ts] = true
		}
	}
	for _, ts := range toolsets {
		if used[ts.Name] {
			c.toolsets = append(c.toolsets, ts)
		}
	}
	return c
}

// Toolsets names the toolsets served, in listing order.
func (c *Catalog) Toolsets() []string {
	out := make([]string, len(c.toolsets))
	for i, ts := range c.toolsets {
		out[i] = ts.Name
	}
	return out
}

// Resolve checks sel against what is served and expands "all": every
// toolset it names must be served. The error names the toolsets that are,
// so a URL or a header can narrow the server's flags, never widen them.
func (c *Catalog) Resolve(sel Selection) (Selection, error) {
	if sel.Toolsets == nil {
		return sel, nil
	}
	var out, unknown []string
	for _, name := range sel.Toolsets {
		if name == AllToolsets {
			for _, ts := range c.toolsets {
				if !ts.Named && !slices.Contains(out, ts.Name) {
					out = append(out, ts.Name)
				}
			}
			continue
		}
		if !slices.ContainsFunc(c.toolsets, func(ts Toolset) bool { return ts.Name == name }) {
			unknown = append(unknown, name)
			continue
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	if len(unknown) > 0 {
		return Selection{}, fmt.Errorf("this server does not serve the toolset %s; it serves %s (a URL or header can only choose among these; the server's --toolsets decides them)",
			strings.Join(unknown, ", "), strings.Join(c.Toolsets(), ", "))
	}
	if len(out) == 0 {
		return Selection{}, fmt.Errorf("%q selects no toolset here: every toolset this server serves must be named (%s)", AllToolsets, strings.Join(c.Toolsets(), ", "))
	}
	sel.Toolsets = out
	return sel, nil
}

// Selects reports whether the tool called name is served under sel (a
// resolved selection). A tool the catalog does not know is not.
func (c *Catalog) Selects(sel Selection, name string) bool {
	t, ok := c.tools[name]
	if !ok {
		return false
	}
	if sel.ReadOnly && t.Writes {
		return false
	}
	if sel.Toolsets == nil {
		return true
	}
	for _, ts := range t.Toolsets {
		if !slices.Contains(sel.Toolsets, ts) {
			return false
		}
	}
	return true
}

// Needs returns the scopes the tool called name needs; ok is false for a
// tool the catalog does not know.
func (c *Catalog) Needs(name string) (need Scopes, ok bool) {
	t, ok := c.tools[name]
	return t.Needs, ok
}

// Allows reports whether r may see and call the tool called name: it is
// served under r's selection, and r's sign-in granted what it needs.
func (c *Catalog) Allows(r Request, name string) bool {
	return c.Selects(r.Selection, name) && r.Granted.Has(c.tools[name].Needs)
}

// ScopesFor returns the scopes the tools served under sel can use, Read
// always among them: what a client connecting there should ask for.
func (c *Catalog) ScopesFor(sel Selection) Scopes {
	s := Read
	for name, t := range c.tools {
		if c.Selects(sel, name) {
			s |= t.Needs
		}
	}
	return s
}
