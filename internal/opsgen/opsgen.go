// Package opsgen turns Lofty's OpenAPI document into the fake Lofty's
// operations table (lofty/fakelofty/zz_generated_operations.go): every
// operation with its parameters, its request body's schema and its 200
// answer's schema, $refs resolved into one table of compact schemas.
//
// It reads the document with encoding/json rather than an OpenAPI library
// so that the table costs the product binary nothing but its data, and it
// refuses any schema keyword it does not translate (oneOf, pattern, ...),
// so that the fake never silently checks less than the document says.
package opsgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Command is how the generated file says it was made.
const Command = "go run ../../internal/genfake -doc ../testdata/lofty-openapi.json -o zz_generated_operations.go"

type document struct {
	OpenAPI    string                               `json:"openapi"`
	Paths      orderedPaths                         `json:"paths"`
	Components struct{ Schemas map[string]*schema } `json:"components"`
}

type operation struct {
	OperationID string      `json:"operationId"`
	Tags        []string    `json:"tags"`
	Deprecated  bool        `json:"deprecated"`
	Parameters  []parameter `json:"parameters"`
	RequestBody *struct {
		Required bool                                `json:"required"`
		Content  map[string]struct{ Schema *schema } `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content map[string]struct{ Schema *schema } `json:"content"`
	} `json:"responses"`
}

type parameter struct {
	Name     string  `json:"name"`
	In       string  `json:"in"`
	Required bool    `json:"required"`
	Schema   *schema `json:"schema"`
}

// schema is the part of a JSON schema the generator reads; every other
// keyword is refused (see known).
type schema struct {
	Ref                  string            `json:"$ref"`
	Type                 string            `json:"type"`
	Format               string            `json:"format"`
	Nullable             bool              `json:"nullable"`
	ReadOnly             bool              `json:"readOnly"`
	Enum                 []json.RawMessage `json:"enum"`
	Minimum              *float64          `json:"minimum"`
	Maximum              *float64          `json:"maximum"`
	MaxLength            int32             `json:"maxLength"`
	Items                *schema           `json:"items"`
	Properties           orderedSchemas    `json:"properties"`
	Required             []string          `json:"required"`
	AdditionalProperties json.RawMessage   `json:"additionalProperties"`
	AllOf                []*schema         `json:"allOf"`
	Example              json.RawMessage   `json:"example"`
	unknown              []string          // keywords not translated
}

// known are the schema keywords the generator translates or may ignore
// (documentation only).
var known = map[string]bool{
	"$ref": true, "type": true, "format": true, "nullable": true, "readOnly": true, "writeOnly": true,
	"enum": true, "minimum": true, "maximum": true, "maxLength": true, "items": true, "properties": true,
	"required": true, "additionalProperties": true, "allOf": true, "example": true,
	"description": true, "default": true, "deprecated": true, "title": true,
}

func (s *schema) UnmarshalJSON(b []byte) error {
	type plain schema
	if err := json.Unmarshal(b, (*plain)(s)); err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	for k := range keys {
		if !known[k] {
			s.unknown = append(s.unknown, k)
		}
	}
	sort.Strings(s.unknown)
	return nil
}

// orderedSchemas keeps properties in the document's order.
type orderedSchemas struct {
	names []string
	byKey map[string]*schema
}

func (o *orderedSchemas) UnmarshalJSON(b []byte) error {
	names, err := objectKeys(b)
	if err != nil {
		return err
	}
	o.names = names
	return json.Unmarshal(b, &o.byKey)
}

// orderedPaths keeps paths, and each path's methods, in the document's order.
type orderedPaths struct {
	paths []string
	ops   map[string][]methodOp
}

type methodOp struct {
	method string
	op     *operation
}

func (o *orderedPaths) UnmarshalJSON(b []byte) error {
	paths, err := objectKeys(b)
	if err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	o.paths, o.ops = paths, map[string][]methodOp{}
	for _, p := range paths {
		methods, err := objectKeys(raw[p])
		if err != nil {
			return err
		}
		var byMethod map[string]*operation
		if err := json.Unmarshal(raw[p], &byMethod); err != nil {
			return fmt.Errorf("path %s: %w", p, err)
		}
		for _, m := range methods {
			switch m {
			case "get", "put", "post", "delete", "patch", "head", "options":
				o.ops[p] = append(o.ops[p], methodOp{m, byMethod[m]})
			case "parameters", "summary", "description":
				return fmt.Errorf("path %s: path-level %q is not supported", p, m)
			}
		}
	}
	return nil
}

// objectKeys returns a JSON object's keys in order.
func objectKeys(b []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, t.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// corrections relax what the document gets wrong, by component schema and
// property: ListingQueryRequest types every filterConditions value as an
// object while its own description (and Lofty) takes strings ("price":
// "100000,500000") and arrays ("propertyType": ["Condo"]) too; and
// RoutingStrategy's memberWeights is one {memberId, weight} object, which
// cannot hold a round robin's several members, so it also takes a map of
// member id to weight (what the demo world sends).
var corrections = map[string]map[string]func(*schema){
	"ListingQueryRequest": {"filterConditions": func(s *schema) { s.AdditionalProperties = json.RawMessage("true") }},
	"RoutingStrategy":     {"memberWeights": func(s *schema) { s.AdditionalProperties = json.RawMessage("true") }},
}

// Generate returns the Go source of the operations table for the document.
func Generate(doc []byte) ([]byte, error) {
	var d document
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("reading the OpenAPI document: %w", err)
	}
	if !strings.HasPrefix(d.OpenAPI, "3.") {
		return nil, fmt.Errorf("OpenAPI %q: want 3.x", d.OpenAPI)
	}
	// Schema 0 is the empty schema, which accepts any value: an absent
	// items, additionalProperties, body or answer schema refers to it.
	g := &gen{doc: &d, components: map[string]int32{}, inline: map[string]int32{"{}": 0}, table: []string{"{}"}}
	var ops bytes.Buffer
	n := 0
	for _, path := range d.Paths.paths {
		for _, mo := range d.Paths.ops[path] {
			src, err := g.operation(strings.ToUpper(mo.method), path, mo.op)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", strings.ToUpper(mo.method), path, err)
			}
			ops.WriteString(src)
			n++
		}
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "// Code generated by %s; DO NOT EDIT.\n\n", Command)
	out.WriteString("package fakelofty\n\n")
	fmt.Fprintf(&out, "// operations are the document's %d operations.\n", n)
	fmt.Fprintf(&out, "var operations = [%d]Operation{\n", n)
	out.Write(ops.Bytes())
	out.WriteString("}\n\n")
	fmt.Fprintf(&out, "// schemas are the compact schemas the operations refer to.\n")
	fmt.Fprintf(&out, "var schemas = [%d]Schema{\n", len(g.table))
	for i, s := range g.table {
		fmt.Fprintf(&out, "\t%d: %s,\n", i, s)
	}
	out.WriteString("}\n")
	return format.Source(out.Bytes())
}

type gen struct {
	doc        *document
	table      []string         // schema literals, by index
	components map[string]int32 // component name -> index
	inline     map[string]int32 // literal -> index, for sharing inline schemas
}

func (g *gen) operation(method, path string, op *operation) (string, error) {
	if op.OperationID == "" {
		return "", fmt.Errorf("no operationId")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\t{Method: %q, Path: %q, ID: %q", method, path, op.OperationID)
	if len(op.Tags) > 0 {
		fmt.Fprintf(&b, ", Tag: %q", op.Tags[0])
	}
	if op.Deprecated {
		b.WriteString(", Deprecated: true")
	}
	if len(op.Parameters) > 0 {
		b.WriteString(",\n\t\tParams: []Param{")
		for i, p := range op.Parameters {
			in := map[string]string{"query": "InQuery", "path": "InPath", "header": "InHeader"}[p.In]
			if in == "" {
				return "", fmt.Errorf("parameter %s: in %q is not supported", p.Name, p.In)
			}
			if p.Schema == nil {
				return "", fmt.Errorf("parameter %s has no schema", p.Name)
			}
			idx, err := g.schema(p.Schema, "parameter "+p.Name)
			if err != nil {
				return "", err
			}
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "{Name: %q, In: %s, Required: %t, Schema: %d}", p.Name, in, p.Required || p.In == "path", idx)
		}
		b.WriteString("}")
	}
	if rb := op.RequestBody; rb != nil {
		c, ok := rb.Content["application/json"]
		if !ok || len(rb.Content) != 1 || c.Schema == nil {
			return "", fmt.Errorf("request body: only an application/json schema is supported")
		}
		idx, err := g.schema(c.Schema, "request body")
		if err != nil {
			return "", err
		}
		if idx == 0 {
			return "", fmt.Errorf("request body: an empty schema is not supported")
		}
		fmt.Fprintf(&b, ",\n\t\tBody: %d, BodyRequired: %t", idx, rb.Required)
	}
	resp, ctype := int32(0), ""
	if r, ok := op.Responses["200"]; ok {
		for _, ct := range sortedKeys(r.Content) {
			if c := r.Content[ct]; c.Schema != nil {
				idx, err := g.schema(c.Schema, "200 response")
				if err != nil {
					return "", err
				}
				resp, ctype = idx, ct
				break
			}
		}
	}
	if ctype != "" {
		fmt.Fprintf(&b, ", Response: %d, ResponseType: %q", resp, ctype)
	}
	b.WriteString("},\n")
	return b.String(), nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// application/json first: it is what the fake answers with.
	sort.Slice(keys, func(i, j int) bool {
		if (keys[i] == "application/json") != (keys[j] == "application/json") {
			return keys[i] == "application/json"
		}
		return keys[i] < keys[j]
	})
	return keys
}

// schema returns the table index of s, adding it (and what it refers to).
func (g *gen) schema(s *schema, where string) (int32, error) {
	if len(s.unknown) > 0 {
		return 0, fmt.Errorf("%s: schema keywords %v are not supported by the fake's checker", where, s.unknown)
	}
	if s.Ref != "" {
		name, ok := strings.CutPrefix(s.Ref, "#/components/schemas/")
		if !ok {
			return 0, fmt.Errorf("%s: $ref %q is not a component schema", where, s.Ref)
		}
		if idx, ok := g.components[name]; ok {
			return idx, nil
		}
		c := g.doc.Components.Schemas[name]
		if c == nil {
			return 0, fmt.Errorf("%s: $ref %q: no such schema", where, s.Ref)
		}
		for prop, fix := range corrections[name] {
			if p := c.Properties.byKey[prop]; p != nil {
				fix(p)
			}
		}
		idx := int32(len(g.table))
		g.table = append(g.table, "") // reserved: the schema may refer to itself
		g.components[name] = idx
		lit, err := g.literal(c, name, "schema "+name)
		if err != nil {
			return 0, err
		}
		g.table[idx] = lit
		return idx, nil
	}
	lit, err := g.literal(s, "", where)
	if err != nil {
		return 0, err
	}
	if idx, ok := g.inline[lit]; ok {
		return idx, nil
	}
	idx := int32(len(g.table))
	g.table = append(g.table, lit)
	g.inline[lit] = idx
	return idx, nil
}

// literal is the Go composite literal of s.
func (g *gen) literal(s *schema, name, where string) (string, error) {
	if len(s.unknown) > 0 {
		return "", fmt.Errorf("%s: schema keywords %v are not supported by the fake's checker", where, s.unknown)
	}
	if len(s.AllOf) > 0 {
		merged, err := g.mergeAllOf(s, where)
		if err != nil {
			return "", err
		}
		s = merged
	}
	var f []string
	add := func(format string, args ...any) { f = append(f, fmt.Sprintf(format, args...)) }
	if name != "" {
		add("Name: %q", name)
	}
	typ := s.Type
	if typ == "" && len(s.Properties.names) > 0 {
		typ = "object"
	}
	goType := map[string]string{"": "TypeAny", "object": "TypeObject", "array": "TypeArray", "string": "TypeString",
		"integer": "TypeInteger", "number": "TypeNumber", "boolean": "TypeBoolean"}[typ]
	if goType == "" {
		return "", fmt.Errorf("%s: type %q is not supported", where, s.Type)
	}
	if goType != "TypeAny" {
		add("Type: %s", goType)
	}
	if s.Format != "" {
		add("Format: %q", s.Format)
	}
	if s.Nullable {
		add("Nullable: true")
	}
	if s.ReadOnly {
		add("ReadOnly: true")
	}
	if len(s.Enum) > 0 {
		vals := make([]string, len(s.Enum))
		for i, e := range s.Enum {
			var str string
			if json.Unmarshal(e, &str) == nil {
				vals[i] = strconv.Quote(str)
			} else {
				vals[i] = strconv.Quote(string(e))
			}
		}
		add("Enum: []string{%s}", strings.Join(vals, ", "))
	}
	var bounds []string
	if s.Minimum != nil {
		bounds = append(bounds, "HasMin")
	}
	if s.Maximum != nil {
		bounds = append(bounds, "HasMax")
	}
	if len(bounds) > 0 {
		add("Bounds: %s", strings.Join(bounds, " | "))
	}
	if s.Minimum != nil {
		add("Min: %s", strconv.FormatFloat(*s.Minimum, 'g', -1, 64))
	}
	if s.Maximum != nil {
		add("Max: %s", strconv.FormatFloat(*s.Maximum, 'g', -1, 64))
	}
	if s.MaxLength > 0 {
		add("MaxLength: %d", s.MaxLength)
	}
	if typ == "array" && s.Items != nil {
		idx, err := g.schema(s.Items, where+" items")
		if err != nil {
			return "", err
		}
		if idx != 0 {
			add("Items: %d", idx)
		}
	}
	if len(s.Properties.names) > 0 {
		var props []string
		for _, pn := range s.Properties.names {
			idx, err := g.schema(s.Properties.byKey[pn], where+"."+pn)
			if err != nil {
				return "", err
			}
			props = append(props, fmt.Sprintf("{%q, %d}", pn, idx))
		}
		add("Props: []Prop{%s}", strings.Join(props, ", "))
	}
	if len(s.Required) > 0 {
		req := slices.Clone(s.Required)
		for i := range req {
			if s.Properties.byKey[req[i]] == nil && len(s.Properties.names) > 0 {
				return "", fmt.Errorf("%s: required %q is not a property", where, req[i])
			}
			req[i] = strconv.Quote(req[i])
		}
		add("Required: []string{%s}", strings.Join(req, ", "))
	}
	extra := int32(0)
	open := typ == "object" && len(s.Properties.names) == 0 || typ == ""
	if ap := bytes.TrimSpace(s.AdditionalProperties); len(ap) > 0 && string(ap) != "false" {
		open = true
		if string(ap) != "true" {
			var sub schema
			if err := json.Unmarshal(ap, &sub); err != nil {
				return "", fmt.Errorf("%s: additionalProperties: %w", where, err)
			}
			idx, err := g.schema(&sub, where+" additionalProperties")
			if err != nil {
				return "", err
			}
			extra = idx
		}
	}
	if open {
		add("Open: true")
	}
	if extra != 0 {
		add("Extra: %d", extra)
	}
	if ex := bytes.TrimSpace(s.Example); len(ex) > 0 {
		var compact bytes.Buffer
		if err := json.Compact(&compact, ex); err != nil {
			return "", fmt.Errorf("%s: example: %w", where, err)
		}
		add("Example: %s", strconv.Quote(compact.String()))
	}
	return "{" + strings.Join(f, ", ") + "}", nil
}

// mergeAllOf folds allOf's parts into one object schema.
func (g *gen) mergeAllOf(s *schema, where string) (*schema, error) {
	m := *s
	m.AllOf = nil
	m.Type = "object"
	m.Properties = orderedSchemas{names: slices.Clone(s.Properties.names), byKey: map[string]*schema{}}
	for k, v := range s.Properties.byKey {
		m.Properties.byKey[k] = v
	}
	for _, part := range s.AllOf {
		for part.Ref != "" {
			name := strings.TrimPrefix(part.Ref, "#/components/schemas/")
			if part = g.doc.Components.Schemas[name]; part == nil {
				return nil, fmt.Errorf("%s: allOf: no schema %q", where, name)
			}
		}
		if len(part.AllOf) > 0 {
			p, err := g.mergeAllOf(part, where)
			if err != nil {
				return nil, err
			}
			part = p
		}
		for _, pn := range part.Properties.names {
			if m.Properties.byKey[pn] == nil {
				m.Properties.names = append(m.Properties.names, pn)
			}
			m.Properties.byKey[pn] = part.Properties.byKey[pn]
		}
		m.Required = append(m.Required, part.Required...)
	}
	return &m, nil
}
