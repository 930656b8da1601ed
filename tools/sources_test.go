package tools_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// TestRunSourcesStaysWithinTheBudget: with two requests left, the two most
// important sources run and the third is skipped before anything is sent;
// a failing source is reported with its sentence; the note names what is
// missing and how to get it.
func TestRunSourcesStaysWithinTheBudget(t *testing.T) {
	f := fakelofty.New(nil)
	c, err := lofty.New(lofty.Config{BaseURL: f.Start(t), Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "k"},
		Resilience: lofty.Resilience{RateLimit: 2, MaxWait: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	fetch := func(ctx context.Context) error {
		_, err := c.SalesAgentByLead(ctx, fakelofty.DemoLeadWithAgent)
		return err
	}
	statuses := tools.RunSources(context.Background(), c, []tools.Source{
		{Name: "first", Fetch: fetch},
		{Name: "second", Fetch: func(context.Context) error { return errors.New("boom") }},
		{Name: "third", Fetch: fetch},
	})
	want := []string{tools.SourceDone, tools.SourceFailed, tools.SourceSkipped}
	for i, s := range statuses {
		if s.Status != want[i] {
			t.Errorf("%s: %s (%s), want %s", s.Name, s.Status, s.Reason, want[i])
		}
	}
	if n := f.RequestCount(); n != 1 {
		t.Errorf("%d requests, want 1 (the failing source sent none; the third was skipped)", n)
	}
	note := tools.SourcesNote(statuses, "kinds")
	for _, w := range []string{"second (failed", "third (skipped", `kinds ["second", "third"]`} {
		if !strings.Contains(note, w) {
			t.Errorf("note %q lacks %q", note, w)
		}
	}
	if tools.SourcesNote(statuses[:1], "kinds") != "" {
		t.Error("a note for sources that are all done")
	}
}

// TestSourceBudgetKeepsPromises: a source that decides as it goes how
// much to read may spend its own share and what no source was promised,
// never what a more important source, still running, was promised.
func TestSourceBudgetKeepsPromises(t *testing.T) {
	base := fakelofty.New(nil).Start(t)
	c, err := lofty.New(lofty.Config{BaseURL: base, Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "k"},
		Resilience: lofty.Resilience{RateLimit: 6, MaxWait: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	budgets := make([]int, 3)
	known := make([]bool, 3)
	source := func(i int) func(context.Context) error {
		return func(ctx context.Context) error { budgets[i], known[i] = tools.SourceBudget(ctx); return nil }
	}
	tools.RunSources(context.Background(), c, []tools.Source{
		{Name: "first", Requests: 2, Fetch: source(0)},
		{Name: "second", Fetch: source(1)},
		{Name: "adaptive", Requests: 2, Fetch: source(2)},
	})
	// Six requests: 2 + 1 + 2 promised, 1 left for anyone.
	if want := []int{3, 2, 3}; !slices.Equal(budgets, want) || slices.Contains(known, false) {
		t.Errorf("budgets %v (known %v), want %v", budgets, known, want)
	}
	unlimited, _ := lofty.New(lofty.Config{BaseURL: base, Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "k"}})
	tools.RunSources(context.Background(), unlimited, []tools.Source{{Name: "only", Fetch: source(0)}})
	if known[0] {
		t.Errorf("a budget (%d) without a rate limit", budgets[0])
	}
}
