package fakelofty

import (
	"fmt"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Live mode. Lofty's OpenAPI document is not the whole story: a public
// Lofty integration kit recorded what the live API did on a real team
// account (May 2026), and the fake can behave so:
//
//  1. /v1.0/leads caps a page at 25 leads whatever limit says, ignores
//     page and offset, pages only through _metadata.scrollId, sorts by lead
//     ID descending, and ignores its filters (which of key, email, phone,
//     stage and assignedUserId it ignores is Live.Honoured's to say: "may or
//     may not be honoured");
//  2. -1 means "unset" in numbers (leadSource, leadInquiry's prices and
//     bedroom and bathroom counts, property prices and sizes);
//  3. times come as "2026-04-15T14:00:00GMT";
//  4. some GETs answer 415, and every DELETE 400, without
//     Content-Type: application/json;
//  5. a personal API key may send 10 requests a minute: X-RateLimit-Limit,
//     -Remaining and -Reset on every answer, 429 beyond.
//
// The data (2, 3 and the 60 more leads that put Jane Smith on the third
// page) is LiveData; the behaviour (1, 4, 5) is a Live value given to
// Fake.BehaveLive. NewLive does both.

// LeadFilters are the /v1.0/leads filters lofty-mcp sends.
var LeadFilters = []string{"key", "email", "phone", "stage", "assignedUserId"}

// Live is how the fake departs from the OpenAPI document, as the live API
// was recorded behaving. Its zero value changes nothing.
type Live struct {
	// PageCap, when set, is how many leads every /v1.0/leads page holds,
	// whatever limit says; offset and page are then ignored, pages follow
	// only scrollId, and leads come by lead ID, descending.
	PageCap int
	// Honoured lists the /v1.0/leads filters (of LeadFilters) applied when
	// PageCap is set; the others are ignored. Empty: all are ignored.
	Honoured []string
	// RateLimit, when set, is the requests a minute each credential may
	// send to /v1.0 and /v2.0, counted per minute window: every answer
	// carries X-RateLimit-Limit, -Remaining and -Reset (epoch seconds), and
	// a request beyond gets 429 {"message":"Too Many Requests"}.
	RateLimit int
	// ContentTypeGETs are path prefixes whose GETs answer 415 without
	// Content-Type: application/json. With any Live value set, a DELETE
	// without it answers 400.
	ContentTypeGETs []string
}

// Recorded is Live as recorded: 25-lead pages, every filter ignored, 10
// requests a minute, 415 for lead GETs without the Content-Type.
func Recorded() Live {
	return Live{PageCap: 25, RateLimit: 10, ContentTypeGETs: []string{"/v1.0/"}}
}

// LiveLeadPageCap is Recorded's page cap.
const LiveLeadPageCap = 25

// NewLive returns a fake serving LiveData() that behaves as l says.
func NewLive(l Live) *Fake {
	f := New(LiveData())
	f.BehaveLive(l)
	return f
}

// liveState is a Fake's live behaviour and its rate-limit windows.
type liveState struct {
	mu      sync.Mutex
	on      *Live
	windows map[string]*rateWindow // by Authorization header
	limited int                    // 429s answered
}

type rateWindow struct {
	start time.Time
	count int
}

// BehaveLive makes f behave as l says (a zero Live: as documented). Call it
// before serving.
func (f *Fake) BehaveLive(l Live) {
	f.live.mu.Lock()
	defer f.live.mu.Unlock()
	if l.PageCap == 0 && l.RateLimit == 0 && len(l.ContentTypeGETs) == 0 {
		f.live.on = nil
		return
	}
	cp := l
	cp.Honoured = slices.Clone(l.Honoured)
	cp.ContentTypeGETs = slices.Clone(l.ContentTypeGETs)
	f.live.on = &cp
	f.live.windows = map[string]*rateWindow{}
}

// RateLimited returns how many requests the live rate limit answered 429.
func (f *Fake) RateLimited() int {
	f.live.mu.Lock()
	defer f.live.mu.Unlock()
	return f.live.limited
}

func (f *Fake) liveConfig() *Live {
	f.live.mu.Lock()
	defer f.live.mu.Unlock()
	return f.live.on
}

// serveLive applies the live checks to a request for the Open API: the
// Content-Type and the rate limit. It answers (and returns true) when one
// refuses the request; otherwise it sets the rate-limit headers.
func (f *Fake) serveLive(w http.ResponseWriter, r *http.Request) bool {
	l := f.liveConfig()
	if l == nil || !(strings.HasPrefix(r.URL.Path, "/v1.0/") || strings.HasPrefix(r.URL.Path, "/v2.0/")) {
		return false
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	jsonBody := ct == "application/json"
	switch {
	case r.Method == http.MethodDelete && !jsonBody:
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 400, "message": "Content type '" + r.Header.Get("Content-Type") + "' not supported"})
		return true
	case r.Method == http.MethodGet && !jsonBody && hasPrefix(r.URL.Path, l.ContentTypeGETs):
		writeJSON(w, http.StatusUnsupportedMediaType, map[string]any{"code": 415, "message": "Content type '" + r.Header.Get("Content-Type") + "' not supported"})
		return true
	}
	if l.RateLimit <= 0 {
		return false
	}
	now := time.Now()
	start := now.Truncate(time.Minute)
	f.live.mu.Lock()
	key := r.Header.Get("Authorization")
	win := f.live.windows[key]
	if win == nil || !win.start.Equal(start) {
		win = &rateWindow{start: start}
		f.live.windows[key] = win
	}
	win.count++
	over := win.count > l.RateLimit
	if over {
		f.live.limited++
	}
	remaining := max(l.RateLimit-win.count, 0)
	f.live.mu.Unlock()
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(l.RateLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(start.Add(time.Minute).Unix(), 10))
	if over {
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "Too Many Requests"})
		return true
	}
	return false
}

