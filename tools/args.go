package tools

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// argDecoder checks a tool's JSON arguments against its input schema and
// decodes them into the input struct without ever passing numbers through
// float64, so 64-bit IDs arrive exactly. Each error names the argument and
// what is expected.
type argDecoder struct {
	props map[string]*prop
	order []string // property names in schema order
}

type prop struct {
	name     string
	typ      string // JSON Schema type
	required bool
	min, max int64    // integer bounds (inclusive)
	enum     []string // allowed values of a string, if the schema lists them
	items    string   // JSON Schema type of an array's items, if given
}

func newArgDecoder[In any](inputSchema json.RawMessage) (*argDecoder, error) {
	var doc struct {
		Properties map[string]struct {
			Type    string       `json:"type"`
			Minimum *json.Number `json:"minimum"`
			Maximum *json.Number `json:"maximum"`
			Enum    []string     `json:"enum"`
			Items   struct {
				Type string `json:"type"`
			} `json:"items"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	dec := json.NewDecoder(bytes.NewReader(inputSchema))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("input schema: %w", err)
	}
	// Keep the schema's property order for messages.
	var ordered struct {
		Properties orderedKeys `json:"properties"`
	}
	if err := json.Unmarshal(inputSchema, &ordered); err != nil {
		return nil, fmt.Errorf("input schema: %w", err)
	}
	d := &argDecoder{props: map[string]*prop{}, order: ordered.Properties}
	for name, p := range doc.Properties {
		pp := &prop{name: name, typ: p.Type, min: math.MinInt64, max: math.MaxInt64, enum: p.Enum, items: p.Items.Type}
		if p.Type == "integer" {
			var err error
			if p.Minimum != nil {
				if pp.min, err = p.Minimum.Int64(); err != nil {
					return nil, fmt.Errorf("input schema: %s minimum: %w", name, err)
				}
			}
			if p.Maximum != nil {
				if pp.max, err = p.Maximum.Int64(); err != nil {
					return nil, fmt.Errorf("input schema: %s maximum: %w", name, err)
				}
			}
		}
		d.props[name] = pp
	}
	for _, name := range doc.Required {
		if p, ok := d.props[name]; ok {
			p.required = true
		}
	}
	return d, nil
}

// orderedKeys decodes a JSON object's keys in document order.
type orderedKeys []string

func (k *orderedKeys) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		return err
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		*k = append(*k, t.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return nil
}

// expect describes what a property accepts, for error messages.
func (p *prop) expect() string {
	switch p.typ {
	case "integer":
		lo := strconv.FormatInt(p.min, 10)
		if p.min == math.MinInt64 {
			lo = "-9223372036854775808"
		}
		return fmt.Sprintf("an integer from %s to %s (a JSON number, or a decimal string such as \"%s\")", lo, strconv.FormatInt(p.max, 10), strconv.FormatInt(max(p.min, 1), 10))
	case "string":
		if len(p.enum) > 0 {
			return "one of " + strings.Join(p.enum, ", ")
		}
		return "a string"
	case "boolean":
		return "true or false"
	case "number":
		return "a number"
	case "array":
		if p.items != "" {
			return "an array of " + p.items + "s" // strings, integers, booleans, ...
		}
		return "an array"
	case "object":
		return "an object"
	}
	return "a valid value"
}

// accepted lists the argument names, for error messages.
func (d *argDecoder) accepted() string {
	if len(d.order) == 0 {
		return "no arguments"
	}
	return strings.Join(d.order, ", ")
}

// decode checks raw (a JSON object, or empty for none) and decodes it into out.
func (d *argDecoder) decode(raw json.RawMessage, out any) error {
	normalized, err := d.normalize(raw)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(normalized, out); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && d.props[te.Field] != nil {
			p := d.props[te.Field]
			return fmt.Errorf("invalid arguments: %q must be %s", p.name, p.expect())
		}
		return fmt.Errorf("invalid arguments: %v", err)
	}
	return nil
}

// normalize checks raw and returns it with integers in canonical form.
func (d *argDecoder) normalize(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		raw = []byte("{}")
	}
	var args map[string]json.RawMessage
	if raw[0] != '{' || json.Unmarshal(raw, &args) != nil {
		return nil, fmt.Errorf("invalid arguments: expected a JSON object with %s", d.accepted())
	}
	var unknown []string
	for name := range args {
		if _, ok := d.props[name]; !ok {
			unknown = append(unknown, strconv.Quote(name))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("invalid arguments: unknown argument %s; this tool accepts only: %s", strings.Join(unknown, ", "), d.accepted())
	}
	changed := false
	for _, name := range d.order {
		p := d.props[name]
		v, present := args[name]
		if !present {
			if p.required {
				return nil, fmt.Errorf("invalid arguments: missing required argument %q: expected %s", name, p.expect())
			}
			continue
		}
		if p.typ == "integer" {
			n, err := p.integer(v)
			if err != nil {
				return nil, err
			}
			if canonical := strconv.FormatInt(n, 10); canonical != string(v) {
				args[name] = json.RawMessage(canonical)
				changed = true
			}
			continue
		}
		if !p.typeMatches(v) || !p.inEnum(v) {
			return nil, p.invalid(v, "")
		}
	}
	if !changed {
		return raw, nil
	}
	normalized, err := json.Marshal(args)
	if err != nil {
		return nil, fmt.Errorf("invalid arguments: %v", err)
	}
	return normalized, nil
}

// inEnum reports whether a string argument is one of its allowed values
// (always true when the schema lists none).
func (p *prop) inEnum(v json.RawMessage) bool {
	if len(p.enum) == 0 {
		return true
	}
	var s string
	return json.Unmarshal(v, &s) == nil && slices.Contains(p.enum, s)
}

// typeMatches reports whether a non-integer argument has its declared JSON type.
func (p *prop) typeMatches(v json.RawMessage) bool {
	if len(v) == 0 {
		return false
	}
	switch p.typ {
	case "string":
		return v[0] == '"'
	case "boolean":
		return string(v) == "true" || string(v) == "false"
	case "number":
		return v[0] == '-' || (v[0] >= '0' && v[0] <= '9')
	case "array":
		return v[0] == '['
	case "object":
		return v[0] == '{'
	}
	return true
}

// integer parses an integer argument exactly: a JSON integer literal or a
// string of decimal digits, within the property's bounds.
func (p *prop) integer(v json.RawMessage) (int64, error) {
	text := string(v)
	if len(v) > 0 && v[0] == '"' {
		if err := json.Unmarshal(v, &text); err != nil {
			return 0, p.invalid(v, "")
		}
	}
	if !isDecimalInteger(text) {
		return 0, p.invalid(v, "")
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, p.invalid(v, ", which is outside the 64-bit integer range")
	}
	if n < p.min || n > p.max {
		return 0, p.invalid(v, "")
	}
	return n, nil
}

func (p *prop) invalid(v json.RawMessage, why string) error {
	return fmt.Errorf("invalid arguments: %q must be %s; got %s%s", p.name, p.expect(), shortJSON(v), why)
}

// isDecimalInteger reports whether s is an optional minus sign and digits.
func isDecimalInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func shortJSON(v json.RawMessage) string {
	s := string(v)
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}
