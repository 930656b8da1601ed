package lofty

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Lofty's own AI (Intelligent Features): a call script for a lead's task,
// an insight before an appointment, a call's summary (generated from its
// recording, then read), and lead-analysis tasks. A call script and an
// insight are made while the request waits, which may take long (see
// Operation.Slow); a call summary and a lead analysis are made afterwards,
// and a summary's status says when it is ready.

// CallScript is Lofty's CallScriptResponse: what to say on a call.
type CallScript struct {
	Context             string         `json:"context,omitempty"`
	ObjectiveSuggestion []string       `json:"objectiveSuggestion,omitempty"`
	KeyTalkingPoints    []TalkingPoint `json:"keyTalkingPoints,omitempty"`
}

// identified: a script says something.
func (s *CallScript) identified() bool {
	return s.Context != "" || len(s.ObjectiveSuggestion) > 0 || len(s.KeyTalkingPoints) > 0
}

// TalkingPoint is Lofty's KeyTalkingPoint: a heading and its points.
type TalkingPoint struct {
	Title string   `json:"title,omitempty"`
	Value []string `json:"value,omitempty"`
}

// callScriptRequest is Lofty's GenerateCallScriptRequest.
type callScriptRequest struct {
	LeadID int64 `json:"leadId"`
	TaskID int64 `json:"taskId"`
}

// insightRequest is Lofty's GeneratePrepareInsightRequest.
type insightRequest struct {
	LeadID        int64 `json:"leadId"`
	AppointmentID int64 `json:"appointmentId"`
}

// callSummaryRequest is Lofty's GenerateCallSummaryRequest.
type callSummaryRequest struct {
	CallRecordID int64 `json:"callRecordId"`
	LeadID       int64 `json:"leadId"`
}

// leadAnalysisRequest is Lofty's CreateLeadAnalysisRequest.
type leadAnalysisRequest struct {
	LeadIDs []int64 `json:"leadIds"`
}

