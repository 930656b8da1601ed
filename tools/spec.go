// Package tools declares lofty-mcp's tools and prompts as specs: one
// package-level Spec value per tool, one PromptSpec per prompt, in a file
// per Lofty area (leads.go, notes.go, salesagents.go, ...). It knows nothing
// of MCP: package mcpserver turns the specs into an MCP server, and the
// command line calls them through it.
//
// A new read tool is:
//
//  1. its Lofty method in lofty/, and the route and data of lofty/fakelofty
//     that answer it;
//  2. one package-level Spec value here, in the file of its Lofty area,
//     naming its toolset and the Lofty operations it calls;
//  3. go generate ./...
//
// which registers the spec (zz_generated_registry.go) and writes its README
// rows, its mcpb/manifest.json entry and its tools/list snapshot
// (testdata/snapshots/<tool>.json). The table-driven tests then call it as
// they call every tool: its example, bad arguments, each Lofty error, every
// shape of Lofty answer, each result validated against its outputSchema.
//
// A tool that changes data in Lofty also has a Write (what it changes, the
// question put to the person, what its result says) and a result type that
// embeds Outcome; the adapter (package mcpserver) does the generic work of
// a write: served only when its toolset is named and never under
// --read-only, confirmed by the person when the client can ask, audited,
// and its error sentences say whether the change may have been made.
package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/schema"
)

// Spec declares one Lofty tool: In is what the model sends, Out what it
// gets back as structured content. A tool only reads unless Write says what
// it changes.
type Spec[In, Out any] struct {
	Name        string
	Title       string
	Description string
	// Toolset groups tools for selection; it must name a toolset of Toolsets.
	Toolset string
	// AlsoToolset, when set, names a second toolset the tool belongs to: it
	// is served only when both are selected. A tool has one toolset it is
	// listed and counted under; this is for a tool that needs two opt-ins,
	// such as a delete of administration (deletes, and admin).
	AlsoToolset string
	// Upstream are the Lofty operations the tool calls, as the OpenAPI
	// document names them ("GET /v1.0/leads/{leadId}"), for docs, help and
	// the coverage table; a test checks each against the document.
	Upstream []string
	// Example is JSON arguments that the demo data answers successfully
	// (e.g. `{"leadId": 563172647619608}`); empty means {}. Tests call every
	// tool with it, and `lofty-mcp help TOOL` shows it.
	Example string
	// Check, when set, checks what the schema cannot say (e.g. no role
	// twice), before any request; its error is the sentence the model reads.
	Check func(in In) error
	// Call does the work.
	Call func(ctx context.Context, c *lofty.Client, in In) (Out, error)
	// Subject names what the call was about in error sentences, e.g. "lead 42".
	Subject func(in In) string
	// NotFound is the sentence for a Lofty 404, e.g. "Lead 42 has no AI sales agent.".
	NotFound func(in In) string
	// Write, when set, makes the tool a write: it changes data in Lofty.
	// nil: the tool only reads.
	Write *Write[In, Out]
}

// Tool is a Spec with its types erased: what an adapter serves.
type Tool interface {
	// Info describes the tool for listings, docs and tests.
	Info() Info
	// Build generates the tool's schemas (once, at start-up) and its
	// argument decoder. outputs, when not nil, describes each shape shared
	// between output schemas once, in the order tools are built.
	Build(outputs *schema.Outputs) (*Built, error)
}

// Info is what a Spec says about its tool.
type Info struct {
	Name        string
	Title       string
	Description string
	Toolset     string
	AlsoToolset string // "" or a second toolset that must be selected too
	Upstream    []string
	Example     string // JSON arguments; never empty ({} at least)
	Effect      Effect
}

// ToolsetNames names the toolsets that serve the tool: "deletes" or
// "deletes and admin".
func (i Info) ToolsetNames() string {
	if i.AlsoToolset == "" {
		return i.Toolset
	}
	return i.Toolset + " and " + i.AlsoToolset
}

// Effect is what a tool does to the data in Lofty, as its annotations say.
type Effect struct {
	// Writes: the tool changes data in Lofty (readOnlyHint false).
	Writes bool
	// Destructive: it replaces or removes what was there, or cannot be
	// undone (destructiveHint); only for writes.
	Destructive bool
	// Idempotent: calling it again with the same arguments changes nothing
	// more (idempotentHint); only for writes.
	Idempotent bool
	// MustConfirm: the person confirms every call, whatever the server's
	// confirmation mode (Write.MustConfirm); only for writes.
	MustConfirm bool
}

// Info implements Tool.
func (s Spec[In, Out]) Info() Info {
	example := s.Example
	if example == "" {
		example = "{}"
	}
	info := Info{Name: s.Name, Title: s.Title, Description: s.Description, Toolset: s.Toolset, AlsoToolset: s.AlsoToolset,
		Upstream: s.Upstream, Example: example}
	if s.Write != nil {
		info.Effect = Effect{Writes: true, Destructive: s.Write.Destructive, Idempotent: s.Write.Idempotent,
			MustConfirm: s.Write.MustConfirm}
	}
	return info
}

// Built is a tool ready to serve: its schemas, and how to prepare a call.
type Built struct {
	Info         Info
	InputSchema  json.RawMessage
	OutputSchema json.RawMessage // nil: a write whose result is only its outcome (outcomeOnly)
	prepare      func(args json.RawMessage) (*Call, error)
}

// Prepare decodes and checks one call's arguments (a JSON object; empty for
// none). Its error is the sentence the model reads, starting "invalid
// arguments".
func (b *Built) Prepare(args json.RawMessage) (*Call, error) { return b.prepare(args) }

