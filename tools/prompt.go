package tools

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/lofty-mcp/lofty-mcp/schema"
)

// PromptSpec declares one MCP prompt: a ready-made workflow that chains the
// tools, which a person picks from the client (a slash command, a menu).
// Args is a struct of string fields, one per argument, described with
// jsonschema tags as a tool's input is (description, enum; required unless
// omitempty); a field tagged `complete:"lead"` is a lead, completed as
// completion/complete completes lead IDs, and one tagged `complete:"member"`,
// `complete:"tag"` or `complete:"stage"` completes from the team's account
// emails, tags or lead stages (completion.go). A package-level
// PromptSpec value is all a prompt needs: `go generate ./...` registers it
// (zz_generated_registry.go) and writes its README row, and the tests get
// it with every toolset selection.
type PromptSpec[Args any] struct {
	Name        string
	Title       string
	Description string
	// Text writes the prompt's message for args: the steps to take, naming
	// only tools that served has, and saying which toolsets to enable for
	// what is missing.
	Text func(args Args, served Served) string
}

// Prompt is a PromptSpec with its type erased, ready to serve.
type Prompt interface {
	// PromptInfo describes the prompt for listings and docs.
	PromptInfo() PromptInfo
	// Check reports what the spec lacks (a name, a description, Text) or
	// gets wrong (an argument that is not text).
	Check() error
	// Render checks the arguments of a prompts/get and writes the prompt's
	// message for a server serving served.
	Render(args map[string]string, served Served) (string, error)
}

// PromptInfo is what a PromptSpec says about its prompt.
type PromptInfo struct {
	Name        string
	Title       string
	Description string
	Arguments   []PromptArgument
}

// PromptArgument describes one argument of a prompt.
type PromptArgument struct {
	Name        string
	Description string
	Required    bool
	Enum        []string // the values it takes; nil: any text
	Lead        bool     // a lead: a name, email, phone number or lead ID
	// Names is the kind of team name it takes (NamesMember, NamesTag,
	// NamesStage), completed from the team's lists; "" for none.
	Names string
}

// argument is a prompt argument as Render reads it.
type argument struct {
	PromptArgument
	field int // index of the Args field
}

// MaxPromptArgument bounds the text of one argument, in characters.
const MaxPromptArgument = 200

// Prompts returns every prompt lofty-mcp offers, as declared (the
// package's PromptSpec values, found in its source by `go generate ./...`).
func Prompts() []Prompt { return promptSpecs() }

// PromptInfo implements Prompt.
func (p PromptSpec[Args]) PromptInfo() PromptInfo {
	info := PromptInfo{Name: p.Name, Title: p.Title, Description: p.Description}
	args, err := promptArguments[Args]()
	if err != nil {
		return info // buildPrompt reports it
	}
	for _, a := range args {
		info.Arguments = append(info.Arguments, a.PromptArgument)
	}
	return info
}

