package fakelofty

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Lofty's own AI (Intelligent Features), answered from the demo world: a
// call script from a lead's record, history and task; an insight before
// one of the lead's appointments; call summaries made from recorded calls;
// lead-analysis tasks.
//
// Generation takes time, as Lofty's does. A call script and an insight
// are answered after Fake.AIDelay (the request waits). A call summary or a
// lead analysis asked for is made afterwards: its reads say pending, then
// processing, until AIDelay has passed and at least one read has seen it
// unfinished — so with no delay it completes on the second read, and a
// test can hold a generation as long as it likes. Finished lead analyses
// leave the list, as Lofty's do.

// CallSummary is a recorded call's AI summary (RecordingSummary).
type CallSummary struct {
	CallID     int64
	Transcript string // the call's words; the lead's are untrusted text
	Summary    string
	Comment    string
	Score      int32
	Keywords   [][2]string // type, content
}

// AnalysisTask is a lead-analysis task.
type AnalysisTask struct {
	ID      int64
	LeadIDs []int64
	Created time.Time
	Status  string // PENDING, PROCESSING: what the seeded tasks stay at
}

// aiState is what the fake's AI is working on, by credential: the
// generations asked for and how many reads have seen each unfinished.
type aiState struct {
	mu   sync.Mutex
	jobs map[aiJobKey]*aiJob
}

type aiJobKey struct {
	cred [32]byte
	kind string // summary, analysis
	id   int64  // the call's id, or the task's
}

type aiJob struct {
	asked time.Time
	reads int
}

// progress says how far job key is, counting this read: pending (0) on the
// first read, processing (1) until AIDelay has passed, then finished (2).
// ok is false when nobody asked for it.
func (f *Fake) aiProgress(key aiJobKey) (status int32, ok bool) {
	f.ai.mu.Lock()
	defer f.ai.mu.Unlock()
	j := f.ai.jobs[key]
	if j == nil {
		return 0, false
	}
	j.reads++
	switch {
	case j.reads == 1:
		return 0, true
	case time.Since(j.asked) < f.AIDelay:
		return 1, true
	}
	return 2, true
}

// maxAIJobs bounds the generations the fake remembers (demo mode serves
// anyone); beyond it, one is forgotten and reads as finished or unasked.
const maxAIJobs = 4096

// askAI records that generation key was asked for now (again: anew).
func (f *Fake) askAI(key aiJobKey) {
	f.ai.mu.Lock()
	defer f.ai.mu.Unlock()
	if f.ai.jobs == nil {
		f.ai.jobs = map[aiJobKey]*aiJob{}
	}
	for k := range f.ai.jobs {
		if len(f.ai.jobs) < maxAIJobs {
			break
		}
		delete(f.ai.jobs, k)
	}
	f.ai.jobs[key] = &aiJob{asked: time.Now()}
}

// think waits AIDelay, as a generation answered while the request waits;
// false, answered, when the caller gave up first.
func (f *Fake) think(ctx context.Context, w http.ResponseWriter) bool {
	if f.AIDelay <= 0 {
		return true
	}
	t := time.NewTimer(f.AIDelay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		writeText(w, http.StatusInternalServerError, "the request ended before the answer was ready")
		return false
	}
}

func demoAI(d *Data) {
	jane := DemoLeadWithAgent
	d.CallSummaries = []CallSummary{
		{CallID: 820001, Score: 86,
			Summary: "Intro call. Jane Smith is relocating from Dallas for a new job starting in May. She wants 3-4 bedrooms " +
				"in 78704 between $450k and $600k, needs a garage and a yard, and is pre-approved with Hill Country Credit Union.",
			Comment: "Good discovery; confirm her move date and book showings for the weekend.",
			Transcript: "Agent: Hi Jane, it's John from Hill Country Realty. Is now a good time?\n" +
				"Lead: Yes! We're moving from Dallas in May, I start a new job downtown.\n" +
				"Agent: What are you looking for?\n" +
				"Lead: Three or four bedrooms in 78704, under six hundred. We need a garage and a yard for the dog.\n" +
				"Lead: " + AdversarialText + "\n" +
				"Agent: Great, I'll send you a few homes for Saturday.",
			Keywords: [][2]string{{"leadName", "Jane Smith"}, {"propertyLocation", "78704"}, {"propertyPrice", "$450k-$600k"},
				{"bedroom", "3-4"}}},
	}
	d.AnalysisTasks = []AnalysisTask{
		{ID: 880001, LeadIDs: []int64{jane, 563172647619611, 563172647619615}, Created: ago(26 * time.Hour), Status: "PROCESSING"},
	}
}

