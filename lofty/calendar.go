package lofty

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Calendar V2: the caller's tasks and appointments as calendar items, by
// time window; changes to them by calendar id ("<id>-task",
// "<id>-appointment"); and the free meeting slots in a window. Its answers
// are wrapped in {"data": …} without Lofty's code and message, so the
// answer types name "data" themselves.

// CalendarItem is Lofty's CalendarItemV2.
type CalendarItem struct {
	ID           string `json:"id,omitempty"`   // "<taskId>-task" or "<taskId>-appointment"
	Type         string `json:"type,omitempty"` // TASK or APPOINTMENT
	TaskID       int64  `json:"taskId,omitempty"`
	SourceType   int32  `json:"sourceType,omitempty"`
	Content      string `json:"content,omitempty"`
	Title        string `json:"title,omitempty"`
	Finished     bool   `json:"finished,omitempty"`
	StartAt      Time   `json:"startAt,omitempty"`
	EndAt        Time   `json:"endAt,omitempty"`
	StartAtMs    int64  `json:"startAtMs,omitempty"`
	EndAtMs      int64  `json:"endAtMs,omitempty"`
	TimeZoneCode string `json:"timeZoneCode,omitempty"`
	LeadID       int64  `json:"leadId,omitempty"`
}

// Start is when the item starts: its epoch milliseconds when Lofty sent
// them (exact whatever the zone), else its startAt; zero when neither.
func (it CalendarItem) Start() time.Time { return msOrTime(it.StartAtMs, it.StartAt) }

// End is when the item ends, as Start reads it.
func (it CalendarItem) End() time.Time { return msOrTime(it.EndAtMs, it.EndAt) }

// Appointment reports whether the item is an appointment.
func (it CalendarItem) Appointment() bool {
	return strings.EqualFold(it.Type, "APPOINTMENT") || strings.HasSuffix(it.ID, "-appointment")
}

func msOrTime(ms int64, t Time) time.Time {
	if ms > 0 {
		return time.UnixMilli(ms).UTC()
	}
	v, _ := time.Parse(time.RFC3339, string(t))
	return v
}

// CalendarList is Lofty's CalendarListResponseV2: a page of items.
type CalendarList struct {
	Total    int64          `json:"total,omitempty"`
	Page     int32          `json:"page,omitempty"`
	PageSize int32          `json:"pageSize,omitempty"`
	Items    []CalendarItem `json:"items"`
}

type calendarPage struct {
	Data CalendarList `json:"data"`
}

// CalendarQuery asks for the items overlapping a window.
type CalendarQuery struct {
	From, To        time.Time // both set: the window
	Zone            string    // IANA name the answer's times are given in ("": the person's in Lofty)
	LeadID          int64     // 0: every lead
	IncludeFinished bool
	Page            int // from 0
	PageSize        int // at most MaxCalendarPage; 0: Lofty's default (20)
}

// MaxCalendarPage is the most items one calendar page holds.
const MaxCalendarPage = 500

// CalendarRequest is Lofty's CalendarRequestV2: a task (TASK, with a
// taskWay) or an appointment (APPOINTMENT) to create.
type CalendarRequest struct {
	Type         string `json:"type"`
	Content      string `json:"content"`
	LeadID       int64  `json:"leadId"`
	StartAt      string `json:"startAt,omitempty"` // RFC 3339 with an offset
	EndAt        string `json:"endAt,omitempty"`
	TimeZoneCode string `json:"timeZoneCode"`
	TaskWay      string `json:"taskWay,omitempty"`
	AssignedRole string `json:"assignedRole,omitempty"`
	Address      string `json:"address,omitempty"`
}

// CalendarUpdate is Lofty's CalendarUpdateRequestV2: the fields set change.
type CalendarUpdate struct {
	Content      string `json:"content,omitempty"`
	StartAt      string `json:"startAt,omitempty"`
	EndAt        string `json:"endAt,omitempty"`
	TimeZoneCode string `json:"timeZoneCode,omitempty"`
	LeadID       int64  `json:"leadId,omitempty"`
	Address      string `json:"address,omitempty"`
}

// CalendarCreated is Lofty's CalendarCreateResult.
type CalendarCreated struct {
	ID      string `json:"id,omitempty"`
	Type    string `json:"type,omitempty"`
	Message string `json:"message,omitempty"`
}

type calendarCreatedAnswer struct {
	Data CalendarCreated `json:"data"`
}

// MeetingSlot is Lofty's AvailableMeetingSlotV2: a free slot.
type MeetingSlot struct {
	StartTime   Time  `json:"startTime,omitempty"`
	EndTime     Time  `json:"endTime,omitempty"`
	StartTimeMs int64 `json:"startTimeMs,omitempty"`
	EndTimeMs   int64 `json:"endTimeMs,omitempty"`
}

