package tools

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Administration: what a team lead or broker changes in Lofty — lead
// routing, offices and the company, agents, custom fields, webhooks, the
// AI sales agent's settings, the Brokermint syncs. The toolset must be
// named, and the person confirms every call whatever --confirm-writes
// says (MustConfirm). An update that replaces a whole rule or settings
// object reads the current one first (Lookup) and the question shows what
// changes, before → after; a name Lofty would not know is refused with the
// names it would, before anything is sent.

// AdminResult is the answer of an administration tool: what it created
// or changed (id). The question put to the person showed each change,
// before → after; the summary names the fields changed, never their
// values, which may hold text an outsider wrote.
type AdminResult struct {
	Outcome
	ID int64 `json:"id,omitempty"`
}

// changes collects "field: before → after" lines.
type changes []string

// add notes field's change from before to after, if it changes.
func (c *changes) add(field, before, after string) {
	if before == after {
		return
	}
	*c = append(*c, field+": "+shown(before)+" → "+shown(after))
}

func shown(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// list renders the changes as the lines of a question.
func (c changes) list() string { return "- " + strings.Join(c, "\n- ") }

// fields names what changes: "days, hours".
func (c changes) fields() string {
	names := make([]string, len(c))
	for i, line := range c {
		names[i], _, _ = strings.Cut(line, ":")
	}
	return strings.Join(names, ", ")
}

func boolText(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

func int32Text(n *int32) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(int(*n))
}

func quoteAllText(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = Quote(n, MaxNameLength)
	}
	return strings.Join(q, ", ")
}

// RouteWeightInput is a member a routing rule assigns to, and their share.
type RouteWeightInput struct {
	ID     int64 `json:"id" jsonschema:"minimum=1,description=userId"`
	Weight int32 `json:"weight" jsonschema:"minimum=1,description=Share"`
}

// RoutingUpdateInput is what the model sends to update_lead_routing: a
// rule's changes (ruleId), or the default rule's (no ruleId).
type RoutingUpdateInput struct {
	Type         string             `json:"type,omitempty" jsonschema:"enum=agent,enum=lender,enum=assistant,description=Leads (default agent)"`
	RoleID       int64              `json:"roleId,omitempty" jsonschema:"minimum=1,description=Assistant's role"`
	RuleID       int64              `json:"ruleId,omitempty" jsonschema:"minimum=1,description=None: the default rule"`
	Days         []string           `json:"days,omitempty" jsonschema:"enum=Mon,enum=Tue,enum=Wed,enum=Thu,enum=Fri,enum=Sat,enum=Sun,uniqueItems=true,description=Rule's"`
	Hours        string             `json:"hours,omitempty" jsonschema:"description=Rule's: 8-18 etc."`
	Members      []RouteWeightInput `json:"members,omitempty" jsonschema:"description=Rule's (replaces all)"`
	TouchMinutes *int32             `json:"touchMinutes,omitempty" jsonschema:"minimum=1,maximum=1440,description=To claim (>60: whole hours)"`
	AssigneeID   int64              `json:"assigneeId,omitempty" jsonschema:"minimum=1,description=Default rule's member"`

	// What Lookup read and made of it.
	rule    *lofty.RoutingRuleRequest
	def     *lofty.DefaultRuleRequest
	about   string // "agent routing rule 601 \"name\"" or "the default rule for agent leads"
	changed changes
}

func (in RoutingUpdateInput) typeName() string {
	if in.Type == "" {
		return "agent"
	}
	return in.Type
}

// routingDays turns day names into Lofty's (1 Monday … 7 Sunday), in order.
func routingDays(names []string) []int32 {
	var out []int32
	for d := 1; d <= 7; d++ {
		if slices.Contains(names, isoDays[d]) {
			out = append(out, int32(d))
		}
	}
	return out
}

func weightsText(ws []lofty.MemberWeight, names map[int64]string) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		who := strconv.FormatInt(w.MemberID, 10)
		if n := names[w.MemberID]; n != "" {
			who = Quote(n, MaxNameLength) + " (" + who + ")"
		}
		parts[i] = fmt.Sprintf("%s ×%d", who, w.Weight)
	}
	return strings.Join(parts, ", ")
}

