package fakelofty

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Tasks and appointments (Tasks & Appointments, V1 and V2). Whether a task
// is overdue is judged by the world's clock (Data.Clock). Tasks and
// appointments share one id namespace, as in Lofty: the V2 operations that
// take a taskId resolve either, and V2's list of a lead's tasks holds its
// appointments too (type "Appointment").

// Task is a follow-up task on a lead.
type Task struct {
	ID             int64
	LeadID         int64
	Type           string // Call, Email, Text, Other (V1's enum); V2 takes any
	Content        string
	Start, End     time.Time // V1's deadline is Start
	AllDay         bool
	AssignedUserID int64
	AssignedRole   string // Agent, Assistant
	CreatorID      int64
	Created        time.Time
	Updated        time.Time
	Finished       time.Time // zero while open
	Address        string
}

// deadline is when the task is due: its end (V2's endAt), else its start.
func (t *Task) deadline() time.Time {
	if !t.End.IsZero() {
		return t.End
	}
	return t.Start
}

func (t *Task) overdue(now time.Time) bool { return t.Finished.IsZero() && t.deadline().Before(now) }

// common are the fields V1's TaskResponse and V2's TaskResponseV2 share.
func (t *Task) common(d *Data) map[string]any {
	r := map[string]any{"id": t.ID, "leadId": t.LeadID, "creatorId": t.CreatorID, "content": t.Content,
		"finishFlag": !t.Finished.IsZero(), "overdueFlag": t.overdue(d.now()), "reminderType": int32(0),
		"assignedRole": t.AssignedRole, "teamId": DemoTeamID, "assignedUserId": t.AssignedUserID, "subject": t.Content, "body": ""}
	if m := d.member(t.AssignedUserID); m != nil {
		r["assignedUser"] = m.Name()
	}
	if l := d.Leads[t.LeadID]; l != nil {
		r["leadName"], r["leadEmail"], r["leadFirstName"], r["leadLastName"] = l.Name, l.Email, l.FirstName(), l.LastName()
		r["leadUserId"] = l.ID + 1000
		if len(l.Phones) > 0 {
			r["leadPhone"] = l.Phones[0]
		}
	}
	return r
}

// Record is the task as Lofty's V1 TaskResponse (wall times; a type
// outside V1's enum is Other).
func (t *Task) Record(d *Data) map[string]any {
	r := t.common(d)
	typ := t.Type
	if !slices.Contains([]string{"Other", "Call", "Email", "Text"}, typ) {
		typ = "Other"
	}
	r["type"], r["deadline"], r["createTime"], r["lastUpdate"], r["deleteFlag"] = typ, wallTime(t.Start), wallTime(t.Created), wallTime(t.updated()), false
	if !t.Finished.IsZero() {
		r["finishTime"] = wallTime(t.Finished)
	}
	return r
}

// RecordV2 is the task as Lofty's TaskResponseV2, its times in zone.
func (t *Task) RecordV2(d *Data, zone string) map[string]any {
	r := t.common(d)
	if zone == "" {
		zone = DemoTimeZone
	}
	end := t.deadline() // a task's endAt is its deadline
	// Times are formatted in zone; timeZoneCode is the task's own zone.
	r["type"], r["startAt"], r["endAt"], r["timeZoneCode"], r["allDay"] = t.Type, isoTime(t.Start, zone), isoTime(end, zone), DemoTimeZone, t.AllDay
	r["createTime"], r["lastUpdate"], r["address"] = isoTime(t.Created, zone), isoTime(t.updated(), zone), t.Address
	if !t.Finished.IsZero() {
		r["finishTime"] = isoTime(t.Finished, zone)
	}
	return r
}

func (t *Task) updated() time.Time {
	if t.Updated.IsZero() {
		return t.Created
	}
	return t.Updated
}

// Appointment is a meeting with a lead (Lofty's Appointment).
type Appointment struct {
	ID         int64
	LeadID     int64
	Descr      string
	Address    string
	Start, End time.Time
	AllDay     bool
	AssignTo   int64
	CreatorID  int64
	Created    time.Time
	Finished   time.Time
}

