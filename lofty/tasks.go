package lofty

import (
	"context"
	"net/url"
	"strconv"
)

// Tasks and appointments (Tasks & Appointments V2, and V1's appointment
// list). Tasks and appointments share one id namespace: the V2 endpoints
// that take a taskId resolve either. Times are sent in RFC 3339 with the
// person's offset and their zone as timeZoneCode; answers give times with
// an offset (or "GMT"), which Time reads as an instant.

// Task is Lofty's TaskResponseV2: a task, or an appointment (Type
// "Appointment").
type Task struct {
	ID           int64  `json:"id"`
	LeadID       int64  `json:"leadId,omitempty"`
	Content      string `json:"content,omitempty"`
	Type         string `json:"type,omitempty"` // Call, Email, Text, Other, Appointment
	StartAt      Time   `json:"startAt,omitempty"`
	EndAt        Time   `json:"endAt,omitempty"` // a task's deadline
	TimeZoneCode string `json:"timeZoneCode,omitempty"`
	AllDay       bool   `json:"allDay,omitempty"`
	FinishFlag   bool   `json:"finishFlag,omitempty"`
	OverdueFlag  bool   `json:"overdueFlag,omitempty"`
	FinishTime   Time   `json:"finishTime,omitempty"`
	LeadName     string `json:"leadName,omitempty"`
	LeadFirst    string `json:"leadFirstName,omitempty"`
	LeadLast     string `json:"leadLastName,omitempty"`
	AssignedRole string `json:"assignedRole,omitempty"`
	AssignedUser string `json:"assignedUser,omitempty"`
	AssignedID   int64  `json:"assignedUserId,omitempty"`
	Address      string `json:"address,omitempty"`
}

// TaskList is Lofty's TaskV2ListResponse.
type TaskList struct {
	Tasks []Task `json:"tasks"`
}

// taskAnswer is Lofty's TaskV2SingleResponse.
type taskAnswer struct {
	Task *Task `json:"task"`
}

// identified: one task is known by its id.
func (t *taskAnswer) identified() bool { return t.Task != nil && t.Task.ID != 0 }

// TaskRequest is Lofty's TaskRequestV2 (create) and, with the create-only
// fields left out, UpdateTaskRequestV2.
type TaskRequest struct {
	Content      string `json:"content,omitempty"`
	LeadID       int64  `json:"leadId,omitempty"`
	Type         string `json:"type,omitempty"`
	AssignedRole string `json:"assignedRole,omitempty"`
	StartAt      string `json:"startAt,omitempty"` // RFC 3339 with an offset
	EndAt        string `json:"endAt,omitempty"`
	TimeZoneCode string `json:"timeZoneCode,omitempty"`
	Address      string `json:"address,omitempty"`
}

// taskUpdate is Lofty's UpdateTaskRequestV2.
type taskUpdate struct {
	Content      string `json:"content,omitempty"`
	StartAt      string `json:"startAt,omitempty"`
	EndAt        string `json:"endAt,omitempty"`
	TimeZoneCode string `json:"timeZoneCode,omitempty"`
	Address      string `json:"address,omitempty"`
}

// TaskID is Lofty's TaskV2IdResponse: the new task's id.
type TaskID struct {
	TaskID int64 `json:"taskId"`
}

// Appointment is Lofty's Appointment (V1): a meeting with a lead. Its
// deadline is when it starts.
type Appointment struct {
	ID         int64  `json:"id"`
	Descr      string `json:"descr,omitempty"`
	Address    string `json:"address,omitempty"`
	Deadline   Time   `json:"deadline,omitempty"`
	EndTime    Time   `json:"endTime,omitempty"`
	AllDay     bool   `json:"allDay,omitempty"`
	FinishFlag bool   `json:"finishFlag,omitempty"`
	DeleteFlag bool   `json:"deleteFlag,omitempty"`
	Overdue    bool   `json:"overdue,omitempty"`
	LeadID     int64  `json:"leadId,omitempty"`
	AssignTo   int64  `json:"assignToUid,omitempty"`
}

// TaskReminder is Lofty's SendTaskReminderPushRequest.
type TaskReminder struct {
	TaskID int64  `json:"taskId"`
	Type   string `json:"type"` // TASK or APPOINTMENT
}

// Ack is Lofty's MessageResponse (and CalendarMessageResponseEnvelope):
// what a write that creates nothing answers.
type Ack struct {
	Message string `json:"message,omitempty"`
}