// lookupRouting reads the rule (or the default rule) the update replaces,
// refuses what Lofty would not know, and works out the request and its
// changes.
func lookupRouting(ctx context.Context, c *lofty.Client, in *RoutingUpdateInput) error {
	typ := routingType(in.Type)
	names := map[int64]string{}
	if in.Members != nil || in.AssigneeID != 0 { // members to check, and to name in the question
		members, err := c.RoutingMembers(ctx, typ, in.RoleID)
		if err != nil {
			return err
		}
		var valid []string
		for _, m := range members {
			names[m.ID] = CleanLine(m.Name, MaxNameLength)
			valid = append(valid, fmt.Sprintf("%s (%d)", Quote(names[m.ID], MaxNameLength), m.ID))
		}
		var unknown []int64
		for _, w := range in.Members {
			if _, ok := names[w.ID]; !ok {
				unknown = append(unknown, w.ID)
			}
		}
		if _, ok := names[in.AssigneeID]; in.AssigneeID != 0 && !ok {
			unknown = append(unknown, in.AssigneeID)
		}
		if len(unknown) > 0 {
			return Refuse("Lofty's %s routing cannot assign member %s. Whom it can assign: %s.", in.typeName(), idList(unknown), nameList(valid))
		}
	}
	var ch changes
	if in.RuleID != 0 {
		rules, err := c.RoutingRules(ctx, typ, in.RoleID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(rules, func(r lofty.RoutingRule) bool { return r.ID == in.RuleID })
		if i < 0 {
			var have []string
			for _, r := range rules {
				have = append(have, fmt.Sprintf("%d %s", r.ID, Quote(r.Name, MaxNameLength)))
			}
			return notListed("routing rules", have)
		}
		cur := rules[i]
		req := lofty.RoutingRuleRequest{ID: cur.ID, ActiveHours: cur.ActiveHours, RoutingStrategy: cur.RoutingStrategy}
		req.RoutingStrategy.GroupName = "" // Lofty: an edit does not take it
		if req.ActiveHours.ActiveDays == nil {
			req.ActiveHours.ActiveDays = []int32{}
		}
		if in.Days != nil {
			req.ActiveHours.ActiveDays = routingDays(in.Days)
			ch.add("days", strings.Join(routingDayNames(cur.ActiveHours.ActiveDays), ", "),
				strings.Join(routingDayNames(req.ActiveHours.ActiveDays), ", "))
		}
		if in.Hours != "" {
			from, to, _ := parseHours(in.Hours)
			h := &req.ActiveHours
			ch.add("hours", hour(h.HoursStart)+"-"+hour(h.HoursEnd), fmt.Sprintf("%d-%d", from, to))
			h.HoursStart, h.HoursEnd = &from, &to
		}
		s := &req.RoutingStrategy
		if in.TouchMinutes != nil {
			ch.add("touch minutes", int32Text(s.TouchMinutes), int32Text(in.TouchMinutes))
			s.TouchMinutes = in.TouchMinutes
		}
		if in.Members != nil {
			list := make([]lofty.MemberWeight, len(in.Members))
			for i, w := range in.Members {
				list[i] = lofty.MemberWeight{MemberID: w.ID, Weight: w.Weight}
			}
			ch.add("members", weightsText(s.MemberWeights.List, names), weightsText(list, names))
			s.MemberWeights = s.MemberWeights.With(list)
		}
		in.rule = &req
		in.about = fmt.Sprintf("%s routing rule %d %s", in.typeName(), cur.ID, Quote(cur.Name, MaxNameLength))
	} else {
		cur, err := c.DefaultRoutingRule(ctx, typ, in.RoleID)
		if err != nil {
			return err
		}
		req := lofty.DefaultRuleRequest{StrategyType: cur.StrategyType, TouchMinutes: cur.TouchMinutes,
			AssigneeAgentID: cur.AssigneeAgentID}
		if req.AssigneeAgentID == 0 {
			req.AssigneeGroupID = cur.AssigneeGroupID
		}
		if in.RoleID != 0 {
			role := int32(in.RoleID)
			req.RoleID = &role
		}
		if in.TouchMinutes != nil {
			ch.add("touch minutes", int32Text(cur.TouchMinutes), int32Text(in.TouchMinutes))
			req.TouchMinutes = in.TouchMinutes
		}
		before := defaultAssignee(cur.AssigneeAgentID, CleanLine(cur.AssigneeAgentName, MaxNameLength), cur.AssigneeGroupID, CleanLine(cur.AssigneeGroupName, MaxNameLength))
		if in.AssigneeID != 0 {
			req.AssigneeAgentID, req.AssigneeGroupID = in.AssigneeID, 0
			ch.add("assignee", before, defaultAssignee(in.AssigneeID, names[in.AssigneeID], 0, ""))
		}
		in.def = &req
		in.about = "the default rule for " + in.typeName() + " leads"
	}
	if len(ch) == 0 {
		return Refuse("These are the values %s has already: there is nothing to change.", in.about)
	}
	in.changed = ch
	return nil
}

// defaultAssignee names a default rule's assignee: a member or an office.
func defaultAssignee(agentID int64, agent string, officeID int64, office string) string {
	switch {
	case agentID != 0 && agent != "":
		return fmt.Sprintf("member %s (%d)", Quote(agent, MaxNameLength), agentID)
	case agentID != 0:
		return fmt.Sprintf("member %d", agentID)
	case officeID != 0 && office != "":
		return fmt.Sprintf("office %s (%d)", Quote(office, MaxNameLength), officeID)
	case officeID != 0:
		return fmt.Sprintf("office %d", officeID)
	}
	return ""
}

// UpdateLeadRouting changes a routing rule or the default rule.
var UpdateLeadRouting = Spec[RoutingUpdateInput, AdminResult]{
	Name:    "update_lead_routing",
	Title:   "Update lead routing",
	Toolset: ToolsetAdmin,
	Upstream: []string{"GET /v1.0/routing/rule/list/{type}", "GET /v1.0/routing/rule/supplement/{type}",
		"GET /v1.0/routing/member/list/{type}", "PUT /v1.0/routing/rule/{type}", "PUT /v1.0/routing/rule/supplement/{type}"},
	Example:     `{"ruleId": 601, "days": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"], "hours": "8-20", "touchMinutes": 30}`,
	Description: "Change a routing rule's days, hours, weights or claim time, or the default rule's assignee. Shows before → after.",
	Check: func(in RoutingUpdateInput) error {
		if err := checkRoutingRole(in.Type, in.RoleID); err != nil {
			return err
		}
		rule := in.Days != nil || in.Hours != "" || in.Members != nil
		def := in.AssigneeID != 0
		if in.Hours != "" {
			if _, _, err := parseHours(in.Hours); err != nil {
				return err
			}
		}
		switch {
		case in.RuleID != 0 && def:
			return errors.New(`"assigneeId" is the default rule's: leave out "ruleId" to change it`)
		case in.Days != nil && len(in.Days) == 0:
			return errors.New(`"days" is empty: a rule routes on at least one day`)
		case in.Members != nil && len(in.Members) == 0:
			return errors.New(`"members" is empty: a rule assigns at least one member`)
		case in.RuleID == 0 && rule:
			return errors.New(`"days", "hours" and "members" are a rule's: give its "ruleId" (get_lead_routing lists them)`)
		case !rule && !def && in.TouchMinutes == nil:
			return errors.New("nothing to change: give the values to change")
		case in.TouchMinutes != nil && *in.TouchMinutes > 60 && *in.TouchMinutes%60 != 0:
			return errors.New(`"touchMinutes" beyond 60 must be whole hours (120, 180, ...), as Lofty requires`)
		}
		return nil
	},
	Call: func(ctx context.Context, c *lofty.Client, in RoutingUpdateInput) (AdminResult, error) {
		typ := routingType(in.Type)
		out := AdminResult{ID: in.RuleID}
		var err error
		if in.rule != nil {
			_, err = c.UpdateRoutingRule(ctx, typ, *in.rule)
		} else {
			_, err = c.UpdateDefaultRoutingRule(ctx, typ, *in.def)
		}
		return out, err
	},
	NotFound: func(in RoutingUpdateInput) string {
		if in.RuleID == 0 {
			return fmt.Sprintf("Lofty has no default rule for %s leads.", in.typeName())
		}
		return fmt.Sprintf("Lofty has no %s routing rule %d (get_lead_routing lists them).", in.typeName(), in.RuleID)
	},
	Subject: func(in RoutingUpdateInput) string {
		if in.RuleID != 0 {
			return fmt.Sprintf("%s routing rule %d", in.typeName(), in.RuleID)
		}
		return "the default " + in.typeName() + " routing rule"
	},
	Write: &Write[RoutingUpdateInput, AdminResult]{
		Destructive: true, // replaces the rule's hours and strategy as a whole
		Idempotent:  true,
		MustConfirm: true,
		Act:         "change lead routing",
		Lookup:      lookupRouting,
		Ask: func(in RoutingUpdateInput, _ LeadNames) string {
			return "Change " + in.about + "? Lofty replaces its settings as a whole: what is not listed stays as it is now.\n\n" +
				in.changed.list()
		},
		Done: func(in RoutingUpdateInput, _ AdminResult, _ LeadNames) string {
			what := fmt.Sprintf("%s routing rule %d", in.typeName(), in.RuleID)
			if in.RuleID == 0 {
				what = "default rule for " + in.typeName() + " leads"
			}
			return "Changed the " + what + ": " + in.changed.fields() + "."
		},
		Check: "Check with get_lead_routing.",
	},
}

// AgentSettingsInput is what the model sends to update_sales_agent_settings:
// only what changes.
type AgentSettingsInput struct {
	Channels     []string `json:"channels,omitempty" jsonschema:"enum=texts,enum=emails,enum=websiteChat,uniqueItems=true,description=On (others off)"`
	Hours        string   `json:"hours,omitempty" jsonschema:"description=8-20 etc."`
	Days         []string `json:"days,omitempty" jsonschema:"enum=Sun,enum=Mon,enum=Tue,enum=Wed,enum=Thu,enum=Fri,enum=Sat,uniqueItems=true,description=[]: all"`
	LeadTypes    []string `json:"leadTypes,omitempty" jsonschema:"enum=Seller,enum=Buyer,enum=Renter,enum=Investor,enum=Agent,enum=Homeowner,enum=Landlord,enum=Other,uniqueItems=true,description=[]: all"`
	NewLeads     *bool    `json:"newLeads,omitempty" jsonschema:"description=Follows up new leads"`
	FollowUpRole string   `json:"followUpRole,omitempty" jsonschema:"enum=AI,enum=Agent,description=Who follows up"`

	req     *lofty.SalesAgentSettingsUpdate
	changed changes
}

// leadTypeID is Lofty's id of a lead type name.
func leadTypeID(name string) int32 {
	for id, n := range leadTypeNames {
		if n == name {
			return id
		}
	}
	return 0
}

// lookupAgentSettings reads the settings the update replaces and works
// out the whole request and its changes.
func lookupAgentSettings(ctx context.Context, c *lofty.Client, in *AgentSettingsInput) error {
	cur, err := c.SalesAgentSettings(ctx)
	if err != nil {
		return err
	}
	before := newSalesAgentSettings(cur)
	next := cur
	if in.Channels != nil {
		for _, ch := range []struct {
			name string
			dst  **bool
		}{{"texts", &next.TextChannel}, {"emails", &next.EmailChannel}, {"websiteChat", &next.WebsiteChannel}} {
			on := slices.Contains(in.Channels, ch.name)
			*ch.dst = &on
		}
	}
	if in.NewLeads != nil {
		next.NewLeadEnable = in.NewLeads
	}
	if in.Hours != "" {
		from, to, _ := parseHours(in.Hours)
		next.StartActiveHour, next.EndActiveHour = &from, &to
	}
	if in.Days != nil {
		next.ActiveDays = []int32{}
		for d, name := range dayNames {
			if slices.Contains(in.Days, name) {
				next.ActiveDays = append(next.ActiveDays, int32(d))
			}
		}
	}
	if in.LeadTypes != nil {
		next.LeadTypes = []int32{}
		for _, t := range in.LeadTypes {
			next.LeadTypes = append(next.LeadTypes, leadTypeID(t))
		}
	}
	if in.FollowUpRole != "" {
		next.FollowUpRole = in.FollowUpRole
	}
	after := newSalesAgentSettings(next)
	var ch changes
	ch.add("texts", boolText(before.TextChannel), boolText(after.TextChannel))
	ch.add("emails", boolText(before.EmailChannel), boolText(after.EmailChannel))
	ch.add("website chat", boolText(before.WebsiteChannel), boolText(after.WebsiteChannel))
	ch.add("active hours", before.ActiveHours, after.ActiveHours)
	ch.add("active days", allWhenEmpty(before.ActiveDays), allWhenEmpty(after.ActiveDays))
	ch.add("lead types", allWhenEmpty(before.LeadTypes), allWhenEmpty(after.LeadTypes))
	ch.add("new leads", boolText(before.NewLeadEnable), boolText(after.NewLeadEnable))
	ch.add("follow-up role", before.FollowUpRole, after.FollowUpRole)
	if len(ch) == 0 {
		return Refuse("These are your AI sales agent's settings already: there is nothing to change.")
	}
	req := next.Update()
	in.req, in.changed = &req, ch
	return nil
}

func allWhenEmpty(items []string) string {
	if len(items) == 0 {
		return "all"
	}
	return strings.Join(items, ", ")
}

// UpdateSalesAgentSettings changes how the AI sales agent works.
var UpdateSalesAgentSettings = Spec[AgentSettingsInput, AdminResult]{
	Name:        "update_sales_agent_settings",
	Title:       "Update sales agent settings",
	Toolset:     ToolsetAdmin,
	Upstream:    []string{"GET " + lofty.SalesAgentSettingsPath, "PUT " + lofty.SalesAgentSettingsPath},
	Example:     `{"days": ["Mon", "Tue", "Wed", "Thu", "Fri"], "hours": "8-18"}`,
	Description: "Change how my AI sales agent works: channels, hours, days, lead types, who follows up. Shows before → after.",
	Check: func(in AgentSettingsInput) error {
		if in.Hours != "" {
			_, _, err := parseHours(in.Hours)
			return err
		}
		if in.Channels == nil && in.Days == nil && in.LeadTypes == nil && in.NewLeads == nil && in.FollowUpRole == "" {
			return errors.New("nothing to change: give the settings to change")
		}
		return nil
	},
	Call: func(ctx context.Context, c *lofty.Client, in AgentSettingsInput) (AdminResult, error) {
		_, err := c.UpdateSalesAgentSettings(ctx, *in.req)
		return AdminResult{ID: in.req.ID}, err
	},
	Subject: func(AgentSettingsInput) string { return "the sales agent settings" },
	NotFound: func(AgentSettingsInput) string {
		return "The current Lofty user has no AI sales agent, so it has no settings."
	},
	Write: &Write[AgentSettingsInput, AdminResult]{
		Destructive: true, // replaces the settings as a whole
		Idempotent:  true,
		MustConfirm: true,
		Act:         "change your AI sales agent's settings",
		Lookup:      lookupAgentSettings,
		Ask: func(in AgentSettingsInput, _ LeadNames) string {
			return "Change how your AI sales agent works? Lofty replaces its settings as a whole: lofty-mcp sends every " +
				"other setting as it is now.\n\n" + in.changed.list()
		},
		Done: func(in AgentSettingsInput, _ AdminResult, _ LeadNames) string {
			return "Changed your AI sales agent's " + in.changed.fields() + "."
		},
		Check: "Check with get_sales_agent_settings.",
	},
}

// OrgUpdateInput is what the model sends to update_organization.
type OrgUpdateInput struct {
	Target        string `json:"target" jsonschema:"enum=company,enum=office,enum=newOffice,description=What"`
	OfficeID      int64  `json:"officeId,omitempty" jsonschema:"minimum=1,description=Target office's"`
	Name          string `json:"name,omitempty" jsonschema:"maxLength=100,description=Name"`
	Phone         string `json:"phone,omitempty" jsonschema:"description=Digits"`
	Email         string `json:"email,omitempty" jsonschema:"format=email,description=Contact"`
	StreetAddress string `json:"streetAddress,omitempty" jsonschema:"maxLength=200,description=Street"`
	City          string `json:"city,omitempty" jsonschema:"description=City"`
	State         string `json:"state,omitempty" jsonschema:"description=State"`
	Zipcode       string `json:"zipcode,omitempty" jsonschema:"description=ZIP"`

	office  *lofty.OfficeRequest // Lookup: the office as it is, changed
	known   bool                 // its current details were read
	changed changes
}

// orgFields are the fields an update sets: name and value, in order.
func (in OrgUpdateInput) orgFields() [][2]string {
	return [][2]string{{"name", in.Name}, {"phone", in.Phone}, {"email", in.Email}, {"street", in.StreetAddress},
		{"city", in.City}, {"state", in.State}, {"ZIP", in.Zipcode}}
}

// lookupOffice reads the office an update changes: Lofty has no read of
// one office, but every member's record carries their office's.
func lookupOffice(ctx context.Context, c *lofty.Client, in *OrgUpdateInput) error {
	req := lofty.OfficeRequest{ID: in.OfficeID}
	var cur lofty.Office
	if in.Target == "office" {
		list, err := c.Members(ctx, lofty.MemberQuery{OfficeIDs: []int64{in.OfficeID}, Limit: 1})
		if err != nil {
			return err
		}
		for _, m := range list.Members {
			if m.Group != nil && m.Group.ID == in.OfficeID {
				cur, in.known = *m.Group, true
				req = cur.OfficeRequest
			}
		}
	}
	var ch changes
	before := [][2]string{{"name", cur.Name}, {"phone", cur.Phone}, {"email", cur.Email}, {"street", cur.StreetAddress},
		{"city", cur.City}, {"state", cur.State}, {"ZIP", cur.Zipcode}}
	dst := []*string{&req.Name, &req.Phone, &req.Email, &req.StreetAddress, &req.City, &req.State, &req.Zipcode}
	for i, f := range in.orgFields() {
		if f[1] == "" {
			continue
		}
		was := Quote(before[i][1], MaxSummaryLength)
		switch {
		case in.Target == "newOffice":
			was = ""
		case !in.known:
			was = "?"
		}
		ch.add(f[0], was, Quote(f[1], MaxSummaryLength))
		*dst[i] = f[1]
	}
	if len(ch) == 0 {
		return Refuse("These are the values office %d has already: there is nothing to change.", in.OfficeID)
	}
	in.office, in.changed = &req, ch
	return nil
}

// UpdateOrganization changes the company, an office, or adds an office.
var UpdateOrganization = Spec[OrgUpdateInput, AdminResult]{
	Name:    "update_organization",
	Title:   "Update organization",
	Toolset: ToolsetAdmin,
	Upstream: []string{"GET /v1.0/members", "POST /v1.0/org/office", "PUT /v1.0/org/office",
		"POST /v1.0/org/company"},
	Example:     `{"target": "office", "officeId": 201, "phone": "5125550111"}`,
	Description: "Change the company's or an office's name, phone, email or address, or add an office.",
	Check: func(in OrgUpdateInput) error {
		set := slices.ContainsFunc(in.orgFields(), func(f [2]string) bool { return f[1] != "" })
		switch {
		case in.Target == "office" && in.OfficeID == 0:
			return errors.New(`"office" needs "officeId" (get_team_lists lists offices)`)
		case in.Target != "office" && in.OfficeID != 0:
			return errors.New(`"officeId" names the office to change: use it with target "office"`)
		case in.Target == "newOffice" && strings.TrimSpace(in.Name) == "":
			return errors.New(`a new office needs a "name"`)
		case !set:
			return errors.New("nothing to change: give the fields to set")
		}
		return nil
	},
	Call: func(ctx context.Context, c *lofty.Client, in OrgUpdateInput) (AdminResult, error) {
		var out AdminResult
		switch in.Target {
		case "company":
			_, err := c.UpdateCompany(ctx, lofty.CompanyRequest{Name: in.Name, Phone: in.Phone, Email: in.Email,
				StreetAddress: in.StreetAddress, City: in.City, State: in.State, Zipcode: in.Zipcode})
			return out, err
		case "newOffice":
			a, err := c.AddOffice(ctx, *in.office)
			out.ID = a.ID()
			return out, err
		}
		_, err := c.UpdateOffice(ctx, *in.office)
		out.ID = in.OfficeID
		return out, err
	},
	Subject: func(in OrgUpdateInput) string {
		switch in.Target {
		case "company":
			return "the company"
		case "office":
			return fmt.Sprintf("office %d", in.OfficeID)
		}
		return "the new office"
	},
	NotFound: func(in OrgUpdateInput) string {
		return fmt.Sprintf("Lofty has no office %d (get_team_lists lists offices).", in.OfficeID)
	},
	Write: &Write[OrgUpdateInput, AdminResult]{
		Destructive: true, // replaces the fields given
		MustConfirm: true,
		Act:         "change the organization",
		Lookup: func(ctx context.Context, c *lofty.Client, in *OrgUpdateInput) error {
			if in.Target == "company" {
				var ch changes
				for _, f := range in.orgFields() {
					if f[1] != "" {
						ch.add(f[0], "?", Quote(f[1], MaxSummaryLength))
					}
				}
				in.changed = ch
				return nil
			}
			return lookupOffice(ctx, c, in)
		},
		Ask: func(in OrgUpdateInput, _ LeadNames) string {
			switch in.Target {
			case "company":
				return "Change the company's record? Lofty has no way to read it first, so the current values (?) cannot be " +
					"shown; each field below replaces what is there.\n\n" + in.changed.list()
			case "newOffice":
				return "Add a new office at the top of the company?\n\n" + in.changed.list()
			}
			s := fmt.Sprintf("Change office %d?", in.OfficeID)
			if !in.known {
				s += " It has no members, whose records are the only way Lofty shows an office, so its current values (?) cannot be shown."
			}
			return s + "\n\n" + in.changed.list()
		},
		Done: func(in OrgUpdateInput, out AdminResult, _ LeadNames) string {
			switch in.Target {
			case "company":
				return "Changed the company's " + in.changed.fields() + "."
			case "newOffice":
				if out.ID == 0 {
					return "Added the office; Lofty did not say its id (get_team_lists lists offices)."
				}
				return fmt.Sprintf("Added office %d.", out.ID)
			}
			return fmt.Sprintf("Changed office %d's %s.", in.OfficeID, in.changed.fields())
		},
		Check: "Check with get_team_lists (lists offices).",
	},
}

// ManageAgentInput is what the model sends to manage_agent: a new
// agent (no agentId), or one change to an agent (active, or tags).
type ManageAgentInput struct {
	AgentID   int64    `json:"agentId,omitempty" jsonschema:"minimum=1,description=userId; none: create one"`
	Active    *bool    `json:"active,omitempty" jsonschema:"description=false: deactivate; true: reactivate"`
	Tags      []string `json:"tags,omitempty" jsonschema:"maxItems=20,uniqueItems=true,description=Tags to add"`
	FirstName string   `json:"firstName,omitempty" jsonschema:"maxLength=50,description=New agent's"`
	LastName  string   `json:"lastName,omitempty" jsonschema:"maxLength=50,description=New agent's"`
	Email     string   `json:"email,omitempty" jsonschema:"format=email,description=New agent's login"`
	Phone     string   `json:"phone,omitempty" jsonschema:"description=New agent's (US)"`
	Role      string   `json:"role,omitempty" jsonschema:"description=New agent's permission profile"`

	who string // Lookup: the agent named for the question
}

// creates reports whether the call creates an agent.
func (in ManageAgentInput) creates() bool { return in.AgentID == 0 }

// lookupNewAgent refuses an email already on the team and a role that is
// not a permission profile (Lofty would silently create the agent without
// one), taking the profile's own spelling.
func lookupNewAgent(ctx context.Context, c *lofty.Client, in *ManageAgentInput) error {
	m, err := c.MemberByAccount(ctx, in.Email)
	switch {
	case err == nil && m.UserID() != 0:
		return Refuse("%s is already on the team (userId %d).", Quote(in.Email, MaxNameLength), m.UserID())
	case err != nil && lofty.KindOf(err) != lofty.KindNotFound:
		return err
	}
	if in.Role == "" {
		return nil
	}
	profiles, err := c.PermissionProfiles(ctx)
	if err != nil {
		return err
	}
	var names []string
	for _, p := range profiles {
		if strings.EqualFold(strings.TrimSpace(p.Name), strings.TrimSpace(in.Role)) {
			in.Role = p.Name
			return nil
		}
		names = append(names, Quote(p.Name, MaxNameLength))
	}
	return Refuse("The team has no permission profile %s, and Lofty would create the agent without a role. Its profiles: %s.",
		Quote(in.Role, MaxNameLength), nameList(names))
}

// lookupAgent names the agent for the question, and refuses to
// deactivate one already deactivated or reactivate one who is active.
// Lofty's member list may leave out deactivated agents, so an agent it
// does not list is named by id and left for Lofty to judge.
func lookupAgent(ctx context.Context, c *lofty.Client, in *ManageAgentInput) error {
	in.who = fmt.Sprintf("user %d", in.AgentID)
	members, _, err := teamMembers(ctx, c)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.UserID() != in.AgentID {
			continue
		}
		in.who = fmt.Sprintf("%s (%s, user %d)", Quote(m.FirstName+" "+m.LastName, MaxNameLength), Quote(m.Email, MaxNameLength), in.AgentID)
		inactive := strings.EqualFold(m.AccountStatus, "INACTIVE")
		switch {
		case in.Active != nil && !*in.Active && inactive:
			return Refuse("User %d is deactivated already.", in.AgentID)
		case in.Active != nil && *in.Active && m.AccountStatus != "" && !inactive:
			return Refuse("User %d is active already.", in.AgentID)
		}
	}
	return nil
}

