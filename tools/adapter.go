// Package tools declares lofty-mcp's MCP tools as Spec values and turns them,
// through one generic adapter, into mcp-go tools and handlers; its prompts
// (PromptSpec values, workflows.go) likewise. Tool and prompt specs know
// nothing of mcp-go; only adapter.go, confirm.go, server.go, resources.go,
// prompt.go, completion.go and progress.go touch it.
//
// Around every call the adapter also reports progress (progress.go: a call
// with a progressToken gets notifications/progress for each wait, retry and
// page), and remembers the lead IDs of results per credential (recent.go),
// which completion/complete offers (completion.go).
//
// A new tool is:
//
//  1. its Lofty method in lofty/, and the route of lofty/fakelofty that
//     answers it;
//  2. one package-level Spec value here, in the file of its Lofty area,
//     naming its toolset (a new toolset is one row of Toolsets); a tool that
//     changes data in Lofty also has a Write (what it changes, the question
//     put to the person, what its result says) and a result type that
//     embeds Outcome;
//  3. go generate ./...
//
// which registers the spec (zz_generated_registry.go) and writes its README
// row, its mcpb/manifest.json entry and its tools/list snapshot
// (testdata/snapshots/<tool>.json). The table-driven tests of
// registry_test.go then call it as they call every tool: its example, bad
// arguments, each Lofty error, and every shape of Lofty answer, each result
// validated against its outputSchema; a write also declined by the person,
// with nothing sent.
//
// The adapter does the generic work of a write once, for every write tool:
// it is served only when its toolset is asked for and never under
// --read-only (Select, Options.ReadOnly); it asks the person to confirm
// through elicitation when the client can (confirm.go); it writes one audit
// line; and its error sentences say whether the change may have been made.
// The lofty client sends a write once (a POST is retried only when Lofty
// provably did not act on it) and drops the cached reads it makes stale.
package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/schema"
)

