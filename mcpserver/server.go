package mcpserver

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/schema"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// withSettings makes every tool's handler see s in its context.
func withSettings(ts []server.ServerTool, s tools.Settings) {
	for i := range ts {
		h := ts[i].Handler
		ts[i].Handler = func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return h(tools.WithSettings(ctx, s), req)
		}
	}
}

// Options configures NewServer.
type Options struct {
	Name         string // server name; default "lofty-mcp"
	Version      string
	Instructions string
	Logger       *slog.Logger // default: discard
	// Tools are the tools to serve; when nil, Toolsets and AllowTools select
	// them (see Select): by default, the default toolsets.
	Tools      []tools.Tool
	Toolsets   []string // toolset names, or "all"; empty: the default toolsets
	AllowTools []string // when not empty, serve only these tools
	// Settings are what tools read of the server's configuration (how many
	// pages find_leads looks through, ...); zero values take the defaults.
	Settings tools.Settings
	// ReadOnly removes every tool that writes, whatever else is configured.
	ReadOnly bool
	// ConfirmWrites says when the person confirms a write ("": ConfirmAuto).
	ConfirmWrites ConfirmMode
	// Prompts are the prompts to serve; nil: every prompt (Prompts()).
	// Their text names only the tools served.
	Prompts []tools.Prompt
	// ToolsPerRequest: a transport narrows each request's tools (the HTTP
	// transport: its sign-in's scopes, its URL's selection), so a
	// tools/list result belongs to one authorization and its 2026-07-28
	// cache hint says private rather than public.
	ToolsPerRequest bool
}

// DefaultInstructions tell the model, in a few sentences, how the tools fit
// together.
const DefaultInstructions = readOnlyIntro + " " +
	"Find first, then ask by ID: when you have a person's name, email or phone, call find_leads, then pass the leadId it " +
	"returns to the other tools (get_lead, get_sales_agent_by_lead, ...). " +
	"Lead IDs are 64-bit: send them as JSON integers or strings of digits, exactly as a tool returned them. " +
	"A result with isError true is a sentence saying what went wrong and what to do (check the ID, retry after the " +
	"time it gives, ask for access): act on it rather than guess, and do not retry sooner than it says."

const (
	readOnlyIntro = "lofty-mcp gives read-only access to the Lofty real-estate CRM Open API."
	writesIntro   = "lofty-mcp gives access to the Lofty real-estate CRM Open API."
)

// WriteInstructions are added to the instructions when a tool that writes is
// served.
const WriteInstructions = "Tools whose readOnlyHint is false change data in Lofty, and the person may be asked to " +
	"confirm each call: a result with status \"declined\" means they said no and nothing changed (do not call it again " +
	"unless they ask). A failed write's error says whether the change may have been made: never repeat one that may " +
	"have gone through without checking first."

// listCacheTTL is how long a client may reuse a list result (tools, prompts,
// resources, templates: fixed while the server runs) before asking again
// (protocol 2026-07-28 cache hints). They hold nothing of any credential, so
// shared caches may keep them too.
const listCacheTTL = 5 * time.Minute

