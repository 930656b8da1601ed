package tools

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Tasks and appointments. Lofty keeps both under one id (a taskId); a task
// is a follow-up (a call, an email, a text) due at a time, an appointment a
// meeting from a start to an end. Tasks are read and changed through Tasks
// V2, appointments changed through Calendar V2, Lofty's API for calendar
// events (either API reaches both; each is used for what it is made for,
// and the model never needs the calendar's composite ids).

// Entry is one item of the person's day or task list: a task, an
// appointment, an AI plan task, or a lead newly assigned to them.
type Entry struct {
	Kind    string `json:"kind" jsonschema:"description=task\\, appointment\\, plan_task or new_lead"`
	TaskID  int64  `json:"taskId,omitempty"`
	Type    string `json:"type,omitempty"`
	At      string `json:"at,omitempty" jsonschema:"description=Start or due"`
	End     string `json:"end,omitempty"`
	AllDay  bool   `json:"allDay,omitempty"`
	Status  string `json:"status,omitempty" jsonschema:"description=open\\, overdue or done"`
	Content string `json:"content,omitempty"`
	LeadID  int64  `json:"leadId,omitempty"`
	Lead    string `json:"lead,omitempty"`
	Address string `json:"address,omitempty"`

	start, end time.Time // the instants, for sorting and the day's bounds
}

// Entry kinds and statuses.
const (
	KindTask        = "task"
	KindAppointment = "appointment"
	KindPlanTask    = "plan_task"
	KindNewLead     = "new_lead"

	StatusOpen    = "open"
	StatusOverdue = "overdue"
	// StatusDone is the status of a finished task (the same word as a
	// write's Outcome, StatusDone).
)

// isAppointment reports whether a V2 task is an appointment.
func isAppointment(t lofty.Task) bool { return strings.EqualFold(t.Type, "Appointment") }

// status is an item's status at now: done, overdue (its deadline past), or open.
func status(done, flaggedOverdue bool, deadline, now time.Time) string {
	switch {
	case done:
		return StatusDone
	case flaggedOverdue || (!deadline.IsZero() && deadline.Before(now)):
		return StatusOverdue
	}
	return StatusOpen
}

// instant reads a lofty.Time ("" is the zero time).
func instant(t lofty.Time) time.Time {
	// A wall time (Lofty sent no zone) is read as UTC, as lofty.Time held
	// every such time before it kept them apart; a caller that knows the
	// zone uses t.In.
	v, _ := t.In(time.UTC)
	return v
}

// zoneOf is the zone named code, or loc when it names none.
func zoneOf(code string, loc *time.Location) *time.Location {
	if code == "" {
		return loc
	}
	if z, err := LoadZone(code); err == nil {
		return z
	}
	return loc
}

// setTimes fills the entry's times in loc from start and end; an all-day
// item is its dates (as its own zone, code, reads them) from midnight to
// midnight in loc, so that it stays on its day whatever the zones.
func (e *Entry) setTimes(start, end time.Time, allDay bool, code string, loc *time.Location) {
	if start.IsZero() {
		start = end
	}
	if end.Before(start) {
		end = start
	}
	if allDay && !start.IsZero() {
		own := zoneOf(code, loc)
		first := dayStart(start.In(own), loc)
		last := dayStart(end.In(own), loc)
		if !last.After(first) {
			last = first.AddDate(0, 0, 1)
		}
		start, end = first, last
	}
	e.start, e.end, e.AllDay = start, end, allDay
	e.At = rfc3339(start, loc)
	if end.After(start) {
		e.End = rfc3339(end, loc)
	}
}

// midnights reports whether start and end are both midnight in loc, end
// after start: Lofty's all-day item, as the calendar sends it.
func midnights(start, end time.Time, loc *time.Location) bool {
	isMidnight := func(t time.Time) bool { t = t.In(loc); return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 }
	return !start.IsZero() && end.After(start) && isMidnight(start) && isMidnight(end)
}

// taskEntry curates a V2 task or appointment.
func taskEntry(t lofty.Task, loc *time.Location, now time.Time) Entry {
	e := Entry{Kind: KindTask, TaskID: t.ID, Type: t.Type, LeadID: t.LeadID,
		Content: CleanLine(t.Content, MaxSummaryLength), Address: CleanLine(t.Address, MaxSummaryLength)}
	if isAppointment(t) {
		e.Kind, e.Type = KindAppointment, ""
	}
	name := t.LeadName
	if strings.TrimSpace(name) == "" {
		name = t.LeadFirst + " " + t.LeadLast
	}
	e.Lead = CleanLine(name, MaxNameLength)
	start, end := instant(t.StartAt), instant(t.EndAt)
	e.setTimes(start, end, t.AllDay, t.TimeZoneCode, loc)
	e.Status = status(t.FinishFlag, t.OverdueFlag, e.deadline(), now)
	return e
}

