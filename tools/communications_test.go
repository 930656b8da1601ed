package tools_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

// TestAgentCommunications: what I had with leads in a week, newest first,
// in my zone; a team member's, from the team's view; a window Lofty's V2
// search cannot cover is cut to 90 days and said; when V2 has no answer
// for a day's window, V1's search (a read sent as POST) answers.
func TestAgentCommunications(t *testing.T) {
	h := newHistory(t, nil, cached)
	mine, err, _ := call(t, h, nil, tools.ListAgentCommunications, `{"since": "2026-02-25", "until": "2026-03-04"}`)
	if err != nil || len(mine.Items) != 8 || mine.Note != "" {
		t.Fatalf("%+v %v", mine, err)
	}
	first := mine.Items[0]
	if first != (tools.AgentComm{Kind: "text", At: "2026-03-02T12:30:00-06:00", Direction: "in", LeadID: jane, Summary: "text received", ID: 830006}) {
		t.Errorf("first %+v", first)
	}
	maria, err, _ := call(t, h, nil, tools.ListAgentCommunications, `{"since": "2026-02-01", "until": "2026-03-04", "agentId": 67893}`)
	if err != nil || len(maria.Items) != 1 || maria.Items[0].ID != 820005 || !strings.Contains(maria.Note, "kept user 67893's") {
		t.Errorf("Maria's: %+v %v", maria, err)
	}
	if r := h.fake.Requests(); !strings.Contains(r[len(r)-1].RawQuery, "teamView=true") {
		t.Errorf("Maria's were not asked of the team's view: %s", r[len(r)-1].RawQuery)
	}
	long, err, _ := call(t, h, nil, tools.ListAgentCommunications, `{"since": "2025-01-01", "until": "2026-03-04"}`)
	if err != nil || !strings.Contains(long.Note, "at most 90 days") {
		t.Errorf("a long window: %+v %v", long, err)
	}

	h.fake.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/v2.0/communication/agent" {
			http.Error(w, "Internal server error.", http.StatusInternalServerError)
			return true
		}
		return false
	}
	day, err, c := call(t, h, nil, tools.ListAgentCommunications, `{"since": "2026-03-02", "until": "2026-03-03"}`)
	if err != nil {
		t.Fatal(c.ErrorText(err))
	}
	if len(day.Items) != 3 || day.Items[0].ID != 830006 {
		t.Errorf("V1's day: %+v", day)
	}
	if r := h.fake.Requests(); r[len(r)-1].Method != http.MethodPost || r[len(r)-1].Path != "/v1.0/agent/communication" {
		t.Errorf("last request %s %s", r[len(r)-1].Method, r[len(r)-1].Path)
	}
	_, err, c = call(t, h, nil, tools.ListAgentCommunications, `{"since": "2026-02-02", "until": "2026-03-03"}`)
	if err == nil || !strings.HasPrefix(c.ErrorText(err), "Lofty is unavailable right now.") {
		t.Errorf("V2 down for a month's window: %v", err)
	}
}