// ManageAgent creates an agent, deactivates or reactivates one, or tags one.
var ManageAgent = Spec[ManageAgentInput, AdminResult]{
	Name:    "manage_agent",
	Title:   "Manage agent",
	Toolset: ToolsetAdmin,
	Upstream: []string{"GET /v1.0/members", "GET /v1.0/members/{account}", "GET /v1.0/org/permission/profiles",
		"POST /v1.0/agent/profile/add", "POST /v2.0/agents/{agentId}/deactivate", "POST /v2.0/agents/{agentId}/reactivate",
		"POST /v1.0/agent/{agentId}/tag/add"},
	Example:     `{"agentId": 67892, "tags": ["Mentor"]}`,
	Description: "Create an agent, or deactivate one (frees the seat, signs them out; leads stay), reactivate or tag one.",
	Check: func(in ManageAgentInput) error {
		newAgent := in.FirstName != "" || in.LastName != "" || in.Email != "" || in.Phone != "" || in.Role != ""
		switch {
		case in.creates() && (in.Active != nil || in.Tags != nil):
			return errors.New(`"active" and "tags" change an agent: give its "agentId"`)
		case in.creates() && (strings.TrimSpace(in.FirstName) == "" || strings.TrimSpace(in.LastName) == "" || in.Email == "" ||
			len(strings.TrimSpace(in.Phone)) < 4):
			return errors.New(`a new agent needs "firstName", "lastName", "email" and "phone" (or give "agentId" to change one)`)
		case !in.creates() && newAgent:
			return errors.New(`"firstName", "lastName", "email", "phone" and "role" create an agent: leave out "agentId"`)
		case !in.creates() && (in.Active == nil) == (in.Tags == nil):
			return errors.New(`give "active" (deactivate or reactivate) or "tags", one per call`)
		}
		for _, t := range in.Tags {
			if strings.TrimSpace(t) == "" || len([]rune(t)) > MaxNameLength {
				return fmt.Errorf("a tag is 1 to %d characters", MaxNameLength)
			}
		}
		return nil
	},
	Call: func(ctx context.Context, c *lofty.Client, in ManageAgentInput) (AdminResult, error) {
		out := AdminResult{ID: in.AgentID}
		switch {
		case in.creates():
			var err error
			out.ID, err = c.AddAgent(ctx, lofty.AgentProfile{AccountInfo: lofty.AccountInfo{FirstName: in.FirstName,
				LastName: in.LastName, EmailAddress: in.Email, PhoneNumber: in.Phone, RoleName: in.Role}})
			return out, err
		case in.Active != nil:
			_, err := c.SetAgentActive(ctx, in.AgentID, *in.Active)
			return out, err
		}
		// Tags the team does not have are refused by Lofty, never created
		// by a typo.
		return out, c.TagAgent(ctx, in.AgentID, in.Tags, false)
	},
	Subject: func(in ManageAgentInput) string {
		if in.creates() {
			return "the new agent"
		}
		return fmt.Sprintf("agent %d", in.AgentID)
	},
	NotFound: func(in ManageAgentInput) string {
		return fmt.Sprintf("Lofty has no agent %d on this team.", in.AgentID)
	},
	Write: &Write[ManageAgentInput, AdminResult]{
		Destructive: true, // deactivating signs the agent out everywhere
		MustConfirm: true,
		Act:         "make this change to the team's agents",
		Lookup: func(ctx context.Context, c *lofty.Client, in *ManageAgentInput) error {
			if in.creates() {
				return lookupNewAgent(ctx, c, in)
			}
			return lookupAgent(ctx, c, in)
		},
		Ask: func(in ManageAgentInput, _ LeadNames) string {
			switch {
			case in.creates():
				s := "Create this agent on your team in Lofty?\n\nAgent: " + Quote(in.FirstName+" "+in.LastName, MaxNameLength) +
					", " + Quote(in.Email, MaxNameLength) + ", phone +1 " + Quote(in.Phone, MaxNameLength)
				if in.Role != "" {
					s += ", role " + Quote(in.Role, MaxNameLength)
				}
				return s
			case in.Active != nil && !*in.Active:
				return "Deactivate this agent? Lofty frees their seat at once and signs them out everywhere (their sessions " +
					"and API tokens stop working); their leads and data stay assigned to them. Reactivating restores " +
					"access if a seat is free.\n\nAgent: " + in.who
			case in.Active != nil:
				return "Reactivate this agent? They take one of the team's free seats again and get their access back.\n\nAgent: " + in.who
			}
			return "Add these tags to this agent?\n\nAgent: " + in.who + "\nTags: " + quoteAllText(in.Tags)
		},
		Done: func(in ManageAgentInput, out AdminResult, _ LeadNames) string {
			switch {
			case in.creates() && out.ID == 0:
				return "Lofty accepted the agent but gave no new userId: it may have returned an existing agent. get_team_members shows the team."
			case in.creates():
				return fmt.Sprintf("Created the agent: userId %d.", out.ID)
			case in.Active != nil && !*in.Active:
				return fmt.Sprintf("Deactivated agent %d: their seat is free and their sessions are revoked.", in.AgentID)
			case in.Active != nil:
				return fmt.Sprintf("Reactivated agent %d.", in.AgentID)
			}
			return fmt.Sprintf("Added %d %s to agent %d.", len(in.Tags), plural(len(in.Tags), "tag", "tags"), in.AgentID)
		},
		Check: "Check with get_team_members.",
	},
}

