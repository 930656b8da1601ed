package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/mail"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Decoder checks a tool's JSON arguments against its input schema and
// decodes them into the input struct without ever passing numbers through
// float64, so 64-bit IDs arrive exactly, in arrays and nested objects too.
// Each error names the argument ("leadIds", "assignees[1].role") and what is
// expected. Free text (a string with a maxLength, such as a note) is never
// echoed back in an error: only its length or JSON type is.
//
// It enforces every validation keyword the schema holds: NewDecoder refuses
// a schema with a keyword (or a format) it would not check, so that no
// input schema promises a model more than the server checks.
type Decoder struct {
	root *node
}

// node is one value of an input schema: its JSON type and constraints.
type node struct {
	typ      string // JSON Schema type
	min, max int64  // integer bounds (inclusive)
	// String constraints: length in characters (Unicode code points, as
	// JSON Schema counts them); -1: none.
	minLen, maxLen int
	format         string   // "email" is checked; other formats are not
	enum           []string // allowed values of a string, if the schema lists them
	// Array constraints; -1: none.
	minItems, maxItems int
	unique             bool
	items              *node
	// Object members, in schema order.
	props    map[string]*node
	order    []string
	required map[string]bool
}

// schemaDoc is the part of a JSON Schema the decoder reads.
type schemaDoc struct {
	Type        string               `json:"type"`
	Minimum     *json.Number         `json:"minimum"`
	Maximum     *json.Number         `json:"maximum"`
	MinLength   *int                 `json:"minLength"`
	MaxLength   *int                 `json:"maxLength"`
	Format      string               `json:"format"`
	Enum        []string             `json:"enum"`
	MinItems    *int                 `json:"minItems"`
	MaxItems    *int                 `json:"maxItems"`
	UniqueItems bool                 `json:"uniqueItems"`
	Items       *schemaDoc           `json:"items"`
	Properties  map[string]schemaDoc `json:"properties"`
	Required    []string             `json:"required"`
}

// orderedProperties reads the property names of a schema in document order.
type orderedProperties struct {
	Properties OrderedKeys `json:"properties"`
}

// NewDecoder compiles an input schema (as Of makes them) into a Decoder.
func NewDecoder(inputSchema json.RawMessage) (*Decoder, error) {
	root, err := compileSchema(inputSchema)
	if err != nil {
		return nil, fmt.Errorf("input schema: %w", err)
	}
	if root.typ != "object" {
		return nil, fmt.Errorf("input schema: type %q, want object", root.typ)
	}
	return &Decoder{root: root}, nil
}

// compileSchema turns a JSON Schema document into a node tree.
func compileSchema(raw json.RawMessage) (*node, error) {
	var doc schemaDoc
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	return compileNode(raw, doc, "")
}

// enforced are the keywords a node's schema may hold: those the decoder
// checks, and annotations that promise nothing (description, default,
// title, examples). additionalProperties is enforced as false: unknown
// names are refused.
var enforced = map[string]bool{
	"type": true, "minimum": true, "maximum": true, "minLength": true, "maxLength": true, "format": true,
	"enum": true, "minItems": true, "maxItems": true, "uniqueItems": true, "items": true, "properties": true,
	"required": true, "additionalProperties": true,
	"description": true, "default": true, "title": true, "examples": true,
}

// checkedFormats are the string formats the decoder checks.
var checkedFormats = map[string]bool{"": true, "email": true}

// unenforced names the keywords of a schema node the decoder would not
// check, sorted; "" when there are none.
func unenforced(raw json.RawMessage, doc schemaDoc) string {
	var keys map[string]json.RawMessage
	if json.Unmarshal(raw, &keys) != nil {
		return ""
	}
	var bad []string
	for k, v := range keys {
		switch {
		case !enforced[k]:
			bad = append(bad, k)
		case k == "additionalProperties" && string(bytes.TrimSpace(v)) != "false":
			bad = append(bad, "additionalProperties (only false is enforced)")
		}
	}
	if !checkedFormats[doc.Format] {
		bad = append(bad, "format "+strconv.Quote(doc.Format))
	}
	if (doc.Minimum != nil || doc.Maximum != nil) && doc.Type != "integer" {
		bad = append(bad, "minimum/maximum on type "+strconv.Quote(doc.Type))
	}
	sort.Strings(bad)
	return strings.Join(bad, ", ")
}

