// Package schema turns Go structs into the JSON Schemas MCP tools declare
// (inputSchema, outputSchema), with invopop/jsonschema. Reflection happens
// once, at start-up.
package schema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"

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
// cannot ship an undocumented field.
func Of[T any]() (json.RawMessage, error) {
	return reflectStruct(&inputReflector, reflect.TypeFor[T]())
}

// OutputOf is Of for output schemas: the same document, except that it
// does not forbid additional properties.
func OutputOf[T any]() (json.RawMessage, error) {
	return reflectStruct(&outputReflector, reflect.TypeFor[T]())
}

func reflectStruct(reflector *jsonschema.Reflector, t reflect.Type) (json.RawMessage, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("schema: %s is not a struct", t)
	}
	s := reflector.ReflectFromType(t)
	s.Version = ""
	s.ID = ""
	if err := checkDescribed(t.String(), s); err != nil {
		return nil, err
	}
	return json.Marshal(s)
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
