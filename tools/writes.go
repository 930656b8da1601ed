package tools

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Write describes what a write tool changes in Lofty. The adapter uses it for
// the tool's annotations, the question put to the person, the audit line,
// the result's summary and the sentence of a failed write.
type Write[In, Out any] struct {
	// Destructive: it replaces or removes what was there, or cannot be
	// undone (destructiveHint).
	Destructive bool
	// Idempotent: calling it again with the same arguments changes nothing
	// more (idempotentHint), so repeating it after a failure is safe.
	Idempotent bool
	// Act names the change as a verb phrase, for sentences such as "the
	// person declined to <Act>": "mute the AI sales agent for this lead".
	Act string
	// Leads are the leads the write changes, for the audit line (nil: none).
	Leads func(in In) []int64
	// TextLength is the length in characters of the free text the write
	// sends (a note, an SMS): the audit line logs the length, never the text.
	TextLength func(in In) int
	// Ask is the question put to the person: the action and its effect
	// first, in our own words, then the lead (by quoted name when the server
	// already knows it, see LeadNames) and any text of the lead's, quoted.
	Ask func(in In, leads LeadNames) string
	// Done says what happened, from Lofty's answer: the result's summary,
	// read by the model. It names leads by ID (leads is the zero
	// LeadNames) and never holds text a lead or outsider wrote.
	Done func(in In, out Out, leads LeadNames) string
	// MustConfirm: the person confirms every call through elicitation,
	// whatever --confirm-writes says, and a client that cannot ask is
	// refused (deletes, messages to clients, administration).
	MustConfirm bool
	// Lookup, when set, reads what the question needs before the person is
	// asked (the current settings a change replaces, the lead's channels),
	// filling fields of in that the model does not send (json:"-"); Ask and
	// Call see them. Its error fails the call with nothing changed.
	Lookup func(ctx context.Context, c *lofty.Client, in *In) error
	// Check tells the model how to see whether a write whose outcome is
	// unknown was made ("get_lead_mute_status shows it"); "" when no tool can.
	Check string
	// Audit, when set, adds to the write's audit line what identifies it
	// beyond its leads and text length (a message's channel and content
	// hash), never free text itself. It sees in as Lookup left it, or as
	// the model sent it when Lookup failed.
	Audit func(in In) []slog.Attr
}

// wellFormed reports what a write spec lacks.
func (w *Write[In, Out]) wellFormed() error {
	var zero Out
	if _, ok := any(&zero).(hasOutcome); !ok {
		return fmt.Errorf("its result type %T must embed tools.Outcome", zero)
	}
	switch {
	case w.Act == "":
		return errors.New("no Act")
	case w.Ask == nil:
		return errors.New("no Ask")
	case w.Done == nil:
		return errors.New("no Done")
	}
	return nil
}

// bind is the write of one call with arguments in.
func (w *Write[In, Out]) bind(in *In) *WriteCall {
	wc := &WriteCall{
		Act:         w.Act,
		MustConfirm: w.MustConfirm,
		Ask:         func(names LeadNames) string { return w.Ask(*in, names) },
		Declined: func(unconfirmed bool) any {
			var out Out
			verb := "declined to"
			if unconfirmed {
				verb = "did not confirm that they want to"
			}
			o := any(&out).(hasOutcome).outcome()
			o.Status = StatusDeclined
			o.Summary = "Nothing was changed in Lofty: the person " + verb + " " + w.Act +
				" when asked. Do not try again unless they ask for it."
			return out
		},
		Done: func(result any) any {
			out, _ := result.(Out)
			o := any(&out).(hasOutcome).outcome()
			o.Status, o.Summary = StatusDone, w.Done(*in, out, LeadNames{})
			return out
		},
	}
	if w.Leads != nil {
		wc.Leads = w.Leads(*in)
	}
	if w.TextLength != nil {
		wc.TextLength = w.TextLength(*in)
	}
	if w.Lookup != nil {
		wc.Lookup = func(ctx context.Context, c *lofty.Client) error {
			err := w.Lookup(ctx, c, in)
			if err == nil && w.Leads != nil {
				wc.Leads = w.Leads(*in) // the lead may be what the Lookup found
			}
			return err
		}
	}
	if w.Audit != nil {
		wc.Audit = func() []slog.Attr { return w.Audit(*in) }
	}
	return wc
}

// Outcome starts every write tool's result: whether the change was made,
// and what happened in words. A declined write's result has only these.
type Outcome struct {
	Status  string `json:"status" jsonschema:"enum=done,enum=declined,description=done: Lofty made the change. declined: the person said no; nothing was sent"`
	Summary string `json:"summary" jsonschema:"description=What happened"`
}

// Outcome statuses.
const (
	StatusDone     = "done"
	StatusDeclined = "declined"
)

func (o *Outcome) outcome() *Outcome { return o }

// hasOutcome is implemented by result types that embed Outcome.
type hasOutcome interface{ outcome() *Outcome }

// LeadNames names leads in the questions put to the person: `"Jane Smith"
// (lead 563172647619608)` when the server already knows the lead's name (a
// get_lead answer still in the credential's cache), else "lead
// 563172647619608". The name is the lead's own text, so it is shown quoted,
// cleaned and bounded (Quote): a name holding a sentence, line breaks or
// bidi overrides cannot pass for the question's own words. Naming a lead
// never sends a request to Lofty. The zero LeadNames names every lead by its
// ID: what results (the model's sentences) use, since a name belongs in a
// field of its own there.
type LeadNames struct {
	ctx  context.Context
	c    *lofty.Client
	seen map[int64]string
}

