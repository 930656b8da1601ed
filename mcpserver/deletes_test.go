package mcpserver_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// TestDeletesAreAlwaysConfirmed: the deletes are served only when their
// toolset is named (never by "all", never under --read-only); each is put
// to the person whatever --confirm-writes says, the lead named and its
// text quoted after lofty-mcp's words; a client that cannot ask is refused
// with a sentence saying why, and nothing reaches Lofty.
func TestDeletesAreAlwaysConfirmed(t *testing.T) {
	deletes := []string{"delete_timeline_entry", "delete_lead"}
	served := func(o mcpserver.Options) map[string]bool {
		ts, err := tools.Select(o.Toolsets, nil)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, tl := range ts {
			if !o.ReadOnly || !tl.Info().Effect.Writes {
				out[tl.Info().Name] = true
			}
		}
		return out
	}
	for _, d := range deletes {
		if served(mcpserver.Options{Toolsets: []string{"all"}})[d] || !served(mcpserver.Options{Toolsets: []string{"deletes"}})[d] ||
			served(mcpserver.Options{Toolsets: []string{"deletes"}, ReadOnly: true})[d] {
			t.Errorf("%s: in all, not in deletes, or served under --read-only", d)
		}
	}

	// A client that cannot ask, with --confirm-writes never.
	nc := newLK(t, mcpserver.Options{Toolsets: []string{"deletes"}, ConfirmWrites: mcpserver.ConfirmNever})
	msg := nc.fails(t, "delete_timeline_entry", `{"kind": "note", "id": 810005}`)
	if !strings.HasPrefix(msg, "The person must confirm this change themselves, but this MCP client cannot ask them") {
		t.Errorf("refusal %q", msg)
	}
	for _, r := range nc.fake.Requests() {
		if r.Method == http.MethodDelete {
			t.Errorf("a delete reached Lofty: %s", r.Path)
		}
	}

	// A client that can ask, with --confirm-writes never: asked anyway.
	person := &personAnswers{action: mcp.ElicitationResponseActionDecline}
	ask := newLK(t, mcpserver.Options{Toolsets: []string{"deletes"}, ConfirmWrites: mcpserver.ConfirmNever},
		client.WithElicitationHandler(person))
	txt := ask.ok(t, "delete_timeline_entry", `{"kind": "note", "id": 810005}`, nil)
	q := person.last().Message
	if person.count() != 1 || !strings.Contains(txt, `"status":"declined"`) ||
		!strings.HasPrefix(q, "Delete this note from the lead's timeline? It cannot be undone.") ||
		!strings.Contains(q, `Note: "Maria covered the Kinney Ave follow-up while I was at closing."`) {
		t.Errorf("declined: %s; asked %d times: %q", txt, person.count(), q)
	}
	person.set(mcp.ElicitationResponseActionAccept)
	if txt := ask.ok(t, "delete_lead", `{"leadId": 563172647619611, "reason": "Duplicate"}`, nil); !strings.Contains(txt, `"status":"done"`) ||
		!strings.Contains(person.last().Message, `"Carlos Ruiz" (lead 563172647619611)`) {
		t.Errorf("accepted: %s; asked %q", txt, person.last().Message)
	}
	deleted := 0
	for _, r := range ask.fake.Requests() {
		if r.Method == http.MethodDelete {
			deleted++
		}
	}
	if deleted != 1 {
		t.Errorf("%d deletes reached Lofty, want the accepted one", deleted)
	}
}
