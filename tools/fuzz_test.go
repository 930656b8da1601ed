package tools_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

// FuzzArguments: whatever a model sends, no tool's argument decoder panics;
// a refusal is a sentence that starts "invalid arguments" and repeats at
// most a short excerpt of what was sent; what it accepts, encoded again, is
// accepted again as the same arguments (exact 64-bit integers included).
func FuzzArguments(f *testing.F) {
	all := tools.All()
	built := make([]*tools.Built, len(all))
	for i, t := range all {
		b, err := t.Build(nil)
		if err != nil {
			f.Fatal(err)
		}
		built[i] = b
	}
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
		for i := range built {
			f.Add(i, []byte(seed))
		}
	}
	for i, b := range built {
		f.Add(i, []byte(b.Info.Example))
	}
	f.Fuzz(func(t *testing.T, which int, raw []byte) {
		if which < 0 {
			which = -which
		}
		b := built[which%len(built)]
		name := b.Info.Name
		call, err := b.Prepare(raw)
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
		again, err := b.Prepare(json.RawMessage(call.Args))
		if err != nil {
			t.Fatalf("%s: accepted %q, but not its own encoding %s: %v", name, raw, call.Args, err)
		}
		if !bytes.Equal(call.Args, again.Args) {
			t.Fatalf("%s: %q decodes to %s, which decodes to %s", name, raw, call.Args, again.Args)
		}
	})
}