// promptArguments reads the arguments of Args from its JSON schema (names,
// descriptions, required, enums) and its complete tags.
func promptArguments[Args any]() ([]argument, error) {
	raw, err := schema.Of[Args]()
	if err != nil {
		return nil, err
	}
	var doc struct {
		Properties schema.OrderedKeys `json:"properties"`
	}
	var s struct {
		Properties map[string]struct {
			Type        string   `json:"type"`
			Description string   `json:"description"`
			Enum        []string `json:"enum"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	t := reflect.TypeFor[Args]()
	fields := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Type.Kind() != reflect.String {
			return nil, fmt.Errorf("prompt argument %s: %s, want a string (prompt arguments are text)", f.Name, f.Type)
		}
		fields[name] = i
	}
	var out []argument
	for _, name := range doc.Properties {
		p := s.Properties[name]
		i, ok := fields[name]
		if !ok {
			return nil, fmt.Errorf("prompt argument %q has no field", name)
		}
		complete := t.Field(i).Tag.Get("complete")
		a := argument{PromptArgument: PromptArgument{Name: name, Description: p.Description,
			Required: slices.Contains(s.Required, name), Enum: p.Enum, Lead: complete == "lead"}, field: i}
		switch complete {
		case "", "lead":
		case NamesMember, NamesTag, NamesStage:
			a.Names = complete
		default:
			return nil, fmt.Errorf("prompt argument %q: complete:%q is not lead, %s, %s or %s", name, complete, NamesMember, NamesTag, NamesStage)
		}
		out = append(out, a)
	}
	return out, nil
}

// Check implements Prompt.
func (p PromptSpec[Args]) Check() error {
	if _, err := promptArguments[Args](); err != nil {
		return fmt.Errorf("prompt %s: %w", p.Name, err)
	}
	if p.Name == "" || p.Description == "" || p.Text == nil {
		return fmt.Errorf("prompt %q: a name, a description and Text are required", p.Name)
	}
	return nil
}

// Render implements Prompt.
func (p PromptSpec[Args]) Render(given map[string]string, served Served) (string, error) {
	args, err := promptArguments[Args]()
	if err != nil {
		return "", fmt.Errorf("prompt %s: %w", p.Name, err)
	}
	in, err := p.decode(args, given)
	if err != nil {
		return "", err
	}
	return p.Text(in, served), nil
}

// decode reads a prompts/get's arguments into Args: every required one
// present, enums one of their values (any case), no unknown names, none
// longer than MaxPromptArgument characters.
func (p PromptSpec[Args]) decode(args []argument, given map[string]string) (Args, error) {
	var in Args
	v := reflect.ValueOf(&in).Elem()
	known := map[string]bool{}
	var names []string
	for _, a := range args {
		known[a.Name] = true
		names = append(names, a.Name)
	}
	var unknown []string
	for name := range given {
		if !known[name] {
			unknown = append(unknown, fmt.Sprintf("%q", name))
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		takes := "takes no arguments"
		if len(names) > 0 {
			takes = "takes " + strings.Join(names, ", ")
		}
		return in, fmt.Errorf("prompt %s has no argument %s; it %s", p.Name, strings.Join(unknown, ", "), takes)
	}
	for _, a := range args {
		value := strings.TrimSpace(given[a.Name])
		switch {
		case value == "" && a.Required:
			return in, fmt.Errorf("prompt %s needs the argument %q: %s", p.Name, a.Name, a.Description)
		case utf8.RuneCountInString(value) > MaxPromptArgument:
			return in, fmt.Errorf("prompt %s: argument %q is longer than %d characters", p.Name, a.Name, MaxPromptArgument)
		case value != "" && len(a.Enum) > 0:
			i := slices.IndexFunc(a.Enum, func(e string) bool { return strings.EqualFold(e, value) })
			if i < 0 {
				return in, fmt.Errorf("prompt %s: argument %q must be one of %s, got %q", p.Name, a.Name, strings.Join(a.Enum, ", "), value)
			}
			value = a.Enum[i]
		}
		v.Field(a.field).SetString(value)
	}
	return in, nil
}

// Served is what a prompt's text may name: the tools this server serves.
type Served struct {
	tools    map[string]bool
	readOnly bool
}

// NewServed describes a server serving ts, read-only (--read-only) or not.
func NewServed(ts []Tool, readOnly bool) Served {
	s := Served{tools: map[string]bool{}, readOnly: readOnly}
	for _, t := range ts {
		s.tools[t.Info().Name] = true
	}
	return s
}

// Has reports whether tool is served.
func (s Served) Has(tool string) bool { return s.tools[tool] }

// ReadOnly reports whether the server serves no tool that changes Lofty,
// whatever toolsets are asked for (--read-only).
func (s Served) ReadOnly() bool { return s.readOnly }

// toolsetOf is the toolset of the tool named name, "" when there is none.
func toolsetOf(name string) string {
	for _, t := range All() {
		if t.Info().Name == name {
			return t.Info().Toolset
		}
	}
	return ""
}

// missingToolsets lists, in Toolsets order, the toolsets of the tools of
// names that are not served.
func (s Served) missingToolsets(names ...string) []string {
	want := map[string]bool{}
	for _, n := range names {
		if !s.Has(n) {
			want[toolsetOf(n)] = true
		}
	}
	var out []string
	for _, ts := range Toolsets() {
		if want[ts.Name] {
			out = append(out, ts.Name)
		}
	}
	return out
}
