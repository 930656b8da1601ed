package tools

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// entryRef names one entry of a lead's history.
type entryRef struct {
	Kind string
	ID   int64
}

// TimelineItem is one entry of a lead's history in full. Summary is
// lofty-mcp's own words; Subject and Text are what a person wrote.
type TimelineItem struct {
	Kind, Summary, At, Direction, Who string
	ID, LeadID                        int64
	Subject, Text, RecordingURL       string
	Note                              string // about the entry: a recording not read
}

// timelineOne is get_lead_timeline with an id: that entry in full.
func timelineOne(ctx context.Context, c *lofty.Client, in TimelineInput) (Timeline, error) {
	it, err := timelineEntry(ctx, c, entryRef{Kind: in.Kinds[0], ID: in.ID})
	if err != nil {
		return Timeline{}, err
	}
	// An email's or logged email's subject leads its text, as in the list.
	text := it.Text
	if it.Subject != "" && text != "" {
		text = it.Subject + " — " + text
	} else if it.Subject != "" {
		text = it.Subject
	}
	out := Timeline{Note: strings.TrimSpace(timesNote(newClock(ctx, c)) + " " + it.Note),
		Entries: []TimelineEntry{{Kind: it.Kind, At: it.At, Direction: it.Direction, Who: it.Who, Summary: it.Summary,
			Text: text, ID: it.ID, RecordingURL: it.RecordingURL}}}
	if it.RecordingURL != "" {
		out.Note = strings.TrimSpace(out.Note + " The recording's link is valid for an hour.")
	}
	if it.LeadID != 0 && it.LeadID != in.LeadID {
		out.Note = strings.TrimSpace(out.Note + fmt.Sprintf(" This %s is on lead %d, not lead %d.", entryNoun(it.Kind), it.LeadID, in.LeadID))
	}
	return out, nil
}

// entryNoun names a kind of entry in sentences.
func entryNoun(kind string) string {
	if kind == KindLog {
		return "logged contact"
	}
	return kind
}

func timelineEntry(ctx context.Context, c *lofty.Client, in entryRef) (TimelineItem, error) {
	zone := newClock(ctx, c)
	out := TimelineItem{Kind: in.Kind, ID: in.ID}
	var agent int64
	var fromLead bool
	switch in.Kind {
	case KindCall:
		call, err := c.CallByID(ctx, in.ID)
		if k := lofty.KindOf(err); k == lofty.KindBadRequest || k == lofty.KindNotFound {
			// Not a dialer call by that id: a timeline id (a logged call, a webhook's).
			if v2, err2 := c.CommunicationCall(ctx, in.ID); err2 == nil {
				call, err = v2, nil
			}
		}
		if err != nil {
			return TimelineItem{}, err
		}
		out.LeadID, out.At, out.Direction = call.LeadID, zone.of(call.StartTime), direction(call.Direction)
		if out.At == "" {
			out.At = zone.of(call.CreateTime)
		}
		out.Summary = callWords("call", call.CallingOutcome, call.Status, int64(call.Duration), call.RecordingSwitch)
		out.Text = CleanText(call.Note, MaxBodyLength)
		agent, fromLead = cmp.Or(call.UserID, call.AgentID), out.Direction == dirIn
		if call.RecordingSwitch {
			url, err := c.CallRecordingURL(ctx, call.ID)
			switch {
			case err != nil:
				out.Note = "The recording's link could not be read: " + ErrorText(err, fmt.Sprintf("call %d", call.ID), "")
			case url == "":
				out.Note = "Lofty has no recording of this call."
			default:
				out.RecordingURL = url
			}
		}
	case KindText:
		x, err := c.CommunicationText(ctx, in.ID)
		if err != nil {
			return TimelineItem{}, err
		}
		out.LeadID, out.At, out.Direction = x.LeadID, zone.of(x.TextTime), direction(x.Direction)
		out.Summary, out.Text = textSummary(isAuto(x.TextType), x.TextOutcome), CleanText(x.TextContent, MaxBodyLength)
		agent, fromLead = x.AgentID, out.Direction == dirIn
	case KindEmail:
		m, err := c.CommunicationEmail(ctx, in.ID)
		if err != nil {
			return TimelineItem{}, err
		}
		out.LeadID, out.At, out.Direction = m.LeadID, zone.of(m.EmailEventTime), direction(m.Direction)
		out.Summary, out.Subject = emailSummary(isAuto(m.EmailType), m.EventType), CleanLine(m.EmailSubject, MaxSummaryLength)
		agent, fromLead = m.AgentID, out.Direction == dirIn
	case KindNote:
		n, err := c.Note(ctx, in.ID)
		if err != nil {
			return TimelineItem{}, err
		}
		out.LeadID, out.At = n.LeadID, zone.of(n.CreateTime)
		out.Summary, out.Text = "note", CleanText(n.Content, MaxBodyLength)
		if n.IsPin {
			out.Summary = "pinned note"
		}
		if n.LastUpdate != "" && n.LastUpdate != n.CreateTime {
			out.Summary += ", edited " + zone.of(n.LastUpdate)
		}
		agent, out.Who = n.CreatorID, CleanLine(n.CreatorName, MaxNameLength)
	case KindLog:
		m, err := c.ManualLog(ctx, in.ID)
		if err != nil {
			return TimelineItem{}, err
		}
		out.LeadID, out.At, out.Direction = m.LeadID, zone.of(m.CreateTime), direction(m.OutboundOrInbound)
		channel := "contact"
		switch {
		case m.EmailSubject != "" || m.ToEmail != "" || m.FromEmail != "":
			channel = "email"
		case m.CallingOutcome != "":
			channel = "call"
		}
		out.Summary, out.Subject = logSummary(channel, m.CallingOutcome), CleanLine(m.EmailSubject, MaxSummaryLength)
		out.Text = CleanText(m.Content, MaxBodyLength)
		agent = m.AgentID
		if m.IsPin {
			out.Summary += ", pinned"
		}
	}
	if out.Who == "" {
		who := newNames()
		who.fromCache(ctx, c, out.LeadID)
		if fromLead {
			out.Who = who.leadName()
		} else {
			out.Who = who.user(agent)
		}
	}
	return out, nil
}

