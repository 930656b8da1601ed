package tools_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// TestUpdateNoteKeepsWhatIsNotGiven: pinning a note keeps its text,
// replacing its text keeps its pin; the question shows the note as it is,
// quoted.
func TestUpdateNoteKeepsWhatIsNotGiven(t *testing.T) {
	h := newHistory(t, nil, cached)
	n := h.fake.RequestCount()
	out, err, c := call(t, h, nil, tools.UpdateNote, `{"noteId": 810004, "pin": true}`)
	if err != nil || !out.Pinned || out.LeadID != jane {
		t.Fatalf("%+v %v", out, err)
	}
	if q := question(h, c); !strings.HasPrefix(q, "Change this note: pin it to the top?") ||
		!strings.Contains(q, `Now: "Toured 2104 Barton Hills Dr and 1503 Kinney Ave on Saturday.`) {
		t.Errorf("question:\n%s", q)
	}
	if w := writes(h, n); !slices.Equal(w, []string{"PUT /v1.0/notes/810004"}) {
		t.Errorf("writes %v", w)
	}
	note, err := h.c.Note(context.Background(), 810004)
	if err != nil || !note.IsPin || !strings.HasPrefix(note.Content, "Toured 2104") {
		t.Fatalf("%+v %v", note, err)
	}
	if _, err, c := call(t, h, nil, tools.UpdateNote, `{"noteId": 810004, "content": "Wants 4 beds now."}`); err != nil {
		t.Fatal(c.ErrorText(err))
	}
	if note, _ := h.c.Note(context.Background(), 810004); !note.IsPin || note.Content != "Wants 4 beds now." {
		t.Errorf("%+v", note)
	}
	if _, err, _ := call(t, h, nil, tools.UpdateNote, `{"noteId": 810004}`); err == nil || !strings.Contains(err.Error(), "nothing to change") {
		t.Errorf("nothing to change: %v", err)
	}
	_, err, c = call(t, h, nil, tools.UpdateNote, `{"noteId": 1, "pin": false}`)
	if err == nil || c.LookupErrorText(err) != "Lofty has no note 1 that these credentials can see. get_lead_timeline gives a lead's note IDs. (HTTP 404: Note not found) Nothing was changed in Lofty." {
		t.Errorf("an unknown note: %q", c.LookupErrorText(err))
	}
}

// TestUpdateNoteNeedsItsLead: Lofty's update names the note's lead; a note
// read without one is not sent a change.
func TestUpdateNoteNeedsItsLead(t *testing.T) {
	h := newHistory(t, nil, cached)
	h.fake.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodGet && r.URL.Path == "/v1.0/notes/810004" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"note":{"noteId":810004,"content":"x"}}`))
			return true
		}
		return false
	}
	n := h.fake.RequestCount()
	_, err, c := call(t, h, nil, tools.UpdateNote, `{"noteId": 810004, "pin": true}`)
	if err == nil || !strings.Contains(c.LookupErrorText(err), "HTTP 200: the note's answer names no lead") || len(writes(h, n)) != 0 {
		t.Errorf("%v", err)
	}
}

// TestDeleteNote: always confirmed, the note quoted in the question, and
// gone after it.
func TestDeleteNote(t *testing.T) {
	h := newHistory(t, nil, cached)
	out, err, c := call(t, h, nil, tools.DeleteNote, `{"noteId": 810005}`)
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
