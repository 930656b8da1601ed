package lofty_test

// Contract tests: our Go structs against Lofty's published OpenAPI document.
//
// To check a new struct, add one line to TestContract:
//
//	checkStructAgainstSchema(t, reflect.TypeFor[lofty.Lead](), "LeadResponse")
//
// and, when the struct is meant to carry every documented field,
//
//	checkSchemaCoveredByStruct(t, reflect.TypeFor[lofty.Lead](), "LeadResponse")
//
// responseSchemaName(t, path, "get", "200") finds the schema an endpoint
// documents, so a test can tie a struct to the endpoint it decodes.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

const (
	// sharedOpenAPIPath is ../shared/lofty-openapi.json relative to the repo root.
	sharedOpenAPIPath = "../../shared/lofty-openapi.json"
	// vendoredOpenAPIPath is the copy kept in the repo, for checkouts without ../shared.
	vendoredOpenAPIPath = "testdata/lofty-openapi.json"
)

func TestContract(t *testing.T) {
	checkStructAgainstSchema(t, reflect.TypeFor[lofty.SalesAgent](), "SalesAgentResponseV2")
	checkSchemaCoveredByStruct(t, reflect.TypeFor[lofty.SalesAgent](), "SalesAgentResponseV2")

	// Lead reads a chosen part of LeadResponse: every field it reads, the
	// nested ones included, must be a documented property of a
	// fitting type. Location is read whole.
	checkStructAgainstSchema(t, reflect.TypeFor[lofty.Lead](), "LeadResponse")
	checkStructAgainstSchema(t, reflect.TypeFor[lofty.LeadInquiry](), "LeadInquiry")
	checkStructAgainstSchema(t, reflect.TypeFor[lofty.LeadProperty](), "LeadProperty")
	checkStructAgainstSchema(t, reflect.TypeFor[lofty.CustomAttribute](), "CustomAttribute")
	checkStructAgainstSchema(t, reflect.TypeFor[lofty.Location](), "Location")
	checkSchemaCoveredByStruct(t, reflect.TypeFor[lofty.Location](), "Location")
}

// TestLeadReadsWhatAnAgentAsksFirst: lofty.Lead has a field for each part
// of LeadResponse that get_lead answers with, under the name the
// document gives it, and the nested ones are the documented schemas.
func TestLeadReadsWhatAnAgentAsksFirst(t *testing.T) {
	doc := loftyOpenAPI(t)
	lead := doc.schema(t, "LeadResponse")
	fields := map[string]reflect.Type{}
	for _, f := range jsonFields(reflect.TypeFor[lofty.Lead]()) {
		fields[f.name] = f.typ
	}
	for _, name := range []string{"leadInquiry", "buyingTimeFrame", "sellingTimeFrame", "mortgage", "preQual", "fthb",
		"houseToSell", "withBuyerAgent", "withListingAgent", "opportunity", "segments", "language", "lastVisit",
		"customAttributes", "leadPropertyList", "leadSource"} {
		if _, ok := fields[name]; !ok {
			t.Errorf("lofty.Lead reads no %q", name)
		}
		if _, ok := lead.Properties[name]; !ok {
			t.Errorf("LeadResponse documents no %q", name)
		}
	}
	for name, schema := range map[string]string{"leadInquiry": "LeadInquiry", "leadPropertyList": "LeadProperty", "customAttributes": "CustomAttribute"} {
		p := lead.Properties[name]
		if p.Items != nil {
			p = p.Items
		}
		if got := strings.TrimPrefix(p.Ref, "#/components/schemas/"); got != schema {
			t.Errorf("LeadResponse.%s is %q, want %s", name, got, schema)
		}
	}
	if got := doc.resolve(doc.schema(t, "LeadInquiry").Properties["locations"].Items).Properties; got["city"] == nil || got["stateCode"] == nil {
		t.Errorf("LeadInquiry.locations[] is not a Location: %v", got)
	}
}

