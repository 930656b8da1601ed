package fakelofty

import (
	"strconv"
	"strings"
	"time"
)

// Data is what the fake knows. Values written to the wire use Lofty's field
// names and types (SalesAgentResponseV2, LeadResponse, WorkingLeadV2,
// PlanTaskResponseV2, SalesAgentQuotaResponseV2) and are checked against the
// OpenAPI document by this package's tests.
type Data struct {
	// APIKeys and AccessTokens are the credentials the fake accepts. Both
	// empty: any well-formed credential is accepted.
	APIKeys      []string
	AccessTokens []string
	Leads        map[int64]*Lead

	// CurrentSalesAgent is the caller's own AI sales agent
	// (/v2.0/sales-agents/current); nil answers 404.
	CurrentSalesAgent map[string]any
	// Quota is the caller's AI quota (/v2.0/sales-agents/quota); nil derives
	// one from the working leads with a total of 100.
	Quota map[string]any

	// Settings is the caller's AI sales agent setup
	// (/v2.0/sales-agent/settings, SalesAgentSettingResponse); nil answers
	// 404. Its virtualNumber is where texts to the agent come from.
	Settings map[string]any
	// Team is the caller's team (team.go): the demo person (DemoUserID)
	// and who a lead can be assigned to, by account email.
	Team []Member

	// The demo world beyond leads; each area's file says what its field
	// holds and serves it. Ids agree across areas: a call's LeadID is a
	// lead's ID, a task's AssignedUserID a member's UserID.
	Tags              []string      // features.go: the team's lead tags
	CustomFields      []Attribute   // features.go: the team's lead custom fields
	Stages            []Stage       // features.go: the lead pipeline's stages
	Ponds             []Pond        // features.go
	Notes             []Note        // notes.go
	Calls             []Call        // communications.go
	Texts             []Text        // communications.go
	Emails            []Email       // communications.go
	Logs              []ManualLog   // logs.go: calls, emails and texts logged by hand
	Activities        []Activity    // activities.go: website activity (V1)
	SystemLogs        []SystemLog   // activities.go
	Tasks             []Task        // tasks.go
	Appointments      []Appointment // tasks.go
	Transactions      []Transaction // transactions.go
	TransactionFields []Field       // transactions.go: transaction custom fields
	Listings          []Listing     // listings.go
	Webhooks          []Webhook     // webhooks.go
	Routing           Routing       // routing.go: rules and default rules by type
	Offices           []Office      // org.go: the company's offices
	Company           Company       // org.go
	Vendors           []Vendor      // org.go: the vendor directory
	AgentTags         []string      // team.go: tags an agent can carry

	// Clock is the world's clock: "now" for overdue flags, the calendar's
	// "later than now" checks and free slots. nil: DemoNow (see MoveTo).
	Clock func() time.Time
}

// Lead is a seeded lead. Name and Email are the lead's name and first email;
// the other fields fill Lofty's LeadResponse and the Sales Agents V2 answers.
// Zero values are left out of the wire record.
type Lead struct {
	ID         int64
	Name       string         // "First Last": firstName is the first word, lastName the rest
	Email      string         // first email
	Forbidden  bool           // the caller has no access: 403 (404 on /v1.0/leads/{id}, absent from lists)
	Trashed    bool           // moved to the trash (DELETE /v1.0/leads/{leadId}): seen only withTrash
	SalesAgent map[string]any // nil: the lead has no sales agent (404)

	MoreEmails     []string // emails after Email
	Phones         []string
	Stage          string
	StageID        int64
	Source         string
	LeadSource     int32
	AssignedUserID int64
	AssignedUser   string
	Score          int32
	CreateTime     string
	AssignTime     string
	LastTouch      string
	LastVisit      string
	LastUpdateTime string
	Tags           []string // tag names
	Segments       []string
	LeadTypes      []int32 // Other (-1), Seller (1), Buyer (2), Renter (5), ...
	City, State    string
	ZipCode        string
	StreetAddress  string
	// Roles are the lead's custom roles held by someone: role name -> assignee.
	Roles map[string]Assignee

	// What the lead wants (leadInquiry) and how ready they are. The Yes/No
	// fields hold Lofty's strings, "Yes" or "No"; "" leaves them out.
	Inquiry          *Inquiry
	BuyingTimeFrame  string // 1-3, 3-6, 6-12, 12+, Just Looking, Refinancing
	SellingTimeFrame string
	Mortgage         string
	PreQual          string
	FTHB             string // first-time home buyer
	HouseToSell      string
	WithBuyerAgent   string
	WithListingAgent string
	Opportunity      string // High Interest, Sell, Back to Site, Back on Market
	Language         string
	Attributes       []Attribute // customAttributes
	Properties       []Property  // leadPropertyList
	// Sentinels writes what is unset as the live API does: -1 in
	// leadSource, in every leadInquiry number and in property prices and
	// sizes (a lead without an inquiry gets one of -1s). LiveData sets it.
	Sentinels bool
	// Extra holds further LeadResponse fields, by Lofty's names, as they are sent.
	Extra map[string]any

	// AIStage is the lead's stage in the AI working pool: HIGH_PRIORITY,
	// AI_PROSPECTING or AI_MONITORING; "" means not a working lead.
	AIStage string
	// WorkingSince is the WorkingLeadV2 createdAt (ISO 8601).
	WorkingSince string
	// Muted: the AI assistant is muted for this lead.
	Muted bool
	// PlanTasks are PlanTaskResponseV2 objects, as sent.
	PlanTasks []map[string]any
}