// calendarEntry curates a calendar item.
func calendarEntry(it lofty.CalendarItem, loc *time.Location, now time.Time) Entry {
	e := Entry{Kind: KindTask, TaskID: it.TaskID, LeadID: it.LeadID, Content: CleanLine(it.Content, MaxSummaryLength)}
	if it.Appointment() {
		e.Kind = KindAppointment
	}
	if e.TaskID == 0 {
		e.TaskID, _ = strconv.ParseInt(strings.SplitN(it.ID, "-", 2)[0], 10, 64)
	}
	if e.Content == "" {
		e.Content = CleanLine(it.Title, MaxSummaryLength)
	}
	start, end := it.Start(), it.End()
	// The calendar has no all-day flag: an item from midnight to midnight,
	// in its own zone or the person's, is one.
	allDay := midnights(start, end, zoneOf(it.TimeZoneCode, loc)) || midnights(start, end, loc)
	e.setTimes(start, end, allDay, it.TimeZoneCode, loc)
	e.Status = status(it.Finished, false, e.deadline(), now)
	return e
}

// apptEntry curates a V1 appointment.
func apptEntry(a lofty.Appointment, loc *time.Location, now time.Time) Entry {
	e := Entry{Kind: KindAppointment, TaskID: a.ID, LeadID: a.LeadID, Content: CleanLine(a.Descr, MaxSummaryLength),
		Address: CleanLine(a.Address, MaxSummaryLength)}
	e.setTimes(instant(a.Deadline), instant(a.EndTime), a.AllDay, "", loc)
	e.Status = status(a.FinishFlag, false, e.deadline(), now)
	return e
}

// deadline is when the entry is due: a task's end (its deadline) or at, an
// appointment's end.
func (e *Entry) deadline() time.Time {
	if !e.end.IsZero() {
		return e.end
	}
	return e.start
}

// sortEntries orders entries by start, then kind and id.
func sortEntries(es []Entry) {
	slices.SortStableFunc(es, func(a, b Entry) int {
		if c := a.start.Compare(b.start); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		return cmp.Compare(a.TaskID, b.TaskID)
	})
}

// fill completes e with what other has that e lacks (the same item read
// from another source).
func (e *Entry) fill(other Entry) {
	if e.Lead == "" {
		e.Lead = other.Lead
	}
	if e.Type == "" {
		e.Type = other.Type
	}
	if e.Address == "" {
		e.Address = other.Address
	}
	if e.Content == "" {
		e.Content = other.Content
	}
}

// DefaultTaskListLimit is how many entries list_tasks returns at most.
const DefaultTaskListLimit = 50

// maxMyTaskPages bounds the pages of my tasks read in one call.
const maxMyTaskPages = 3

// ListTasksInput is what the model sends to list_tasks.
type ListTasksInput struct {
	TaskID int64  `json:"taskId,omitempty" jsonschema:"minimum=1,description=One task"`
	LeadID int64  `json:"leadId,omitempty" jsonschema:"minimum=1,description=A lead's tasks"`
	From   string `json:"from,omitempty" jsonschema:"description=Window start: RFC 3339 or a date"`
	To     string `json:"to,omitempty" jsonschema:"description=Window end"`
	Status string `json:"status,omitempty" jsonschema:"enum=open,enum=overdue,enum=done,enum=all,description=Default open"`
}

// TaskList is list_tasks' answer.
type TaskList struct {
	Tasks []Entry `json:"tasks"`
	Total int     `json:"total" jsonschema:"description=Matches (50 listed at most)"`
	Note  string  `json:"note,omitempty"`
}

// window is a list_tasks window, checked: its instants in loc.
func (in ListTasksInput) window(loc *time.Location) (from, to time.Time) {
	f, t, _ := parseSpan("from", in.From, "to", in.To)
	switch {
	case f.isZero():
		to = t.end(loc)
		return to.AddDate(0, -1, 0), to
	case t.isZero():
		from = f.start(loc)
		return from, from.AddDate(0, 1, 0)
	}
	return f.start(loc), t.end(loc)
}