// CustomFieldInput is what the model sends to add_custom_field.
type CustomFieldInput struct {
	Name    string   `json:"name" jsonschema:"maxLength=50,description=Field name"`
	Type    string   `json:"type" jsonschema:"enum=text,enum=number,enum=date,enum=anniversary_date,enum=single_select,enum=multi_select,enum=percentage,enum=currency,description=Type"`
	Options []string `json:"options,omitempty" jsonschema:"uniqueItems=true,description=A select's options"`
}

func isSelect(typ string) bool { return typ == "single_select" || typ == "multi_select" }

// AddCustomField adds a lead custom field to the team.
var AddCustomField = Spec[CustomFieldInput, AdminResult]{
	Name:        "add_custom_field",
	Title:       "Add custom field",
	Toolset:     ToolsetAdmin,
	Upstream:    []string{"GET /v1.0/teamFeatures/listCustomField", "POST /v1.0/teamFeatures/custom-field"},
	Example:     `{"name": "School district", "type": "single_select", "options": ["Eanes ISD", "Austin ISD"]}`,
	Description: "Add a custom field to every lead of the team: text, number, date, a select with options, ...",
	Check: func(in CustomFieldInput) error {
		switch {
		case strings.TrimSpace(in.Name) == "":
			return errors.New(`"name" is blank`)
		case isSelect(in.Type) && len(in.Options) == 0:
			return fmt.Errorf("a %s field needs its \"options\"", in.Type)
		case !isSelect(in.Type) && len(in.Options) > 0:
			return errors.New(`"options" are for single_select and multi_select fields`)
		}
		return nil
	},
	Call: func(ctx context.Context, c *lofty.Client, in CustomFieldInput) (AdminResult, error) {
		_, err := c.AddCustomField(ctx, lofty.CustomField{AttributeName: strings.TrimSpace(in.Name), AttributeType: in.Type,
			Params: lofty.CustomFieldParams(in.Options)})
		return AdminResult{}, err
	},
	Subject: func(in CustomFieldInput) string { return "the new custom field" },
	Write: &Write[CustomFieldInput, AdminResult]{
		MustConfirm: true,
		Act:         "add this custom field",
		Lookup: func(ctx context.Context, c *lofty.Client, in *CustomFieldInput) error {
			fields, err := c.CustomFields(ctx)
			if err != nil {
				return err
			}
			for _, f := range fields {
				if strings.EqualFold(strings.TrimSpace(f.AttributeName), strings.TrimSpace(in.Name)) {
					return Refuse("The team has a custom field %s already.", Quote(f.AttributeName, MaxNameLength))
				}
			}
			return nil
		},
		Ask: func(in CustomFieldInput, _ LeadNames) string {
			s := "Add a " + in.Type + " custom field to every lead of the team? Lofty's API has no way to remove it again.\n\nField: " +
				Quote(in.Name, MaxNameLength)
			if len(in.Options) > 0 {
				s += "\nOptions: " + quoteAllText(in.Options)
			}
			return s
		},
		Done: func(in CustomFieldInput, _ AdminResult, _ LeadNames) string {
			return "Added the " + in.Type + " custom field (get_team_lists shows it)."
		},
		Check: "Check with get_team_lists.",
	},
}

