package tools_test

import (
	"context"
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