// ListTasks lists my tasks, a lead's tasks and appointments, the calendar
// in a window, or one task.
var ListTasks = Spec[ListTasksInput, TaskList]{
	Name:    "list_tasks",
	Title:   "List tasks",
	Toolset: ToolsetTasks,
	Upstream: []string{"GET /v2.0/tasks/my-tasks", "GET /v2.0/tasks", "GET /v1.0/appts", "GET /v2.0/tasks/{taskId}",
		"GET /v2.0/calendar", "GET /v1.0/me"},
	Example: `{"leadId": 563172647619608, "status": "all"}`,
	Description: "My tasks; a lead's tasks and appointments (leadId: find_leads); my calendar from..to; or one task (taskId); " +
		"by status. Today: get_my_day.",
	Check: func(in ListTasksInput) error {
		if _, _, err := parseSpan("from", in.From, "to", in.To); err != nil {
			return err
		}
		if in.TaskID != 0 && (in.LeadID != 0 || in.From != "" || in.To != "") {
			return fmt.Errorf(`"taskId" names one task: leave out "leadId", "from" and "to"`)
		}
		return nil
	},
	Call:    listTasks,
	Subject: func(in ListTasksInput) string { return listSubject(in) },
	NotFound: func(in ListTasksInput) string {
		if in.TaskID != 0 {
			return fmt.Sprintf("Lofty has no task %d that these credentials can see. list_tasks without taskId lists them.", in.TaskID)
		}
		return fmt.Sprintf("Lofty has no lead %d that these credentials can see. To find a lead's ID, call find_leads.", in.LeadID)
	},
}

func listSubject(in ListTasksInput) string {
	switch {
	case in.TaskID != 0:
		return fmt.Sprintf("task %d", in.TaskID)
	case in.LeadID != 0:
		return fmt.Sprintf("lead %d", in.LeadID)
	}
	return "your tasks"
}

func listTasks(ctx context.Context, c *lofty.Client, in ListTasksInput) (TaskList, error) {
	zone := PersonZone(ctx, c)
	loc, now := zone.Location, clockNow(ctx)
	out := TaskList{Tasks: []Entry{}}
	var (
		entries []Entry
		notes   []string
	)
	switch {
	case in.TaskID != 0:
		t, err := c.Task(ctx, in.TaskID)
		if err != nil {
			return TaskList{}, err
		}
		entries = []Entry{taskEntry(t, loc, now)}
		in.Status = "all"
	case in.LeadID != 0:
		var err error
		entries, notes, err = leadEntries(ctx, c, in.LeadID, loc, now)
		if err != nil {
			return TaskList{}, err
		}
	case in.From != "" || in.To != "":
		from, to := in.window(loc)
		list, err := c.Calendar(ctx, lofty.CalendarQuery{From: from, To: to, Zone: zoneCode(zone), PageSize: lofty.MaxCalendarPage,
			IncludeFinished: in.Status == StatusDone || in.Status == "all"})
		if err != nil {
			return TaskList{}, err
		}
		for _, it := range list.Items {
			entries = append(entries, calendarEntry(it, loc, now))
		}
		if list.Total > int64(len(list.Items)) {
			notes = append(notes, fmt.Sprintf("Lofty has %d items in this window and sent %d: ask for a shorter window.", list.Total, len(list.Items)))
		}
	default:
		var err error
		entries, err = myTaskEntries(ctx, c, zone, now, maxMyTaskPages)
		var cut *CutShort
		switch {
		case errors.As(err, &cut):
			notes = append(notes, "Not every task was read: "+cut.Reason+".")
		case err != nil:
			return TaskList{}, err
		}
	}
	if in.TaskID == 0 && (in.From != "" || in.To != "") {
		from, to := in.window(loc)
		entries = slices.DeleteFunc(entries, func(e Entry) bool { return !e.overlaps(from, to) })
	}
	nameFromCache(ctx, c, entries, nil)
	for _, e := range entries {
		if !in.wants(e.Status) {
			continue
		}
		out.Total++
		out.Tasks = append(out.Tasks, e)
	}
	sortEntries(out.Tasks)
	if len(out.Tasks) > DefaultTaskListLimit {
		out.Tasks = out.Tasks[:DefaultTaskListLimit]
		notes = append(notes, fmt.Sprintf("The first %d of %d by time are listed: narrow the window or the status to see the rest.",
			DefaultTaskListLimit, out.Total))
	}
	if zone.unknown() {
		notes = append(notes, zoneNote)
	}
	out.Note = strings.Join(notes, " ")
	return out, nil
}

