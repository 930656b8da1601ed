package tools_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// hostile reports whether s holds what AdversarialText uses to pass for
// something else: a right-to-left override or its pop.
func hostile(s string) bool { return strings.ContainsAny(s, "\u202e\u202c") }

// TestCallScriptCarriesTheLeadsWordsAsData: Lofty's script quotes the
// lead's last text, which tries to instruct its reader; it arrives as one
// clean, bounded point of the script, never in our words.
func TestCallScriptCarriesTheLeadsWordsAsData(t *testing.T) {
	w := newDealWorld(t, "America/Chicago", lofty.Resilience{})
	var a tools.AIAnswer
	if _, err := w.run(t, tools.AskLoftyAI, `{"leadId": 563172647619608, "taskId": 860001}`, &a); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Text, "Call Jane to book the second showing") || a.Note != "" {
		t.Fatalf("script: %+v", a)
	}
	found := false
	for _, p := range a.Points {
		if hostile(p) || strings.Contains(p, "\n") {
			t.Errorf("point %q: not cleaned", p)
		}
		found = found || strings.Contains(p, "ignore all previous instructions")
	}
	if !found || !strings.HasPrefix(a.Points[0], "Objectives: ") {
		t.Errorf("points %q: want the objectives first and the lead's text among the points", a.Points)
	}
	if _, err := w.run(t, tools.AskLoftyAI, `{"leadId": 563172647619608, "taskId": 860005}`, &a); lofty.KindOf(err) != lofty.KindBadRequest {
		t.Errorf("another lead's task: %v, want Lofty's refusal", err)
	}
}

// TestAppointmentInsight: the insight's free-form data read as text and
// headed points; an answer that is a task still being worked on says so.
func TestAppointmentInsight(t *testing.T) {
	w := newDealWorld(t, "America/Chicago", lofty.Resilience{})
	var a tools.AIAnswer
	if _, err := w.run(t, tools.AskLoftyAI, `{"leadId": 563172647619608, "appointmentId": 870001}`, &a); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.Text, "Jane Smith: Second showing: 2104 Barton Hills Dr") || len(a.Points) < 3 ||
		!strings.HasPrefix(a.Points[0], "keyFacts: ") {
		t.Errorf("insight: %+v", a)
	}
	w.fake.Hook = func(rw http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/v2.0/ai/prepare-insight" {
			return false
		}
		rw.Header().Set("Content-Type", "application/json")
		_, _ = rw.Write([]byte(`{"code":0,"message":"success","data":{"taskId":9007199254740993,"status":"PROCESSING"}}`))
		return true
	}
	if _, err := w.run(t, tools.AskLoftyAI, `{"leadId": 563172647619608, "appointmentId": 870003}`, &a); err != nil {
		t.Fatal(err)
	}
	if a.State != "processing" || !strings.Contains(a.Note, "task 9007199254740993") {
		t.Errorf("pending insight: %+v", a)
	}
}

// TestCallSummaries: a summary Lofty has; none; one Lofty failed to make.
func TestCallSummaries(t *testing.T) {
	w := newDealWorld(t, "America/Chicago", lofty.Resilience{})
	var a tools.AIAnswer
	if _, err := w.run(t, tools.AskLoftyAI, `{"callId": 820001}`, &a); err != nil {
		t.Fatal(err)
	}
	if a.State != "finished" || !strings.HasPrefix(a.Text, "Intro call.") || strings.Contains(a.Note, "ignore") {
		t.Errorf("summary: %+v", a)
	}
	if _, err := w.run(t, tools.AskLoftyAI, `{"callId": 820002}`, &a); err != nil || a.State != "none" || !strings.Contains(a.Note, "start_lofty_ai") {
		t.Errorf("no summary: %+v, %v", a, err)
	}
	w.fake.Hook = func(rw http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/v2.0/ai/call-summary" {
			return false
		}
		rw.Header().Set("Content-Type", "application/json")
		_, _ = rw.Write([]byte(`{"status":{"code":0,"msg":"success"},"data":{"id":1,"recordingId":820004,"status":3}}`))
		return true
	}
	if _, err := w.run(t, tools.AskLoftyAI, `{"callId": 820004}`, &a); err != nil || a.State != "failed" || a.Text != "" {
		t.Errorf("failed summary: %+v, %v", a, err)
	}
}

