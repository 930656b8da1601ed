package mcpserver_test

// Lofty as it behaves live: the tools against the fake in live
// mode (fakelofty.Live), which behaves as the live API was recorded
// behaving: 25-lead pages whatever limit says, filters and offset ignored,
// paging by scrollId only, -1 for unset numbers, "…GMT" times, 415 without
// the JSON Content-Type, and 10 requests a minute for a personal key.

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"net/http"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// liveFake is a fake in live mode as recorded, without the rate limit
// unless a test asks for it, and with the filters of honoured applied.
func liveFake(rateLimit int, honoured ...string) *fakelofty.Fake {
	l := fakelofty.Recorded()
	l.RateLimit, l.Honoured = rateLimit, honoured
	return fakelofty.NewLive(l)
}

func liveLK(t *testing.T, fake *fakelofty.Fake, res lofty.Resilience, opts mcpserver.Options) *lk {
	t.Helper()
	return newLKWith(t, fake, lofty.Config{Timeout: 5 * time.Second, Resilience: res,
		Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "lk-live-key"}}, opts)
}

// visibleIDs returns the IDs of the fake's leads the caller can see that
// keep says to, newest lead ID first.
func visibleIDs(f *fakelofty.Fake, keep func(*fakelofty.Lead) bool) []int64 {
	var ids []int64
	for id, l := range f.Data().Leads {
		if !l.Forbidden && keep(l) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	return ids
}

func ids(leads []tools.LeadSummary) []int64 {
	out := make([]int64, 0, len(leads))
	for _, l := range leads {
		out = append(out, l.LeadID)
	}
	return out
}

// TestFindLeadsLiveReturnsOnlyMatches: Lofty ignores every filter and
// sends its newest 25 leads a page; find_leads by name, email, phone, stage
// and assigned user returns only the leads that match — Jane Smith, on the
// third page, included — and says that Lofty did not filter.
func TestFindLeadsLiveReturnsOnlyMatches(t *testing.T) {
	fake := liveFake(0)
	h := liveLK(t, fake, lofty.Resilience{}, mcpserver.Options{})
	visible := visibleIDs(fake, func(*fakelofty.Lead) bool { return true })
	if i := slices.Index(visible, fakelofty.DemoLeadWithAgent); i < 2*fakelofty.LiveLeadPageCap {
		t.Fatalf("Jane Smith is lead %d of %d newest first: want her past the second page", i+1, len(visible))
	}
	jane := []int64{fakelofty.DemoLeadWithAgent}
	active := visibleIDs(fake, func(l *fakelofty.Lead) bool { return l.Stage == "Active" })
	cases := []struct {
		args string
		want []int64
	}{
		{`{"key":"Jane"}`, jane},
		{`{"key":"jane SMITH"}`, jane},
		{`{"key":"Smith Jane"}`, jane},
		{`{"key":"smith-family"}`, jane},
		{`{"key":"415 555 1234"}`, jane},
		{`{"email":"JANE.SMITH@example.com "}`, jane},
		{`{"email":"jane@smith-family.example"}`, jane},
		{`{"phone":"+1 (415) 555-1234"}`, jane},
		{`{"phone":"4155551234"}`, jane},
		{`{"stage":"active"}`, active},
		{`{"key":"Jane","stage":"Active","assignedUserId":` + strconv.FormatInt(fakelofty.DemoUserID, 10) + `}`, jane},
		{`{"key":"Jane","stage":"Nurture"}`, nil},
		{`{"email":"jane.smith@example.co"}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.args, func(t *testing.T) {
			before := h.fake.RequestCount()
			var r tools.FindLeadsResult
			h.ok(t, "find_leads", tc.args, &r)
			if got := ids(r.Leads); !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Errorf("leads %v, want %v", got, tc.want)
			}
			if r.LoftyFiltered == nil || *r.LoftyFiltered {
				t.Errorf("loftyFiltered %v, want false", r.LoftyFiltered)
			}
			if r.Scanned == nil || *r.Scanned != len(visible) || r.ScrollID != "" || r.NextOffset != nil || r.Total != nil {
				t.Errorf("scanned %v scrollId %q nextOffset %v total %v; want every lead (%d) checked, nothing left, no total",
					r.Scanned, r.ScrollID, r.NextOffset, r.Total, len(visible))
			}
			mustContain(t, r.Note, "Lofty did not apply the filters", "checked "+strconv.Itoa(len(visible))+" leads (3 pages) itself: "+strconv.Itoa(len(tc.want))+" ", "No leads remain unchecked")
			if n := h.fake.RequestCount() - before; n != 3 {
				t.Errorf("%d requests, want the 3 pages", n)
			}
		})
	}
}

// TestFindLeadsLiveStopsAtAPageOfMatches: with a page's worth of matches,
// find_leads stops looking and gives the scrollId to go on from; going on
// finds the rest, each lead once, and every one assigned as asked.
func TestFindLeadsLiveStopsAtAPageOfMatches(t *testing.T) {
	fake := liveFake(0)
	h := liveLK(t, fake, lofty.Resilience{}, mcpserver.Options{})
	want := visibleIDs(fake, func(l *fakelofty.Lead) bool { return l.AssignedUserID == fakelofty.LiveOtherUserID })
	// The first two pages Lofty sends (25 leads each) hold 16 matches in
	// this data: the first call gives 10 and names the other 6 by ID.
	args := `{"assignedUserId":` + strconv.FormatInt(fakelofty.LiveOtherUserID, 10) + `,"limit":10}`
	var got []int64
	var calls []tools.FindLeadsResult
	for range 5 {
		var r tools.FindLeadsResult
		h.ok(t, "find_leads", args, &r)
		calls = append(calls, r)
		for _, l := range r.Leads {
			if l.AssignedUserID == nil || *l.AssignedUserID != fakelofty.LiveOtherUserID {
				t.Errorf("lead %d is assigned to %v", l.LeadID, l.AssignedUserID)
			}
		}
		got = append(got, ids(r.Leads)...)
		got = append(got, r.LeftOut...)
		if r.ScrollID == "" {
			break
		}
		args = `{"assignedUserId":` + strconv.FormatInt(fakelofty.LiveOtherUserID, 10) + `,"limit":10,"scrollId":"` + r.ScrollID + `"}`
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paged %v, want %v", got, want)
	}
	if len(calls) != 2 || len(calls[0].Leads) != 10 || len(calls[0].LeftOut) != 6 || *calls[0].Scanned != 2*fakelofty.LiveLeadPageCap {
		t.Errorf("first call: %d leads of %d scanned, then %d calls; want a page's worth from 2 pages, then one more call",
			len(calls[0].Leads), *calls[0].Scanned, len(calls))
	}
	mustContain(t, calls[0].Note, "Leads remain unchecked", "scrollId")
}

// TestFindLeadsLiveScanBound: LOFTY_FIND_SCAN_PAGES bounds the pages one
// call looks through; the result says leads remain, and the scrollId it
// gives finds Jane.
func TestFindLeadsLiveScanBound(t *testing.T) {
	h := liveLK(t, liveFake(0), lofty.Resilience{}, mcpserver.Options{Settings: tools.Settings{FindScanPages: 2}})
	var r tools.FindLeadsResult
	h.ok(t, "find_leads", `{"key":"Jane"}`, &r)
	if len(r.Leads) != 0 || *r.Scanned != 2*fakelofty.LiveLeadPageCap || r.ScrollID == "" || *r.LoftyFiltered {
		t.Fatalf("2 pages: leads %v scanned %d scrollId %q loftyFiltered %v", ids(r.Leads), *r.Scanned, r.ScrollID, *r.LoftyFiltered)
	}
	mustContain(t, r.Note, "checked 50 leads (2 pages) itself: 0 matches.", "Leads remain unchecked")
	var next tools.FindLeadsResult
	h.ok(t, "find_leads", `{"key":"Jane","scrollId":"`+r.ScrollID+`"}`, &next)
	if !slices.Equal(ids(next.Leads), []int64{fakelofty.DemoLeadWithAgent}) || next.ScrollID != "" || *next.Scanned != 21 {
		t.Errorf("going on: leads %v scrollId %q scanned %d", ids(next.Leads), next.ScrollID, *next.Scanned)
	}
}

// TestFindLeadsLiveHonouredFilters: when Lofty applies the filters the
// result says so and looks no further; when it applies only some, the rest
// are applied here.
func TestFindLeadsLiveHonouredFilters(t *testing.T) {
	h := liveLK(t, liveFake(0, fakelofty.LeadFilters...), lofty.Resilience{}, mcpserver.Options{})
	var r tools.FindLeadsResult
	h.ok(t, "find_leads", `{"key":"Jane"}`, &r)
	if !slices.Equal(ids(r.Leads), []int64{fakelofty.DemoLeadWithAgent}) || !*r.LoftyFiltered || *r.Scanned != 1 ||
		r.Total == nil || *r.Total != 1 || r.Note != "" || h.fake.RequestCount() != 1 {
		t.Errorf("filtered by Lofty: %+v, %d requests", r, h.fake.RequestCount())
	}

	h = liveLK(t, liveFake(0, "stage"), lofty.Resilience{}, mcpserver.Options{})
	r = tools.FindLeadsResult{}
	h.ok(t, "find_leads", `{"key":"Jane","stage":"Active"}`, &r)
	if !slices.Equal(ids(r.Leads), []int64{fakelofty.DemoLeadWithAgent}) || *r.LoftyFiltered || *r.Scanned != 3 || r.Total != nil {
		t.Errorf("stage applied by Lofty, key here: %+v", r)
	}
}

// TestFindLeadsLiveStopsWithinLimits: a further page refused by the rate
// limit (lofty-mcp's own, or Lofty's 429) or cut off by the call's deadline
// ends the search with what was found and the cursor to go on from, never
// an error.
func TestFindLeadsLiveStopsWithinLimits(t *testing.T) {
	t.Run("own rate limit", func(t *testing.T) {
		h := liveLK(t, liveFake(0), lofty.Resilience{RateLimit: 2, MaxWait: 50 * time.Millisecond}, mcpserver.Options{})
		var r tools.FindLeadsResult
		h.ok(t, "find_leads", `{"key":"Jane"}`, &r)
		if len(r.Leads) != 0 || *r.Scanned != 50 || r.ScrollID == "" || h.fake.RequestCount() != 2 {
			t.Errorf("leads %v scanned %d scrollId %q after %d requests", ids(r.Leads), *r.Scanned, r.ScrollID, h.fake.RequestCount())
		}
		mustContain(t, r.Note, "Checking further pages stopped: Lofty's rate limit was reached. Retry after")
	})
	t.Run("Lofty's 429", func(t *testing.T) {
		fake := liveFake(2)
		h := liveLK(t, fake, lofty.Resilience{}, mcpserver.Options{})
		var r tools.FindLeadsResult
		h.ok(t, "find_leads", `{"key":"Jane"}`, &r)
		if len(r.Leads) != 0 || *r.Scanned != 50 || r.ScrollID == "" || fake.RateLimited() != 1 {
			t.Errorf("leads %v scanned %d scrollId %q, %d answered 429", ids(r.Leads), *r.Scanned, r.ScrollID, fake.RateLimited())
		}
		mustContain(t, r.Note, "rate limit", "(HTTP 429")
	})
	t.Run("deadline", func(t *testing.T) {
		fake := liveFake(0)
		h := liveLK(t, fake, lofty.Resilience{CallTimeout: 400 * time.Millisecond}, mcpserver.Options{})
		faults.Wrap(fake).Script(faults.Pass(), faults.Slow(5*time.Second, faults.Pass()))
		start := time.Now()
		var r tools.FindLeadsResult
		h.ok(t, "find_leads", `{"key":"Jane"}`, &r)
		if len(r.Leads) != 0 || *r.Scanned != 25 || r.ScrollID == "" {
			t.Errorf("leads %v scanned %d scrollId %q", ids(r.Leads), *r.Scanned, r.ScrollID)
		}
		mustContain(t, r.Note, "Checking further pages stopped", "Lofty is unavailable right now")
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("the call took %s, past its 400ms deadline", d)
		}
	})
}

// TestFindLeadsLiveReportsPages: each further page is reported to the
// call's progress.
func TestFindLeadsLiveReportsPages(t *testing.T) {
	base := liveFake(0).Start(t)
	c, err := lofty.New(lofty.Config{BaseURL: base, Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "k"}})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var msgs []string
	ctx := lofty.WithProgress(context.Background(), func(m string) { mu.Lock(); msgs = append(msgs, m); mu.Unlock() })
	r, err := tools.FindLeads.Call(ctx, c, tools.FindLeadsInput{Key: "Jane"})
	if err != nil || len(r.Leads) != 1 {
		t.Fatalf("%+v, %v", r, err)
	}
	want := []string{"Lofty did not apply the search filters: checking page 2 of at most 4",
		"Lofty did not apply the search filters: checking page 3 of at most 4"}
	if !slices.Equal(msgs, want) {
		t.Errorf("progress %q, want %q", msgs, want)
	}
}

var (
	dateLike = regexp.MustCompile(`^\d{4}-\d\d-\d\d`)
	// negativeNumber is a negative JSON number where a value starts.
	negativeNumber = regexp.MustCompile(`[:\[,]\s*-\d`)
)

// liveArtifacts lists Lofty's live artifacts in a result: a -1 (any
// negative number, or the text "-1"), a "GMT" time, a time that is not RFC
// 3339.
func liveArtifacts(result string) []string {
	var out []string
	if negativeNumber.MatchString(result) || strings.Contains(result, `"-1"`) {
		out = append(out, "a -1")
	}
	if strings.Contains(result, "GMT") {
		out = append(out, "a GMT time")
	}
	dec := json.NewDecoder(strings.NewReader(result))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return append(out, "not JSON: "+err.Error())
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			if dateLike.MatchString(x) {
				if _, err := time.Parse(time.RFC3339, x); err != nil {
					out = append(out, "time "+strconv.Quote(x)+", not RFC 3339")
				}
			}
		}
	}
	walk(v)
	return out
}

func TestLiveArtifactsFound(t *testing.T) {
	for result, want := range map[string]int{
		`{"a":1,"b":["x"],"t":"2026-04-15T14:00:00Z"}`: 0,
		`{"a":-1}`:                       1,
		`{"a":[3, -1]}`:                  1,
		`{"a":"-1"}`:                     1,
		`{"t":"2026-04-15T14:00:00GMT"}`: 2,
		`{"t":"2026-04-15 14:00:00"}`:    1,
	} {
		if got := liveArtifacts(result); len(got) != want {
			t.Errorf("%s: %q, want %d findings", result, got, want)
		}
	}
}

// TestLiveResultsAreClean calls every tool of the registry against the
// live fake — its example, and every tool taking a lead for every lead —
// and checks that no -1 and no GMT time reaches any result, that every time
// is RFC 3339, and that every request carried Content-Type:
// application/json (the live fake answers 415 without it).
func TestLiveResultsAreClean(t *testing.T) {
	fake := liveFake(0)
	h := liveLK(t, fake, lofty.Resilience{}, mcpserver.Options{Tools: tools.All()})
	leadIDs := visibleIDs(fake, func(*fakelofty.Lead) bool { return true })
	calls := 0
	for _, tool := range tools.All() {
		info := tool.Info()
		argSets := []string{info.Example}
		if strings.Contains(info.Example, `"leadId"`) {
			for _, id := range leadIDs {
				argSets = append(argSets, `{"leadId":`+strconv.FormatInt(id, 10)+`}`)
			}
		}
		if info.Name == "find_leads" {
			argSets = append(argSets, `{}`, `{"limit":100}`, `{"stage":"Active"}`, `{"key":"Omar"}`, `{"key":"Emily"}`)
		}
		for _, args := range argSets {
			res := h.call(t, info.Name, args)
			calls++
			txt := lkText(t, res)
			if res.IsError {
				if info.Name == "get_lead" || info.Name == "find_leads" {
					t.Errorf("%s %s: %s", info.Name, args, txt)
				}
				continue // e.g. a lead without a sales agent
			}
			for _, a := range liveArtifacts(txt) {
				t.Errorf("%s %s: %s reached the result: %s", info.Name, args, a, txt)
			}
		}
	}
	reqs := fake.Requests()
	for _, r := range reqs {
		if r.ContentType != "application/json" {
			t.Errorf("%s %s?%s sent Content-Type %q", r.Method, r.Path, r.RawQuery, r.ContentType)
		}
	}
	t.Logf("%d tool calls, %d requests, all with Content-Type: application/json", calls, len(reqs))

	// The artifacts were there to be removed: the fake sent them.
	var raw bytes.Buffer
	for _, id := range []int64{fakelofty.LiveFillerFirstID, fakelofty.DemoLeadWithAgent} {
		raw.WriteString(rawLead(t, fake, id))
	}
	mustContain(t, raw.String(), `"leadSource":-1`, `"priceMin":-1`, `"bedroomsMax":-1`, `"bathroomsMin":"-1"`, `GMT"`)
}

// rawLead is the fake's own answer for lead id.
func rawLead(t *testing.T, fake *fakelofty.Fake, id int64) string {
	t.Helper()
	raw, err := json.Marshal(fake.Data().Leads[id].Record())
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestLiveRateLimitThroughTools: with a personal API key and no rate-limit
// setting, against Lofty's 10 requests a minute, fifteen distinct calls at
// once send at most ten requests in the first five seconds and none is
// answered 429 (the others are told when to retry), while four calls at
// once all go out without waiting.
func TestLiveRateLimitThroughTools(t *testing.T) {
	if lofty.DefaultResilience().RateLimit != lofty.RateLimitAuto {
		t.Fatal("the default rate limit is not auto")
	}
	leads := visibleIDs(liveFake(0), func(l *fakelofty.Lead) bool { return l.ID >= fakelofty.LiveFillerFirstID && l.ID < 1<<53 })

	t.Run("fifteen at once", func(t *testing.T) {
		fake := liveFake(fakelofty.Recorded().RateLimit)
		h := liveLK(t, fake, lofty.DefaultResilience(), mcpserver.Options{})
		var mu sync.Mutex
		var arrivals []time.Duration
		start := time.Now()
		h.setScript(func(_ http.ResponseWriter, _ *http.Request) bool {
			mu.Lock()
			arrivals = append(arrivals, time.Since(start))
			mu.Unlock()
			return false
		})
		results := callAtOnce(t, h, "get_lead", leads[:15])
		ok, limited := 0, 0
		for _, res := range results {
			switch txt := lkText(t, res); {
			case !res.IsError:
				ok++
			case strings.HasPrefix(txt, "Lofty's rate limit was reached. Retry after"):
				limited++
			default:
				t.Errorf("unexpected error: %s", txt)
			}
		}
		early := 0
		for _, a := range arrivals {
			if a < 5*time.Second {
				early++
			}
		}
		if early > 10 || fake.RateLimited() != 0 || ok != 10 || limited != 5 {
			t.Errorf("%d requests in the first 5s, %d answered 429; %d calls answered, %d told to retry; want at most 10, none, 10 and 5",
				early, fake.RateLimited(), ok, limited)
		}
	})

	t.Run("four at once", func(t *testing.T) {
		fake := liveFake(fakelofty.Recorded().RateLimit)
		h := liveLK(t, fake, lofty.DefaultResilience(), mcpserver.Options{})
		for _, res := range callAtOnce(t, h, "get_lead", leads[:4]) {
			if res.IsError {
				t.Errorf("isError: %s", lkText(t, res))
			}
		}
		st := h.lofty.Stats()
		if fake.RequestCount() != 4 || st.RateLimitWaits != 0 || st.RateLimitRejects != 0 || fake.RateLimited() != 0 {
			t.Errorf("%d requests, %d rate-limit waits, %d rejects, %d 429s; want 4 requests sent at once",
				fake.RequestCount(), st.RateLimitWaits, st.RateLimitRejects, fake.RateLimited())
		}
	})
}

// callAtOnce calls tool for each lead ID at the same time and returns the
// results in order.
func callAtOnce(t *testing.T, h *lk, tool string, leadIDs []int64) []*mcp.CallToolResult {
	t.Helper()
	results := make([]*mcp.CallToolResult, len(leadIDs))
	errs := make([]error, len(leadIDs))
	var wg sync.WaitGroup
	for i, id := range leadIDs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := mcp.CallToolRequest{}
			req.Params.Name = tool
			req.Params.Arguments = json.RawMessage(`{"leadId":` + strconv.FormatInt(id, 10) + `}`)
			results[i], errs[i] = h.client.CallTool(context.Background(), req)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		h.output.check(t, h.server, tool, results[i])
	}
	return results
}
