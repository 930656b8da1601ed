package fakelofty

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Calendar V2: the caller's tasks and appointments as calendar items
// ("<taskId>-task", "<appointmentId>-appointment"), created, changed,
// finished and deleted through the calendar, and the free meeting slots
// between them. The document types every query parameter of GET
// /v2.0/calendar as a string; the fake parses the numbers and flags itself.
// What the document requires is refused as Lofty refuses it (400
// INVALID_PARAMETER): a list without startTime or endTime, a create without
// start and end (or a TASK without taskWay), and a start or end, created,
// changed or searched for free slots, that is not later than now by the
// world's clock.

// calendarItems are the tasks and appointments as Lofty's CalendarItemV2,
// their times formatted in zone; timeZoneCode is each item's own zone
// (every seeded item's is the demo person's).
func calendarItems(d *Data, zone string) []map[string]any {
	var out []map[string]any
	item := func(id int64, kind string, lead int64, content string, start, end time.Time, finished bool) map[string]any {
		return map[string]any{"id": itoa(id) + "-" + strings.ToLower(kind), "type": kind, "taskId": id, "sourceType": int32(0),
			"content": content, "title": content, "finished": finished, "startAt": isoTime(start, zone), "endAt": isoTime(end, zone),
			"startAtMs": start.UnixMilli(), "endAtMs": end.UnixMilli(), "timeZoneCode": DemoTimeZone, "leadId": lead}
	}
	for _, t := range d.Tasks {
		if d.visible(t.LeadID) {
			out = append(out, item(t.ID, "TASK", t.LeadID, t.Content, t.Start, t.deadline(), !t.Finished.IsZero()))
		}
	}
	for _, a := range d.Appointments {
		if d.visible(a.LeadID) {
			out = append(out, item(a.ID, "APPOINTMENT", a.LeadID, a.Descr, a.Start, a.End, !a.Finished.IsZero()))
		}
	}
	return out
}

func init() {
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("GET /v2.0/calendar", f.queryCalendar)
		mux.HandleFunc("POST /v2.0/calendar", f.createCalendar)
		mux.HandleFunc("PUT /v2.0/calendar/{calendarId}", f.updateCalendar)
		mux.HandleFunc("DELETE /v2.0/calendar/{calendarId}", f.deleteCalendar)
		mux.HandleFunc("POST /v2.0/calendar/{calendarId}/finish", func(w http.ResponseWriter, r *http.Request) { f.finishCalendar(w, r, true) })
		mux.HandleFunc("POST /v2.0/calendar/{calendarId}/unfinish", func(w http.ResponseWriter, r *http.Request) { f.finishCalendar(w, r, false) })
		mux.HandleFunc("GET /v2.0/calendar/meetings/available", f.availableMeetings)
	})
}

// calendarWindow reads a window from ISO times or epoch milliseconds (the
// ISO form first, as documented); ok is false (and 400 answered) for a value
// that is neither. An end not given is 1<<62, a start 0.
func calendarWindow(w http.ResponseWriter, r *http.Request) (start, end int64, ok bool) {
	q := r.URL.Query()
	start, end = 0, 1<<62
	for _, p := range []struct {
		iso, ms string
		out     *int64
	}{{"startTime", "startTimeMs", &start}, {"endTime", "endTimeMs", &end}} {
		if v := q.Get(p.iso); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: "+p.iso+" must be an ISO 8601 time with an offset")
				return 0, 0, false
			}
			*p.out = t.UnixMilli()
		} else if v := q.Get(p.ms); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: "+p.ms+" must be epoch milliseconds")
				return 0, 0, false
			}
			*p.out = n
		}
	}
	return start, end, true
}

