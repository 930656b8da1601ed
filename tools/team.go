package tools

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// The team: who is on it, and the names Lofty expects elsewhere — the
// account emails assign_lead takes, tags, lead stages, ponds, routing,
// the organisation. Four tools shaped like a person's questions ("who is
// on my team?", "what are our tags and stages?", "who gets new leads?",
// "how is the company set up?"), each reading its sources within the rate
// budget (RunSources). Names a team member or an outsider wrote (members',
// vendors', the company's) come cleaned and bounded, in fields of their
// own.

// TeamMembersInput is what the model sends to get_team_members.
type TeamMembersInput struct {
	Email    string `json:"email,omitempty" jsonschema:"format=email,description=Just this member (account email)"`
	Me       bool   `json:"me,omitempty" jsonschema:"description=Just me"`
	OfficeID int64  `json:"officeId,omitempty" jsonschema:"minimum=1,description=Only this office"`
	Offset   int64  `json:"offset,omitempty" jsonschema:"minimum=0,description=A nextOffset"`
}

// TeamMember is one member in get_team_members' answer. Email is the
// account assign_lead and routing take; UserID what leads are assigned by.
type TeamMember struct {
	UserID   int64  `json:"userId"`
	Name     string `json:"name,omitempty"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Role     string `json:"role,omitempty"`
	Admin    bool   `json:"admin,omitempty"`
	OfficeID int64  `json:"officeId,omitempty"`
	Office   string `json:"office,omitempty"`
	Inactive bool   `json:"inactive,omitempty"`
	Leads    *int32 `json:"leads,omitempty"`
}

// TeamMembers is get_team_members' answer.
type TeamMembers struct {
	Members    []TeamMember `json:"members"`
	Total      *int64       `json:"total,omitempty"`
	NextOffset *int64       `json:"nextOffset,omitempty"`
}

// teamPage is get_team_members' page: most teams whole.
const teamPage = 100

// newTeamMember curates a member; names and the office name are cleaned.
func newTeamMember(m lofty.Member) TeamMember {
	return TeamMember{UserID: m.UserID(), Name: CleanLine(m.FirstName+" "+m.LastName, MaxNameLength),
		Email: strings.TrimSpace(m.Email), Phone: m.PhoneNumber, Role: CleanLine(m.RoleName, MaxNameLength), Admin: m.IsAdmin,
		Office: CleanLine(m.GroupName, MaxNameLength), OfficeID: m.GroupID, Leads: m.AssignedLeadCount,
		Inactive: m.AccountStatus != "" && !strings.EqualFold(m.AccountStatus, "ACTIVE")}
}

// GetTeamMembers answers "who is on my team?".
var GetTeamMembers = Spec[TeamMembersInput, TeamMembers]{
	Name:     "get_team_members",
	Title:    "Get team members",
	Toolset:  ToolsetTeam,
	Upstream: []string{"GET /v1.0/members", "GET /v1.0/members/{account}", "GET " + lofty.MePath},
	Example:  `{"officeId": 201}`,
	Description: "Team members: userId, account email (what assign_lead takes), phone, role, office, lead count. " +
		"100 a page, one by email, or me.",
	Check: func(in TeamMembersInput) error {
		if in.Email != "" && in.Me {
			return errors.New(`give "email" or "me", not both`)
		}
		if (in.Email != "" || in.Me) && (in.OfficeID != 0 || in.Offset != 0) {
			return errors.New(`"officeId" and "offset" page the team; they do not go with "email" or "me"`)
		}
		return nil
	},
	Call: func(ctx context.Context, c *lofty.Client, in TeamMembersInput) (TeamMembers, error) {
		switch {
		case in.Me:
			m, err := c.Me(ctx)
			return TeamMembers{Members: []TeamMember{newTeamMember(m)}}, err
		case in.Email != "":
			m, err := c.MemberByAccount(ctx, in.Email)
			return TeamMembers{Members: []TeamMember{newTeamMember(m)}}, err
		}
		q := lofty.MemberQuery{Offset: in.Offset, Limit: teamPage}
		if in.OfficeID != 0 {
			q.OfficeIDs = []int64{in.OfficeID}
		}
		list, err := c.Members(ctx, q)
		if err != nil {
			return TeamMembers{}, err
		}
		out := TeamMembers{Members: []TeamMember{}}
		for _, m := range list.Members {
			if m.UserID() != 0 {
				out.Members = append(out.Members, newTeamMember(m))
			}
		}
		n := int64(len(list.Members))
		seen := in.Offset + n
		if list.Metadata != nil {
			out.Total = list.Metadata.Total
		}
		if n > 0 && ((out.Total != nil && seen < *out.Total) || (out.Total == nil && n >= teamPage)) {
			out.NextOffset = &seen
		}
		return out, nil
	},
	Subject: func(in TeamMembersInput) string {
		if in.Email != "" {
			return "team member " + in.Email
		}
		return "the team"
	},
	NotFound: func(in TeamMembersInput) string {
		if in.Email != "" {
			return "Lofty has no team member whose account email is " + Quote(in.Email, MaxNameLength) +
				" (one who has not accepted the team's invitation is not found). Call get_team_members without email to list them."
		}
		return ""
	},
}

// maxTeamPages bounds how many pages of 100 members a check reads.
const maxTeamPages = 5

// teamMembers reads the whole team, 100 members a page, at most
// maxTeamPages pages; complete is false when more remain.
func teamMembers(ctx context.Context, c *lofty.Client) (members []lofty.Member, complete bool, err error) {
	for page := range maxTeamPages {
		list, err := c.Members(ctx, lofty.MemberQuery{Offset: int64(page * 100), Limit: 100})
		if err != nil {
			return nil, false, err
		}
		members = append(members, list.Members...)
		total := int64(-1)
		if list.Metadata != nil && list.Metadata.Total != nil {
			total = *list.Metadata.Total
		}
		if len(list.Members) < 100 || (total >= 0 && int64(len(members)) >= total) {
			return members, true, nil
		}
	}
	return members, false, nil
}

// maxNamesListed bounds the names a refusal lists.
const maxNamesListed = 12

// nameList renders names for a refusal: "a, b, c and 4 more".
func nameList(names []string) string {
	if len(names) > maxNamesListed {
		return strings.Join(names[:maxNamesListed], ", ") + fmt.Sprintf(" and %d more", len(names)-maxNamesListed)
	}
	return strings.Join(names, ", ")
}

// CheckAccounts refuses account emails that are not on the team, naming
// the accounts Lofty would take. The team is read without waiting for
// the rate limit; when it cannot be read whole, nothing is refused and
// Lofty decides.
func CheckAccounts(ctx context.Context, c *lofty.Client, emails []string) error {
	members, complete, err := teamMembers(lofty.NoWait(ctx), c)
	if err != nil || !complete || len(members) == 0 {
		return nil
	}
	var known, unknown []string
	for _, m := range members {
		if e := strings.ToLower(strings.TrimSpace(m.Email)); e != "" {
			known = append(known, e)
		}
	}
	for _, e := range emails {
		if !slices.Contains(known, strings.ToLower(strings.TrimSpace(e))) {
			unknown = append(unknown, Quote(e, MaxNameLength))
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(known)
	return Refuse("Lofty has no team member with the account email %s. The team's account emails: %s (get_team_members lists who they are).",
		strings.Join(unknown, ", "), nameList(known))
}

// TeamListsInput is what the model sends to get_team_lists.
type TeamListsInput struct {
	Lists  []string `json:"lists,omitempty" jsonschema:"enum=tags,enum=customFields,enum=stages,enum=ponds,enum=offices,enum=profiles,enum=vendors,enum=webhooks,uniqueItems=true,description=Default: the first four"`
	PondID int64    `json:"pondId,omitempty" jsonschema:"minimum=1,description=Just this lead pond"`
}

// FieldDef is a custom field of the team.
type FieldDef struct {
	Name    string   `json:"name"`
	Type    string   `json:"type,omitempty"`
	Options []string `json:"options,omitempty"`
}

// PondInfo is a lead pond: leads its agents may claim.
type PondInfo struct {
	ID       int64   `json:"id"`
	Name     string  `json:"name,omitempty"`
	AgentIDs []int64 `json:"agentIds,omitempty"`
}

// VendorRef is an entry of the vendor directory: people and companies the
// team works with, in their own words.
type VendorRef struct {
	Name    string `json:"name,omitempty"`
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Role    string `json:"role,omitempty"`
	Company string `json:"company,omitempty"`
}

// WebhookRef is a webhook: Lofty posts the event's changes to the URL.
type WebhookRef struct {
	ID        int64  `json:"id"`
	Event     string `json:"event"`
	URL       string `json:"url"`
	Ownership bool   `json:"ownership,omitempty" jsonschema:"description=Also leads I own"`
}

// Names maps ids to names ("201": "North Austin Office"): the compact
// shape of a list that is only ids and names, ids exact as strings.
type Names map[string]string

func (n *Names) add(id int64, name string) {
	if *n == nil {
		*n = Names{}
	}
	(*n)[strconv.FormatInt(id, 10)] = CleanLine(name, MaxNameLength)
}

// TeamLists is get_team_lists' answer.
type TeamLists struct {
	Tags         []string     `json:"tags,omitempty"`
	CustomFields []FieldDef   `json:"customFields,omitempty"`
	Stages       Names        `json:"stages,omitempty"`
	Ponds        []PondInfo   `json:"ponds,omitempty"`
	Offices      Names        `json:"offices,omitempty"`
	Profiles     Names        `json:"profiles,omitempty"`
	Vendors      []VendorRef  `json:"vendors,omitempty"`
	Webhooks     []WebhookRef `json:"webhooks,omitempty"`
	Note         string       `json:"note,omitempty"`
}

// team list names, as get_team_lists' lists takes them.
const (
	listTags         = "tags"
	listCustomFields = "customFields"
	listStages       = "stages"
	listPonds        = "ponds"
	listOffices      = "offices"
	listProfiles     = "profiles"
	listVendors      = "vendors"
	listWebhooks     = "webhooks"
)

// maxStagePages bounds the pages of 100 stages read.
const maxStagePages = 5

// allStages reads the lead pipeline, 100 stages a page.
func allStages(ctx context.Context, c *lofty.Client) ([]lofty.Stage, error) {
	var out []lofty.Stage
	for page := range maxStagePages {
		list, err := c.Stages(ctx, page, 100)
		if err != nil {
			return nil, err
		}
		out = append(out, list.Pipelines...)
		total := int64(-1)
		if list.Metadata != nil && list.Metadata.Total != nil {
			total = *list.Metadata.Total
		}
		if len(list.Pipelines) < 100 || (total >= 0 && int64(len(out)) >= total) {
			break
		}
	}
	return out, nil
}

func newPond(p lofty.LeadPond) PondInfo {
	return PondInfo{ID: p.ID, Name: CleanLine(p.PondName, MaxNameLength), AgentIDs: p.AgentIDs}
}

// eventName names a webhook event list: "Note", or "event 13".
func eventName(id int32) string {
	if n, ok := lofty.WebhookEvents[id]; ok {
		return n
	}
	return fmt.Sprintf("event %d", id)
}

// teamListSource is the source of list name filling out.
func teamListSource(c *lofty.Client, name string, out *TeamLists) func(ctx context.Context) error {
	switch name {
	case listTags:
		return func(ctx context.Context) error {
			tags, err := c.Tags(ctx)
			for _, t := range tags {
				if n := CleanLine(t.TagName, MaxNameLength); n != "" && !slices.Contains(out.Tags, n) {
					out.Tags = append(out.Tags, n)
				}
			}
			return err
		}
	case listCustomFields:
		return func(ctx context.Context) error {
			fields, err := c.CustomFields(ctx)
			for _, f := range fields {
				d := FieldDef{Name: CleanLine(f.AttributeName, MaxNameLength), Type: f.AttributeType}
				for _, o := range f.Options() {
					d.Options = append(d.Options, CleanLine(o, MaxNameLength))
				}
				out.CustomFields = append(out.CustomFields, d)
			}
			return err
		}
	case listStages:
		return func(ctx context.Context) error {
			stages, err := allStages(ctx, c)
			for _, s := range stages {
				out.Stages.add(s.ID, s.Name)
			}
			return err
		}
	case listPonds:
		return func(ctx context.Context) error {
			ponds, err := c.Ponds(ctx)
			for _, p := range ponds {
				out.Ponds = append(out.Ponds, newPond(p))
			}
			return err
		}
	case listOffices:
		return func(ctx context.Context) error {
			org, err := c.Organization(ctx)
			if e := org.Enterprise; e != nil {
				for _, o := range e.Visible {
					out.Offices.add(o.GroupID, o.GroupName)
				}
			}
			return err
		}
	case listProfiles:
		return func(ctx context.Context) error {
			profiles, err := c.PermissionProfiles(ctx)
			for _, p := range profiles {
				out.Profiles.add(p.ID, p.Name)
			}
			return err
		}
	case listVendors:
		return func(ctx context.Context) error {
			vendors, err := c.Vendors(ctx)
			for _, v := range vendors {
				phone := v.PhoneNumber
				if phone != "" && v.PhoneCode != "" {
					phone = "+" + v.PhoneCode + phone
				}
				out.Vendors = append(out.Vendors, VendorRef{Name: CleanLine(v.FirstName+" "+v.LastName, MaxNameLength),
					Email: CleanLine(v.Email, MaxNameLength), Phone: CleanLine(phone, MaxNameLength),
					Role: CleanLine(v.RoleName, MaxNameLength), Company: CleanLine(v.CompanyName, MaxNameLength)})
			}
			return err
		}
	}
	return func(ctx context.Context) error {
		hooks, err := c.Webhooks(ctx)
		for _, h := range hooks {
			out.Webhooks = append(out.Webhooks, WebhookRef{ID: h.SubscribeID, Event: eventName(h.ListID),
				URL: CleanLine(h.CallbackURL, MaxSummaryLength), Ownership: h.PermissionMode != nil && *h.PermissionMode == 1})
		}
		return err
	}
}

// empty reports whether out's list name holds nothing.
func (out *TeamLists) empty(name string) bool {
	switch name {
	case listTags:
		return len(out.Tags) == 0
	case listCustomFields:
		return len(out.CustomFields) == 0
	case listStages:
		return len(out.Stages) == 0
	case listPonds:
		return len(out.Ponds) == 0
	case listOffices:
		return len(out.Offices) == 0
	case listProfiles:
		return len(out.Profiles) == 0
	case listVendors:
		return len(out.Vendors) == 0
	}
	return len(out.Webhooks) == 0
}

// GetTeamLists answers "what are our tags, stages, offices, webhooks?".
var GetTeamLists = Spec[TeamListsInput, TeamLists]{
	Name:    "get_team_lists",
	Title:   "Get team lists",
	Toolset: ToolsetTeam,
	Upstream: []string{"GET /v1.0/teamFeatures/listTag", "GET /v1.0/teamFeatures/listCustomField",
		"GET /v1.0/teamFeatures/lead-pipelines", "GET /v1.0/team-features/lead-ponds", "GET /v1.0/team-features/lead-pond/{id}",
		"GET /v1.0/org", "GET /v1.0/org/permission/profiles", "GET /v1.0/vendor/list", "GET /v1.0/webhooks"},
	Description: "Names Lofty expects exactly: lead tags, custom fields, stages, ponds; offices, permission profiles, " +
		"vendors, webhooks (events by name; Lofty signs no payloads).",
	Check: func(in TeamListsInput) error {
		if in.PondID != 0 && len(in.Lists) > 0 {
			return errors.New(`"pondId" reads one pond; leave out "lists"`)
		}
		return nil
	},
	Call: func(ctx context.Context, c *lofty.Client, in TeamListsInput) (TeamLists, error) {
		if in.PondID != 0 {
			p, err := c.Pond(ctx, in.PondID)
			return TeamLists{Ponds: []PondInfo{newPond(p)}}, err
		}
		var out TeamLists
		want := in.Lists
		if len(want) == 0 {
			want = []string{listTags, listCustomFields, listStages, listPonds}
		}
		var sources []Source
		for _, name := range want {
			sources = append(sources, Source{Name: name, Fetch: teamListSource(c, name, &out)})
		}
		statuses, err := runAnswering(ctx, c, sources)
		if err != nil {
			return TeamLists{}, err
		}
		var empty, notes []string
		for _, s := range statuses {
			if s.Status == SourceDone && out.empty(s.Name) {
				empty = append(empty, s.Name)
			}
		}
		if len(empty) > 0 {
			notes = append(notes, "None: "+strings.Join(empty, ", ")+".")
		}
		if n := SourcesNote(statuses, "lists"); n != "" {
			notes = append(notes, n)
		}
		out.Note = strings.Join(notes, " ")
		return out, nil
	},
	Subject: func(in TeamListsInput) string {
		if in.PondID != 0 {
			return fmt.Sprintf("lead pond %d", in.PondID)
		}
		return "the team's lists"
	},
}

// Routing types, as the tools name them, and Lofty's numbers for them.
var routingTypes = map[string]int{"agent": lofty.RoutingAgent, "lender": lofty.RoutingLender, "assistant": lofty.RoutingAssistant}

// routingType is Lofty's number for a routing type name ("": agent).
func routingType(name string) int {
	if name == "" {
		return lofty.RoutingAgent
	}
	return routingTypes[name]
}

// checkRoutingRole: assistant routing is per custom role, the others not.
func checkRoutingRole(typ string, roleID int64) error {
	switch {
	case typ == "assistant" && roleID == 0:
		return errors.New(`assistant routing is per custom role: give "roleId" (get_lead_routing with type assistant lists the roles)`)
	case typ != "assistant" && roleID != 0:
		return errors.New(`"roleId" is for assistant routing only`)
	}
	return nil
}

// LeadRoutingInput is what the model sends to get_lead_routing.
type LeadRoutingInput struct {
	Type   string `json:"type,omitempty" jsonschema:"enum=agent,enum=lender,enum=assistant,default=agent,description=Which leads"`
	RoleID int64  `json:"roleId,omitempty" jsonschema:"minimum=1,description=Assistant routing's custom role"`
}

// RouteRule is a routing rule: which leads it takes, when, and how.
type RouteRule struct {
	ID           int64            `json:"id"`
	Name         string           `json:"name,omitempty"`
	Off          bool             `json:"off,omitempty"`
	Matches      string           `json:"matches,omitempty"`
	Days         string           `json:"days,omitempty"`
	Hours        string           `json:"hours,omitempty"`
	Strategy     *int32           `json:"strategy,omitempty" jsonschema:"description=Lofty's number"`
	TouchMinutes *int32           `json:"touchMinutes,omitempty" jsonschema:"description=To claim"`
	PondID       int64            `json:"pondId,omitempty"`
	Weights      map[string]int32 `json:"weights,omitempty" jsonschema:"description=Member userId: share"`
}

// RouteDefault is where leads go that no rule or nobody takes.
type RouteDefault struct {
	Strategy     *int32 `json:"strategy,omitempty"`
	TouchMinutes *int32 `json:"touchMinutes,omitempty"`
	AssigneeID   int64  `json:"assigneeId,omitempty"`
	OfficeID     int64  `json:"officeId,omitempty"`
}

// LeadRouting is get_lead_routing's answer.
type LeadRouting struct {
	Rules       []RouteRule   `json:"rules,omitempty"`
	DefaultRule *RouteDefault `json:"defaultRule,omitempty"`
	Members     Names         `json:"members,omitempty" jsonschema:"description=Assignable"`
	Roles       Names         `json:"roles,omitempty"`
	Note        string        `json:"note,omitempty"`
}

// isoDays names routing's days: 1 is Monday, 7 Sunday.
var isoDays = [...]string{1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}

func routingDayNames(days []int32) []string {
	var out []string
	for _, d := range days {
		if d >= 1 && d <= 7 {
			out = append(out, isoDays[d])
		} else {
			out = append(out, fmt.Sprintf("day %d", d))
		}
	}
	return out
}

// ruleMatches says which leads a rule takes, from the team's own words.
func ruleMatches(r lofty.RoutingRule) string {
	var parts []string
	add := func(label, value string) {
		if value = CleanLine(value, MaxNameLength); value != "" {
			parts = append(parts, label+value)
		}
	}
	add("source ", r.SourceName)
	add("tags ", strings.Join(r.TagNames, ", "))
	add("segments ", strings.Join(r.GroupNames, ", "))
	if l := r.Location; l != nil {
		add("in ", joinParts(l.StreetAddress, l.City, l.County, l.State, l.Zipcode))
	}
	add("price ", rangeText(int64(r.PriceMin), int64(r.PriceMax), money))
	add("type ", r.LeadType)
	return strings.Join(parts, "; ")
}

// newRouteRule curates a rule; names are the team's own text, cleaned.
func newRouteRule(r lofty.RoutingRule) RouteRule {
	out := RouteRule{ID: r.ID, Name: CleanLine(r.Name, MaxNameLength), Off: r.RuleSwitch != nil && !*r.RuleSwitch,
		Matches: ruleMatches(r), Days: strings.Join(routingDayNames(r.ActiveHours.ActiveDays), ", "),
		Strategy: r.RoutingStrategy.StrategyType, TouchMinutes: r.RoutingStrategy.TouchMinutes, PondID: r.RoutingStrategy.GroupID}
	if h := r.ActiveHours; h.HoursStart != nil || h.HoursEnd != nil {
		out.Hours = hour(h.HoursStart) + "-" + hour(h.HoursEnd)
	}
	for _, w := range r.RoutingStrategy.MemberWeights.List {
		if out.Weights == nil {
			out.Weights = map[string]int32{}
		}
		out.Weights[strconv.FormatInt(w.MemberID, 10)] = w.Weight
	}
	return out
}

// GetLeadRouting answers "who gets our new leads?".
var GetLeadRouting = Spec[LeadRoutingInput, LeadRouting]{
	Name:    "get_lead_routing",
	Title:   "Get lead routing",
	Toolset: ToolsetTeam,
	Upstream: []string{"GET /v1.0/routing/rule/list/{type}", "GET /v1.0/routing/rule/supplement/{type}",
		"GET /v1.0/routing/member/list/{type}", "GET /v1.0/routing/role/list"},
	Description: "Who gets new leads: routing rules in order (which leads, days, hours, members' weights), the default " +
		"rule, whom routing can assign. Needs routing permission.",
	Check: func(in LeadRoutingInput) error { return checkRoutingRole(in.Type, in.RoleID) },
	Call: func(ctx context.Context, c *lofty.Client, in LeadRoutingInput) (LeadRouting, error) {
		typ := routingType(in.Type)
		var out LeadRouting
		sources := []Source{
			{Name: "rules", Fetch: func(ctx context.Context) error {
				rules, err := c.RoutingRules(ctx, typ, in.RoleID)
				for _, r := range rules {
					out.Rules = append(out.Rules, newRouteRule(r))
				}
				return err
			}},
			{Name: "defaultRule", Fetch: func(ctx context.Context) error {
				d, err := c.DefaultRoutingRule(ctx, typ, in.RoleID)
				if err == nil {
					out.DefaultRule = &RouteDefault{Strategy: d.StrategyType, TouchMinutes: d.TouchMinutes,
						AssigneeID: d.AssigneeAgentID, OfficeID: d.AssigneeGroupID}
				}
				return err
			}},
			{Name: "members", Fetch: func(ctx context.Context) error {
				members, err := c.RoutingMembers(ctx, typ, in.RoleID)
				for _, m := range members {
					out.Members.add(m.ID, m.Name)
				}
				return err
			}},
		}
		if typ == lofty.RoutingAssistant {
			sources = append(sources, Source{Name: "roles", Fetch: func(ctx context.Context) error {
				roles, err := c.RoutingRoles(ctx)
				for _, r := range roles {
					out.Roles.add(r.ID, r.Name)
				}
				return err
			}})
		}
		statuses, err := runAnswering(ctx, c, sources)
		if err != nil {
			return LeadRouting{}, err
		}
		out.Note = missingNote(statuses)
		return out, nil
	},
	Subject: func(in LeadRoutingInput) string { return "lead routing" },
}

// Team names for completion: what a person types where a prompt asks for
// a team member, a tag or a stage.

// Kinds of team names.
const (
	NamesMember = "member" // account emails, matched by name too
	NamesTag    = "tag"
	NamesStage  = "stage"
)

// TeamName is a name a completion may offer: its value, and the text a
// person's typing is matched against (a member's name and email).
type TeamName struct {
	Value string
	Match string
}

// TeamNames reads the team's names of kind (NamesMember, NamesTag,
// NamesStage) as Lofty would take them.
func TeamNames(ctx context.Context, c *lofty.Client, kind string) ([]TeamName, error) {
	var out []TeamName
	switch kind {
	case NamesMember:
		members, _, err := teamMembers(ctx, c)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			if e := strings.TrimSpace(m.Email); e != "" && !strings.EqualFold(m.AccountStatus, "INACTIVE") {
				out = append(out, TeamName{Value: e, Match: CleanLine(m.FirstName+" "+m.LastName, MaxNameLength) + " " + e})
			}
		}
	case NamesTag:
		tags, err := c.Tags(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range tags {
			if n := CleanLine(t.TagName, MaxNameLength); n != "" {
				out = append(out, TeamName{Value: n, Match: n})
			}
		}
	case NamesStage:
		stages, err := allStages(ctx, c)
		if err != nil {
			return nil, err
		}
		for _, s := range stages {
			if n := CleanLine(s.Name, MaxNameLength); n != "" {
				out = append(out, TeamName{Value: n, Match: n})
			}
		}
	default:
		return nil, fmt.Errorf("no team names of kind %q", kind)
	}
	return out, nil
}

// runAnswering runs sources as RunSources does; when none is done, the
// question has no answer, and the first source's error (Lofty's refusal,
// its rate limit) is the call's.
func runAnswering(ctx context.Context, c *lofty.Client, sources []Source) ([]SourceStatus, error) {
	errs := make([]error, len(sources))
	for i := range sources {
		fetch := sources[i].Fetch
		sources[i].Fetch = func(ctx context.Context) error {
			errs[i] = fetch(ctx)
			return errs[i]
		}
	}
	statuses := RunSources(ctx, c, sources)
	if slices.ContainsFunc(statuses, func(s SourceStatus) bool { return s.Status == SourceDone }) {
		return statuses, nil
	}
	for _, err := range errs {
		if err != nil {
			return statuses, err
		}
	}
	// All skipped before anything was sent: the rate budget is spent.
	return statuses, &lofty.Error{Kind: lofty.KindRateLimited, NotSent: true, Message: "no requests left this minute"}
}

// missingNote says which sources are missing and why, for a tool that
// reads them all on every call: "Not included: members (cut: ...). Call
// again once the rate limit allows."
func missingNote(statuses []SourceStatus) string {
	var missing []string
	for _, s := range statuses {
		if s.Status != SourceDone {
			missing = append(missing, s.Name+" ("+s.Status+": "+s.Reason+")")
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return "Not included: " + strings.Join(missing, "; ") + ". Call again once the rate limit allows."
}

// notListed is the error of a write whose subject is not among what
// Lofty listed when asked: not found, in its 200 answer, which is named.
func notListed(what string, listed []string) error {
	msg := "no such one among the " + what + " Lofty listed"
	if len(listed) > 0 {
		msg += ": " + nameList(listed)
	}
	return &lofty.Error{Kind: lofty.KindNotFound, Method: http.MethodGet, Status: http.StatusOK, Message: msg}
}

// idList renders ids: "601, 602".
func idList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ", ")
}

// HandOffArgs are the arguments of hand_off_lead.
type HandOffArgs struct {
	Lead string `json:"lead" complete:"lead" jsonschema:"description=The lead: a name\\, email\\, phone number or lead ID"`
	To   string `json:"to" complete:"member" jsonschema:"description=The team member's account email (completes from the team)"`
	Role string `json:"role,omitempty" jsonschema:"enum=Agent,enum=Assistant,enum=Lender,description=The role they take (default Agent)"`
}

// HandOffLead gives a lead to a team member, named from the team.
var HandOffLead = PromptSpec[HandOffArgs]{
	Name:  "hand_off_lead",
	Title: "Hand off a lead",
	Description: "Give a lead to a team member (their account email completes from the team): check who they are, " +
		"assign the lead, confirmed by me (needs lead_actions).",
	Text: func(in HandOffArgs, s Served) string {
		role := in.Role
		if role == "" {
			role = "Agent"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "I am handing the Lofty lead %q to the team member whose account email is %q, as %s.\n\n", in.Lead, in.To, role)
		st := &steps{b: &b}
		findLead(st, s, in.Lead)
		if s.Has(GetTeamMembers.Name) {
			st.add("Call %s with email %q: who the member is (name, role, office, inactive). If Lofty has no such member, "+
				"say so, list the team's members (%s without email) and ask me whom I meant; stop there.", GetTeamMembers.Name, in.To,
				GetTeamMembers.Name)
		}
		if s.Has(AssignLead.Name) {
			st.add("Call %s with the leadId and assignees [{\"role\": %q, \"assignee\": %q}]. I may be asked to confirm it: "+
				"if I decline, change nothing else. It refuses an email that is not a team member's, naming those that are.",
				AssignLead.Name, role, in.To)
		}
		b.WriteString("\n")
		missing(&b, s, "you cannot check", []string{GetTeamMembers.Name})
		if !s.Has(AssignLead.Name) {
			b.WriteString("Assigning a lead changes data in Lofty, and this server does not serve the tool that does it. " +
				enableActions(s, AssignLead.Name) + " Until then, tell me so.\n\n" + afterSteps)
			return b.String()
		}
		b.WriteString("Then tell me what was done: who now holds the role, or why not. " + afterSteps)
		return b.String()
	},
}

// PipelineArgs are the arguments of pipeline_review.
type PipelineArgs struct {
	Stage string `json:"stage" complete:"stage" jsonschema:"description=A lead stage of the team's pipeline (completes from it)"`
	Agent string `json:"agent,omitempty" complete:"member" jsonschema:"description=Only leads assigned to this member (account email)"`
	Tag   string `json:"tag,omitempty" complete:"tag" jsonschema:"description=Only leads with this tag (completes from the team's tags)"`
}

// maxReviewedLeads bounds the leads pipeline_review reads one by one.
const maxReviewedLeads = 10

// PipelineReview reviews the leads at one stage of the pipeline.
var PipelineReview = PromptSpec[PipelineArgs]{
	Name:  "pipeline_review",
	Title: "Pipeline review",
	Description: "Review the leads at a stage of our pipeline, optionally one member's or with one tag (stage, member and " +
		"tag complete from the team): who they are and what to do next.",
	Text: func(in PipelineArgs, s Served) string {
		var b strings.Builder
		fmt.Fprintf(&b, "Review the Lofty leads at the stage %q", in.Stage)
		if in.Agent != "" {
			fmt.Fprintf(&b, " assigned to %q", in.Agent)
		}
		if in.Tag != "" {
			fmt.Fprintf(&b, " tagged %q", in.Tag)
		}
		b.WriteString(", as a short report to me.\n\n")
		st := &steps{b: &b}
		if s.Has(GetTeamLists.Name) {
			st.add("Call %s with lists [\"stages\", \"tags\"]: if %q is not one of the stages (or the tag not one of the tags), "+
				"say so, name the closest ones and stop.", GetTeamLists.Name, in.Stage)
		}
		switch {
		case in.Agent != "" && s.Has(GetTeamMembers.Name):
			st.add("Call %s with email %q: the member's userId.", GetTeamMembers.Name, in.Agent)
		case in.Agent != "":
			st.add("Ask me for the userId of the member whose account email is %q.", in.Agent)
		}
		if !s.Has(FindLeads.Name) {
			b.WriteString("\n")
			missing(&b, s, "you cannot review", []string{FindLeads.Name, GetTeamLists.Name, GetTeamMembers.Name})
			b.WriteString("Without a search of leads there is nothing to review: tell me so. " + afterSteps)
			return b.String()
		}
		line := fmt.Sprintf("Call %s with stage %q and limit 100", FindLeads.Name, in.Stage)
		if in.Agent != "" {
			line += " and assignedUserId set to that userId"
		}
		st.add("%s; page on with its scrollId while it gives one, up to 3 pages.", line)
		if in.Tag != "" && s.Has(GetLead.Name) {
			st.add("find_leads cannot filter by tag: call %s for each lead found (the %d most recently touched at most) and keep "+
				"those whose tags include %q; say how many you did not check.", GetLead.Name, maxReviewedLeads, in.Tag)
		}
		b.WriteString("\n")
		missing(&b, s, "the review cannot cover", []string{GetTeamLists.Name, GetTeamMembers.Name, GetLead.Name})
		b.WriteString("Then report: how many leads are at the stage; the ones who need a person's attention first (name, " +
			"leadId, last touch) and the one next step for each. " + afterSteps)
		return b.String()
	},
}