var (
	myTasks      = get[TaskList]("/v2.0/tasks/my-tasks")
	leadTasks    = get[TaskList]("/v2.0/tasks")
	oneTask      = get[taskAnswer]("/v2.0/tasks/{taskId}")
	createTask   = post[TaskRequest, TaskID]("/v2.0/tasks")
	updateTask   = put[taskUpdate, Ack]("/v2.0/tasks/{taskId}")
	deleteTask   = del[Ack]("/v2.0/tasks/{taskId}")
	finishTask   = post[NoBody, Ack]("/v2.0/tasks/{taskId}/finish")
	unfinishTask = post[NoBody, Ack]("/v2.0/tasks/{taskId}/unfinish")
	leadAppts    = get[[]Appointment]("/v1.0/appts")
	sendTaskPush = post[TaskReminder, Ack]("/v2.0/sales-agent/notification/app-push/send-task-reminder")
)

// MaxTasksPage is the most tasks one page of MyTasks holds.
const MaxTasksPage = 100

func idPath(id int64) []string { return []string{strconv.FormatInt(id, 10)} }

func leadQuery(id int64) url.Values { return url.Values{"leadId": {strconv.FormatInt(id, 10)}} }

// MyTasks returns one page of the tasks assigned to the caller (GET
// /v2.0/tasks/my-tasks), newest start first: up to limit (1-100) after
// the task whose id is after (0: from the start), times in zone (an IANA
// name; "": the person's zone in Lofty).
func (c *Client) MyTasks(ctx context.Context, after int64, limit int, zone string) (TaskList, error) {
	q := url.Values{"limit": {strconv.Itoa(min(max(limit, 1), MaxTasksPage))}}
	if after > 0 {
		q.Set("currentId", strconv.FormatInt(after, 10))
	}
	if zone != "" {
		q.Set("timeZoneCode", zone)
	}
	return myTasks.Call(ctx, c, Params{Query: q}, NoBody{})
}

// LeadTasks returns the tasks and appointments of lead leadID (GET
// /v2.0/tasks).
func (c *Client) LeadTasks(ctx context.Context, leadID int64) (TaskList, error) {
	return leadTasks.Call(ctx, c, Params{Query: leadQuery(leadID)}, NoBody{})
}

// LeadAppointments returns the appointments of lead leadID (GET
// /v1.0/appts).
func (c *Client) LeadAppointments(ctx context.Context, leadID int64) ([]Appointment, error) {
	return leadAppts.Call(ctx, c, Params{Query: leadQuery(leadID)}, NoBody{})
}

// Task returns task (or appointment) taskID (GET /v2.0/tasks/{taskId}); a
// task that does not exist is a KindNotFound error.
func (c *Client) Task(ctx context.Context, taskID int64) (Task, error) {
	out, err := oneTask.Call(ctx, c, Params{Path: idPath(taskID)}, NoBody{})
	if err != nil || out.Task == nil {
		return Task{}, err
	}
	return *out.Task, nil
}

// CreateTask creates a task or an appointment (POST /v2.0/tasks) and
// returns its id.
func (c *Client) CreateTask(ctx context.Context, t TaskRequest) (int64, error) {
	out, err := createTask.Call(ctx, c, Params{}, t)
	return out.TaskID, err
}

// UpdateTask changes the fields of t that are set (content, times,
// address) of task taskID (PUT /v2.0/tasks/{taskId}).
func (c *Client) UpdateTask(ctx context.Context, taskID int64, t TaskRequest) (Ack, error) {
	return updateTask.Call(ctx, c, Params{Path: idPath(taskID)}, taskUpdate{Content: t.Content,
		StartAt: t.StartAt, EndAt: t.EndAt, TimeZoneCode: t.TimeZoneCode, Address: t.Address})
}

// FinishTask marks task taskID done, or (done false) not done (POST
// /v2.0/tasks/{taskId}/finish or /unfinish).
func (c *Client) FinishTask(ctx context.Context, taskID int64, done bool) (Ack, error) {
	e := finishTask
	if !done {
		e = unfinishTask
	}
	return e.Call(ctx, c, Params{Path: idPath(taskID)}, NoBody{})
}

// DeleteTask deletes task taskID (DELETE /v2.0/tasks/{taskId}).
func (c *Client) DeleteTask(ctx context.Context, taskID int64) (Ack, error) {
	return deleteTask.Call(ctx, c, Params{Path: idPath(taskID)}, NoBody{})
}

// SendTaskReminder pushes a reminder of task (or appointment) taskID to the
// app of the agent it is assigned to (POST
// /v2.0/sales-agent/notification/app-push/send-task-reminder).
func (c *Client) SendTaskReminder(ctx context.Context, taskID int64, appointment bool) (Ack, error) {
	kind := "TASK"
	if appointment {
		kind = "APPOINTMENT"
	}
	return sendTaskPush.Call(ctx, c, Params{}, TaskReminder{TaskID: taskID, Type: kind})
}
