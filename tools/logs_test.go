package tools_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// TestAddContactLog: a logged call takes the lead's number when none is
// given, asks without sending anything to the lead, and shows on the
// timeline; a lead without a number is refused before anyone is asked.
func TestAddContactLog(t *testing.T) {
	h := newHistory(t, nil, cached)
	n := h.fake.RequestCount()
	out, c, err := call(t, h, nil, tools.AddContactLog,
		`{"leadId": 563172647619608, "channel": "call", "outcome": "VoiceMessage", "content": "Called, left a voicemail."}`)
	if err != nil || out.LogID == 0 {
		t.Fatalf("%+v %v", out, err)
	}
	if q := question(h, c); !strings.HasPrefix(q, "Log this call on the lead's timeline? It only records it: nothing is sent to the lead. "+
		`(outcome: left voicemail; number: "+14155551234")`) {
		t.Errorf("question:\n%s", q)
	}
	var body string
	for _, r := range h.fake.Requests()[n:] {
		if r.Method == "POST" {
			body = r.Body
		}
	}
	if !strings.Contains(body, `"logType":"logCall"`) || !strings.Contains(body, `"leadPhoneNumber":"+14155551234"`) ||
		!strings.Contains(body, `"outboundOrInbound":"outbound"`) {
		t.Errorf("body %s", body)
	}
	tl := timeline(t, h, nil, `{"leadId": 563172647619608, "kinds": ["log"], "limit": 1}`)
	if len(tl.Entries) != 1 || tl.Entries[0].ID != out.LogID || tl.Entries[0].Summary != "logged call: left voicemail" {
		t.Errorf("timeline %+v", tl.Entries)
	}

	d := fakelofty.Demo()
	l := *d.Leads[jane]
	l.Phones = nil
	d.Leads[jane] = &l
	h = newHistory(t, d, cached)
	n = h.fake.RequestCount()
	_, c, err = call(t, h, nil, tools.AddContactLog, `{"leadId": 563172647619608, "channel": "call", "content": "Called."}`)
	if err == nil || !strings.HasPrefix(c.LookupErrorText(err), "Lofty needs the number called to log a call, and lead 563172647619608 has no phone number") ||
		len(writes(h, n)) != 0 {
		t.Errorf("a lead without a number: %v", err)
	}
	for args, want := range map[string]string{
		`{"leadId": 1, "channel": "email", "content": "x", "outcome": "Talked"}`: `"outcome" and "phone" are for a call`,
		`{"leadId": 1, "channel": "text", "content": "x", "subject": "Hi"}`:      `"subject" is for an email`,
	} {
		if _, _, err := call(t, h, nil, tools.AddContactLog, args); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", args, err)
		}
	}
}

// TestDeleteContactLog: always confirmed, quoted, and gone after it.
func TestDeleteContactLog(t *testing.T) {
	h := newHistory(t, nil, cached)
	n := h.fake.RequestCount()
	out, c, err := call(t, h, nil, tools.DeleteTimelineEntry, `{"kind": "log", "id": 850002}`)
	if err != nil || !c.Write.MustConfirm || out.LeadID != jane {
		t.Fatalf("%+v %v", out, err)
	}
	if q := question(h, c); !strings.Contains(q, `Log: "Disclosures for 2104 Barton Hills Dr — Sent the seller's disclosure from my Gmail."`) {
		t.Errorf("question:\n%s", q)
	}
	if w := writes(h, n); !slices.Equal(w, []string{"DELETE /v1.0/logType/850002"}) {
		t.Errorf("writes %v", w)
	}
	if _, err := h.c.ManualLog(context.Background(), 850002); lofty.KindOf(err) != lofty.KindNotFound {
		t.Errorf("after the delete: %v", err)
	}
}

// TestAddContactLogSite: channel site records what the lead did on a
// website (Lofty's lead activity), which the timeline then shows; its
// arguments are checked before anything is sent.
func TestAddContactLogSite(t *testing.T) {
	h := newHistory(t, nil, cached)
	n := h.fake.RequestCount()
	out, c, err := call(t, h, nil, tools.AddContactLog,
		`{"leadId": 563172647619608, "channel": "site", "activity": "Request", "content": "Asked for a showing of 2104 Barton Hills Dr"}`)
	if err != nil || out.LeadID != jane {
		t.Fatalf("%+v %v", out, err)
	}
	if q := question(h, c); !strings.HasPrefix(q, "Record on the lead's timeline that they asked for a showing, now? It only records it: nothing is sent to the lead.") ||
		!strings.HasSuffix(q, "\n\nWhat:\nAsked for a showing of 2104 Barton Hills Dr") {
		t.Errorf("question:\n%s", q)
	}
	if w := writes(h, n); !slices.Equal(w, []string{"POST /v1.0/leads/563172647619608/activity"}) {
		t.Errorf("writes %v", w)
	}
	if d, _ := c.Write.Done(out).(tools.ContactLogResult); !strings.HasPrefix(d.Summary, "Recorded on ") ||
		!strings.HasSuffix(d.Summary, "'s timeline that they asked for a showing.") {
		t.Errorf("done: %+v", d)
	}
	tl := timeline(t, h, nil, `{"leadId": 563172647619608, "kinds": ["site"], "limit": 1}`)
	if len(tl.Entries) != 1 || tl.Entries[0].Summary != "asked for a showing" || tl.Entries[0].Text != "Asked for a showing of 2104 Barton Hills Dr" {
		t.Errorf("timeline %+v", tl.Entries)
	}
	for args, want := range map[string]string{
		`{"leadId": 1, "channel": "site", "content": "x"}`:                                                      `"activity" is required for site`,
		`{"leadId": 1, "channel": "site", "activity": "Browse", "content": "x", "direction": "in"}`:             `"direction" is for a call, email or text`,
		`{"leadId": 1, "channel": "site", "activity": "Browse", "content": "x", "outcome": "Talked"}`:           `"outcome" and "phone" are for a call`,
		`{"leadId": 1, "channel": "site", "activity": "Browse", "content": "` + strings.Repeat("x", 501) + `"}`: `at most 500 characters`,
		`{"leadId": 1, "channel": "call", "activity": "Browse", "content": "x"}`:                                `"activity" is for site`,
	} {
		if _, _, err := call(t, h, nil, tools.AddContactLog, args); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.80s: %v", args, err)
		}
	}
}
