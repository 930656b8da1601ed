package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

// inProcessClient connects an initialized MCP client to a's server, so the
// CLI commands go through the same server code path as any MCP client.
// With ask, the client can put the server's questions to the person
// (elicitation).
func inProcessClient(ctx context.Context, a *app, ask client.ElicitationHandler) (*client.Client, error) {
	opts := []client.ClientOption{client.WithProtocolVersion(mcp.LATEST_LEGACY_PROTOCOL_VERSION)}
	if ask != nil {
		opts = append(opts, client.WithElicitationHandler(ask))
	}
	c, err := client.NewInProcessClientWithOptions(a.server, opts...)
	if err != nil {
		return nil, err
	}
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	req.Params.ClientInfo = mcp.Implementation{Name: "lofty-mcp-cli", Version: buildVersion()}
	if _, err := c.Initialize(ctx, req); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// terminalAsker puts the server's confirmation questions to the person at
// the terminal: the question on stderr, their answer on stdin. Only "y" or
// "yes" confirms; anything else, or no answer (stdin closed or empty),
// declines, so a call run by a script never confirms a change by itself.
type terminalAsker struct {
	in  *bufio.Reader
	out io.Writer
}

// Elicit implements client.ElicitationHandler.
func (t terminalAsker) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	fmt.Fprintf(t.out, "%s\n\nConfirm? [y/N] ", req.Params.Message)
	line, _ := t.in.ReadString('\n')
	if answer := strings.ToLower(strings.TrimSpace(line)); answer == "y" || answer == "yes" {
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{
			Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"confirm": true}}}, nil
	}
	fmt.Fprintln(t.out)
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionDecline}}, nil
}

// runCall calls one tool and prints its structured result (exit 0) or its
// error text (exit 1). The tool's name is checked before its arguments, and
// a refusal shows that tool's own example. A tool the person must confirm
// (administration, deletes) asks at the terminal: whoever types the
// command is the person, and the question shows what it would change.
func runCall(ctx context.Context, a *app, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	name, rawArgs := args[0], "{}"
	if len(args) == 2 {
		rawArgs = args[1]
	}
	if a.server.GetTool(name) == nil {
		fmt.Fprintf(stderr, "lofty-mcp: %s\n", notServed(name, servedTools(a)))
		return exitUsage
	}
	if !json.Valid([]byte(rawArgs)) {
		fmt.Fprintf(stderr, "lofty-mcp: the arguments for %s are not valid JSON; expected one JSON object, e.g. lofty-mcp call %s '%s'\n",
			name, name, exampleOf(name))
		return exitUsage
	}
	var ask client.ElicitationHandler
	if t, ok := toolNamed(name); ok && t.Info().Effect.MustConfirm {
		ask = terminalAsker{in: bufio.NewReader(stdin), out: stderr}
	}
	c, err := inProcessClient(ctx, a, ask)
	if err != nil {
		fmt.Fprintf(stderr, "lofty-mcp: %v\n", err)
		return exitError
	}
	defer c.Close()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = json.RawMessage(rawArgs)
	res, err := c.CallTool(ctx, req)
	if err != nil {
		fmt.Fprintf(stderr, "lofty-mcp: %s: %v\n", name, err)
		return exitError
	}
	if res.IsError {
		fmt.Fprintln(stderr, resultText(res))
		return exitError
	}
	// The text block holds the structured result's exact JSON; print that
	// rather than the client's decoded copy, whose numbers went through
	// float64 and would round IDs above 2^53.
	text := resultText(res)
	var out bytes.Buffer
	if res.StructuredContent != nil && json.Indent(&out, []byte(text), "", "  ") == nil {
		fmt.Fprintf(stdout, "%s\n", out.Bytes())
		return exitOK
	}
	fmt.Fprintln(stdout, text)
	return exitOK
}

