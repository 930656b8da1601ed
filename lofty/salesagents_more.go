package lofty

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// Sales Agents V2 endpoints (besides SalesAgentPath).
const (
	CurrentSalesAgentPath = "/v2.0/sales-agents/current"
	SalesAgentQuotaPath   = "/v2.0/sales-agents/quota"
	WorkingLeadsPath      = "/v2.0/working-leads"
	LeadMuteStatusPath    = "/v2.0/sales-agent/lead/mute-status"
)

// Endpoint templates of the Sales Agents V2 endpoints with a lead in their path.
const (
	WorkingLeadTemplate = "/v2.0/sales-agents/working-lead/{leadId}"
	PlanTasksTemplate   = "/v2.0/plan-tasks/lead/{leadId}"
)

// WorkingLeadPath is the path CheckWorkingLead calls for leadID.
func WorkingLeadPath(leadID int64) string { return fillLeadID(WorkingLeadTemplate, leadID) }

// PlanTasksPath is the path PlanTasksForLead calls for leadID.
func PlanTasksPath(leadID int64) string { return fillLeadID(PlanTasksTemplate, leadID) }

// fillLeadID puts leadID in template's {leadId}.
func fillLeadID(template string, leadID int64) string {
	return strings.Replace(template, "{leadId}", strconv.FormatInt(leadID, 10), 1)
}

// CurrentSalesAgent returns the AI sales agent of the user whose credential
// is used (GET /v2.0/sales-agents/current).
func (c *Client) CurrentSalesAgent(ctx context.Context) (SalesAgent, error) {
	return currentSalesAgent.Call(ctx, c, Params{}, NoBody{})
}

// SalesAgentQuota is Lofty's SalesAgentQuotaResponseV2: how many leads the
// current user's AI sales agent may work, and how many it works.
type SalesAgentQuota struct {
	TotalQuota        *int64   `json:"totalQuota,omitempty" jsonschema:"description=Leads the AI may work"`
	UsedQuota         *int32   `json:"usedQuota,omitempty" jsonschema:"description=Leads it works"`
	RemainingQuota    *int64   `json:"remainingQuota,omitempty" jsonschema:"description=Leads left"`
	HasQuotaAvailable *bool    `json:"hasQuotaAvailable,omitempty" jsonschema:"description=Quota left"`
	UsagePercentage   *float64 `json:"usagePercentage,omitempty" jsonschema:"description=Percent used"`
	IsBorrowed        *bool    `json:"isBorrowed,omitempty" jsonschema:"description=Borrowed"`
	BorrowLevel       string   `json:"borrowLevel,omitempty" jsonschema:"description=SELF\\, GROUP or TEAM"`
	BorrowedFrom      *int64   `json:"borrowedFrom,omitempty" jsonschema:"description=Borrowed from (user or office ID)"`
}

// SalesAgentQuota returns the current user's AI quota
// (GET /v2.0/sales-agents/quota).
func (c *Client) SalesAgentQuota(ctx context.Context) (SalesAgentQuota, error) {
	return salesAgentQuota.Call(ctx, c, Params{}, NoBody{})
}

// WorkingLead is Lofty's WorkingLeadV2: a lead in the AI sales agent's
// working pool.
type WorkingLead struct {
	LeadID    int64  `json:"leadId" jsonschema:"description=Lead ID"`
	FirstName string `json:"firstName,omitempty" jsonschema:"description=First name"`
	LastName  string `json:"lastName,omitempty" jsonschema:"description=Last name"`
	Email     string `json:"email,omitempty" jsonschema:"description=Email"`
	Phone     string `json:"phone,omitempty" jsonschema:"description=Phone"`
	CreatedAt Time   `json:"createdAt,omitempty" jsonschema:"description=Added to the pool (RFC 3339)"`
}

// WorkingLeadCheck is what CheckWorkingLead learned.
type WorkingLeadCheck struct {
	// Working reports whether the lead is in the AI working pool.
	Working bool
	// Lead is Lofty's WorkingLeadV2 record, when Lofty sent one.
	Lead *WorkingLead
}

// CheckWorkingLead reports whether lead leadID is in the AI sales agent's
// working pool (GET /v2.0/sales-agents/working-lead/{leadId}). Lofty documents
// a WorkingLeadV2 object for a working lead and says the call "returns true
// if the lead is actively being followed up, false otherwise", so a
// WorkingLeadV2 with a leadId, JSON true, or either wrapped as {"data": …}
// mean working; false, null and an empty object mean not working.
func (c *Client) CheckWorkingLead(ctx context.Context, leadID int64) (WorkingLeadCheck, error) {
	path := WorkingLeadPath(leadID)
	var raw json.RawMessage
	if err := c.get(ctx, workingLeadEndpoint.Path, path, nil, &raw); err != nil {
		return WorkingLeadCheck{}, err
	}
	check, ok := workingLeadCheck(raw, true)
	if !ok {
		return WorkingLeadCheck{}, badResponse(200, path, "response is not the working-lead status Lofty documents")
	}
	return check, nil
}