// NewServer builds the MCP server: every tool from o.Tools registered
// through the adapter. Transports (stdio, HTTP) serve the returned server.
//
// mcp-go's per-call schema validation stays off: the adapter's argument
// decoder checks every argument exactly (64-bit integers, bounds, enums,
// unknown names) and says what is wrong in words, and results are encoded
// from the typed structs their outputSchema is generated from; tests validate
// every tool's results against that schema. Measured, mcp-go's checks cost
// about twice the CPU of a call, re-parsing every result, cached ones too.
func NewServer(c *lofty.Client, o Options) (*server.MCPServer, error) {
	if o.Name == "" {
		o.Name = "lofty-mcp"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	ts, err := ServedTools(o)
	if err != nil {
		return nil, err
	}
	o.Tools = ts
	if o.Instructions == "" {
		o.Instructions = DefaultInstructions
	}
	settings, err := o.Settings.Complete()
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(o.Tools, func(t tools.Tool) bool { return t.Info().Effect.Writes }) {
		// DefaultInstructions (which demo mode's instructions start with)
		// says read-only: no longer true.
		o.Instructions = strings.Replace(o.Instructions, readOnlyIntro, writesIntro, 1) + "\n\n" + WriteInstructions
	}
	confirm, err := newConfirmer(o.ConfirmWrites)
	if err != nil {
		return nil, err
	}
	recent := newRecentLeads()
	env := &toolEnv{lofty: c, log: o.Logger, confirm: confirm, recent: recent, outputs: schema.NewOutputs()}
	names := map[string]bool{}
	var serverTools []server.ServerTool
	for _, t := range o.Tools {
		b, err := build(t, env)
		if err != nil {
			return nil, err
		}
		if names[b.Tool.Name] {
			return nil, fmt.Errorf("tool %s registered twice", b.Tool.Name)
		}
		names[b.Tool.Name] = true
		serverTools = append(serverTools, b)
	}

	withSettings(serverTools, settings)

	if o.Prompts == nil {
		o.Prompts = tools.Prompts()
	}
	complete := newCompleter(c, recent, o.Logger)
	complete.template = names[tools.GetSalesAgentByLead.Name]
	served := tools.NewServed(o.Tools, o.ReadOnly)
	var serverPrompts []server.ServerPrompt
	for _, p := range o.Prompts {
		sp, args, err := buildPrompt(p, served)
		if err != nil {
			return nil, err
		}
		if _, dup := complete.prompts[sp.Prompt.Name]; dup {
			return nil, fmt.Errorf("prompt %s registered twice", sp.Prompt.Name)
		}
		complete.prompts[sp.Prompt.Name] = args
		serverPrompts = append(serverPrompts, sp)
	}

	ttl := listCacheTTL.Milliseconds()
	opts := []server.ServerOption{
		server.WithToolCapabilities(false),
		server.WithRecovery(),
		server.WithInstructions(o.Instructions),
		server.WithCompletions(),
		// logging/setLevel is answered (a client may set a level); lofty-mcp
		// logs to stderr and sends no log notifications of its own.
		server.WithLogging(),
		server.WithResourceCompletionProvider(complete),
		server.WithPromptCompletionProvider(complete),
	}
	for _, m := range []mcp.MCPMethod{mcp.MethodToolsList, mcp.MethodPromptsList, mcp.MethodResourcesList,
		mcp.MethodResourcesTemplatesList, mcp.MethodServerDiscover} {
		scope := mcp.CacheScopePublic
		if m == mcp.MethodToolsList && o.ToolsPerRequest {
			scope = mcp.CacheScopePrivate
		}
		opts = append(opts, server.WithMethodCacheHints(m, ttl, scope))
	}
	// A request that carries an access.Request (HTTP) sees only the tools
	// its selection and sign-in allow; others see every tool served.
	opts = append(opts, server.WithToolFilter(accessFilter(NewCatalog(o.Tools))))
	if len(serverPrompts) > 0 {
		opts = append(opts, server.WithPromptCapabilities(false))
	}
	hooks := &server.Hooks{}
	hooks.AddAfterSubscriptionsListen(awaitListenAck)
	opts = append(opts, server.WithHooks(hooks))
	s := server.NewMCPServer(o.Name, o.Version, opts...)
	s.AddTools(serverTools...)
	s.AddPrompts(serverPrompts...)
	if complete.template {
		tmpl, handler, err := salesAgentResourceTemplate(c, o.Logger)
		if err != nil {
			return nil, err
		}
		s.AddResourceTemplate(tmpl, handler)
	}
	return s, nil
}

// awaitListenAck runs after subscriptions/listen, before its answer is
// written. lofty-mcp declares no list changes and no resource
// subscriptions, so a 2026-07-28 client's subscriptions/listen establishes
// nothing: mcp-go queues the acknowledgement on the request's session and
// answers at once. Its Streamable HTTP handler (v1.2.1, streamable_http.go
// handlePost) forwards queued notifications on a goroutine that drops one it
// took but had not written when the answer goes out, so the
// acknowledgement, which must come first on the stream, was often missing.
// awaitForwarded lets the forwarder write it first (stdio flushes its queue
// itself).
func awaitListenAck(ctx context.Context, _ any, _ *mcp.SubscriptionsListenRequest, _ *mcp.SubscriptionsListenResult) {
	awaitForwarded(ctx)
}

// WithoutWrites returns the tools of ts that only read, and the names of
// those it removed.
func WithoutWrites(ts []tools.Tool) (reads []tools.Tool, removed []string) {
	for _, t := range ts {
		if t.Info().Effect.Writes {
			removed = append(removed, t.Info().Name)
			continue
		}
		reads = append(reads, t)
	}
	return reads, removed
}

// ToolsListResult is the tools/list result of a server serving ts, exactly
// as it is sent (compact JSON).
func ToolsListResult(ts []tools.Tool) (json.RawMessage, error) {
	s, err := NewServer(nil, Options{Tools: ts})
	if err != nil {
		return nil, err
	}
	resp := s.HandleMessage(context.Background(), []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}`))
	raw, err := json.Marshal(resp)
	if err != nil {
		return nil, err
	}
	var env struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(raw, &env); err != nil || len(env.Result) == 0 {
		return nil, fmt.Errorf("tools/list gave no result: %.200s", raw)
	}
	return env.Result, nil
}
