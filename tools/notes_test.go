package tools_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// TestDeleteNote: always confirmed, the note quoted in the question, and
// gone after it.
func TestDeleteNote(t *testing.T) {
	h := newHistory(t, nil, cached)
	out, c, err := call(t, h, nil, tools.DeleteTimelineEntry, `{"kind": "note", "id": 810005}`)
	if err != nil || !c.Write.MustConfirm || out.LeadID != jane {
		t.Fatalf("%+v %v", out, err)
	}
	if q := question(h, c); !strings.HasPrefix(q, "Delete this note from the lead's timeline? It cannot be undone.") ||
		!strings.Contains(q, `Note: "Maria covered the Kinney Ave follow-up while I was at closing."`) {
		t.Errorf("question:\n%s", q)
	}
	if _, err := h.c.Note(context.Background(), 810005); lofty.KindOf(err) != lofty.KindNotFound {
		t.Errorf("after the delete: %v", err)
	}
	tl := timeline(t, h, nil, `{"leadId": 563172647619608, "kinds": ["note"], "limit": 100}`)
	if findEntry(tl.Entries, "note", 810005) != nil {
		t.Error("the deleted note is still on the timeline")
	}
}

// TestEditNote: with noteId, add_lead_note replaces that note's text and
// keeps its pin unless pin is given; the question shows the note before
// and after, quoted after our words; a note of another lead and an
// unknown note are refused before anything is sent.
func TestEditNote(t *testing.T) {
	h := newHistory(t, nil, cached)
	n := h.fake.RequestCount()
	out, c, err := call(t, h, nil, tools.AddLeadNote, `{"leadId": 563172647619608, "noteId": 810004, "content": "Wants 4 beds now."}`)
	if err != nil || out.NoteID != 810004 || out.Pinned || out.LeadID != jane {
		t.Fatalf("%+v %v", out, err)
	}
	if q := question(h, c); !strings.HasPrefix(q, "Replace the text of this note on the lead's timeline? The text it replaces is gone.") ||
		!strings.Contains(q, `Now: "Toured 2104 Barton Hills Dr and 1503 Kinney Ave on Saturday.`) ||
		!strings.HasSuffix(q, "\n\nNew text:\nWants 4 beds now.") {
		t.Errorf("question:\n%s", q)
	}
	if w := writes(h, n); !slices.Equal(w, []string{"PUT /v1.0/notes/810004"}) {
		t.Errorf("writes %v", w)
	}
	if note, err := h.c.Note(context.Background(), 810004); err != nil || note.IsPin || note.Content != "Wants 4 beds now." {
		t.Errorf("%+v %v", note, err)
	}
	// Pinned now, the next edit keeps the pin without being told.
	if _, c, err := call(t, h, nil, tools.AddLeadNote, `{"leadId": 563172647619608, "noteId": 810004, "content": "4 beds.", "pin": true}`); err != nil ||
		!strings.HasPrefix(question(h, c), "Replace the text of this note on the lead's timeline, and pin it to the top?") {
		t.Fatalf("%v %q", err, question(h, c))
	}
	if out, _, err := call(t, h, nil, tools.AddLeadNote, `{"leadId": 563172647619608, "noteId": 810004, "content": "4 beds, 2 baths."}`); err != nil || !out.Pinned {
		t.Fatalf("%+v %v", out, err)
	}
	if note, _ := h.c.Note(context.Background(), 810004); !note.IsPin || note.Content != "4 beds, 2 baths." {
		t.Errorf("%+v", note)
	}

	n = h.fake.RequestCount()
	_, c, err = call(t, h, nil, tools.AddLeadNote, `{"leadId": 563172647619611, "noteId": 810004, "content": "x"}`)
	if err == nil || !strings.HasPrefix(c.LookupErrorText(err), "Note 810004 is not on lead 563172647619611") {
		t.Errorf("another lead's note: %v", err)
	}
	_, c, err = call(t, h, nil, tools.AddLeadNote, `{"leadId": 563172647619608, "noteId": 1, "content": "x"}`)
	if err == nil || !strings.HasPrefix(c.LookupErrorText(err), "Lofty has no note 1 that these credentials can see.") {
		t.Errorf("an unknown note: %q", c.LookupErrorText(err))
	}
	if w := writes(h, n); len(w) != 0 {
		t.Errorf("writes %v", w)
	}
}
