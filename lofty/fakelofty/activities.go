package fakelofty

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Activities: what a lead did on the website (LeadActivity, V1), the
// timeline of touches Lofty derives from calls, texts, emails, logs and
// notes (Lead Activity V2), and Lofty's own system log (Lead System Logs).

// Activity is a lead's website activity (LeadActivity).
type Activity struct {
	LeadID    int64
	Type      string // Search, View Listing, Save Listing, Registration, ...
	Text      string
	Link      string
	Picture   string
	ListingID string // a Listing's ListingID, for listing events
	PageName  string
	Created   time.Time
}

// Record is the activity as Lofty's LeadActivity.
func (a *Activity) Record(d *Data) map[string]any {
	r := map[string]any{"type": a.Type, "text": a.Text, "link": a.Link, "picture": a.Picture, "created": epochMillis(a.Created)}
	if a.PageName != "" {
		r["pageName"] = a.PageName
	}
	if l := d.listing(a.ListingID); l != nil {
		r["listing"] = l.property()
	}
	return r
}

// SystemLog is an entry of Lofty's own log of a lead (SystemLogResponse).
type SystemLog struct {
	ID      int64
	LeadID  int64
	Type    int32  // timelineType
	Desc    string // timelineTypeDesc
	At      time.Time
	FromID  int64 // a member, or 0 for Lofty
	Content map[string]any
}

// Record is the entry as Lofty's SystemLogResponse.
func (s *SystemLog) Record(d *Data) map[string]any {
	r := map[string]any{"id": strconv.FormatInt(s.ID, 10), "leadId": s.LeadID, "agentId": s.FromID, "timelineType": s.Type,
		"timelineTypeDesc": s.Desc, "timelineTime": s.At.UTC().Format("2006-01-02T15:04:05.000-07:00"),
		"createTime": s.At.UTC().Format("2006-01-02T15:04:05.000-07:00"), "updateTime": s.At.UTC().Format("2006-01-02T15:04:05.000-07:00"),
		"fromId": s.FromID, "fromType": int32(1), "toId": s.LeadID, "toType": int32(2), "refId": s.ID,
		"sticky": false, "canSticky": false, "content": s.Content}
	if m := d.member(s.FromID); m != nil {
		r["fromFirstName"], r["fromLastName"] = m.FirstName, m.LastName
	}
	if l := d.Leads[s.LeadID]; l != nil {
		r["toFirstName"], r["toLastName"] = l.FirstName(), l.LastName()
	}
	return r
}

func demoActivities(d *Data) {
	jane := DemoLeadWithAgent
	site := "https://hillcountryrealty.example.com"
	d.Activities = []Activity{
		{LeadID: jane, Type: "Registration", Text: "Registered on Zillow", Link: site + "/register", Picture: site + "/img/logo.png",
			PageName: "Zillow Registration", Created: time.Date(2026, 1, 12, 9, 30, 0, 0, time.UTC)},
		{LeadID: jane, Type: "Search", Text: "Searched 78704, $450k-$600k, 3+ beds", Link: site + "/search?zip=78704&minPrice=450000&maxPrice=600000&beds=3",
			Picture: site + "/img/search.png", Created: time.Date(2026, 2, 26, 2, 15, 0, 0, time.UTC)},
		{LeadID: jane, Type: "View Listing", Text: "Viewed 2104 Barton Hills Dr", Link: site + "/listing/1179625501", Picture: site + "/img/1179625501.jpg",
			ListingID: "1179625501", Created: time.Date(2026, 2, 26, 2, 21, 0, 0, time.UTC)},
		{LeadID: jane, Type: "Save Listing", Text: "Saved 2104 Barton Hills Dr", Link: site + "/listing/1179625501", Picture: site + "/img/1179625501.jpg",
			ListingID: "1179625501", Created: time.Date(2026, 3, 1, 20, 12, 0, 0, time.UTC)},
	}
	d.SystemLogs = []SystemLog{
		{ID: 1224565260755697001, LeadID: jane, Type: 1, Desc: "LeadCreate", At: time.Date(2026, 1, 12, 9, 30, 0, 0, time.UTC),
			Content: map[string]any{"source": "Zillow"}},
		{ID: 1224565260755697002, LeadID: jane, Type: 12, Desc: "AssignAgent", At: time.Date(2026, 1, 12, 9, 31, 0, 0, time.UTC),
			Content: map[string]any{"toAgentName": "John Doe"}},
		{ID: 1224565260755697003, LeadID: jane, Type: 38, Desc: "TeamStageChange", At: time.Date(2026, 1, 20, 15, 1, 0, 0, time.UTC), FromID: DemoUserID,
			Content: map[string]any{"fromStageName": "New Lead", "toStageName": "Active"}},
		{ID: 1224565260755697004, LeadID: jane, Type: 21, Desc: "AddTag", At: time.Date(2026, 1, 20, 15, 2, 0, 0, time.UTC), FromID: DemoUserID,
			Content: map[string]any{"tagName": "Pre-approved"}},
		{ID: 1224565260755697005, LeadID: jane, Type: 90, Desc: "SalesAgentStart", At: time.Date(2026, 2, 21, 10, 0, 0, 0, time.UTC),
			Content: map[string]any{"aiStage": "AI_PROSPECTING"}},
	}
}