// Record is the appointment as Lofty's Appointment.
func (a *Appointment) Record(now time.Time) map[string]any {
	r := map[string]any{"id": a.ID, "descr": a.Descr, "address": a.Address, "createTime": a.Created.UTC().Format(time.RFC3339),
		"lastUpdate": a.Created.UTC().Format(time.RFC3339), "deadline": epochMillis(a.Start), "endTime": epochMillis(a.End),
		"allDay": a.AllDay, "finishFlag": !a.Finished.IsZero(), "deleteFlag": false,
		"overdue": a.Finished.IsZero() && a.End.Before(now), "leadId": a.LeadID, "assignToUid": a.AssignTo,
		"assignRoleType": int32(1), "creatorId": a.CreatorID}
	if !a.Finished.IsZero() {
		r["finishTime"] = epochMillis(a.Finished)
	}
	return r
}

// ReplyToJaneTaskID is a task whose content quotes Jane Smith's inbound
// text (AdversarialText), as a task made from a lead's message does: tools
// must carry it as data.
const ReplyToJaneTaskID int64 = 860008

func demoTasks(d *Data) {
	jane, carlos, mark, omar := DemoLeadWithAgent, int64(563172647619611), DemoLeadWithoutAgent, int64(563172647619613)
	created := ago(6 * 24 * time.Hour)
	task := func(id, lead int64, typ, content string, start time.Time) Task {
		return Task{ID: id, LeadID: lead, Type: typ, Content: content, Start: start, AssignedUserID: DemoUserID,
			AssignedRole: "Agent", CreatorID: DemoUserID, Created: created}
	}
	done := func(t Task, at time.Time) Task { t.Finished = at; return t }
	d.Tasks = []Task{
		task(860001, jane, "Call", "Call Jane to book the second showing at 2104 Barton Hills Dr", day(0, 14, 0)),
		done(task(860002, jane, "Email", "Send Jane comps for 2104 Barton Hills Dr", day(-1, 10, 0)), day(-1, 9, 40)),
		task(860003, jane, "Text", "Text Jane a reminder about Thursday's showing", day(2, 8, 0)),
		task(860004, jane, "Other", "Ask Sam Lee for Jane's updated pre-approval letter", day(-1, 17, 0)),
		task(860005, carlos, "Call", "Call Carlos: second showing request", day(0, 16, 30)),
		task(860006, mark, "Email", "Email Mark a Round Rock market report", day(-3, 12, 0)),
		task(860007, omar, "Other", "Prepare the listing agreement for 4410 Duval St", day(1, 9, 0)),
		task(ReplyToJaneTaskID, jane, "Text", "Reply to Jane's text: "+AdversarialText, day(0, 9, 0)),
	}
	d.Appointments = []Appointment{
		{ID: 870001, LeadID: jane, Descr: "Second showing: 2104 Barton Hills Dr", Address: "2104 Barton Hills Dr, Austin, TX 78704",
			Start: day(2, 10, 0), End: day(2, 10, 45), AssignTo: DemoUserID, CreatorID: DemoUserID, Created: ago(20 * time.Hour)},
		{ID: 870002, LeadID: jane, Descr: "Buyer consultation", Address: "500 Congress Ave, Austin, TX 78701",
			Start: time.Date(2026, 1, 22, 17, 0, 0, 0, time.UTC), End: time.Date(2026, 1, 22, 18, 0, 0, 0, time.UTC),
			AssignTo: DemoUserID, CreatorID: DemoUserID, Created: time.Date(2026, 1, 20, 15, 5, 0, 0, time.UTC),
			Finished: time.Date(2026, 1, 22, 18, 0, 0, 0, time.UTC)},
		{ID: 870003, LeadID: omar, Descr: "Listing appointment: 4410 Duval St", Address: "4410 Duval St, Austin, TX 78751",
			Start: day(1, 16, 0), End: day(1, 17, 0), AssignTo: DemoUserID, CreatorID: DemoUserID, Created: ago(3 * 24 * time.Hour)},
		// All day today, and across tonight's midnight.
		{ID: 870004, LeadID: omar, Descr: "Broker open house: 4410 Duval St", Address: "4410 Duval St, Austin, TX 78751",
			Start: day(0, 0, 0), End: day(1, 0, 0), AllDay: true, AssignTo: DemoUserID, CreatorID: DemoUserID, Created: ago(5 * 24 * time.Hour)},
		{ID: 870005, LeadID: carlos, Descr: "Meet Carlos at the airport: his flight lands late", Address: "Austin-Bergstrom International Airport",
			Start: day(0, 23, 30), End: day(1, 0, 30), AssignTo: DemoUserID, CreatorID: DemoUserID, Created: ago(24 * time.Hour)},
	}
}

