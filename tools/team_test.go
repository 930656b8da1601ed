package tools_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/contract"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// specs calls tools as the adapter does, without MCP: Prepare, a write's
// Lookup and question, Run and Done, against a fake Lofty whose every
// exchange is checked against the document.
type specs struct {
	t    *testing.T
	c    *lofty.Client
	fake *fakelofty.Fake
}

const specKey = "token spec-key"

func newSpecs(t *testing.T, data *fakelofty.Data, res lofty.Resilience) *specs {
	t.Helper()
	f := fakelofty.New(data)
	contract.Check(t, f)
	c, err := lofty.New(lofty.Config{BaseURL: f.Start(t), Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "spec-key"},
		Resilience: res})
	if err != nil {
		t.Fatal(err)
	}
	return &specs{t: t, c: c, fake: f}
}

// prepare decodes args for tool; a refusal of the arguments is the error.
func (s *specs) prepare(tool tools.Tool, args string) (*tools.Call, error) {
	s.t.Helper()
	b, err := tool.Build(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return b.Prepare(json.RawMessage(args))
}

// ask prepares a write and returns the question put to the person; the
// error is the sentence the model would read instead. Nothing is sent
// but the Lookup's reads.
func (s *specs) ask(tool tools.Tool, args string) (string, error) {
	s.t.Helper()
	call, err := s.prepare(tool, args)
	if err != nil {
		return "", err
	}
	if call.Write == nil {
		s.t.Fatalf("%s is not a write", tool.Info().Name)
	}
	if l := call.Write.Lookup; l != nil {
		if err := l(context.Background(), s.c); err != nil {
			return "", errors.New(call.LookupErrorText(err))
		}
	}
	return call.Write.Ask(tools.LeadNames{}), nil
}

// call makes the call, as if the person said yes; it returns the result
// as JSON, and the question for a write.
func (s *specs) call(tool tools.Tool, args string) (result, question string, err error) {
	s.t.Helper()
	call, err := s.prepare(tool, args)
	if err != nil {
		return "", "", err
	}
	ctx := context.Background()
	if w := call.Write; w != nil {
		if w.Lookup != nil {
			if err := w.Lookup(ctx, s.c); err != nil {
				return "", "", errors.New(call.LookupErrorText(err))
			}
		}
		question = w.Ask(tools.LeadNames{})
	}
	out, err := call.Run(ctx, s.c)
	if err != nil {
		return "", question, errors.New(call.ErrorText(err))
	}
	if call.Write != nil {
		out = call.Write.Done(out)
	}
	b, err := json.Marshal(out)
	if err != nil {
		s.t.Fatal(err)
	}
	return string(b), question, nil
}

// ok is call for a call that must succeed.
func (s *specs) ok(tool tools.Tool, args string, out any) string {
	s.t.Helper()
	res, _, err := s.call(tool, args)
	if err != nil {
		s.t.Fatalf("%s %s: %v", tool.Info().Name, args, err)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(res), out); err != nil {
			s.t.Fatal(err)
		}
	}
	return res
}

// writes counts the requests that reached the fake other than reads.
func (s *specs) writes() int {
	n := 0
	for _, r := range s.fake.Requests() {
		if r.Method != "GET" {
			n++
		}
	}
	return n
}

func mustHave(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%q lacks %q", text, w)
		}
	}
}

// hostileTeam is the demo world with a member, a tag and a vendor named by
// someone who would steer the model.
func hostileTeam() *fakelofty.Data {
	d := fakelofty.Demo()
	d.Team[1].FirstName = fakelofty.AdversarialText
	d.Tags = append(d.Tags, fakelofty.AdversarialText)
	d.Vendors[1].CompanyName = fakelofty.AdversarialText
	return d
}

// clean reports whether s is one bounded line without invisible characters.
func clean(s string) bool {
	return !strings.ContainsAny(s, "\n\r\u202e\u200b") && len([]rune(s)) <= tools.MaxNameLength
}

func TestTeamMembers(t *testing.T) {
	s := newSpecs(t, hostileTeam(), lofty.Resilience{})
	var page tools.TeamMembers
	s.ok(tools.GetTeamMembers, `{"officeId": 201}`, &page)
	if len(page.Members) != 4 || page.Total == nil || *page.Total != 4 || page.NextOffset != nil {
		t.Fatalf("office 201: %+v", page)
	}
	for _, m := range page.Members {
		if m.UserID == 0 || m.Email == "" || !clean(m.Name) {
			t.Errorf("member %+v: want a userId, an email and a clean name", m)
		}
	}
	var one tools.TeamMembers
	s.ok(tools.GetTeamMembers, `{"email": "maria.garcia@example.com"}`, &one)
	if len(one.Members) != 1 || one.Members[0].UserID != 67893 || one.Members[0].Office != "North Austin Office" {
		t.Errorf("Maria: %+v", one)
	}
	s.ok(tools.GetTeamMembers, `{"me": true}`, &one)
	if one.Members[0].UserID != fakelofty.DemoUserID || !one.Members[0].Admin {
		t.Errorf("me: %+v", one)
	}
	_, _, err := s.call(tools.GetTeamMembers, `{"email": "nobody@example.com"}`)
	if err == nil || !strings.HasPrefix(err.Error(), `Lofty has no team member whose account email is "nobody@example.com"`) {
		t.Errorf("an unknown email: %v", err)
	}
	if _, err := s.prepare(tools.GetTeamMembers, `{"me": true, "officeId": 201}`); err == nil {
		t.Error("me with officeId was accepted")
	}
}

