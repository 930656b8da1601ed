// Package mcpserver turns lofty-mcp's tool and prompt specs (package tools)
// into an MCP server with mcp-go: one generic adapter for every tool
// (arguments, confirmation of writes, progress, results and error
// sentences, the audit line of a write), the prompts, completion and the
// resource template. It is the only package besides transport/ that
// imports mcp-go, so a move to another MCP library touches two places.
//
// Around every call the adapter also reports progress (progress.go: a call
// with a progressToken gets notifications/progress for each wait, retry and
// page), and remembers the lead IDs of results per credential (recent.go),
// which completion/complete offers (completion.go).
//
// The adapter does the generic work of a write once, for every write tool:
// it is served only when its toolset is asked for and never under
// --read-only (tools.Select, Options.ReadOnly); it asks the person to
// confirm through elicitation when the client can (confirm.go); it writes
// one audit line; and its error sentences say whether the change may have
// been made. The lofty client sends a write once (a POST is retried only
// when Lofty provably did not act on it) and drops the cached reads it
// makes stale.
package mcpserver

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
	"github.com/lofty-mcp/lofty-mcp/tools"
)

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

// annotations are the MCP annotations of a tool with effect e: only the
// hints that differ from MCP's defaults (readOnlyHint false,
// destructiveHint true, idempotentHint false, openWorldHint true), since
// every byte of tools/list is paid for in every conversation and a client
// reads an absent hint as its default. So a read says readOnlyHint true; a
// write says destructiveHint false when it only adds, idempotentHint true
// when repeating it changes nothing more; a write that may remove or
// overwrite and is not idempotent carries no hint at all. The title is the
// tool's own (Tool.Title, which MCP prefers to annotations.title).
func annotations(e tools.Effect) mcp.ToolAnnotation {
	if !e.Writes {
		return mcp.ToolAnnotation{ReadOnlyHint: mcp.ToBoolPtr(true)}
	}
	var a mcp.ToolAnnotation
	if !e.Destructive {
		a.DestructiveHint = mcp.ToBoolPtr(false)
	}
	if e.Idempotent {
		a.IdempotentHint = mcp.ToBoolPtr(true)
	}
	return a
}

// recased reports whether title only re-cases name ("Get lead" for
// get_lead). Such a title is left out of tools/list: a client shows the
// name instead, and the bytes are paid for in every conversation. A title
// that says more ("Get my sales agent" for get_current_sales_agent) stays;
// lofty-mcp tools shows every title.
func recased(title, name string) bool {
	return strings.EqualFold(strings.ReplaceAll(title, " ", "_"), name)
}

// build generates the tool's schemas (once, at start-up) and its handler.
func build(t tools.Tool, env *toolEnv) (server.ServerTool, error) {
	b, err := t.Build(env.outputs)
	if err != nil {
		return server.ServerTool{}, err
	}
	mt := mcp.NewToolWithRawSchema(b.Info.Name, b.Info.Description, b.InputSchema)
	if !recased(b.Info.Title, b.Info.Name) {
		mt.Title = b.Info.Title
	}
	mt.RawOutputSchema = b.OutputSchema
	mt.Annotations = annotations(b.Info.Effect)
	return server.ServerTool{Tool: mt, Handler: handler(b, env)}, nil
}

