package tools

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// A question shaped like a person's ("what happened with Jane?", "what do I
// have today?") is answered from several Lofty operations at once. Sources
// runs them concurrently within the credential's rate budget — a personal
// API key has about 10 requests a minute — and says which it skipped or cut
// short and how to get them, so that nothing is dropped silently.

// Source is one part of a multi-source answer.
type Source struct {
	// Name is what the answer calls it ("notes", "calls"): the value a
	// caller passes to ask for it alone.
	Name string
	// Requests is how many requests one fetch costs at most (1 if 0).
	Requests int
	// Fetch reads the source. A context error or a KindRateLimited error
	// marks it cut short; any other error, failed.
	Fetch func(ctx context.Context) error
}

// SourceStatus says what became of one source.
type SourceStatus struct {
	Name string `json:"name"`
	// Status: done, skipped (not asked, to stay within the rate limit),
	// cut (asked, but the rate limit or the deadline stopped it), failed.
	Status string `json:"status" jsonschema:"enum=done,enum=skipped,enum=cut,enum=failed"`
	// Reason says why it is not done, and how to get it.
	Reason string `json:"reason,omitempty"`
}

// Source statuses.
const (
	SourceDone    = "done"
	SourceSkipped = "skipped"
	SourceCut     = "cut"
	SourceFailed  = "failed"
)

// RunSources fetches sources concurrently, in their order of importance
// (first first), within the credential's rate budget: when the budget
// allows fewer requests than the sources need without waiting, the least
// important are skipped before anything is sent, and no source waits for
// the rate limit (lofty.NoWait) — one that meets it is cut short. A source
// that decides as it goes how much to read keeps within SourceBudget, so
// that it never spends what the others were promised. It returns one
// status per source, in the order given.
func RunSources(ctx context.Context, c *lofty.Client, sources []Source) []SourceStatus {
	out := make([]SourceStatus, len(sources))
	available, known := c.Available(ctx)
	ctx = lofty.NoWait(ctx)
	admitted := make([]bool, len(sources))
	for i, s := range sources {
		out[i] = SourceStatus{Name: s.Name}
		cost := max(s.Requests, 1)
		if known && cost > available {
			out[i].Status = SourceSkipped
			out[i].Reason = "not asked: Lofty's rate limit leaves too few requests this minute"
			continue
		}
		available -= cost
		admitted[i] = true
	}
	var wg sync.WaitGroup
	for i, s := range sources {
		if !admitted[i] {
			continue
		}
		sctx := ctx
		if known {
			// Its own share and what no source was promised.
			sctx = context.WithValue(ctx, sourceBudgetKey{}, max(s.Requests, 1)+available)
		}
		wg.Go(func() {
			err := s.Fetch(sctx)
			var cut *CutShort
			switch {
			case err == nil:
				out[i].Status = SourceDone
			case errors.As(err, &cut):
				out[i].Status, out[i].Reason = SourceCut, cut.Reason
			case lofty.KindOf(err) == lofty.KindRateLimited || ctx.Err() != nil:
				out[i].Status = SourceCut
				out[i].Reason = "stopped by " + cutReason(ctx, err)
			default:
				out[i].Status = SourceFailed
				out[i].Reason = ErrorText(err, "", "")
			}
		})
	}
	wg.Wait()
	return out
}

type sourceBudgetKey struct{}

// SourceBudget is how many requests the source RunSources is running may
// send in all: its Requests and what the rate budget has left once every
// admitted source has its share. known is false when the credential's
// budget is not known (no local rate limit): then nothing bounds it.
func SourceBudget(ctx context.Context) (n int, known bool) {
	n, known = ctx.Value(sourceBudgetKey{}).(int)
	return n, known
}

// CutShort is what a Fetch returns when it read part of its source: what
// it read stands, and its status is cut, for Reason ("read for 3 of 12
// working leads: ...").
type CutShort struct{ Reason string }

func (c *CutShort) Error() string { return "cut short: " + c.Reason }

// cutReason says what stopped a source.
func cutReason(ctx context.Context, err error) string {
	if le, ok := lofty.AsError(err); ok && le.Kind == lofty.KindRateLimited {
		if le.RetryAfter > 0 {
			return fmt.Sprintf("Lofty's rate limit (free again in about %s)", lofty.HumanDuration(le.RetryAfter))
		}
		return "Lofty's rate limit"
	}
	if ctx.Err() != nil {
		return "the call's time limit"
	}
	return "an error"
}

// SourcesNote says in one sentence which sources are missing and how to
// get them: "Not included: calls and texts (skipped: ...); emails (...). To
// get them, call again with kinds [...] ..." — sources missing for the same
// reason named together. It is "" when every source is done. param is the
// argument that asks for sources by name ("kinds").
func SourcesNote(statuses []SourceStatus, param string) string {
	var missing, names []string
	var groups [][]string // names, by status and reason, in order
	index := map[string]int{}
	for _, s := range statuses {
		if s.Status == SourceDone {
			continue
		}
		why := s.Status + ": " + s.Reason
		i, ok := index[why]
		if !ok {
			i = len(groups)
			index[why] = i
			groups = append(groups, []string{why})
		}
		groups[i] = append(groups[i], s.Name)
		names = append(names, s.Name)
	}
	for _, g := range groups {
		who := g[1:]
		list := strings.Join(who, ", ")
		if len(who) > 1 {
			list = strings.Join(who[:len(who)-1], ", ") + " and " + who[len(who)-1]
		}
		missing = append(missing, list+" ("+g[0]+")")
	}
	if len(missing) == 0 {
		return ""
	}
	sort.Strings(names)
	return "Not included: " + strings.Join(missing, "; ") + ". To get them, call again with " + param + " " +
		`["` + strings.Join(names, `", "`) + `"]` + " once the rate limit allows (a personal API key has about 10 requests a minute)."
}