func TestSalesAgentSchemaHasSeventeenProperties(t *testing.T) {
	s := loftyOpenAPI(t).schema(t, "SalesAgentResponseV2")
	if n := len(s.Properties); n != 17 {
		t.Errorf("SalesAgentResponseV2 has %d properties, want the 17 the issue names", n)
	}
	if n := reflect.TypeFor[lofty.SalesAgent]().NumField(); n != 17 {
		t.Errorf("lofty.SalesAgent has %d fields, want 17", n)
	}
}

func TestSalesAgentEndpointMatchesDocument(t *testing.T) {
	doc := loftyOpenAPI(t)
	if got := doc.responseSchemaName(t, lofty.SalesAgentPath, "get", "200"); got != "SalesAgentResponseV2" {
		t.Errorf("GET %s 200 is documented as %q, want SalesAgentResponseV2", lofty.SalesAgentPath, got)
	}
	op := doc.operation(t, lofty.SalesAgentPath, "get")
	var found bool
	for _, p := range op.Parameters {
		if p.Name != "leadId" {
			continue
		}
		found = true
		s := doc.resolve(p.Schema)
		if p.In != "query" || !p.Required || s.typ() != "integer" || s.Format != "int64" {
			t.Errorf("leadId is documented as in=%s required=%v type=%s format=%s; the client sends a required int64 query parameter",
				p.In, p.Required, s.typ(), s.Format)
		}
	}
	if !found {
		t.Errorf("GET %s documents no leadId parameter", lofty.SalesAgentPath)
	}
}

// TestOpenAPIDocumentCopiesIdentical: the vendored copy is the shared document.
func TestOpenAPIDocumentCopiesIdentical(t *testing.T) {
	vendored, err := os.ReadFile(vendoredOpenAPIPath)
	if err != nil {
		t.Fatalf("the vendored OpenAPI document is missing: %v", err)
	}
	shared, err := os.ReadFile(sharedOpenAPIPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s not present; only the vendored copy is used", sharedOpenAPIPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(vendored, shared) {
		t.Errorf("%s differs from %s: copy the shared document over the vendored one (cp %s %s) and re-run the contract tests",
			vendoredOpenAPIPath, sharedOpenAPIPath, sharedOpenAPIPath, "lofty/"+vendoredOpenAPIPath)
	}
}

