package fakelofty

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Notes: a lead's notes (NoteResponse), read, added, edited and deleted.

// Note is a note on a lead. Notes the fake stores for a credential keep
// the NoteRequest's fields and their new ID.
type Note struct {
	ID        int64
	LeadID    int64
	Content   string
	Pinned    bool
	CreatorID int64 // a member's UserID; 0 for the demo person
	Created   time.Time
	Updated   time.Time
	System    bool // written by Lofty (stage changes, ...): listed only with includeSystemNote
}

// Record is the note as Lofty's NoteResponse.
func (n *Note) Record(d *Data) map[string]any {
	creator := n.CreatorID
	if creator == 0 {
		creator = DemoUserID
	}
	name := ""
	if m := d.member(creator); m != nil {
		name = m.Name()
	}
	updated := n.Updated
	if updated.IsZero() {
		updated = n.Created
	}
	return map[string]any{"id": n.ID, "noteId": n.ID, "creatorId": creator, "leadId": n.LeadID,
		"createTime": wallTime(n.Created), "deleteFlag": false, "content": n.Content, "lastUpdate": wallTime(updated),
		"lastEditorId": creator, "creatorName": name, "lastEditorName": name, "isPin": n.Pinned, "systemNote": n.System}
}

func demoNotes(d *Data) {
	jane := DemoLeadWithAgent
	d.Notes = []Note{
		{ID: 810001, LeadID: jane, Content: "First call: relocating from Dallas for a new job at the Domain in June. Wants 3-4 bd in 78704 or close in, under $600k.",
			Created: time.Date(2026, 1, 12, 16, 10, 0, 0, time.UTC)},
		{ID: 810002, LeadID: jane, Content: "Pre-approved with Hill Country Credit Union up to $575k. Needs to sell the Round Rock condo (88 Oak Ln) first.",
			Pinned: true, Created: time.Date(2026, 1, 20, 15, 0, 0, 0, time.UTC)},
		{ID: 810003, LeadID: jane, Content: "Stage changed from New Lead to Active", System: true, CreatorID: DemoUserID,
			Created: time.Date(2026, 1, 20, 15, 1, 0, 0, time.UTC)},
		{ID: 810004, LeadID: jane, Content: "Toured 2104 Barton Hills Dr and 1503 Kinney Ave on Saturday. Loved Barton Hills (yard, garage); Kinney felt small.",
			Created: ago(3*24*time.Hour + 5*time.Hour)},
		{ID: 810005, LeadID: jane, Content: "Maria covered the Kinney Ave follow-up while I was at closing.", CreatorID: 67893,
			Created: ago(2*24*time.Hour + 3*time.Hour)},
		{ID: 810006, LeadID: DemoLeadWithoutAgent, Content: "Website sign-up; asked about selling in Round Rock. No reply yet.",
			Created: time.Date(2026, 2, 3, 14, 5, 0, 0, time.UTC)},
		{ID: 9007199254741003, LeadID: DemoLeadBeyond53Bits, Content: "Met at the open house; a note whose ID is beyond 2^53.",
			Created: time.Date(2025, 11, 2, 18, 0, 0, 0, time.UTC)},
	}
}

func init() {
	areaSeeds = append(areaSeeds, demoNotes)
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("GET /v1.0/notes", f.listNotes)
		mux.HandleFunc("POST /v1.0/notes", f.addNote)
		mux.HandleFunc("GET /v1.0/notes/{noteId}", f.getNote)
		mux.HandleFunc("PUT /v1.0/notes/{noteId}", f.updateNote)
		mux.HandleFunc("DELETE /v1.0/notes/{noteId}", f.deleteNote)
	})
}

// listNotes serves GET /v1.0/notes: a lead's notes, newest first, pinned
// ones first; Lofty's own (system) notes only with includeSystemNote=true.
func (f *Fake) listNotes(w http.ResponseWriter, r *http.Request) {
	l, ok := f.visibleLead(w, r, queryInt(r, "leadId"))
	if !ok {
		return
	}
	d := f.dataFor(r)
	withSystem := r.URL.Query().Get("includeSystemNote") == "true"
	notes := forLead(d.Notes, l.ID, func(n *Note) int64 { return n.LeadID })
	slices.SortStableFunc(notes, func(a, b Note) int {
		if a.Pinned != b.Pinned {
			if a.Pinned {
				return -1
			}
			return 1
		}
		return b.Created.Compare(a.Created)
	})
	out := []map[string]any{}
	for i := range notes {
		if !notes[i].System || withSystem {
			out = append(out, notes[i].Record(d))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"notes": out})
}