// webhookEventIDs are Lofty's listIds by event name.
func webhookEventID(name string) int32 {
	for id, n := range lofty.WebhookEvents {
		if n == name {
			return id
		}
	}
	return 0
}

// webhookEventsDone says what each event posts, as the document does.
var webhookEventsDone = map[string]string{
	"Agent Info": "an agent created or updated", "Lead Info": "a lead created, updated or deleted",
	"Lead Activity": "a lead's site activity", "Listing Alert": "a listing alert changed",
	"Transaction": "a transaction created, updated or deleted", "Call": "a call made or logged by hand",
	"Email": "an email sent or logged by hand", "Text": "a text sent or logged by hand", "Note": "a note created, updated or deleted",
	"Task": "a task created, updated, finished or deleted", "Appointment": "an appointment created, updated, finished or deleted",
	"Pipeline Change": "a lead moved to another stage",
}

// CreateWebhookInput is what the model sends to create_webhook.
type CreateWebhookInput struct {
	Event     string `json:"event" jsonschema:"enum=Agent Info,enum=Lead Info,enum=Lead Activity,enum=Listing Alert,enum=Transaction,enum=Call,enum=Email,enum=Text,enum=Note,enum=Task,enum=Appointment,enum=Pipeline Change,description=Event"`
	URL       string `json:"url" jsonschema:"maxLength=500,description=https callback"`
	Ownership bool   `json:"ownership,omitempty" jsonschema:"description=Also leads I own"`
}