// queryCalendar serves GET /v2.0/calendar: items overlapping the window,
// open ones only unless includeFinished=true, sorted by start time
// (descending by default), page (from 0) by page (pageSize default 20).
func (f *Fake) queryCalendar(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	start, end, ok := calendarWindow(w, r)
	if !ok {
		return
	}
	if start == 0 && end == 1<<62 {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: give startTime or endTime (or startTimeMs or endTimeMs)")
		return
	}
	num := func(name string, def int64) (int64, bool) {
		v := q.Get(name)
		if v == "" {
			return def, true
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: "+name+" must be a non-negative integer")
			return 0, false
		}
		return n, true
	}
	lead, ok1 := num("leadId", 0)
	page, ok2 := num("page", 0)
	size, ok3 := num("pageSize", 20)
	if !ok1 || !ok2 || !ok3 {
		return
	}
	for _, flag := range []string{"includeFinished", "desc"} {
		if v := q.Get(flag); v != "" && v != "true" && v != "false" {
			writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: "+flag+" must be true or false")
			return
		}
	}
	zone := q.Get("timeZoneCode")
	if zone == "" {
		zone = DemoTimeZone
	}
	var hits []map[string]any
	for _, it := range calendarItems(f.dataFor(r), zone) {
		if (lead == 0 || it["leadId"] == lead) && (q.Get("includeFinished") == "true" || it["finished"] == false) &&
			it["endAtMs"].(int64) >= start && it["startAtMs"].(int64) <= end {
			hits = append(hits, it)
		}
	}
	desc := q.Get("desc") != "false"
	slices.SortStableFunc(hits, func(a, b map[string]any) int {
		c := int(a["startAtMs"].(int64)/1000 - b["startAtMs"].(int64)/1000)
		if desc {
			return -c
		}
		return c
	})
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"total": len(hits), "page": page, "pageSize": size,
		"items": window(orEmpty(hits), page*size, size)}})
}

// calendarRef parses a calendar id: "<id>-task" or "<id>-appointment".
func calendarRef(s string) (id int64, kind string, ok bool) {
	num, kind, found := strings.Cut(s, "-")
	id, err := strconv.ParseInt(num, 10, 64)
	return id, kind, found && err == nil && (kind == "task" || kind == "appointment")
}

// calendarTimes reads a request's start and end, ISO (preferred) or epoch ms.
func calendarTimes(w http.ResponseWriter, startAt, endAt string, startMs, endMs int64) (start, end time.Time, ok bool) {
	start, end, ok = taskTimes(w, startAt, endAt)
	if startMs > 0 && startAt == "" {
		start = time.UnixMilli(startMs).UTC()
	}
	if endMs > 0 && endAt == "" {
		end = time.UnixMilli(endMs).UTC()
	}
	return start, end, ok
}

