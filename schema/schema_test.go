package schema_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/schema"
)

type input struct {
	LeadID int64  `json:"leadId" jsonschema:"minimum=1,description=Lofty lead ID (64-bit integer)"`
	Note   string `json:"note,omitempty" jsonschema:"description=Free text\\, with a comma"`
	Limit  *int   `json:"limit,omitempty" jsonschema:"description=Page size,minimum=1,maximum=100"`
	Active bool   `json:"active" jsonschema:"description=Only active ones"`
}

type address struct {
	City string `json:"city" jsonschema:"description=City"`
}

type nested struct {
	ID        int64     `json:"id" jsonschema:"description=ID"`
	Home      address   `json:"home" jsonschema:"description=Home address"`
	Previous  []address `json:"previous,omitempty" jsonschema:"description=Previous addresses"`
	Secondary *address  `json:"secondary,omitempty" jsonschema:"description=Second address"`
	Tags      []string  `json:"tags,omitempty" jsonschema:"description=Tags"`
}

type undocumented struct {
	LeadID int64 `json:"leadId" jsonschema:"description=Lead"`
	Bare   int64 `json:"bare"`
}

type undocumentedNested struct {
	Home struct {
		City string `json:"city"`
	} `json:"home" jsonschema:"description=Home"`
}

type undocumentedInArray struct {
	Items []struct {
		Name string `json:"name"`
	} `json:"items" jsonschema:"description=Items"`
}

// decode parses a schema keeping key order irrelevant and numbers exact.
func decode(t *testing.T, raw json.RawMessage) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("schema is not a JSON object: %v\n%s", err, raw)
	}
	return m
}

func props(t *testing.T, s map[string]any) map[string]map[string]any {
	t.Helper()
	p, ok := s["properties"].(map[string]any)
	if !ok {
		t.Fatalf("no properties object in %v", s)
	}
	out := map[string]map[string]any{}
	for k, v := range p {
		out[k] = v.(map[string]any)
	}
	return out
}

// forbiddenKeys reports every $ref/$defs/$schema/$id/definitions anywhere in v.
func forbiddenKeys(v any, path string) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch k {
			case "$ref", "$defs", "$schema", "$id", "definitions":
				out = append(out, path+"/"+k)
			}
			out = append(out, forbiddenKeys(e, path+"/"+k)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, forbiddenKeys(e, path+"[]")...)
		}
	}
	return out
}