// NewLeadNames names leads for the questions and summaries of one call.
func NewLeadNames(ctx context.Context, c *lofty.Client) LeadNames {
	return LeadNames{ctx: ctx, c: c, seen: map[int64]string{}}
}

// One names lead id.
func (n LeadNames) One(id int64) string {
	if name, ok := n.seen[id]; ok {
		return name
	}
	ref := "lead " + strconv.FormatInt(id, 10)
	if n.c == nil {
		return ref
	}
	name := ref
	if l, err := n.c.Lead(lofty.CacheOnly(n.ctx), id); err == nil {
		if full := CleanLine(l.FirstName+" "+l.LastName, MaxNameLength); full != "" {
			name = Quote(full, MaxNameLength) + " (" + ref + ")"
		}
	}
	if n.seen != nil {
		n.seen[id] = name
	}
	return name
}

// maxNamedLeads is how many leads List names before counting the rest.
const maxNamedLeads = 5

// List names up to five leads and counts the rest: "Jane Smith (lead 1),
// lead 2 and 3 more leads".
func (n LeadNames) List(ids []int64) string {
	var parts []string
	for i, id := range ids {
		if i == maxNamedLeads {
			more := len(ids) - maxNamedLeads
			return strings.Join(parts, ", ") + fmt.Sprintf(" and %d more lead%s", more, plural(more, "", "s"))
		}
		parts = append(parts, n.One(id))
	}
	switch len(parts) {
	case 0:
		return "no leads"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// Applied is what is known of whether a failed write was made.
type Applied int

const (
	// AppliedNo: Lofty refused it (a 4xx answer) or never received it.
	AppliedNo Applied = iota
	// AppliedUnknown: it may have been made (no answer, a 5xx, a cut connection).
	AppliedUnknown
	// AppliedProbably: Lofty accepted it (2xx) but its answer could not be read.
	AppliedProbably
)

func (a Applied) String() string {
	return [...]string{"no", "unknown", "probably"}[a]
}

// WriteApplied says, from a failed write's error, whether it was made.
func WriteApplied(err error) Applied {
	if IsRefusal(err) {
		return AppliedNo
	}
	le, ok := lofty.AsError(err)
	switch {
	case !ok:
		return AppliedUnknown
	case le.NotSent || le.Kind == lofty.KindNoCredentials || le.Kind == lofty.KindNotDone:
		return AppliedNo
	case le.Status >= 400 && le.Status <= 499:
		return AppliedNo
	case le.Status >= 200 && le.Status <= 299:
		return AppliedProbably
	}
	return AppliedUnknown
}

// WriteErrorText is the sentence of a failed write: what happened (as
// ErrorText says it for a read, when Lofty refused or never got the write),
// and always whether the change may have been made, so that a model does
// not repeat a write that went through. act names the change ("add this
// note"); check says how to see whether it was made; idempotent writes may
// simply be repeated.
func WriteErrorText(err error, subject, notFound, act, check string, idempotent bool) string {
	switch WriteApplied(err) {
	case AppliedNo:
		return ErrorText(err, subject, notFound) + " Nothing was changed in Lofty."
	case AppliedProbably:
		s := "Lofty accepted the request to " + act + ", but its answer could not be read: the change was probably made."
		if le, ok := lofty.AsError(err); ok {
			if d := detail(le); d != "" {
				s += " (" + d + ")"
			}
		}
		return s + " " + afterUnknown(check, idempotent)
	}
	s := "Lofty did not confirm that it did " + act + ": "
	le, ok := lofty.AsError(err)
	switch {
	case !ok:
		s += err.Error() + "."
	case lofty.IsCancelled(le):
		s += "the call was cancelled after the request was sent."
	case le.Status != 0:
		s += "it answered with an error."
	default:
		s += "no complete answer arrived."
	}
	if ok {
		if d := detail(le); d != "" {
			s += " (" + d + ")"
		}
	}
	return s + " The change may or may not have been made. " + afterUnknown(check, idempotent)
}

// afterUnknown is the advice after a write whose outcome is unknown.
func afterUnknown(check string, idempotent bool) string {
	if idempotent {
		s := "Repeating it is safe: it changes nothing more if it was made."
		if check != "" {
			s += " " + check
		}
		return s
	}
	s := "Do not simply repeat it: that could make the change twice."
	if check != "" {
		return s + " " + check + " before trying again."
	}
	return s + " Ask the person to check in Lofty before trying again."
}

// MaxTextLength bounds a note or an SMS, in characters; Lofty truncates a
// note silently beyond it.
const MaxTextLength = lofty.MaxNoteLength

// LeadWriteResult is the answer of a write to one lead.
type LeadWriteResult struct {
	Outcome
	LeadID  int64  `json:"leadId,omitempty" jsonschema:"description=Lead ID"`
	Message string `json:"message,omitempty" jsonschema:"description=Lofty's message"`
}

// loftyMessage quotes Lofty's own message in a summary, if it sent one.
func loftyMessage(msg string) string {
	if msg = strings.TrimSpace(msg); msg == "" {
		return ""
	}
	return " Lofty said: " + strconv.Quote(msg) + "."
}
