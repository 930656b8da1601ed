package tools

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// DefaultFindScanPages is how many pages of leads find_leads looks through,
// at most, when Lofty does not apply its filters (LOFTY_FIND_SCAN_PAGES).
const DefaultFindScanPages = 4

// MaxFindScanPages bounds Options.FindScanPages.
const MaxFindScanPages = 20

// callSettings are the server options a tool's Call reads, carried in the
// call's context so that a Spec's Call keeps its one signature.
type callSettings struct {
	findScanPages int
}

type settingsKey struct{}

// settingsOf returns the settings of the server serving ctx's call, or the
// defaults.
func settingsOf(ctx context.Context) callSettings {
	if s, ok := ctx.Value(settingsKey{}).(callSettings); ok {
		return s
	}
	return callSettings{findScanPages: DefaultFindScanPages}
}

// callSettings checks and completes the options tools read.
func (o Options) callSettings() (callSettings, error) {
	s := callSettings{findScanPages: o.FindScanPages}
	switch {
	case s.findScanPages == 0:
		s.findScanPages = DefaultFindScanPages
	case s.findScanPages < 1 || s.findScanPages > MaxFindScanPages:
		return s, fmt.Errorf("find scan pages must be from 1 to %d, got %d", MaxFindScanPages, s.findScanPages)
	}
	return s, nil
}

// withSettings makes every tool's handler see s in its context.
func withSettings(ts []server.ServerTool, s callSettings) {
	for i := range ts {
		h := ts[i].Handler
		ts[i].Handler = func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return h(context.WithValue(ctx, settingsKey{}, s), req)
		}
	}
}
