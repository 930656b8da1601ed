package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// SalesAgentResourceTemplate is the URI template of a lead's sales agent as
// an MCP resource: the same JSON as get_sales_agent_by_lead.
const SalesAgentResourceTemplate = "lofty://leads/{leadId}/sales-agent"

// SalesAgentResourceURI is the resource URI of lead leadID's sales agent.
func SalesAgentResourceURI(leadID int64) string {
	return "lofty://leads/" + strconv.FormatInt(leadID, 10) + "/sales-agent"
}

// salesAgentResourceTemplate serves SalesAgentResourceTemplate through the
// same Spec as the tool, so that arguments, the call and error sentences are
// the tool's own. Resources have no isError result: a failure is a JSON-RPC
// error whose message is the sentence the tool would return.
func salesAgentResourceTemplate(c *lofty.Client, log *slog.Logger) (mcp.ResourceTemplate, server.ResourceTemplateHandlerFunc, error) {
	tmpl := mcp.NewResourceTemplate(SalesAgentResourceTemplate, "lead-sales-agent",
		mcp.WithTemplateTitle("Sales agent of a lead"),
		mcp.WithTemplateDescription("The Lofty AI sales agent assigned to a lead, as get_sales_agent_by_lead returns it."),
		mcp.WithTemplateMIMEType("application/json"),
	)
	tool, err := tools.GetSalesAgentByLead.Build(nil)
	if err != nil {
		return tmpl, nil, err
	}
	handler := func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		id, err := leadIDFromURI(req.Params.URI)
		if err != nil {
			return nil, err
		}
		call, err := tool.Prepare(json.RawMessage(`{"leadId":` + strconv.FormatInt(id, 10) + `}`))
		if err != nil {
			return nil, err
		}
		out, err := call.Run(ctx, c)
		if err != nil {
			log.LogAttrs(ctx, slog.LevelDebug, "resource read failed", slog.String("uri", req.Params.URI),
				slog.String("kind", lofty.KindOf(err).String()))
			return nil, errors.New(call.ErrorText(err))
		}
		body, err := json.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("encode sales agent: %w", err)
		}
		return []mcp.ResourceContents{mcp.TextResourceContents{
			URI: req.Params.URI, MIMEType: "application/json", Text: string(body),
		}}, nil
	}
	return tmpl, handler, nil
}

// leadIDFromURI reads the lead ID of lofty://leads/{leadId}/sales-agent
// exactly: decimal digits, 1 to 2^63-1.
func leadIDFromURI(uri string) (int64, error) {
	rest, ok := strings.CutPrefix(uri, "lofty://leads/")
	if ok {
		rest, ok = strings.CutSuffix(rest, "/sales-agent")
	}
	bad := fmt.Errorf("invalid resource URI %q: expected %s with leadId an integer from 1 to 9223372036854775807", uri, SalesAgentResourceTemplate)
	if !ok || rest == "" || !isDigits(rest) {
		return 0, bad
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id < 1 {
		return 0, bad
	}
	return id, nil
}
