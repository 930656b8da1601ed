package lofty

import (
	"context"
	"net/url"
	"strconv"
)

// SalesAgent is Lofty's SalesAgentResponseV2: the AI sales agent (AI
// assistant) configuration of a lead. Field names are Lofty's own. Fields
// Lofty leaves out stay absent (pointers and omitempty), so a missing value is
// never reported as a zero.
type SalesAgent struct {
	ID                   *int64 `json:"id,omitempty" jsonschema:"description=Sales Agent ID"`
	UserID               *int64 `json:"userId,omitempty" jsonschema:"description=ID of the Lofty user who owns this Sales Agent"`
	AgentName            string `json:"agentName,omitempty" jsonschema:"description=The human agent's full name"`
	AgentHeadURL         string `json:"agentHeadUrl,omitempty" jsonschema:"description=The human agent's avatar URL"`
	AssistantName        string `json:"assistantName,omitempty" jsonschema:"description=The AI assistant's name"`
	AssistantHeadURL     string `json:"assistantHeadUrl,omitempty" jsonschema:"description=The AI assistant's avatar URL"`
	VirtualNumber        string `json:"virtualNumber,omitempty" jsonschema:"description=Virtual phone number the AI assistant uses"`
	VirtualNumberCountry string `json:"virtualNumberCountry,omitempty" jsonschema:"description=Country code of the virtual number (e.g. US)"`
	FollowUpRole         string `json:"followUpRole,omitempty" jsonschema:"description=Follow-up role: buyer_agent\\, listing_agent\\, etc."`
	AgentExperience      string `json:"agentExperience,omitempty" jsonschema:"description=Agent experience description"`
	Email                string `json:"email,omitempty" jsonschema:"description=The AI assistant's email address"`
	Status               string `json:"status,omitempty" jsonschema:"description=Status: ACTIVE\\, INACTIVE\\, etc."`
	CreatedAt            string `json:"createdAt,omitempty" jsonschema:"description=Creation time (ISO 8601)"`
	UpdatedAt            string `json:"updatedAt,omitempty" jsonschema:"description=Last update time (ISO 8601)"`
	HasQuotaSeat         *bool  `json:"hasQuotaSeat,omitempty" jsonschema:"description=Whether the AI assistant has a valid quota seat"`
	BorrowLevel          string `json:"borrowLevel,omitempty" jsonschema:"description=Borrow level when the AI assistant is borrowed: SELF\\, GROUP\\, TEAM"`
	BorrowID             *int64 `json:"borrowId,omitempty" jsonschema:"description=ID of the user or office the AI assistant is borrowed from"`
}

// SalesAgentPath is the endpoint SalesAgentByLead calls.
const SalesAgentPath = "/v2.0/sales-agents/by-lead"

// SalesAgentByLead returns the AI sales agent of lead leadID
// (GET /v2.0/sales-agents/by-lead?leadId=…). A lead without one is a
// KindNotFound error.
func (c *Client) SalesAgentByLead(ctx context.Context, leadID int64) (SalesAgent, error) {
	var out SalesAgent
	q := url.Values{"leadId": []string{strconv.FormatInt(leadID, 10)}}
	err := c.get(ctx, SalesAgentPath, q, &out)
	return out, err
}