// TestContractHelperCatchesMismatches proves the helper on a small document
// using $ref, allOf, nested objects, arrays and maps: a matching struct
// passes, and each kind of mismatch is reported at its path.
func TestContractHelperCatchesMismatches(t *testing.T) {
	doc := parseOpenAPI(t, []byte(`{
	  "openapi": "3.0.1",
	  "components": {"schemas": {
	    "Base": {"type": "object", "properties": {
	      "id": {"type": "integer", "format": "int64"},
	      "name": {"type": "string"}}},
	    "Item": {"type": "object", "properties": {
	      "flag": {"type": "boolean"},
	      "count": {"type": "integer", "format": "int32"},
	      "price": {"type": "number", "format": "double"}}},
	    "Outer": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {
	      "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
	      "tags": {"type": "array", "items": {"type": "string"}},
	      "first": {"$ref": "#/components/schemas/Item"},
	      "inline": {"type": "object", "properties": {"when": {"type": "string", "format": "date-time"}}},
	      "counts": {"type": "object", "additionalProperties": {"type": "integer", "format": "int64"}},
	      "free": {"type": "object", "description": "anything"},
	      "note": {"type": "string", "nullable": true}}}]}
	  }}
	}`))

	type item struct {
		Flag  *bool   `json:"flag,omitempty"`
		Count int32   `json:"count"`
		Price float64 `json:"price"`
	}
	type base struct {
		ID   *int64 `json:"id,omitempty"`
		Name string `json:"name"`
	}
	type good struct {
		base            // embedded: its fields are promoted, as encoding/json does
		Items  []item   `json:"items"`
		Tags   []string `json:"tags"`
		First  *item    `json:"first,omitempty"`
		Inline struct {
			When time.Time `json:"when"`
		} `json:"inline"`
		Counts map[string]int64 `json:"counts"`
		Free   map[string]any   `json:"free"`
		Note   *string          `json:"note"`
		//lint:ignore U1000 unexported: not part of the JSON, which is the point
		ignored string
		Skipped string `json:"-"`
	}
	if m := doc.mismatches(reflect.TypeFor[good](), "Outer"); len(m) > 0 {
		t.Errorf("a matching struct got mismatches:\n%s", strings.Join(m, "\n"))
	}
	if m := doc.uncovered(reflect.TypeFor[good](), "Outer"); len(m) > 0 {
		t.Errorf("a struct with every property reported uncovered properties: %q", m)
	}
	type partial struct {
		ID    int64 `json:"id"`
		Items []struct {
			Flag bool `json:"flag"`
		} `json:"items"`
	}
	wantUncovered := []string{"Outer.counts", "Outer.first", "Outer.free", "Outer.inline", "Outer.items[].count",
		"Outer.items[].price", "Outer.name", "Outer.note", "Outer.tags"}
	var gotUncovered []string
	for _, m := range doc.uncovered(reflect.TypeFor[partial](), "Outer") {
		gotUncovered = append(gotUncovered, strings.SplitN(m, ":", 2)[0])
	}
	if strings.Join(gotUncovered, " ") != strings.Join(wantUncovered, " ") {
		t.Errorf("uncovered = %q, want %q", gotUncovered, wantUncovered)
	}

	cases := []struct {
		name string
		typ  reflect.Type
		want string // a substring of one reported mismatch
	}{
		{"unknown field", reflect.TypeFor[struct {
			Extra string `json:"extra"`
		}](), `Outer.extra`},
		{"string for int64", reflect.TypeFor[struct {
			ID string `json:"id"`
		}](), `Outer.id`},
		{"int32 for int64", reflect.TypeFor[struct {
			ID *int32 `json:"id"`
		}](), `Outer.id`},
		{"float for integer", reflect.TypeFor[struct {
			ID float64 `json:"id"`
		}](), `Outer.id`},
		{"bool for string", reflect.TypeFor[struct {
			Name bool `json:"name"`
		}](), `Outer.name`},
		{"slice of wrong items", reflect.TypeFor[struct {
			Tags []int `json:"tags"`
		}](), `Outer.tags[]`},
		{"object for array", reflect.TypeFor[struct {
			Items item `json:"items"`
		}](), `Outer.items`},
		{"nested field through $ref", reflect.TypeFor[struct {
			First struct {
				Flag string `json:"flag"`
			} `json:"first"`
		}](), `Outer.first.flag`},
		{"nested unknown field in array items", reflect.TypeFor[struct {
			Items []struct {
				Bogus int `json:"bogus"`
			} `json:"items"`
		}](), `Outer.items[].bogus`},
		{"map value type", reflect.TypeFor[struct {
			Counts map[string]string `json:"counts"`
		}](), `Outer.counts{}`},
		{"float32 for double", reflect.TypeFor[struct {
			Items []struct {
				Price float32 `json:"price"`
			} `json:"items"`
		}](), `Outer.items[].price`},
		{"string option makes a string", reflect.TypeFor[struct {
			ID int64 `json:"id,string"`
		}](), `Outer.id`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := doc.mismatches(tc.typ, "Outer")
			for _, s := range m {
				if strings.Contains(s, tc.want) {
					return
				}
			}
			t.Errorf("mismatches = %q, want one at %s", m, tc.want)
		})
	}

	if m := doc.mismatches(reflect.TypeFor[good](), "Missing"); len(m) == 0 {
		t.Error("an unknown schema name reported no mismatch")
	}
}

// ---- the helper ----

// checkStructAgainstSchema fails t for every JSON field of typ (a struct)
// that is not a property of the named schema in Lofty's OpenAPI document, or
// whose Go type does not fit the property's type, at any depth ($ref, allOf,
// nested objects, arrays and maps are followed).
func checkStructAgainstSchema(t *testing.T, typ reflect.Type, schemaName string) {
	t.Helper()
	for _, m := range loftyOpenAPI(t).mismatches(typ, schemaName) {
		t.Errorf("%s vs %s: %s", typ, schemaName, m)
	}
}

