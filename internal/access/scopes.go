// Package access says what one MCP request may use: the OAuth scopes its
// sign-in granted, and the toolsets and read-only mode its URL or headers
// selected. The HTTP transport, which knows both, puts a Request in the
// request's context; the MCP server's tool filter (what tools/list shows,
// and what tools/call finds) and the transport's scope check (the 403
// insufficient_scope challenge) read it against a Catalog of the tools the
// server serves. The server's own flags build the Catalog, so a request can
// narrow what they serve, never widen it.
package access

import (
	"strings"
)

// Scopes is a set of the OAuth scopes lofty-mcp's authorization server
// issues, one bit each.
type Scopes uint8

// The scopes. A tool needs the scope of what it does (see Catalog):
// reading needs Read, a change Write, a message to a lead Messages, team
// administration Admin. Read is granted with every sign-in.
const (
	Read Scopes = 1 << iota
	Write
	Messages
	Admin

	// AllScopes is every scope: what a request without a sign-in may use
	// (the server's own flags and the request's selection still apply).
	AllScopes = Read | Write | Messages | Admin
	// LegacyScopes is what a sign-in recorded before scopes existed
	// grants: reading and changing data, which is all it could do then.
	// Messages and administration came later and need a new sign-in.
	LegacyScopes = Read | Write
)

// scopeNames are the scopes' names, in the order they are listed, with
// what each lets an app do, in the words of the sign-in page.
var scopeNames = []struct {
	s    Scopes
	name string
	what string
}{
	{Read, "lofty:read", "Read your Lofty data: leads, notes, tasks, appointments, messages, transactions, listings"},
	{Write, "lofty:write", "Change data in Lofty: add notes and tasks, assign and update leads, delete what you ask it to"},
	{Messages, "lofty:messages", "Text and email your leads in your name"},
	{Admin, "lofty:admin", "Administer your team's Lofty account: lead routing, offices, agents, custom fields, webhooks"},
}

// ParseScopes reads a space-separated scope list (an OAuth scope
// parameter): the scopes lofty-mcp knows, and the other names in it, which
// callers ignore (clients add scopes of their own, such as offline_access).
func ParseScopes(list string) (known Scopes, unknown []string) {
	for _, name := range strings.Fields(list) {
		if s, ok := ScopeNamed(name); ok {
			known |= s
		} else if len(unknown) < 16 {
			unknown = append(unknown, name)
		}
	}
	return known, unknown
}

// ScopeNamed returns the scope called name ("lofty:write").
func ScopeNamed(name string) (Scopes, bool) {
	for _, n := range scopeNames {
		if n.name == name {
			return n.s, true
		}
	}
	return 0, false
}

// Has reports whether s holds every scope of need.
func (s Scopes) Has(need Scopes) bool { return s&need == need }

// Names lists the scopes of s by name, in a fixed order.
func (s Scopes) Names() []string {
	var out []string
	for _, n := range scopeNames {
		if s&n.s != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// String is s as an OAuth scope parameter: names separated by spaces.
func (s Scopes) String() string { return strings.Join(s.Names(), " ") }

// Each calls fn for each scope of s, in a fixed order, with its name and
// what it lets an app do.
func (s Scopes) Each(fn func(one Scopes, name, what string)) {
	for _, n := range scopeNames {
		if s&n.s != 0 {
			fn(n.s, n.name, n.what)
		}
	}
}

// SupportedScopes names every scope, for authorization server metadata.
func SupportedScopes() []string { return AllScopes.Names() }
