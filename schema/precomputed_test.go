package schema

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/invopop/jsonschema"
)

// referenceOutput is what OutputFor made before output schemas were cut
// into slots: reflect, clear the descriptions o has seen, marshal.
func referenceOutput(t reflect.Type, o *Outputs) json.RawMessage {
	s, err := reflectStruct(&outputReflector, t)
	if err != nil {
		panic(err)
	}
	walkProperties(s, func(name string, p *jsonschema.Schema) {
		switch {
		case p.Description == "":
		case restatesName(name, p.Description):
			p.Description = ""
		case o != nil:
			key := name + "\x00" + p.Description
			if o.seen[key] {
				p.Description = ""
			}
			o.seen[key] = true
		}
	})
	raw, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return raw
}

type slotLeaf struct {
	Stage  string `json:"stage,omitempty" jsonschema:"description=Pipeline <stage> & \"name\""`
	Any    any    `json:"any,omitempty" jsonschema:"description=Anything at all"`
	Raw    any    `json:"raw,omitempty" jsonschema:"description=Anything at all,default=x"`
	Kind   string `json:"kind" jsonschema:"description=Which one,enum=a,enum=b"`
	LeadID int64  `json:"leadId" jsonschema:"description=Lead ID"`
}

type slotTree struct {
	Stage  string              `json:"stage" jsonschema:"description=Pipeline <stage> & \"name\""`
	Leaf   slotLeaf            `json:"leaf" jsonschema:"description=One leaf"`
	Leaves []slotLeaf          `json:"leaves,omitempty" jsonschema:"description=Many leaves"`
	ByName map[string]slotLeaf `json:"byName,omitempty" jsonschema:"description=Leaves by name"`
	Any    any                 `json:"any,omitempty" jsonschema:"description=Anything at all"`
	Bare   string              `json:"bare"`
}

// TestOutputSlotsAsReflected: an Output gives, for a fresh list, for no
// list and for lists that have seen some descriptions, byte for byte the
// schema that reflecting and clearing those descriptions gives, including
// a property whose schema was its description alone (left out: true).
func TestOutputSlotsAsReflected(t *testing.T) {
	types := []reflect.Type{reflect.TypeFor[slotTree](), reflect.TypeFor[slotLeaf]()}
	for _, first := range types {
		for _, second := range types {
			got, want := NewOutputs(), NewOutputs()
			for _, typ := range []reflect.Type{first, second, first} {
				o, err := reflectOutput(typ)
				if err != nil {
					t.Fatal(err)
				}
				if len(o.Parts) != len(o.Slots)+1 || len(o.Slots) == 0 {
					t.Fatalf("%s: %d parts for %d slots", typ, len(o.Parts), len(o.Slots))
				}
				if a, b := o.For(got), referenceOutput(typ, want); !bytes.Equal(a, b) {
					t.Fatalf("%s after %s:\n got %s\nwant %s", typ, first, a, b)
				}
				if a, b := o.For(nil), referenceOutput(typ, nil); !bytes.Equal(a, b) {
					t.Fatalf("%s alone:\n got %s\nwant %s", typ, a, b)
				}
			}
		}
	}
	o, _ := reflectOutput(reflect.TypeFor[slotTree]())
	list := NewOutputs()
	o.For(list)
	if !bytes.Contains(o.For(nil), []byte(`"any":{"description":"Anything at all"}`)) || !bytes.Contains(o.For(list), []byte(`"any":true`)) {
		t.Errorf("the description-only property is not exercised: %s", o.For(nil))
	}
}

// TestPrecomputedAndRecorded: a type with a precomputed schema is not
// reflected; while recording, every type is reflected and kept.
func TestPrecomputedAndRecorded(t *testing.T) {
	saved := precomputed
	t.Cleanup(func() { precomputed = saved })
	key := TypeKey(reflect.TypeFor[slotLeaf]())
	UsePrecomputed(Precomputed{
		Inputs:  []Input{{Key: "a", Schema: "{}"}, {Key: key, Schema: `{"type":"object","precomputed":true}`}, {Key: "~", Schema: "{}"}},
		Outputs: []Output{{Key: "a"}, {Key: key, Parts: []string{`{"precomputed":true}`}}, {Key: "~"}},
	})
	if in, _ := Of[slotLeaf](); string(in) != `{"type":"object","precomputed":true}` {
		t.Errorf("input not taken from the precomputed schemas: %s", in)
	}
	if out, _ := OutputFor[slotLeaf](NewOutputs()); string(out) != `{"precomputed":true}` {
		t.Errorf("output not taken from the precomputed schemas: %s", out)
	}
	stop := Record()
	in, err := Of[slotLeaf]()
	out, err2 := OutputFor[slotLeaf](nil)
	rec := stop()
	if err != nil || err2 != nil || bytes.Contains(in, []byte("precomputed")) || bytes.Contains(out, []byte("precomputed")) {
		t.Fatalf("recording took the precomputed schemas: %s %s %v %v", in, out, err, err2)
	}
	if len(rec.Inputs) != 1 || len(rec.Outputs) != 1 || rec.Inputs[0].Key != key || rec.Inputs[0].Schema != string(in) ||
		rec.Outputs[0].Key != key || !bytes.Equal(rec.Outputs[0].For(nil), out) {
		t.Errorf("recorded %v", rec)
	}
	if again, _ := Of[slotLeaf](); !bytes.Contains(again, []byte("precomputed")) {
		t.Error("after stop, the precomputed schemas are not used again")
	}
}

// TestTypeKey: types of different shapes have different keys, even with
// the same name (a local type, a struct edited since generation), and the
// same type always the same key.
func TestTypeKey(t *testing.T) {
	leaf := TypeKey(reflect.TypeFor[slotLeaf]())
	if !strings.HasPrefix(leaf, "github.com/lofty-mcp/lofty-mcp/schema.slotLeaf#") || leaf != TypeKey(reflect.TypeFor[slotLeaf]()) {
		t.Errorf("TypeKey(slotLeaf) = %s", leaf)
	}
	type slotLeaf struct { // the same name, another shape
		Stage string `json:"stage"`
	}
	keys := map[string]reflect.Type{}
	for _, typ := range []reflect.Type{
		reflect.TypeFor[slotLeaf](), reflect.TypeFor[struct{ A int }](), reflect.TypeFor[struct {
			A int `json:"a"`
		}](), reflect.TypeFor[struct{ A int64 }](), reflect.TypeFor[struct{ B int }](),
		reflect.TypeFor[[]slotTree](), reflect.TypeFor[[2]slotTree](), reflect.TypeFor[map[string]slotTree](),
	} {
		k := TypeKey(typ)
		if other, dup := keys[k]; dup || k == leaf {
			t.Errorf("%s and %v share key %s", typ, other, k)
		}
		keys[k] = typ
	}
}
