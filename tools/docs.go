package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
)

// README markers around the generated tool section.
const (
	DocsStart = "<!-- tools:start -->"
	DocsEnd   = "<!-- tools:end -->"
)

// Docs returns the README's tool section (without the markers), generated
// from the toolsets, the tool specs and their input schemas.
func Docs() (string, error) {
	var b strings.Builder
	b.WriteString("<!-- Generated from the tool specs by `go generate ./...`; do not edit by hand. -->\n\n")
	b.WriteString("| toolset | default | tools |\n|---|---|---|\n")
	for _, ts := range Toolsets() {
		var names []string
		for _, t := range All() {
			if t.Info().Toolset == ts.Name {
				names = append(names, "`"+t.Info().Name+"`")
			}
		}
		def := "no"
		if ts.Default {
			def = "yes"
		}
		if toolsetWrites(ts.Name) {
			def += " (changes Lofty data)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", ts.Name, def, strings.Join(names, ", "))
	}
	b.WriteString("\n| tool | toolset | Lofty endpoint | what it does | arguments |\n|---|---|---|---|---|\n")
	env := &toolEnv{log: slog.New(slog.DiscardHandler), confirm: &confirmer{mode: ConfirmAuto}}
	for _, t := range All() {
		info := t.Info()
		bt, err := t.build(env)
		if err != nil {
			return "", err
		}
		args, err := argumentsDoc(bt.Tool.RawInputSchema)
		if err != nil {
			return "", fmt.Errorf("tool %s: %w", info.Name, err)
		}
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s%s | %s |\n", info.Name, info.Toolset, info.Upstream,
			effectDoc(info.Effect), cell(bt.Tool.Description), args)
	}
	b.WriteString("\nInteger arguments take a JSON integer or a decimal string (`\"563172647619608\"`), in arrays too; 64-bit IDs reach Lofty exactly. " +
		"Every tool returns `structuredContent` matching its `outputSchema`. Tools marked **changes Lofty** are not read-only: " +
		"they are served only when their toolset is named, never under `--read-only`, and the person is asked to confirm " +
		"each call when the client can ask (see [Actions](#actions)); the others only read.\n")
	fmt.Fprintf(&b, "\nResource template: `%s` (`application/json`) serves the same JSON as `get_sales_agent_by_lead`; "+
		"it is offered when that tool is.\n", SalesAgentResourceTemplate)
	b.WriteString("\n| prompt | arguments | what it does |\n|---|---|---|\n")
	for _, p := range Prompts() {
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

// toolsetWrites reports whether a toolset has tools that change Lofty data.
func toolsetWrites(name string) bool {
	for _, t := range All() {
		if t.Info().Toolset == name && t.Info().Effect.Writes {
			return true
		}
	}
	return false
}

// effectDoc marks a tool that changes Lofty data, with its annotations.
func effectDoc(e Effect) string {
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

// argumentsDoc renders a tool's input schema as "`name` (type, required): description; ...".
func argumentsDoc(raw json.RawMessage) (string, error) {
	var doc struct {
		Properties orderedKeys `json:"properties"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return "", err
	}
	var props struct {
		Properties map[string]struct {
			Type        string            `json:"type"`
			Description string            `json:"description"`
			Minimum     *json.Number      `json:"minimum"`
			Maximum     *json.Number      `json:"maximum"`
			Default     json.RawMessage   `json:"default"`
			Enum        []json.RawMessage `json:"enum"`
			MinLength   *int              `json:"minLength"`
			MaxLength   *int              `json:"maxLength"`
			Format      string            `json:"format"`
			MinItems    *int              `json:"minItems"`
			MaxItems    *int              `json:"maxItems"`
			Items       *struct {
				Type       string      `json:"type"`
				Properties orderedKeys `json:"properties"`
			} `json:"items"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&props); err != nil {
		return "", err
	}
	if len(doc.Properties) == 0 {
		return "none", nil
	}
	var parts []string
	for _, name := range doc.Properties {
		p := props.Properties[name]
		var facts []string
		facts = append(facts, p.Type)
		switch {
		case p.Minimum != nil && p.Maximum != nil:
			facts[0] += fmt.Sprintf(" %s–%s", p.Minimum, p.Maximum)
		case p.Minimum != nil:
			facts[0] += fmt.Sprintf(" ≥ %s", p.Minimum)
		}
		switch {
		case p.MaxLength != nil && p.MinLength != nil:
			facts[0] += fmt.Sprintf(", %d–%d characters", *p.MinLength, *p.MaxLength)
		case p.MaxLength != nil:
			facts[0] += fmt.Sprintf(", at most %d characters", *p.MaxLength)
		}
		if p.Format == "email" {
			facts[0] = "email"
		}
		if p.Items != nil {
			item := p.Items.Type + "s"
			if p.Items.Type == "object" {
				item = "objects {" + strings.Join(p.Items.Properties, ", ") + "}"
			}
			facts[0] = "array of " + item
			if p.MinItems != nil && p.MaxItems != nil {
				facts[0] += fmt.Sprintf(", %d–%d", *p.MinItems, *p.MaxItems)
			}
		}
		if len(p.Enum) > 0 {
			var vals []string
			for _, v := range p.Enum {
				vals = append(vals, strings.Trim(string(v), `"`))
			}
			facts[0] = "one of " + strings.Join(vals, ", ")
		}
		for _, r := range props.Required {
			if r == name {
				facts = append(facts, "required")
			}
		}
		if len(p.Default) > 0 {
			facts = append(facts, "default "+string(p.Default))
		}
		parts = append(parts, fmt.Sprintf("`%s` (%s): %s", name, strings.Join(facts, ", "), p.Description))
	}
	return cell(strings.Join(parts, "; ")), nil
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", "\\|")
}

// ReplaceDocs returns readme with the text between DocsStart and DocsEnd
// replaced by section.
func ReplaceDocs(readme []byte, section string) ([]byte, error) {
	start := bytes.Index(readme, []byte(DocsStart))
	end := bytes.Index(readme, []byte(DocsEnd))
	if start < 0 || end < start {
		return nil, fmt.Errorf("README has no %s ... %s section", DocsStart, DocsEnd)
	}
	var out bytes.Buffer
	out.Write(readme[:start+len(DocsStart)])
	out.WriteString("\n")
	out.WriteString(section)
	out.Write(readme[end:])
	return out.Bytes(), nil
}

// DocsSection returns the current text between the markers of readme.
func DocsSection(readme []byte) (string, bool) {
	start := bytes.Index(readme, []byte(DocsStart))
	end := bytes.Index(readme, []byte(DocsEnd))
	if start < 0 || end < start {
		return "", false
	}
	return strings.TrimPrefix(string(readme[start+len(DocsStart):end]), "\n"), true
}
