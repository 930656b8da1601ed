package mcpserver_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// TestCompletionOfTeamNames: a prompt's team member, stage and tag
// complete from the team's own lists — a member by email or by part of
// their name, to the account email assign_lead takes — each list read once
// per credential.
func TestCompletionOfTeamNames(t *testing.T) {
	h := newLK(t, mcpserver.Options{})
	ctx := context.Background()
	handOff := `{"type":"ref/prompt","name":"hand_off_lead"}`
	review := `{"type":"ref/prompt","name":"pipeline_review"}`
	for _, tc := range []struct {
		ref, arg, typed string
		want            []string
	}{
		{handOff, "to", "mar", []string{"maria.garcia@example.com"}},
		{handOff, "to", "Garc", []string{"maria.garcia@example.com"}},
		{handOff, "to", "", []string{"john.doe@example.com", "ada.edge@example.com", "maria.garcia@example.com", "sam.lee@example.com"}},
		{handOff, "to", "nobody", []string{}},
		{review, "stage", "act", []string{"Active", "Attempted Contact", "Under Contract"}}, // starts with it first
		{review, "stage", "Clo", []string{"Closed"}},
		{review, "tag", "pre", []string{"Pre-approved"}},
		{review, "agent", "sam", []string{"sam.lee@example.com"}},
	} {
		if c := complete(t, ctx, h.server, tc.ref, tc.arg, tc.typed); !slices.Equal(c.Values, tc.want) {
			t.Errorf("%s %s %q: %v, want %v", tc.ref, tc.arg, tc.typed, c.Values, tc.want)
		}
	}
	n := h.fake.RequestCount()
	complete(t, ctx, h.server, handOff, "to", "jo")
	complete(t, ctx, h.server, review, "stage", "n")
	if h.fake.RequestCount() != n {
		t.Errorf("%d requests for lists already read, want none", h.fake.RequestCount()-n)
	}
	other := lofty.WithCredential(ctx, lofty.Credential{Kind: lofty.APIKey, Secret: "another-key"})
	if c := complete(t, other, h.server, handOff, "to", "mar"); !slices.Equal(c.Values, []string{"maria.garcia@example.com"}) ||
		h.fake.RequestCount() == n {
		t.Errorf("another credential: %v, want its own read of its team", c.Values)
	}
}

// TestCompletionOfTeamNamesNeverWaits: with the rate budget spent, a
// team list offers nothing at once and sends nothing.
func TestCompletionOfTeamNamesNeverWaits(t *testing.T) {
	res := lofty.DefaultResilience()
	res.RateLimit = 1
	h := newLKWith(t, faults.New(nil).Fake, lofty.Config{Timeout: 5 * time.Second, Resilience: res,
		Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "rl-team-key"}}, mcpserver.Options{})
	h.ok(t, "get_lead", `{"leadId":`+janeID+`}`, nil) // spends the budget
	n := h.fake.RequestCount()
	start := time.Now()
	c := complete(t, context.Background(), h.server, `{"type":"ref/prompt","name":"hand_off_lead"}`, "to", "mar")
	if took := time.Since(start); len(c.Values) != 0 || took > 2*time.Second || h.fake.RequestCount() != n {
		t.Errorf("with no budget: %v after %s and %d requests; want nothing, at once, none sent", c.Values, took, h.fake.RequestCount()-n)
	}
}

// TestAdminAsksBeforeAndAfter: through MCP, on both protocols, the person
// sees what a routing change replaces, before → after; declined, nothing
// reaches Lofty and routing is as it was; a client that cannot ask is
// refused whatever --confirm-writes says.
func TestAdminAsksBeforeAndAfter(t *testing.T) {
	args := `{"ruleId": 601, "touchMinutes": 30}`
	for _, p := range lkProtocols {
		t.Run(p.name, func(t *testing.T) {
			person := &personAnswers{action: mcp.ElicitationResponseActionDecline}
			h := newLK(t, mcpserver.Options{Toolsets: []string{tools.ToolsetTeam, tools.ToolsetAdmin}},
				append(p.opts, client.WithElicitationHandler(person))...)
			var out tools.AdminResult
			h.ok(t, "update_lead_routing", args, &out)
			q := person.last().Message
			if !strings.Contains(q, `Change agent routing rule 601 "Zillow buyers, Travis County"?`) || !strings.Contains(q, "- touch minutes: 15 → 30") {
				t.Errorf("question %q: want the rule and its change, before → after", q)
			}
			if out.Status != tools.StatusDeclined || writeRequests(h.fake.Requests()) != 0 {
				t.Errorf("declined: %+v with %d writes", out, writeRequests(h.fake.Requests()))
			}
			var r tools.LeadRouting
			h.ok(t, "get_lead_routing", `{}`, &r)
			if *r.Rules[0].TouchMinutes != 15 {
				t.Errorf("after a declined change, touch minutes %d", *r.Rules[0].TouchMinutes)
			}
			person.set(mcp.ElicitationResponseActionAccept)
			h.ok(t, "update_lead_routing", args, &out)
			h.ok(t, "get_lead_routing", `{}`, &r)
			if out.Status != tools.StatusDone || *r.Rules[0].TouchMinutes != 30 {
				t.Errorf("confirmed: %+v, touch minutes %d", out, *r.Rules[0].TouchMinutes)
			}
		})
	}
	h := newLK(t, mcpserver.Options{Toolsets: []string{tools.ToolsetAdmin}, ConfirmWrites: mcpserver.ConfirmNever})
	msg := h.fails(t, "update_lead_routing", args)
	if !strings.Contains(msg, "The person must confirm this change themselves") || writeRequests(h.fake.Requests()) != 0 {
		t.Errorf("a client that cannot ask, --confirm-writes never: %q", msg)
	}
}
