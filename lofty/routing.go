package lofty

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
)

// Lead routing: who Lofty gives new leads to, per business type. The
// document enumerates the types as 1, 2 and 4 without naming them; Lofty's
// own notes call them AGENT_LEAD, LENDING_LEAD and ASSISTANT_LEAD (the
// last one per custom role, roleId).

// Routing business types.
const (
	RoutingAgent     = 1 // AGENT_LEAD
	RoutingLender    = 2 // LENDING_LEAD
	RoutingAssistant = 4 // ASSISTANT_LEAD: needs a roleId
)

// Endpoints of lead routing.
var (
	routingRoles      = get[[]AssignRole]("/v1.0/routing/role/list")
	routingMembers    = get[[]AssignMember]("/v1.0/routing/member/list/{type}")
	routingRules      = get[[]RoutingRule]("/v1.0/routing/rule/list/{type}")
	routingDefault    = get[DefaultRule]("/v1.0/routing/rule/supplement/{type}")
	routingRuleEdit   = put[RoutingRuleRequest, Reply]("/v1.0/routing/rule/{type}")
	routingDefaultSet = put[DefaultRuleRequest, Reply]("/v1.0/routing/rule/supplement/{type}")
)

// AssignRole is Lofty's AssignRole: a custom role leads can be routed by.
type AssignRole struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// AssignMember is Lofty's AssignMember: a member routing can assign.
type AssignMember struct {
	ID   int64  `json:"id"`
	Name string `json:"name,omitempty"`
	Type *int32 `json:"type,omitempty"`
}

// RoutingRule is Lofty's RoutingRule: which leads it matches and how it
// assigns them.
type RoutingRule struct {
	ID              int64           `json:"id"`
	Name            string          `json:"name,omitempty"`
	Location        *LocationRule   `json:"locationRule,omitempty"`
	SourceName      string          `json:"sourceName,omitempty"`
	TagNames        []string        `json:"tagNames,omitempty"`
	GroupNames      []string        `json:"groupNames,omitempty"`
	PriceMin        PositiveInt     `json:"priceMin,omitempty"`
	PriceMax        PositiveInt     `json:"priceMax,omitempty"`
	LeadType        string          `json:"leadType,omitempty"`
	ActiveHours     ActiveHours     `json:"activeHours"`
	RoutingStrategy RoutingStrategy `json:"routingStrategy"`
	RuleSwitch      *bool           `json:"ruleSwitch,omitempty"`
	UpdateTime      Time            `json:"updateTime,omitempty"`
}

// LocationRule is Lofty's LocationRule.
type LocationRule struct {
	State         string `json:"state,omitempty"`
	County        string `json:"county,omitempty"`
	City          string `json:"city,omitempty"`
	Zipcode       string `json:"zipcode,omitempty"`
	StreetAddress string `json:"streetAddress,omitempty"`
}

// ActiveHours is Lofty's ActiveHours: the days (1-7) and hours (0-23) a
// rule routes in.
type ActiveHours struct {
	ActiveDays []int32 `json:"activeDays"`
	HoursStart *int32  `json:"hoursStart,omitempty"`
	HoursEnd   *int32  `json:"hoursEnd,omitempty"`
}

// RoutingStrategy is Lofty's RoutingStrategy: how a rule assigns. The
// document gives strategyType as a bare number (its notes name LEAD_POND,
// NEXT_UP, BLAST_ALERT and DEFAULT_ASSIGNEE without their numbers).
type RoutingStrategy struct {
	StrategyType  *int32        `json:"strategyType,omitempty"`
	GroupID       int64         `json:"groupId,omitempty"`
	GroupName     string        `json:"groupName,omitempty"`
	TouchMinutes  *int32        `json:"touchMinutes,omitempty"`
	MemberWeights MemberWeights `json:"memberWeights"`
}

// MemberWeight is a member a rule assigns to, and their share.
type MemberWeight struct {
	MemberID  int64  `json:"memberId"`
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
	Weight    int32  `json:"weight"`
}

// MemberWeights are a rule's members and weights. The document describes
// memberWeights as one {memberId, weight} object, which cannot hold the
// several members a round robin has: a list of such objects (what its
// description implies) and a map of member id to weight (what the demo
// world sends) are read too. A rule is written back in the form it was
// read in, so that lofty-mcp never changes the encoding Lofty chose; one
// read with no members is written as a map, which the document's object
// schema admits for any number of members.
type MemberWeights struct {
	List []MemberWeight `json:"-"`
	form weightsForm
}

type weightsForm int

const (
	weightsMap weightsForm = iota
	weightsObject
	weightsArray
)

// UnmarshalJSON implements json.Unmarshaler.
func (w *MemberWeights) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*w = MemberWeights{}
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '[':
		w.form = weightsArray
		return json.Unmarshal(b, &w.List)
	case b[0] != '{':
		return fmt.Errorf("lofty: memberWeights %.40s is neither an object nor a list", b)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	if _, ok := fields["memberId"]; ok {
		var one MemberWeight
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		w.form, w.List = weightsObject, []MemberWeight{one}
		return nil
	}
	for k, v := range fields {
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return fmt.Errorf("lofty: memberWeights key %q is not a member id", k)
		}
		var weight json.Number
		if err := json.Unmarshal(v, &weight); err != nil {
			return fmt.Errorf("lofty: memberWeights weight %s is not a number", v)
		}
		n, err := strconv.ParseFloat(string(weight), 64)
		if err != nil {
			return err
		}
		w.List = append(w.List, MemberWeight{MemberID: id, Weight: int32(n)})
	}
	sort.Slice(w.List, func(i, j int) bool { return w.List[i].MemberID < w.List[j].MemberID })
	return nil
}

