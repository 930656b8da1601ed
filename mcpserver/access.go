package mcpserver

import (
	"context"
	"errors"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// toolsetScopes are the toolsets whose tools need a scope of their own,
// whatever they do: a message to a lead, and team administration, are
// granted apart from changing data. Every other tool needs lofty:write when
// it changes data (deletes too: a delete is a change the person confirms),
// else lofty:read.
var toolsetScopes = map[string]access.Scopes{
	"messages": access.Messages,
	"admin":    access.Admin,
}

// toolsetsOf names the toolsets a tool belongs to.
func toolsetsOf(info tools.Info) []string { return []string{info.Toolset} }

// scopesOf returns the scopes a tool needs: for each of its toolsets, that
// toolset's own scope, else lofty:write for a change and lofty:read for a
// read. A tool in two toolsets (an administrative delete) needs both.
func scopesOf(info tools.Info) access.Scopes {
	var need access.Scopes
	for _, ts := range toolsetsOf(info) {
		switch s, own := toolsetScopes[ts]; {
		case own:
			need |= s
		case info.Effect.Writes:
			need |= access.Write
		default:
			need |= access.Read
		}
	}
	return need
}

// NewCatalog is the access catalog of the tools ts (those a server
// serves): what the HTTP transport checks selections and signed-in calls
// against.
func NewCatalog(ts []tools.Tool) *access.Catalog {
	var sets []access.Toolset
	for _, t := range tools.Toolsets() {
		sets = append(sets, access.Toolset{Name: t.Name, Named: t.Named})
	}
	served := make([]access.Tool, 0, len(ts))
	for _, t := range ts {
		info := t.Info()
		served = append(served, access.Tool{Name: info.Name, Toolsets: toolsetsOf(info), Writes: info.Effect.Writes, Needs: scopesOf(info)})
	}
	return access.NewCatalog(sets, served)
}

// ServedTools returns the tools a server built with o serves: o.Tools, or
// those Toolsets and AllowTools select, less the writes under ReadOnly.
func ServedTools(o Options) ([]tools.Tool, error) {
	ts := o.Tools
	if ts == nil {
		selected, err := tools.Select(o.Toolsets, o.AllowTools)
		if err != nil {
			return nil, err
		}
		ts = selected
	}
	if o.ReadOnly {
		ts, _ = WithoutWrites(ts)
		if len(ts) == 0 {
			return nil, errors.New("--read-only leaves no tool to serve: every selected tool writes; select a read-only toolset too (--toolsets)")
		}
	}
	return ts, nil
}

// accessFilter is the tool filter of a server whose requests may carry an
// access.Request (the HTTP transport's): tools/list shows, and tools/call
// finds, only the tools the request's selection serves and its sign-in
// granted the scopes of. A request without one (stdio, the command line)
// sees every tool served.
func accessFilter(c *access.Catalog) server.ToolFilterFunc {
	return func(ctx context.Context, ts []mcp.Tool) []mcp.Tool {
		r, ok := access.From(ctx)
		if !ok {
			return ts
		}
		out := make([]mcp.Tool, 0, len(ts))
		for _, t := range ts {
			if c.Allows(r, t.Name) {
				out = append(out, t)
			}
		}
		return out
	}
}
