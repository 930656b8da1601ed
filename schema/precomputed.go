package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/invopop/jsonschema"
)

// Precomputed are schemas made ahead of time, by reflection, keyed by
// TypeKey: `go generate ./...` records every schema the tools and prompts
// ask for (Record) and writes them into tools/zz_generated_schemas.go, whose
// init hands them to UsePrecomputed. A test fails when they differ from
// what reflection makes now, so they cannot drift from the structs.
//
// They are sorted slices rather than maps so that the generated file is
// static data the linker lays out, not code that builds maps at each start.
type Precomputed struct {
	Inputs  []Input  // input schemas (as Of makes them), sorted by Key
	Outputs []Output // output schemas, ready for any Outputs list, sorted by Key
}

// Input is an input schema made ahead of time.
type Input struct {
	Key    string // TypeKey of its Go type
	Schema string
}

// Output is an output schema ready to be described for a place in an
// Outputs list without reflecting again: its JSON cut around the property
// descriptions that a list may leave out (those that do not only restate
// the property's name).
type Output struct {
	Key string // TypeKey of its Go type
	// Parts is the schema's text between the slots: one more than Slots.
	Parts []string
	// Slots are the descriptions that may be left out, in text order.
	Slots []Slot
	// Walk lists Slots' indexes in the order the list decides them:
	// properties in declaration order, parents before what they hold.
	Walk []int
}

// Slot is one property description of an Output.
type Slot struct {
	Name        string // the property's name
	Description string // its description
	Text        string // the description as the schema holds it, with the comma that goes with it
	// Drop stands instead of Text when the description is left out: ""
	// or, when the description was all the property's schema said (Text is
	// then the whole object), "true", as invopop/jsonschema writes an
	// empty schema.
	Drop string
}

var (
	precomputed Precomputed // set once, by a generated init, before any use

	recordMu  sync.Mutex
	recording *recorded  // non-nil: reflect everything and keep it here
	sessionMu sync.Mutex // held from Record to its stop: one recording at a time
)

// UsePrecomputed makes Of and OutputFor answer from p for the types it
// holds; p's slices must be sorted by Key, as Record returns them. It is
// meant for a generated init function, which runs before anything asks
// for a schema.
func UsePrecomputed(p Precomputed) { precomputed = p }

// Record starts recording: until stop is called, every schema is made by
// reflection (none is taken from UsePrecomputed's) and kept; stop returns
// them. `go generate` records the schemas of every tool and prompt.
func Record() (stop func() Precomputed) {
	sessionMu.Lock()
	recordMu.Lock()
	recording = &recorded{inputs: map[string]string{}, outputs: map[string]Output{}}
	recordMu.Unlock()
	return func() Precomputed {
		recordMu.Lock()
		defer recordMu.Unlock()
		var p Precomputed
		for k, s := range recording.inputs {
			p.Inputs = append(p.Inputs, Input{Key: k, Schema: s})
		}
		for _, o := range recording.outputs {
			p.Outputs = append(p.Outputs, o)
		}
		slices.SortFunc(p.Inputs, func(a, b Input) int { return strings.Compare(a.Key, b.Key) })
		slices.SortFunc(p.Outputs, func(a, b Output) int { return strings.Compare(a.Key, b.Key) })
		recording = nil
		sessionMu.Unlock()
		return p
	}
}

type recorded struct {
	inputs  map[string]string
	outputs map[string]Output
}

func isRecording() bool {
	recordMu.Lock()
	defer recordMu.Unlock()
	return recording != nil
}

// TypeKey names t for Precomputed: its name (a named type's package path
// and name, an unnamed type as Go writes it) and a hash of its shape: its
// fields' names, tags and types, into unnamed types but not into other
// named ones (which would cost a start more than reflecting saves). Two
// types of one name (a function's local type) have different keys unless
// their fields are the same, and a struct whose own fields were edited
// since `go generate` last ran has another key: its schema is reflected
// rather than taken stale. An edit further down (in a named field type) is
// caught by the test that the generated files are current.
func TypeKey(t reflect.Type) string {
	h := fnv.New64a()
	h.Write(appendShape(nil, t, true))
	name := t.String()
	if t.Name() != "" && t.PkgPath() != "" {
		name = t.PkgPath() + "." + t.Name()
	}
	return name + "#" + strconv.FormatUint(h.Sum64(), 16)
}

// appendShape spells t out, as far as TypeKey says: every part of it is
// length-prefixed, so that no two shapes spell the same.
func appendShape(b []byte, t reflect.Type, root bool) []byte {
	b = append(b, '(', byte(t.Kind()))
	b = appendPart(b, t.PkgPath())
	b = appendPart(b, t.Name())
	if t.Name() != "" && !root {
		return append(b, ')')
	}
	switch t.Kind() {
	case reflect.Array:
		b = strconv.AppendInt(b, int64(t.Len()), 10)
		b = appendShape(b, t.Elem(), false)
	case reflect.Pointer, reflect.Slice:
		b = appendShape(b, t.Elem(), false)
	case reflect.Map:
		b = appendShape(b, t.Key(), false)
		b = appendShape(b, t.Elem(), false)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			b = appendPart(b, f.Name)
			b = appendPart(b, string(f.Tag))
			if f.Anonymous {
				b = append(b, '^')
			}
			b = appendShape(b, f.Type, false)
		}
	}
	return append(b, ')')
}

