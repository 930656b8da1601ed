package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// What a lead's history says, in lofty-mcp's own words: the summary of a
// call, a text, an email, a logged contact, a website visit or a change
// Lofty logged is made only from the values Lofty enumerates (outcomes,
// statuses, event types), mapped to fixed phrases; anything a person wrote
// (a body, a subject, a note, a name) goes into a field of its own,
// cleaned and bounded, and a value lofty-mcp does not know is never copied
// into a summary.

// Directions of an entry.
const (
	dirIn  = "in"
	dirOut = "out"
)

// direction reads Lofty's Inbound/Outbound (any case); "" when neither.
func direction(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "inbound", "in":
		return dirIn
	case "outbound", "out":
		return dirOut
	}
	return ""
}

// enumKey is an enumerated value as the phrase tables key it: lower case,
// without spaces, dashes or underscores ("No Answer" is "noanswer").
func enumKey(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_':
			return -1
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// phrase is the phrase for Lofty's value s in table, or "".
func phrase(table map[string]string, s string) string { return table[enumKey(s)] }

var (
	callOutcomes = map[string]string{"talked": "talked", "voicemessage": "left voicemail", "noanswer": "no answer",
		"badnumber": "bad number", "dncnumber": "do-not-call number", "dnccontact": "do not contact"}
	callStatuses = map[string]string{"completed": "completed", "missed": "missed", "failed": "failed", "busy": "busy",
		"noanswer": "no answer", "voicemail": "voicemail"}
	textOutcomes = map[string]string{"delivered": "delivered", "received": "received", "failed": "failed",
		"sent": "sent", "undelivered": "not delivered"}
	emailEvents = map[string]string{"sent": "sent", "sentemail": "sent", "opened": "opened", "openedemail": "opened",
		"clicked": "clicked", "replied": "replied", "bounced": "bounced", "bouncedemail": "bounced", "received": "received"}
	logChannels = map[string]string{"call": "call", "logcall": "call", "email": "email", "logemail": "email",
		"text": "text", "logtext": "text", "sms": "text"}
	siteActions = map[string]string{"search": "searched the website", "browse": "viewed a listing",
		"viewlisting": "viewed a listing", "favorite": "saved a listing", "savelisting": "saved a listing",
		"request": "asked for a showing", "submission": "sent a form", "registration": "registered on the website"}
	systemEvents = map[string]string{"leadcreate": "lead created", "assignagent": "assigned", "teamstagechange": "stage changed",
		"stagechange": "stage changed", "addtag": "tag added", "removetag": "tag removed", "salesagentstart": "AI sales agent started",
		"salesagentstop": "AI sales agent stopped", "editnote": "note edited", "deletenote": "note deleted",
		"subscribe": "subscribed", "unsubscribe": "unsubscribed", "leadrouting": "routed", "smartplan": "smart plan step"}
)

// isAuto reads Lofty's Auto/Manual/Logged communication types.
func isAuto(typ string) bool { return enumKey(typ) == "auto" }

// isLogged reports whether a communication type is a person's log of it.
func isLogged(typ string) bool {
	switch enumKey(typ) {
	case "logged", "log":
		return true
	}
	return false
}

// seconds says a duration in seconds: "38 s", "8 min 32 s", "1 h 2 min".
func seconds(n int64) string {
	switch {
	case n <= 0:
		return ""
	case n < 60:
		return strconv.FormatInt(n, 10) + " s"
	case n < 3600:
		s := strconv.FormatInt(n/60, 10) + " min"
		if n%60 != 0 {
			s += " " + strconv.FormatInt(n%60, 10) + " s"
		}
		return s
	}
	s := strconv.FormatInt(n/3600, 10) + " h"
	if n%3600/60 != 0 {
		s += " " + strconv.FormatInt(n%3600/60, 10) + " min"
	}
	return s
}

// callWords: "call: talked, 8 min 32 s, recorded".
func callWords(prefix, outcome, status string, secs int64, recorded bool) string {
	parts := []string{}
	if p := phrase(callOutcomes, outcome); p != "" {
		parts = append(parts, p)
	} else if p := phrase(callStatuses, status); p != "" {
		parts = append(parts, p)
	}
	if d := seconds(secs); d != "" {
		parts = append(parts, d)
	}
	if recorded {
		parts = append(parts, "recorded")
	}
	if len(parts) == 0 {
		return prefix
	}
	return prefix + ": " + strings.Join(parts, ", ")
}

// textSummary: "text received", "auto text delivered".
func textSummary(auto bool, outcome string) string {
	s := "text"
	if auto {
		s = "auto text"
	}
	if p := phrase(textOutcomes, outcome); p != "" {
		s += " " + p
	}
	return s
}

// emailSummary: "email opened", "auto email sent".
func emailSummary(auto bool, event string) string {
	s := "email"
	if auto {
		s = "auto email"
	}
	if p := phrase(emailEvents, event); p != "" {
		s += " " + p
	}
	return s
}

// logSummary: "logged call: left voicemail", "logged email".
func logSummary(channel, outcome string) string {
	ch := phrase(logChannels, channel)
	if ch == "" {
		ch = "contact"
	}
	if ch == "call" {
		return callWords("logged call", outcome, "", 0, false)
	}
	return "logged " + ch
}

// joinText joins the parts a person wrote, for a text field: "subject —
// body", each part cleaned, at most max characters in all.
func joinText(max int, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = CleanLine(p, max); p != "" {
			out = append(out, p)
		}
	}
	return CleanLine(strings.Join(out, " — "), max)
}

