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
	Pin     *bool  `json:"pin,omitempty" jsonschema:"description=Pin it to the top of the timeline"`
	NoteID  int64  `json:"noteId,omitempty" jsonschema:"minimum=1,description=Edit this note instead: content replaces its text"`
	// Current is note NoteID as Lofty has it (Lookup): the question shows
	// it, and an edit keeps its pin unless pin is given.
	Current lofty.Note `json:"-"`
}

// pinned is whether the note is pinned after the call.
func (in AddLeadNoteInput) pinned() bool {
	if in.Pin != nil {
		return *in.Pin
	}
	return in.Current.IsPin
}

// NoteResult is add_lead_note's answer.
type NoteResult struct {
	Outcome
	LeadID int64 `json:"leadId,omitempty"`
	NoteID int64 `json:"noteId,omitempty"`
	Pinned bool  `json:"pinned,omitempty"`
}

// AddLeadNote adds a note to a lead, or edits one of its notes: one tool,
// to keep tools/list small.
var AddLeadNote = Spec[AddLeadNoteInput, NoteResult]{
	Name:     "add_lead_note",
	Title:    "Add lead note",
	Toolset:  ToolsetLeadActions,
	Upstream: []string{"POST " + lofty.NotesPath, "GET /v1.0/notes/{noteId}", "PUT /v1.0/notes/{noteId}"},
	Example:  `{"leadId": 563172647619608, "content": "Called Jane: she wants 3 beds near Barton Hills."}`,
	Description: "Add a note to a lead's timeline (leadId: find_leads), optionally pinned, or edit one (noteId). " +
		"Each add is a new note: do not repeat it.",
	Call: func(ctx context.Context, c *lofty.Client, in AddLeadNoteInput) (NoteResult, error) {
		if in.NoteID != 0 {
			err := c.UpdateNote(ctx, in.NoteID, lofty.NoteRequest{Content: in.Content, LeadID: in.LeadID, IsPin: in.pinned()})
			return NoteResult{LeadID: in.LeadID, NoteID: in.NoteID, Pinned: in.pinned()}, err
		}
		n, err := c.AddLeadNote(ctx, in.LeadID, in.Content, in.pinned())
		return NoteResult{LeadID: in.LeadID, NoteID: n.NoteID, Pinned: in.pinned()}, err
	},
	Subject: func(in AddLeadNoteInput) string {
		if in.NoteID != 0 {
			return fmt.Sprintf("note %d", in.NoteID)
		}
		return fmt.Sprintf("lead %d", in.LeadID)
	},
	NotFound: func(in AddLeadNoteInput) string {
		if in.NoteID != 0 {
			return fmt.Sprintf("Lofty has no note %d that these credentials can see. get_lead_timeline gives a lead's note IDs.", in.NoteID)
		}
		return fmt.Sprintf("Lofty has no lead %d that these credentials can see. To find a lead's ID, call find_leads.", in.LeadID)
	},
	Write: &Write[AddLeadNoteInput, NoteResult]{
		Destructive: true, // an edit replaces the note's text
		Act:         "add this note to the lead",
		Leads:       func(in AddLeadNoteInput) []int64 { return []int64{in.LeadID} },
		TextLength:  func(in AddLeadNoteInput) int { return utf8.RuneCountInString(in.Content) },
		// An edit reads the note first: the question shows it before and
		// after, and a note of another lead is refused before anyone is
		// asked (Lofty's change names the lead, and would move it).
		Lookup: func(ctx context.Context, c *lofty.Client, in *AddLeadNoteInput) (err error) {
			if in.NoteID == 0 {
				return nil
			}
			if in.Current, err = c.Note(ctx, in.NoteID); err != nil {
				return err
			}
			if in.Current.LeadID != in.LeadID {
				return Refuse("Note %d is not on lead %d: give the leadId of the note's lead (get_lead_timeline shows a lead's notes).",
					in.NoteID, in.LeadID)
			}
			return nil
		},
		Ask: func(in AddLeadNoteInput, leads LeadNames) string {
			if in.NoteID != 0 {
				s := "Replace the text of this note on the lead's timeline"
				if in.pinned() != in.Current.IsPin {
					s += map[bool]string{true: ", and pin it to the top", false: ", and unpin it"}[in.pinned()]
				}
				return s + "? The text it replaces is gone.\n\nLead: " + leads.One(in.LeadID) +
					"\n\nNow: " + Quote(in.Current.Content, 300) + "\n\nNew text:\n" + in.Content
			}
			s := "Add this note to the lead's timeline"
			if in.pinned() {
				s += ", pinned to the top"
			}
			return s + "?\n\nLead: " + leads.One(in.LeadID) + "\n\nNote:\n" + in.Content
		},
		Done: func(in AddLeadNoteInput, out NoteResult, leads LeadNames) string {
			s := "Added a note to " + leads.One(in.LeadID)
			if in.NoteID != 0 {
				s = "Changed the text of a note on " + leads.One(in.LeadID)
			}
			if out.NoteID != 0 {
				s += fmt.Sprintf(" (note %d)", out.NoteID)
			}
			if out.Pinned {
				s += ", pinned"
			}
			return s + "."
		},
		Check: "Ask the person to look at the lead's timeline in Lofty",
	},
}
