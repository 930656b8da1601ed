package tools

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// A team member's calls, texts and emails with any lead: get_lead_timeline
// with agentId instead of leadId, so that the question "whom did Maria
// call this week?" needs no tool of its own in tools/list. Communication
// V2's search by agent answers (cursor paged, a window of up to 90 days).
// When V2 has no answer (Lofty unavailable, the operation not served, an
// answer that cannot be read), V1's search answers instead (a read sent as
// POST, offset paged, a window of up to 24 hours): for the last day of the
// window, which the note says. A page continues with the API it began on.

// Windows Lofty's searches by agent take at once.
const (
	maxAgentWindowV2 = 90 * 24 * time.Hour
	maxAgentWindowV1 = 24 * time.Hour
)

// agentKinds are the kinds of a team member's communications.
var agentKinds = []string{KindCall, KindText, KindEmail}

var commTypes = map[string]string{KindCall: "CALL", KindText: "TEXT", KindEmail: "EMAIL"}

// agentCursor is where a page of a team member's communications ended,
// with the window and kinds of the call that began it.
type agentCursor struct {
	Agent  int64    `json:"a"`
	Kinds  []string `json:"k,omitempty"`
	Since  int64    `json:"f"`           // unix ms
	Until  int64    `json:"u"`           // unix ms, the last included
	Cursor string   `json:"c,omitempty"` // V2's nextCursor
	V1     bool     `json:"v,omitempty"`
	Offset int64    `json:"o,omitempty"` // V1's position
}

func (ac agentCursor) encode() string {
	b, _ := json.Marshal(ac)
	return "a" + base64.RawURLEncoding.EncodeToString(b)
}

var errAgentCursor = errors.New("\"cursor\" is not a nextCursor of get_lead_timeline for this agentId; call again without it")

func decodeAgentCursor(s string, agent int64) (agentCursor, error) {
	var ac agentCursor
	b64, ok := strings.CutPrefix(s, "a")
	raw, err := base64.RawURLEncoding.DecodeString(b64)
	if !ok || err != nil || json.Unmarshal(raw, &ac) != nil || ac.Agent != agent || ac.Until < ac.Since || ac.Offset < 0 {
		return ac, errAgentCursor
	}
	return ac, nil
}

// checkAgentTimeline checks get_lead_timeline's arguments with agentId.
func checkAgentTimeline(in TimelineInput) error {
	if in.LeadID != 0 || in.ID != 0 {
		return errors.New("\"agentId\" lists a team member's communications with any lead: send it without leadId and id")
	}
	if in.Cursor != "" {
		if len(in.Kinds) > 0 || in.Since != "" || in.Until != "" {
			return errors.New("\"cursor\" continues the call that gave it: send it with agentId (and limit) only")
		}
		_, err := decodeAgentCursor(in.Cursor, in.AgentID)
		return err
	}
	for _, k := range in.Kinds {
		if !slices.Contains(agentKinds, k) {
			return fmt.Errorf("a team member's communications are of kinds %s, not %s", strings.Join(agentKinds, ", "), k)
		}
	}
	if in.Since == "" {
		return errors.New("\"agentId\" needs \"since\": Lofty searches a window of up to 90 days")
	}
	return checkWindow(in.Since, in.Until)
}

// v2Missing reports whether err says V2 has no answer, rather than
// something about the credentials, the rate limit or the arguments, which
// V1 would say too.
func v2Missing(err error) bool {
	switch lofty.KindOf(err) {
	case lofty.KindUnavailable, lofty.KindNotFound, lofty.KindBadResponse:
		return !lofty.IsCancelled(err)
	}
	return false
}

