package mcpserver_test

import (
	"context"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/mcpserver"
)

// TestLoggingSetLevel: the server declares logging and answers
// logging/setLevel, on the session-era protocol that still has it.
func TestLoggingSetLevel(t *testing.T) {
	h := newLK(t, mcpserver.Options{}, lkProtocols[1].opts...)
	res, err := h.client.Initialize(context.Background(), mcp.InitializeRequest{})
	if err == nil && res.Capabilities.Logging == nil {
		t.Error("the server does not declare the logging capability")
	}
	req := mcp.SetLevelRequest{}
	req.Params.Level = mcp.LoggingLevelWarning
	//lint:ignore SA1019 protocol 2026-07-28 deprecates logging/setLevel; 2025-11-25 clients still send it.
	if err := h.client.SetLevel(context.Background(), req); err != nil {
		t.Errorf("logging/setLevel: %v", err)
	}
}
