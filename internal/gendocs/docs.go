package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/schema"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// A generated README section: the text between its two markers.
type section struct{ start, end string }

var (
	toolsSection    = section{"<!-- tools:start -->", "<!-- tools:end -->"}
	coverageSection = section{"<!-- coverage:start -->", "<!-- coverage:end -->"}
)

const generatedNote = "<!-- Generated from the tool specs by `go generate ./...`; do not edit by hand. -->\n\n"

// toolsDocs returns README's tool section (without the markers): the
// toolsets with what each costs in tools/list, every tool with the Lofty
// operations it calls, its effect and its arguments, and the prompts.
func toolsDocs() (string, error) {
	var b strings.Builder
	b.WriteString(generatedNote)
	b.WriteString("| toolset | served | tools/list bytes | tools |\n|---|---|---|---|\n")
	for _, ts := range tools.Toolsets() {
		var names []string
		var members []tools.Tool
		for _, t := range tools.All() {
			if t.Info().Toolset == ts.Name {
				names = append(names, "`"+t.Info().Name+"`")
				members = append(members, t)
			}
		}
		size, err := listBytes(members)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "| `%s` | %s | %d | %s |\n", ts.Name, servedDoc(ts, members), size, strings.Join(names, ", "))
	}
	def, err := tools.Select(nil, nil)
	if err != nil {
		return "", err
	}
	all, err := tools.Select([]string{tools.AllToolsets}, nil)
	if err != nil {
		return "", err
	}
	defBytes, err := listBytes(def)
	if err != nil {
		return "", err
	}
	allBytes, err := listBytes(all)
	if err != nil {
		return "", err
	}
	everyBytes, err := listBytes(tools.All())
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "\nThe `tools/list` result a client reads (and a model pays for in every conversation) is %d bytes "+
		"with the default toolsets, %d with `--toolsets %s`, and %d with every toolset named.\n",
		defBytes, allBytes, tools.AllToolsets, everyBytes)

	b.WriteString("\n| tool | toolset | Lofty operations | what it does | arguments |\n|---|---|---|---|---|\n")
	for _, t := range tools.All() {
		built, err := t.Build(nil)
		if err != nil {
			return "", err
		}
		info := built.Info
		args, err := schema.Arguments(built.InputSchema)
		if err != nil {
			return "", fmt.Errorf("tool %s: %w", info.Name, err)
		}
		argText := "none"
		if len(args) > 0 {
			parts := make([]string, len(args))
			for i, a := range args {
				parts[i] = a.String()
			}
			argText = strings.Join(parts, "; ")
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s%s | %s |\n", info.Name, info.Toolset, upstreamDoc(info.Upstream),
			effectDoc(info.Effect), cell(info.Description), cell(argText))
	}
	b.WriteString("\nInteger arguments take a JSON integer or a decimal string (`\"563172647619608\"`), in arrays too; 64-bit IDs reach Lofty exactly. " +
		"Every tool returns `structuredContent` matching its `outputSchema`. Tools marked **changes Lofty** are not read-only: " +
		"they are served only when their toolset is named, never under `--read-only`, and the person is asked to confirm " +
		"each call when the client can ask (see [Actions](#actions)); the others only read. " +
		"`lofty-mcp help TOOL` prints one tool's description, arguments, Lofty operations and a runnable example.\n")
	fmt.Fprintf(&b, "\nResource template: `%s` (`application/json`) serves the same JSON as `get_sales_agent_by_lead`; "+
		"it is offered when that tool is.\n", mcpserver.SalesAgentResourceTemplate)
	b.WriteString("\n| prompt | arguments | what it does |\n|---|---|---|\n")
	for _, p := range tools.Prompts() {
		info := p.PromptInfo()
		var args []string
		for _, a := range info.Arguments {
			facts := "text"
			if len(a.Enum) > 0 {
				facts = "one of " + strings.Join(a.Enum, ", ")
			}
			if a.Required {
				facts += ", required"
			}
			args = append(args, fmt.Sprintf("`%s` (%s): %s", a.Name, facts, a.Description))
		}
		if len(args) == 0 {
			args = []string{"none"}
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", info.Name, cell(strings.Join(args, "; ")), cell(info.Description))
	}
	b.WriteString("\nEach prompt's steps name only the tools the server serves, and say which toolsets would serve the rest.\n")
	return b.String(), nil
}

// servedDoc says when a toolset is served: by default, when named, only
// when named by itself (not with "all"); and whether it changes Lofty.
func servedDoc(ts tools.Toolset, members []tools.Tool) string {
	s := "when named"
	switch {
	case ts.Default:
		s = "by default"
	case ts.Named:
		s = "only when named (not in `all`)"
	}
	if slices.ContainsFunc(members, func(t tools.Tool) bool { return t.Info().Effect.Writes }) {
		s += "; changes Lofty data"
	}
	return s
}