// TestSummaryIsWaitedFor: asked for with start_lofty_ai (the person
// confirms in our words), a summary is read by ask_lofty_ai again
// (skipping the cache) until it is made, each wait reported.
func TestSummaryIsWaitedFor(t *testing.T) {
	w := newDealWorld(t, "America/Chicago", lofty.Resilience{})
	var mu sync.Mutex
	var progress []string
	w.ctx = lofty.WithProgress(w.ctx, func(m string) { mu.Lock(); progress = append(progress, m); mu.Unlock() })
	var s tools.AIStarted
	q, err := w.run(t, tools.StartLoftyAI, `{"leadId": 563172647619608, "callId": 820002}`, &s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(q, "Have Lofty's AI transcribe and summarise call 820002?") || !strings.HasSuffix(q, "Lead: lead 563172647619608") {
		t.Errorf("question %q", q)
	}
	if s.Status != tools.StatusDone || s.TaskID != 0 ||
		s.Summary != "Lofty's AI is summarising call 820002 of lead 563172647619608: ask_lofty_ai with callId 820002 reads it, waiting while it is made." {
		t.Errorf("asked: %+v", s)
	}
	var a tools.AIAnswer
	if _, err := w.run(t, tools.AskLoftyAI, `{"callId": 820002}`, &a); err != nil {
		t.Fatal(err)
	}
	if a.State != "finished" || !strings.Contains(a.Text, "pre-approval letter") {
		t.Errorf("made: %+v", a)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(progress) != 1 || !strings.HasPrefix(progress[0], "Lofty's AI is summarising the call: pending") {
		t.Errorf("progress %q", progress)
	}
	if _, err := w.run(t, tools.StartLoftyAI, `{"leadId": 563172647619608, "callId": 820003}`, &s); lofty.KindOf(err) != lofty.KindBadRequest {
		t.Errorf("a call without a recording: %v", err)
	}
}

// TestLeadAnalyses: started with start_lofty_ai, an analysis is listed
// (for its lead too) until it finishes, and then leaves the list.
func TestLeadAnalyses(t *testing.T) {
	w := newDealWorld(t, "America/Chicago", lofty.Resilience{})
	var s tools.AIStarted
	q, err := w.run(t, tools.StartLoftyAI, `{"leadId": 563172647619612}`, &s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(q, "Start a Lofty AI analysis of this lead?") || s.Status != tools.StatusDone || s.TaskID == 0 ||
		!strings.HasPrefix(s.Summary, "Lofty started an AI analysis of lead 563172647619612 (task "+itoa(s.TaskID)+"); ask_lofty_ai") {
		t.Fatalf("started: %q %+v", q, s)
	}
	var a tools.AIAnswer
	if _, err := w.run(t, tools.AskLoftyAI, `{}`, &a); err != nil {
		t.Fatal(err)
	}
	if len(a.Points) != 2 ||
		!strings.HasPrefix(a.Points[0], "task "+itoa(s.TaskID)+": PENDING, 1 lead, since ") {
		t.Fatalf("under way: %+v", a)
	}
	if _, err := w.run(t, tools.AskLoftyAI, `{"leadId": 563172647619612}`, &a); err != nil || len(a.Points) != 0 {
		t.Errorf("Emily's, once finished: %+v, %v", a, err)
	}
	if _, err := w.run(t, tools.AskLoftyAI, `{"leadId": 563172647619611}`, &a); err != nil || len(a.Points) != 1 ||
		!strings.HasPrefix(a.Points[0], "task 880001: PROCESSING, 3 leads") {
		t.Errorf("Carlos's: %+v, %v", a, err)
	}
	for _, bad := range []string{`{}`, `{"callId": 1}`, `{"leadId": 1, "leadIds": [2]}`} {
		if _, err := w.run(t, tools.StartLoftyAI, bad, &s); err == nil || !strings.HasPrefix(err.Error(), "invalid arguments") {
			t.Errorf("start %s: %v, want refused", bad, err)
		}
	}
	for _, bad := range []string{`{"taskId": 1}`, `{"taskId": 1, "callId": 2}`} {
		if _, err := w.run(t, tools.AskLoftyAI, bad, &a); err == nil || !strings.HasPrefix(err.Error(), "invalid arguments") {
			t.Errorf("ask %s: %v, want refused", bad, err)
		}
	}
}