// checkCallbackURL refuses a callback Lofty could not post to safely: not
// https, no host, or carrying a password.
func checkCallbackURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil || !u.IsAbs():
		return errors.New(`"url" is not an absolute URL`)
	case u.Scheme != "https":
		return errors.New(`"url" must be https: Lofty posts lead data to it, which must not travel in clear text`)
	case u.Hostname() == "":
		return errors.New(`"url" has no host`)
	case u.User != nil:
		return errors.New(`"url" must not carry a user name or password`)
	case strings.ContainsAny(raw, " \t\r\n"):
		return errors.New(`"url" must not contain spaces`)
	}
	return nil
}

// unsigned is what every webhook answer says of Lofty's payloads.
const unsigned = "Lofty documents no signing of webhook payloads: the receiver cannot verify that a call came from Lofty, so give the URL a secret of its own."

// CreateWebhook subscribes the team to a Lofty event.
var CreateWebhook = Spec[CreateWebhookInput, AdminResult]{
	Name:        "create_webhook",
	Title:       "Create webhook",
	Toolset:     ToolsetAdmin,
	Upstream:    []string{"POST /v1.0/webhook"},
	Example:     `{"event": "Pipeline Change", "url": "https://hooks.example.com/lofty/stages"}`,
	Description: "Have Lofty post an event (a note, a stage change, ...) to an https URL. It signs no payloads.",
	Check:       func(in CreateWebhookInput) error { return checkCallbackURL(in.URL) },
	Call: func(ctx context.Context, c *lofty.Client, in CreateWebhookInput) (AdminResult, error) {
		r := lofty.WebhookRequest{ListID: webhookEventID(in.Event), CallbackURL: strings.TrimSpace(in.URL)}
		if in.Ownership {
			r.PermissionMode = 1
		}
		h, err := c.AddWebhook(ctx, r)
		return AdminResult{ID: h.SubscribeID}, err
	},
	Subject: func(in CreateWebhookInput) string { return "the " + in.Event + " webhook" },
	Write: &Write[CreateWebhookInput, AdminResult]{
		MustConfirm: true,
		Act:         "create this webhook",
		Ask: func(in CreateWebhookInput, _ LeadNames) string {
			whose := "leads assigned to you (all leads, if you are a company owner or admin)"
			if in.Ownership {
				whose = "leads assigned to you and leads your team, office or you own"
			}
			return "Have Lofty post " + in.Event + " events (" + webhookEventsDone[in.Event] + ") for " + whose +
				" to this URL? " + unsigned + "\n\nURL: " + Quote(in.URL, MaxSummaryLength)
		},
		Done: func(in CreateWebhookInput, out AdminResult, _ LeadNames) string {
			return fmt.Sprintf("Created webhook %d for %s events (event %d). %s", out.ID, in.Event, webhookEventID(in.Event), unsigned)
		},
		Check: "Check with get_team_lists (lists webhooks).",
	},
}