// MarshalJSON implements json.Marshaler, in the form the weights were read.
func (w MemberWeights) MarshalJSON() ([]byte, error) {
	switch {
	case w.form == weightsArray:
		list := w.List
		if list == nil {
			list = []MemberWeight{}
		}
		return json.Marshal(list)
	case w.form == weightsObject && len(w.List) == 1:
		return json.Marshal(MemberWeight{MemberID: w.List[0].MemberID, Weight: w.List[0].Weight})
	}
	m := make(map[string]int32, len(w.List))
	for _, mw := range w.List {
		m[strconv.FormatInt(mw.MemberID, 10)] = mw.Weight
	}
	return json.Marshal(m)
}

// With returns the weights set to list, kept in the form they were read.
func (w MemberWeights) With(list []MemberWeight) MemberWeights {
	return MemberWeights{List: list, form: w.form}
}

// DefaultRule is Lofty's SupplementRoutingRule: where leads go that no
// rule (or nobody) takes.
type DefaultRule struct {
	RoleID            *int32 `json:"roleId,omitempty"`
	BusinessType      *int32 `json:"businessType,omitempty"`
	StrategyType      *int32 `json:"strategyType,omitempty"`
	TouchMinutes      *int32 `json:"touchMinutes,omitempty"`
	AssigneeAgentName string `json:"assigneeAgentName,omitempty"`
	AssigneeAgentID   int64  `json:"assigneeAgentId,omitempty"`
	AssigneeGroupName string `json:"assigneeGroupName,omitempty"`
	AssigneeGroupID   int64  `json:"assigneeGroupId,omitempty"`
	UpdateTime        Time   `json:"updateTime,omitempty"`
}

// RoutingRuleRequest is Lofty's RoutingRuleRequest: the parts of a rule an
// update sets, whole.
type RoutingRuleRequest struct {
	ID              int64           `json:"id"`
	ActiveHours     ActiveHours     `json:"activeHours"`
	RoutingStrategy RoutingStrategy `json:"routingStrategy"`
}

// DefaultRuleRequest is Lofty's SupplementRoutingRuleRequest.
type DefaultRuleRequest struct {
	RoleID          *int32 `json:"roleId,omitempty"`
	StrategyType    *int32 `json:"strategyType,omitempty"`
	TouchMinutes    *int32 `json:"touchMinutes,omitempty"`
	AssigneeAgentID int64  `json:"assigneeAgentId,omitempty"`
	AssigneeGroupID int64  `json:"assigneeGroupId,omitempty"`
}

// routingParams are a routing request's type and, for assistant
// routing, its role.
func routingParams(typ int, roleID int64) Params {
	p := Params{Path: []string{strconv.Itoa(typ)}}
	if roleID > 0 {
		p.Query = url.Values{"roleId": {strconv.FormatInt(roleID, 10)}}
	}
	return p
}

// RoutingRoles returns the custom roles assistant routing is by
// (GET /v1.0/routing/role/list).
func (c *Client) RoutingRoles(ctx context.Context) ([]AssignRole, error) {
	return routingRoles.Call(ctx, c, Params{}, NoBody{})
}

// RoutingMembers returns the members routing of type typ can assign
// (GET /v1.0/routing/member/list/{type}).
func (c *Client) RoutingMembers(ctx context.Context, typ int, roleID int64) ([]AssignMember, error) {
	return routingMembers.Call(ctx, c, routingParams(typ, roleID), NoBody{})
}

// RoutingRules returns the routing rules of type typ, in Lofty's order
// (GET /v1.0/routing/rule/list/{type}).
func (c *Client) RoutingRules(ctx context.Context, typ int, roleID int64) ([]RoutingRule, error) {
	return routingRules.Call(ctx, c, routingParams(typ, roleID), NoBody{})
}

// DefaultRoutingRule returns the default rule of type typ
// (GET /v1.0/routing/rule/supplement/{type}).
func (c *Client) DefaultRoutingRule(ctx context.Context, typ int, roleID int64) (DefaultRule, error) {
	return routingDefault.Call(ctx, c, routingParams(typ, roleID), NoBody{})
}

// UpdateRoutingRule replaces rule r.ID's hours and strategy
// (PUT /v1.0/routing/rule/{type}).
func (c *Client) UpdateRoutingRule(ctx context.Context, typ int, r RoutingRuleRequest) (Reply, error) {
	return routingRuleEdit.Call(ctx, c, routingParams(typ, 0), r)
}

// UpdateDefaultRoutingRule replaces the default rule of type typ
// (PUT /v1.0/routing/rule/supplement/{type}).
func (c *Client) UpdateDefaultRoutingRule(ctx context.Context, typ int, r DefaultRuleRequest) (Reply, error) {
	return routingDefaultSet.Call(ctx, c, routingParams(typ, 0), r)
}
