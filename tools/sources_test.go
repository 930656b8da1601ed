package tools_test

import (
	"context"
	"errors"
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
