// Package schema turns Go structs into the JSON Schemas MCP tools declare
// (inputSchema, outputSchema), with invopop/jsonschema. Reflection happens
// when `go generate` runs: the schemas it makes are compiled into the
// binary (see Precomputed), so that a server does not reflect forty-odd
// structs each time it starts; a type that has none is reflected when
// asked for.
package schema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"unicode"

	"github.com/invopop/jsonschema"
)

var (
	// input schemas refuse unknown properties: a misspelt argument is an error.
	inputReflector = jsonschema.Reflector{
		DoNotReference: true, // inline everything: no $ref, no $defs
		ExpandedStruct: true, // the root is the struct itself, type: object
		Anonymous:      true, // no $id derived from the Go package path
	}
	// output schemas describe what lofty-mcp itself produces; leaving out
	// additionalProperties keeps tools/list, which every conversation pays
	// for, smaller.
	outputReflector = jsonschema.Reflector{
		DoNotReference:            true,
		ExpandedStruct:            true,
		Anonymous:                 true,
		AllowAdditionalProperties: true,
	}
)

// Of returns the input JSON Schema of T: a flat `type: object` document
// without `$ref`, `$schema` or `$id`, properties in declaration order. Fields
// without omitempty are required; unknown properties are not allowed. It
// fails when T is not a struct or a property lacks a description, so a tool
// cannot ship an undocumented argument.
func Of[T any]() (json.RawMessage, error) { return inputOf(reflect.TypeFor[T]()) }

func reflectInput(t reflect.Type) (json.RawMessage, error) {
	s, err := reflectStruct(&inputReflector, t)
	if err != nil {
		return nil, err
	}
	if err := checkDescribed(t.String(), s); err != nil {
		return nil, err
	}
	return json.Marshal(s)
}

// OutputOf is Of for output schemas: the same document, except that it
// does not forbid additional properties, and that a property needs no
// description. Every conversation pays for tools/list, so an output
// property is described only where its name does not say it all: a
// description that only restates the name ("Lead ID" for leadId) is left
// out.
func OutputOf[T any]() (json.RawMessage, error) { return OutputFor[T](nil) }

// Outputs makes the output schemas of the tools one server lists, one after
// the other in listing order, describing a shared shape once: a property
// description that an earlier schema (or an earlier part of the same one)
// already gave for a property of the same name is left out. The zero value
// is not usable; call NewOutputs.
type Outputs struct{ seen map[string]bool }

// NewOutputs starts a list of output schemas.
func NewOutputs() *Outputs { return &Outputs{seen: map[string]bool{}} }

// OutputFor is OutputOf for the next schema of o's list; nil o describes
// everything its name does not say.
func OutputFor[T any](o *Outputs) (json.RawMessage, error) {
	t, err := outputOf(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	return t.For(o), nil
}

func reflectStruct(reflector *jsonschema.Reflector, t reflect.Type) (*jsonschema.Schema, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("schema: %s is not a struct", t)
	}
	s := reflector.ReflectFromType(t)
	s.Version = ""
	s.ID = ""
	return s, nil
}

// walkProperties calls f for every property of s, at any depth (objects,
// array items, map values), in declaration order, parents first.
func walkProperties(s *jsonschema.Schema, f func(name string, p *jsonschema.Schema)) {
	if s == nil {
		return
	}
	if s.Properties != nil {
		for p := s.Properties.Oldest(); p != nil; p = p.Next() {
			f(p.Key, p.Value)
			walkProperties(p.Value, f)
		}
	}
	walkProperties(s.Items, f)
	walkProperties(s.AdditionalProperties, f)
}

// restatesName reports whether description only says the property's name
// in words: "Lead ID" for leadId, "First name" for firstName.
func restatesName(name, description string) bool {
	var words []rune
	prev := rune(0)
	for _, r := range name {
		if unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)) {
			words = append(words, ' ')
		}
		words = append(words, unicode.ToLower(r))
		prev = r
	}
	said := strings.FieldsFunc(strings.ToLower(description), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.Join(said, " ") == string(words)
}

// MustOf is Of for package-level tool declarations; it panics on error.
func MustOf[T any]() json.RawMessage {
	raw, err := Of[T]()
	if err != nil {
		panic(err)
	}
	return raw
}

// checkDescribed requires a description on every property, at any depth.
func checkDescribed(where string, s *jsonschema.Schema) error {
	if s == nil {
		return nil
	}
	if s.Properties != nil {
		var missing []string
		for p := s.Properties.Oldest(); p != nil; p = p.Next() {
			if p.Value.Description == "" {
				missing = append(missing, p.Key)
			}
			if err := checkDescribed(where+"."+p.Key, p.Value); err != nil {
				return err
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			return fmt.Errorf("schema: %s: properties without a description: %v", where, missing)
		}
	}
	if err := checkDescribed(where+"[]", s.Items); err != nil {
		return err
	}
	return nil
}