func init() {
	areaSeeds = append(areaSeeds, demoTasks)
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("GET /v1.0/tasks", f.listTasksV1)
		mux.HandleFunc("POST /v1.0/tasks", f.addTaskV1)
		mux.HandleFunc("GET /v1.0/tasks/{taskId}", f.getTaskV1)
		mux.HandleFunc("PUT /v1.0/tasks/{taskId}", f.updateTaskV1)
		mux.HandleFunc("DELETE /v1.0/tasks/{taskId}", func(w http.ResponseWriter, r *http.Request) {
			if f.deleteTask(w, r) {
				w.WriteHeader(http.StatusOK)
			}
		})
		mux.HandleFunc("GET /v2.0/tasks", f.listTasksV2)
		mux.HandleFunc("POST /v2.0/tasks", f.addTaskV2)
		mux.HandleFunc("GET /v2.0/tasks/my-tasks", f.myTasks)
		mux.HandleFunc("GET /v2.0/tasks/{taskId}", f.getTaskV2)
		mux.HandleFunc("PUT /v2.0/tasks/{taskId}", f.updateTaskV2)
		mux.HandleFunc("DELETE /v2.0/tasks/{taskId}", f.deleteTaskV2)
		mux.HandleFunc("POST /v2.0/tasks/{taskId}/finish", func(w http.ResponseWriter, r *http.Request) { f.finishTask(w, r, true) })
		mux.HandleFunc("POST /v2.0/tasks/{taskId}/unfinish", func(w http.ResponseWriter, r *http.Request) { f.finishTask(w, r, false) })
		mux.HandleFunc("GET /v1.0/appts", f.listAppointments)
		mux.HandleFunc("POST /v2.0/sales-agent/notification/app-push/send-task-reminder", f.sendTaskReminder)
	})
}

