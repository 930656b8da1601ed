package fakelofty_test

import (
	"context"
	"slices"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/contract"
)

// The team's world-backed writes: each is seen by the caller's later
// reads, through the client lofty-mcp uses, with every exchange checked
// against the document.

func adminClient(t *testing.T) (*lofty.Client, *fakelofty.Fake) {
	t.Helper()
	f := fakelofty.New(nil)
	contract.Check(t, f)
	c, err := lofty.New(lofty.Config{BaseURL: f.Start(t), Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "admin-key"}})
	if err != nil {
		t.Fatal(err)
	}
	return c, f
}

func TestRoutingEditsAreSeen(t *testing.T) {
	c, _ := adminClient(t)
	ctx := context.Background()
	rules, err := c.RoutingRules(ctx, lofty.RoutingAgent, 0)
	if err != nil || len(rules) != 2 || rules[0].ID != 601 {
		t.Fatalf("rules %+v, %v", rules, err)
	}
	r := rules[0]
	if got := r.RoutingStrategy.MemberWeights.List; len(got) != 2 || got[0].MemberID != fakelofty.DemoUserID {
		t.Fatalf("weights %+v, want John and Maria", got)
	}
	thirty := int32(30)
	req := lofty.RoutingRuleRequest{ID: r.ID, ActiveHours: r.ActiveHours, RoutingStrategy: r.RoutingStrategy}
	req.ActiveHours.ActiveDays = []int32{1, 2, 3, 4, 5, 6}
	req.RoutingStrategy.TouchMinutes = &thirty
	req.RoutingStrategy.MemberWeights = r.RoutingStrategy.MemberWeights.With([]lofty.MemberWeight{{MemberID: 67893, Weight: 3}})
	if _, err := c.UpdateRoutingRule(ctx, lofty.RoutingAgent, req); err != nil {
		t.Fatal(err)
	}
	rules, _ = c.RoutingRules(ctx, lofty.RoutingAgent, 0)
	got := rules[0]
	if !slices.Equal(got.ActiveHours.ActiveDays, []int32{1, 2, 3, 4, 5, 6}) || *got.RoutingStrategy.TouchMinutes != 30 ||
		len(got.RoutingStrategy.MemberWeights.List) != 1 || got.RoutingStrategy.MemberWeights.List[0].Weight != 3 {
		t.Errorf("after the edit: %+v", got)
	}

	ninety := int32(90)
	req.RoutingStrategy.TouchMinutes = &ninety
	if _, err := c.UpdateRoutingRule(ctx, lofty.RoutingAgent, req); lofty.KindOf(err) != lofty.KindBadRequest {
		t.Errorf("touchMinutes 90: %v, want refused (beyond 60, whole hours)", err)
	}
	if _, err := c.UpdateDefaultRoutingRule(ctx, lofty.RoutingAgent, lofty.DefaultRuleRequest{AssigneeAgentID: 67893}); err != nil {
		t.Fatal(err)
	}
	if d, _ := c.DefaultRoutingRule(ctx, lofty.RoutingAgent, 0); d.AssigneeAgentID != 67893 || d.AssigneeAgentName != "Maria Garcia" {
		t.Errorf("default rule after the edit: %+v", d)
	}
}

func TestOrganizationEditsAreSeen(t *testing.T) {
	c, _ := adminClient(t)
	ctx := context.Background()
	if _, err := c.UpdateOffice(ctx, lofty.OfficeRequest{ID: 201, Phone: "5125550111"}); err != nil {
		t.Fatal(err)
	}
	list, err := c.Members(ctx, lofty.MemberQuery{OfficeIDs: []int64{201}, Limit: 1})
	if err != nil || len(list.Members) != 1 || list.Members[0].Group == nil || list.Members[0].Group.Phone != "5125550111" ||
		list.Members[0].Group.Name != "North Austin Office" {
		t.Fatalf("the office in a member's record: %+v, %v", list.Members, err)
	}
	a, err := c.AddOffice(ctx, lofty.OfficeRequest{Name: "South Austin Office", City: "Austin"})
	if err != nil || a.ID() == 0 {
		t.Fatalf("add office: %+v, %v", a, err)
	}
	if _, err := c.UpdateCompany(ctx, lofty.CompanyRequest{Name: "Hill Country Realty"}); err != nil {
		t.Fatal(err)
	}
	org, err := c.Organization(ctx)
	if err != nil || org.MultiTeam == nil || org.MultiTeam.Name != "Hill Country Realty" ||
		!slices.ContainsFunc(org.Enterprise.Visible, func(v lofty.VisibleOrg) bool { return v.GroupID == a.ID() }) {
		t.Errorf("organization after the edits: %+v, %v", org, err)
	}
	if _, err := c.UpdateOffice(ctx, lofty.OfficeRequest{ID: 999, Name: "x"}); lofty.KindOf(err) != lofty.KindNotFound {
		t.Errorf("update of an unknown office: %v, want not found", err)
	}
}

