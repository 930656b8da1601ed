package loftytest

import "strconv"

// Data is what the fake knows. SalesAgent values are written to the wire as
// they are, so they use Lofty's field names (SalesAgentResponseV2) and are
// checked against the OpenAPI document by this package's tests.
type Data struct {
	// APIKeys and AccessTokens are the credentials the fake accepts. Both
	// empty: any well-formed credential is accepted.
	APIKeys      []string
	AccessTokens []string
	Leads        map[int64]*Lead
}

// Lead is a seeded lead.
type Lead struct {
	ID         int64
	Name       string
	Email      string
	Forbidden  bool           // the caller has no access: 403
	SalesAgent map[string]any // nil: the lead has no sales agent (404)
}

// Demo lead IDs, shown in the README and the demo instructions.
const (
	DemoLeadWithAgent    int64 = 563172647619608 // Jane Smith, has an AI sales agent
	DemoLeadWithoutAgent int64 = 563172647619609 // Mark Lee, no sales agent: 404
	DemoLeadForbidden    int64 = 563172647619610 // another team's lead: 403
	DemoLeadBeyond53Bits int64 = 9007199254740993
	DemoLeadMaxInt64     int64 = 9223372036854775807
)

// Demo returns the seeded demo data: a few leads, some with a sales agent.
func Demo() *Data {
	agent := func(id, userID int64, agentName, assistant, role string) map[string]any {
		return map[string]any{
			"id":                   id,
			"userId":               userID,
			"agentName":            agentName,
			"agentHeadUrl":         "https://example.com/avatars/agent-" + itoa(userID) + ".jpg",
			"assistantName":        assistant,
			"assistantHeadUrl":     "https://example.com/avatars/assistant-" + itoa(id) + ".jpg",
			"virtualNumber":        "+14155550123",
			"virtualNumberCountry": "US",
			"followUpRole":         role,
			"agentExperience":      "10 years in real estate",
			"email":                "assistant-" + itoa(id) + "@example.com",
			"status":               "ACTIVE",
			"createdAt":            "2026-02-20T10:00:00Z",
			"updatedAt":            "2026-02-28T10:00:00Z",
			"hasQuotaSeat":         true,
			"borrowLevel":          "SELF",
			"borrowId":             userID,
		}
	}
	return &Data{Leads: map[int64]*Lead{
		DemoLeadWithAgent: {ID: DemoLeadWithAgent, Name: "Jane Smith", Email: "jane.smith@example.com",
			SalesAgent: agent(12345, 67890, "John Doe", "John's AI Assistant", "buyer_agent")},
		DemoLeadWithoutAgent: {ID: DemoLeadWithoutAgent, Name: "Mark Lee", Email: "mark.lee@example.com"},
		DemoLeadForbidden: {ID: DemoLeadForbidden, Name: "Priya Patel", Email: "priya.patel@example.com", Forbidden: true,
			SalesAgent: agent(12346, 67891, "Dana Cruz", "Dana's AI Assistant", "listing_agent")},
		DemoLeadBeyond53Bits: {ID: DemoLeadBeyond53Bits, Name: "Big Id", Email: "big.id@example.com",
			SalesAgent: agent(9007199254740995, 9007199254740997, "Max Bits", "Max's AI Assistant", "buyer_agent")},
		DemoLeadMaxInt64: {ID: DemoLeadMaxInt64, Name: "Max Int", Email: "max.int@example.com",
			SalesAgent: agent(9223372036854775806, 67892, "Ada Edge", "Ada's AI Assistant", "listing_agent")},
	}}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