// Spec declares one Lofty tool: In is what the model sends, Out what it
// gets back as structured content. A package-level Spec value is all a tool
// needs: `go generate ./...` registers it (zz_generated_registry.go) and
// writes its README row, bundle manifest entry and tools/list snapshot, and
// the table-driven tests call it. A tool only reads unless Write says what
// it changes; the adapter then does the rest (see Write).
type Spec[In, Out any] struct {
	Name        string
	Title       string
	Description string
	// Toolset groups tools for selection; it must name a toolset of Toolsets.
	Toolset string
	// Upstream is the Lofty endpoint the tool calls, for docs ("GET /v1.0/leads").
	Upstream string
	// Example is JSON arguments that the demo data answers successfully
	// (e.g. `{"leadId": 563172647619608}`); empty means {}. Tests call every
	// tool with it.
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

// Tool is a Spec with its types erased, ready to be built.
type Tool interface {
	// Info describes the tool for listings.
	Info() Info
	build(env *toolEnv) (server.ServerTool, error)
}

// Info is what a Spec says about its tool, for listings, docs and tests.
type Info struct {
	Name        string
	Title       string
	Description string
	Toolset     string
	Upstream    string
	Example     string // JSON arguments; never empty ({} at least)
	Effect      Effect
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
}

// Info implements Tool.
func (s Spec[In, Out]) Info() Info {
	example := s.Example
	if example == "" {
		example = "{}"
	}
	info := Info{Name: s.Name, Title: s.Title, Description: s.Description, Toolset: s.Toolset,
		Upstream: s.Upstream, Example: example}
	if s.Write != nil {
		info.Effect = Effect{Writes: true, Destructive: s.Write.Destructive, Idempotent: s.Write.Idempotent}
	}
	return info
}

// toolEnv is what the adapter builds every tool with.
type toolEnv struct {
	lofty   *lofty.Client
	log     *slog.Logger
	confirm *confirmer   // how writes are confirmed
	recent  *recentLeads // lead IDs of recent results, per credential; nil: none kept
	// outputs makes the output schemas in listing order, each shared
	// shape described once; nil: every schema describes all it has.
	outputs *schema.Outputs
}

// annotations are the MCP annotations of a tool with effect e, the hints
// that mean something and differ from MCP's defaults, since every byte of
// tools/list is paid for in every conversation: readOnlyHint always;
// destructiveHint and idempotentHint only for writes (MCP: "meaningful only
// when readOnlyHint == false"); no openWorldHint (every tool reaches Lofty,
// and true is the default); the title is the tool's own (Tool.Title, which
// MCP prefers to annotations.title).
func annotations(e Effect) mcp.ToolAnnotation {
	a := mcp.ToolAnnotation{ReadOnlyHint: mcp.ToBoolPtr(!e.Writes)}
	if e.Writes {
		a.DestructiveHint = mcp.ToBoolPtr(e.Destructive)
		a.IdempotentHint = mcp.ToBoolPtr(e.Idempotent)
	}
	return a
}

// build generates the tool's schemas (once, at start-up) and its handler.
func (s Spec[In, Out]) build(env *toolEnv) (server.ServerTool, error) {
	in, err := schema.Of[In]()
	if err != nil {
		return server.ServerTool{}, fmt.Errorf("tool %s input: %w", s.Name, err)
	}
	out, err := schema.OutputFor[Out](env.outputs)
	if err != nil {
		return server.ServerTool{}, fmt.Errorf("tool %s output: %w", s.Name, err)
	}
	args, err := newArgDecoder[In](in)
	if err != nil {
		return server.ServerTool{}, fmt.Errorf("tool %s: %w", s.Name, err)
	}
	if s.Write != nil {
		if err := s.Write.wellFormed(); err != nil {
			return server.ServerTool{}, fmt.Errorf("write tool %s: %w", s.Name, err)
		}
	}
	t := mcp.NewToolWithRawSchema(s.Name, s.Description, in)
	t.Title = s.Title
	t.RawOutputSchema = out
	t.Annotations = annotations(s.Info().Effect)
	return server.ServerTool{Tool: t, Handler: s.handler(env, args)}, nil
}

// handler is the one adapter: decode and check arguments, confirm a write,
// call, and shape the result or the error.
func (s Spec[In, Out]) handler(env *toolEnv, args *argDecoder) server.ToolHandlerFunc {
	log := env.log
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		start := time.Now()
		var in In
		err := args.decode(rawArguments(req), &in)
		if err == nil && s.Check != nil {
			if cerr := s.Check(in); cerr != nil {
				err = fmt.Errorf("invalid arguments: %w", cerr)
			}
		}
		if err != nil {
			log.LogAttrs(ctx, slog.LevelDebug, "tool call rejected", slog.String("tool", s.Name), slog.String("reason", err.Error()))
			return mcp.NewToolResultError(err.Error()), nil
		}
		ctx, endProgress := withProgress(ctx, req)
		defer endProgress()
		if s.Write != nil {
			return s.write(ctx, env, req, in, start)
		}
		out, err := s.Call(ctx, env.lofty, in)
		if err != nil {
			log.LogAttrs(ctx, slog.LevelDebug, "tool call failed", slog.String("tool", s.Name),
				slog.String("kind", lofty.KindOf(err).String()), slog.Duration("duration", time.Since(start)))
			return mcp.NewToolResultError(s.errorText(in, err)), nil
		}
		log.LogAttrs(ctx, slog.LevelDebug, "tool call", slog.String("tool", s.Name), slog.Duration("duration", time.Since(start)))
		return env.result(ctx, s.Name, out)
	}
}

// result is a successful result (structuredResult), whose lead IDs are
// remembered for the credential of the call (completion offers them).
func (env *toolEnv) result(ctx context.Context, tool string, out any) (*mcp.CallToolResult, error) {
	res, err := structuredResult(tool, out)
	if err == nil && env.recent != nil {
		// Only a result with a lead ID costs the credential's hash.
		if body, ok := res.StructuredContent.(json.RawMessage); ok && bytes.Contains(body, leadIDKey) {
			env.recent.noteResult(env.lofty.CredentialKey(ctx), body)
		}
	}
	return res, err
}

// structuredResult is a successful result: out as structured content and
// the same JSON as text.
func structuredResult(tool string, out any) (*mcp.CallToolResult, error) {
	body, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encode %s result: %w", tool, err)
	}
	return &mcp.CallToolResult{
		Content:           []mcp.Content{mcp.NewTextContent(string(body))},
		StructuredContent: json.RawMessage(body),
	}, nil
}