// DeleteEntryInput is what the model sends to delete_timeline_entry; it
// holds the note or logged contact as Lofty has it (Lookup), which the
// question quotes.
type DeleteEntryInput struct {
	Kind    string          `json:"kind" jsonschema:"enum=note,enum=log,description=Its kind"`
	ID      int64           `json:"id" jsonschema:"minimum=1,description=Its id (get_lead_timeline)"`
	Note    lofty.Note      `json:"-"`
	Log     lofty.ManualLog `json:"-"`
	Current int64           `json:"-"` // the lead it is on, once read
}

// DeletedEntry is the answer of delete_timeline_entry and delete_lead.
type DeletedEntry struct {
	Outcome
	LeadID int64 `json:"leadId,omitempty"`
}

// entryWord names an entry of kind in our sentences.
func entryWord(kind string) string {
	if kind == KindNote {
		return "note"
	}
	return "logged contact"
}

// DeleteTimelineEntry deletes a note or a logged contact (a manual log):
// the two entries of a lead's history a person wrote by hand in Lofty.
// One tool for both keeps tools/list within its budget.
var DeleteTimelineEntry = Spec[DeleteEntryInput, DeletedEntry]{
	Name:    "delete_timeline_entry",
	Title:   "Delete timeline entry",
	Toolset: ToolsetDeletes,
	Upstream: []string{"GET /v1.0/notes/{noteId}", "DELETE /v1.0/notes/{noteId}",
		"GET /v1.0/logType/{logTypeId}", "DELETE /v1.0/logType/{logTypeId}"},
	Example:     `{"kind": "note", "id": 810005}`,
	Description: "Delete a note or a logged contact (kind log) from a lead's timeline for good. The person always confirms it.",
	Call: func(ctx context.Context, c *lofty.Client, in DeleteEntryInput) (DeletedEntry, error) {
		if in.Kind == KindNote {
			return DeletedEntry{LeadID: in.Current}, c.DeleteNote(ctx, in.ID)
		}
		return DeletedEntry{LeadID: in.Current}, c.DeleteManualLog(ctx, in.ID)
	},
	Subject: func(in DeleteEntryInput) string { return fmt.Sprintf("%s %d", entryWord(in.Kind), in.ID) },
	NotFound: func(in DeleteEntryInput) string {
		return fmt.Sprintf("Lofty has no %s %d that these credentials can see. get_lead_timeline gives a lead's entries' ids.",
			entryWord(in.Kind), in.ID)
	},
	Write: &Write[DeleteEntryInput, DeletedEntry]{
		Destructive: true,
		Idempotent:  true,
		MustConfirm: true,
		Act:         "delete this entry from the lead's timeline",
		Leads: func(in DeleteEntryInput) []int64 {
			if in.Current == 0 {
				return nil
			}
			return []int64{in.Current}
		},
		Lookup: func(ctx context.Context, c *lofty.Client, in *DeleteEntryInput) (err error) {
			if in.Kind == KindNote {
				in.Note, err = c.Note(ctx, in.ID)
				in.Current = in.Note.LeadID
				return err
			}
			in.Log, err = c.ManualLog(ctx, in.ID)
			in.Current = in.Log.LeadID
			return err
		},
		Ask: func(in DeleteEntryInput, leads LeadNames) string {
			what := Quote(joinText(300, in.Log.EmailSubject, in.Log.Content), 300)
			if in.Kind == KindNote {
				what = Quote(in.Note.Content, 300)
				if in.Note.IsPin {
					what += " (pinned)"
				}
			}
			return "Delete this " + entryWord(in.Kind) + " from the lead's timeline? It cannot be undone.\n\nLead: " +
				leadOf(leads, in.Current) + "\n\n" + strings.ToUpper(in.Kind[:1]) + in.Kind[1:] + ": " + what
		},
		Done: func(in DeleteEntryInput, _ DeletedEntry, leads LeadNames) string {
			return fmt.Sprintf("Deleted %s %d from %s.", entryWord(in.Kind), in.ID, leadOf(leads, in.Current))
		},
		Check: "get_lead_timeline with its kind and id says whether it is still there.",
	},
}

// leadOf names lead id in a question, or says Lofty did not name it.
func leadOf(leads LeadNames, id int64) string {
	if id <= 0 {
		return "(Lofty did not say)"
	}
	return leads.One(id)
}
