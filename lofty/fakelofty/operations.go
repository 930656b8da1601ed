package fakelofty

//go:generate go run ../../internal/genfake -doc ../testdata/lofty-openapi.json -o zz_generated_operations.go

import (
	"strings"
)

// Operation is one operation of Lofty's OpenAPI document, as the generated
// table (zz_generated_operations.go) holds it: enough to route a request,
// check it against the documented parameters and body, and build an answer
// from the documented 200 response when no world-backed handler exists.
type Operation struct {
	Method     string // GET, POST, PUT, DELETE
	Path       string // the document's path template, e.g. /v1.0/notes/{noteId}
	ID         string // operationId
	Tag        string // the first tag: the Lofty area
	Deprecated bool
	Params     []Param
	// Body is the request body's schema (an index into the schema table),
	// 0 without one; BodyRequired says the document requires it.
	Body         int32
	BodyRequired bool
	// Response is the 200 answer's schema (0, the empty schema, when the
	// document gives none); ResponseType is its content type ("" for none).
	Response     int32
	ResponseType string
}

// Pattern is the operation as an http.ServeMux pattern: "GET /v1.0/notes".
func (o *Operation) Pattern() string { return o.Method + " " + o.Path }

// In is where a parameter goes.
type In uint8

// Where a parameter goes.
const (
	InQuery In = iota
	InPath
	InHeader
)

func (in In) String() string {
	switch in {
	case InPath:
		return "path"
	case InHeader:
		return "header"
	}
	return "query"
}

// Param is one documented parameter.
type Param struct {
	Name     string
	In       In
	Required bool
	Schema   int32
}

// Type is a schema's JSON type.
type Type uint8

// JSON types. TypeAny accepts every value.
const (
	TypeAny Type = iota
	TypeObject
	TypeArray
	TypeString
	TypeInteger
	TypeNumber
	TypeBoolean
)

func (t Type) String() string {
	return [...]string{"any value", "an object", "an array", "a string", "an integer", "a number", "a boolean"}[t]
}

// Schema is a compact JSON schema: what the fake checks of a request
// (types, required properties, enums, bounds, unknown properties) and what
// a generic answer is built from. Children are indices into the table;
// schema 0 is the empty schema, which accepts any value.
type Schema struct {
	Name      string // the component's name; "" for an inline schema
	Type      Type
	Format    string // int32, int64, double, date-time, ...
	Nullable  bool
	ReadOnly  bool // documented as never sent in a request
	Enum      []string
	Bounds    Bounds
	Min, Max  float64
	MaxLength int32 // 0: unbounded
	Items     int32 // an array's items (0: any)
	Props     []Prop
	Required  []string
	// Open objects accept properties they do not name (free-form objects,
	// additionalProperties); Extra is their schema (0: any).
	Open    bool
	Extra   int32
	Example string // the documented example, as JSON; "" for none
}

// Bounds says which of Min and Max are set.
type Bounds uint8

// Which bounds a schema has.
const (
	HasMin Bounds = 1 << iota
	HasMax
)

// Prop is one named property of an object schema.
type Prop struct {
	Name   string
	Schema int32
}

// Operations returns the generated table: every operation of the document,
// in the document's order. Treat it as read-only.
func Operations() []Operation { return operations[:] }

// SchemaAt returns schema i of the generated table.
func SchemaAt(i int32) *Schema { return &schemas[i] }

// OperationFor returns the operation whose method and path template are
// given, or nil.
func OperationFor(method, pathTemplate string) *Operation {
	for i := range operations {
		if o := &operations[i]; o.Method == method && o.Path == pathTemplate {
			return o
		}
	}
	return nil
}

// prop returns the property of s named name, or nil.
func (s *Schema) prop(name string) *Prop {
	for i := range s.Props {
		if s.Props[i].Name == name {
			return &s.Props[i]
		}
	}
	return nil
}

// label names s in a message: its component name, or its type.
func (s *Schema) label() string {
	if s.Name != "" {
		return s.Name
	}
	return strings.TrimPrefix(strings.TrimPrefix(s.Type.String(), "an "), "a ")
}