func appendPart(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	return append(b, s...)
}

func inputOf(t reflect.Type) (json.RawMessage, error) {
	key := TypeKey(t)
	if !isRecording() {
		if i, ok := slices.BinarySearchFunc(precomputed.Inputs, key, func(in Input, k string) int { return strings.Compare(in.Key, k) }); ok {
			return json.RawMessage(precomputed.Inputs[i].Schema), nil
		}
	}
	raw, err := reflectInput(t)
	if err != nil {
		return nil, err
	}
	recordMu.Lock()
	if recording != nil {
		recording.inputs[key] = string(raw)
	}
	recordMu.Unlock()
	return raw, nil
}

func outputOf(t reflect.Type) (Output, error) {
	key := TypeKey(t)
	if !isRecording() {
		if i, ok := slices.BinarySearchFunc(precomputed.Outputs, key, func(o Output, k string) int { return strings.Compare(o.Key, k) }); ok {
			return precomputed.Outputs[i], nil
		}
	}
	o, err := reflectOutput(t)
	if err != nil {
		return Output{}, err
	}
	o.Key = key
	recordMu.Lock()
	if recording != nil {
		recording.outputs[key] = o
	}
	recordMu.Unlock()
	return o, nil
}

// For is the schema as the next of o's list: a description that an
// earlier schema of the list (or an earlier part of this one) gave for a
// property of the same name is left out. nil o keeps every description.
func (t Output) For(o *Outputs) json.RawMessage {
	keep := make([]bool, len(t.Slots))
	for _, i := range t.Walk {
		if o == nil {
			keep[i] = true
			continue
		}
		key := t.Slots[i].Name + "\x00" + t.Slots[i].Description
		keep[i] = !o.seen[key]
		o.seen[key] = true
	}
	n := 0
	for _, p := range t.Parts {
		n += len(p)
	}
	for _, s := range t.Slots {
		n += len(s.Text)
	}
	out := make([]byte, 0, n)
	for i, p := range t.Parts {
		out = append(out, p...)
		if i < len(t.Slots) {
			if keep[i] {
				out = append(out, t.Slots[i].Text...)
			} else {
				out = append(out, t.Slots[i].Drop...)
			}
		}
	}
	return out
}

// reflectOutput reflects t's output schema and cuts it around its slots:
// each description that may be left out is marshalled as a marker first,
// then found and cut out with the comma (or braces) that go with it.
func reflectOutput(t reflect.Type) (Output, error) {
	s, err := reflectStruct(&outputReflector, t)
	if err != nil {
		return Output{}, err
	}
	var slots []Slot // in walk order
	walkProperties(s, func(name string, p *jsonschema.Schema) {
		switch {
		case p.Description == "":
		case restatesName(name, p.Description):
			p.Description = ""
		default:
			slots = append(slots, Slot{Name: name, Description: p.Description})
			p.Description = slotMarker(len(slots) - 1)
		}
	})
	raw, err := json.Marshal(s)
	if err != nil {
		return Output{}, err
	}
	type cut struct{ start, end, walk int }
	cuts := make([]cut, 0, len(slots))
	for i := range slots {
		m := []byte(`"description":"` + slotMarker(i) + `"`)
		at := bytes.Index(raw, m)
		if at < 0 || bytes.Count(raw, m) != 1 {
			return Output{}, fmt.Errorf("schema: %s: description of %s not found once in its marshalled schema", t, slots[i].Name)
		}
		q, err := json.Marshal(slots[i].Description)
		if err != nil {
			return Output{}, err
		}
		member := `"description":` + string(q)
		start, end := at, at+len(m)
		switch {
		case start > 0 && raw[start-1] == ',':
			start--
			slots[i].Text = "," + member
		case start > 0 && raw[start-1] == '{' && end < len(raw) && raw[end] == '}':
			start, end = start-1, end+1
			slots[i].Text, slots[i].Drop = "{"+member+"}", "true"
		case start > 0 && raw[start-1] == '{' && end < len(raw) && raw[end] == ',':
			end++
			slots[i].Text = member + ","
		default:
			return Output{}, fmt.Errorf("schema: %s: description of %s is not an object member", t, slots[i].Name)
		}
		cuts = append(cuts, cut{start, end, i})
	}
	slices.SortFunc(cuts, func(a, b cut) int { return a.start - b.start })
	o := Output{Slots: make([]Slot, len(cuts)), Walk: make([]int, len(cuts))}
	at := 0
	for k, c := range cuts {
		if c.start < at {
			return Output{}, fmt.Errorf("schema: %s: descriptions overlap in its marshalled schema", t)
		}
		o.Parts = append(o.Parts, string(raw[at:c.start]))
		o.Slots[k] = slots[c.walk]
		o.Walk[c.walk] = k
		at = c.end
	}
	o.Parts = append(o.Parts, string(raw[at:]))
	return o, nil
}

// slotMarker stands for slot i's description while the schema is
// marshalled: plain ASCII, which JSON writes as it is.
func slotMarker(i int) string { return fmt.Sprintf("lofty-mcp-description-slot-%06d", i) }
