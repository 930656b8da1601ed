package lofty_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/contract"
)

// TestGenerationOutlastsTheRequestTimeout: an AI generation answered after
// longer than a request's --timeout succeeds within --call-timeout (an
// ordinary read is cut at the timeout), and is then cached as a read.
func TestGenerationOutlastsTheRequestTimeout(t *testing.T) {
	f := fakelofty.New(nil)
	contract.Check(t, f)
	f.AIDelay = 300 * time.Millisecond
	c := newClient(t, f.Start(t), lofty.Config{Credential: apiKey, Timeout: 100 * time.Millisecond,
		Resilience: lofty.Resilience{CacheTTL: time.Minute, CallTimeout: 5 * time.Second}})
	ctx := context.Background()
	start := time.Now()
	s, err := c.CallScript(ctx, fakelofty.DemoLeadWithAgent, 860001)
	if err != nil {
		t.Fatalf("call script: %v", err)
	}
	if took := time.Since(start); took < f.AIDelay {
		t.Errorf("answered in %s, before the fake's AI could (%s)", took, f.AIDelay)
	}
	if s.Context == "" || len(s.KeyTalkingPoints) == 0 {
		t.Errorf("script %+v: want context and talking points", s)
	}
	before := f.RequestCount()
	if _, err := c.CallScript(ctx, fakelofty.DemoLeadWithAgent, 860001); err != nil || f.RequestCount() != before {
		t.Errorf("asked again: err %v, %d more requests; want it from the cache", err, f.RequestCount()-before)
	}

	// The generation is bounded by the call's deadline all the same.
	short := newClient(t, f.Start(t), lofty.Config{Credential: apiKey, Timeout: 100 * time.Millisecond,
		Resilience: lofty.Resilience{CallTimeout: 150 * time.Millisecond}})
	start = time.Now()
	if _, err := short.CallScript(ctx, fakelofty.DemoLeadWithAgent, 860001); lofty.KindOf(err) != lofty.KindUnavailable {
		t.Errorf("past the call's deadline: %v, want unavailable", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("gave up after %s, want about the call timeout", took)
	}
}

// TestCallSummaryPollsPastTheCache: a summary asked for reads pending, then
// finished; a Fresh read sees the change that the cache would hide.
func TestCallSummaryPollsPastTheCache(t *testing.T) {
	f := fakelofty.New(nil)
	contract.Check(t, f)
	c := newClient(t, f.Start(t), lofty.Config{Credential: apiKey, Resilience: lofty.Resilience{CacheTTL: time.Minute}})
	ctx := context.Background()
	if _, ok, err := c.CallSummary(ctx, 820002); err != nil || ok {
		t.Fatalf("before generation: ok %v, err %v; want no summary", ok, err)
	}
	if _, err := c.GenerateCallSummary(ctx, fakelofty.DemoLeadWithAgent, 820002); err != nil {
		t.Fatal(err)
	}
	s, ok, err := c.CallSummary(ctx, 820002)
	if err != nil || !ok || *s.Status != lofty.SummaryPending {
		t.Fatalf("first read: %+v %v %v; want pending", s, ok, err)
	}
	if s, _, _ := c.CallSummary(ctx, 820002); *s.Status != lofty.SummaryPending {
		t.Errorf("cached read: status %d, want the cached pending", *s.Status)
	}
	s, _, err = c.CallSummary(lofty.Fresh(ctx), 820002)
	if err != nil || *s.Status != lofty.SummaryFinished || s.Summary == "" {
		t.Errorf("fresh read: %+v, %v; want the finished summary", s, err)
	}
	if s, _, _ := c.CallSummary(ctx, 820002); *s.Status != lofty.SummaryFinished {
		t.Errorf("after the fresh read, the cache says %d; want finished", *s.Status)
	}
}

// TestAIAnswersWithAFailureCode: Lofty's HTTP 200 with a code other than 0
// is a failure, with Lofty's code and message.
func TestAIAnswersWithAFailureCode(t *testing.T) {
	_, base := scriptedFake(t, reply(http.StatusOK, "application/json", `{"code":300021,"message":"AI quota used up","data":null}`))
	c := newClient(t, base, lofty.Config{Credential: apiKey})
	_, err := c.PrepareInsight(context.Background(), fakelofty.DemoLeadWithAgent, 870001)
	le, ok := lofty.AsError(err)
	if !ok || le.Kind != lofty.KindNotDone || le.Code != "300021" || !strings.Contains(le.Message, "quota") {
		t.Errorf("error %v, want not done with Lofty's code and message", err)
	}
}

// TestReadAIText reads the free-form data of AI answers.
func TestReadAIText(t *testing.T) {
	got := lofty.ReadAIText([]byte(`{"leadId": 1, "insight": "She is ready.", "keyFacts": ["a", "b"], "tone": "warm"}`))
	if got.Text != "She is ready." || len(got.Sections) != 2 || got.Sections[0].Title != "keyFacts" || got.Sections[1].Value[0] != "warm" {
		t.Errorf("object: %+v", got)
	}
	if got := lofty.ReadAIText([]byte(`"plain text"`)); got.Text != "plain text" {
		t.Errorf("string: %+v", got)
	}
	if got := lofty.ReadAIText([]byte(`{"taskId": 9007199254740993, "status": "PROCESSING"}`)); got.TaskID != 9007199254740993 || got.Status != "PROCESSING" {
		t.Errorf("pending task: %+v", got)
	}
	if got := lofty.ReadAIText([]byte(`{"taskId": 7, "status": "FINISHED", "insight": "x"}`)); got.TaskID != 0 {
		t.Errorf("finished task read as pending: %+v", got)
	}
}
