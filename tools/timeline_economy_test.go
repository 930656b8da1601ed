package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// rawHistory are the reads a model makes of Jane's history through a
// server that exposes each Lofty endpoint raw, with Lofty's default page
// sizes ("" suffix) and with pages large enough for all of it.
var rawHistory = []struct{ path, all string }{
	{"/v1.0/notes?leadId=563172647619608", ""},
	{"/v1.0/calls?leadId=563172647619608", "&limit=100"},
	{"/v1.0/communication/text?leadId=563172647619608", "&limit=100"},
	{"/v1.0/communication/email?leadId=563172647619608", "&limit=100"},
	{"/v1.0/logType?leadId=563172647619608&logType=logCall", "&limit=100"},
	{"/v1.0/logType?leadId=563172647619608&logType=logEmail", "&limit=100"},
	{"/v1.0/logType?leadId=563172647619608&logType=logText", "&limit=100"},
	{"/v2.0/leads/563172647619608/activities", "?limit=100"},
	{"/v1.0/leads/563172647619608/activities", ""},
	{"/v1.0/systemLogs?leadId=563172647619608", ""},
}

// TestTimelineEconomy measures what BENCHMARKS.md reports of
// get_lead_timeline (go test -run TestTimelineEconomy -v ./tools): the
// bytes a model reads to answer "what happened with Jane in the last 30
// days" from the timeline and from the raw endpoints; and the requests and
// wall time of one call against the fake answering in 80 ms, without a
// rate limit and with a personal key's 10 a minute.
func TestTimelineEconomy(t *testing.T) {
	if testing.Short() {
		t.Skip("a measurement")
	}
	h := newHistory(t, nil, cached)
	var compact, pretty, compactAll, prettyAll int
	for _, r := range rawHistory {
		for _, all := range []bool{false, true} {
			path := r.path
			if all {
				path += r.all
			}
			req, _ := http.NewRequest(http.MethodGet, "http://fake.lofty.invalid"+path, nil)
			req.Header.Set("Authorization", "token economy")
			resp, err := h.fake.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
			}
			var ind bytes.Buffer
			_ = json.Indent(&ind, body, "", "  ")
			if all {
				compactAll, prettyAll = compactAll+len(body), prettyAll+ind.Len()
			} else {
				compact, pretty = compact+len(body), pretty+ind.Len()
			}
		}
	}
	tl := timeline(t, h, nil, `{"leadId": 563172647619608, "since": "2026-02-01"}`)
	answer, _ := json.Marshal(tl)
	t.Logf("bytes to read: get_lead_timeline %d (%d entries, 1 call); raw endpoints, %d calls: %d compact / %d pretty "+
		"(default pages), %d compact / %d pretty (all of it)", len(answer), len(tl.Entries), len(rawHistory),
		compact, pretty, compactAll, prettyAll)
	if len(answer) >= compactAll {
		t.Errorf("the timeline (%d bytes) is no smaller than the raw answers (%d)", len(answer), compactAll)
	}

	// Requests and wall time, Lofty answering each request in 80 ms.
	const latency = 80 * time.Millisecond
	for _, tc := range []struct {
		name string
		res  lofty.Resilience
	}{
		{"no rate limit", lofty.Resilience{CacheTTL: lofty.DefaultCacheTTL}},
		{"a personal key (10 a minute)", lofty.DefaultResilience()},
	} {
		f := fakelofty.New(nil)
		var requests atomic.Int64
		f.Hook = func(http.ResponseWriter, *http.Request) bool {
			requests.Add(1)
			time.Sleep(latency)
			return false
		}
		c, err := lofty.New(lofty.Config{BaseURL: "http://fake.lofty.invalid", HTTPClient: f.Client(), Resilience: tc.res,
			Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "economy"}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := tools.GetLeadTimeline.Build(nil)
		for _, lead := range []string{"563172647619608", "563172647619609", "563172647619611"} {
			call, err := b.Prepare(json.RawMessage(`{"leadId": ` + lead + `, "since": "2026-02-01"}`))
			if err != nil {
				t.Fatal(err)
			}
			before, start := requests.Load(), time.Now()
			out, err := call.Run(context.Background(), c)
			took := time.Since(start)
			note := ""
			if err != nil {
				note = call.ErrorText(err)
			} else {
				o := out.(tools.Timeline)
				note = o.Note
				if i := strings.Index(note, ". To get them"); i > 0 {
					note = note[:i]
				}
			}
			t.Logf("%s, lead %s: %d requests, %s (%d sequential requests would take %s); %s", tc.name, lead,
				requests.Load()-before, took.Round(time.Millisecond), requests.Load()-before,
				(time.Duration(requests.Load()-before) * latency).Round(time.Millisecond), note)
		}
	}
}
