package schema_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/schema"
)

type outputRow struct {
	LeadID    int64  `json:"leadId" jsonschema:"description=Lead ID"`
	FirstName string `json:"firstName,omitempty" jsonschema:"description=First name"`
	Stage     string `json:"stage,omitempty" jsonschema:"description=Pipeline stage"`
	Bare      string `json:"bare,omitempty"`
}

type outputPage struct {
	Rows  []outputRow          `json:"rows" jsonschema:"description=Rows"`
	Extra map[string]outputRow `json:"extra,omitempty" jsonschema:"description=By name"`
	Stage string               `json:"stage,omitempty" jsonschema:"description=Pipeline stage"`
}

// TestOutputSchemaDescriptions: an output property needs no description,
// and one that only restates its name is left out; others stay. Inputs
// still need every description.
func TestOutputSchemaDescriptions(t *testing.T) {
	raw, err := schema.OutputOf[outputRow]()
	if err != nil {
		t.Fatalf("OutputOf refused an undescribed output property: %v", err)
	}
	p := props(t, decode(t, raw))
	for name, want := range map[string]string{"leadId": "", "firstName": "", "stage": "Pipeline stage", "bare": ""} {
		if got, _ := p[name]["description"].(string); got != want {
			t.Errorf("%s: description %q, want %q", name, got, want)
		}
	}
	if _, err := schema.Of[outputRow](); err == nil || !strings.Contains(err.Error(), "bare") {
		t.Errorf("Of accepted an undescribed input property: %v", err)
	}
}

// TestOutputsDescribeOnce: a description already given for a property of
// the same name, earlier in the list or in the same schema, is left out;
// a schema with nothing repeated is as OutputOf makes it.
func TestOutputsDescribeOnce(t *testing.T) {
	alone, _ := schema.OutputOf[outputPage]()
	o := schema.NewOutputs()
	page, err := schema.OutputFor[outputPage](o)
	if err != nil {
		t.Fatal(err)
	}
	row, err := schema.OutputFor[outputRow](o)
	if err != nil {
		t.Fatal(err)
	}
	// page describes stage three times: in rows[], extra{} and itself.
	if n := strings.Count(string(page), "Pipeline stage"); n != 1 || !strings.Contains(string(alone), "Pipeline stage") {
		t.Errorf("page describes stage %d times, want once:\n%s", n, page)
	}
	if strings.Contains(string(row), "Pipeline stage") {
		t.Errorf("row repeats stage's description given in page:\n%s", row)
	}
	fresh, _ := schema.OutputFor[outputRow](schema.NewOutputs())
	if again, _ := schema.OutputOf[outputRow](); !bytes.Equal(fresh, again) {
		t.Errorf("a first schema differs from OutputOf's:\n%s\n%s", fresh, again)
	}
	var m map[string]any
	if err := json.Unmarshal(page, &m); err != nil || m["type"] != "object" {
		t.Errorf("not a schema: %s", page)
	}
}