// contentText renders a system log's content object as "key: value"
// pairs of its scalar values ("fromStageName: New Lead; toStageName:
// Active"): data for a text field, cleaned and bounded.
func contentText(raw json.RawMessage) string {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		var v string
		switch x := m[k].(type) {
		case string:
			v = x
		case float64, bool:
			v = fmt.Sprint(x)
		default:
			continue
		}
		if v = strings.TrimSpace(v); v != "" {
			parts = append(parts, k+": "+v)
		}
	}
	return CleanLine(strings.Join(parts, "; "), MaxSummaryLength)
}

// words splits a CamelCase identifier Lofty sends ("SalesAgentStart")
// into lower-case words, or returns "" when it is not one: letters and
// digits only, at most 40 characters.
func words(id string) string {
	if id == "" || len(id) > 40 {
		return ""
	}
	var b strings.Builder
	for i, r := range id {
		switch {
		case r >= 'A' && r <= 'Z':
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r + 'a' - 'A')
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return ""
		}
	}
	return b.String()
}

// systemSummary says a system log entry's event.
func systemSummary(desc string) string {
	if p := phrase(systemEvents, desc); p != "" {
		return p
	}
	if w := words(desc); w != "" {
		return "Lofty logged: " + w
	}
	return "Lofty logged a change"
}

// siteSummary says what the lead did on the website.
func siteSummary(typ string) string {
	if p := phrase(siteActions, typ); p != "" {
		return p
	}
	return "website activity"
}

// checkWindow checks since and until arguments (either may be ""): each
// readable, and until not before since.
func checkWindow(since, until string) error {
	_, _, err := parseSpan("since", since, "until", until)
	return err
}

// leadNamed names lead id in a question by the name a Lookup read (l),
// quoted, or as leads names it.
func leadNamed(leads LeadNames, id int64, l lofty.Lead) string {
	if name := CleanLine(l.FirstName+" "+l.LastName, MaxNameLength); name != "" && l.LeadID == id {
		return Quote(name, MaxNameLength) + " (lead " + strconv.FormatInt(id, 10) + ")"
	}
	return leads.One(id)
}

// noSuchLead is the sentence of a 404 about lead id.
func noSuchLead(id int64) string {
	return fmt.Sprintf("Lofty has no lead %d that these credentials can see. To find a lead's ID, call find_leads.", id)
}