// Inquiry is a lead's LeadInquiry: what they are looking for. Zero values
// are unset.
type Inquiry struct {
	PriceMin, PriceMax         int64
	PropertyTypes              []string
	BedroomsMin, BedroomsMax   int32
	BathroomsMin, BathroomsMax string // Lofty sends bathroom counts as strings
	Locations                  []Location
}

// Location is one of Lofty's Location objects: an area a lead wants.
type Location struct {
	City, StateCode, ZipCode, County, StreetAddress, Description string
}

// Attribute is one of a lead's custom attributes (CustomAttribute).
type Attribute struct {
	Name, Type, Value string
	Params            string // a team field's select options, as JSON: {"option":["a","b"]}
}

// Property is one of Lofty's LeadProperty objects: a property, or (Mail)
// the mailing address, on a lead's record. Zero numbers are unset.
type Property struct {
	StreetAddress, City, State, ZipCode, PropertyType string
	Price, SquareFeet                                 int64
	Bedrooms                                          int32
	Bathrooms, LotSize                                float64
	Mail                                              bool
}

// Assignee is who holds a custom role for a lead.
type Assignee struct {
	ID   int64
	Name string
}

// customRoles is Lofty's standard role catalog, sent with every lead.
var customRoles = []struct {
	id   int32
	name string
}{
	{20, "Referral Partner"}, {40, "Buyer Agent"}, {50, "Co-Agent"}, {60, "LOA"},
	{80, "Transaction Coordinator"}, {90, "Internal LO"}, {100, "Virtual Assistant (EVA)"},
	{110, "Showing Assistant"}, {120, "Client Specialist"}, {130, "ISA"}, {140, "Assistant"},
}

// FirstName is the first word of Name.
func (l *Lead) FirstName() string {
	first, _, _ := strings.Cut(strings.TrimSpace(l.Name), " ")
	return first
}

// LastName is Name after its first word.
func (l *Lead) LastName() string {
	_, last, _ := strings.Cut(strings.TrimSpace(l.Name), " ")
	return strings.TrimSpace(last)
}

// Emails is Email followed by MoreEmails.
func (l *Lead) Emails() []string {
	var out []string
	if l.Email != "" {
		out = append(out, l.Email)
	}
	return append(out, l.MoreEmails...)
}

