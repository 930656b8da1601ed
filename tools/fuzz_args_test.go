package tools

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/schema"
)

// canonical decodes raw as a tool's arguments and encodes the decoded
// input again (the arguments as the tool's Call sees them).
func (s Spec[In, Out]) canonical(raw json.RawMessage) (json.RawMessage, error) {
	d, err := decoderFor[In](s.Name)
	if err != nil {
		return nil, err
	}
	var in In
	if err := d.decode(raw, &in); err != nil {
		return nil, err
	}
	return json.Marshal(in)
}

var decoders sync.Map // tool name -> *argDecoder

func decoderFor[In any](name string) (*argDecoder, error) {
	if d, ok := decoders.Load(name); ok {
		return d.(*argDecoder), nil
	}
	in, err := schema.Of[In]()
	if err != nil {
		return nil, err
	}
	d, err := newArgDecoder[In](in)
	if err != nil {
		return nil, err
	}
	decoders.Store(name, d)
	return d, nil
}

type canonicalizer interface {
	canonical(json.RawMessage) (json.RawMessage, error)
}

// FuzzArguments: whatever a model sends, no tool's argument decoder panics;
// a refusal is a sentence that starts "invalid arguments" and repeats at
// most a short excerpt of what was sent; what it accepts, encoded again, is
// accepted again as the same arguments (exact 64-bit integers included).
func FuzzArguments(f *testing.F) {
	for _, seed := range []string{
		`{}`, `null`, ``, `[]`, `"x"`, `{"leadId": 563172647619608}`, `{"leadId": "9007199254740993"}`,
		`{"leadId": 9223372036854775808}`, `{"leadId": -1}`, `{"leadId": 1.0}`, `{"leadId": "012"}`, `{"leadId": 1e3}`,
		`{"leadIds": [1, "2", 9007199254740993]}`, `{"leadIds": [1, 1]}`, `{"leadIds": []}`,
		`{"key": "Jane", "limit": 100, "offset": 0, "scrollId": "abc"}`, `{"aiStage": "HIGH_PRIORITY", "desc": false}`,
		`{"status": "PENDING", "leadId": 1}`, `{"content": "` + strings.Repeat("é", 2001) + `"}`,
		`{"leadId": 1, "assignees": [{"role": "Agent", "assignee": "maria@example.com"}]}`,
		`{"leadId": 1, "assignees": [{"role": "Agent"}, {"role": "Agent", "assignee": "x"}]}`,
		`{"leadId": 1, "unknown": true}`, `{"leadId": 1, "leadId": 2}`, "{\"leadId\": \"\\u0031\"}", `{"leadId": "1\u0000"}`,
	} {
		for i := range All() {
			f.Add(i, []byte(seed))
		}
	}
	tools := All()
	f.Fuzz(func(t *testing.T, which int, raw []byte) {
		if which < 0 {
			which = -which
		}
		tool := tools[which%len(tools)]
		c, ok := tool.(canonicalizer)
		if !ok {
			t.Fatalf("%T has no canonical method", tool)
		}
		name := tool.Info().Name
		canon, err := c.canonical(raw)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "invalid arguments") {
				t.Fatalf("%s: refusal %q does not start with \"invalid arguments\"", name, msg)
			}
			if len(raw) > 200 && strings.Contains(msg, string(raw)) {
				t.Fatalf("%s: refusal repeats the whole %d-byte input", name, len(raw))
			}
			return
		}
		again, err := c.canonical(canon)
		if err != nil {
			t.Fatalf("%s: accepted %q, but not its own encoding %s: %v", name, raw, canon, err)
		}
		if !bytes.Equal(canon, again) {
			t.Fatalf("%s: %q decodes to %s, which decodes to %s", name, raw, canon, again)
		}
	})
}
