package tools

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
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

// NoteInput names a note, and holds it as Lofty has it (Lookup).
type NoteInput struct {
	NoteID  int64      `json:"noteId" jsonschema:"minimum=1,description=Note ID (get_lead_timeline)"`
	Current lofty.Note `json:"-"`
}

// readNote is the Lookup of the tools that change a note: the note as it
// is, which the question shows and the change keeps what it does not set.
func readNote(ctx context.Context, c *lofty.Client, in *NoteInput) (err error) {
	in.Current, err = c.Note(ctx, in.NoteID)
	return err
}

func noteSubject(in NoteInput) string { return fmt.Sprintf("note %d", in.NoteID) }

func noteNotFound(in NoteInput) string {
	return fmt.Sprintf("Lofty has no note %d that these credentials can see. get_lead_timeline gives a lead's note IDs.", in.NoteID)
}

func noteLeads(in NoteInput) []int64 {
	if in.Current.LeadID == 0 {
		return nil
	}
	return []int64{in.Current.LeadID}
}

// leadOf names lead id in a question, or says Lofty did not name it.
func leadOf(leads LeadNames, id int64) string {
	if id <= 0 {
		return "(Lofty did not say)"
	}
	return leads.One(id)
}

// quotedNote is a note's text in a question: quoted, on one line, bounded.
func quotedNote(n lofty.Note) string {
	s := Quote(n.Content, 300)
	if n.IsPin {
		s += " (pinned)"
	}
	return s
}

// UpdateNoteInput is what the model sends to update_note.
type UpdateNoteInput struct {
	NoteInput
	Content string `json:"content,omitempty" jsonschema:"minLength=1,maxLength=2000,description=New text (replaces it)"`
	Pin     *bool  `json:"pin,omitempty" jsonschema:"description=Pinned to the top"`
}

// UpdateNote changes a note's text or pin.
var UpdateNote = Spec[UpdateNoteInput, NoteResult]{
	Name:        "update_note",
	Title:       "Update note",
	Toolset:     ToolsetLeadActions,
	Upstream:    []string{"GET /v1.0/notes/{noteId}", "PUT /v1.0/notes/{noteId}"},
	Example:     `{"noteId": 810004, "content": "Toured Barton Hills and Kinney Ave. Loved Barton Hills; wants 4 beds now."}`,
	Description: "Change a note's text (replaced whole) or pin it or unpin it; what is not given stays.",
	Check: func(in UpdateNoteInput) error {
		if in.Content == "" && in.Pin == nil {
			return errors.New("give \"content\", \"pin\" or both: there is nothing to change")
		}
		return nil
	},
	Call: func(ctx context.Context, c *lofty.Client, in UpdateNoteInput) (NoteResult, error) {
		n := lofty.NoteRequest{Content: cmp.Or(in.Content, in.Current.Content), LeadID: in.Current.LeadID, IsPin: in.Current.IsPin}
		if in.Pin != nil {
			n.IsPin = *in.Pin
		}
		err := c.UpdateNote(ctx, in.NoteID, n)
		return NoteResult{LeadID: n.LeadID, NoteID: in.NoteID, Pinned: n.IsPin}, err
	},
	Subject:  func(in UpdateNoteInput) string { return noteSubject(in.NoteInput) },
	NotFound: func(in UpdateNoteInput) string { return noteNotFound(in.NoteInput) },
	Write: &Write[UpdateNoteInput, NoteResult]{
		Destructive: true, // the text it replaces is gone
		Idempotent:  true,
		Act:         "change this note",
		Leads:       func(in UpdateNoteInput) []int64 { return noteLeads(in.NoteInput) },
		TextLength:  func(in UpdateNoteInput) int { return utf8.RuneCountInString(in.Content) },
		Lookup: func(ctx context.Context, c *lofty.Client, in *UpdateNoteInput) error {
			if err := readNote(ctx, c, &in.NoteInput); err != nil {
				return err
			}
			if in.Current.LeadID == 0 { // a change must send the note's lead
				return &lofty.Error{Kind: lofty.KindBadResponse, Method: http.MethodGet, Status: http.StatusOK,
					Path: fmt.Sprintf("/v1.0/notes/%d", in.NoteID), Message: "the note's answer names no lead"}
			}
			return nil
		},
		Ask: func(in UpdateNoteInput, leads LeadNames) string {
			var change []string
			if in.Content != "" {
				change = append(change, "replace its text")
			}
			if in.Pin != nil && *in.Pin != in.Current.IsPin {
				change = append(change, map[bool]string{true: "pin it to the top", false: "unpin it"}[*in.Pin])
			}
			if len(change) == 0 {
				change = append(change, "keep it as it is")
			}
			s := "Change this note: " + strings.Join(change, " and ") + "?\n\nLead: " + leads.One(in.Current.LeadID) +
				"\n\nNow: " + quotedNote(in.Current)
			if in.Content != "" {
				s += "\n\nNew text:\n" + in.Content
			}
			return s
		},
		Done: func(in UpdateNoteInput, out NoteResult, leads LeadNames) string {
			s := fmt.Sprintf("Changed note %d on %s", in.NoteID, leads.One(out.LeadID))
			if in.Content != "" {
				s += ": new text"
			}
			if in.Pin != nil {
				s += map[bool]string{true: ", pinned", false: ", not pinned"}[*in.Pin]
			}
			return s + "."
		},
		Check: "get_timeline_entry (kind note) shows the note as it is.",
	},
}

// DeleteNote deletes a note.
var DeleteNote = Spec[NoteInput, NoteResult]{
	Name:        "delete_note",
	Title:       "Delete note",
	Toolset:     ToolsetDeletes,
	Upstream:    []string{"GET /v1.0/notes/{noteId}", "DELETE /v1.0/notes/{noteId}"},
	Example:     `{"noteId": 810005}`,
	Description: "Delete a note from a lead's timeline for good. The person always confirms it.",
	Call: func(ctx context.Context, c *lofty.Client, in NoteInput) (NoteResult, error) {
		return NoteResult{LeadID: in.Current.LeadID, NoteID: in.NoteID}, c.DeleteNote(ctx, in.NoteID)
	},
	Subject:  noteSubject,
	NotFound: noteNotFound,
	Write: &Write[NoteInput, NoteResult]{
		Destructive: true,
		Idempotent:  true,
		MustConfirm: true,
		Act:         "delete this note",
		Leads:       noteLeads,
		Lookup:      readNote,
		Ask: func(in NoteInput, leads LeadNames) string {
			return "Delete this note from the lead's timeline? It cannot be undone.\n\nLead: " + leadOf(leads, in.Current.LeadID) +
				"\n\nNote: " + quotedNote(in.Current)
		},
		Done: func(in NoteInput, out NoteResult, leads LeadNames) string {
			return fmt.Sprintf("Deleted note %d from %s.", in.NoteID, leadOf(leads, out.LeadID))
		},
		Check: "get_timeline_entry (kind note) says whether it is still there.",
	},
}