func workingLeadCheck(raw json.RawMessage, unwrap bool) (WorkingLeadCheck, bool) {
	raw = bytes.TrimSpace(raw)
	switch string(raw) {
	case "true":
		return WorkingLeadCheck{Working: true}, true
	case "false", "null", "{}":
		return WorkingLeadCheck{}, true
	}
	if len(raw) == 0 || raw[0] != '{' {
		return WorkingLeadCheck{}, false
	}
	var env struct {
		Data   json.RawMessage `json:"data"`
		LeadID json.RawMessage `json:"leadId"`
	}
	if json.Unmarshal(raw, &env) != nil {
		return WorkingLeadCheck{}, false
	}
	if unwrap && len(env.Data) > 0 && len(env.LeadID) == 0 {
		return workingLeadCheck(env.Data, false)
	}
	if len(env.LeadID) == 0 || string(env.LeadID) == "null" {
		return WorkingLeadCheck{}, true
	}
	var wl WorkingLead
	if json.Unmarshal(raw, &wl) != nil {
		return WorkingLeadCheck{}, false
	}
	return WorkingLeadCheck{Working: true, Lead: &wl}, true
}

// PaginationMetadata is Lofty's PaginationMetadata of a working-lead list.
type PaginationMetadata struct {
	Total  *int64 `json:"total,omitempty" jsonschema:"description=Working leads matching the query"`
	Count  *int32 `json:"count,omitempty" jsonschema:"description=Leads in this page"`
	Offset *int32 `json:"offset,omitempty" jsonschema:"description=Offset of this page"`
	Limit  *int32 `json:"limit,omitempty" jsonschema:"description=Page size"`
}

// WorkingLeadList is Lofty's WorkingLeadListResponseV2.
type WorkingLeadList struct {
	// Truncation says when Lofty sent more working leads than were asked
	// for (beyond ListMargin).
	Truncation
	WorkingLeads []WorkingLead      `json:"workingLeads"`
	Metadata     PaginationMetadata `json:"metadata"`
}

// WorkingLeadQuery filters and pages WorkingLeads. Zero values are not sent
// (Lofty then uses its defaults: limit 20, offset 0, sort UpdateTime, desc).
type WorkingLeadQuery struct {
	AIStage string // HIGH_PRIORITY, AI_PROSPECTING or AI_MONITORING
	Limit   int    // at most 100
	Offset  int64
	Sort    string // Default, CreateTime or UpdateTime
	Desc    *bool
}

// WorkingLeads returns one page of the AI sales agent's working leads
// (GET /v2.0/working-leads).
func (c *Client) WorkingLeads(ctx context.Context, q WorkingLeadQuery) (WorkingLeadList, error) {
	v := url.Values{}
	if q.AIStage != "" {
		v.Set("aiStage", q.AIStage)
	}
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Offset != 0 {
		v.Set("offset", strconv.FormatInt(q.Offset, 10))
	}
	if q.Sort != "" {
		v.Set("sort", q.Sort)
	}
	if q.Desc != nil {
		v.Set("desc", strconv.FormatBool(*q.Desc))
	}
	return workingLeadsEndpoint.Call(ctx, c, Params{Query: v}, NoBody{})
}

// LeadMuteStatus reports whether the AI assistant is muted for lead leadID
// (GET /v2.0/sales-agent/lead/mute-status). Lofty sends
// {"data": {"mute": "true"}} with the flag as a string; a JSON boolean is
// accepted too. A body without the flag is a KindBadResponse error.
func (c *Client) LeadMuteStatus(ctx context.Context, leadID int64) (bool, error) {
	var body struct {
		Data *struct {
			Mute json.RawMessage `json:"mute"`
		} `json:"data"`
	}
	q := url.Values{"leadId": []string{strconv.FormatInt(leadID, 10)}}
	if err := c.get(ctx, leadMuteStatusEndpoint.Path, leadMuteStatusEndpoint.Path, q, &body); err != nil {
		return false, err
	}
	if body.Data != nil {
		switch strings.Trim(strings.ToLower(string(bytes.TrimSpace(body.Data.Mute))), `"`) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, badResponse(200, LeadMuteStatusPath, "response has no mute status")
}

// PlanTask is Lofty's PlanTaskResponseV2: a task of the AI sales agent's
// follow-up plan for a lead.
type PlanTask struct {
	ID         *int64 `json:"id,omitempty" jsonschema:"description=Task ID"`
	Content    string `json:"content,omitempty" jsonschema:"description=Task"`
	TaskType   string `json:"taskType,omitempty" jsonschema:"description=CALL\\, EMAIL\\, TEXT\\, ..."`
	Status     string `json:"status,omitempty" jsonschema:"description=PENDING\\, FINISHED or OVERDUE"`
	DueAt      Time   `json:"dueAt,omitempty" jsonschema:"description=Due (RFC 3339)"`
	CreatedAt  Time   `json:"createdAt,omitempty" jsonschema:"description=Created (RFC 3339)"`
	AssignedTo *int64 `json:"assignedTo,omitempty" jsonschema:"description=Assigned user ID"`
	CreatorID  *int64 `json:"creatorId,omitempty" jsonschema:"description=Creator user ID"`
}

// PlanTasksForLead returns the AI plan tasks of lead leadID
// (GET /v2.0/plan-tasks/lead/{leadId}): the first MaxListItems of them,
// should Lofty send more (a bare list cannot say that it was cut; the
// decoder logs it at debug level).
func (c *Client) PlanTasksForLead(ctx context.Context, leadID int64) ([]PlanTask, error) {
	return planTasksEndpoint.Call(ctx, c, Params{Path: []string{strconv.FormatInt(leadID, 10)}}, NoBody{})
}