func (s Spec[In, Out]) errorText(in In, err error) string {
	return ErrorText(err, s.subject(in), s.notFound(in))
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

// rawArguments returns the call's arguments as the client sent them.
func rawArguments(req mcp.CallToolRequest) json.RawMessage {
	if len(req.Params.RawArguments) > 0 {
		return req.Params.RawArguments
	}
	if req.Params.Arguments == nil {
		return nil
	}
	raw, err := json.Marshal(req.Params.Arguments)
	if err != nil {
		return nil
	}
	return raw
}

// write is the adapter's path for a write tool: confirm, call, audit, and
// shape the result. Nothing reaches Lofty unless the write was confirmed
// (or needed no confirmation).
func (s Spec[In, Out]) write(ctx context.Context, env *toolEnv, req mcp.CallToolRequest, in In, start time.Time) (*mcp.CallToolResult, error) {
	w := s.Write
	names := newLeadNames(ctx, env.lofty)
	args, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encode %s arguments: %w", s.Name, err)
	}
	d := env.confirm.confirm(ctx, req, s.Name, args, w.Ask(in, names), s.Title)
	a := audit{tool: s.Name, how: d.how, start: start}
	if w.Leads != nil {
		a.leads = w.Leads(in)
	}
	if w.TextLength != nil {
		a.textLength = w.TextLength(in)
	}
	switch d.verdict {
	case ask:
		env.log.LogAttrs(ctx, slog.LevelDebug, "write awaits the person's answer", slog.String("tool", s.Name))
		return d.result, nil
	case refused:
		a.outcome = "refused"
		a.log(ctx, env.log)
		return mcp.NewToolResultError(d.text), nil
	case declined:
		a.outcome, a.answer = "declined", d.answer
		a.log(ctx, env.log)
		var out Out
		verb := "declined to"
		if d.answer == "unconfirmed" {
			verb = "did not confirm that they want to"
		}
		any(&out).(hasOutcome).outcome().Status = StatusDeclined
		any(&out).(hasOutcome).outcome().Summary = "Nothing was changed in Lofty: the person " + verb + " " + w.Act +
			" when asked. Do not try again unless they ask for it."
		return structuredResult(s.Name, out)
	}
	ctx = lofty.RecordStatus(ctx, &a.status)
	out, err := s.Call(ctx, env.lofty, in)
	if err != nil {
		a.outcome, a.kind, a.applied = "failed", lofty.KindOf(err).String(), WriteApplied(err).String()
		a.log(ctx, env.log)
		return mcp.NewToolResultError(WriteErrorText(err, s.subject(in), s.notFound(in), w.Act, w.Check, w.Idempotent)), nil
	}
	a.outcome = "done"
	a.log(ctx, env.log)
	o := any(&out).(hasOutcome).outcome()
	o.Status, o.Summary = StatusDone, w.Done(in, out, names)
	return env.result(ctx, s.Name, out)
}

// audit is the one info line a write logs: which tool, which leads, how it
// was confirmed, what came of it, Lofty's status and how long it took;
// never the credential, never free text (its length only).
type audit struct {
	tool       string
	leads      []int64
	textLength int
	how        string // person, client, not asked
	outcome    string // done, failed, declined, refused
	answer     string // the person's answer, when declined
	kind       string // the error kind, when failed
	applied    string // whether a failed write was made: no, unknown, probably
	status     int    // Lofty's HTTP status, 0 when none
	start      time.Time
}

func (a audit) log(ctx context.Context, log *slog.Logger) {
	ids := make([]string, len(a.leads))
	for i, id := range a.leads {
		ids[i] = strconv.FormatInt(id, 10)
	}
	attrs := []slog.Attr{
		slog.String("tool", a.tool),
		slog.String("leads", strings.Join(ids, ",")),
		slog.String("outcome", a.outcome),
		slog.String("confirmed_by", a.how),
		slog.Int("lofty_status", a.status),
		slog.Duration("duration", time.Since(a.start)),
	}
	if a.textLength > 0 {
		attrs = append(attrs, slog.Int("text_length", a.textLength))
	}
	if a.answer != "" {
		attrs = append(attrs, slog.String("answer", a.answer))
	}
	if a.kind != "" {
		attrs = append(attrs, slog.String("kind", a.kind), slog.String("applied", a.applied))
	}
	log.LogAttrs(ctx, slog.LevelInfo, "lofty write", attrs...)
}