func agentTimeline(ctx context.Context, c *lofty.Client, in TimelineInput) (Timeline, error) {
	zone := newClock(ctx, c)
	var notes []string
	cur := agentCursor{Agent: in.AgentID, Kinds: in.Kinds}
	if in.Cursor != "" {
		cur, _ = decodeAgentCursor(in.Cursor, in.AgentID) // Check has read it
	} else {
		since, until, _ := parseSpan("since", in.Since, "until", in.Until) // Check has read them
		end := time.Now()
		if !until.isZero() {
			end = until.end(zone.Location) // exclusive: a date's end is the midnight after it
		}
		start := since.start(zone.Location)
		if end.Sub(start) > maxAgentWindowV2 {
			start = end.Add(-maxAgentWindowV2)
			notes = append(notes, "Lofty searches at most 90 days at once: this covers the 90 days before until; "+
				"call again with an earlier until for the rest.")
		}
		cur.Since, cur.Until = start.UnixMilli(), end.UnixMilli()-1
	}
	// The caller's own need no team view (which may need more permission).
	team := true
	if me, err := c.Me(lofty.CacheOnly(ctx)); err == nil && (in.AgentID == me.MemberUserID || in.AgentID == me.ID) {
		team = false
	}
	q := lofty.AgentCommunicationQuery{Start: cur.Since, End: cur.Until, Limit: int(cmp.Or(in.Limit, DefaultTimelineLimit)),
		Cursor: cur.Cursor, Offset: cur.Offset, TeamView: team}
	if len(cur.Kinds) == 1 {
		q.Type = commTypes[cur.Kinds[0]]
	}

	var comms []lofty.Communication
	next := cur
	more := false
	if !cur.V1 {
		page, err := c.AgentCommunications(ctx, q)
		switch {
		case err == nil:
			comms, next.Cursor, more = page.Data, page.NextCursor, page.NextCursor != ""
		case cur.Cursor != "" || !v2Missing(err):
			return Timeline{}, err
		default:
			next.V1 = true
			if time.Duration(cur.Until-cur.Since+1)*time.Millisecond > maxAgentWindowV1 {
				next.Since = cur.Until + 1 - maxAgentWindowV1.Milliseconds()
				q.Start = next.Since
				notes = append(notes, "Lofty's 90-day search did not answer, and its older one searches a day at once: "+
					"this covers the day before until; call again with an earlier until for the rest.")
			}
		}
	}
	if next.V1 {
		page, err := c.AgentCommunicationsV1(ctx, q)
		if err != nil {
			return Timeline{}, err
		}
		comms, more = page.Communications(), page.HasMore
		next.Offset = cur.Offset + int64(len(page.PageData))
	}

	type item struct {
		TimelineEntry
		t time.Time
	}
	var items []item
	theirs := 0
	for _, m := range comms {
		if team && m.AgentID != in.AgentID {
			continue
		}
		theirs++
		e := TimelineEntry{Direction: direction(m.Direction), ID: m.ID, LeadID: m.LeadID}
		e.Kind, e.Summary = commSummary(m)
		at, ok := zone.at(m.CommunicationTime)
		if !ok || (len(cur.Kinds) > 1 && !slices.Contains(cur.Kinds, e.Kind)) {
			continue
		}
		e.At = zone.stamp(at)
		items = append(items, item{e, at})
	}
	slices.SortStableFunc(items, func(a, b item) int { return b.t.Compare(a.t) })
	out := Timeline{Entries: make([]TimelineEntry, len(items))}
	for i, it := range items {
		out.Entries[i] = it.TimelineEntry
	}
	if team && theirs < len(comms) {
		notes = append(notes, fmt.Sprintf("Lofty sends the team's communications: %d of the %d on this page are user %d's.",
			theirs, len(comms), in.AgentID))
	}
	if more {
		out.NextCursor = next.encode()
	}
	notes = append(notes, timesNote(zone))
	out.Note = strings.TrimSpace(strings.Join(notes, " "))
	return out, nil
}

// commSummary is the kind of a communication and what happened, in
// lofty-mcp's words from Lofty's enumerated values only.
func commSummary(m lofty.Communication) (kind, summary string) {
	logged := isLogged(m.CommunicationType)
	ev := enumKey(m.EventType)
	switch {
	case ev == "call":
		secs, _ := strconv.ParseInt(strings.TrimSpace(m.CallDuration), 10, 64)
		prefix := "call"
		if logged {
			prefix = "logged call"
		}
		return KindCall, callWords(prefix, m.CallOutcome, m.Status, secs, false)
	case ev == "text":
		if logged {
			return KindText, "logged text"
		}
		return KindText, textSummary(isAuto(m.CommunicationType), m.Status)
	case strings.Contains(ev, "email"):
		if logged {
			return KindEmail, "logged email"
		}
		return KindEmail, emailSummary(isAuto(m.CommunicationType), cmp.Or(strings.TrimSuffix(ev, "email"), m.Status))
	}
	return "other", "communication"
}