func TestAgentEditsAreSeen(t *testing.T) {
	c, _ := adminClient(t)
	ctx := context.Background()
	id, err := c.AddAgent(ctx, lofty.AgentProfile{AccountInfo: lofty.AccountInfo{FirstName: "Ava", LastName: "Stone",
		EmailAddress: "ava.stone@example.com", PhoneNumber: "5125550188", RoleName: "agent"}})
	if err != nil || id == 0 {
		t.Fatalf("add agent: %d, %v", id, err)
	}
	m, err := c.MemberByAccount(ctx, "ava.stone@example.com")
	if err != nil || m.UserID() != id || m.RoleName != "Agent" {
		t.Errorf("the new agent: %+v, %v", m, err)
	}
	if _, err := c.AddAgent(ctx, lofty.AgentProfile{AccountInfo: lofty.AccountInfo{FirstName: "A", LastName: "S",
		EmailAddress: "ava.stone@example.com", PhoneNumber: "5125550188"}}); lofty.KindOf(err) != lofty.KindNotDone {
		t.Errorf("an email already on the team: %v, want not done (a business code)", err)
	}
	if err := c.TagAgent(ctx, id, []string{"Mentor"}, false); err != nil {
		t.Errorf("a known tag: %v", err)
	}
	if err := c.TagAgent(ctx, id, []string{"Made Up"}, false); lofty.KindOf(err) != lofty.KindNotDone {
		t.Errorf("an unknown tag without autoCreate: %v, want not done", err)
	}
	if _, err := c.SetAgentActive(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	if m, _ := c.MemberByAccount(ctx, "ava.stone@example.com"); m.AccountStatus != "INACTIVE" {
		t.Errorf("deactivated agent's status %q", m.AccountStatus)
	}
	if _, err := c.SetAgentActive(ctx, id, false); lofty.KindOf(err) != lofty.KindNotDone {
		t.Errorf("deactivating twice: %v, want not done", err)
	}
	if _, err := c.SetAgentActive(ctx, fakelofty.DemoUserID, false); lofty.KindOf(err) != lofty.KindNotDone {
		t.Errorf("deactivating oneself: %v, want not done", err)
	}
}

func TestTeamFeatureWritesAreSeen(t *testing.T) {
	c, _ := adminClient(t)
	ctx := context.Background()
	f := lofty.CustomField{AttributeName: "School district", AttributeType: "single_select",
		Params: lofty.CustomFieldParams([]string{"Eanes ISD", "Austin ISD"})}
	if r, err := c.AddCustomField(ctx, f); err != nil || r != "success" {
		t.Fatalf("add field: %q, %v", r, err)
	}
	fields, _ := c.CustomFields(ctx)
	if !slices.ContainsFunc(fields, func(g lofty.CustomField) bool { return g.AttributeName == "School district" }) {
		t.Errorf("fields after the add: %+v", fields)
	}
	if _, err := c.AddCustomField(ctx, f); lofty.KindOf(err) != lofty.KindBadRequest {
		t.Errorf("the same field again: %v, want refused", err)
	}
	vendors, err := c.Vendors(ctx)
	if err != nil || len(vendors) != 2 {
		t.Errorf("vendors %+v, %v", vendors, err)
	}
}

func TestBrokermintSyncsAreSeen(t *testing.T) {
	c, f := adminClient(t)
	ctx := context.Background()
	price := 735000.0
	if _, err := c.SyncBrokermintTransaction(ctx, lofty.BrokermintTransaction{ID: 10002, Price: &price, Status: "Closed"}); err != nil {
		t.Fatal(err)
	}
	data := f.DataFor("token admin-key")
	i := slices.IndexFunc(data.Transactions, func(tr fakelofty.Transaction) bool { return tr.ID == 10002 })
	if tr := data.Transactions[i]; tr.Price != 735000 || tr.Status != "Closed" {
		t.Errorf("transaction after the sync: %+v", tr)
	}
	if _, err := c.SyncBrokermintTransaction(ctx, lofty.BrokermintTransaction{ID: 1}); lofty.KindOf(err) != lofty.KindNotDone {
		t.Errorf("an unlinked transaction: %v, want not done (TRANSACTION_NOT_EXIST)", err)
	}
	if _, err := c.SyncBrokermintContact(ctx, lofty.BrokermintContact{Email: "jane.smith@example.com", Phone: "+15125550999"}); err != nil {
		t.Fatal(err)
	}
	jane, err := c.Lead(ctx, fakelofty.DemoLeadWithAgent)
	if err != nil || !slices.Contains(jane.Phones, "+15125550999") {
		t.Errorf("Jane after the contact sync: %+v, %v", jane.Phones, err)
	}
	if _, err := c.SyncBrokermintContact(ctx, lofty.BrokermintContact{Email: "nobody@example.com"}); lofty.KindOf(err) != lofty.KindNotDone {
		t.Errorf("an unlinked contact: %v, want not done", err)
	}
}
