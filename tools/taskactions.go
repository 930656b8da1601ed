package tools

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Changes to tasks and appointments. Each reads the task first (its
// Lookup), so that the question put to the person names the task, its
// lead and the change in the person's zone, and so that an appointment is
// changed through Calendar V2 and a task through Tasks V2.

// TaskResult is the answer of a write to a task.
type TaskResult struct {
	Outcome
	TaskID int64 `json:"taskId,omitempty"`

	kind string // task or appointment, for the summary
}

// CreateTaskInput is what the model sends to create_task.
type CreateTaskInput struct {
	LeadID  int64  `json:"leadId" jsonschema:"minimum=1,description=Lead ID"`
	Type    string `json:"type" jsonschema:"enum=Call,enum=Email,enum=Text,enum=Other,enum=Appointment,description=Kind"`
	Content string `json:"content" jsonschema:"minLength=1,maxLength=2000,description=What to do"`
	At      string `json:"at" jsonschema:"description=Due or start: RFC 3339 with offset; a date alone: all day"`
	End     string `json:"end,omitempty" jsonschema:"description=An appointment's end"`
	Address string `json:"address,omitempty" jsonschema:"maxLength=300,description=Where (appointments)"`

	plan taskPlan // Lookup's: the instants and the zone
}

// taskPlan is a write's times, resolved in the person's zone.
type taskPlan struct {
	loc        *time.Location
	code       string // timeZoneCode to send
	start, end time.Time
	allDay     bool
}

// resolve turns at and end into instants in zone: a date is the whole day
// (to the end date's midnight), an instant without an end is a moment (a
// task's deadline) or, for an appointment, an hour.
func resolve(at, end when, appointment bool, zone Zone) taskPlan {
	p := taskPlan{loc: zone.Location, code: zone.String()}
	p.start = at.start(p.loc)
	switch {
	case !end.isZero():
		p.end = end.end(p.loc)
	case at.date:
		p.end = at.end(p.loc)
	case appointment:
		p.end = p.start.Add(time.Hour)
	default:
		p.end = p.start
	}
	p.allDay = at.date && (end.isZero() || end.date)
	return p
}

// spoken says when a plan is, for questions: "Thu 5 Mar 2026, 10:00 to
// 11:00 (America/Chicago)".
func (p taskPlan) spoken() string {
	s := spoken(p.start, p.loc, p.allDay)
	switch {
	case p.allDay && p.end.Sub(p.start) > 24*time.Hour+time.Hour:
		s += " to " + spoken(p.end.Add(-time.Minute), p.loc, true)
	case !p.allDay && p.end.After(p.start):
		s += " to " + p.end.In(p.loc).Format("15:04")
		if p.end.In(p.loc).YearDay() != p.start.In(p.loc).YearDay() {
			s += " the next day"
		}
	}
	return s + " (" + p.loc.String() + ")"
}

// CreateTask creates a task or an appointment on a lead.
var CreateTask = Spec[CreateTaskInput, TaskResult]{
	Name:     "create_task",
	Title:    "Create task",
	Toolset:  ToolsetTaskActions,
	Upstream: []string{"POST /v2.0/tasks", "POST /v2.0/calendar", "GET /v1.0/me"},
	Example:  `{"leadId": 563172647619608, "type": "Call", "content": "Call Jane back about the offer", "at": "2026-03-05T10:00:00-06:00"}`,
	Description: "Create a task (call, email, text, other) due at a time, or an appointment (start to end) on a lead " +
		"(find_leads gives leadIds). Each call adds one.",
	Check: func(in CreateTaskInput) error {
		if strings.TrimSpace(in.At) == "" {
			return fmt.Errorf(`"at" is empty: give when the task is due or the appointment starts`)
		}
		_, _, err := parseSpan("at", in.At, "end", in.End)
		return err
	},
	Call: func(ctx context.Context, c *lofty.Client, in CreateTaskInput) (TaskResult, error) {
		p := in.plan
		if in.Type == "Appointment" {
			created, err := c.CreateCalendarItem(ctx, lofty.CalendarRequest{Type: "APPOINTMENT", Content: in.Content, LeadID: in.LeadID,
				StartAt: rfc3339(p.start, p.loc), EndAt: rfc3339(p.end, p.loc), TimeZoneCode: p.code, Address: in.Address})
			id, _ := strconv.ParseInt(strings.SplitN(created.ID, "-", 2)[0], 10, 64)
			return TaskResult{TaskID: id, kind: KindAppointment}, err
		}
		// Lofty requires a role: the task is the person's own, as the Agent.
		id, err := c.CreateTask(ctx, lofty.TaskRequest{Content: in.Content, LeadID: in.LeadID, Type: in.Type, AssignedRole: "Agent",
			StartAt: rfc3339(p.start, p.loc), EndAt: rfc3339(p.end, p.loc), TimeZoneCode: p.code, Address: in.Address})
		return TaskResult{TaskID: id, kind: KindTask}, err
	},
	Subject: func(in CreateTaskInput) string { return fmt.Sprintf("lead %d", in.LeadID) },
	NotFound: func(in CreateTaskInput) string {
		return fmt.Sprintf("Lofty has no lead %d that these credentials can see. To find a lead's ID, call find_leads.", in.LeadID)
	},
	Write: &Write[CreateTaskInput, TaskResult]{
		Act:        "create this task",
		Leads:      func(in CreateTaskInput) []int64 { return []int64{in.LeadID} },
		TextLength: func(in CreateTaskInput) int { return utf8.RuneCountInString(in.Content) },
		Lookup: func(ctx context.Context, c *lofty.Client, in *CreateTaskInput) error {
			at, end, _ := parseSpan("at", in.At, "end", in.End)
			in.plan = resolve(at, end, in.Type == "Appointment", PersonZone(ctx, c))
			if in.Type == "Appointment" && !in.plan.start.After(clockNow(ctx)) {
				return refusal("An appointment must start later than now: Lofty's calendar refuses a past time. " +
					"To record a past meeting, create a task of type Other instead.")
			}
			return nil
		},
		Ask: func(in CreateTaskInput, leads LeadNames) string {
			what := map[string]string{"Call": "a call task", "Email": "an email task", "Text": "a text task"}[in.Type]
			what = cmp.Or(what, "a task") + " due " + in.plan.spoken()
			if in.Type == "Appointment" {
				what = "an appointment, " + in.plan.spoken()
			}
			s := "Create " + what + "?\n\nLead: " + leads.One(in.LeadID) + "\n\n"
			if in.Address != "" {
				s += "Where: " + in.Address + "\n\n"
			}
			return s + "What:\n" + in.Content
		},
		Done: func(in CreateTaskInput, out TaskResult, leads LeadNames) string {
			when := in.plan.spoken()
			if out.kind == KindTask {
				when = "due " + when
			}
			return fmt.Sprintf("Created %s %d for %s, %s.", out.kind, out.TaskID, leads.One(in.LeadID), when)
		},
		Check: "Check with list_tasks and the leadId.",
	},
}

// UpdateTaskInput is what the model sends to update_task.
type UpdateTaskInput struct {
	TaskID  int64  `json:"taskId" jsonschema:"minimum=1,description=Task ID"`
	Content string `json:"content,omitempty" jsonschema:"maxLength=2000,description=New text"`
	At      string `json:"at,omitempty" jsonschema:"description=New due or start"`
	End     string `json:"end,omitempty" jsonschema:"description=New end"`
	Address string `json:"address,omitempty" jsonschema:"maxLength=300,description=New address"`
	Done    *bool  `json:"done,omitempty" jsonschema:"description=true: finish it; false: reopen it"`

	before lofty.Task // Lookup's: the task as it is
	plan   taskPlan   // Lookup's: the new times
}

// changesTimes reports whether the update moves the task.
func (in UpdateTaskInput) changesTimes() bool { return in.At != "" || in.End != "" }

// edits reports whether the update changes more than done.
func (in UpdateTaskInput) edits() bool {
	return in.changesTimes() || in.Content != "" || in.Address != ""
}

// lookupTask reads the task a write is about into *before, and the zone.
func lookupTask(ctx context.Context, c *lofty.Client, id int64, before *lofty.Task) (Zone, error) {
	t, err := c.Task(ctx, id)
	if err != nil {
		return Zone{}, err
	}
	*before = t
	return PersonZone(ctx, c), nil
}

// taskLine names a task in a question: its kind, when, and its content
// quoted (it may hold a lead's words).
func taskLine(t lofty.Task, loc *time.Location) string {
	kind, when := "Task", spoken(instant(t.EndAt), loc, t.AllDay)
	if isAppointment(t) {
		kind, when = "Appointment", spoken(instant(t.StartAt), loc, t.AllDay)
	} else if t.Type != "" {
		kind = CleanLine(t.Type, 20) + " task"
	}
	return fmt.Sprintf("%s %d, %s: %s", kind, t.ID, when, Quote(t.Content, MaxSummaryLength))
}

// leadLine names a task's lead in a question: by LeadNames, or by the name
// the task carries, quoted.
func leadLine(t lofty.Task, leads LeadNames) string {
	if t.LeadID == 0 {
		return "no lead"
	}
	named := leads.One(t.LeadID)
	if strings.HasPrefix(named, "lead ") {
		if name := CleanLine(cmp.Or(strings.TrimSpace(t.LeadName), t.LeadFirst+" "+t.LeadLast), MaxNameLength); name != "" {
			return Quote(name, MaxNameLength) + " (" + named + ")"
		}
	}
	return named
}

// UpdateTask changes a task or an appointment, or marks it done or not.
var UpdateTask = Spec[UpdateTaskInput, TaskResult]{
	Name:    "update_task",
	Title:   "Update task",
	Toolset: ToolsetTaskActions,
	Upstream: []string{"GET /v2.0/tasks/{taskId}", "PUT /v2.0/tasks/{taskId}", "POST /v2.0/tasks/{taskId}/finish",
		"POST /v2.0/tasks/{taskId}/unfinish", "PUT /v2.0/calendar/{calendarId}", "POST /v2.0/calendar/{calendarId}/finish",
		"POST /v2.0/calendar/{calendarId}/unfinish", "GET /v1.0/me"},
	Example:     `{"taskId": 860001, "done": true}`,
	Description: "Change a task or appointment (only what is given), or mark it done (done true) or not (false).",
	Check: func(in UpdateTaskInput) error {
		if !in.edits() && in.Done == nil {
			return fmt.Errorf(`nothing to change: give "content", "at", "end", "address" or "done"`)
		}
		_, _, err := parseSpan("at", in.At, "end", in.End)
		return err
	},
	Call: func(ctx context.Context, c *lofty.Client, in UpdateTaskInput) (TaskResult, error) {
		appt := isAppointment(in.before)
		out := TaskResult{TaskID: in.TaskID, kind: KindTask}
		if appt {
			out.kind = KindAppointment
		}
		// A new start moves the end with it; a new end alone leaves the
		// start as it is, unsent (Lofty's calendar refuses a start that
		// has passed, as an appointment under way has).
		var start, end string
		if in.At != "" {
			start = rfc3339(in.plan.start, in.plan.loc)
		}
		if in.changesTimes() {
			end = rfc3339(in.plan.end, in.plan.loc)
		}
		if in.edits() {
			var err error
			if appt {
				_, err = c.UpdateCalendarItem(ctx, lofty.CalendarID(in.TaskID, true), lofty.CalendarUpdate{Content: in.Content,
					StartAt: start, EndAt: end, TimeZoneCode: in.plan.code, Address: in.Address})
			} else {
				_, err = c.UpdateTask(ctx, in.TaskID, lofty.TaskRequest{Content: in.Content, StartAt: start, EndAt: end,
					TimeZoneCode: in.plan.code, Address: in.Address})
			}
			if err != nil {
				return out, err
			}
		}
		if in.Done != nil {
			var err error
			if appt {
				_, err = c.FinishCalendarItem(ctx, lofty.CalendarID(in.TaskID, true), *in.Done)
			} else {
				_, err = c.FinishTask(ctx, in.TaskID, *in.Done)
			}
			return out, err
		}
		return out, nil
	},
	Subject: func(in UpdateTaskInput) string { return fmt.Sprintf("task %d", in.TaskID) },
	NotFound: func(in UpdateTaskInput) string {
		return fmt.Sprintf("Lofty has no task %d that these credentials can see. list_tasks lists them.", in.TaskID)
	},
	Write: &Write[UpdateTaskInput, TaskResult]{
		Destructive: true, // replaces what it changes
		Idempotent:  true,
		Act:         "change this task",
		TextLength:  func(in UpdateTaskInput) int { return utf8.RuneCountInString(in.Content) },
		Lookup: func(ctx context.Context, c *lofty.Client, in *UpdateTaskInput) error {
			zone, err := lookupTask(ctx, c, in.TaskID, &in.before)
			if err != nil {
				return err
			}
			if !in.changesTimes() {
				in.plan = taskPlan{loc: zone.Location, code: zoneCode(zone)}
				return nil
			}
			b := in.before
			at, end, _ := parseSpan("at", in.At, "end", in.End)
			if at.isZero() { // keep the start, move the end
				at = when{t: instant(b.StartAt)}
				if b.AllDay {
					at = when{t: dateOf(instant(b.StartAt).In(zoneOf(b.TimeZoneCode, zone.Location))), date: true}
				}
			}
			in.plan = resolve(at, end, isAppointment(b), zone)
			if d := instant(b.EndAt).Sub(instant(b.StartAt)); end.isZero() && isAppointment(b) && !at.date && !b.AllDay && d > 0 {
				in.plan.end = in.plan.start.Add(d) // an appointment moved keeps its length
			}
			switch {
			case in.plan.end.Before(in.plan.start):
				return refusal(fmt.Sprintf("The new end (%s) would be before the start (%s): give an end after the start.",
					spoken(in.plan.end, zone.Location, false), spoken(in.plan.start, zone.Location, false)))
			case isAppointment(b) && (!in.plan.end.After(clockNow(ctx)) || (in.At != "" && !in.plan.start.After(clockNow(ctx)))):
				return refusal("An appointment's new time must be later than now: Lofty's calendar refuses a past time.")
			}
			return nil
		},
		Ask: func(in UpdateTaskInput, leads LeadNames) string {
			loc := in.plan.loc
			var changes []string
			if in.changesTimes() {
				changes = append(changes, "move it to "+in.plan.spoken())
			}
			if in.Content != "" {
				changes = append(changes, "replace what it says with the text below")
			}
			if in.Address != "" {
				changes = append(changes, "set its address to the one below")
			}
			if in.Done != nil {
				changes = append(changes, map[bool]string{true: "mark it done", false: "mark it not done"}[*in.Done])
			}
			s := "Change this " + strings.ToLower(kindWord(in.before)) + ": " + strings.Join(changes, "; ") + "?\n\n" +
				taskLine(in.before, loc) + "\nLead: " + leadLine(in.before, leads)
			if in.Address != "" {
				s += "\n\nNew address: " + in.Address
			}
			if in.Content != "" {
				s += "\n\nNew text:\n" + in.Content
			}
			return s
		},
		Done: func(in UpdateTaskInput, out TaskResult, _ LeadNames) string {
			var did []string
			if in.changesTimes() {
				did = append(did, "moved to "+in.plan.spoken())
			}
			if in.Content != "" || in.Address != "" {
				did = append(did, "changed its text or address")
			}
			if in.Done != nil {
				did = append(did, map[bool]string{true: "marked done", false: "marked not done"}[*in.Done])
			}
			return fmt.Sprintf("Updated %s %d: %s.", out.kind, in.TaskID, strings.Join(did, ", "))
		},
		Check: "Check with list_tasks and the taskId.",
	},
}

// kindWord is "Task" or "Appointment".
func kindWord(t lofty.Task) string {
	if isAppointment(t) {
		return "Appointment"
	}
	return "Task"
}

// TaskIDInput is the input of tools that need only a task ID.
type TaskIDInput struct {
	TaskID int64 `json:"taskId" jsonschema:"minimum=1,description=Task ID"`

	before lofty.Task // Lookup's: the task as it is
	loc    *time.Location
}

func taskSubject(in TaskIDInput) string { return fmt.Sprintf("task %d", in.TaskID) }

func taskNotFound(in TaskIDInput) string {
	return fmt.Sprintf("Lofty has no task %d that these credentials can see. list_tasks lists them.", in.TaskID)
}

func lookupTaskID(ctx context.Context, c *lofty.Client, in *TaskIDInput) error {
	zone, err := lookupTask(ctx, c, in.TaskID, &in.before)
	in.loc = zone.Location
	return err
}

// DeleteTask deletes a task or an appointment.
var DeleteTask = Spec[TaskIDInput, TaskResult]{
	Name:        "delete_task",
	Title:       "Delete task",
	Toolset:     ToolsetDeletes,
	Upstream:    []string{"GET /v2.0/tasks/{taskId}", "DELETE /v2.0/tasks/{taskId}", "DELETE /v2.0/calendar/{calendarId}", "GET /v1.0/me"},
	Example:     `{"taskId": 860006}`,
	Description: "Delete a task or appointment for good; the person always confirms. To finish one instead: update_task with done.",
	Call: func(ctx context.Context, c *lofty.Client, in TaskIDInput) (TaskResult, error) {
		if isAppointment(in.before) {
			_, err := c.DeleteCalendarItem(ctx, lofty.CalendarID(in.TaskID, true))
			return TaskResult{TaskID: in.TaskID, kind: KindAppointment}, err
		}
		_, err := c.DeleteTask(ctx, in.TaskID)
		return TaskResult{TaskID: in.TaskID, kind: KindTask}, err
	},
	Subject:  taskSubject,
	NotFound: taskNotFound,
	Write: &Write[TaskIDInput, TaskResult]{
		Destructive: true,
		Idempotent:  true,
		MustConfirm: true,
		Act:         "delete this task",
		Lookup:      lookupTaskID,
		Ask: func(in TaskIDInput, leads LeadNames) string {
			return "Delete this " + strings.ToLower(kindWord(in.before)) + " for good? Lofty cannot undo it.\n\n" +
				taskLine(in.before, in.loc) + "\nLead: " + leadLine(in.before, leads)
		},
		Done: func(in TaskIDInput, out TaskResult, _ LeadNames) string {
			return fmt.Sprintf("Deleted %s %d.", out.kind, in.TaskID)
		},
		Check: "Check with list_tasks and the taskId (Lofty then has no such task).",
	},
}

// SendTaskReminder pushes a reminder of a task to its agent's Lofty app.
var SendTaskReminder = Spec[TaskIDInput, TaskResult]{
	Name:        "send_task_reminder",
	Title:       "Send task reminder",
	Toolset:     ToolsetTaskActions,
	Upstream:    []string{"GET /v2.0/tasks/{taskId}", "POST /v2.0/sales-agent/notification/app-push/send-task-reminder", "GET /v1.0/me"},
	Example:     `{"taskId": 860001}`,
	Description: "Push a reminder of a task or appointment to the Lofty app of the agent it is assigned to. Each call sends one.",
	Call: func(ctx context.Context, c *lofty.Client, in TaskIDInput) (TaskResult, error) {
		appt := isAppointment(in.before)
		_, err := c.SendTaskReminder(ctx, in.TaskID, appt)
		out := TaskResult{TaskID: in.TaskID, kind: KindTask}
		if appt {
			out.kind = KindAppointment
		}
		return out, err
	},
	Subject:  taskSubject,
	NotFound: taskNotFound,
	Write: &Write[TaskIDInput, TaskResult]{
		Act:    "send a reminder of this task",
		Lookup: lookupTaskID,
		Ask: func(in TaskIDInput, leads LeadNames) string {
			who := "the agent it is assigned to"
			if name := CleanLine(in.before.AssignedUser, MaxNameLength); name != "" {
				who += ", " + Quote(name, MaxNameLength)
			}
			return "Send a reminder of this " + strings.ToLower(kindWord(in.before)) + " to the Lofty app of " + who + "?\n\n" +
				taskLine(in.before, in.loc) + "\nLead: " + leadLine(in.before, leads)
		},
		Done: func(in TaskIDInput, out TaskResult, _ LeadNames) string {
			return fmt.Sprintf("Sent a reminder of %s %d to its agent's Lofty app.", out.kind, in.TaskID)
		},
	},
}