// note returns the caller's note id on a lead it can see, or answers 404.
func (f *Fake) note(w http.ResponseWriter, r *http.Request) (*Data, int, bool) {
	d := f.dataFor(r)
	id := pathInt(r, "noteId")
	for i := range d.Notes {
		if n := &d.Notes[i]; n.ID == id {
			if l, ok := d.Leads[n.LeadID]; ok && !l.Forbidden && !l.Trashed {
				return d, i, true
			}
		}
	}
	notFound(w, "Note")
	return nil, 0, false
}

func (f *Fake) getNote(w http.ResponseWriter, r *http.Request) {
	d, i, ok := f.note(w, r)
	if ok {
		writeJSON(w, http.StatusOK, map[string]any{"note": d.Notes[i].Record(d)})
	}
}

// noteBody reads a NoteRequest (the check has found it well-formed),
// answering 400 for blank content; the content is cut to 2000
// characters, as Lofty does.
func noteBody(w http.ResponseWriter, r *http.Request) (leadID int64, content string, pin, ok bool) {
	var body struct {
		LeadID  int64  `json:"leadId"`
		Content string `json:"content"`
		IsPin   bool   `json:"isPin"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.LeadID < 1 || strings.TrimSpace(body.Content) == "" {
		invalidParameter(w)
		return 0, "", false, false
	}
	return body.LeadID, cut(body.Content, 2000), body.IsPin, true
}

// addNote serves POST /v1.0/notes (NoteRequest: leadId, content and isPin
// required).
func (f *Fake) addNote(w http.ResponseWriter, r *http.Request) {
	leadID, content, pin, ok := noteBody(w, r)
	if !ok {
		return
	}
	if _, ok := f.visibleLead(w, r, leadID); !ok {
		return
	}
	var id int64
	f.update(r, func(v *view, _ func(int64) *Lead) {
		id = f.newIDLocked()
		n := Note{ID: id, LeadID: leadID, Content: content, Pinned: pin, Created: now()}
		v.notes[leadID] = append(slices.Clone(v.notes[leadID]), n)
		v.data.Notes = append(slices.Clone(v.data.Notes), n)
	})
	writeJSON(w, http.StatusOK, map[string]any{"noteId": id})
}

// updateNote serves PUT /v1.0/notes/{noteId}: new content and pin. The
// document gives the 200 no body; the fake sends none.
func (f *Fake) updateNote(w http.ResponseWriter, r *http.Request) {
	d, i, ok := f.note(w, r)
	if !ok {
		return
	}
	leadID, content, pin, ok := noteBody(w, r)
	if !ok {
		return
	}
	id := d.Notes[i].ID
	f.update(r, func(v *view, _ func(int64) *Lead) {
		notes := slices.Clone(v.data.Notes)
		if i := slices.IndexFunc(notes, func(n Note) bool { return n.ID == id }); i >= 0 {
			notes[i].LeadID, notes[i].Content, notes[i].Pinned, notes[i].Updated = leadID, content, pin, now()
		}
		v.data.Notes = notes
	})
	w.WriteHeader(http.StatusOK)
}

// deleteNote serves DELETE /v1.0/notes/{noteId}; like updateNote, its 200
// has no body.
func (f *Fake) deleteNote(w http.ResponseWriter, r *http.Request) {
	d, i, ok := f.note(w, r)
	if !ok {
		return
	}
	id := d.Notes[i].ID
	f.update(r, func(v *view, _ func(int64) *Lead) {
		v.data.Notes = slices.DeleteFunc(slices.Clone(v.data.Notes), func(n Note) bool { return n.ID == id })
	})
	w.WriteHeader(http.StatusOK)
}