func compileNode(raw json.RawMessage, doc schemaDoc, where string) (*node, error) {
	if bad := unenforced(raw, doc); bad != "" {
		name := strings.TrimPrefix(where, ".")
		if name == "" {
			name = "the root"
		}
		return nil, fmt.Errorf("%s: keyword %s is not enforced by the argument decoder; enforce it or leave it out", name, bad)
	}
	n := &node{typ: doc.Type, min: math.MinInt64, max: math.MaxInt64, minLen: -1, maxLen: -1,
		minItems: -1, maxItems: -1, format: doc.Format, enum: doc.Enum, unique: doc.UniqueItems}
	if doc.Type == "integer" {
		var err error
		if doc.Minimum != nil {
			if n.min, err = doc.Minimum.Int64(); err != nil {
				return nil, fmt.Errorf("%s minimum: %w", where, err)
			}
		}
		if doc.Maximum != nil {
			if n.max, err = doc.Maximum.Int64(); err != nil {
				return nil, fmt.Errorf("%s maximum: %w", where, err)
			}
		}
	}
	if doc.MinLength != nil {
		n.minLen = *doc.MinLength
	}
	if doc.MaxLength != nil {
		n.maxLen = *doc.MaxLength
	}
	if doc.MinItems != nil {
		n.minItems = *doc.MinItems
	}
	if doc.MaxItems != nil {
		n.maxItems = *doc.MaxItems
	}
	var sub struct {
		Items      json.RawMessage            `json:"items"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &sub); err != nil {
		return nil, err
	}
	if doc.Items != nil {
		items, err := compileNode(sub.Items, *doc.Items, where+"[]")
		if err != nil {
			return nil, err
		}
		n.items = items
	}
	if doc.Type == "object" {
		var ordered orderedProperties
		if err := json.Unmarshal(raw, &ordered); err != nil {
			return nil, err
		}
		n.props, n.order, n.required = map[string]*node{}, ordered.Properties, map[string]bool{}
		for name, p := range doc.Properties {
			pn, err := compileNode(sub.Properties[name], p, where+"."+name)
			if err != nil {
				return nil, err
			}
			n.props[name] = pn
		}
		for _, name := range doc.Required {
			if _, ok := n.props[name]; ok {
				n.required[name] = true
			}
		}
	}
	return n, nil
}

// OrderedKeys decodes a JSON object's keys in document order.
type OrderedKeys []string

func (k *OrderedKeys) UnmarshalJSON(b []byte) error {
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

// freeText reports whether a string node holds free text (a note, an SMS):
// its value is never repeated in an error.
func (n *node) freeText() bool {
	return n.typ == "string" && n.maxLen >= 0 && len(n.enum) == 0 && n.format == ""
}

// expect describes what a value accepts, for error messages.
func (n *node) expect() string {
	switch n.typ {
	case "integer":
		return "an integer " + n.integerRange() + " (a JSON number, or a decimal string such as \"" + strconv.FormatInt(max(n.min, 1), 10) + "\")"
	case "string":
		switch {
		case len(n.enum) > 0:
			return "one of " + strings.Join(n.enum, ", ")
		case n.format == "email":
			return "an email address"
		case n.minLen >= 0 || n.maxLen >= 0:
			return "a string of " + countRange(n.minLen, n.maxLen, "character")
		}
		return "a string"
	case "boolean":
		return "true or false"
	case "number":
		return "a number"
	case "array":
		if n.items == nil {
			return "an array"
		}
		s := "an array of "
		if n.minItems >= 0 || n.maxItems >= 0 {
			s += countRange(n.minItems, n.maxItems, "") + " "
		}
		if n.unique {
			s += "distinct "
		}
		return s + n.items.plural()
	case "object":
		if len(n.order) > 0 {
			return "an object with " + strings.Join(n.order, ", ")
		}
		return "an object"
	}
	return "a valid value"
}

// plural names array items of this node ("integers from 1 to …", "strings").
func (n *node) plural() string {
	switch n.typ {
	case "integer":
		return "integers " + n.integerRange() + " (JSON numbers, or decimal strings such as \"" + strconv.FormatInt(max(n.min, 1), 10) + "\")"
	case "string":
		if len(n.enum) > 0 {
			return "strings, each one of " + strings.Join(n.enum, ", ")
		}
		if n.format == "email" {
			return "email addresses"
		}
		return "strings"
	case "boolean":
		return "booleans"
	case "number":
		return "numbers"
	case "object":
		if len(n.order) > 0 {
			return "objects with " + strings.Join(n.order, ", ")
		}
		return "objects"
	case "array":
		return "arrays"
	}
	return "values"
}

func (n *node) integerRange() string {
	lo := strconv.FormatInt(n.min, 10)
	return "from " + lo + " to " + strconv.FormatInt(n.max, 10)
}

// countRange renders bounds: "1 to 100", "at least 1", "at most 2000", with
// an optional unit ("characters").
func countRange(lo, hi int, unit string) string {
	units := func(k int) string {
		switch {
		case unit == "":
			return strconv.Itoa(k)
		case k == 1:
			return strconv.Itoa(k) + " " + unit
		}
		return strconv.Itoa(k) + " " + unit + "s"
	}
	switch {
	case lo >= 0 && hi >= 0:
		if unit == "" {
			return strconv.Itoa(lo) + " to " + strconv.Itoa(hi)
		}
		return strconv.Itoa(lo) + " to " + units(hi)
	case lo >= 0:
		return "at least " + units(lo)
	case hi >= 0:
		return "at most " + units(hi)
	}
	return "any number of " + unit + "s"
}

// accepted lists an object's member names, for error messages.
func (n *node) accepted() string {
	if len(n.order) == 0 {
		return "no arguments"
	}
	return strings.Join(n.order, ", ")
}

// Decode checks raw (a JSON object, or empty for none) and decodes it into
// out. Its errors start "invalid arguments" and say what is wrong.
func (d *Decoder) Decode(raw json.RawMessage, out any) error {
	normalized, err := d.normalize(raw)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(normalized, out); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && d.root.props[te.Field] != nil {
			return fmt.Errorf("invalid arguments: %q must be %s", te.Field, d.root.props[te.Field].expect())
		}
		return fmt.Errorf("invalid arguments: %v", err)
	}
	return nil
}

// normalize checks raw and returns it with every integer in canonical form.
func (d *Decoder) normalize(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		raw = []byte("{}")
	}
	var args map[string]json.RawMessage
	if raw[0] != '{' || json.Unmarshal(raw, &args) != nil {
		return nil, fmt.Errorf("invalid arguments: expected a JSON object with %s", d.root.accepted())
	}
	return d.root.object(raw, args, "")
}

// object checks an object (raw, decoded into members; path prefixes their
// names in messages) and returns it canonical: raw itself when every member
// already was, so the common call is decoded as sent, without re-encoding.
func (n *node) object(raw json.RawMessage, members map[string]json.RawMessage, path string) (json.RawMessage, error) {
	var unknown []string
	for name := range members {
		if _, ok := n.props[name]; !ok {
			unknown = append(unknown, strconv.Quote(path+name))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		what := "this tool accepts only"
		if path != "" {
			what = "each " + strings.TrimSuffix(path, ".") + " accepts only"
		}
		return nil, fmt.Errorf("invalid arguments: unknown argument %s; %s: %s", strings.Join(unknown, ", "), what, n.accepted())
	}
	var out map[string]json.RawMessage // made at the first member not already canonical
	for _, name := range n.order {
		p := n.props[name]
		v, present := members[name]
		if !present {
			if n.required[name] {
				return nil, fmt.Errorf("invalid arguments: missing required argument %q: expected %s", path+name, p.expect())
			}
			continue
		}
		canonical, err := p.value(v, path+name)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(canonical, v) {
			if out == nil {
				out = maps.Clone(members)
			}
			out[name] = canonical
		}
	}
	if out == nil {
		return raw, nil
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("invalid arguments: %v", err)
	}
	return b, nil
}

// value checks one value named name and returns it canonical.
func (n *node) value(v json.RawMessage, name string) (json.RawMessage, error) {
	switch n.typ {
	case "integer":
		i, err := n.integer(v)
		if err != nil {
			return nil, n.invalid(name, v, "")
		}
		var buf [20]byte
		if canonical := strconv.AppendInt(buf[:0], i, 10); !bytes.Equal(canonical, v) {
			return json.RawMessage(string(canonical)), nil
		}
		return v, nil
	case "string":
		var s string
		if len(v) == 0 || v[0] != '"' || json.Unmarshal(v, &s) != nil {
			return nil, n.invalid(name, v, "")
		}
		return v, n.checkString(name, v, s)
	case "array":
		return n.array(v, name)
	case "object":
		var members map[string]json.RawMessage
		if len(v) == 0 || v[0] != '{' || json.Unmarshal(v, &members) != nil {
			return nil, n.invalid(name, v, "")
		}
		return n.object(v, members, name+".")
	}
	if !n.typeMatches(v) {
		return nil, n.invalid(name, v, "")
	}
	return v, nil
}

// checkString checks a string's enum, format and length.
func (n *node) checkString(name string, v json.RawMessage, s string) error {
	if len(n.enum) > 0 && !slices.Contains(n.enum, s) {
		return n.invalid(name, v, "")
	}
	if n.format == "email" && !isEmail(s) {
		return n.invalid(name, v, "")
	}
	if k := utf8.RuneCountInString(s); (n.minLen >= 0 && k < n.minLen) || (n.maxLen >= 0 && k > n.maxLen) {
		return n.invalid(name, v, "")
	}
	return nil
}

// isEmail reports whether s is a bare email address (no display name).
func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// array checks an array: its length, each item, and distinct items.
func (n *node) array(v json.RawMessage, name string) (json.RawMessage, error) {
	var items []json.RawMessage
	if len(v) == 0 || v[0] != '[' || json.Unmarshal(v, &items) != nil {
		return nil, n.invalid(name, v, "")
	}
	if (n.minItems >= 0 && len(items) < n.minItems) || (n.maxItems >= 0 && len(items) > n.maxItems) {
		return nil, n.invalid(name, nil, fmt.Sprintf("; got %d item%s", len(items), plural(len(items), "", "s")))
	}
	out := make([]json.RawMessage, len(items))
	seen := map[string]int{}
	changed := false
	for i, item := range items {
		original := item
		if n.items != nil {
			if n.items.typ == "object" || n.items.typ == "array" {
				canonical, err := n.items.value(item, fmt.Sprintf("%s[%d]", name, i))
				if err != nil {
					return nil, err
				}
				item = canonical
			} else {
				canonical, err := n.items.value(item, name)
				if err != nil {
					return nil, n.invalid(name, nil, fmt.Sprintf("; item %d is %s", i+1, n.items.describe(item)))
				}
				item = canonical
			}
		}
		if n.unique {
			key := string(item)
			if first, dup := seen[key]; dup {
				return nil, n.invalid(name, nil, fmt.Sprintf("; items %d and %d are both %s", first+1, i+1, n.items.describe(item)))
			}
			seen[key] = i
		}
		changed = changed || !bytes.Equal(item, original)
		out[i] = item
	}
	if !changed {
		return v, nil
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("invalid arguments: %v", err)
	}
	return b, nil
}

// plural is one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// typeMatches reports whether a boolean or number value has its JSON type.
func (n *node) typeMatches(v json.RawMessage) bool {
	if len(v) == 0 {
		return false
	}
	switch n.typ {
	case "boolean":
		return string(v) == "true" || string(v) == "false"
	case "number":
		var f json.Number
		return (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) && json.Unmarshal(v, &f) == nil
	}
	return true
}

// integer parses an integer exactly: a JSON integer literal or a string of
// decimal digits, within the node's bounds.
func (n *node) integer(v json.RawMessage) (int64, error) {
	text := string(v)
	if len(v) > 0 && v[0] == '"' {
		if err := json.Unmarshal(v, &text); err != nil {
			return 0, err
		}
	}
	if !isDecimalInteger(text) {
		return 0, errors.New("not an integer")
	}
	i, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, errOutOfRange
	}
	if i < n.min || i > n.max {
		return 0, errors.New("out of bounds")
	}
	return i, nil
}

var errOutOfRange = errors.New("outside the 64-bit integer range")

// invalid is the error for value v of name. A nil v leaves out the "got"
// part (the caller's suffix says what was wrong instead).
func (n *node) invalid(name string, v json.RawMessage, suffix string) error {
	msg := fmt.Sprintf("invalid arguments: %q must be %s", name, n.expect())
	if v != nil {
		msg += "; got " + n.describe(v)
		if n.typ == "integer" {
			if _, err := n.integer(v); errors.Is(err, errOutOfRange) {
				msg += ", which is outside the 64-bit integer range"
			}
		}
	}
	return errors.New(msg + suffix)
}

// describe shows a value in an error: the JSON itself, shortened, except
// for free text, of which only the length (or the JSON type) is told.
func (n *node) describe(v json.RawMessage) string {
	if n == nil || !n.freeText() {
		return shortJSON(v)
	}
	var s string
	if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
		k := utf8.RuneCountInString(s)
		return fmt.Sprintf("%d character%s", k, plural(k, "", "s"))
	}
	switch {
	case len(v) == 0:
		return "nothing"
	case v[0] == '{':
		return "an object"
	case v[0] == '[':
		return "an array"
	case string(v) == "null", string(v) == "true", string(v) == "false":
		return string(v)
	}
	return "a number"
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