// histClock reads the times of Lofty's answers and says them in the person's
// zone. Lofty writes a time without a zone (V1's "2026-03-02 10:05:00") in
// the zone its profile of the person has, which LOFTY_TIME_ZONE does not
// change: that zone reads them; results say every time in the person's.
type histClock struct {
	Zone                // the person's zone: times in results
	wall *time.Location // the zone Lofty writes wall times in
}

// newClock is the histClock of the person whose credential ctx carries.
func newClock(ctx context.Context, c *lofty.Client) histClock {
	k := histClock{Zone: PersonZone(ctx, c)}
	k.wall = k.Location
	if me, err := c.Me(ctx); err == nil { // cached when PersonZone read it
		if loc, err := LoadZone(me.TimeZoneID); err == nil {
			k.wall = loc
		}
	}
	return k
}

// at reads a time of Lofty's.
func (k histClock) at(t lofty.Time) (time.Time, bool) { return t.In(k.wall) }

// stamp is t as results say times: RFC 3339 in the person's zone.
func (k histClock) stamp(t time.Time) string { return t.In(k.Location).Format(time.RFC3339) }

// of is a time of Lofty's as results say it, or "" when Lofty sent none.
func (k histClock) of(t lofty.Time) string {
	at, ok := k.at(t)
	if !ok {
		return ""
	}
	return k.stamp(at)
}

// zoneName is the IANA name of the zone Lofty writes in, for its
// timeZoneCode; "" when unknown (Lofty then uses its profile's).
func (k histClock) zoneName() string {
	if k.wall == time.UTC && k.Source != "LOFTY_TIME_ZONE" && k.Source != "Lofty profile" {
		return ""
	}
	return k.wall.String()
}

// names names the people of a lead's history: team members by user ID and
// the lead, from what the answers of one call carry (the lead's record,
// the person's own profile, notes' and system logs' authors). Nothing is
// read to name someone.
type names struct {
	lead   string
	byUser map[int64]string
}

func newNames() *names { return &names{byUser: map[int64]string{}} }

// add names user id, unless named already or name is blank.
func (n *names) add(id int64, name string) {
	if name = CleanLine(name, MaxNameLength); id > 0 && name != "" {
		if _, ok := n.byUser[id]; !ok {
			n.byUser[id] = name
		}
	}
}

// fromLead names the lead and its team from the lead's record.
func (n *names) fromLead(l lofty.Lead) {
	n.lead = CleanLine(l.FirstName+" "+l.LastName, MaxNameLength)
	if l.AssignedUserID != nil {
		n.add(*l.AssignedUserID, l.AssignedUser)
	}
	for _, r := range l.CustomRoleList {
		if r.AssigneeID != nil {
			n.add(*r.AssigneeID, r.Assignee)
		}
	}
}

// fromMe names the person.
func (n *names) fromMe(m lofty.Member) {
	full := m.FirstName + " " + m.LastName
	n.add(m.MemberUserID, full)
	n.add(m.ID, full)
}

// user is a member's name, or "user N"; "" for no user.
func (n *names) user(id int64) string {
	if id <= 0 {
		return ""
	}
	if s, ok := n.byUser[id]; ok {
		return s
	}
	return "user " + strconv.FormatInt(id, 10)
}

// leadName is the lead's name, or "the lead".
func (n *names) leadName() string {
	if n.lead != "" {
		return n.lead
	}
	return "the lead"
}

// known names from what the client has cached: the person's profile and
// lead leadID's record, when a recent read left them there.
func (n *names) fromCache(ctx context.Context, c *lofty.Client, leadID int64) (leadKnown bool) {
	if m, err := c.Me(lofty.CacheOnly(ctx)); err == nil {
		n.fromMe(m)
	}
	if leadID > 0 {
		if l, err := c.Lead(lofty.CacheOnly(ctx), leadID); err == nil {
			n.fromLead(l)
			return true
		}
	}
	return false
}