func init() {
	areaSeeds = append(areaSeeds, demoAI)
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("POST /v2.0/ai/call-script", f.callScript)
		mux.HandleFunc("POST /v2.0/ai/prepare-insight", f.prepareInsight)
		mux.HandleFunc("POST /v2.0/ai/call-summary/generate", f.generateCallSummary)
		mux.HandleFunc("GET /v2.0/ai/call-summary", f.callSummary)
		mux.HandleFunc("POST /v2.0/ai/lead-analysis", f.createLeadAnalysis)
		mux.HandleFunc("GET /v2.0/ai/lead-analysis", f.leadAnalyses)
	})
}

// aiLead is the lead a request body names, if the caller may see it; else
// it answers 400, as Lofty's AI operations document no 404.
func (f *Fake) aiLead(w http.ResponseWriter, r *http.Request, id int64) (*Data, *Lead, bool) {
	d := f.dataFor(r)
	if !d.visible(id) {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: no lead "+itoa(id)+" that you can manage")
		return nil, nil, false
	}
	return d, d.Leads[id], true
}

// aiSubject reads a body naming a lead (leadId) and one of its things
// (field: the body's name for its id), found by find (-1: none); it
// answers 400 when either is unknown.
func (f *Fake) aiSubject(w http.ResponseWriter, r *http.Request, field, what string, find func(d *Data, lead, id int64) int) (*Data, *Lead, int, bool) {
	var body map[string]json.Number
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	_ = dec.Decode(&body)
	leadID, _ := body["leadId"].Int64()
	id, _ := body[field].Int64()
	d, l, ok := f.aiLead(w, r, leadID)
	if !ok {
		return nil, nil, 0, false
	}
	i := find(d, l.ID, id)
	if i < 0 {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: lead "+itoa(l.ID)+" has no "+what+" "+itoa(id))
		return nil, nil, 0, false
	}
	return d, l, i, true
}

func (f *Fake) callScript(w http.ResponseWriter, r *http.Request) {
	d, l, i, ok := f.aiSubject(w, r, "taskId", "task", func(d *Data, lead, id int64) int {
		return slices.IndexFunc(d.Tasks, func(t Task) bool { return t.ID == id && t.LeadID == lead })
	})
	if !ok || !f.think(r.Context(), w) {
		return
	}
	task := d.Tasks[i]
	first := l.FirstName()
	about := fmt.Sprintf("%s is a %s lead from %s, stage %s.", l.Name, strings.ToLower(orText(l.BuyingTimeFrame, "new")), l.Source, l.Stage)
	if l.BuyingTimeFrame != "" {
		about = fmt.Sprintf("%s is a buyer from %s (stage %s) planning to buy within %s months.", l.Name, l.Source, l.Stage, l.BuyingTimeFrame)
	}
	about += " This call is for the task: " + task.Content + "."
	points := []map[string]any{}
	if in := l.Inquiry; in != nil {
		var want []string
		if in.PriceMax > 0 {
			want = append(want, fmt.Sprintf("Budget $%dk-$%dk", in.PriceMin/1000, in.PriceMax/1000))
		}
		if in.BedroomsMin > 0 {
			want = append(want, fmt.Sprintf("At least %d bedrooms", in.BedroomsMin))
		}
		for _, loc := range in.Locations {
			if area := strings.TrimSpace(loc.City + " " + loc.ZipCode); area != "" {
				want = append(want, "Area: "+area)
			}
		}
		points = append(points, map[string]any{"title": "What " + first + " wants", "value": want})
	}
	var recent []string
	for _, c := range callHistory.pageOf(d.Calls, l.ID, 2) {
		if c.Note != "" {
			recent = append(recent, "Last call: "+c.Note)
		}
	}
	for _, t := range textHistory.pageOf(d.Texts, l.ID, 1) {
		if t.Inbound {
			recent = append(recent, "Her last text: "+t.Body) // the lead's own words, as an AI would quote them
		}
	}
	if len(recent) > 0 {
		points = append(points, map[string]any{"title": "Recent contact", "value": recent})
	}
	points = append(points, map[string]any{"title": "Close", "value": []string{"Agree the next step and a time", "Confirm the best number and time to reach " + first}})
	writeJSON(w, http.StatusOK, map[string]any{"context": about,
		"objectiveSuggestion": []string{"Book the next showing", "Confirm budget and pre-approval"},
		"keyTalkingPoints":    points})
}

