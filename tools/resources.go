package tools

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
func salesAgentResourceTemplate(c *lofty.Client, log *slog.Logger) (mcp.ResourceTemplate, server.ResourceTemplateHandlerFunc) {
	tmpl := mcp.NewResourceTemplate(SalesAgentResourceTemplate, "lead-sales-agent",
		mcp.WithTemplateTitle("Sales agent of a lead"),
		mcp.WithTemplateDescription("The Lofty AI sales agent assigned to a lead, as get_sales_agent_by_lead returns it."),
		mcp.WithTemplateMIMEType("application/json"),
	)
	spec := GetSalesAgentByLead
	handler := func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		id, err := leadIDFromURI(req.Params.URI)
		if err != nil {
			return nil, err
		}
		in := GetSalesAgentByLeadInput{LeadID: id}
		out, err := spec.Call(ctx, c, in)
		if err != nil {
			log.LogAttrs(ctx, slog.LevelDebug, "resource read failed", slog.String("uri", req.Params.URI),
				slog.String("kind", lofty.KindOf(err).String()))
			return nil, errors.New(spec.errorText(in, err))
		}
		body, err := json.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("encode sales agent: %w", err)
		}
		return []mcp.ResourceContents{mcp.TextResourceContents{
			URI: req.Params.URI, MIMEType: "application/json", Text: string(body),
		}}, nil
	}
	return tmpl, handler
}

// leadIDFromURI reads the lead ID of lofty://leads/{leadId}/sales-agent
// exactly: decimal digits, 1 to 2^63-1.
func leadIDFromURI(uri string) (int64, error) {
	rest, ok := strings.CutPrefix(uri, "lofty://leads/")
	if ok {
		rest, ok = strings.CutSuffix(rest, "/sales-agent")
	}
	bad := fmt.Errorf("invalid resource URI %q: expected %s with leadId an integer from 1 to 9223372036854775807", uri, SalesAgentResourceTemplate)
	if !ok || !isDecimalInteger(rest) || strings.HasPrefix(rest, "-") {
		return 0, bad
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id < 1 {
		return 0, bad
	}
	return id, nil
}
