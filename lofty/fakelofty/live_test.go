package fakelofty_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

// do sends method path to base with the given headers (name, value pairs).
func do(t *testing.T, method, base, path string, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

var asClient = []string{"Authorization", "token live-key", "Content-Type", "application/json"}

// liveJSON GETs path as lofty-mcp does (with the JSON Content-Type) and
// decodes a 200 body.
func liveJSON(t *testing.T, base, path string) map[string]any {
	t.Helper()
	status, _, body := do(t, http.MethodGet, base, path, asClient...)
	if status != 200 {
		t.Fatalf("GET %s: %d %s", path, status, body)
	}
	v, _ := decodeNumbers(t, body).(map[string]any)
	return v
}

// TestLiveLeadPages: /v1.0/leads as recorded — 25 leads a page whatever
// limit says, offset ignored, newest lead ID first, filters ignored, paging
// by scrollId only — and every answer still in the documented shapes.
func TestLiveLeadPages(t *testing.T) {
	live := fakelofty.Recorded()
	live.RateLimit = 0
	f := fakelofty.NewLive(live)
	base := f.Start(t)
	var visible []int64
	for id, l := range f.Data().Leads {
		if !l.Forbidden {
			visible = append(visible, id)
		}
	}
	if len(visible) < 3*fakelofty.LiveLeadPageCap-10 {
		t.Fatalf("%d visible leads; want enough for three pages", len(visible))
	}
	slices.Sort(visible)
	slices.Reverse(visible)

	var got []int64
	path := "/v1.0/leads?" + url.Values{"limit": {"3"}, "offset": {"10"}, "page": {"2"}, "key": {"Jane"}, "stage": {"Active"}}.Encode()
	janePage := 0
	for page := 1; page <= 10; page++ {
		body := liveJSON(t, base, path)
		meta := body["_metadata"].(map[string]any)
		conform(t, meta, "MetaData", "_metadata")
		leads := body["leads"].([]any)
		for i, l := range leads {
			conform(t, l, "LeadResponse", "leads["+strconv.Itoa(i)+"]")
			id, _ := l.(map[string]any)["leadId"].(json.Number).Int64()
			got = append(got, id)
			if id == fakelofty.DemoLeadWithAgent {
				janePage = page
			}
		}
		scroll, _ := meta["scrollId"].(string)
		if scroll == "" {
			break
		}
		if len(leads) != fakelofty.LiveLeadPageCap {
			t.Errorf("page %d: %d leads, want %d whatever limit says", page, len(leads), fakelofty.LiveLeadPageCap)
		}
		path = "/v1.0/leads?" + url.Values{"limit": {"3"}, "key": {"Jane"}, "scrollId": {scroll}}.Encode()
	}
	if !slices.Equal(got, visible) {
		t.Errorf("paged %d leads %v\nwant every visible lead, newest ID first, unfiltered: %v", len(got), got, visible)
	}
	if janePage != 3 {
		t.Errorf("Jane Smith is on page %d, want 3", janePage)
	}

	// Honoured filters are applied.
	live.Honoured = []string{"key"}
	base = fakelofty.NewLive(live).Start(t)
	leads := liveJSON(t, base, "/v1.0/leads?key=jane&stage=Nurture")["leads"].([]any)
	if len(leads) != 1 || leads[0].(map[string]any)["firstName"] != "Jane" {
		t.Errorf("key honoured, stage not: %v", leads)
	}
}

// TestLiveSentinelsAndTimes: unset numbers are -1 and times "…GMT", as
// recorded, in documented types.
func TestLiveSentinelsAndTimes(t *testing.T) {
	f := fakelofty.NewLive(fakelofty.Live{PageCap: fakelofty.LiveLeadPageCap})
	base := f.Start(t)
	filler := liveJSON(t, base, "/v1.0/leads/"+strconv.FormatInt(fakelofty.LiveFillerFirstID, 10))["lead"].(map[string]any)
	conform(t, filler, "LeadResponse", "filler")
	inq := filler["leadInquiry"].(map[string]any)
	for _, v := range []any{filler["leadSource"], inq["priceMin"], inq["priceMax"], inq["bedroomsMin"], inq["bedroomsMax"]} {
		if v != json.Number("-1") {
			t.Errorf("unset number %v, want -1 (lead %v)", v, filler)
		}
	}
	if inq["bathroomsMin"] != "-1" || !strings.HasSuffix(filler["createTime"].(string), "GMT") {
		t.Errorf("bathroomsMin %v createTime %v", inq["bathroomsMin"], filler["createTime"])
	}
	jane := liveJSON(t, base, "/v1.0/leads/"+strconv.FormatInt(fakelofty.DemoLeadWithAgent, 10))["lead"].(map[string]any)
	conform(t, jane, "LeadResponse", "jane")
	mail := jane["leadPropertyList"].([]any)[0].(map[string]any)
	if mail["price"] != json.Number("-1") || mail["squareFeet"] != json.Number("-1") || jane["lastVisit"] != "2026-03-01T20:12:00GMT" {
		t.Errorf("mailing address %v, lastVisit %v", mail, jane["lastVisit"])
	}
	agent := liveJSON(t, base, "/v2.0/sales-agents/current")
	conform(t, agent, "SalesAgentResponseV2", "current")
	if agent["createdAt"] != "2026-02-20T10:00:00GMT" {
		t.Errorf("sales agent createdAt %v", agent["createdAt"])
	}
	if fakelofty.Demo().Leads[fakelofty.DemoLeadWithAgent].CreateTime != "2026-01-12T09:30:00Z" {
		t.Error("LiveData changed the demo data")
	}
}

// TestLiveContentType: lead GETs answer 415 and a DELETE 400 without
// Content-Type: application/json; other GETs do not care; the documented
// fake does not care either.
func TestLiveContentType(t *testing.T) {
	base := fakelofty.NewLive(fakelofty.Recorded()).Start(t)
	auth := []string{"Authorization", "token k"}
	for _, tc := range []struct {
		method, path string
		headers      []string
		want         int
	}{
		{http.MethodGet, "/v1.0/leads", auth, 415},
		{http.MethodGet, "/v1.0/leads/563172647619608", append(auth, "Content-Type", "text/plain"), 415},
		{http.MethodGet, "/v1.0/leads", append(auth, "Content-Type", "application/json; charset=utf-8"), 200},
		{http.MethodGet, "/v2.0/sales-agents/current", auth, 200},
		{http.MethodDelete, "/v1.0/leads/563172647619608", auth, 400},
		{http.MethodDelete, "/v1.0/leads/563172647619608?reason=duplicate", append(auth, "Content-Type", "application/json"), 200},
	} {
		if status, _, body := do(t, tc.method, base, tc.path, tc.headers...); status != tc.want {
			t.Errorf("%s %s %v: %d %s, want %d", tc.method, tc.path, tc.headers, status, body, tc.want)
		}
	}
	if status, h, _ := do(t, http.MethodGet, fakelofty.New(nil).Start(t), "/v1.0/leads", auth...); status != 200 || h.Get("X-RateLimit-Limit") != "" {
		t.Errorf("documented fake: %d, X-RateLimit-Limit %q", status, h.Get("X-RateLimit-Limit"))
	}
}

// TestLiveRateLimit: 10 requests a minute window per credential, with
// X-RateLimit-* on every answer and 429 beyond.
func TestLiveRateLimit(t *testing.T) {
	f := fakelofty.NewLive(fakelofty.Recorded())
	base := f.Start(t)
	if s := time.Now().Second(); s >= 58 {
		time.Sleep(time.Duration(61-s) * time.Second) // count within one minute window
	}
	var reset int64
	for i := 1; i <= 11; i++ {
		status, h, body := do(t, http.MethodGet, base, "/v2.0/sales-agents/current", asClient...)
		want, remaining := 200, strconv.Itoa(max(10-i, 0))
		if i == 11 {
			want = 429
			if !strings.Contains(string(body), `"Too Many Requests"`) {
				t.Errorf("429 body %s", body)
			}
		}
		if status != want || h.Get("X-RateLimit-Limit") != "10" || h.Get("X-RateLimit-Remaining") != remaining {
			t.Errorf("request %d: %d, limit %q remaining %q; want %d, 10, %s", i, status,
				h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"), want, remaining)
		}
		r, _ := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
		if reset == 0 {
			reset = r
		}
		if r != reset || r%60 != 0 || r <= time.Now().Unix() || r > time.Now().Unix()+60 {
			t.Errorf("request %d: X-RateLimit-Reset %d, want the end of this minute window", i, r)
		}
	}
	if status, _, _ := do(t, http.MethodGet, base, "/v2.0/sales-agents/current", "Authorization", "token other", "Content-Type", "application/json"); status != 200 {
		t.Errorf("another credential: %d, want its own budget", status)
	}
	if f.RateLimited() != 1 {
		t.Errorf("RateLimited() = %d, want 1", f.RateLimited())
	}
}