func TestTeamLists(t *testing.T) {
	s := newSpecs(t, hostileTeam(), lofty.Resilience{})
	var lists tools.TeamLists
	s.ok(tools.GetTeamLists, `{}`, &lists)
	if len(lists.Tags) != 8 || len(lists.CustomFields) != 3 || len(lists.Stages) != 8 || len(lists.Ponds) != 2 {
		t.Errorf("the first four lists: %+v", lists)
	}
	if lists.Offices != nil || lists.Vendors != nil || lists.Webhooks != nil || lists.Note != "" {
		t.Errorf("lists not asked for, or a note: %+v", lists)
	}
	if lists.Stages["3"] != "Active" {
		t.Errorf("stages %v: want id 3 Active", lists.Stages)
	}
	for _, tag := range lists.Tags {
		if !clean(tag) {
			t.Errorf("tag %q is not one clean bounded line", tag)
		}
	}
	lists = tools.TeamLists{}
	s.ok(tools.GetTeamLists, `{"lists": ["offices", "profiles", "vendors", "webhooks"]}`, &lists)
	if lists.Offices["201"] != "North Austin Office" || lists.Profiles["302"] != "Agent" || len(lists.Vendors) != 2 ||
		len(lists.Webhooks) != 1 || lists.Webhooks[0].Event != "Note" || lists.Webhooks[0].ID != 5001 {
		t.Errorf("the organisation's lists: %+v", lists)
	}
	if !clean(lists.Vendors[1].Company) {
		t.Errorf("vendor company %q is not one clean bounded line", lists.Vendors[1].Company)
	}
	lists = tools.TeamLists{}
	s.ok(tools.GetTeamLists, `{"pondId": 401}`, &lists)
	if len(lists.Ponds) != 1 || lists.Ponds[0].Name != "Website Leads" || !slices.Equal(lists.Ponds[0].AgentIDs, []int64{67892, 67893}) {
		t.Errorf("pond 401: %+v", lists)
	}
}

// TestTeamListsWithinTheRateBudget: with two requests left, two lists
// come and the note names the others and how to get them; with none, the
// call fails with the rate limit's sentence rather than an empty answer.
func TestTeamListsWithinTheRateBudget(t *testing.T) {
	s := newSpecs(t, nil, lofty.Resilience{RateLimit: 2, MaxWait: time.Minute})
	var lists tools.TeamLists
	s.ok(tools.GetTeamLists, `{}`, &lists)
	if len(lists.Tags) == 0 || len(lists.CustomFields) == 0 || lists.Stages != nil || lists.Ponds != nil {
		t.Errorf("with two requests: %+v, want tags and custom fields only", lists)
	}
	mustHave(t, lists.Note, "stages and ponds (skipped", `lists ["ponds", "stages"]`)
	_, _, err := s.call(tools.GetTeamLists, `{"lists": ["vendors"]}`)
	if err == nil || !strings.Contains(err.Error(), "rate limit") {
		t.Errorf("with no requests left: %v, want the rate limit's sentence", err)
	}
}

func TestLeadRouting(t *testing.T) {
	s := newSpecs(t, nil, lofty.Resilience{})
	var r tools.LeadRouting
	s.ok(tools.GetLeadRouting, `{}`, &r)
	if len(r.Rules) != 2 || r.DefaultRule == nil || r.DefaultRule.AssigneeID != fakelofty.DemoUserID || len(r.Members) != 4 || r.Roles != nil {
		t.Fatalf("agent routing: %+v", r)
	}
	rule := r.Rules[0]
	if rule.ID != 601 || rule.Days != "Mon, Tue, Wed, Thu, Fri" || rule.Hours != "8-18" || rule.Weights["67893"] != 1 ||
		rule.Weights["67890"] != 1 {
		t.Errorf("rule 601: %+v", rule)
	}
	mustHave(t, rule.Matches, "source Zillow", "tags Buyer", "Travis", "$300,000", "Buyer(2)")
	r = tools.LeadRouting{}
	s.ok(tools.GetLeadRouting, `{"type": "assistant", "roleId": 140}`, &r)
	if r.Roles["140"] != "Assistant" {
		t.Errorf("assistant routing's roles: %v", r.Roles)
	}
	if _, err := s.prepare(tools.GetLeadRouting, `{"type": "assistant"}`); err == nil || !strings.Contains(err.Error(), "roleId") {
		t.Errorf("assistant routing without a role: %v", err)
	}
}

// TestAssignLeadRefusesUnknownAccounts: an email that is no team member's
// is refused before anyone is asked, naming the team's accounts; when the
// team cannot be read, Lofty decides.
func TestAssignLeadRefusesUnknownAccounts(t *testing.T) {
	s := newSpecs(t, nil, lofty.Resilience{})
	_, err := s.ask(tools.AssignLead, `{"leadId": 563172647619609, "assignees": [{"role": "Agent", "assignee": "marie@example.com"}]}`)
	if err == nil {
		t.Fatal("an unknown account was not refused")
	}
	mustHave(t, err.Error(), `Lofty has no team member with the account email "marie@example.com"`,
		"maria.garcia@example.com", "Nothing was changed in Lofty.")
	if s.writes() != 0 {
		t.Error("a write was sent")
	}
	if q, err := s.ask(tools.AssignLead, `{"leadId": 563172647619609, "assignees": [{"role": "Agent", "assignee": "Maria.Garcia@example.com"}]}`); err != nil {
		t.Errorf("a known account, in other case: %v", err)
	} else {
		mustHave(t, q, "Assign this lead: Agent Maria.Garcia@example.com")
	}
	d := fakelofty.Demo()
	d.Team = nil // the team reads as empty: nothing to check against
	s = newSpecs(t, d, lofty.Resilience{})
	if _, err := s.ask(tools.AssignLead, `{"leadId": 563172647619609, "assignees": [{"role": "Agent", "assignee": "marie@example.com"}]}`); err != nil {
		t.Errorf("with no team to check against: %v, want Lofty to decide", err)
	}
}
