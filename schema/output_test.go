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

// TestDescribeOnce: a description already given for a property of the same
// name, earlier in the list or in the same schema, is left out; the rest,
// and schemas with nothing to change, stay byte for byte.
func TestDescribeOnce(t *testing.T) {
	page, _ := schema.OutputOf[outputPage]()
	row, _ := schema.OutputOf[outputRow]()
	unrelated := schema.MustOf[input]()
	out, err := schema.DescribeOnce([]json.RawMessage{page, nil, row, unrelated})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out[0], page) {
		// page describes stage three times: in rows[], extra{} and itself.
		if n := strings.Count(string(out[0]), "Pipeline stage"); n != 1 {
			t.Errorf("page describes stage %d times, want once:\n%s", n, out[0])
		}
	} else {
		t.Errorf("page repeats a description within itself and was left as it was:\n%s", page)
	}
	if out[1] != nil {
		t.Errorf("an empty schema became %s", out[1])
	}
	if strings.Contains(string(out[2]), "Pipeline stage") {
		t.Errorf("row repeats stage's description given in page:\n%s", out[2])
	}
	if !bytes.Equal(out[3], unrelated) {
		t.Errorf("a schema with nothing repeated changed:\n%s\nwant\n%s", out[3], unrelated)
	}
	var again map[string]any
	if err := json.Unmarshal(out[0], &again); err != nil || again["type"] != "object" {
		t.Errorf("not a schema: %s", out[0])
	}
	if _, err := schema.DescribeOnce([]json.RawMessage{json.RawMessage(`{"properties":`)}); err == nil {
		t.Error("DescribeOnce accepted a schema that is not JSON")
	}
}