// createCalendar serves POST /v2.0/calendar: a TASK becomes a task, an
// APPOINTMENT an appointment, on the lead.
func (f *Fake) createCalendar(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Type         string `json:"type"`
		Content      string `json:"content"`
		LeadID       int64  `json:"leadId"`
		StartAt      string `json:"startAt"`
		EndAt        string `json:"endAt"`
		StartAtMs    int64  `json:"startAtMs"`
		EndAtMs      int64  `json:"endAtMs"`
		TaskWay      string `json:"taskWay"`
		AssignedRole string `json:"assignedRole"`
		Address      string `json:"address"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	kind := strings.ToUpper(body.Type)
	if kind != "TASK" && kind != "APPOINTMENT" {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: type must be TASK or APPOINTMENT")
		return
	}
	start, end, ok := calendarTimes(w, body.StartAt, body.EndAt, body.StartAtMs, body.EndAtMs)
	switch {
	case !ok:
		return
	case start.IsZero() || end.IsZero():
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: startAt and endAt are required")
		return
	case kind == "TASK" && body.TaskWay == "":
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: taskWay is required for a TASK")
		return
	case !f.futureTimes(w, r, start, end) || !f.leadVisible(w, r, body.LeadID):
		return
	}
	whole := allDay(body.StartAt, body.EndAt)
	var id int64
	f.update(r, func(v *view, _ func(int64) *Lead) {
		id = f.newIDLocked()
		if kind == "TASK" {
			way := body.TaskWay
			if way == "" {
				way = "Other"
			}
			v.data.Tasks = append(slices.Clone(v.data.Tasks), Task{ID: id, LeadID: body.LeadID, Type: way, Content: body.Content,
				Start: start, End: end, AssignedUserID: DemoUserID, AssignedRole: "Agent", CreatorID: DemoUserID, Created: now(), Address: body.Address})
			return
		}
		v.data.Appointments = append(slices.Clone(v.data.Appointments), Appointment{ID: id, LeadID: body.LeadID, Descr: body.Content,
			Address: body.Address, Start: start, End: end, AllDay: whole, AssignTo: DemoUserID, CreatorID: DemoUserID, Created: now()})
	})
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"id": itoa(id) + "-" + strings.ToLower(kind), "type": kind,
		"message": "Calendar created successfully"}})
}

// futureTimes answers 400 unless every time given is later than now by the
// world's clock.
func (f *Fake) futureTimes(w http.ResponseWriter, r *http.Request, times ...time.Time) bool {
	now := f.dataFor(r).now()
	for _, t := range times {
		if !t.IsZero() && !t.After(now) {
			writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: startAt and endAt must be later than now")
			return false
		}
	}
	return true
}

// calendarEntry finds the task or appointment a calendar id names on a
// lead the caller can see; 400 for an id of neither form.
func (f *Fake) calendarEntry(w http.ResponseWriter, r *http.Request) (id int64, kind string, ok bool) {
	id, kind, ok = calendarRef(r.PathValue("calendarId"))
	if !ok {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: calendarId must be <id>-task or <id>-appointment")
		return 0, "", false
	}
	d := f.dataFor(r)
	found := false
	if kind == "task" {
		found = slices.ContainsFunc(d.Tasks, func(t Task) bool { return t.ID == id && d.visible(t.LeadID) })
	} else {
		found = slices.ContainsFunc(d.Appointments, func(a Appointment) bool { return a.ID == id && d.visible(a.LeadID) })
	}
	if !found {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: no calendar item "+r.PathValue("calendarId"))
		return 0, "", false
	}
	return id, kind, true
}

// changeCalendar applies change to the task or appointment in the
// caller's view.
func (f *Fake) changeCalendar(r *http.Request, id int64, kind string, task func(*Task), appt func(*Appointment)) {
	if kind == "task" {
		f.changeTask(r, id, task)
		return
	}
	f.update(r, func(v *view, _ func(int64) *Lead) {
		appts := slices.Clone(v.data.Appointments)
		if i := slices.IndexFunc(appts, func(a Appointment) bool { return a.ID == id }); i >= 0 {
			appt(&appts[i])
		}
		v.data.Appointments = appts
	})
}

func (f *Fake) updateCalendar(w http.ResponseWriter, r *http.Request) {
	id, kind, ok := f.calendarEntry(w, r)
	if !ok {
		return
	}
	var body struct {
		Content   string  `json:"content"`
		StartAt   string  `json:"startAt"`
		EndAt     string  `json:"endAt"`
		StartAtMs int64   `json:"startAtMs"`
		EndAtMs   int64   `json:"endAtMs"`
		LeadID    int64   `json:"leadId"`
		Address   *string `json:"address"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	start, end, ok := calendarTimes(w, body.StartAt, body.EndAt, body.StartAtMs, body.EndAtMs)
	if !ok || !f.futureTimes(w, r, start, end) || (body.LeadID != 0 && !f.leadVisible(w, r, body.LeadID)) {
		return
	}
	set := func(content *string, s, e *time.Time, lead *int64, addr *string) {
		if body.Content != "" {
			*content = body.Content
		}
		if !start.IsZero() {
			*s = start
		}
		if !end.IsZero() {
			*e = end
		}
		if body.LeadID != 0 {
			*lead = body.LeadID
		}
		if body.Address != nil {
			*addr = *body.Address
		}
	}
	f.changeCalendar(r, id, kind,
		func(t *Task) { set(&t.Content, &t.Start, &t.End, &t.LeadID, &t.Address) },
		func(a *Appointment) { set(&a.Descr, &a.Start, &a.End, &a.LeadID, &a.Address) })
	writeJSON(w, http.StatusOK, map[string]any{"message": "Calendar updated successfully"})
}