// Call is one call's checked arguments, bound to its tool.
type Call struct {
	// Args is the arguments in canonical JSON, as the tool's Call sees them:
	// what a confirmation is sealed to.
	Args []byte
	// Write says what the call changes; nil for a read.
	Write    *WriteCall
	run      func(ctx context.Context, c *lofty.Client) (any, error)
	text     func(err error) string
	readText func(err error) string // as a read's failure says it
}

// Run calls Lofty and returns the result to encode as structured content.
func (c *Call) Run(ctx context.Context, lc *lofty.Client) (any, error) { return c.run(ctx, lc) }

// ErrorText is the sentence a model reads for a failed Run: for a write,
// it says whether the change may have been made.
func (c *Call) ErrorText(err error) string { return c.text(err) }

// ReadErrorText is the sentence for a failed read of the call, such as a
// write's Lookup: what happened, about the call's subject, as a read
// tool's error says it.
func (c *Call) ReadErrorText(err error) string { return c.readText(err) }

// LookupErrorText is the sentence a model reads when a write's Lookup
// failed: a refusal of its arguments, or the read's error as a read says
// it; either way nothing was sent, so nothing was changed.
func (c *Call) LookupErrorText(err error) string {
	if IsRefusal(err) {
		return err.Error() + " Nothing was changed in Lofty."
	}
	return c.readText(err) + " Nothing was changed in Lofty."
}

// WriteCall is what an adapter needs of a write call beyond Run.
type WriteCall struct {
	// Act names the change as a verb phrase ("add this note").
	Act string
	// Leads are the leads the write changes, for the audit line.
	Leads []int64
	// TextLength is the length in characters of the free text sent (a
	// note, a message): the audit line logs the length, never the text.
	TextLength int
	// MustConfirm: the person confirms every call, whatever the server's
	// confirmation mode; a client that cannot ask is refused.
	MustConfirm bool
	// Lookup, when not nil, reads what the question needs; call it before
	// Ask. Its error fails the call with nothing changed.
	Lookup func(ctx context.Context, c *lofty.Client) error
	// Audit, when not nil, is what the audit line adds (Write.Audit).
	Audit func() []slog.Attr
	// Ask is the question put to the person, naming leads with names.
	Ask func(names LeadNames) string
	// Declined is the result of a write the person did not confirm.
	// unconfirmed: they accepted the question with its box unticked.
	Declined func(unconfirmed bool) any
	// Done completes a successful result (status and summary).
	Done func(out any) any
}

// Build implements Tool.
func (s Spec[In, Out]) Build(outputs *schema.Outputs) (*Built, error) {
	in, err := schema.Of[In]()
	if err != nil {
		return nil, fmt.Errorf("tool %s input: %w", s.Name, err)
	}
	out, err := schema.OutputFor[Out](outputs)
	if err != nil {
		return nil, fmt.Errorf("tool %s output: %w", s.Name, err)
	}
	dec, err := schema.NewDecoder(in)
	if err != nil {
		return nil, fmt.Errorf("tool %s input schema: %w", s.Name, err)
	}
	if s.Call == nil {
		return nil, fmt.Errorf("tool %s has no Call", s.Name)
	}
	if s.Write != nil {
		if err := s.Write.wellFormed(); err != nil {
			return nil, fmt.Errorf("write tool %s: %w", s.Name, err)
		}
	}
	if s.Write != nil && outcomeOnly(out) {
		out = nil
	}
	return &Built{Info: s.Info(), InputSchema: in, OutputSchema: out,
		prepare: func(args json.RawMessage) (*Call, error) { return s.prepare(dec, args) }}, nil
}

// prepare decodes args into In, checks them, and binds the call.
func (s Spec[In, Out]) prepare(dec *schema.Decoder, args json.RawMessage) (*Call, error) {
	var in In
	if err := dec.Decode(args, &in); err != nil {
		return nil, err
	}
	if s.Check != nil {
		if err := s.Check(in); err != nil {
			return nil, fmt.Errorf("invalid arguments: %w", err)
		}
	}
	canon, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("invalid arguments: %w", err)
	}
	subject, notFound := s.subject(in), s.notFound(in)
	c := &Call{
		Args: canon,
		run: func(ctx context.Context, lc *lofty.Client) (any, error) {
			return s.Call(ctx, lc, in) // in as Lookup left it
		},
		text:     func(err error) string { return ErrorText(err, subject, notFound) },
		readText: func(err error) string { return ErrorText(err, subject, notFound) },
	}
	if w := s.Write; w != nil {
		c.text = func(err error) string {
			return WriteErrorText(err, subject, notFound, w.Act, w.Check, w.Idempotent)
		}
		c.Write = w.bind(&in)
	}
	return c, nil
}

func (s Spec[In, Out]) subject(in In) string {
	if s.Subject == nil {
		return ""
	}
	return s.Subject(in)
}

func (s Spec[In, Out]) notFound(in In) string {
	if s.NotFound == nil {
		return ""
	}
	return s.NotFound(in)
}

// outcomeOnly reports whether a write's output schema says no more than
// every write's result does: status, summary and at most the one id the
// write made or changed. Such a write lists no outputSchema (its
// structuredContent still carries those fields, as README's Actions section
// says once for all): the same three fields over some twenty writes would
// cost tools/list about 3.5 KB in every conversation for nothing the
// summary does not say.
func outcomeOnly(out json.RawMessage) bool {
	var sch struct {
		Properties map[string]struct {
			Type string `json:"type"`
		} `json:"properties"`
	}
	if json.Unmarshal(out, &sch) != nil {
		return false
	}
	extra := 0
	for name, p := range sch.Properties {
		switch {
		case name == "status" || name == "summary":
		case p.Type == "integer" && strings.HasSuffix(name, "Id") || name == "id":
			extra++
		default:
			return false
		}
	}
	return extra <= 1
}
