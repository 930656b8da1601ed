package lofty

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
)

// Communication, Communication V2 and Calls: a lead's calls, texts and
// emails, one of them by id, a call's recording, and what a member sent
// and received in a time window.

// Call is Lofty's CallResponse: a phone call with a lead.
type Call struct {
	ID                 int64   `json:"id"`
	DialerCallRecordID int64   `json:"dialerCallRecordId,omitempty"`
	UserID             int64   `json:"userId,omitempty"`
	UserPhoneNumber    string  `json:"userPhoneNumber,omitempty"`
	LeadID             int64   `json:"leadId,omitempty"`
	LeadPhoneNumber    string  `json:"leadPhoneNumber,omitempty"`
	Direction          string  `json:"direction,omitempty"` // Outbound, Inbound
	Status             string  `json:"status,omitempty"`    // Completed, Missed, Failed, Busy, NoAnswer, VoiceMail
	StartTime          Time    `json:"startTime,omitempty"`
	EndTime            Time    `json:"endTime,omitempty"`
	Duration           int32   `json:"duration,omitempty"` // seconds
	CallingOutcome     string  `json:"callingOutcome,omitempty"`
	RecordingSwitch    bool    `json:"recordingSwitch,omitempty"`
	CreateTime         Time    `json:"createTime,omitempty"`
	Note               string  `json:"note,omitempty"`
	IsMachineAnswered  bool    `json:"isMachineAnswered,omitempty"`
	Price              float64 `json:"price,omitempty"` // USD
	AgentID            int64   `json:"agentId,omitempty"`
}

func (c *Call) identified() bool { return c.ID != 0 }

// CallList is Lofty's CallListResponseV1: a page of a lead's calls. Lofty
// sends its paging as "_metadata", the document "get_metadata"; use Meta.
type CallList struct {
	Metadata    *LeadListMetadata `json:"_metadata,omitempty"`
	DocMetadata *LeadListMetadata `json:"get_metadata,omitempty"`
	Calls       []Call            `json:"calls"`
}

// Meta returns the list's paging information, whichever name it came under.
func (l CallList) Meta() LeadListMetadata {
	return LeadList{Metadata: l.Metadata, DocMetadata: l.DocMetadata}.Meta()
}

// communicationCalls is Lofty's CommunicationCallListResponse.
type communicationCalls struct {
	Calls []Call `json:"calls"`
}

// callAnswer is Lofty's CallDetailResponse.
type callAnswer struct {
	Calls Call `json:"calls"`
}

func (a *callAnswer) identified() bool { return a.Calls.ID != 0 }

// CallRecording is Lofty's CallRecordingUrl: a download link valid for an
// hour, empty when the call was not recorded.
type CallRecording struct {
	ID  int64  `json:"id,omitempty"`
	URL string `json:"url,omitempty"`
}

type callRecordingAnswer struct {
	Calls CallRecording `json:"calls"`
}

// Text is Lofty's TextResponse: a text message with a lead.
type Text struct {
	ID          int64  `json:"id"`
	LeadID      int64  `json:"leadId,omitempty"`
	Direction   string `json:"direction,omitempty"` // Outbound, Inbound
	AgentID     int64  `json:"agentId,omitempty"`
	TextOutcome string `json:"textOutcome,omitempty"` // Delivered, ...
	TextTime    Time   `json:"textTime,omitempty"`
	TextType    string `json:"textType,omitempty"` // Manual, Auto
	TextContent string `json:"textContent,omitempty"`
}

func (t *Text) identified() bool { return t.ID != 0 }

// TextList is Lofty's CommunicationTextListResponse.
type TextList struct {
	Texts []Text `json:"texts"`
}

// Email is Lofty's EmailResponse: an email with a lead (its subject, not
// its body).
type Email struct {
	ID             int64  `json:"id"`
	LeadID         int64  `json:"leadId,omitempty"`
	Direction      string `json:"direction,omitempty"`
	AgentID        int64  `json:"agentId,omitempty"`
	EventType      string `json:"eventType,omitempty"` // Sent, Opened, Bounced
	EmailEventTime Time   `json:"emailEventTime,omitempty"`
	EmailType      string `json:"emailType,omitempty"` // Manual, Auto
	EmailSubject   string `json:"emailSubject,omitempty"`
	FromPond       bool   `json:"fromPond,omitempty"`
}

func (e *Email) identified() bool { return e.ID != 0 }