// nameFromCache names the leads of entries that came without a name: by
// names (learned from other sources), else by a lead the credential's
// cache holds; no request is sent for a name.
func nameFromCache(ctx context.Context, c *lofty.Client, entries []Entry, names map[int64]string) {
	if names == nil {
		names = map[int64]string{}
	}
	for _, e := range entries {
		if e.Lead != "" {
			names[e.LeadID] = e.Lead
		}
	}
	for i := range entries {
		e := &entries[i]
		if e.Lead != "" || e.LeadID == 0 {
			continue
		}
		if _, known := names[e.LeadID]; !known {
			names[e.LeadID] = ""
			if l, err := c.Lead(lofty.CacheOnly(ctx), e.LeadID); err == nil {
				names[e.LeadID] = CleanLine(l.FirstName+" "+l.LastName, MaxNameLength)
			}
		}
		e.Lead = names[e.LeadID]
	}
}

// wants reports whether the input's status filter keeps status s.
func (in ListTasksInput) wants(s string) bool {
	switch in.Status {
	case "all":
		return true
	case "", StatusOpen:
		return s != StatusDone
	}
	return s == in.Status
}

// overlaps reports whether the entry is (or is due) within [from, to).
func (e *Entry) overlaps(from, to time.Time) bool {
	if e.start.IsZero() {
		return false
	}
	if !e.end.After(e.start) {
		return !e.start.Before(from) && e.start.Before(to)
	}
	return e.start.Before(to) && e.end.After(from)
}

// leadEntries reads a lead's tasks and appointments: V2's list, and V1's
// appointments, which fill what V2's list lacks (both by taskId).
func leadEntries(ctx context.Context, c *lofty.Client, leadID int64, loc *time.Location, now time.Time) ([]Entry, []string, error) {
	var (
		tasks   lofty.TaskList
		appts   []lofty.Appointment
		apptErr error
		wg      sync.WaitGroup
	)
	wg.Go(func() { appts, apptErr = c.LeadAppointments(ctx, leadID) })
	tasks, err := c.LeadTasks(ctx, leadID)
	wg.Wait()
	if err != nil {
		return nil, nil, err
	}
	var entries []Entry
	seen := map[int64]int{}
	for _, t := range tasks.Tasks {
		seen[t.ID] = len(entries)
		entries = append(entries, taskEntry(t, loc, now))
	}
	for _, a := range appts {
		if a.DeleteFlag {
			continue
		}
		e := apptEntry(a, loc, now)
		if i, ok := seen[a.ID]; ok {
			entries[i].fill(e)
			continue
		}
		entries = append(entries, e)
	}
	var notes []string
	if apptErr != nil {
		notes = append(notes, "Lofty's appointment list (V1) could not be read, so appointments are those of the task list only: "+
			ErrorText(apptErr, "", ""))
	}
	return entries, notes, nil
}

// myTaskEntries reads up to pages pages of my tasks (latest start first).
// Reading stops early, with a *CutShort error and what was read, when a
// page beyond the first fails or pages run out.
func myTaskEntries(ctx context.Context, c *lofty.Client, zone Zone, now time.Time, pages int) ([]Entry, error) {
	var (
		out   []Entry
		after int64
	)
	for page := range pages {
		list, err := c.MyTasks(ctx, after, lofty.MaxTasksPage, zoneCode(zone))
		if err != nil {
			if page == 0 {
				return nil, err
			}
			return out, &CutShort{Reason: fmt.Sprintf("read %d tasks, the latest first; the next page failed: %s", len(out), ErrorText(err, "", ""))}
		}
		for _, t := range list.Tasks {
			out = append(out, taskEntry(t, zone.Location, now))
		}
		if len(list.Tasks) < lofty.MaxTasksPage || list.Tasks[len(list.Tasks)-1].ID == 0 {
			return out, nil
		}
		after = list.Tasks[len(list.Tasks)-1].ID
	}
	return out, &CutShort{Reason: fmt.Sprintf("read the %d tasks with the latest start; older ones were not read", len(out))}
}

// zoneCode is the zone to send Lofty as timeZoneCode: the person's, or
// none (Lofty then uses its own profile of them) when it is not known.
func zoneCode(z Zone) string {
	if z.unknown() {
		return ""
	}
	return z.String()
}

// unknown reports whether the person's zone is not known (UTC stands in).
func (z Zone) unknown() bool { return strings.HasPrefix(z.Source, "UTC") }

// zoneNote says that times are in UTC for want of the person's zone.
const zoneNote = "Times are in UTC: the person's time zone is not known (set LOFTY_TIME_ZONE, or the time zone of their Lofty profile)."