// Record is the lead as Lofty's LeadResponse.
func (l *Lead) Record() map[string]any {
	r := map[string]any{
		"leadId":     l.ID,
		"leadUserId": l.ID + 1000,
		"firstName":  l.FirstName(),
		"lastName":   l.LastName(),
		"emails":     nonNil(l.Emails()),
		"phones":     nonNil(l.Phones),
		"tags":       []map[string]any{},
		"segments":   nonNil(l.Segments),
		"leadTypes":  l.LeadTypes,
	}
	if l.LeadTypes == nil {
		r["leadTypes"] = []int32{}
	}
	set := func(name, v string) {
		if v != "" {
			r[name] = v
		}
	}
	set("stage", l.Stage)
	set("source", l.Source)
	set("assignedUser", l.AssignedUser)
	set("createTime", l.CreateTime)
	set("assignTime", l.AssignTime)
	set("lastTouch", l.LastTouch)
	set("lastVisit", l.LastVisit)
	set("lastUpdateTime", l.LastUpdateTime)
	set("city", l.City)
	set("state", l.State)
	set("zipCode", l.ZipCode)
	set("streetAddress", l.StreetAddress)
	set("language", l.Language)
	if l.StageID != 0 {
		r["stageId"] = l.StageID
	}
	if l.LeadSource != 0 {
		r["leadSource"] = l.LeadSource
	} else if l.Sentinels {
		r["leadSource"] = int32(-1)
	}
	if l.AssignedUserID != 0 {
		r["assignedUserId"] = l.AssignedUserID
	}
	r["score"] = l.Score
	r["cannotText"], r["cannotCall"], r["cannotEmail"] = false, false, false
	r["unsubscription"], r["hiddenFlag"] = false, false
	tags := make([]map[string]any, 0, len(l.Tags))
	for _, name := range l.Tags {
		tags = append(tags, map[string]any{
			"leadId": l.ID, "tagId": tagID(name), "tagName": name,
			"createTime": l.CreateTime, "updateTime": l.CreateTime,
			"creatorUserId": l.AssignedUserID, "visibleType": int32(1),
		})
	}
	r["tags"] = tags
	roles := make([]map[string]any, 0, len(customRoles))
	for _, cr := range customRoles {
		role := map[string]any{"roleId": cr.id, "role": cr.name, "assigneeId": int64(0)}
		if a, ok := l.Roles[cr.name]; ok {
			role["assigneeId"], role["assignee"] = a.ID, a.Name
		}
		roles = append(roles, role)
	}
	r["customRoleList"] = roles
	l.readiness(r)
	for k, v := range l.Extra {
		r[k] = v
	}
	return r
}