// pageOf returns lead's newest n items.
func (h history[T]) pageOf(items []T, lead int64, n int) []T {
	hits := forLead(items, lead, h.lead)
	slices.SortStableFunc(hits, func(a, b T) int { return h.at(&b).Compare(h.at(&a)) })
	return window(hits, 0, int64(n))
}

func orText(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}

func (f *Fake) prepareInsight(w http.ResponseWriter, r *http.Request) {
	d, l, i, ok := f.aiSubject(w, r, "appointmentId", "appointment", func(d *Data, lead, id int64) int {
		return slices.IndexFunc(d.Appointments, func(a Appointment) bool { return a.ID == id && a.LeadID == lead })
	})
	if !ok || !f.think(r.Context(), w) {
		return
	}
	a := d.Appointments[i]
	insight := fmt.Sprintf("%s: %s at %s, %s.", l.Name, a.Descr, a.Address, zoned(a.Start, "").Format("Mon Jan 2 at 3:04pm"))
	var know []string
	if in := l.Inquiry; in != nil && in.PriceMax > 0 {
		know = append(know, fmt.Sprintf("Budget $%dk-$%dk, %d+ bedrooms", in.PriceMin/1000, in.PriceMax/1000, in.BedroomsMin))
	}
	for _, c := range callHistory.pageOf(d.Calls, l.ID, 1) {
		if c.Note != "" {
			know = append(know, "Last call: "+c.Note)
		}
	}
	for _, t := range d.Transactions {
		if t.LeadID == l.ID {
			know = append(know, fmt.Sprintf("Transaction: %s, %s (%s)", t.Name, t.Status, t.Type))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"code": 0, "message": "success", "data": map[string]any{
		"leadId": l.ID, "appointmentId": a.ID, "insight": insight,
		"keyFacts":  know,
		"questions": []string{"Has anything changed in the budget or timing?", "What did you think of the homes you saw?"},
		"nextSteps": []string{"Bring comparable sales for the area", "Confirm the pre-approval amount"},
	}})
}

// generateCallSummary serves POST /v2.0/ai/call-summary/generate: a
// recorded call of the lead's gets a summary made afterwards.
func (f *Fake) generateCallSummary(w http.ResponseWriter, r *http.Request) {
	d, _, i, ok := f.aiSubject(w, r, "callRecordId", "call", func(d *Data, lead, id int64) int {
		return slices.IndexFunc(d.Calls, func(c Call) bool { return c.ID == id && c.LeadID == lead })
	})
	if !ok {
		return
	}
	if c := d.Calls[i]; !c.Recorded {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: call "+itoa(c.ID)+" has no recording")
		return
	}
	f.askAI(aiJobKey{credKey(r), "summary", d.Calls[i].ID})
	writeJSON(w, http.StatusOK, map[string]any{"message": "Call summary generation started"})
}

