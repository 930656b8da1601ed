package lofty

import (
	"context"
	"net/url"
	"strconv"
)

// Lead Manual Log: calls, emails and texts a person logged by hand.

// Manual log types (LogTypeRequest.logType).
const (
	LogCall  = "logCall"
	LogEmail = "logEmail"
	LogText  = "logText"
)

// ManualLogTypes are the channels a manual log is of.
var ManualLogTypes = []string{LogCall, LogEmail, LogText}

// ManualLog is Lofty's LogTypeResponse. Its ID is a timeline id.
type ManualLog struct {
	ID                int64  `json:"id"`
	LeadID            int64  `json:"leadId,omitempty"`
	LeadPhoneNumber   string `json:"leadPhoneNumber,omitempty"`
	CallingOutcome    string `json:"callingOutcome,omitempty"`
	Content           string `json:"content,omitempty"`
	CreateTime        Time   `json:"createTime,omitempty"`
	OutboundOrInbound string `json:"outboundOrInbound,omitempty"` // outbound, inbound
	IsPin             bool   `json:"isPin,omitempty"`
	AgentID           int64  `json:"agentId,omitempty"`
	EmailSubject      string `json:"emailSubject,omitempty"`
	ToEmail           string `json:"toEmail,omitempty"`
	FromEmail         string `json:"fromEmail,omitempty"`
}

// ManualLogList is Lofty's LogTypeListResponse.
type ManualLogList struct {
	LogType []ManualLog `json:"logType"`
}

// ManualLogAnswer is Lofty's LogTypeSingleResponse.
type ManualLogAnswer struct {
	LogType ManualLog `json:"logType"`
}

// manualLogRead is a LogTypeSingleResponse that must name its entry.
type manualLogRead ManualLogAnswer

func (a *manualLogRead) identified() bool { return a.LogType.ID != 0 }

// ManualLogRequest is Lofty's LogTypeRequest. LeadPhoneNumber is required
// for a logged call.
type ManualLogRequest struct {
	LeadID            int64  `json:"leadId"`
	LogType           string `json:"logType"`
	LeadPhoneNumber   string `json:"leadPhoneNumber,omitempty"`
	CallingOutcome    string `json:"callingOutcome,omitempty"`
	Content           string `json:"content"`
	OutboundOrInbound string `json:"outboundOrInbound,omitempty"`
	IsPin             bool   `json:"isPin,omitempty"`
	EmailSubject      string `json:"emailSubject,omitempty"`
	ToEmail           string `json:"toEmail,omitempty"`
	FromEmail         string `json:"fromEmail,omitempty"`
}

// MaxManualLogLength is the content Lofty keeps, in characters.
const MaxManualLogLength = 5000

var (
	manualLogsList   = get[ManualLogList]("/v1.0/logType")
	manualLogAdd     = post[ManualLogRequest, ManualLogAnswer]("/v1.0/logType")
	manualLogGet     = get[manualLogRead]("/v1.0/logType/{logTypeId}")
	manualLogDeleted = del[NoBody]("/v1.0/logType/{logTypeId}")
)

// ManualLogQuery pages a lead's manual logs of one type, newest first.
type ManualLogQuery struct {
	LeadID    int64
	LogType   string // logCall, logEmail, logText
	Limit     int    // 1-1000; Lofty's default 10 when 0
	CurrentID int64  // the last entry of the previous page (cursor mode)
}

// ManualLogs returns a page of lead's manual logs of one type, newest
// first (GET /v1.0/logType).
func (c *Client) ManualLogs(ctx context.Context, q ManualLogQuery) (ManualLogList, error) {
	v := url.Values{"leadId": {strconv.FormatInt(q.LeadID, 10)}, "logType": {q.LogType}, "order": {"desc"}}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.CurrentID > 0 {
		v.Set("currentId", strconv.FormatInt(q.CurrentID, 10))
	}
	return manualLogsList.Call(ctx, c, Params{Query: v}, NoBody{})
}

// AddManualLog logs a call, email or text by hand (POST /v1.0/logType).
// Lofty stores it asynchronously: reading it back may briefly be "not found".
func (c *Client) AddManualLog(ctx context.Context, r ManualLogRequest) (ManualLog, error) {
	a, err := manualLogAdd.Call(ctx, c, Params{}, r)
	return a.LogType, err
}

// ManualLog returns manual log id (GET /v1.0/logType/{logTypeId}).
func (c *Client) ManualLog(ctx context.Context, id int64) (ManualLog, error) {
	a, err := manualLogGet.Call(ctx, c, idParam(id), NoBody{})
	return a.LogType, err
}

// DeleteManualLog deletes manual log id (DELETE /v1.0/logType/{logTypeId}).
func (c *Client) DeleteManualLog(ctx context.Context, id int64) error {
	_, err := manualLogDeleted.Call(ctx, c, idParam(id), NoBody{})
	return err
}