// WorkingLead is the lead as Lofty's WorkingLeadV2.
func (l *Lead) WorkingLead() map[string]any {
	r := map[string]any{"leadId": l.ID, "firstName": l.FirstName(), "lastName": l.LastName()}
	if l.Email != "" {
		r["email"] = l.Email
	}
	if len(l.Phones) > 0 {
		r["phone"] = l.Phones[0]
	}
	if l.WorkingSince != "" {
		r["createdAt"] = l.WorkingSince
	}
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Demo lead IDs, shown in the README and the demo instructions.
const (
	DemoLeadWithAgent    int64 = 563172647619608 // Jane Smith, has an AI sales agent
	DemoLeadWithoutAgent int64 = 563172647619609 // Mark Lee, no sales agent: 404
	DemoLeadForbidden    int64 = 563172647619610 // another team's lead: 403
	DemoLeadBeyond53Bits int64 = 9007199254740993
	DemoLeadMaxInt64     int64 = 9223372036854775807
)

// DemoUserID is the demo caller: John Doe, the agent Jane Smith is assigned to.
const DemoUserID int64 = 67890

// Demo returns the seeded demo data: a dozen leads of one agent's book, some
// with an AI sales agent, working, muted or with plan tasks.
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
	task := func(id int64, content, typ, status, due, created string) map[string]any {
		return map[string]any{"id": id, "content": content, "taskType": typ, "status": status,
			"dueAt": due, "createdAt": created, "assignedTo": DemoUserID, "creatorId": int64(12345)}
	}
	john := agent(12345, DemoUserID, "John Doe", "John's AI Assistant", "buyer_agent")
	book := func(l *Lead) *Lead {
		if l.AssignedUserID == 0 {
			l.AssignedUserID, l.AssignedUser = DemoUserID, "John Doe"
		}
		return l
	}
	leads := []*Lead{
		book(&Lead{ID: DemoLeadWithAgent, Name: "Jane Smith", Email: "jane.smith@example.com",
			MoreEmails: []string{"jane@smith-family.example"}, Phones: []string{"+14155551234"},
			Stage: "Active", StageID: 3, Source: "Zillow", LeadSource: 12, Score: 78,
			CreateTime: "2026-01-12T09:30:00Z", AssignTime: "2026-01-12T09:31:00Z",
			LastTouch: "2026-03-02T16:05:00Z", LastVisit: "2026-03-01T20:12:00Z", LastUpdateTime: "2026-03-02T16:05:00Z",
			Tags: []string{"Buyer", "Pre-approved"}, Segments: []string{"First-Time Buyers"}, LeadTypes: []int32{2},
			City: "Austin", State: "TX", ZipCode: "78704", Language: "English",
			// Jane has every field get_lead curates; Mark Lee has none of them.
			Inquiry: &Inquiry{PriceMin: 450000, PriceMax: 600000, PropertyTypes: []string{"Single Family Home", "Townhouse"},
				BedroomsMin: 3, BedroomsMax: 4, BathroomsMin: "2", BathroomsMax: "2.5",
				Locations: []Location{{City: "Austin", StateCode: "TX", ZipCode: "78704"}, {County: "Travis County", StateCode: "TX"}}},
			BuyingTimeFrame: "1-3", SellingTimeFrame: "3-6", Mortgage: "Yes", PreQual: "Yes", FTHB: "No",
			HouseToSell: "Yes", WithBuyerAgent: "No", WithListingAgent: "No", Opportunity: "High Interest",
			Attributes: []Attribute{{Name: "Pre-approval lender", Value: "Hill Country Credit Union"},
				{Name: "Must haves", Type: "multi_select", Value: `["Garage","Yard"]`}, {Name: "Budget flexibility", Type: "percentage", Value: "10"}},
			Properties: []Property{{StreetAddress: "1200 Barton Hills Dr", City: "Austin", State: "TX", ZipCode: "78704", Mail: true},
				{StreetAddress: "88 Oak Ln", City: "Round Rock", State: "TX", ZipCode: "78664", PropertyType: "Condo",
					Price: 310000, Bedrooms: 2, Bathrooms: 2, SquareFeet: 1150}},
			Roles:      map[string]Assignee{"Buyer Agent": {ID: DemoUserID, Name: "John Doe"}},
			SalesAgent: john, AIStage: "AI_PROSPECTING", WorkingSince: "2026-02-21T10:00:00Z",
			PlanTasks: []map[string]any{
				task(700001, "Call Jane about the Barton Hills showing", "CALL", "PENDING", "2026-03-05T15:30:00Z", "2026-03-02T16:05:00Z"),
				task(700002, "Email Jane new listings in 78704", "EMAIL", "FINISHED", "2026-02-25T15:00:00Z", "2026-02-21T10:00:00Z"),
				task(700003, "Text Jane to confirm pre-approval amount", "TEXT", "OVERDUE", "2026-03-01T17:00:00Z", "2026-02-26T09:00:00Z"),
			}}),
		book(&Lead{ID: DemoLeadWithoutAgent, Name: "Mark Lee", Email: "mark.lee@example.com", Phones: []string{"+12125559876"},
			Stage: "New Lead", StageID: 1, Source: "Website", LeadSource: 3, Score: 12,
			CreateTime: "2026-02-03T14:00:00Z", LastTouch: "2026-02-03T14:00:00Z", LeadTypes: []int32{1},
			City: "Round Rock", State: "TX"}),
		{ID: DemoLeadForbidden, Name: "Priya Patel", Email: "priya.patel@example.com", Forbidden: true,
			Stage: "Active", Source: "Referral", AssignedUserID: 67891, AssignedUser: "Dana Cruz",
			CreateTime: "2026-01-20T11:00:00Z", AIStage: "HIGH_PRIORITY", WorkingSince: "2026-02-01T08:00:00Z",
			SalesAgent: agent(12346, 67891, "Dana Cruz", "Dana's AI Assistant", "listing_agent")},
		book(&Lead{ID: DemoLeadBeyond53Bits, Name: "Big Id", Email: "big.id@example.com",
			Stage: "Nurture", Source: "Open House", CreateTime: "2025-11-02T10:00:00Z",
			SalesAgent: agent(9007199254740995, 9007199254740997, "Max Bits", "Max's AI Assistant", "buyer_agent"),
			AIStage:    "AI_MONITORING", WorkingSince: "2026-01-05T10:00:00Z"}),
		book(&Lead{ID: DemoLeadMaxInt64, Name: "Max Int", Email: "max.int@example.com",
			Stage: "Nurture", Source: "Open House", CreateTime: "2025-11-01T10:00:00Z",
			SalesAgent: agent(9223372036854775806, 67892, "Ada Edge", "Ada's AI Assistant", "listing_agent")}),
		book(&Lead{ID: 563172647619611, Name: "Carlos Ruiz", Email: "carlos.ruiz@example.com", Phones: []string{"+15125550111"},
			Stage: "Active", StageID: 3, Source: "Realtor.com", Score: 64, CreateTime: "2026-02-10T12:00:00Z",
			LastTouch: "2026-02-28T13:00:00Z", LeadTypes: []int32{2}, SalesAgent: john,
			Inquiry: &Inquiry{PriceMin: 350000, PriceMax: 425000, BedroomsMin: 3}, BuyingTimeFrame: "3-6", PreQual: "No",
			AIStage: "HIGH_PRIORITY", WorkingSince: "2026-02-11T09:00:00Z", Muted: true,
			PlanTasks: []map[string]any{
				task(700010, "Call Carlos: asked for a second showing", "CALL", "PENDING", "2026-03-04T18:00:00Z", "2026-02-28T13:00:00Z"),
			}}),
		book(&Lead{ID: 563172647619612, Name: "Emily Chen", Email: "emily.chen@example.com", Phones: []string{"+15125550112"},
			Stage: "Nurture", StageID: 4, Source: "Facebook", Score: 35, CreateTime: "2026-01-28T08:00:00Z",
			LastTouch: "2026-02-20T10:00:00Z", LeadTypes: []int32{2, 5}, SalesAgent: john,
			Inquiry:         &Inquiry{PriceMax: 2800, PropertyTypes: []string{"Condo"}, Locations: []Location{{City: "Austin", StateCode: "TX"}}},
			BuyingTimeFrame: "Just Looking", Language: "Mandarin",
			AIStage: "AI_MONITORING", WorkingSince: "2026-02-02T09:00:00Z"}),
		book(&Lead{ID: 563172647619613, Name: "Omar Haddad", Email: "omar.haddad@example.com", Phones: []string{"+15125550113"},
			Stage: "Under Contract", StageID: 6, Source: "Referral", Score: 90, CreateTime: "2025-12-15T15:00:00Z",
			LastTouch: "2026-03-01T09:00:00Z", LeadTypes: []int32{1}, SellingTimeFrame: "1-3", Opportunity: "Sell",
			Properties: []Property{{StreetAddress: "4410 Duval St", City: "Austin", State: "TX", ZipCode: "78751",
				PropertyType: "Single Family Home", Price: 725000, Bedrooms: 3, Bathrooms: 2.5, SquareFeet: 1850, LotSize: 0.18}}}),
		book(&Lead{ID: 563172647619614, Name: "Sofia Rossi", Email: "sofia.rossi@example.com", Phones: []string{"+15125550114"},
			Stage: "New Lead", StageID: 1, Source: "Zillow", Score: 20, CreateTime: "2026-03-01T19:00:00Z",
			AssignTime: "2026-03-02T15:10:00Z", LeadTypes: []int32{2}, SalesAgent: john, AIStage: "AI_PROSPECTING", WorkingSince: "2026-03-01T19:05:00Z",
			PlanTasks: []map[string]any{
				task(700020, "Text Sofia: ask about her timeline", "TEXT", "PENDING", "2026-03-03T21:00:00Z", "2026-03-01T19:05:00Z"),
			}}),
		book(&Lead{ID: 563172647619615, Name: "Liam O'Brien", Email: "liam.obrien@example.com", Phones: []string{"+15125550115"},
			Stage: "Active", StageID: 3, Source: "Website", Score: 55, CreateTime: "2026-02-14T10:00:00Z",
			LastTouch: "2026-02-27T11:00:00Z", LeadTypes: []int32{6}}),
		book(&Lead{ID: 563172647619616, Name: "Grace Kim", Email: "grace.kim@example.com", Phones: []string{"+15125550116"},
			Stage: "Closed", StageID: 7, Source: "Past Client", Score: 99, CreateTime: "2025-10-05T10:00:00Z",
			LastTouch: "2026-01-15T10:00:00Z", LeadTypes: []int32{8}}),
		book(&Lead{ID: 563172647619617, Name: "Noah Williams", Email: "noah.williams@example.com", Phones: []string{"+15125550117"},
			Stage: "New Lead", StageID: 1, Source: "Google", Score: 15, CreateTime: "2026-02-25T07:00:00Z",
			LeadTypes: []int32{2}}),
	}
	d := &Data{Leads: map[int64]*Lead{}, CurrentSalesAgent: john, Settings: demoSettings(), Team: demoTeam()}
	for _, l := range leads {
		d.Leads[l.ID] = l
	}
	for _, seed := range areaSeeds {
		seed(d)
	}
	return d
}

// areaSeeds add each area's part of the demo world to Demo's data; an
// area's file appends its seed in an init.
var areaSeeds []func(*Data)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
