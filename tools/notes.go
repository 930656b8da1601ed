package tools

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// AddLeadNoteInput is what the model sends to add_lead_note.
type AddLeadNoteInput struct {
	LeadID  int64  `json:"leadId" jsonschema:"minimum=1,description=Lead ID"`
	Content string `json:"content" jsonschema:"minLength=1,maxLength=2000,description=Note text (1 to 2000 characters)"`
	Pin     bool   `json:"pin,omitempty" jsonschema:"default=false,description=Pin the note to the top of the lead's timeline"`
}

// NoteResult is add_lead_note's answer.
type NoteResult struct {
	Outcome
	LeadID int64 `json:"leadId,omitempty" jsonschema:"description=Lead ID"`
	NoteID int64 `json:"noteId,omitempty" jsonschema:"description=ID of the new note"`
	Pinned bool  `json:"pinned,omitempty" jsonschema:"description=Pinned to the top"`
}

// AddLeadNote adds a note to a lead.
var AddLeadNote = Spec[AddLeadNoteInput, NoteResult]{
	Name:     "add_lead_note",
	Title:    "Add lead note",
	Toolset:  ToolsetLeadActions,
	Upstream: []string{"POST " + lofty.NotesPath},
	Example:  `{"leadId": 563172647619608, "content": "Called Jane: she wants 3 beds near Barton Hills."}`,
	Description: "Add a note to a lead's timeline (e.g. \"called her, she wants 3 beds\"), optionally pinned. " +
		"Each call adds a note: do not repeat it. Needs the leadId (find_leads finds it).",
	Call: func(ctx context.Context, c *lofty.Client, in AddLeadNoteInput) (NoteResult, error) {
		n, err := c.AddLeadNote(ctx, in.LeadID, in.Content, in.Pin)
		return NoteResult{LeadID: in.LeadID, NoteID: n.NoteID, Pinned: in.Pin}, err
	},
	Subject: func(in AddLeadNoteInput) string { return fmt.Sprintf("lead %d", in.LeadID) },
	NotFound: func(in AddLeadNoteInput) string {
		return fmt.Sprintf("Lofty has no lead %d that these credentials can see. To find a lead's ID, call find_leads.", in.LeadID)
	},
	Write: &Write[AddLeadNoteInput, NoteResult]{
		Act:        "add this note to the lead",
		Leads:      func(in AddLeadNoteInput) []int64 { return []int64{in.LeadID} },
		TextLength: func(in AddLeadNoteInput) int { return utf8.RuneCountInString(in.Content) },
		Ask: func(in AddLeadNoteInput, leads LeadNames) string {
			s := "Add this note to the lead's timeline"
			if in.Pin {
				s += ", pinned to the top"
			}
			return s + "?\n\nLead: " + leads.One(in.LeadID) + "\n\nNote:\n" + in.Content
		},
		Done: func(in AddLeadNoteInput, out NoteResult, leads LeadNames) string {
			s := "Added a note to " + leads.One(in.LeadID)
			if out.NoteID != 0 {
				s += fmt.Sprintf(" (note %d)", out.NoteID)
			}
			if in.Pin {
				s += ", pinned"
			}
			return s + "."
		},
		Check: "Ask the person to look at the lead's timeline in Lofty",
	},
}
