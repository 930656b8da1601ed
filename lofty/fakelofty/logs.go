package fakelofty

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// Manual logs: calls, emails and texts an agent logged by hand (Lead
// Manual Log: LogTypeRequest and LogTypeResponse).

// ManualLog is a logged call (logCall), email (logEmail) or text (logText).
type ManualLog struct {
	ID        int64
	LeadID    int64
	Type      string // logCall, logEmail, logText
	AgentID   int64
	Inbound   bool
	Outcome   string // calls: Talked, VoiceMessage, NoAnswer, BadNumber, DNCNumber, DNCContact
	LeadPhone string
	Content   string
	Subject   string // emails
	To, From  string // emails
	Pinned    bool
	Created   time.Time
}

// Record is the log as Lofty's LogTypeResponse.
func (m *ManualLog) Record() map[string]any {
	dir := "outbound"
	if m.Inbound {
		dir = "inbound"
	}
	r := map[string]any{"id": m.ID, "leadId": m.LeadID, "content": m.Content, "createTime": wallTime(m.Created),
		"outboundOrInbound": dir, "isPin": m.Pinned, "agentId": m.AgentID}
	for k, v := range map[string]string{"leadPhoneNumber": m.LeadPhone, "callingOutcome": m.Outcome,
		"emailSubject": m.Subject, "toEmail": m.To, "fromEmail": m.From} {
		if v != "" {
			r[k] = v
		}
	}
	return r
}

func demoLogs(d *Data) {
	jane := DemoLeadWithAgent
	d.Logs = []ManualLog{
		{ID: 850001, LeadID: jane, Type: "logCall", AgentID: DemoUserID, Outcome: "Talked", LeadPhone: "+14155551234",
			Content: "Called from my cell at the open house: Jane asked about HOA fees on Kinney Ave.", Created: ago(3*24*time.Hour - 7*time.Hour)},
		{ID: 850002, LeadID: jane, Type: "logEmail", AgentID: DemoUserID, Subject: "Disclosures for 2104 Barton Hills Dr",
			To: "jane.smith@example.com", From: "john.doe@example.com", Content: "Sent the seller's disclosure from my Gmail.",
			Created: ago(2*24*time.Hour + 1*time.Hour)},
		{ID: 850003, LeadID: jane, Type: "logText", AgentID: DemoUserID, Inbound: true, LeadPhone: "+14155551234",
			Content: "Jane texted my cell: her lender can close in 30 days.", Created: ago(26 * time.Hour)},
	}
}

func init() {
	areaSeeds = append(areaSeeds, demoLogs)
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("GET /v1.0/logType", f.listLogs)
		mux.HandleFunc("POST /v1.0/logType", f.addLog)
		mux.HandleFunc("GET /v1.0/logType/{logTypeId}", f.getLog)
		mux.HandleFunc("DELETE /v1.0/logType/{logTypeId}", f.deleteLog)
	})
}

// listLogs serves GET /v1.0/logType: a lead's logs of one type, sorted by
// createTime or id, ascending by default, offset or currentId paged.
func (f *Fake) listLogs(w http.ResponseWriter, r *http.Request) {
	l, ok := f.visibleLead(w, r, queryInt(r, "leadId"))
	if !ok {
		return
	}
	q := r.URL.Query()
	logs := forLead(f.dataFor(r).Logs, l.ID, func(m *ManualLog) int64 { return m.LeadID })
	logs = slices.DeleteFunc(logs, func(m ManualLog) bool { return m.Type != q.Get("logType") })
	byID := q.Get("sort") == "id"
	desc := q.Get("order") == "desc"
	slices.SortStableFunc(logs, func(a, b ManualLog) int {
		c := a.Created.Compare(b.Created)
		if byID || c == 0 {
			c = int(a.ID - b.ID)
		}
		if desc {
			return -c
		}
		return c
	})
	start := pageStart(logs, queryIntOr(r, "offset", 0), queryInt(r, "currentId"), func(m *ManualLog) int64 { return m.ID })
	out := []map[string]any{}
	for _, m := range window(logs, start, queryIntOr(r, "limit", 10)) {
		out = append(out, m.Record())
	}
	writeJSON(w, http.StatusOK, map[string]any{"logType": out})
}

func (f *Fake) manualLog(w http.ResponseWriter, r *http.Request) (*ManualLog, bool) {
	d, id := f.dataFor(r), pathInt(r, "logTypeId")
	for i := range d.Logs {
		if m := &d.Logs[i]; m.ID == id && d.visible(m.LeadID) {
			return m, true
		}
	}
	notFound(w, "Log")
	return nil, false
}

func (f *Fake) getLog(w http.ResponseWriter, r *http.Request) {
	if m, ok := f.manualLog(w, r); ok {
		writeJSON(w, http.StatusOK, map[string]any{"logType": m.Record()})
	}
}

// addLog serves POST /v1.0/logType: the log joins the lead's history.
func (f *Fake) addLog(w http.ResponseWriter, r *http.Request) {
	var body struct {
		LeadID       int64  `json:"leadId"`
		LogType      string `json:"logType"`
		Phone        string `json:"leadPhoneNumber"`
		Outcome      string `json:"callingOutcome"`
		Content      string `json:"content"`
		Direction    string `json:"outboundOrInbound"`
		IsPin        bool   `json:"isPin"`
		EmailSubject string `json:"emailSubject"`
		ToEmail      string `json:"toEmail"`
		FromEmail    string `json:"fromEmail"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	if blank(body.Content) {
		invalidParameter(w)
		return
	}
	if _, ok := f.visibleLead(w, r, body.LeadID); !ok {
		return
	}
	m := ManualLog{LeadID: body.LeadID, Type: body.LogType, AgentID: DemoUserID, Inbound: body.Direction == "inbound",
		Outcome: body.Outcome, LeadPhone: cut(body.Phone, 20), Content: cut(body.Content, 5000), Subject: body.EmailSubject,
		To: body.ToEmail, From: body.FromEmail, Pinned: body.IsPin, Created: now()}
	f.update(r, func(v *view, _ func(int64) *Lead) {
		m.ID = f.newIDLocked()
		v.data.Logs = append(slices.Clone(v.data.Logs), m)
	})
	writeJSON(w, http.StatusOK, map[string]any{"logType": m.Record()})
}

// deleteLog serves DELETE /v1.0/logType/{logTypeId}; the document gives
// its 200 no body.
func (f *Fake) deleteLog(w http.ResponseWriter, r *http.Request) {
	m, ok := f.manualLog(w, r)
	if !ok {
		return
	}
	id := m.ID
	f.update(r, func(v *view, _ func(int64) *Lead) {
		v.data.Logs = slices.DeleteFunc(slices.Clone(v.data.Logs), func(m ManualLog) bool { return m.ID == id })
	})
	w.WriteHeader(http.StatusOK)
}