// EmailList is Lofty's CommunicationEmailListResponse.
type EmailList struct {
	Emails []Email `json:"emails"`
}

// Communication is Lofty's CommunicationResponse: a call, text or email in
// a member's history.
type Communication struct {
	ID                int64  `json:"id"`
	LeadID            int64  `json:"leadId,omitempty"`
	AgentID           int64  `json:"agentId,omitempty"`
	Direction         string `json:"direction,omitempty"`
	CallOutcome       string `json:"callOutcome,omitempty"`
	CallDuration      string `json:"callDuration,omitempty"` // seconds, as text
	Status            string `json:"status,omitempty"`
	CommunicationTime Time   `json:"communicationTime,omitempty"`
	CommunicationType string `json:"communicationType,omitempty"` // AUTO, MANUAL, LOGGED
	EventType         string `json:"eventType,omitempty"`         // Call, Text, Opened Email, Bounced Email, Sent Email
	FromPond          bool   `json:"fromPond,omitempty"`
}

// CommunicationPage is Lofty's CommunicationCursorPage.
type CommunicationPage struct {
	Data       []Communication `json:"data"`
	NextCursor string          `json:"nextCursor,omitempty"`
	HasMore    bool            `json:"hasMore,omitempty"`
	Limit      int32           `json:"limit,omitempty"`
	TotalCount int64           `json:"totalCount,omitempty"`
}

// CommunicationRequest is Lofty's CommunicationRequest (V1 search by
// agent): times in epoch milliseconds, at most 24 hours apart.
type CommunicationRequest struct {
	Type      string `json:"type"` // CALL, TEXT, EMAIL, ALL
	StartTime int64  `json:"startTime"`
	EndTime   int64  `json:"endTime"`
	Offset    int32  `json:"offset,omitempty"`
	Limit     int32  `json:"limit,omitempty"`
	TeamView  bool   `json:"teamView,omitempty"`
}

// CommunicationOffsetPage is Lofty's PageResult of the V1 search by agent.
type CommunicationOffsetPage struct {
	Offset   int32             `json:"offset,omitempty"`
	Limit    int32             `json:"limit,omitempty"`
	PageData []json.RawMessage `json:"pageData"`
	HasMore  bool              `json:"hasMore,omitempty"`
}

// Communications reads the page's items, which the document leaves open
// objects, as the CommunicationResponse objects Lofty sends; an item that
// is not one is skipped.
func (p CommunicationOffsetPage) Communications() []Communication {
	out := make([]Communication, 0, len(p.PageData))
	for _, raw := range p.PageData {
		var c Communication
		if json.Unmarshal(raw, &c) == nil && c.ID != 0 {
			out = append(out, c)
		}
	}
	return out
}

var (
	callsList         = get[CallList]("/v1.0/calls")
	callRead          = get[callAnswer]("/v1.0/calls/{callId}")
	callRecordingRead = get[callRecordingAnswer]("/v1.0/call/url/{callId}")
	callHistoryList   = get[communicationCalls]("/v1.0/communication/call")
	textsList         = get[TextList]("/v1.0/communication/text")
	emailsList        = get[EmailList]("/v1.0/communication/email")
	callByIDV2        = get[Call]("/v2.0/communication/call/{communicationId}")
	textByIDV2        = get[Text]("/v2.0/communication/text/{communicationId}")
	emailByIDV2       = get[Email]("/v2.0/communication/email/{communicationId}")
	agentComms        = get[CommunicationPage]("/v2.0/communication/agent")
	agentCommsV1      = postRead[CommunicationRequest, CommunicationOffsetPage]("/v1.0/agent/communication")
)

// HistoryQuery pages one kind of a lead's history: from Offset, or after
// the entry CurrentID (the last of the previous page) when it is set.
type HistoryQuery struct {
	LeadID    int64
	Limit     int // Lofty's default 10 when 0
	Offset    int64
	CurrentID int64
}

func (q HistoryQuery) values() url.Values {
	v := url.Values{"leadId": {strconv.FormatInt(q.LeadID, 10)}}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Offset > 0 {
		v.Set("offset", strconv.FormatInt(q.Offset, 10))
	}
	if q.CurrentID > 0 {
		v.Set("currentId", strconv.FormatInt(q.CurrentID, 10))
	}
	return v
}

