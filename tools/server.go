package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Options configures NewServer.
type Options struct {
	Name         string // server name; default "lofty-mcp"
	Version      string
	Instructions string
	Logger       *slog.Logger // default: discard
	// Tools are the tools to serve; when nil, Toolsets and AllowTools select
	// them (see Select): by default, the default toolsets.
	Tools      []Tool
	Toolsets   []string // toolset names, or "all"; empty: the default toolsets
	AllowTools []string // when not empty, serve only these tools
}

// validationFailedPrefix starts mcp-go's input schema validation errors.
const validationFailedPrefix = "input schema validation failed"

// DefaultInstructions tell the model what this server is for.
const DefaultInstructions = "lofty-mcp gives read-only access to the Lofty real-estate CRM Open API. " +
	"Lofty tools need numeric lead IDs: when you only have a person's name, email or phone, call find_leads first, " +
	"then use the leadId it returns (e.g. with get_lead or get_sales_agent_by_lead)."

// NewServer builds the MCP server: every tool from o.Tools registered
// through the adapter, with mcp-go's input and output schema validation on.
// Transports (stdio, HTTP) serve the returned server.
func NewServer(c *lofty.Client, o Options) (*server.MCPServer, error) {
	if o.Name == "" {
		o.Name = "lofty-mcp"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Tools == nil {
		selected, err := Select(o.Toolsets, o.AllowTools)
		if err != nil {
			return nil, err
		}
		o.Tools = selected
	}
	if o.Instructions == "" {
		o.Instructions = DefaultInstructions
	}
	decoders := map[string]*argDecoder{}
	var serverTools []server.ServerTool
	for _, t := range o.Tools {
		b, err := t.build(c, o.Logger)
		if err != nil {
			return nil, err
		}
		if _, dup := decoders[b.tool.Tool.Name]; dup {
			return nil, fmt.Errorf("tool %s registered twice", b.tool.Tool.Name)
		}
		decoders[b.tool.Tool.Name] = b.args
		serverTools = append(serverTools, b.tool)
	}

	hooks := &server.Hooks{}
	// Models often send integer IDs as strings; accept a decimal string for
	// an integer argument by rewriting it before schema validation runs.
	hooks.AddBeforeCallTool(func(_ context.Context, _ any, req *mcp.CallToolRequest) {
		d, ok := decoders[req.Params.Name]
		if !ok {
			return
		}
		raw := rawArguments(*req)
		if fixed, changed := d.coerceIntegerStrings(raw); changed {
			var args any
			if json.Unmarshal(fixed, &args) == nil {
				req.Params.RawArguments = fixed
				req.Params.Arguments = args
			}
		}
	})

	// mcp-go's schema validator reports failures in Go syntax
	// ("/leadId: &{Got:0/1 Want:1/1}"); restate them in words. The adapter's
	// decoder checks the same schema, so it names the same problem.
	hooks.AddAfterCallTool(func(_ context.Context, _ any, req *mcp.CallToolRequest, result any) {
		res, ok := result.(*mcp.CallToolResult)
		d, known := decoders[req.Params.Name]
		if !ok || !known || !res.IsError || len(res.Content) != 1 {
			return
		}
		if t, ok := mcp.AsTextContent(res.Content[0]); !ok || !strings.HasPrefix(t.Text, validationFailedPrefix) {
			return
		}
		if err := d.check(rawArguments(*req)); err != nil {
			res.Content[0] = mcp.NewTextContent(err.Error())
		}
	})

	s := server.NewMCPServer(o.Name, o.Version,
		server.WithToolCapabilities(false),
		server.WithInputSchemaValidation(),
		server.WithOutputSchemaValidation(),
		server.WithRecovery(),
		server.WithHooks(hooks),
		server.WithInstructions(o.Instructions),
	)
	s.AddTools(serverTools...)
	if _, ok := decoders[GetSalesAgentByLead.Name]; ok {
		s.AddResourceTemplate(salesAgentResourceTemplate(c, o.Logger))
	}
	return s, nil
}
