package tools

import (
	"fmt"
	"log/slog"

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
	// FindScanPages is how many pages of leads find_leads looks through,
	// at most, when Lofty does not apply its filters; 0: DefaultFindScanPages.
	FindScanPages int
}

// DefaultInstructions tell the model what this server is for.
const DefaultInstructions = "lofty-mcp gives read-only access to the Lofty real-estate CRM Open API. " +
	"Lofty tools need numeric lead IDs: when you only have a person's name, email or phone, call find_leads first, " +
	"then use the leadId it returns (e.g. with get_lead or get_sales_agent_by_lead)."

// NewServer builds the MCP server: every tool from o.Tools registered
// through the adapter. Transports (stdio, HTTP) serve the returned server.
//
// mcp-go's per-call schema validation stays off: the adapter's argument
// decoder checks every argument exactly (64-bit integers, bounds, enums,
// unknown names) and says what is wrong in words, and results are encoded
// from the typed structs their outputSchema is generated from; tests validate
// every tool's results against that schema. Measured, mcp-go's checks cost
// about twice the CPU of a call, re-parsing every result, cached ones too.
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
	settings, err := o.callSettings()
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	var serverTools []server.ServerTool
	for _, t := range o.Tools {
		b, err := t.build(c, o.Logger)
		if err != nil {
			return nil, err
		}
		if names[b.Tool.Name] {
			return nil, fmt.Errorf("tool %s registered twice", b.Tool.Name)
		}
		names[b.Tool.Name] = true
		serverTools = append(serverTools, b)
	}

	withSettings(serverTools, settings)
	if err := describeOnce(serverTools); err != nil {
		return nil, err
	}

	s := server.NewMCPServer(o.Name, o.Version,
		server.WithToolCapabilities(false),
		server.WithRecovery(),
		server.WithInstructions(o.Instructions),
	)
	s.AddTools(serverTools...)
	if names[GetSalesAgentByLead.Name] {
		s.AddResourceTemplate(salesAgentResourceTemplate(c, o.Logger))
	}
	return s, nil
}