// toolNamed returns the tool lofty-mcp has under name, served or not.
func toolNamed(name string) (tools.Tool, bool) {
	for _, t := range tools.All() {
		if t.Info().Name == name {
			return t, true
		}
	}
	return nil, false
}

// exampleOf is the example arguments of the tool named name ({} if none).
func exampleOf(name string) string {
	if t, ok := toolNamed(name); ok {
		return t.Info().Example
	}
	return "{}"
}

// notServed says why a tool cannot be called: it does not exist, or its
// toolset is not served (and how to serve it).
func notServed(name string, served []string) string {
	t, ok := toolNamed(name)
	if !ok {
		return fmt.Sprintf("no tool %q; tools served: %s (lofty-mcp tools lists them by toolset)", name, strings.Join(served, ", "))
	}
	info := t.Info()
	how := "add --toolsets " + info.Toolset
	if info.AlsoToolset != "" {
		how += "," + info.AlsoToolset
	}
	if info.Effect.Writes {
		how += " (and leave out --read-only)"
	}
	return fmt.Sprintf("%s is not served: it is in the toolset %s, which this configuration does not serve; %s", name,
		info.ToolsetNames(), how)
}

// servedTools names the tools a's server serves, sorted.
func servedTools(a *app) []string {
	names := slices.Sorted(maps.Keys(a.server.ListTools()))
	return names
}

func resultText(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if t, ok := mcp.AsTextContent(c); ok {
			parts = append(parts, t.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// runTools lists the tools, or prints the full tools/list result as JSON.
func runTools(ctx context.Context, a *app, asJSON bool, stdout, stderr io.Writer) int {
	raw, err := toolsListJSON(ctx, a)
	if err != nil {
		fmt.Fprintf(stderr, "lofty-mcp: %v\n", err)
		return exitError
	}
	if asJSON {
		var out bytes.Buffer
		_ = json.Indent(&out, raw, "", "  ")
		out.WriteByte('\n')
		_, _ = stdout.Write(out.Bytes())
		return exitOK
	}
	var res mcp.ListToolsResult
	if err := json.Unmarshal(raw, &res); err != nil {
		fmt.Fprintf(stderr, "lofty-mcp: %v\n", err)
		return exitError
	}
	listed := map[string]mcp.Tool{}
	for _, t := range res.Tools {
		listed[t.Name] = t
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	first := true
	for _, ts := range tools.Toolsets() {
		var rows []string
		for _, t := range tools.All() {
			info := t.Info()
			if info.Toolset != ts.Name {
				continue
			}
			// The tool's own title: tools/list leaves out one that only
			// re-cases the name, but a person reading this list wants it.
			if _, ok := listed[info.Name]; ok {
				rows = append(rows, fmt.Sprintf("  %s\t%s\t%s", info.Name, info.Title, effectWord(info.Effect)))
			}
		}
		if len(rows) == 0 {
			continue
		}
		if !first {
			fmt.Fprintln(tw)
		}
		first = false
		fmt.Fprintf(tw, "%s: %s\n", ts.Name, ts.Description)
		for _, r := range rows {
			fmt.Fprintln(tw, r)
		}
	}
	_ = tw.Flush()
	fmt.Fprintln(stdout, "\nlofty-mcp help TOOL describes one tool; --toolsets selects toolsets (lofty-mcp --help).")
	return exitOK
}

// effectWord says in a word what a tool does to Lofty's data.
func effectWord(e tools.Effect) string {
	switch {
	case !e.Writes:
		return "reads"
	case e.Destructive:
		return "changes (destructive)"
	}
	return "changes"
}

// toolsListJSON is the tools/list result exactly as the server sends it.
func toolsListJSON(ctx context.Context, a *app) (json.RawMessage, error) {
	resp := a.server.HandleMessage(ctx, []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}`))
	raw, err := json.Marshal(resp)
	if err != nil {
		return nil, err
	}
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, err
	}
	if env.Error != nil {
		return nil, fmt.Errorf("tools/list: %s", env.Error.Message)
	}
	return env.Result, nil
}