// undescribed lists properties without a description, at any depth.
func undescribed(s map[string]any, path string) []string {
	var out []string
	if p, ok := s["properties"].(map[string]any); ok {
		for name, v := range p {
			pm := v.(map[string]any)
			if d, _ := pm["description"].(string); d == "" {
				out = append(out, path+"."+name)
			}
			out = append(out, undescribed(pm, path+"."+name)...)
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		out = append(out, undescribed(items, path+"[]")...)
	}
	return out
}

func TestFlatObjectRoot(t *testing.T) {
	for name, raw := range map[string]json.RawMessage{
		"input":            schema.MustOf[input](),
		"nested":           schema.MustOf[nested](),
		"lofty.SalesAgent": must(schema.OutputOf[lofty.SalesAgent]()),
	} {
		t.Run(name, func(t *testing.T) {
			s := decode(t, raw)
			if s["type"] != "object" {
				t.Errorf("root type = %v, want object", s["type"])
			}
			if f := forbiddenKeys(s, ""); len(f) > 0 {
				t.Errorf("schema has %v; MCP clients need it flat and self-contained:\n%s", f, raw)
			}
			// An input property needs a description; an output one may
			// let its name speak (TestOutputSchemaDescriptions).
			if u := undescribed(s, name); len(u) > 0 && name != "lofty.SalesAgent" {
				t.Errorf("properties without a description: %v", u)
			}
			// Inputs are closed; outputs stay open (Lofty may add fields).
			if s["additionalProperties"] != false && name != "lofty.SalesAgent" {
				t.Errorf("additionalProperties = %v, want false", s["additionalProperties"])
			}
		})
	}
}

func TestInputSchemaExact(t *testing.T) {
	s := decode(t, schema.MustOf[input]())
	p := props(t, s)
	lead := p["leadId"]
	if lead["type"] != "integer" || lead["minimum"] != json.Number("1") || lead["description"] != "Lofty lead ID (64-bit integer)" {
		t.Errorf("leadId = %v, want integer, minimum 1, described", lead)
	}
	if p["note"]["description"] != "Free text, with a comma" {
		t.Errorf("escaped comma: note description = %q", p["note"]["description"])
	}
	if p["limit"]["type"] != "integer" || p["limit"]["minimum"] != json.Number("1") || p["limit"]["maximum"] != json.Number("100") {
		t.Errorf("limit = %v, want integer 1..100", p["limit"])
	}
	if p["active"]["type"] != "boolean" {
		t.Errorf("active type = %v", p["active"]["type"])
	}
	var req []string
	for _, r := range s["required"].([]any) {
		req = append(req, r.(string))
	}
	slices.Sort(req)
	if !slices.Equal(req, []string{"active", "leadId"}) {
		t.Errorf("required = %v, want exactly the non-omitempty fields [active leadId]", req)
	}
}

func TestPropertiesInDeclarationOrder(t *testing.T) {
	raw := string(schema.MustOf[input]())
	order := []string{`"leadId"`, `"note"`, `"limit"`, `"active"`}
	last := -1
	for _, name := range order {
		i := strings.Index(raw, name)
		if i < last {
			t.Errorf("properties are not in declaration order: %s", raw)
			break
		}
		last = i
	}
}

func TestNestedStructsInlined(t *testing.T) {
	s := decode(t, schema.MustOf[nested]())
	p := props(t, s)
	home := p["home"]
	if home["type"] != "object" {
		t.Fatalf("home = %v, want an inline object", home)
	}
	if city := props(t, home)["city"]; city["type"] != "string" {
		t.Errorf("home.city = %v", city)
	}
	if home["additionalProperties"] != false {
		t.Errorf("nested object allows additional properties: %v", home)
	}
	prev := p["previous"]
	items, ok := prev["items"].(map[string]any)
	if prev["type"] != "array" || !ok || items["type"] != "object" {
		t.Errorf("previous = %v, want an array of inline objects", prev)
	}
	if sec := p["secondary"]; sec["type"] != "object" {
		t.Errorf("pointer to struct = %v, want an inline object", sec)
	}
	if tags := p["tags"]; tags["type"] != "array" || tags["items"].(map[string]any)["type"] != "string" {
		t.Errorf("tags = %v", tags)
	}
}

func TestUndocumentedFieldRejected(t *testing.T) {
	cases := []struct {
		name string
		of   func() (json.RawMessage, error)
		want string
	}{
		{"top level", schema.Of[undocumented], "bare"},
		{"nested object", schema.Of[undocumentedNested], "city"},
		{"array items", schema.Of[undocumentedInArray], "name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := tc.of()
			if err == nil {
				t.Fatalf("Of accepted a struct with an undescribed property:\n%s", raw)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name the property %q", err, tc.want)
			}
		})
	}
	defer func() {
		if recover() == nil {
			t.Error("MustOf did not panic on an undescribed property")
		}
	}()
	schema.MustOf[undocumented]()
}

func TestNonStructRejected(t *testing.T) {
	if _, err := schema.Of[int](); err == nil {
		t.Error("Of[int] succeeded")
	}
	if _, err := schema.Of[[]input](); err == nil {
		t.Error("Of[[]input] succeeded")
	}
	if _, err := schema.Of[*input](); err == nil {
		t.Error("Of[*input] succeeded; a pointer root would not be type object")
	}
}

func TestSalesAgentOutputSchema(t *testing.T) {
	s := decode(t, must(schema.OutputOf[lofty.SalesAgent]()))
	p := props(t, s)
	if len(p) != 17 {
		t.Errorf("%d properties, want 17", len(p))
	}
	if req, ok := s["required"]; ok && len(req.([]any)) > 0 {
		t.Errorf("required = %v; Lofty may leave any field out, so none may be required", req)
	}
	want := map[string]string{"id": "integer", "userId": "integer", "borrowId": "integer", "hasQuotaSeat": "boolean", "agentName": "string", "createdAt": "string"}
	for name, typ := range want {
		if p[name]["type"] != typ {
			t.Errorf("%s type = %v, want %s", name, p[name]["type"], typ)
		}
	}
	// Every property is named exactly as the struct's JSON tag says.
	rt := reflect.TypeFor[lofty.SalesAgent]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if _, ok := p[name]; !ok {
			t.Errorf("field %s (json %q) is not a schema property", rt.Field(i).Name, name)
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, b := schema.MustOf[nested](), schema.MustOf[nested]()
	if !bytes.Equal(a, b) {
		t.Errorf("two reflections differ:\n%s\n%s", a, b)
	}
}

func must(raw json.RawMessage, err error) json.RawMessage {
	if err != nil {
		panic(err)
	}
	return raw
}