// LeadCalls returns a page of a lead's calls with their total (GET
// /v1.0/calls; CurrentID is not used). Lofty refuses it (400) to a caller
// without manage permission on the lead; LeadCallHistory serves the team.
func (c *Client) LeadCalls(ctx context.Context, q HistoryQuery) (CallList, error) {
	q.CurrentID = 0
	return callsList.Call(ctx, c, Params{Query: q.values()}, NoBody{})
}

// LeadCallHistory returns a page of a lead's calls for any member of the
// lead's team (GET /v1.0/communication/call).
func (c *Client) LeadCallHistory(ctx context.Context, q HistoryQuery) ([]Call, error) {
	a, err := callHistoryList.Call(ctx, c, Params{Query: q.values()}, NoBody{})
	return a.Calls, err
}

// LeadTexts returns a page of a lead's texts (GET /v1.0/communication/text).
func (c *Client) LeadTexts(ctx context.Context, q HistoryQuery) ([]Text, error) {
	a, err := textsList.Call(ctx, c, Params{Query: q.values()}, NoBody{})
	return a.Texts, err
}

// LeadEmails returns a page of a lead's emails (GET /v1.0/communication/email).
func (c *Client) LeadEmails(ctx context.Context, q HistoryQuery) ([]Email, error) {
	a, err := emailsList.Call(ctx, c, Params{Query: q.values()}, NoBody{})
	return a.Emails, err
}

// CallByID returns call id (GET /v1.0/calls/{callId}).
func (c *Client) CallByID(ctx context.Context, id int64) (Call, error) {
	a, err := callRead.Call(ctx, c, idParam(id), NoBody{})
	return a.Calls, err
}

// CallRecordingURL returns a link to call id's recording, valid for an
// hour; "" when it was not recorded (GET /v1.0/call/url/{callId}).
func (c *Client) CallRecordingURL(ctx context.Context, id int64) (string, error) {
	a, err := callRecordingRead.Call(ctx, c, idParam(id), NoBody{})
	return a.Calls.URL, err
}

// CommunicationCall returns the call of timeline entry id, dialer or
// logged (GET /v2.0/communication/call/{communicationId}).
func (c *Client) CommunicationCall(ctx context.Context, id int64) (Call, error) {
	return callByIDV2.Call(ctx, c, idParam(id), NoBody{})
}

// CommunicationText returns text id (GET /v2.0/communication/text/{communicationId}).
func (c *Client) CommunicationText(ctx context.Context, id int64) (Text, error) {
	return textByIDV2.Call(ctx, c, idParam(id), NoBody{})
}

// CommunicationEmail returns email id (GET /v2.0/communication/email/{communicationId}).
func (c *Client) CommunicationEmail(ctx context.Context, id int64) (Email, error) {
	return emailByIDV2.Call(ctx, c, idParam(id), NoBody{})
}

// AgentCommunicationQuery asks for the calls, texts and emails of the
// caller (or, with TeamView, of the team) between Start and End, epoch
// milliseconds.
type AgentCommunicationQuery struct {
	Type       string // CALL, TEXT, EMAIL, ALL
	Start, End int64
	Limit      int
	Cursor     string // V2: the previous page's nextCursor
	Offset     int64  // V1: where the page starts
	TeamView   bool
}

// AgentCommunications returns a cursor page of communications (GET
// /v2.0/communication/agent: a window of up to 90 days).
func (c *Client) AgentCommunications(ctx context.Context, q AgentCommunicationQuery) (CommunicationPage, error) {
	v := url.Values{"startTime": {strconv.FormatInt(q.Start, 10)}, "endTime": {strconv.FormatInt(q.End, 10)}}
	if q.Type != "" {
		v.Set("type", q.Type)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Cursor != "" {
		v.Set("cursor", q.Cursor)
	}
	if q.TeamView {
		v.Set("teamView", "true")
	}
	return agentComms.Call(ctx, c, Params{Query: v}, NoBody{})
}

// AgentCommunicationsV1 returns an offset page of communications (POST
// /v1.0/agent/communication, a read: a window of up to 24 hours).
func (c *Client) AgentCommunicationsV1(ctx context.Context, q AgentCommunicationQuery) (CommunicationOffsetPage, error) {
	typ := q.Type
	if typ == "" {
		typ = "ALL"
	}
	return agentCommsV1.Call(ctx, c, Params{}, CommunicationRequest{Type: typ, StartTime: q.Start, EndTime: q.End,
		Offset: int32(q.Offset), Limit: int32(q.Limit), TeamView: q.TeamView})
}