// checkSchemaCoveredByStruct fails t for every property of the named schema
// that typ has no field for (recursively, where both sides are objects).
func checkSchemaCoveredByStruct(t *testing.T, typ reflect.Type, schemaName string) {
	t.Helper()
	for _, m := range loftyOpenAPI(t).uncovered(typ, schemaName) {
		t.Errorf("%s vs %s: %s", typ, schemaName, m)
	}
}

// openAPI is the part of an OpenAPI 3 document the contract tests read.
type openAPI struct {
	Paths      map[string]map[string]*oaOperation `json:"paths"`
	Components struct {
		Schemas map[string]*oaSchema `json:"schemas"`
	} `json:"components"`
}

type oaOperation struct {
	Deprecated  bool `json:"deprecated"`
	RequestBody *struct {
		Content map[string]struct {
			Schema *oaSchema `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Parameters []struct {
		Name     string    `json:"name"`
		In       string    `json:"in"`
		Required bool      `json:"required"`
		Schema   *oaSchema `json:"schema"`
	} `json:"parameters"`
	Responses map[string]struct {
		Content map[string]struct {
			Schema *oaSchema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

type oaSchema struct {
	Ref                  string               `json:"$ref"`
	Type                 json.RawMessage      `json:"type"` // "string", or ["string","null"] in 3.1
	Format               string               `json:"format"`
	Nullable             bool                 `json:"nullable"`
	Properties           map[string]*oaSchema `json:"properties"`
	Items                *oaSchema            `json:"items"`
	AllOf                []*oaSchema          `json:"allOf"`
	OneOf                []*oaSchema          `json:"oneOf"`
	AnyOf                []*oaSchema          `json:"anyOf"`
	AdditionalProperties json.RawMessage      `json:"additionalProperties"` // bool or schema
}

// typ is the schema's JSON type ("" when unconstrained); an object with
// properties but no type counts as an object.
func (s *oaSchema) typ() string {
	if s == nil {
		return ""
	}
	var one string
	if json.Unmarshal(s.Type, &one) == nil && one != "" {
		return one
	}
	var many []string
	if json.Unmarshal(s.Type, &many) == nil {
		for _, t := range many {
			if t != "null" {
				return t
			}
		}
	}
	if s.Properties != nil || s.AdditionalProperties != nil {
		return "object"
	}
	if s.Items != nil {
		return "array"
	}
	return ""
}

// additional is the schema of an object's additionalProperties, if it is one.
func (s *oaSchema) additional() *oaSchema {
	if len(s.AdditionalProperties) == 0 || s.AdditionalProperties[0] != '{' {
		return nil
	}
	var a oaSchema
	if json.Unmarshal(s.AdditionalProperties, &a) != nil {
		return nil
	}
	return &a
}

var (
	openAPIOnce sync.Once
	openAPIDoc  *openAPI
	openAPIErr  error
)

// loftyOpenAPI loads Lofty's OpenAPI document once: the shared copy when
// present, else the vendored one.
func loftyOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	openAPIOnce.Do(func() {
		raw, err := os.ReadFile(sharedOpenAPIPath)
		if errors.Is(err, fs.ErrNotExist) {
			raw, err = os.ReadFile(vendoredOpenAPIPath)
		}
		if err != nil {
			openAPIErr = fmt.Errorf("reading Lofty's OpenAPI document: %w", err)
			return
		}
		openAPIDoc = &openAPI{}
		openAPIErr = json.Unmarshal(raw, openAPIDoc)
	})
	if openAPIErr != nil {
		t.Fatal(openAPIErr)
	}
	return openAPIDoc
}

func parseOpenAPI(t *testing.T, raw []byte) *openAPI {
	t.Helper()
	var d openAPI
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

// schema returns the named component schema, resolved.
func (d *openAPI) schema(t *testing.T, name string) *oaSchema {
	t.Helper()
	s, ok := d.Components.Schemas[name]
	if !ok {
		t.Fatalf("the OpenAPI document has no schema %q", name)
	}
	return d.resolve(s)
}

func (d *openAPI) operation(t *testing.T, path, method string) *oaOperation {
	t.Helper()
	op := d.Paths[path][method]
	if op == nil {
		t.Fatalf("the OpenAPI document has no %s %s", strings.ToUpper(method), path)
	}
	return op
}

// responseSchemaName is the component schema name a response references.
func (d *openAPI) responseSchemaName(t *testing.T, path, method, status string) string {
	t.Helper()
	resp, ok := d.operation(t, path, method).Responses[status]
	if !ok {
		t.Fatalf("%s %s documents no %s response", strings.ToUpper(method), path, status)
	}
	for _, c := range resp.Content {
		if c.Schema != nil && c.Schema.Ref != "" {
			return strings.TrimPrefix(c.Schema.Ref, "#/components/schemas/")
		}
	}
	t.Fatalf("%s %s %s has no $ref schema", strings.ToUpper(method), path, status)
	return ""
}

// resolve follows $ref and merges allOf into one schema. oneOf/anyOf with a
// single branch are treated as that branch.
func (d *openAPI) resolve(s *oaSchema) *oaSchema {
	for depth := 0; s != nil && depth < 32; depth++ {
		switch {
		case s.Ref != "":
			s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
		case len(s.AllOf) > 0:
			merged := &oaSchema{Type: s.Type, Format: s.Format, Nullable: s.Nullable, Items: s.Items,
				AdditionalProperties: s.AdditionalProperties, Properties: map[string]*oaSchema{}}
			for name, p := range s.Properties {
				merged.Properties[name] = p
			}
			for _, part := range s.AllOf {
				r := d.resolve(part)
				if r == nil {
					continue
				}
				for name, p := range r.Properties {
					merged.Properties[name] = p
				}
				if merged.typ() == "" {
					merged.Type = r.Type
				}
				if merged.Items == nil {
					merged.Items = r.Items
				}
				if merged.Format == "" {
					merged.Format = r.Format
				}
			}
			return merged
		case len(s.OneOf) == 1:
			s = s.OneOf[0]
		case len(s.AnyOf) == 1:
			s = s.AnyOf[0]
		default:
			return s
		}
	}
	return s
}

// mismatches lists every way struct typ does not fit the named schema.
func (d *openAPI) mismatches(typ reflect.Type, schemaName string) []string {
	s, ok := d.Components.Schemas[schemaName]
	if !ok {
		return []string{fmt.Sprintf("the OpenAPI document has no schema %q", schemaName)}
	}
	var out []string
	d.compare(schemaName, typ, d.resolve(s), &out)
	return out
}

// uncovered lists the schema's properties that typ has no field for.
func (d *openAPI) uncovered(typ reflect.Type, schemaName string) []string {
	s, ok := d.Components.Schemas[schemaName]
	if !ok {
		return []string{fmt.Sprintf("the OpenAPI document has no schema %q", schemaName)}
	}
	var out []string
	d.cover(schemaName, typ, d.resolve(s), &out)
	sort.Strings(out)
	return out
}

var (
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	numberType     = reflect.TypeFor[json.Number]()
	timeType       = reflect.TypeFor[time.Time]()
)

// jsonField is one field as encoding/json sees it.
type jsonField struct {
	name     string
	typ      reflect.Type
	asString bool // the ",string" option
	// prose: a field Lofty documents in an operation's text but not in its
	// schema (tag lofty:"prose"); the schema checks pass it by.
	prose bool
}

// jsonFields returns typ's fields as encoding/json encodes them: exported,
// not "-", embedded structs without a name promoted.
func jsonFields(typ reflect.Type) []jsonField {
	var out []jsonField
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, jsonFields(ft)...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, typ: ft, asString: strings.Contains(","+opts+",", ",string,"),
			prose: f.Tag.Get("lofty") == "prose"})
	}
	return out
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// compare checks Go type typ against schema s at path, appending mismatches.
func (d *openAPI) compare(path string, typ reflect.Type, s *oaSchema, out *[]string) {
	s = d.resolve(s)
	typ = deref(typ)
	want := s.typ()
	bad := func(format string, args ...any) {
		*out = append(*out, path+": "+fmt.Sprintf(format, args...))
	}
	// Go types that take any JSON, and schemas that allow any JSON.
	if typ == rawMessageType || typ.Kind() == reflect.Interface || want == "" {
		return
	}
	describe := want
	if s.Format != "" {
		describe += "/" + s.Format
	}
	switch want {
	case "integer":
		switch {
		case typ == reflect.TypeFor[lofty.Time]():
			// A time sent as epoch seconds or milliseconds: Time reads both.
		case typ.Kind() == reflect.Int64, typ.Kind() == reflect.Uint64:
		case slices.Contains([]reflect.Kind{reflect.Int, reflect.Int32, reflect.Uint32, reflect.Int16, reflect.Int8, reflect.Uint16, reflect.Uint8, reflect.Uint}, typ.Kind()):
			if s.Format == "int64" || s.Format == "" {
				bad("Go %s cannot hold every %s; use int64", typ, describe)
			}
		default:
			// lofty.Time reads epoch seconds and milliseconds too.
			if typ != numberType && typ != loftyTime {
				bad("Go %s for schema %s", typ, describe)
			}
		}
	case "number":
		switch typ.Kind() {
		case reflect.Float64:
		case reflect.Float32:
			if s.Format != "float" {
				bad("Go %s cannot hold every %s; use float64", typ, describe)
			}
		default:
			if typ != numberType {
				bad("Go %s for schema %s", typ, describe)
			}
		}
	case "string":
		if typ.Kind() != reflect.String && typ != timeType && !(typ.Kind() == reflect.Slice && typ.Elem().Kind() == reflect.Uint8 && s.Format == "byte") {
			bad("Go %s for schema %s", typ, describe)
		}
	case "boolean":
		if typ.Kind() != reflect.Bool {
			bad("Go %s for schema %s", typ, describe)
		}
	case "array":
		if typ.Kind() != reflect.Slice && typ.Kind() != reflect.Array {
			bad("Go %s for schema %s", typ, describe)
			return
		}
		if s.Items != nil {
			d.compare(path+"[]", typ.Elem(), s.Items, out)
		}
	case "object":
		switch typ.Kind() {
		case reflect.Map:
			if typ.Key().Kind() != reflect.String {
				bad("Go %s: object keys are strings", typ)
				return
			}
			if a := s.additional(); a != nil {
				d.compare(path+"{}", typ.Elem(), a, out)
			} else if len(s.Properties) > 0 {
				// A map for an object with fixed properties: each property must fit the value type.
				for name, p := range s.Properties {
					d.compare(path+"."+name, typ.Elem(), p, out)
				}
			}
		case reflect.Struct:
			if typ == timeType {
				bad("Go %s for schema %s", typ, describe)
				return
			}
			for _, f := range jsonFields(typ) {
				p, ok := s.Properties[f.name]
				fpath := path + "." + f.name
				if f.prose && !ok {
					continue
				}
				if !ok {
					*out = append(*out, fmt.Sprintf("%s: struct field is not a property of the schema (properties: %s)", fpath, propertyNames(s)))
					continue
				}
				if f.asString {
					if ps := d.resolve(p).typ(); ps != "string" && ps != "" {
						*out = append(*out, fmt.Sprintf("%s: the ,string option encodes a string but the schema says %s", fpath, ps))
					}
					continue
				}
				d.compare(fpath, f.typ, p, out)
			}
		default:
			bad("Go %s for schema %s", typ, describe)
		}
	default:
		bad("schema type %q is not handled by the contract helper", want)
	}
}

// cover appends the properties of s that typ has no field for.
func (d *openAPI) cover(path string, typ reflect.Type, s *oaSchema, out *[]string) {
	s = d.resolve(s)
	typ = deref(typ)
	switch {
	case s == nil:
	case s.typ() == "object" && typ.Kind() == reflect.Struct && typ != timeType:
		fields := map[string]reflect.Type{}
		for _, f := range jsonFields(typ) {
			fields[f.name] = f.typ
		}
		for name, p := range s.Properties {
			ft, ok := fields[name]
			if !ok {
				*out = append(*out, fmt.Sprintf("%s.%s: schema property has no struct field", path, name))
				continue
			}
			d.cover(path+"."+name, ft, p, out)
		}
	case s.typ() == "array" && s.Items != nil && (typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array):
		d.cover(path+"[]", typ.Elem(), s.Items, out)
	}
}

func propertyNames(s *oaSchema) string {
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