// ignoredQuery are the undocumented query parameters op accepts: in live
// mode, /v1.0/leads ignores page, as recorded; the documented fake
// refuses every undocumented parameter.
func (f *Fake) ignoredQuery(op *Operation) []string {
	if l := f.liveConfig(); l != nil && l.PageCap > 0 && op.ID == "list_4" {
		return []string{"page"}
	}
	return nil
}

func hasPrefix(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// listLeadsLive serves GET /v1.0/leads as recorded live: PageCap leads a
// page whatever limit says, newest lead ID first, offset and page ignored,
// paging by scrollId only, and only the Honoured filters applied.
func (f *Fake) listLeadsLive(w http.ResponseWriter, r *http.Request, l *Live) {
	query := r.URL.Query()
	if v := query.Get("limit"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 100 {
			writeText(w, http.StatusBadRequest, "LIMIT_NOT_VALID: limit must be in [1, 100]")
			return
		}
	}
	start := 0
	if v := query.Get("scrollId"); v != "" {
		n, ok := parseScrollID(v)
		if !ok {
			writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: scrollId is not valid or has expired")
			return
		}
		start = n
	}
	filters := map[string]string{}
	var assigned int64
	for _, name := range l.Honoured {
		if name == "assignedUserId" {
			if v := query.Get(name); v != "" {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: assignedUserId must be an integer")
					return
				}
				assigned = n
			}
			continue
		}
		filters[name] = query.Get(name)
	}
	var hits []*Lead
	for _, lead := range f.visibleLeads(r) {
		if lead.matches(filters, assigned) {
			hits = append(hits, lead)
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].ID > hits[j].ID })
	page := []map[string]any{}
	for i := start; i < len(hits) && i < start+l.PageCap; i++ {
		page = append(page, hits[i].Record())
	}
	meta := map[string]any{"collection": "leads", "limit": l.PageCap, "offset": 0, "total": len(hits)}
	if start+l.PageCap < len(hits) {
		meta["scrollId"] = scrollID(start + l.PageCap)
	}
	writeJSON(w, http.StatusOK, map[string]any{"_metadata": meta, "leads": page})
}

// LiveFillerLeads is how many leads LiveData adds to the demo's: enough, at
// 25 a page, newest lead ID first, to put Jane Smith on the third page.
const LiveFillerLeads = 60

// LiveFillerFirstID is the lead ID of LiveData's first added lead; the
// others follow it.
const LiveFillerFirstID int64 = 563172647619700

// LiveOtherUserID is the user every third of LiveData's added leads is
// assigned to (the others are the demo user's).
const LiveOtherUserID int64 = 67893

// LiveData returns the demo data as the live API was recorded sending it,
// and more of it: LiveFillerLeads more leads, all with IDs above Jane
// Smith's (none named Jane, none in stage "Active"; every third assigned to
// LiveOtherUserID), every unset number -1
// (Sentinels) and every time "2026-01-12T09:30:00GMT"-style.
func LiveData() *Data {
	d := Demo()
	first := []string{"Aaron", "Bella", "Caleb", "Diana", "Ethan", "Fiona", "Gavin", "Hanna", "Isaac", "Julia",
		"Kevin", "Laura", "Mason", "Nadia", "Oscar", "Paula", "Quinn", "Rosa", "Simon", "Tessa"}
	last := []string{"Adams", "Baker", "Clark"}
	stages := []string{"New Lead", "Nurture", "Closed"}
	for i := range LiveFillerLeads {
		id := LiveFillerFirstID + int64(i)
		name := first[i%len(first)] + " " + last[i/len(first)]
		d.Leads[id] = &Lead{ID: id, Name: name,
			Email:  strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.net",
			Phones: []string{fmt.Sprintf("+1737555%04d", 2000+i)}, Stage: stages[i%len(stages)],
			Source: "Website", CreateTime: time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour).Format(time.RFC3339),
			AssignedUserID: DemoUserID, AssignedUser: "John Doe", LeadTypes: []int32{2}}
		if i%3 == 2 {
			d.Leads[id].AssignedUserID, d.Leads[id].AssignedUser = LiveOtherUserID, "Ana Ortiz"
		}
	}
	for _, l := range d.Leads {
		l.Sentinels = true
		for _, t := range []*string{&l.CreateTime, &l.AssignTime, &l.LastTouch, &l.LastVisit, &l.LastUpdateTime, &l.WorkingSince} {
			*t = gmtTime(*t)
		}
		gmtTimes(l.SalesAgent)
		for _, task := range l.PlanTasks {
			gmtTimes(task)
		}
	}
	gmtTimes(d.CurrentSalesAgent)
	return d
}

// gmtTime writes an RFC 3339 time as the live API does: "2026-04-15T14:00:00GMT".
func gmtTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02T15:04:05") + "GMT"
}

// gmtTimes rewrites every RFC 3339 time among m's values as gmtTime does.
func gmtTimes(m map[string]any) {
	for k, v := range m {
		if s, ok := v.(string); ok {
			m[k] = gmtTime(s)
		}
	}
}
