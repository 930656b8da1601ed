package tools

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Lofty's own AI, in two tools: ask_lofty_ai reads ("give me a call
// script for her", "prepare me for the showing", "what did he say on the
// call?", "which analyses are running?"), start_lofty_ai asks for what
// Lofty makes and keeps ("summarise my last call with him", "analyse
// her"): Lofty stores the result, so it is a write, in a toolset of its
// own. It only asks: the result is read with ask_lofty_ai, which waits
// while a summary is made, so the write's answer is its outcome alone.
// What the AI writes draws on the lead's own words (their texts, what they
// said on a call), so it is untrusted text: cleaned, bounded, in fields of
// its own.
//
// Generation takes time. A call script or an insight is written while the
// request waits (the lofty client lets it take until --call-timeout), and
// the caller hears every few seconds that it is still being written. A
// call summary being made is read until it is
// finished or the wait would pass the call's deadline (or maxSummaryWait);
// then the tool answers with what it has — a pending summary's call ID and
// how to fetch it later — rather than block.

// Waits of the AI tools.
const (
	// progressEvery is how often a caller waiting for the AI hears of it.
	progressEvery = 5 * time.Second
	// maxSummaryWait bounds how long one call waits for a summary to be
	// made: clients give up on a request after a minute or so.
	maxSummaryWait = 30 * time.Second
	// summaryPollFirst and summaryPollMax space the reads of a summary's
	// status: the first after a second, then up to every five.
	summaryPollFirst = time.Second
	summaryPollMax   = 5 * time.Second
	// lastReadMargin is kept before the deadline for the last read (a
	// quarter of the call timeout when that is shorter).
	lastReadMargin = 2 * time.Second
)

// Bounds of AI text in results, in characters.
const (
	maxAIContext = 2000
	maxAIPoint   = MaxSummaryLength
)

// whileWaiting reports to ctx's progress, every progressEvery until stop is
// called, that what (a phrase: "Lofty's AI is writing the call script") is
// still going on, with the time so far.
func whileWaiting(ctx context.Context, what string) (stop func()) {
	done := make(chan struct{})
	start := time.Now()
	lofty.ReportProgress(ctx, what)
	go func() {
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				lofty.ReportProgress(ctx, fmt.Sprintf("%s (%s so far)", what, secondsSince(start)))
			}
		}
	}()
	return func() { close(done) }
}

