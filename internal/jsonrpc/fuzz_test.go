package jsonrpc

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzParse: Parse never fails or panics on any input, and the properties
// the transports rely on hold:
//   - an Invalid message carries a -32700 or -32600 error with a message;
//   - a request's id is a JSON string or number, and round-trips byte for
//     byte: rebuilt around an internal id, answered, and given its id back,
//     the answer carries exactly the bytes the client sent;
//   - the rebuilt request parses back to the same method and params;
//   - PeekID never finds anything but a valid string or number.
//
// Seeds: testdata/fuzz/FuzzParse (every id and message issue #18 reported).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}`,
		"{\"jsonrpc\":\"2.0\",\"id\":\"\xff\",\"method\":\"ping\"}",
		`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"1"}}`,
		`[{"jsonrpc":"2.0","id":1,"method":"ping"}]`,
	} {
		f.Add([]byte(s))
	}
	tr := NewTracker()
	f.Fuzz(func(t *testing.T, data []byte) {
		m := Parse(data)
		_ = PeekID(data)
		if id := PeekID(data); id != nil && (!validID(id) || !json.Valid(id)) {
			t.Fatalf("PeekID(%q) = %q", data, id)
		}
		switch m.Kind {
		case Invalid:
			if m.Err == nil || (m.Err.Code != CodeParseError && m.Err.Code != CodeInvalidRequest) || m.Err.Message == "" {
				t.Fatalf("Parse(%q): invalid without a proper error: %+v", data, m.Err)
			}
			if resp := ErrorResponse(m.ID, m.Err); !json.Valid(resp) && (m.ID == nil || json.Valid(m.ID)) {
				t.Fatalf("error response %q is not JSON", resp)
			}
			return
		case Request:
			if !validID(m.ID) {
				t.Fatalf("Parse(%q): request id %q is not a string or number", data, m.ID)
			}
		}
		if m.Kind != Request {
			return
		}
		c := tr.Start("fuzz", &m, nil)
		defer tr.Finish(c.Internal)
		rebuilt := m.Rebuild(c.InternalID(), nil)
		back := Parse(rebuilt)
		if back.Kind != Request || !bytes.Equal(back.ID, c.InternalID()) || back.Method != m.Method || !bytes.Equal(back.Params, m.Params) {
			t.Fatalf("rebuilt %q parses as %v id %q method %q", rebuilt, back.Kind, back.ID, back.Method)
		}
		answer := []byte(`{"jsonrpc":"2.0","id":` + string(c.InternalID()) + `,"result":{"ok":true}}`)
		start, end, ok := ResponseID(answer)
		if !ok {
			t.Fatalf("no id in %q", answer)
		}
		restored := Splice(answer, start, end, c.ID)
		if !bytes.HasPrefix(restored, append([]byte(`{"jsonrpc":"2.0","id":`), m.ID...)) {
			t.Fatalf("restored %q does not carry id %q", restored, m.ID)
		}
		if r := Parse(restored); r.Kind != Response || !bytes.Equal(r.ID, m.ID) {
			t.Fatalf("restored answer %q parses as %v id %q, want id %q", restored, r.Kind, r.ID, m.ID)
		}
	})
}

// FuzzCancel: a cancellation matches a request exactly when its id is the
// same JSON text (surrounding spaces aside), within the same scope.
func FuzzCancel(f *testing.F) {
	f.Add(`1`, `"1"`)
	f.Add(`2`, `2.0`)
	f.Add(`"a"`, `"\u0061"`)
	f.Add(`7`, ` 7 `)
	tr := NewTracker()
	f.Fuzz(func(t *testing.T, reqID, cancelID string) {
		m := Parse([]byte(`{"jsonrpc":"2.0","id":` + reqID + `,"method":"x"}`))
		if m.Kind != Request {
			return
		}
		c := tr.Start("fuzz", &m, nil)
		defer tr.Finish(c.Internal)
		got := tr.Cancel("fuzz", []byte(cancelID))
		want := bytes.Equal(trimSpace([]byte(cancelID)), m.ID)
		if (len(got) == 1) != want || len(got) > 1 {
			t.Fatalf("request %q, cancel %q: matched %d, want match %v", reqID, cancelID, len(got), want)
		}
		if other := tr.Cancel("other", []byte(cancelID)); len(other) != 0 {
			t.Fatal("a cancellation crossed scopes")
		}
	})
}
