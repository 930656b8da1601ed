package lofty

import (
	"context"
	"net/url"
	"strconv"
)

// Notes (besides AddLeadNote): a lead's notes, one note, and changing or
// deleting it.

// Note is Lofty's NoteResponse. NoteID is what the note operations take;
// ID is the timeline entry that carries the note.
type Note struct {
	ID             int64  `json:"id,omitempty"`
	NoteID         int64  `json:"noteId,omitempty"`
	CreatorID      int64  `json:"creatorId,omitempty"`
	LeadID         int64  `json:"leadId,omitempty"`
	CreateTime     Time   `json:"createTime,omitempty"`
	DeleteFlag     bool   `json:"deleteFlag,omitempty"`
	Content        string `json:"content,omitempty"`
	LastUpdate     Time   `json:"lastUpdate,omitempty"`
	LastEditorID   int64  `json:"lastEditorId,omitempty"`
	CreatorName    string `json:"creatorName,omitempty"`
	LastEditorName string `json:"lastEditorName,omitempty"`
	IsPin          bool   `json:"isPin,omitempty"`
	SystemNote     bool   `json:"systemNote,omitempty"`
}

// Key is the ID the note operations take: noteId, or the timeline id
// when Lofty sent no noteId.
func (n Note) Key() int64 {
	if n.NoteID != 0 {
		return n.NoteID
	}
	return n.ID
}

// NoteList is Lofty's NoteListResponse: every note of a lead, in no
// guaranteed order.
type NoteList struct {
	Notes []Note `json:"notes"`
}

// noteAnswer is Lofty's NoteSingleResponse.
type noteAnswer struct {
	Note Note `json:"note"`
}

func (a *noteAnswer) identified() bool { return a.Note.Key() != 0 }

// NoteRequest is Lofty's NoteRequest: every field is required, so that a
// change sends the note whole (content and pin).
type NoteRequest struct {
	Content string `json:"content"`
	LeadID  int64  `json:"leadId"`
	IsPin   bool   `json:"isPin"`
}

var (
	notesList  = get[NoteList]("/v1.0/notes")
	noteRead   = get[noteAnswer]("/v1.0/notes/{noteId}")
	noteUpdate = put[NoteRequest, NoBody]("/v1.0/notes/{noteId}")
	noteDelete = del[NoBody]("/v1.0/notes/{noteId}")
)

func idParam(id int64) Params { return Params{Path: []string{strconv.FormatInt(id, 10)}} }

// LeadNotes returns the notes of lead leadID (GET /v1.0/notes): those
// people wrote, and Lofty's own (system) notes too when withSystem.
func (c *Client) LeadNotes(ctx context.Context, leadID int64, withSystem bool) (NoteList, error) {
	q := url.Values{"leadId": {strconv.FormatInt(leadID, 10)}}
	if withSystem {
		q.Set("includeSystemNote", "true")
	}
	return notesList.Call(ctx, c, Params{Query: q}, NoBody{})
}

// Note returns note noteID (GET /v1.0/notes/{noteId}).
func (c *Client) Note(ctx context.Context, noteID int64) (Note, error) {
	a, err := noteRead.Call(ctx, c, idParam(noteID), NoBody{})
	return a.Note, err
}

// UpdateNote replaces note noteID's content and pin (PUT
// /v1.0/notes/{noteId}); Lofty cuts content beyond MaxNoteLength.
func (c *Client) UpdateNote(ctx context.Context, noteID int64, n NoteRequest) error {
	_, err := noteUpdate.Call(ctx, c, idParam(noteID), n)
	return err
}

// DeleteNote deletes note noteID (DELETE /v1.0/notes/{noteId}).
func (c *Client) DeleteNote(ctx context.Context, noteID int64) error {
	_, err := noteDelete.Call(ctx, c, idParam(noteID), NoBody{})
	return err
}