// commonAnswer is Lofty's ApiCommonResponse, whose data the document
// leaves free-form. A code other than 0 is a failure, even with HTTP 200.
type commonAnswer struct {
	Code    *int32          `json:"code,omitempty"`
	Message string          `json:"message,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// data returns the answer's data, or the failure it reports.
func (a commonAnswer) data(method, path string) (json.RawMessage, error) {
	if a.Code != nil && *a.Code != 0 {
		return nil, &Error{Kind: KindNotDone, Method: method, Status: http.StatusOK, Path: path,
			Code: strconv.Itoa(int(*a.Code)), Message: strings.TrimSpace(a.Message)}
	}
	return bytes.TrimSpace(a.Data), nil
}

// messageAnswer is Lofty's MessageResponse.
type messageAnswer struct {
	Message string `json:"message,omitempty"`
}

// CallSummary is Lofty's RecordingSummary: a call's summary, transcript
// and keywords, once Status is SummaryFinished.
type CallSummary struct {
	ID          int64            `json:"id,omitempty"`
	RecordingID int64            `json:"recordingId,omitempty"`
	Status      *int32           `json:"status,omitempty"`
	UserID      int64            `json:"userId,omitempty"`
	Text        string           `json:"text,omitempty"`
	Summary     string           `json:"summary,omitempty"`
	Keywords    []SummaryKeyword `json:"keywords,omitempty"`
	Score       *int32           `json:"score,omitempty"`
	Comment     string           `json:"comment,omitempty"`
}

// A call summary's Status.
const (
	SummaryPending    = 0
	SummaryProcessing = 1
	SummaryFinished   = 2
	SummaryFailed     = 3
)

// SummaryKeyword is Lofty's Keyword: something the call mentioned
// (leadName, propertyPrice, apptTime, ...).
type SummaryKeyword struct {
	Content string `json:"content,omitempty"`
	Type    string `json:"type,omitempty"`
}

// callSummaryAnswer is Lofty's CallSummaryResponse.
type callSummaryAnswer struct {
	Status *summaryStatus `json:"status,omitempty"`
	Data   *CallSummary   `json:"data,omitempty"`
}

// summaryStatus is Lofty's Status: 0 is success.
type summaryStatus struct {
	Code int32  `json:"code,omitempty"`
	Msg  string `json:"msg,omitempty"`
}

var (
	callScript          = postGenerate[callScriptRequest, CallScript]("/v2.0/ai/call-script")
	prepareInsight      = postGenerate[insightRequest, commonAnswer]("/v2.0/ai/prepare-insight")
	generateCallSummary = post[callSummaryRequest, messageAnswer]("/v2.0/ai/call-summary/generate")
	getCallSummary      = get[callSummaryAnswer]("/v2.0/ai/call-summary")
	createLeadAnalysis  = post[leadAnalysisRequest, commonAnswer]("/v2.0/ai/lead-analysis")
	listLeadAnalysis    = get[commonAnswer]("/v2.0/ai/lead-analysis")
)

// CallScript has Lofty's AI write a call script for a lead and one of its
// tasks (POST /v2.0/ai/call-script). It stores nothing in Lofty, so it is
// sent as a read: cached, retried; it may take until the call's deadline.
func (c *Client) CallScript(ctx context.Context, leadID, taskID int64) (CallScript, error) {
	return callScript.Call(ctx, c, Params{}, callScriptRequest{LeadID: leadID, TaskID: taskID})
}

// PrepareInsight has Lofty's AI prepare for an appointment with a lead
// (POST /v2.0/ai/prepare-insight) and returns the answer's data, which
// Lofty does not describe: read it with ReadAIText. Like CallScript it is
// sent as a read.
func (c *Client) PrepareInsight(ctx context.Context, leadID, appointmentID int64) (json.RawMessage, error) {
	a, err := prepareInsight.Call(ctx, c, Params{}, insightRequest{LeadID: leadID, AppointmentID: appointmentID})
	if err != nil {
		return nil, err
	}
	return a.data(http.MethodPost, prepareInsight.Path)
}

// GenerateCallSummary asks Lofty's AI to summarise the recording of call
// callRecordID with lead leadID (POST /v2.0/ai/call-summary/generate). The
// summary is made afterwards and stored in Lofty: CallSummary reads it.
// It returns Lofty's message.
func (c *Client) GenerateCallSummary(ctx context.Context, leadID, callRecordID int64) (string, error) {
	a, err := generateCallSummary.Call(ctx, c, Params{}, callSummaryRequest{CallRecordID: callRecordID, LeadID: leadID})
	return a.Message, err
}

// CallSummary reads the summary of call callRecordID (GET
// /v2.0/ai/call-summary); ok is false when Lofty has none. Read it with a
// Fresh context while waiting for a summary to be made.
func (c *Client) CallSummary(ctx context.Context, callRecordID int64) (s CallSummary, ok bool, err error) {
	q := url.Values{"callRecordId": {strconv.FormatInt(callRecordID, 10)}}
	a, err := getCallSummary.Call(ctx, c, Params{Query: q}, NoBody{})
	if err != nil {
		return CallSummary{}, false, err
	}
	if a.Status != nil && a.Status.Code != 0 && a.Data == nil {
		return CallSummary{}, false, &Error{Kind: KindNotDone, Method: http.MethodGet, Status: http.StatusOK,
			Path: getCallSummary.Path, Code: strconv.Itoa(int(a.Status.Code)), Message: strings.TrimSpace(a.Status.Msg)}
	}
	if a.Data == nil || a.Data.Status == nil {
		return CallSummary{}, false, nil
	}
	return *a.Data, true, nil
}

// AnalysisTask is a lead-analysis task. Lofty's document leaves its
// answers free-form; the fields are read from the names Lofty's task
// answers use (id or taskId, status or taskStatus, ...).
type AnalysisTask struct {
	ID        int64   `json:"id,omitempty"`
	TaskID    int64   `json:"taskId,omitempty"`
	Status    string  `json:"status,omitempty"`
	LeadIDs   []int64 `json:"leadIds,omitempty"`
	LeadCount int64   `json:"leadCount,omitempty"`
	Created   Time    `json:"createTime,omitempty"`
	Updated   Time    `json:"updateTime,omitempty"`
}

// Key is the task's id, whichever name it came under.
func (t AnalysisTask) Key() int64 {
	if t.TaskID != 0 {
		return t.TaskID
	}
	return t.ID
}

// AnalysisTasks is a page of lead-analysis tasks.
type AnalysisTasks struct {
	Tasks []AnalysisTask
	Total *int64
}

// CreateLeadAnalysis starts an AI analysis of leads (POST
// /v2.0/ai/lead-analysis), which Lofty runs afterwards, and returns the
// task as Lofty describes it (its id when Lofty gives one).
func (c *Client) CreateLeadAnalysis(ctx context.Context, leadIDs []int64) (AnalysisTask, error) {
	a, err := createLeadAnalysis.Call(ctx, c, Params{}, leadAnalysisRequest{LeadIDs: leadIDs})
	if err != nil {
		return AnalysisTask{}, err
	}
	data, err := a.data(http.MethodPost, createLeadAnalysis.Path)
	if err != nil || len(data) == 0 || string(data) == "null" {
		return AnalysisTask{}, err
	}
	var t AnalysisTask
	if n, perr := strconv.ParseInt(strings.Trim(string(data), `"`), 10, 64); perr == nil {
		t.TaskID = n // the data is the task's id itself
		return t, nil
	}
	err = c.decodeBody(ctx, http.MethodPost, createLeadAnalysis.Path, createLeadAnalysis.Path, http.StatusOK, data, &t, MaxListItems)
	return t, err
}