func (f *Fake) deleteCalendar(w http.ResponseWriter, r *http.Request) {
	id, kind, ok := f.calendarEntry(w, r)
	if !ok {
		return
	}
	f.removeEntry(r, id, kind)
	writeJSON(w, http.StatusOK, map[string]any{"message": "Calendar deleted successfully"})
}

// removeEntry deletes task or appointment id (kind "task" or
// "appointment") from the caller's view.
func (f *Fake) removeEntry(r *http.Request, id int64, kind string) {
	f.update(r, func(v *view, _ func(int64) *Lead) {
		if kind == "task" {
			v.data.Tasks = slices.DeleteFunc(slices.Clone(v.data.Tasks), func(t Task) bool { return t.ID == id })
			return
		}
		v.data.Appointments = slices.DeleteFunc(slices.Clone(v.data.Appointments), func(a Appointment) bool { return a.ID == id })
	})
}

func (f *Fake) finishCalendar(w http.ResponseWriter, r *http.Request, finished bool) {
	id, kind, ok := f.calendarEntry(w, r)
	if !ok {
		return
	}
	at := time.Time{}
	if finished {
		at = now()
	}
	f.changeCalendar(r, id, kind, func(t *Task) { t.Finished = at }, func(a *Appointment) { a.Finished = at })
	writeJSON(w, http.StatusOK, map[string]any{"message": map[bool]string{true: "Calendar finished", false: "Calendar reopened"}[finished]})
}

// availableMeetings serves GET /v2.0/calendar/meetings/available: the
// hour-long slots from 9:00 to 17:00 (in the demo zone) on weekdays of the
// window that no open appointment overlaps, earliest first. As documented,
// both ends are required, the start must be later than now, the end later
// than the start, and the window at most 90 days.
func (f *Fake) availableMeetings(w http.ResponseWriter, r *http.Request) {
	startMs, endMs, ok := calendarWindow(w, r)
	if !ok {
		return
	}
	d := f.dataFor(r)
	start, end := time.UnixMilli(startMs), time.UnixMilli(endMs)
	switch {
	case startMs == 0 || endMs == 1<<62:
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: give startTime (or startTimeMs) and endTime (or endTimeMs)")
		return
	case !start.After(d.now()):
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: the start must be later than now")
		return
	case !end.After(start):
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: the end must be later than the start")
		return
	case end.Sub(start) > 90*24*time.Hour:
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: the window must not exceed 90 days")
		return
	}
	zone, limit := r.URL.Query().Get("timeZoneCode"), queryIntOr(r, "limit", 10)
	local := zoned(start, "")
	var slots []map[string]any
	for date := time.Date(local.Year(), local.Month(), local.Day(), 12, 0, 0, 0, time.UTC); date.Before(end.Add(24 * time.Hour)); date = date.AddDate(0, 0, 1) {
		for hour := 9; hour < 17; hour++ {
			wall := time.Date(date.Year(), date.Month(), date.Day(), hour, 0, 0, 0, time.UTC)
			s := wall.Add(-time.Duration(offsetSeconds(wall)) * time.Second)
			e := s.Add(time.Hour)
			if wd := wall.Weekday(); wd == time.Saturday || wd == time.Sunday || s.Before(start) || e.After(end) {
				continue
			}
			busy := slices.ContainsFunc(d.Appointments, func(a Appointment) bool {
				return a.Finished.IsZero() && !a.AllDay && a.Start.Before(e) && a.End.After(s)
			})
			if !busy {
				slots = append(slots, map[string]any{"startTime": isoTime(s, zone), "endTime": isoTime(e, zone),
					"startTimeMs": s.UnixMilli(), "endTimeMs": e.UnixMilli()})
			}
		}
	}
	total := len(slots)
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"total": int32(total), "slots": window(orEmpty(slots), 0, limit)}})
}