// handler is the one adapter: decode and check arguments, confirm a write,
// call, and shape the result or the error.
func handler(b *tools.Built, env *toolEnv) server.ToolHandlerFunc {
	name, log := b.Info.Name, env.log
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		start := time.Now()
		call, err := b.Prepare(rawArguments(req))
		if err != nil {
			log.LogAttrs(ctx, slog.LevelDebug, "tool call rejected", slog.String("tool", name), slog.String("reason", err.Error()))
			return mcp.NewToolResultError(err.Error()), nil
		}
		ctx, endProgress := withProgress(ctx, req)
		defer endProgress()
		if call.Write != nil {
			return write(ctx, env, req, b.Info, call, start)
		}
		out, err := call.Run(ctx, env.lofty)
		if err != nil {
			log.LogAttrs(ctx, slog.LevelDebug, "tool call failed", slog.String("tool", name),
				slog.String("kind", lofty.KindOf(err).String()), slog.Duration("duration", time.Since(start)))
			return mcp.NewToolResultError(call.ErrorText(err)), nil
		}
		log.LogAttrs(ctx, slog.LevelDebug, "tool call", slog.String("tool", name), slog.Duration("duration", time.Since(start)))
		return env.result(ctx, name, out)
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
func write(ctx context.Context, env *toolEnv, req mcp.CallToolRequest, info tools.Info, call *tools.Call, start time.Time) (*mcp.CallToolResult, error) {
	w := call.Write
	if w.Lookup != nil {
		if err := w.Lookup(ctx, env.lofty); err != nil {
			a := audit{tool: info.Name, how: "not asked", start: start, leads: w.Leads, textLength: w.TextLength, extra: w.Audit}
			a.failed(err)
			if a.kind != "" {
				a.applied = "no" // a read before the write failed: nothing was sent
			}
			a.log(ctx, env.log)
			return mcp.NewToolResultError(call.LookupErrorText(err)), nil
		}
	}
	names := tools.NewLeadNames(ctx, env.lofty)
	d := env.confirm.confirm(ctx, req, confirmation{tool: info.Name, args: call.Args, question: w.Ask(names),
		title: info.Title, must: w.MustConfirm})
	a := audit{tool: info.Name, how: d.how, start: start, leads: w.Leads, textLength: w.TextLength, extra: w.Audit}
	switch d.verdict {
	case ask:
		env.log.LogAttrs(ctx, slog.LevelDebug, "write awaits the person's answer", slog.String("tool", info.Name))
		return d.result, nil
	case refused:
		a.outcome = "refused"
		a.log(ctx, env.log)
		return mcp.NewToolResultError(d.text), nil
	case declined:
		a.outcome, a.answer = "declined", d.answer
		a.log(ctx, env.log)
		return structuredResult(info.Name, w.Declined(d.answer == "unconfirmed" || d.answer == "malformed"))
	}
	ctx = lofty.RecordStatus(ctx, &a.status)
	out, err := call.Run(ctx, env.lofty)
	if err != nil {
		a.failed(err)
		a.log(ctx, env.log)
		return mcp.NewToolResultError(call.ErrorText(err)), nil
	}
	a.outcome = "done"
	a.log(ctx, env.log)
	return env.result(ctx, info.Name, w.Done(out))
}

// audit is the one info line a write logs: which tool, which leads, how it
// was confirmed, what came of it, Lofty's status and how long it took;
// never the credential, never free text (its length only).
type audit struct {
	tool       string
	leads      []int64
	textLength int
	how        string // person, client, not asked, unanswered
	outcome    string // done, failed, declined, refused (by lofty-mcp, or for want of a way to ask)
	answer     string // the person's answer, when declined
	kind       string // the error kind, when failed
	applied    string // whether a failed write was made: no, unknown, probably
	status     int    // Lofty's HTTP status, 0 when none
	start      time.Time
	extra      func() []slog.Attr // the write's own (Write.Audit); nil: none
}

// failed records a write that failed with err: refused by lofty-mcp before
// anything was sent, or failed at Lofty (with whether it may have been made).
func (a *audit) failed(err error) {
	if tools.IsRefusal(err) {
		a.outcome = "refused"
		return
	}
	a.outcome, a.kind, a.applied = "failed", lofty.KindOf(err).String(), tools.WriteApplied(err).String()
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
	if a.extra != nil {
		attrs = append(attrs, a.extra()...)
	}
	log.LogAttrs(ctx, slog.LevelInfo, "lofty write", attrs...)
}
