package mcpserver_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// Output conformance is checked here, in tests, instead of on every call:
// every successful result any test gets through a harness is validated
// against the outputSchema its server lists, with a real JSON Schema
// validator (santhosh-tekuri/jsonschema, draft 2020-12), twice: as declared,
// and closed (additionalProperties false on every object), so that a result
// carries nothing its schema does not declare either.

// outputSchemas are a server's tools' output schemas, compiled on first use.
type outputSchemas struct {
	once             sync.Once
	err              error
	declared, closed map[string]*jsonschema.Schema
}

// check fails t when res is a successful result of tool that does not
// conform to the tool's outputSchema as srv lists it.
func (o *outputSchemas) check(t *testing.T, srv *server.MCPServer, tool string, res *mcp.CallToolResult) {
	t.Helper()
	if res == nil || res.IsError {
		return
	}
	o.once.Do(func() { o.declared, o.closed, o.err = compileOutputSchemas(rawResult(t, srv, "tools/list", "{}")) })
	if o.err != nil {
		t.Fatal(o.err)
	}
	if len(res.Content) != 1 {
		t.Fatalf("%s: %d content blocks, want 1", tool, len(res.Content))
	}
	tc, ok := mcp.AsTextContent(res.Content[0])
	if !ok {
		t.Fatalf("%s: content %T, want text", tool, res.Content[0])
	}
	if err := conforms(o.declared[tool], o.closed[tool], tc.Text); err != nil {
		t.Errorf("%s: result does not conform to its outputSchema: %v\nresult: %s", tool, err, tc.Text)
	}
}

// conforms validates a result (JSON text, numbers kept exact) against a
// tool's declared and closed output schemas.
func conforms(declared, closed *jsonschema.Schema, result string) error {
	if declared == nil || closed == nil {
		return fmt.Errorf("the tool lists no outputSchema")
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(result))
	if err != nil {
		return fmt.Errorf("not JSON: %v", err)
	}
	if err := declared.Validate(doc); err != nil {
		return err
	}
	if err := closed.Validate(doc); err != nil {
		return fmt.Errorf("an undeclared property: %v", err)
	}
	return nil
}

// outcomeSchema is what a write's result holds when its tool lists no
// outputSchema: status, summary, and at most the id it made or changed.
var outcomeSchema = json.RawMessage(`{"type":"object","properties":{"status":{"type":"string","enum":["done","declined"]},` +
	`"summary":{"type":"string"}},"patternProperties":{"^(id|[a-z][A-Za-z]*Id)$":{"type":"integer"}},` +
	`"maxProperties":3,"required":["status","summary"]}`)

// compileOutputSchemas compiles every outputSchema of a tools/list result,
// and for a tool listing none the outcome every write answers.
func compileOutputSchemas(list json.RawMessage) (declared, closed map[string]*jsonschema.Schema, err error) {
	var l struct {
		Tools []struct {
			Name         string          `json:"name"`
			OutputSchema json.RawMessage `json:"outputSchema"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(list, &l); err != nil {
		return nil, nil, err
	}
	declared, closed = map[string]*jsonschema.Schema{}, map[string]*jsonschema.Schema{}
	for _, tool := range l.Tools {
		if len(tool.OutputSchema) == 0 {
			// A write whose result is only its outcome lists none
			// (README's Actions): its results are held to that.
			tool.OutputSchema = outcomeSchema
		}
		if declared[tool.Name], err = compileSchema(tool.Name, tool.OutputSchema, false); err != nil {
			return nil, nil, err
		}
		if closed[tool.Name], err = compileSchema(tool.Name+"-closed", tool.OutputSchema, true); err != nil {
			return nil, nil, err
		}
	}
	return declared, closed, nil
}

func compileSchema(name string, raw json.RawMessage, close bool) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		return nil, fmt.Errorf("%s outputSchema: %w", name, err)
	}
	if close {
		closeObjects(doc)
	}
	c := jsonschema.NewCompiler()
	url := "mem://" + name + ".json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("%s outputSchema does not compile: %w", name, err)
	}
	return s, nil
}

// closeObjects sets additionalProperties false on every object schema of s
// that leaves it out.
func closeObjects(s any) {
	switch v := s.(type) {
	case map[string]any:
		if _, ok := v["properties"]; ok {
			if _, set := v["additionalProperties"]; !set {
				v["additionalProperties"] = false
			}
		}
		for _, child := range v {
			closeObjects(child)
		}
	case []any:
		for _, child := range v {
			closeObjects(child)
		}
	}
}

// TestOutputValidationCatchesNonConformingResults: the validator used on
// every result above refuses what does not conform, so its silence means
// something.
func TestOutputValidationCatchesNonConformingResults(t *testing.T) {
	raw, err := mcpserver.ToolsListResult(tools.All())
	if err != nil {
		t.Fatal(err)
	}
	declared, closed, err := compileOutputSchemas(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(declared) != len(tools.All()) {
		t.Fatalf("%d output schemas for %d tools", len(declared), len(tools.All()))
	}
	cases := []struct {
		tool, result string
		ok           bool
	}{
		{"get_lead_mute_status", `{"leadId":9223372036854775807,"mute":true}`, true},
		{"get_lead_mute_status", `{"leadId":1}`, false}, // required member missing
		// A write listing no outputSchema: its outcome, and nothing else.
		{"delete_task", `{"status":"done","summary":"Deleted task 7.","taskId":7}`, true},
		{"delete_task", `{"status":"done","summary":"Deleted task 7.","content":"hi"}`, false},
		{"delete_task", `{"summary":"Deleted task 7."}`, false},
		{"get_lead_mute_status", `{"leadId":"1","mute":true}`, false},         // wrong type
		{"get_lead_mute_status", `{"leadId":1.5,"mute":true}`, false},         // not an integer
		{"get_lead_mute_status", `{"leadId":1,"mute":true,"extra":1}`, false}, // undeclared member
		{"find_leads", `{"leads":[{"leadId":1,"emails":["a@b.c"]}],"nextOffset":1}`, true},
		{"find_leads", `{"leads":[{"leadId":1,"emails":"a@b.c"}]}`, false}, // array expected
		{"find_leads", `{"leads":[{"leadId":1,"nickname":"x"}]}`, false},   // undeclared, nested
		{"find_leads", `{"leads":null}`, false},
	}
	for _, tc := range cases {
		err := conforms(declared[tc.tool], closed[tc.tool], tc.result)
		if (err == nil) != tc.ok {
			t.Errorf("%s %s: conforms = %v, want ok %v", tc.tool, tc.result, err, tc.ok)
		}
	}
}