// sendTaskReminder serves the reminder push: 400 for a task (or
// appointment, by type) the caller cannot see; nothing is kept, since a
// push changes nothing a read would see.
func (f *Fake) sendTaskReminder(w http.ResponseWriter, r *http.Request) {
	var body struct {
		TaskID int64  `json:"taskId"`
		Type   string `json:"type"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	d := f.dataFor(r)
	found := slices.ContainsFunc(d.Tasks, func(t Task) bool { return t.ID == body.TaskID && d.visible(t.LeadID) })
	if body.Type == "APPOINTMENT" {
		found = slices.ContainsFunc(d.Appointments, func(a Appointment) bool { return a.ID == body.TaskID && d.visible(a.LeadID) })
	}
	if !found {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: task not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"message": "Reminder sent"})
}

// leadTasks are lead's tasks, by start time.
func leadTasks(d *Data, lead int64) []Task {
	tasks := forLead(d.Tasks, lead, func(t *Task) int64 { return t.LeadID })
	slices.SortStableFunc(tasks, func(a, b Task) int { return a.Start.Compare(b.Start) })
	return tasks
}

func (f *Fake) listTasksV1(w http.ResponseWriter, r *http.Request) {
	l, ok := f.visibleLead(w, r, queryInt(r, "leadId"))
	if !ok {
		return
	}
	d := f.dataFor(r)
	out := []map[string]any{}
	for _, t := range leadTasks(d, l.ID) {
		out = append(out, t.Record(d))
	}
	writeJSON(w, http.StatusOK, map[string]any{"taskList": out})
}

// listTasksV2 serves GET /v2.0/tasks: the lead's tasks and appointments,
// by start time.
func (f *Fake) listTasksV2(w http.ResponseWriter, r *http.Request) {
	l, ok := f.visibleLead(w, r, queryInt(r, "leadId"))
	if !ok {
		return
	}
	d := f.dataFor(r)
	tasks := leadTasks(d, l.ID)
	for _, a := range forLead(d.Appointments, l.ID, func(a *Appointment) int64 { return a.LeadID }) {
		tasks = append(tasks, a.asTask())
	}
	slices.SortStableFunc(tasks, func(a, b Task) int { return a.Start.Compare(b.Start) })
	out := []map[string]any{}
	for _, t := range tasks {
		out = append(out, t.RecordV2(d, ""))
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": out})
}

// asTask is the appointment as V2 sees it: a task of type Appointment.
func (a *Appointment) asTask() Task {
	return Task{ID: a.ID, LeadID: a.LeadID, Type: "Appointment", Content: a.Descr, Start: a.Start, End: a.End, AllDay: a.AllDay,
		AssignedUserID: a.AssignTo, AssignedRole: "Agent", CreatorID: a.CreatorID, Created: a.Created, Finished: a.Finished,
		Address: a.Address}
}

// myTasks serves GET /v2.0/tasks/my-tasks as documented: a member's tasks
// (finished ones too), latest start first, limit (1-100, default 10) at a
// time from the one after the task whose id is currentId.
func (f *Fake) myTasks(w http.ResponseWriter, r *http.Request) {
	limit := queryIntOr(r, "limit", 10)
	if limit < 1 || limit > 100 {
		writeText(w, http.StatusBadRequest, "LIMIT_NOT_VALID: limit must be in [1, 100]")
		return
	}
	if queryInt(r, "currentId") < 0 {
		writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: currentId must be >= 0")
		return
	}
	d, user := f.dataFor(r), queryIntOr(r, "userId", DemoUserID)
	var mine []Task
	for _, t := range d.Tasks {
		if t.AssignedUserID == user && d.visible(t.LeadID) {
			mine = append(mine, t)
		}
	}
	slices.SortStableFunc(mine, func(a, b Task) int {
		if c := b.Start.Compare(a.Start); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	start := pageStart(mine, 0, queryInt(r, "currentId"), func(t *Task) int64 { return t.ID })
	out := []map[string]any{}
	for _, t := range window(mine, start, limit) {
		out = append(out, t.RecordV2(d, r.URL.Query().Get("timeZoneCode")))
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": out})
}

// task finds the caller's task taskId on a lead it can see, or answers 404.
func (f *Fake) task(w http.ResponseWriter, r *http.Request) (*Data, *Task, bool) {
	d, id := f.dataFor(r), pathInt(r, "taskId")
	for i := range d.Tasks {
		if t := &d.Tasks[i]; t.ID == id && d.visible(t.LeadID) {
			return d, t, true
		}
	}
	notFound(w, "Task")
	return nil, nil, false
}

func (f *Fake) getTaskV1(w http.ResponseWriter, r *http.Request) {
	if d, t, ok := f.task(w, r); ok {
		writeJSON(w, http.StatusOK, map[string]any{"task": t.Record(d)})
	}
}

// entryV2 finds the task or appointment a V2 taskId names on a lead the
// caller can see (kind "task" or "appointment"), or answers 404.
func (f *Fake) entryV2(w http.ResponseWriter, r *http.Request) (d *Data, t Task, kind string, ok bool) {
	d, id := f.dataFor(r), pathInt(r, "taskId")
	if i := slices.IndexFunc(d.Tasks, func(t Task) bool { return t.ID == id && d.visible(t.LeadID) }); i >= 0 {
		return d, d.Tasks[i], "task", true
	}
	if i := slices.IndexFunc(d.Appointments, func(a Appointment) bool { return a.ID == id && d.visible(a.LeadID) }); i >= 0 {
		return d, d.Appointments[i].asTask(), "appointment", true
	}
	notFound(w, "Task")
	return nil, Task{}, "", false
}

func (f *Fake) getTaskV2(w http.ResponseWriter, r *http.Request) {
	if d, t, _, ok := f.entryV2(w, r); ok {
		writeJSON(w, http.StatusOK, map[string]any{"task": t.RecordV2(d, "")})
	}
}

// changeTask applies change to a copy of task id in the caller's view.
func (f *Fake) changeTask(r *http.Request, id int64, change func(t *Task)) {
	f.update(r, func(v *view, _ func(int64) *Lead) {
		tasks := slices.Clone(v.data.Tasks)
		if i := slices.IndexFunc(tasks, func(t Task) bool { return t.ID == id }); i >= 0 {
			change(&tasks[i])
			tasks[i].Updated = now()
		}
		v.data.Tasks = tasks
	})
}

// addTask stores t with a new id and answers TaskIdResponse.
func (f *Fake) addTask(w http.ResponseWriter, r *http.Request, t Task) {
	if _, ok := f.visibleLead(w, r, t.LeadID); !ok {
		return
	}
	if t.AssignedRole == "" {
		t.AssignedRole = "Agent"
	}
	t.AssignedUserID, t.CreatorID, t.Created = DemoUserID, DemoUserID, now()
	f.update(r, func(v *view, _ func(int64) *Lead) {
		t.ID = f.newIDLocked()
		v.data.Tasks = append(slices.Clone(v.data.Tasks), t)
	})
	writeJSON(w, http.StatusOK, map[string]any{"taskId": t.ID})
}

// taskRequest is Lofty's V1 TaskRequest.
type taskRequest struct {
	Content      string `json:"content"`
	LeadID       int64  `json:"leadId"`
	Deadline     int64  `json:"deadline"`
	Type         string `json:"type"`
	AssignedRole string `json:"assignedRole"`
	FinishFlag   bool   `json:"finishFlag"`
}

func (f *Fake) addTaskV1(w http.ResponseWriter, r *http.Request) {
	var body taskRequest
	_ = json.NewDecoder(r.Body).Decode(&body)
	t := Task{LeadID: body.LeadID, Type: body.Type, Content: body.Content, Start: time.UnixMilli(body.Deadline).UTC(), AssignedRole: body.AssignedRole}
	if body.FinishFlag {
		t.Finished = now()
	}
	f.addTask(w, r, t)
}

// updateTaskV1 serves PUT /v1.0/tasks/{taskId}; the document gives its
// 200 no body.
func (f *Fake) updateTaskV1(w http.ResponseWriter, r *http.Request) {
	_, t, ok := f.task(w, r)
	if !ok {
		return
	}
	var body taskRequest
	_ = json.NewDecoder(r.Body).Decode(&body)
	if !f.leadVisible(w, r, body.LeadID) {
		return
	}
	f.changeTask(r, t.ID, func(t *Task) {
		t.Content, t.LeadID, t.Start, t.Type, t.AssignedRole = body.Content, body.LeadID, time.UnixMilli(body.Deadline).UTC(), body.Type, body.AssignedRole
		if body.FinishFlag != !t.Finished.IsZero() {
			t.Finished = map[bool]time.Time{true: now(), false: {}}[body.FinishFlag]
		}
	})
	w.WriteHeader(http.StatusOK)
}

// leadVisible answers 404 unless the caller may see lead id.
func (f *Fake) leadVisible(w http.ResponseWriter, r *http.Request, id int64) bool {
	_, ok := f.visibleLead(w, r, id)
	return ok
}

// taskTimes reads a V2 start and end (ISO 8601 with an offset), answering
// 400 for one that is not.
func taskTimes(w http.ResponseWriter, startAt, endAt string) (start, end time.Time, ok bool) {
	for _, p := range []struct {
		v   string
		out *time.Time
	}{{startAt, &start}, {endAt, &end}} {
		if p.v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, p.v)
		if err != nil {
			writeText(w, http.StatusBadRequest, "INVALID_PARAMETER: "+strconv.Quote(p.v)+" is not an ISO 8601 time with an offset")
			return start, end, false
		}
		*p.out = t.UTC()
	}
	return start, end, true
}

func (f *Fake) addTaskV2(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Content      string `json:"content"`
		LeadID       int64  `json:"leadId"`
		Type         string `json:"type"`
		AssignedRole string `json:"assignedRole"`
		StartAt      string `json:"startAt"`
		EndAt        string `json:"endAt"`
		Address      string `json:"address"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	start, end, ok := taskTimes(w, body.StartAt, body.EndAt)
	if !ok {
		return
	}
	if start.IsZero() {
		start = end
	}
	if start.IsZero() {
		start = now().Add(24 * time.Hour)
	}
	t := Task{LeadID: body.LeadID, Type: body.Type, Content: body.Content, Start: start, End: end,
		AssignedRole: body.AssignedRole, Address: body.Address, AllDay: allDay(body.StartAt, body.EndAt)}
	if !strings.EqualFold(body.Type, "Appointment") {
		f.addTask(w, r, t)
		return
	}
	if !f.leadVisible(w, r, t.LeadID) {
		return
	}
	a := Appointment{LeadID: t.LeadID, Descr: t.Content, Address: t.Address, Start: t.Start, End: t.End, AllDay: t.AllDay,
		AssignTo: DemoUserID, CreatorID: DemoUserID, Created: now()}
	if a.End.IsZero() {
		a.End = a.Start.Add(time.Hour)
	}
	f.update(r, func(v *view, _ func(int64) *Lead) {
		a.ID = f.newIDLocked()
		v.data.Appointments = append(slices.Clone(v.data.Appointments), a)
	})
	writeJSON(w, http.StatusOK, map[string]any{"taskId": a.ID})
}

// allDay reports whether a start and an end are both midnight in their own
// offsets, which Lofty takes as an all-day entry.
func allDay(startAt, endAt string) bool {
	for _, v := range []string{startAt, endAt} {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil || t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 {
			return false
		}
	}
	return true
}

func (f *Fake) updateTaskV2(w http.ResponseWriter, r *http.Request) {
	_, t, kind, ok := f.entryV2(w, r)
	if !ok {
		return
	}
	var body struct {
		Content string  `json:"content"`
		StartAt string  `json:"startAt"`
		EndAt   string  `json:"endAt"`
		Address *string `json:"address"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	if body.Content == "" && body.StartAt == "" && body.EndAt == "" && body.Address == nil {
		writeText(w, http.StatusBadRequest, "MISSING_PARAMETER: give at least one of content, startAt, endAt, address")
		return
	}
	start, end, ok := taskTimes(w, body.StartAt, body.EndAt)
	if !ok {
		return
	}
	set := func(content *string, s, e *time.Time, addr *string) {
		if body.Content != "" {
			*content = body.Content
		}
		if !start.IsZero() {
			*s = start
		}
		if !end.IsZero() {
			*e = end
		}
		if body.Address != nil {
			*addr = *body.Address
		}
	}
	f.changeCalendar(r, t.ID, kind, func(t *Task) { set(&t.Content, &t.Start, &t.End, &t.Address) },
		func(a *Appointment) { set(&a.Descr, &a.Start, &a.End, &a.Address) })
	writeJSON(w, http.StatusOK, map[string]any{"message": "Task updated"})
}

func (f *Fake) deleteTaskV2(w http.ResponseWriter, r *http.Request) {
	if _, t, kind, ok := f.entryV2(w, r); ok {
		f.removeEntry(r, t.ID, kind)
		writeJSON(w, http.StatusOK, map[string]any{"message": "Task deleted"})
	}
}

func (f *Fake) deleteTask(w http.ResponseWriter, r *http.Request) bool {
	_, t, ok := f.task(w, r)
	if !ok {
		return false
	}
	id := t.ID
	f.update(r, func(v *view, _ func(int64) *Lead) {
		v.data.Tasks = slices.DeleteFunc(slices.Clone(v.data.Tasks), func(t Task) bool { return t.ID == id })
	})
	return true
}

func (f *Fake) finishTask(w http.ResponseWriter, r *http.Request, finished bool) {
	_, t, kind, ok := f.entryV2(w, r)
	if !ok {
		return
	}
	at := time.Time{}
	if finished {
		at = now()
	}
	f.changeCalendar(r, t.ID, kind, func(t *Task) { t.Finished = at }, func(a *Appointment) { a.Finished = at })
	msg := map[bool]string{true: "Task finished", false: "Task reopened"}[finished]
	writeJSON(w, http.StatusOK, map[string]any{"message": msg})
}

func (f *Fake) listAppointments(w http.ResponseWriter, r *http.Request) {
	l, ok := f.visibleLead(w, r, queryInt(r, "leadId"))
	if !ok {
		return
	}
	d := f.dataFor(r)
	appts := forLead(d.Appointments, l.ID, func(a *Appointment) int64 { return a.LeadID })
	slices.SortStableFunc(appts, func(a, b Appointment) int { return a.Start.Compare(b.Start) })
	out := []map[string]any{}
	for _, a := range appts {
		out = append(out, a.Record(d.now()))
	}
	writeJSON(w, http.StatusOK, out)
}