// LeadAnalyses returns a page (from 1) of the current user's lead-analysis
// tasks of the last three months that are neither finished nor cancelled
// (GET /v2.0/ai/lead-analysis).
func (c *Client) LeadAnalyses(ctx context.Context, pageNum, pageSize int) (AnalysisTasks, error) {
	q := url.Values{}
	if pageNum > 0 {
		q.Set("pageNum", strconv.Itoa(pageNum))
	}
	if pageSize > 0 {
		q.Set("pageSize", strconv.Itoa(pageSize))
	}
	a, err := listLeadAnalysis.Call(ctx, c, Params{Query: q}, NoBody{})
	if err != nil {
		return AnalysisTasks{}, err
	}
	data, err := a.data(http.MethodGet, listLeadAnalysis.Path)
	if err != nil {
		return AnalysisTasks{}, err
	}
	var out AnalysisTasks
	items := data
	if len(data) > 0 && data[0] == '{' {
		var page struct {
			Total *int64 `json:"total,omitempty"`
		}
		_ = json.Unmarshal(data, &page)
		out.Total = page.Total
		items = itemsArray(data)
	}
	if len(items) == 0 || items[0] != '[' {
		out.Tasks = []AnalysisTask{}
		return out, nil
	}
	err = c.decodeBody(ctx, http.MethodGet, listLeadAnalysis.Path, listLeadAnalysis.Path, http.StatusOK, items, &out.Tasks, MaxListItems)
	return out, err
}

// AIText is the free-form data of an AI answer (PrepareInsight), read as
// text and headed lists of points.
type AIText struct {
	Text     string         // the main text, if any
	Sections []TalkingPoint // lists of points under their headings
	// TaskID and Status are set when Lofty answered with a task still
	// being worked on rather than a result.
	TaskID int64
	Status string
}

// textKeys are the members an AI answer's main text is read from, in order.
var textKeys = []string{"insight", "summary", "content", "text", "result", "context"}

// ReadAIText reads an AI answer's free-form data: a string is the text;
// in an object, the first of textKeys that holds text is the text, each
// member holding a list of strings (or one other string) is a section
// headed by its name, and a taskId (or id) with a status that is not
// finished marks a task still being worked on.
func ReadAIText(data json.RawMessage) AIText {
	var out AIText
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return out
	}
	var s string
	if json.Unmarshal(data, &s) == nil {
		out.Text = s
		return out
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(data, &members) != nil {
		return out
	}
	for _, k := range textKeys {
		if json.Unmarshal(members[k], &s) == nil && strings.TrimSpace(s) != "" {
			out.Text = s
			delete(members, k)
			break
		}
	}
	var status string
	_ = json.Unmarshal(members["status"], &status)
	for _, k := range []string{"taskId", "id"} {
		var n json.Number
		if json.Unmarshal(members[k], &n) == nil {
			if id, err := n.Int64(); err == nil && out.Text == "" && status != "" && !finished(status) {
				out.TaskID, out.Status = id, status
			}
		}
	}
	for _, k := range memberOrder(data) {
		if _, left := members[k]; !left {
			continue
		}
		var list []string
		if json.Unmarshal(members[k], &list) == nil && len(list) > 0 {
			out.Sections = append(out.Sections, TalkingPoint{Title: k, Value: list})
			continue
		}
		if k != "status" && json.Unmarshal(members[k], &s) == nil && strings.TrimSpace(s) != "" {
			out.Sections = append(out.Sections, TalkingPoint{Title: k, Value: []string{s}})
		}
	}
	return out
}

// finished reports whether a task status means its result is there.
func finished(status string) bool {
	switch strings.ToUpper(strings.TrimSpace(status)) {
	case "FINISHED", "FINISH", "DONE", "SUCCESS", "SUCCEEDED", "COMPLETED", "COMPLETE", "2":
		return true
	}
	return false
}

// memberOrder returns the member names of a JSON object in the order sent.
func memberOrder(obj json.RawMessage) []string {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var names []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return names
		}
		name, _ := t.(string)
		names = append(names, name)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return names
		}
	}
	return names
}
