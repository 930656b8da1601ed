package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Argument describes one property of an input schema for people: its
// name, its facts ("integer ≥ 1, required", "one of A, B", "default 10")
// and its description.
type Argument struct {
	Name        string
	Facts       string
	Description string
}

// String renders the argument as docs list it: "`name` (facts): description".
func (a Argument) String() string {
	return fmt.Sprintf("`%s` (%s): %s", a.Name, a.Facts, a.Description)
}

// Arguments describes an input schema's properties, in schema order.
func Arguments(raw json.RawMessage) ([]Argument, error) {
	var doc struct {
		Properties OrderedKeys `json:"properties"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
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
				Properties OrderedKeys `json:"properties"`
			} `json:"items"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&props); err != nil {
		return nil, err
	}
	var out []Argument
	for _, name := range doc.Properties {
		p := props.Properties[name]
		kind := p.Type
		switch {
		case p.Minimum != nil && p.Maximum != nil:
			kind += fmt.Sprintf(" %s–%s", p.Minimum, p.Maximum)
		case p.Minimum != nil:
			kind += fmt.Sprintf(" ≥ %s", p.Minimum)
		case p.Maximum != nil:
			kind += fmt.Sprintf(" ≤ %s", p.Maximum)
		}
		switch {
		case p.MaxLength != nil && p.MinLength != nil:
			kind += fmt.Sprintf(", %d–%d characters", *p.MinLength, *p.MaxLength)
		case p.MaxLength != nil:
			kind += fmt.Sprintf(", at most %d characters", *p.MaxLength)
		}
		if p.Format == "email" {
			kind = "email"
		}
		if p.Items != nil {
			item := p.Items.Type + "s"
			if p.Items.Type == "object" {
				item = "objects {" + strings.Join(p.Items.Properties, ", ") + "}"
			}
			kind = "array of " + item
			if p.MinItems != nil && p.MaxItems != nil {
				kind += fmt.Sprintf(", %d–%d", *p.MinItems, *p.MaxItems)
			}
		}
		if len(p.Enum) > 0 {
			var vals []string
			for _, v := range p.Enum {
				vals = append(vals, strings.Trim(string(v), `"`))
			}
			kind = "one of " + strings.Join(vals, ", ")
		}
		facts := []string{kind}
		if slices.Contains(props.Required, name) {
			facts = append(facts, "required")
		}
		if len(p.Default) > 0 {
			facts = append(facts, "default "+string(p.Default))
		}
		out = append(out, Argument{Name: name, Facts: strings.Join(facts, ", "), Description: p.Description})
	}
	return out, nil
}