// cleanPoints cleans and bounds AI points, dropping empty ones.
func cleanPoints(in []string) []string {
	var out []string
	for _, p := range in {
		if p = CleanLine(p, maxAIPoint); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// sections curates AI talking points.
func sections(in []lofty.TalkingPoint) []Section {
	var out []Section
	for _, tp := range in {
		if points := cleanPoints(tp.Value); len(points) > 0 {
			out = append(out, Section{Title: CleanLine(tp.Title, MaxNameLength), Points: points})
		}
	}
	return out
}

// summaryStates are the words for Lofty's summary statuses.
var summaryStates = map[int32]string{lofty.SummaryPending: "pending", lofty.SummaryProcessing: "processing",
	lofty.SummaryFinished: "finished", lofty.SummaryFailed: "failed"}

// awaitSummary reads call callID's summary and, while it is being made,
// reads it again (reporting progress) until it is finished, failed, or
// the call's deadline or maxSummaryWait is near. Every
// read skips the cache, which would hide a summary made since.
func awaitSummary(ctx context.Context, c *lofty.Client, callID int64) (lofty.CallSummary, bool, error) {
	margin := min(lastReadMargin, c.CallTimeout()/4)
	deadline := time.Now().Add(min(maxSummaryWait, c.CallTimeout()-margin))
	if d, ok := ctx.Deadline(); ok && d.Add(-margin).Before(deadline) {
		deadline = d.Add(-margin)
	}
	read := lofty.Fresh(ctx)
	start := time.Now()
	wait := summaryPollFirst
	for {
		s, ok, err := c.CallSummary(read, callID)
		left := time.Until(deadline)
		if err != nil || !ok || *s.Status == lofty.SummaryFinished || *s.Status == lofty.SummaryFailed || left < summaryPollFirst/2 {
			return s, ok, err
		}
		lofty.ReportProgress(ctx, fmt.Sprintf("Lofty's AI is summarising the call: %s (%s so far)",
			summaryStates[*s.Status], secondsSince(start)))
		t := time.NewTimer(min(wait, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return s, ok, nil
		case <-t.C:
		}
		wait = min(wait*2, summaryPollMax)
	}
}

// AskAIInput is what the model sends to ask_lofty_ai.
type AskAIInput struct {
	LeadID        int64 `json:"leadId,omitempty" jsonschema:"minimum=1,description=Lead ID"`
	TaskID        int64 `json:"taskId,omitempty" jsonschema:"minimum=1,description=Task"`
	AppointmentID int64 `json:"appointmentId,omitempty" jsonschema:"minimum=1,description=Appointment ID"`
	CallID        int64 `json:"callId,omitempty" jsonschema:"minimum=1,description=Call ID"`
}

// Section is a heading and its points; an answer gives them as one list
// of points ("Objectives: ask about ...").
type Section struct {
	Title  string   `json:"title,omitempty"`
	Points []string `json:"points"`
}

// AIAnswer is ask_lofty_ai's answer: what Lofty's AI wrote, as text and
// headed points (untrusted text, cleaned), a summary's state, or the lead
// analyses under way.
type AIAnswer struct {
	State  string   `json:"state,omitempty"`
	Text   string   `json:"text,omitempty"`
	Points []string `json:"points,omitempty"`
	Note   string   `json:"note,omitempty"`

	// Sections are the points by heading, as they are gathered.
	Sections []Section `json:"-"`
}

// AskLoftyAI reads what Lofty's AI has to say.
var AskLoftyAI = Spec[AskAIInput, AIAnswer]{
	Name:    "ask_lofty_ai",
	Title:   "Ask Lofty's AI",
	Toolset: ToolsetAI,
	Upstream: []string{"POST /v2.0/ai/call-script", "POST /v2.0/ai/prepare-insight", "GET /v2.0/ai/call-summary",
		"GET /v2.0/ai/lead-analysis", "GET " + lofty.MePath},
	Example: `{"leadId": 563172647619608, "taskId": 860001}`,
	Description: "Lofty's AI: call script (leadId from find_leads, taskId), appointment insight (appointmentId), call " +
		"summary (callId), else analyses running.",
	Check: func(in AskAIInput) error {
		n := 0
		for _, set := range []bool{in.TaskID != 0, in.AppointmentID != 0, in.CallID != 0} {
			if set {
				n++
			}
		}
		switch {
		case n > 1:
			return fmt.Errorf("give one of taskId, appointmentId or callId")
		case (in.TaskID != 0 || in.AppointmentID != 0) && in.LeadID == 0:
			return fmt.Errorf("a call script or an insight needs the leadId too")
		}
		return nil
	},
	Call: func(ctx context.Context, c *lofty.Client, in AskAIInput) (AIAnswer, error) {
		out, err := askAI(ctx, c, in)
		for _, s := range out.Sections {
			for _, p := range s.Points {
				out.Points = append(out.Points, strings.TrimPrefix(s.Title+": ", ": ")+p)
			}
		}
		return out, err
	},
	Subject: func(in AskAIInput) string {
		switch {
		case in.CallID != 0:
			return fmt.Sprintf("call %d", in.CallID)
		case in.LeadID != 0:
			return fmt.Sprintf("lead %d", in.LeadID)
		}
		return "the lead analyses"
	},
}

// askAI answers ask_lofty_ai, its points by heading.
func askAI(ctx context.Context, c *lofty.Client, in AskAIInput) (AIAnswer, error) {
	switch {
	case in.TaskID != 0:
		return callScript(ctx, c, in.LeadID, in.TaskID)
	case in.AppointmentID != 0:
		return insight(ctx, c, in.LeadID, in.AppointmentID)
	case in.CallID != 0:
		s, ok, err := awaitSummary(ctx, c, in.CallID)
		if err != nil {
			return AIAnswer{}, err
		}
		return callSummary(in.CallID, s, ok), nil
	}
	return leadAnalyses(ctx, c, in.LeadID)
}

func callScript(ctx context.Context, c *lofty.Client, leadID, taskID int64) (AIAnswer, error) {
	stop := whileWaiting(ctx, "Lofty's AI is writing the call script")
	s, err := c.CallScript(ctx, leadID, taskID)
	stop()
	if err != nil {
		return AIAnswer{}, err
	}
	out := AIAnswer{Text: CleanText(s.Context, maxAIContext)}
	if objectives := cleanPoints(s.ObjectiveSuggestion); len(objectives) > 0 {
		out.Sections = append(out.Sections, Section{Title: "Objectives", Points: objectives})
	}
	out.Sections = append(out.Sections, sections(s.KeyTalkingPoints)...)
	return out, nil
}

func insight(ctx context.Context, c *lofty.Client, leadID, appointmentID int64) (AIAnswer, error) {
	stop := whileWaiting(ctx, "Lofty's AI is preparing the appointment insight")
	data, err := c.PrepareInsight(ctx, leadID, appointmentID)
	stop()
	if err != nil {
		return AIAnswer{}, err
	}
	text := lofty.ReadAIText(data)
	out := AIAnswer{Text: CleanText(text.Text, maxAIContext), Sections: sections(text.Sections)}
	switch {
	case text.TaskID != 0:
		out.State = "processing"
		out.Note = fmt.Sprintf("Lofty is still preparing it (its task %d): ask again with the same arguments in a minute.", text.TaskID)
	case out.Text == "" && len(out.Sections) == 0:
		out.Note = "Lofty's AI answered with nothing for this appointment."
	}
	return out, nil
}

// callSummary curates a summary read (ok: Lofty has one).
func callSummary(callID int64, s lofty.CallSummary, ok bool) AIAnswer {
	out := AIAnswer{State: "none"}
	if !ok {
		out.Note = fmt.Sprintf("Call %d has no AI summary: start_lofty_ai with its callId and leadId makes one.", callID)
		return out
	}
	out.State = summaryStates[*s.Status]
	switch *s.Status {
	case lofty.SummaryFinished:
	case lofty.SummaryFailed:
		out.Note = "Lofty's AI could not summarise this call (its recording may be missing or silent)."
		return out
	default:
		if out.State == "" {
			out.State = "pending"
		}
		out.Note = fmt.Sprintf("Lofty's AI is still making it: ask_lofty_ai with callId %d again in a minute.", callID)
		return out
	}
	out.Text = CleanText(s.Summary, maxAIContext)
	if comment := CleanText(s.Comment, maxAIContext/2); comment != "" {
		out.Sections = append(out.Sections, Section{Title: "Comment", Points: []string{comment}})
	}
	if s.Score != nil && *s.Score > 0 {
		out.Sections = append(out.Sections, Section{Title: "Score", Points: []string{fmt.Sprintf("%d/100", *s.Score)}})
	}
	var keywords []string
	for _, k := range s.Keywords {
		if v := CleanLine(k.Content, MaxNameLength); v != "" {
			keywords = append(keywords, strings.TrimPrefix(CleanLine(k.Type, 40)+": ", ": ")+v)
		}
	}
	if len(keywords) > 0 {
		out.Sections = append(out.Sections, Section{Title: "Keywords", Points: keywords})
	}
	return out
}

// analysesPageSize is how many lead analyses one answer lists.
const analysesPageSize = 20

// leadAnalyses lists the lead analyses under way (of lead leadID's, when
// not 0).
func leadAnalyses(ctx context.Context, c *lofty.Client, leadID int64) (AIAnswer, error) {
	// Fresh: a status a cached answer would hide the change of.
	res, err := c.LeadAnalyses(lofty.Fresh(ctx), 1, analysesPageSize)
	if err != nil {
		return AIAnswer{}, err
	}
	zone := PersonZone(ctx, c).Location
	// Each task is a point of our own words: its id, status, size, start.
	under := Section{Points: []string{}}
	for _, t := range res.Tasks {
		if t.Key() == 0 || leadID != 0 && !slices.Contains(t.LeadIDs, leadID) {
			continue
		}
		n := max(t.LeadCount, int64(len(t.LeadIDs)))
		p := fmt.Sprintf("task %d: %s, %d %s", t.Key(), orUnknown(CleanLine(t.Status, 40)), n, plural(int(n), "lead", "leads"))
		if t.Created != "" {
			p += ", since " + inZone(t.Created, zone)
		}
		under.Points = append(under.Points, p)
	}
	out := AIAnswer{Sections: []Section{under}, Note: "Finished analyses leave this list; their results are in Lofty."}
	if res.Total != nil && *res.Total > int64(len(res.Tasks)) {
		out.Note = fmt.Sprintf("%d analyses under way; the newest %d were looked at. ", *res.Total, len(res.Tasks)) + out.Note
	}
	return out, nil
}

// StartAIInput is what the model sends to start_lofty_ai: one lead, one
// request (Lofty takes many leads for an analysis; one keeps the tool
// small and the question plain).
type StartAIInput struct {
	LeadID int64 `json:"leadId" jsonschema:"minimum=1,description=Lead ID"`
	CallID int64 `json:"callId,omitempty" jsonschema:"minimum=1,description=Their call"`
}

// AIStarted is start_lofty_ai's answer: its outcome, and an analysis'
// task when Lofty names it.
type AIStarted struct {
	Outcome
	TaskID int64 `json:"taskId,omitempty"`
}

// StartLoftyAI has Lofty's AI summarise a lead's call or analyse a lead.
var StartLoftyAI = Spec[StartAIInput, AIStarted]{
	Name:     "start_lofty_ai",
	Title:    "Start Lofty AI",
	Toolset:  ToolsetAIActions,
	Upstream: []string{"POST /v2.0/ai/call-summary/generate", "POST /v2.0/ai/lead-analysis"},
	Example:  `{"leadId": 563172647619608, "callId": 820002}`,
	Description: "Have Lofty's AI analyse a lead (leadId from find_leads) or summarise their recorded call (callId); " +
		"ask_lofty_ai reads it.",
	Call: func(ctx context.Context, c *lofty.Client, in StartAIInput) (AIStarted, error) {
		if in.CallID == 0 {
			t, err := c.CreateLeadAnalysis(ctx, []int64{in.LeadID})
			return AIStarted{TaskID: t.Key()}, err
		}
		_, err := c.GenerateCallSummary(ctx, in.LeadID, in.CallID)
		return AIStarted{}, err
	},
	Subject: func(in StartAIInput) string {
		if in.CallID != 0 {
			return fmt.Sprintf("call %d of lead %d", in.CallID, in.LeadID)
		}
		return fmt.Sprintf("lead %d", in.LeadID)
	},
	Write: &Write[StartAIInput, AIStarted]{
		Act:   "start Lofty's AI on this",
		Leads: func(in StartAIInput) []int64 { return []int64{in.LeadID} },
		Ask: func(in StartAIInput, leads LeadNames) string {
			if in.CallID != 0 {
				return fmt.Sprintf("Have Lofty's AI transcribe and summarise call %d? Lofty stores the summary and transcript "+
					"with the call; it can take a minute.\n\nLead: %s", in.CallID, leads.One(in.LeadID))
			}
			return "Start a Lofty AI analysis of this lead? Lofty runs it in the background and shows the results in " +
				"Lofty; each request starts another.\n\nLead: " + leads.One(in.LeadID)
		},
		Done: func(in StartAIInput, out AIStarted, leads LeadNames) string {
			if in.CallID != 0 {
				return fmt.Sprintf("Lofty's AI is summarising call %d of %s: ask_lofty_ai with callId %d reads it, "+
					"waiting while it is made.", in.CallID, leads.One(in.LeadID), in.CallID)
			}
			s := "Lofty started an AI analysis of " + leads.One(in.LeadID)
			if out.TaskID != 0 {
				s += fmt.Sprintf(" (task %d)", out.TaskID)
			}
			return s + "; ask_lofty_ai lists it until it finishes, and Lofty shows the results."
		},
		Check: "ask_lofty_ai shows the call's summary, or the analyses under way.",
	},
}

func orUnknown(s string) string {
	if s == "" {
		return "status unknown"
	}
	return s
}

// secondsSince says the whole seconds since start: "5 s".
func secondsSince(start time.Time) string {
	return fmt.Sprintf("%d s", int(time.Since(start).Round(time.Second).Seconds()))
}