// DeleteWebhookInput is what the model sends to delete_webhook.
type DeleteWebhookInput struct {
	ID int64 `json:"webhookId" jsonschema:"minimum=1,description=Its id (get_team_lists)"`

	hook *lofty.Webhook // Lookup: the subscription
}

// DeleteWebhook removes a webhook subscription. Deleting is in the
// toolset deletes, and it is administration too: it is served only when
// both deletes and admin are named.
var DeleteWebhook = Spec[DeleteWebhookInput, AdminResult]{
	Name:        "delete_webhook",
	Title:       "Delete webhook",
	Toolset:     ToolsetDeletes,
	AlsoToolset: ToolsetAdmin,
	Upstream:    []string{"GET /v1.0/webhooks", "DELETE /v1.0/webhook/{subscribeId}"},
	Example:     `{"webhookId": 5001}`,
	Description: "Delete a webhook subscription: Lofty stops posting its event.",
	Call: func(ctx context.Context, c *lofty.Client, in DeleteWebhookInput) (AdminResult, error) {
		return AdminResult{ID: in.ID}, c.DeleteWebhook(ctx, in.ID)
	},
	Subject: func(in DeleteWebhookInput) string { return fmt.Sprintf("webhook %d", in.ID) },
	NotFound: func(in DeleteWebhookInput) string {
		return fmt.Sprintf("The team has no webhook %d (get_team_lists with lists webhooks shows them).", in.ID)
	},
	Write: &Write[DeleteWebhookInput, AdminResult]{
		Destructive: true,
		Idempotent:  true,
		MustConfirm: true,
		Act:         "delete this webhook",
		Lookup: func(ctx context.Context, c *lofty.Client, in *DeleteWebhookInput) error {
			hooks, err := c.Webhooks(ctx)
			if err != nil {
				return err
			}
			var have []string
			for _, h := range hooks {
				if h.SubscribeID == in.ID {
					in.hook = &h
					return nil
				}
				have = append(have, fmt.Sprintf("%d (%s)", h.SubscribeID, eventName(h.ListID)))
			}
			return notListed("webhooks", have)
		},
		Ask: func(in DeleteWebhookInput, _ LeadNames) string {
			return fmt.Sprintf("Delete this webhook? Lofty stops posting %s events to its URL at once; creating it again makes a new one.\n\n"+
				"Webhook %d: %s events to %s", eventName(in.hook.ListID), in.ID, eventName(in.hook.ListID),
				Quote(in.hook.CallbackURL, MaxSummaryLength))
		},
		Done: func(in DeleteWebhookInput, _ AdminResult, _ LeadNames) string {
			return fmt.Sprintf("Deleted webhook %d (%s events).", in.ID, eventName(in.hook.ListID))
		},
		Check: "Check with get_team_lists (lists webhooks).",
	},
}