// listBytes is the size of the tools/list result of a server serving ts,
// exactly as sent.
func listBytes(ts []tools.Tool) (int, error) {
	if len(ts) == 0 {
		return 0, nil
	}
	raw, err := mcpserver.ToolsListResult(ts)
	return len(raw), err
}

// upstreamDoc lists a tool's Lofty operations as code, comma-separated.
func upstreamDoc(ops []string) string {
	parts := make([]string, len(ops))
	for i, op := range ops {
		parts[i] = "`" + op + "`"
	}
	return strings.Join(parts, ", ")
}

// effectDoc marks a tool that changes Lofty data, with its annotations.
func effectDoc(e tools.Effect) string {
	if !e.Writes {
		return ""
	}
	var hints []string
	if e.Destructive {
		hints = append(hints, "destructive")
	}
	if e.Idempotent {
		hints = append(hints, "idempotent")
	} else {
		hints = append(hints, "not idempotent")
	}
	return "**changes Lofty** (" + strings.Join(hints, ", ") + "): "
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", "\\|")
}

// replaceSection returns readme with the text between sec's markers
// replaced by text.
func replaceSection(readme []byte, sec section, text string) ([]byte, error) {
	start := bytes.Index(readme, []byte(sec.start))
	end := bytes.Index(readme, []byte(sec.end))
	if start < 0 || end < start {
		return nil, fmt.Errorf("README has no %s ... %s section", sec.start, sec.end)
	}
	var out bytes.Buffer
	out.Write(readme[:start+len(sec.start)])
	out.WriteString("\n")
	out.WriteString(text)
	out.Write(readme[end:])
	return out.Bytes(), nil
}

// operation is one operation of Lofty's OpenAPI document.
type operation struct {
	tag, key   string // key: "GET /v1.0/leads"
	deprecated bool
}

// documentOperations reads every operation of the OpenAPI document, by
// tag (sorted), then path; and the tags.
func documentOperations(doc []byte) ([]operation, []string, error) {
	var d struct {
		Tags []struct {
			Name string `json:"name"`
		} `json:"tags"`
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, nil, err
	}
	var tagOrder []string
	for _, t := range d.Tags {
		tagOrder = append(tagOrder, t.Name)
	}
	var ops []operation
	for path, methods := range d.Paths {
		for method, raw := range methods {
			m := strings.ToUpper(method)
			if !slices.Contains([]string{"GET", "POST", "PUT", "DELETE", "PATCH"}, m) {
				continue
			}
			var op struct {
				Tags       []string `json:"tags"`
				Deprecated bool     `json:"deprecated"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, nil, err
			}
			tag := "(untagged)"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			if !slices.Contains(tagOrder, tag) {
				tagOrder = append(tagOrder, tag)
			}
			ops = append(ops, operation{tag: tag, key: m + " " + path, deprecated: op.Deprecated})
		}
	}
	slices.Sort(tagOrder)
	slices.SortFunc(ops, func(a, b operation) int {
		if c := slices.Index(tagOrder, a.tag) - slices.Index(tagOrder, b.tag); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	return ops, tagOrder, nil
}

// covered maps each operation some tool calls to the tools that call it.
func covered() map[string][]string {
	out := map[string][]string{}
	for _, t := range tools.All() {
		for _, op := range t.Info().Upstream {
			out[op] = append(out[op], t.Info().Name)
		}
	}
	return out
}

// coverageDocs returns README's coverage section: per tag of the document,
// the operations covered out of those documented, and each one not
// covered with its reason.
func coverageDocs(doc []byte) (string, error) {
	ops, tagOrder, err := documentOperations(doc)
	if err != nil {
		return "", err
	}
	calls := covered()
	var b strings.Builder
	b.WriteString(generatedNote)
	total, done := 0, 0
	type row struct {
		tag          string
		covered, all int
		missing      []string
	}
	var rows []row
	for _, tag := range tagOrder {
		r := row{tag: tag}
		for _, op := range ops {
			if op.tag != tag {
				continue
			}
			r.all++
			if len(calls[op.key]) > 0 {
				r.covered++
				continue
			}
			why := tools.Uncovered[op.key]
			if why == "" {
				why = "not covered yet"
			}
			r.missing = append(r.missing, fmt.Sprintf("`%s`: %s", op.key, why))
		}
		if r.all == 0 {
			continue
		}
		total += r.all
		done += r.covered
		rows = append(rows, r)
	}
	fmt.Fprintf(&b, "lofty-mcp's tools call %d of the %d operations in Lofty's OpenAPI document.\n\n", done, total)
	b.WriteString("| Lofty API (OpenAPI tag) | covered | not covered, and why |\n|---|---|---|\n")
	for _, r := range rows {
		missing := "—"
		if len(r.missing) > 0 {
			missing = strings.Join(r.missing, "; ")
		}
		fmt.Fprintf(&b, "| %s | %d of %d | %s |\n", r.tag, r.covered, r.all, cell(missing))
	}
	return b.String(), nil
}
