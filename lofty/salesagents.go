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
	UserID               *int64 `json:"userId,omitempty" jsonschema:"description=Owner user ID"`
	AgentName            string `json:"agentName,omitempty" jsonschema:"description=Human agent's name"`
	AgentHeadURL         string `json:"agentHeadUrl,omitempty"`
	AssistantName        string `json:"assistantName,omitempty" jsonschema:"description=AI assistant's name"`
	AssistantHeadURL     string `json:"assistantHeadUrl,omitempty"`
	VirtualNumber        string `json:"virtualNumber,omitempty" jsonschema:"description=Assistant's virtual phone number"`
	VirtualNumberCountry string `json:"virtualNumberCountry,omitempty" jsonschema:"description=Virtual number country (e.g. US)"`
	FollowUpRole         string `json:"followUpRole,omitempty" jsonschema:"description=buyer_agent\\, listing_agent\\, ..."`
	AgentExperience      string `json:"agentExperience,omitempty"`
	Email                string `json:"email,omitempty" jsonschema:"description=Assistant's email"`
	Status               string `json:"status,omitempty" jsonschema:"description=ACTIVE\\, INACTIVE\\, ..."`
	CreatedAt            Time   `json:"createdAt,omitempty"`
	UpdatedAt            Time   `json:"updatedAt,omitempty"`
	HasQuotaSeat         *bool  `json:"hasQuotaSeat,omitempty" jsonschema:"description=Has a valid quota seat"`
	BorrowLevel          string `json:"borrowLevel,omitempty" jsonschema:"description=If borrowed: SELF\\, GROUP or TEAM"`
	BorrowID             *int64 `json:"borrowId,omitempty" jsonschema:"description=User or office borrowed from"`
}

// SalesAgentPath is the endpoint SalesAgentByLead calls.
const SalesAgentPath = "/v2.0/sales-agents/by-lead"

// SalesAgentByLead returns the AI sales agent of lead leadID
// (GET /v2.0/sales-agents/by-lead?leadId=…). A lead without one is a
// KindNotFound error.
func (c *Client) SalesAgentByLead(ctx context.Context, leadID int64) (SalesAgent, error) {
	q := url.Values{"leadId": []string{strconv.FormatInt(leadID, 10)}}
	return salesAgentByLead.Call(ctx, c, Params{Query: q}, NoBody{})
}

// identified: a sales agent is known by its id.
func (a *SalesAgent) identified() bool { return a.ID != nil }