// BrokermintInput is what the model sends to sync_brokermint: a
// transaction (transactionId) or a contact (email).
type BrokermintInput struct {
	TransactionID int64    `json:"transactionId,omitempty" jsonschema:"minimum=1,description=None: a contact"`
	Email         string   `json:"email,omitempty" jsonschema:"format=email,description=Contact's"`
	FirstName     string   `json:"firstName,omitempty" jsonschema:"maxLength=50,description=Contact's"`
	LastName      string   `json:"lastName,omitempty" jsonschema:"maxLength=50,description=Contact's"`
	Phone         string   `json:"phone,omitempty" jsonschema:"description=Contact's"`
	Address       string   `json:"address,omitempty" jsonschema:"maxLength=200,description=Street"`
	Status        string   `json:"status,omitempty" jsonschema:"enum=Closed,enum=Cancelled,description=Transaction's"`
	Price         *float64 `json:"price,omitempty" jsonschema:"description=Transaction's (USD)"`
	ClosingDate   string   `json:"closingDate,omitempty" jsonschema:"description=Transaction's close (RFC 3339)"`
}

// fields are the values the sync sends: name and value, in order.
func (in BrokermintInput) fields() [][2]string {
	price := ""
	if in.Price != nil {
		price = strconv.FormatFloat(*in.Price, 'f', -1, 64)
	}
	return [][2]string{{"first name", in.FirstName}, {"last name", in.LastName}, {"phone", in.Phone}, {"street", in.Address},
		{"status", in.Status}, {"price", price}, {"expected close", in.ClosingDate}}
}

// sent names the fields the sync sends: "price, expected close".
func (in BrokermintInput) sent() string {
	var names []string
	for _, f := range in.fields() {
		if f[1] != "" {
			names = append(names, f[0])
		}
	}
	return strings.Join(names, ", ")
}

// SyncBrokermint pushes a contact or a transaction into Lofty as
// Brokermint does.
var SyncBrokermint = Spec[BrokermintInput, AdminResult]{
	Name:        "sync_brokermint",
	Title:       "Sync from Brokermint",
	Toolset:     ToolsetAdmin,
	Upstream:    []string{"PUT /v1.0/brokermint/lead", "PUT /v1.0/brokermint/transaction"},
	Example:     `{"transactionId": 10002, "price": 735000, "closingDate": "2026-03-31T17:00:00Z"}`,
	Description: "Push a contact (by email) or a transaction into Lofty as Brokermint's sync does, overwriting values.",
	Check: func(in BrokermintInput) error {
		contact := in.Email != "" || in.FirstName != "" || in.LastName != "" || in.Phone != ""
		deal := in.Status != "" || in.Price != nil || in.ClosingDate != ""
		switch {
		case in.TransactionID != 0 && contact:
			return errors.New(`"email", "firstName", "lastName" and "phone" are a contact's: leave out "transactionId"`)
		case in.TransactionID == 0 && deal:
			return errors.New(`"status", "price" and "closingDate" are a transaction's: give "transactionId"`)
		case in.TransactionID == 0 && in.Email == "":
			return errors.New(`give "transactionId" (a transaction) or "email" (a contact)`)
		case in.Price != nil && *in.Price < 0:
			return errors.New(`"price" is negative`)
		case !slices.ContainsFunc(in.fields(), func(f [2]string) bool { return f[1] != "" }):
			return errors.New("nothing to sync: give the values to set")
		}
		if in.ClosingDate != "" {
			if _, err := time.Parse(time.RFC3339, in.ClosingDate); err != nil {
				return errors.New(`"closingDate" is not an RFC 3339 time such as 2026-03-31T17:00:00Z`)
			}
		}
		return nil
	},
	Call: func(ctx context.Context, c *lofty.Client, in BrokermintInput) (AdminResult, error) {
		out := AdminResult{ID: in.TransactionID}
		if in.TransactionID != 0 {
			_, err := c.SyncBrokermintTransaction(ctx, lofty.BrokermintTransaction{ID: in.TransactionID, Address: in.Address,
				Status: in.Status, Price: in.Price, ClosingDate: in.ClosingDate})
			return out, err
		}
		_, err := c.SyncBrokermintContact(ctx, lofty.BrokermintContact{Email: in.Email, FirstName: in.FirstName,
			LastName: in.LastName, Phone: in.Phone, Address: in.Address})
		return out, err
	},
	Subject: func(in BrokermintInput) string {
		if in.TransactionID != 0 {
			return fmt.Sprintf("transaction %d", in.TransactionID)
		}
		return "the Brokermint contact"
	},
	Write: &Write[BrokermintInput, AdminResult]{
		Destructive: true, // overwrites Lofty's values
		Idempotent:  true,
		MustConfirm: true,
		Act:         "sync this from Brokermint",
		Ask: func(in BrokermintInput, _ LeadNames) string {
			var lines []string
			for _, f := range in.fields() {
				if f[1] != "" {
					lines = append(lines, f[0]+": "+Quote(f[1], MaxSummaryLength))
				}
			}
			what := fmt.Sprintf("transaction %d", in.TransactionID)
			if in.TransactionID == 0 {
				what = "the lead linked to the Brokermint contact " + Quote(in.Email, MaxNameLength)
			}
			return "Overwrite " + what + " in Lofty with these values, as Brokermint's sync would? Lofty changes only what " +
				"its Brokermint integration links.\n\n- " + strings.Join(lines, "\n- ")
		},
		Done: func(in BrokermintInput, _ AdminResult, _ LeadNames) string {
			if in.TransactionID != 0 {
				return fmt.Sprintf("Lofty took the sync of transaction %d: %s.", in.TransactionID, in.sent())
			}
			return "Lofty took the sync of the Brokermint contact: " + in.sent() + "."
		},
	},
}

// parseHours reads active hours "8-18": from and to, each 0 to 23.
func parseHours(s string) (from, to int32, err error) {
	a, b, ok := strings.Cut(strings.ReplaceAll(s, " ", ""), "-")
	f, ferr := strconv.Atoi(a)
	t, terr := strconv.Atoi(b)
	if !ok || ferr != nil || terr != nil || f < 0 || f > 23 || t < 0 || t > 23 {
		return 0, 0, fmt.Errorf("%q is not active hours such as 8-18 (from and to, each 0 to 23)", s)
	}
	return int32(f), int32(t), nil
}