// Start is when the slot starts (see CalendarItem.Start).
func (s MeetingSlot) Start() time.Time { return msOrTime(s.StartTimeMs, s.StartTime) }

// End is when the slot ends.
func (s MeetingSlot) End() time.Time { return msOrTime(s.EndTimeMs, s.EndTime) }

// MeetingSlots is Lofty's AvailableMeetingsResponseV2.
type MeetingSlots struct {
	Total int32         `json:"total,omitempty"`
	Slots []MeetingSlot `json:"slots"`
}

type meetingSlotsAnswer struct {
	Data MeetingSlots `json:"data"`
}

var (
	calendarList     = get[calendarPage]("/v2.0/calendar")
	calendarCreate   = post[CalendarRequest, calendarCreatedAnswer]("/v2.0/calendar")
	calendarUpdate   = put[CalendarUpdate, Ack]("/v2.0/calendar/{calendarId}")
	calendarDelete   = del[Ack]("/v2.0/calendar/{calendarId}")
	calendarFinish   = post[NoBody, Ack]("/v2.0/calendar/{calendarId}/finish")
	calendarUnfinish = post[NoBody, Ack]("/v2.0/calendar/{calendarId}/unfinish")
	meetingSlots     = get[meetingSlotsAnswer]("/v2.0/calendar/meetings/available")
)

// MaxMeetingWindow is the longest window Lofty looks for free slots in.
const MaxMeetingWindow = 90 * 24 * time.Hour

// Calendar returns a page of the caller's calendar items overlapping the
// window, earliest first (GET /v2.0/calendar).
func (c *Client) Calendar(ctx context.Context, q CalendarQuery) (CalendarList, error) {
	v := url.Values{"desc": {"false"}, "sort": {"startTime"}}
	v.Set("startTime", q.From.Format(time.RFC3339))
	v.Set("endTime", q.To.Format(time.RFC3339))
	if q.Zone != "" {
		v.Set("timeZoneCode", q.Zone)
	}
	if q.LeadID != 0 {
		v.Set("leadId", strconv.FormatInt(q.LeadID, 10))
	}
	v.Set("includeFinished", strconv.FormatBool(q.IncludeFinished))
	if q.Page > 0 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if q.PageSize > 0 {
		v.Set("pageSize", strconv.Itoa(min(q.PageSize, MaxCalendarPage)))
	}
	out, err := calendarList.Call(ctx, c, Params{Query: v}, NoBody{})
	return out.Data, err
}

// CreateCalendarItem creates a task or an appointment through the
// calendar (POST /v2.0/calendar) and returns its calendar id.
func (c *Client) CreateCalendarItem(ctx context.Context, r CalendarRequest) (CalendarCreated, error) {
	out, err := calendarCreate.Call(ctx, c, Params{}, r)
	return out.Data, err
}

// UpdateCalendarItem changes the fields of u that are set of calendar item
// id (PUT /v2.0/calendar/{calendarId}).
func (c *Client) UpdateCalendarItem(ctx context.Context, id string, u CalendarUpdate) (Ack, error) {
	return calendarUpdate.Call(ctx, c, Params{Path: []string{id}}, u)
}

// FinishCalendarItem marks calendar item id done, or (done false) not done
// (POST /v2.0/calendar/{calendarId}/finish or /unfinish).
func (c *Client) FinishCalendarItem(ctx context.Context, id string, done bool) (Ack, error) {
	e := calendarFinish
	if !done {
		e = calendarUnfinish
	}
	return e.Call(ctx, c, Params{Path: []string{id}}, NoBody{})
}

// DeleteCalendarItem deletes calendar item id (DELETE /v2.0/calendar/{calendarId}).
func (c *Client) DeleteCalendarItem(ctx context.Context, id string) (Ack, error) {
	return calendarDelete.Call(ctx, c, Params{Path: []string{id}}, NoBody{})
}

// FreeMeetingSlots returns up to limit free meeting slots between from and
// to (later than now, at most MaxMeetingWindow apart), earliest first, in
// zone (GET /v2.0/calendar/meetings/available).
func (c *Client) FreeMeetingSlots(ctx context.Context, from, to time.Time, zone string, limit int) (MeetingSlots, error) {
	v := url.Values{"startTime": {from.Format(time.RFC3339)}, "endTime": {to.Format(time.RFC3339)}}
	if zone != "" {
		v.Set("timeZoneCode", zone)
	}
	if limit > 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
	out, err := meetingSlots.Call(ctx, c, Params{Query: v}, NoBody{})
	return out.Data, err
}

// CalendarID is the calendar id of task (or appointment) taskID.
func CalendarID(taskID int64, appointment bool) string {
	if appointment {
		return strconv.FormatInt(taskID, 10) + "-appointment"
	}
	return strconv.FormatInt(taskID, 10) + "-task"
}
