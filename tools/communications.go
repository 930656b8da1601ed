package tools

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// What a team member sent and received, across leads: Communication V2's
// search by agent (cursor paged, up to 90 days), or the V1 search (a read
// sent as POST, up to 24 hours) when V2 has no answer.

// Bounds of the search by agent.
const (
	maxCommsWindowV2 = 90 * 24 * time.Hour
	maxCommsWindowV1 = 24 * time.Hour
	agentCommPage    = 100
)

// AgentCommsInput is what the model sends to list_agent_communications.
type AgentCommsInput struct {
	Since   string `json:"since" jsonschema:"description=From: RFC 3339 or date"`
	Until   string `json:"until,omitempty" jsonschema:"description=Before: RFC 3339 or date (default now)"`
	AgentID int64  `json:"agentId,omitempty" jsonschema:"minimum=1,description=A team member's user ID (default me)"`
	Kind    string `json:"kind,omitempty" jsonschema:"enum=call,enum=text,enum=email,description=Only these"`
	Cursor  string `json:"cursor,omitempty" jsonschema:"description=nextCursor (same other arguments)"`
}

// AgentComm is one call, text or email. Summary is lofty-mcp's words.
type AgentComm struct {
	Kind      string `json:"kind"`
	At        string `json:"at"`
	Direction string `json:"direction,omitempty"`
	LeadID    int64  `json:"leadId,omitempty"`
	Summary   string `json:"summary"`
	ID        int64  `json:"id"`
}

// AgentComms is list_agent_communications' answer.
type AgentComms struct {
	Items      []AgentComm `json:"items"`
	NextCursor string      `json:"nextCursor,omitempty"`
	Note       string      `json:"note,omitempty"`
}

var commTypes = map[string]string{"call": "CALL", "text": "TEXT", "email": "EMAIL"}

// ListAgentCommunications answers "whom did I (or Maria) call, text or
// email this week?".
var ListAgentCommunications = Spec[AgentCommsInput, AgentComms]{
	Name:        "list_agent_communications",
	Title:       "List agent communications",
	Toolset:     ToolsetCommunications,
	Upstream:    []string{"GET /v2.0/communication/agent", "POST /v1.0/agent/communication", "GET " + lofty.MePath},
	Example:     `{"since": "2026-02-25", "until": "2026-03-04"}`,
	Description: "Calls, texts and emails a team member (default: me) had with leads in a window of up to 90 days, newest first.",
	Check: func(in AgentCommsInput) error {
		if in.Since == "" {
			return errors.New("\"since\" is required")
		}
		return checkWindow(in.Since, in.Until)
	},
	Call:    agentCommunications,
	Subject: func(AgentCommsInput) string { return "these communications" },
}

func agentCommunications(ctx context.Context, c *lofty.Client, in AgentCommsInput) (AgentComms, error) {
	zone := newClock(ctx, c)
	from, to, _ := parseSpan("since", in.Since, "until", in.Until) // Check has read them
	since, until := from.start(zone.Location), time.Now()
	if !to.isZero() {
		until = to.end(zone.Location)
	}
	out := AgentComms{Items: []AgentComm{}}
	var notes []string
	if until.Sub(since) > maxCommsWindowV2 {
		since = until.Add(-maxCommsWindowV2)
		notes = append(notes, "Lofty searches at most 90 days at once: this covers the 90 days before until; "+
			"call again with an earlier until for the rest.")
	}
	if in.AgentID != 0 {
		if me, err := c.Me(lofty.CacheOnly(ctx)); err == nil && (in.AgentID == me.MemberUserID || in.AgentID == me.ID) {
			in.AgentID = 0 // me: no need for the team's view
		}
	}
	limit := agentCommPage
	q := lofty.AgentCommunicationQuery{Type: commTypes[in.Kind], Start: since.UnixMilli(), End: until.UnixMilli() - 1,
		Limit: limit, TeamView: in.AgentID != 0}
	cursor, v1 := strings.CutPrefix(in.Cursor, "v1:")
	var comms []lofty.Communication
	switch {
	case v1:
		offset, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || offset < 0 {
			return AgentComms{}, errors.New("the cursor is not one this tool gave")
		}
		q.Offset = offset
	default:
		q.Cursor = in.Cursor
		page, err := c.AgentCommunications(ctx, q)
		if err == nil {
			comms = page.Data
			out.NextCursor = page.NextCursor
			break
		}
		// V1 where V2 has none: an answer that is not about the
		// credentials, the rate limit or the arguments, for a window V1 can search.
		switch lofty.KindOf(err) {
		case lofty.KindUnavailable, lofty.KindNotFound, lofty.KindBadResponse:
		default:
			return AgentComms{}, err
		}
		if in.Cursor != "" || until.Sub(since) > maxCommsWindowV1 || lofty.IsCancelled(err) {
			return AgentComms{}, err
		}
		v1 = true
	}
	if v1 {
		page, err := c.AgentCommunicationsV1(ctx, q)
		if err != nil {
			return AgentComms{}, err
		}
		comms = page.Communications()
		if page.HasMore {
			out.NextCursor = "v1:" + strconv.FormatInt(q.Offset+int64(len(page.PageData)), 10)
		}
	}
	kept := 0
	for _, m := range comms {
		if in.AgentID != 0 && m.AgentID != in.AgentID {
			continue
		}
		kept++
		at, ok := zone.at(m.CommunicationTime)
		if !ok {
			continue
		}
		item := AgentComm{At: zone.stamp(at), Direction: direction(m.Direction), LeadID: m.LeadID, ID: m.ID}
		item.Kind, item.Summary = commSummary(m)
		out.Items = append(out.Items, item)
	}
	if in.AgentID != 0 {
		notes = append(notes, fmt.Sprintf("Lofty sent the team's communications; lofty-mcp kept user %d's: %d of %d.",
			in.AgentID, kept, len(comms)))
	}
	out.Note = strings.Join(notes, " ")
	return out, nil
}

// commSummary is the kind of a communication and what happened, in
// lofty-mcp's words.
func commSummary(m lofty.Communication) (kind, summary string) {
	auto := isAuto(m.CommunicationType)
	logged := isLogged(m.CommunicationType)
	ev := enumKey(m.EventType)
	switch {
	case ev == "call":
		secs, _ := strconv.ParseInt(strings.TrimSpace(m.CallDuration), 10, 64)
		prefix := "call"
		if logged {
			prefix = "logged call"
		}
		return KindCall, callSummary(prefix, m.CallOutcome, m.Status, secs, false)
	case ev == "text":
		if logged {
			return KindText, "logged text"
		}
		return KindText, textSummary(auto, m.Status)
	case strings.Contains(ev, "email"):
		event := strings.TrimSuffix(ev, "email")
		if event == "" {
			event = m.Status
		}
		if logged {
			return KindEmail, "logged email"
		}
		return KindEmail, emailSummary(auto, event)
	}
	return "other", "communication"
}