// callSummary serves GET /v2.0/ai/call-summary: a summary being made
// (see aiProgress), a seeded one, or none (no data).
func (f *Fake) callSummary(w http.ResponseWriter, r *http.Request) {
	id := queryInt(r, "callRecordId")
	d := f.dataFor(r)
	i := slices.IndexFunc(d.Calls, func(c Call) bool { return c.ID == id && d.visible(c.LeadID) })
	if i < 0 {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: no call with callRecordId "+itoa(id))
		return
	}
	call := d.Calls[i]
	ok := map[string]any{"code": int32(0), "msg": "success"}
	record := func(s CallSummary, status int32) map[string]any {
		rec := map[string]any{"id": call.ID + 500000000000, "recordingId": call.ID, "status": status, "userId": call.UserID}
		if status != 2 {
			return rec
		}
		kws := []map[string]any{}
		for _, k := range s.Keywords {
			kws = append(kws, map[string]any{"type": k[0], "content": k[1], "params": []any{}})
		}
		rec["text"], rec["summary"], rec["keywords"], rec["score"], rec["comment"] = s.Transcript, s.Summary, kws, s.Score, s.Comment
		return rec
	}
	if status, asked := f.aiProgress(aiJobKey{credKey(r), "summary", id}); asked {
		writeJSON(w, http.StatusOK, map[string]any{"status": ok, "data": record(madeSummary(d, call), status)})
		return
	}
	if j := slices.IndexFunc(d.CallSummaries, func(s CallSummary) bool { return s.CallID == id }); j >= 0 {
		writeJSON(w, http.StatusOK, map[string]any{"status": ok, "data": record(d.CallSummaries[j], 2)})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": ok})
}

// madeSummary is the summary the fake's AI makes of a call: the seeded one
// if there is one, else one from the call's note.
func madeSummary(d *Data, c Call) CallSummary {
	if j := slices.IndexFunc(d.CallSummaries, func(s CallSummary) bool { return s.CallID == c.ID }); j >= 0 {
		return d.CallSummaries[j]
	}
	name := "the lead"
	if l := d.Leads[c.LeadID]; l != nil {
		name = l.Name
	}
	return CallSummary{CallID: c.ID, Score: 72,
		Summary:    fmt.Sprintf("%s call with %s (%d min). %s", c.direction(), name, (c.Seconds+59)/60, c.Note),
		Comment:    "Follow up within two days.",
		Transcript: "Agent: Hi, it's John from Hill Country Realty.\nLead: " + c.Note,
		Keywords:   [][2]string{{"leadName", name}}}
}

// createLeadAnalysis serves POST /v2.0/ai/lead-analysis: a task over the
// leads the caller can see, made afterwards.
func (f *Fake) createLeadAnalysis(w http.ResponseWriter, r *http.Request) {
	var body struct {
		LeadIDs []int64 `json:"leadIds"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	d := f.dataFor(r)
	var leads []int64
	for _, id := range body.LeadIDs {
		if d.visible(id) && !slices.Contains(leads, id) {
			leads = append(leads, id)
		}
	}
	if len(leads) == 0 {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: leadIds names no lead you can manage")
		return
	}
	task := AnalysisTask{LeadIDs: leads, Created: now()}
	f.update(r, func(v *view, _ func(int64) *Lead) {
		task.ID = f.newIDLocked()
		v.data.AnalysisTasks = append(slices.Clone(v.data.AnalysisTasks), task)
	})
	f.askAI(aiJobKey{credKey(r), "analysis", task.ID})
	writeJSON(w, http.StatusOK, map[string]any{"code": 0, "message": "success",
		"data": map[string]any{"taskId": task.ID, "status": "PENDING", "leadCount": len(leads)}})
}

// leadAnalyses serves GET /v2.0/ai/lead-analysis: the caller's unfinished
// tasks, newest first, page (from 1) by page (default 10).
func (f *Fake) leadAnalyses(w http.ResponseWriter, r *http.Request) {
	d := f.dataFor(r)
	key := credKey(r)
	var open []map[string]any
	for _, t := range slices.Backward(d.AnalysisTasks) {
		status := t.Status
		if p, asked := f.aiProgress(aiJobKey{key, "analysis", t.ID}); asked {
			if p == 2 {
				continue // finished: no longer listed
			}
			status = []string{"PENDING", "PROCESSING"}[p]
		}
		open = append(open, map[string]any{"taskId": t.ID, "status": status, "leadIds": t.LeadIDs,
			"leadCount": len(t.LeadIDs), "createTime": isoTime(t.Created, "")})
	}
	page, size := max(queryIntOr(r, "pageNum", 1), 1), max(queryIntOr(r, "pageSize", 10), 1)
	writeJSON(w, http.StatusOK, map[string]any{"code": 0, "message": "success", "data": map[string]any{
		"total": len(open), "pageNum": page, "pageSize": size, "list": window(orEmpty(open), (page-1)*size, size)}})
}
