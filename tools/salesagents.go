package tools

import (
	"context"
	"fmt"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// GetSalesAgentByLeadInput is what the model sends to get_sales_agent_by_lead.
type GetSalesAgentByLeadInput struct {
	LeadID int64 `json:"leadId" jsonschema:"minimum=1,description=Lofty lead ID (64-bit integer)"`
}

// GetSalesAgentByLead returns the AI sales agent of a lead.
var GetSalesAgentByLead = Spec[GetSalesAgentByLeadInput, lofty.SalesAgent]{
	Name:    "get_sales_agent_by_lead",
	Title:   "Get sales agent by lead",
	Toolset: "sales_agents",
	Description: "Return the Lofty AI sales agent (AI assistant) assigned to a lead: the assistant's name, " +
		"email and virtual phone number, the human agent it works for, its follow-up role, status and quota seat. " +
		"Needs the numeric Lofty lead ID.",
	Call: func(ctx context.Context, c *lofty.Client, in GetSalesAgentByLeadInput) (lofty.SalesAgent, error) {
		return c.SalesAgentByLead(ctx, in.LeadID)
	},
	Subject: func(in GetSalesAgentByLeadInput) string { return fmt.Sprintf("lead %d", in.LeadID) },
	NotFound: func(in GetSalesAgentByLeadInput) string {
		return fmt.Sprintf("Lead %d has no AI sales agent in Lofty (or no lead has this ID).", in.LeadID)
	},
}
