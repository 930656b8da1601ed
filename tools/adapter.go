// Package tools declares lofty-mcp's MCP tools as Spec values and turns them,
// through one generic adapter, into mcp-go tools and handlers. Tool specs
// know nothing of mcp-go; only adapter.go, server.go and resources.go touch it.
//
// A new read tool is:
//
//  1. its Lofty method in lofty/, and the route of lofty/loftytest that
//     answers it;
//  2. one package-level Spec value here, in the file of its Lofty area,
//     naming its toolset (a new toolset is one row of Toolsets);
//  3. go generate ./...
//
// which registers the spec (zz_generated_registry.go) and writes its README
// row, its mcpb/manifest.json entry and its tools/list snapshot
// (testdata/snapshots/<tool>.json). The table-driven tests of
// registry_test.go then call it as they call every tool: its example, bad
// arguments, each Lofty error, and every shape of Lofty answer, each result
// validated against its outputSchema.
package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/schema"
)

// Spec declares one read-only Lofty tool: In is what the model sends, Out
// what it gets back as structured content. A package-level Spec value is all
// a tool needs: `go generate ./...` registers it (zz_generated_registry.go)
// and writes its README row, bundle manifest entry and tools/list snapshot,
// and the table-driven tests call it.
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
	// Call does the work.
	Call func(ctx context.Context, c *lofty.Client, in In) (Out, error)
	// Subject names what the call was about in error sentences, e.g. "lead 42".
	Subject func(in In) string
	// NotFound is the sentence for a Lofty 404, e.g. "Lead 42 has no AI sales agent.".
	NotFound func(in In) string
}

// Tool is a Spec with its types erased, ready to be built.
type Tool interface {
	// Info describes the tool for listings.
	Info() Info
	build(c *lofty.Client, log *slog.Logger) (server.ServerTool, error)
}

// Info is what a Spec says about its tool, for listings, docs and tests.
type Info struct {
	Name        string
	Title       string
	Description string
	Toolset     string
	Upstream    string
	Example     string // JSON arguments; never empty ({} at least)
}

// Info implements Tool.
func (s Spec[In, Out]) Info() Info {
	example := s.Example
	if example == "" {
		example = "{}"
	}
	return Info{Name: s.Name, Title: s.Title, Description: s.Description, Toolset: s.Toolset,
		Upstream: s.Upstream, Example: example}
}

// build generates the tool's schemas (once, at start-up) and its handler.
func (s Spec[In, Out]) build(c *lofty.Client, log *slog.Logger) (server.ServerTool, error) {
	in, err := schema.Of[In]()
	if err != nil {
		return server.ServerTool{}, fmt.Errorf("tool %s input: %w", s.Name, err)
	}
	out, err := schema.OutputOf[Out]()
	if err != nil {
		return server.ServerTool{}, fmt.Errorf("tool %s output: %w", s.Name, err)
	}
	args, err := newArgDecoder[In](in)
	if err != nil {
		return server.ServerTool{}, fmt.Errorf("tool %s: %w", s.Name, err)
	}
	t := mcp.NewToolWithRawSchema(s.Name, s.Description, in)
	t.Title = s.Title
	t.RawOutputSchema = out
	t.Annotations = mcp.ToolAnnotation{
		Title:           s.Title,
		ReadOnlyHint:    mcp.ToBoolPtr(true),
		DestructiveHint: mcp.ToBoolPtr(false),
		IdempotentHint:  mcp.ToBoolPtr(true),
		OpenWorldHint:   mcp.ToBoolPtr(true),
	}
	return server.ServerTool{Tool: t, Handler: s.handler(c, args, log)}, nil
}

// handler is the one adapter: decode and check arguments, call, and shape
// the result or the error.
func (s Spec[In, Out]) handler(c *lofty.Client, args *argDecoder, log *slog.Logger) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		start := time.Now()
		var in In
		if err := args.decode(rawArguments(req), &in); err != nil {
			log.LogAttrs(ctx, slog.LevelDebug, "tool call rejected", slog.String("tool", s.Name), slog.String("reason", err.Error()))
			return mcp.NewToolResultError(err.Error()), nil
		}
		out, err := s.Call(ctx, c, in)
		if err != nil {
			log.LogAttrs(ctx, slog.LevelDebug, "tool call failed", slog.String("tool", s.Name),
				slog.String("kind", lofty.KindOf(err).String()), slog.Duration("duration", time.Since(start)))
			return mcp.NewToolResultError(s.errorText(in, err)), nil
		}
		body, err := json.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("encode %s result: %w", s.Name, err)
		}
		log.LogAttrs(ctx, slog.LevelDebug, "tool call", slog.String("tool", s.Name), slog.Duration("duration", time.Since(start)))
		return &mcp.CallToolResult{
			Content:           []mcp.Content{mcp.NewTextContent(string(body))},
			StructuredContent: json.RawMessage(body),
		}, nil
	}
}

func (s Spec[In, Out]) errorText(in In, err error) string {
	subject, notFound := "", ""
	if s.Subject != nil {
		subject = s.Subject(in)
	}
	if s.NotFound != nil {
		notFound = s.NotFound(in)
	}
	return ErrorText(err, subject, notFound)
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
