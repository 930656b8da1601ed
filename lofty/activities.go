package lofty

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
)

// A lead's activities: the calls, texts, emails and logged contacts of
// Lead Activity V2, what the lead did on the website (Leads' V1
// activities), and Lofty's own log of the lead (Lead System Logs).

// Activity is Lofty's ActivityItem (Lead Activity V2). Its ID is a
// timeline id, as the Communication V2 reads and the manual log
// operations take.
type Activity struct {
	ID                int64  `json:"id"`
	LeadID            int64  `json:"leadId,omitempty"`
	AgentID           int64  `json:"agentId,omitempty"`
	ActivityTime      Time   `json:"activityTime,omitempty"`
	Channel           string `json:"channel,omitempty"`           // Call, Text, Email
	CommunicationType string `json:"communicationType,omitempty"` // Auto, Manual, Logged
	Direction         string `json:"direction,omitempty"`         // Inbound, Outbound
	CallingOutcome    string `json:"callingOutcome,omitempty"`
	LeadPhoneNumber   string `json:"leadPhoneNumber,omitempty"`
	EmailEventType    string `json:"emailEventType,omitempty"`
	EmailSubject      string `json:"emailSubject,omitempty"`
	Note              string `json:"note,omitempty"` // a logged entry's text
}

// ActivityList is Lofty's ActivityListResponse.
type ActivityList struct {
	Activities []Activity `json:"activities"`
}

// SiteActivity is Lofty's LeadActivity: something the lead did on the
// website (a search, a listing viewed or saved, a form sent). Created is
// epoch milliseconds.
type SiteActivity struct {
	Type          string        `json:"type"`
	Text          string        `json:"text,omitempty"`
	Link          string        `json:"link,omitempty"`
	Picture       string        `json:"picture,omitempty"`
	Listing       *LeadProperty `json:"listing,omitempty"`
	Created       int64         `json:"created,omitempty"`
	ScheduledDate Time          `json:"scheduledDate,omitempty"`
	PageName      string        `json:"pageName,omitempty"`
}

// NewSiteActivity is Lofty's LeadActivity as a request: type, text, link,
// picture and created are required.
type NewSiteActivity struct {
	Type     string `json:"type"` // Search, Browse, Favorite, Request, Submission
	Text     string `json:"text"`
	Link     string `json:"link"`
	Picture  string `json:"picture"`
	Created  int64  `json:"created"` // epoch milliseconds
	PageName string `json:"pageName,omitempty"`
}

// SystemLog is Lofty's SystemLogResponse: a change Lofty logged (a stage
// change, an assignment, a tag, ...). Content's shape depends on the type.
type SystemLog struct {
	ID               string          `json:"id,omitempty"`
	LeadID           int64           `json:"leadId,omitempty"`
	AgentID          int64           `json:"agentId,omitempty"`
	TimelineType     int32           `json:"timelineType,omitempty"`
	TimelineTypeDesc string          `json:"timelineTypeDesc,omitempty"`
	TimelineTime     Time            `json:"timelineTime,omitempty"`
	FromID           int64           `json:"fromId,omitempty"`
	FromType         int32           `json:"fromType,omitempty"` // 1 agent, 2 lead, ...
	FromFirstName    string          `json:"fromFirstName,omitempty"`
	FromLastName     string          `json:"fromLastName,omitempty"`
	Content          json.RawMessage `json:"content,omitempty"`
}

// SystemLogPage is Lofty's SystemLogPageResponse, newest first.
type SystemLogPage struct {
	HasMore   int32       `json:"hasMore,omitempty"` // 1: more pages
	TimeLines []SystemLog `json:"timeLines"`
}

var (
	activitiesV2   = get[ActivityList]("/v2.0/leads/{leadId}/activities")
	siteActivities = get[[]SiteActivity]("/v1.0/leads/{leadId}/activities")
	activityAdd    = post[NewSiteActivity, LeadIDAnswer]("/v1.0/leads/{leadId}/activity")
	systemLogsList = get[SystemLogPage]("/v1.0/systemLogs")
)

// MaxActivities is the most a page of Lead Activity V2 holds.
const MaxActivities = 1000

// LeadActivities returns up to limit of a lead's calls, texts, emails and
// logged contacts (GET /v2.0/leads/{leadId}/activities), from offset, in
// the order Lofty sends them (its document says oldest first). zone, an
// IANA name, is the zone of their times ("": the person's).
func (c *Client) LeadActivities(ctx context.Context, leadID int64, offset int64, limit int, zone string) ([]Activity, error) {
	v := url.Values{}
	if offset > 0 {
		v.Set("offset", strconv.FormatInt(offset, 10))
	}
	if limit > 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
	if zone != "" {
		v.Set("timeZoneCode", zone)
	}
	a, err := activitiesV2.Call(ctx, c, Params{Path: []string{strconv.FormatInt(leadID, 10)}, Query: v}, NoBody{})
	return a.Activities, err
}

// LeadSiteActivities returns page curPage (from 0) of what a lead did on
// the website, newest first (GET /v1.0/leads/{leadId}/activities).
func (c *Client) LeadSiteActivities(ctx context.Context, leadID int64, curPage int) ([]SiteActivity, error) {
	var v url.Values
	if curPage > 0 {
		v = url.Values{"curPage": {strconv.Itoa(curPage)}}
	}
	return siteActivities.Call(ctx, c, Params{Path: []string{strconv.FormatInt(leadID, 10)}, Query: v}, NoBody{})
}

// AddSiteActivity records something the lead did on the website (POST
// /v1.0/leads/{leadId}/activity).
func (c *Client) AddSiteActivity(ctx context.Context, leadID int64, a NewSiteActivity) (LeadIDAnswer, error) {
	return activityAdd.Call(ctx, c, Params{Path: []string{strconv.FormatInt(leadID, 10)}}, a)
}

// SystemLogQuery pages a lead's system log between Start and End (epoch
// milliseconds; 0: open).
type SystemLogQuery struct {
	LeadID     int64
	Start, End int64
	Page, Size int // Size: Lofty's default 100 when 0
}

// SystemLogs returns a page of a lead's system log, newest first (GET
// /v1.0/systemLogs).
func (c *Client) SystemLogs(ctx context.Context, q SystemLogQuery) (SystemLogPage, error) {
	v := url.Values{"leadId": {strconv.FormatInt(q.LeadID, 10)}}
	if q.Start > 0 {
		v.Set("startTime", strconv.FormatInt(q.Start, 10))
	}
	if q.End > 0 {
		v.Set("endTime", strconv.FormatInt(q.End, 10))
	}
	if q.Page > 0 {
		v.Set("pageNumber", strconv.Itoa(q.Page))
	}
	if q.Size > 0 {
		v.Set("pageSize", strconv.Itoa(q.Size))
	}
	return systemLogsList.Call(ctx, c, Params{Query: v}, NoBody{})
}