func init() {
	areaSeeds = append(areaSeeds, demoActivities)
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("GET /v1.0/leads/{leadId}/activities", f.leadActivities)
		mux.HandleFunc("POST /v1.0/leads/{leadId}/activity", f.addLeadActivity)
		mux.HandleFunc("GET /v2.0/leads/{leadId}/activities", f.leadTimeline)
		mux.HandleFunc("GET /v1.0/systemLogs", f.systemLogs)
	})
}

// activitiesPage is how many activities a V1 page (curPage) holds.
const activitiesPage = 10

func (f *Fake) leadActivities(w http.ResponseWriter, r *http.Request) {
	l, ok := f.visibleLead(w, r, pathInt(r, "leadId"))
	if !ok {
		return
	}
	d := f.dataFor(r)
	acts := forLead(d.Activities, l.ID, func(a *Activity) int64 { return a.LeadID })
	slices.SortStableFunc(acts, func(a, b Activity) int { return b.Created.Compare(a.Created) })
	out := []map[string]any{}
	for _, a := range window(acts, queryInt(r, "curPage")*activitiesPage, activitiesPage) {
		out = append(out, a.Record(d))
	}
	writeJSON(w, http.StatusOK, out)
}

// addLeadActivity serves POST /v1.0/leads/{leadId}/activity.
func (f *Fake) addLeadActivity(w http.ResponseWriter, r *http.Request) {
	l, ok := f.visibleLead(w, r, pathInt(r, "leadId"))
	if !ok {
		return
	}
	var body struct {
		Type     string `json:"type"`
		Text     string `json:"text"`
		Link     string `json:"link"`
		Picture  string `json:"picture"`
		Created  int64  `json:"created"`
		PageName string `json:"pageName"`
		Listing  struct {
			ListingID string `json:"listingId"`
		} `json:"listing"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	a := Activity{LeadID: l.ID, Type: body.Type, Text: body.Text, Link: body.Link, Picture: body.Picture,
		ListingID: body.Listing.ListingID, PageName: body.PageName, Created: time.UnixMilli(body.Created).UTC()}
	f.update(r, func(v *view, _ func(int64) *Lead) { v.data.Activities = append(slices.Clone(v.data.Activities), a) })
	writeJSON(w, http.StatusOK, map[string]any{"leadId": l.ID})
}

// leadTimeline serves GET /v2.0/leads/{leadId}/activities: the lead's
// calls, texts, emails, manual logs and notes as ActivityItems, newest
// first, times in timeZoneCode (the demo person's zone without one).
func (f *Fake) leadTimeline(w http.ResponseWriter, r *http.Request) {
	l, ok := f.visibleLead(w, r, pathInt(r, "leadId"))
	if !ok {
		return
	}
	d, zone := f.dataFor(r), r.URL.Query().Get("timeZoneCode")
	type item struct {
		at  time.Time
		rec map[string]any
	}
	var items []item
	add := func(id, agent int64, at time.Time, channel, kind string, inbound bool, extra map[string]any) {
		rec := map[string]any{"id": id, "leadId": l.ID, "agentId": agent, "activityTime": isoTime(at, zone),
			"channel": channel, "communicationType": kind, "direction": direction(inbound)}
		for k, v := range extra {
			rec[k] = v
		}
		items = append(items, item{at, rec})
	}
	for _, c := range forLead(d.Calls, l.ID, callHistory.lead) {
		add(c.ID, c.UserID, c.Start, "CALL", "MANUAL", c.Inbound, map[string]any{"callingOutcome": c.Outcome, "leadPhoneNumber": c.LeadPhone, "note": c.Note})
	}
	for _, t := range forLead(d.Texts, l.ID, textHistory.lead) {
		add(t.ID, t.AgentID, t.Time, "TEXT", autoOrManual(t.Auto), t.Inbound, nil)
	}
	for _, e := range forLead(d.Emails, l.ID, emailHistory.lead) {
		add(e.ID, e.AgentID, e.Time, "EMAIL", autoOrManual(e.Auto), e.Inbound, map[string]any{"emailEventType": e.Event, "emailSubject": e.Subject})
	}
	for _, m := range forLead(d.Logs, l.ID, func(m *ManualLog) int64 { return m.LeadID }) {
		channel := map[string]string{"logCall": "CALL", "logEmail": "EMAIL", "logText": "TEXT"}[m.Type]
		add(m.ID, m.AgentID, m.Created, channel, "LOG", m.Inbound, map[string]any{"callingOutcome": m.Outcome, "emailSubject": m.Subject, "note": m.Content})
	}
	for _, n := range forLead(d.Notes, l.ID, func(n *Note) int64 { return n.LeadID }) {
		if !n.System {
			add(n.ID, max(n.CreatorID, DemoUserID), n.Created, "NOTE", "MANUAL", false, map[string]any{"note": n.Content})
		}
	}
	slices.SortStableFunc(items, func(a, b item) int { return b.at.Compare(a.at) })
	start := pageStart(items, queryIntOr(r, "offset", 0), queryInt(r, "currentId"), func(it *item) int64 { return it.rec["id"].(int64) })
	page := window(items, start, queryIntOr(r, "limit", 10))
	out := make([]map[string]any, len(page))
	for i, it := range page {
		out[i] = it.rec
	}
	writeJSON(w, http.StatusOK, map[string]any{"activities": out})
}

// systemLogs serves GET /v1.0/systemLogs: a lead's system log in a window
// (startTime, endTime: epoch ms, -1 for open), newest first, page by page.
func (f *Fake) systemLogs(w http.ResponseWriter, r *http.Request) {
	d, id := f.dataFor(r), queryInt(r, "leadId")
	if !d.visible(id) {
		writeText(w, http.StatusForbidden, "Caller does not have access to this lead.")
		return
	}
	start, end := queryIntOr(r, "startTime", -1), queryIntOr(r, "endTime", -1)
	logs := forLead(d.SystemLogs, id, func(s *SystemLog) int64 { return s.LeadID })
	logs = slices.DeleteFunc(logs, func(s SystemLog) bool {
		ms := s.At.UnixMilli()
		return (start >= 0 && ms < start) || (end >= 0 && ms > end)
	})
	slices.SortStableFunc(logs, func(a, b SystemLog) int { return b.At.Compare(a.At) })
	size := queryIntOr(r, "pageSize", 100)
	offset := queryInt(r, "pageNumber") * size
	out := []map[string]any{}
	for _, s := range window(logs, offset, size) {
		out = append(out, s.Record(d))
	}
	more := int32(0)
	if offset+size < int64(len(logs)) {
		more = 1
	}
	writeJSON(w, http.StatusOK, map[string]any{"hasMore": more, "timeLines": out})
}
