package jsonrpc

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in     string
		kind   Kind
		id     string
		method string
		code   int    // for Invalid
		cancel string // CancelID
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"ping"}`, Request, `1`, "ping", 0, ""},
		{` {"jsonrpc" : "2.0" , "id" :  9007199254740993 , "method":"ping"} `, Request, `9007199254740993`, "ping", 0, ""},
		{`{"jsonrpc":"2.0","id":"a<b","method":"tools/call","params":{"name":"x"}}`, Request, `"a<b"`, "tools/call", 0, ""},
		{"{\"jsonrpc\":\"2.0\",\"id\":\"\xff\",\"method\":\"ping\"}", Request, "\"\xff\"", "ping", 0, ""},
		{`{"jsonrpc":"2.0","id":"012","method":"ping"}`, Request, `"012"`, "ping", 0, ""},
		{`{"jsonrpc":"2.0","id":1.0,"method":"ping"}`, Request, `1.0`, "ping", 0, ""},
		{`{"method":"ping","id":-0,"jsonrpc":"2.0"}`, Request, `-0`, "ping", 0, ""},
		{`{"jsonrpc":"2.0","method":"notifications/initialized"}`, Notification, ``, "notifications/initialized", 0, ""},
		{`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"reason":"x","requestId": "1" }}`, Notification, ``, "notifications/cancelled", 0, `"1"`},
		{`{"jsonrpc":"2.0","id":3,"result":{}}`, Response, `3`, "", 0, ""},
		{`{"jsonrpc":"2.0","id":null,"error":{"code":1,"message":"m"}}`, Response, ``, "", 0, ""},
		{`{"jsonrpc":"2.0","\u0069d":4,"method":"ping"}`, Request, `4`, "ping", 0, ""},
		// Not JSON-RPC.
		{`not json`, Invalid, ``, "", CodeParseError, ""},
		{`{"jsonrpc":"2.0","id":1,"method":"ping"`, Invalid, ``, "", CodeParseError, ""},
		{`[{"jsonrpc":"2.0","id":1,"method":"ping"}]`, Invalid, ``, "", CodeInvalidRequest, ""},
		{`"ping"`, Invalid, ``, "", CodeInvalidRequest, ""},
		{`{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}`, Invalid, ``, "", CodeInvalidRequest, ""},
		{`{"jsonrpc":"1.0","id":1,"method":"ping"}`, Invalid, `1`, "", CodeInvalidRequest, ""},
		{`{"id":1,"method":"ping"}`, Invalid, `1`, "", CodeInvalidRequest, ""},
		{`{"jsonrpc":"2.0","id":null,"method":"ping"}`, Invalid, ``, "", CodeInvalidRequest, ""},
		{`{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}`, Invalid, ``, "", CodeInvalidRequest, ""},
		{`{"jsonrpc":"2.0","id":true,"method":"ping"}`, Invalid, ``, "", CodeInvalidRequest, ""},
		{`{"jsonrpc":"2.0","id":1,"method":7}`, Invalid, `1`, "", CodeInvalidRequest, ""},
		{`{"jsonrpc":"2.0","id":1,"method":""}`, Invalid, `1`, "", CodeInvalidRequest, ""},
		{`{"jsonrpc":"2.0","id":1,"method":"ping","params":"x"}`, Invalid, `1`, "", CodeInvalidRequest, ""},
		{`{"jsonrpc":"2.0","id":1,"method":"ping","result":{}}`, Invalid, `1`, "", CodeInvalidRequest, ""},
		{`{"jsonrpc":"2.0","id":1,"result":{},"error":{}}`, Invalid, `1`, "", CodeInvalidRequest, ""},
		{`{"jsonrpc":"2.0","id":1}`, Invalid, `1`, "", CodeInvalidRequest, ""},
		{`{"jsonrpc":"2.0","ID":1,"method":"ping"}`, Notification, ``, "ping", 0, ""}, // member names are case-sensitive
		{``, Invalid, ``, "", CodeInvalidRequest, ""},
	} {
		m := Parse([]byte(tt.in))
		if m.Kind != tt.kind || string(m.ID) != tt.id || m.Method != tt.method || string(m.CancelID) != tt.cancel {
			t.Errorf("Parse(%s) = %v id %q method %q cancel %q; want %v %q %q %q", tt.in, m.Kind, m.ID, m.Method, m.CancelID, tt.kind, tt.id, tt.method, tt.cancel)
		}
		if tt.kind == Invalid && (m.Err == nil || m.Err.Code != tt.code || m.Err.Message == "") {
			t.Errorf("Parse(%s) error = %+v, want code %d with a message", tt.in, m.Err, tt.code)
		}
	}
}

// TestIDsRoundTripThroughMCPGo: a request rebuilt around an internal id is
// answered by a real mcp-go server, and the answer, given the client's id
// back, carries it byte for byte.
func TestIDsRoundTripThroughMCPGo(t *testing.T) {
	s := server.NewMCPServer("t", "1")
	tr := NewTracker()
	for _, id := range []string{`1`, `1.0`, `-0`, `1e400`, `9007199254740993`, `12345678901234567890123`, `"a<b>&"`, `"\u00e9"`, "\"\xff\xfe\"", `"012"`, `""`, `"\\"`} {
		m := Parse([]byte(`{"jsonrpc":"2.0","id":` + id + `,"method":"ping"}`))
		if m.Kind != Request {
			t.Fatalf("id %s: %v %v", id, m.Kind, m.Err)
		}
		c := tr.Start("s", &m, nil)
		resp := s.HandleMessage(context.Background(), m.Rebuild(c.InternalID(), nil))
		out, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		start, end, ok := ResponseID(out)
		if !ok {
			t.Fatalf("no response id in %s", out)
		}
		internal, ok := InternalOf(out[start:end])
		if !ok || internal != c.Internal {
			t.Fatalf("mcp-go answered %s, want internal id %d", out, c.Internal)
		}
		got := Splice(out, start, end, c.ID)
		if want := `{"jsonrpc":"2.0","id":` + id + `,"result":{}}`; string(got) != want {
			t.Errorf("answer %s, want %s", got, want)
		}
		if _, _, ok := tr.Finish(c.Internal); !ok {
			t.Error("call not in flight")
		}
	}
	if tr.Len() != 0 {
		t.Fatalf("%d calls left", tr.Len())
	}
}

func TestTrackerCancelMatchesExactly(t *testing.T) {
	tr := NewTracker()
	start := func(scope, id string) *Call {
		m := Parse([]byte(`{"jsonrpc":"2.0","id":` + id + `,"method":"tools/call"}`))
		cancelled := false
		c := tr.Start(scope, &m, func() { cancelled = true })
		_ = cancelled
		return c
	}
	one, dup, two, str, other := start("a", `1`), start("a", `1`), start("a", `2`), start("a", `"1"`), start("b", `1`)
	if one.Internal == dup.Internal {
		t.Fatal("two requests with the same id share an internal id")
	}
	for _, id := range []string{`"1"`, `2.0`, `1.0`, `01`, `null`, `{}`} {
		if id == `"1"` {
			continue // matches str, checked below
		}
		if got := tr.Cancel("a", []byte(id)); len(got) != 0 {
			t.Errorf("cancel %s matched %d requests", id, len(got))
		}
	}
	got := tr.Cancel("a", []byte(` 1 `))
	if len(got) != 2 {
		t.Fatalf("cancel 1 matched %d requests, want both with id 1 in scope a", len(got))
	}
	for _, c := range []*Call{one, dup} {
		if _, state, _ := tr.Finish(c.Internal); state != CancelledByClient {
			t.Errorf("request 1 state %v", state)
		}
	}
	for _, c := range []*Call{two, str, other} {
		if _, state, _ := tr.Finish(c.Internal); state != Running {
			t.Errorf("request %s (scope %s) state %v, want running", c.ID, c.Scope, state)
		}
	}
	if got := tr.Cancel("a", []byte(`1`)); len(got) != 0 {
		t.Error("a finished request was cancelled")
	}
}

func TestTrackerWaitCutShortForget(t *testing.T) {
	tr := NewTracker()
	m := Parse([]byte(`{"jsonrpc":"2.0","id":1,"method":"x"}`))
	ctx, cancel := context.WithCancel(context.Background())
	a := tr.Start("s", &m, cancel)
	b := tr.Start("t", &m, nil)
	short, stop := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer stop()
	if err := tr.Wait(short); err == nil {
		t.Fatal("Wait returned with requests in flight")
	}
	if n := tr.CutShort("s"); n != 1 || ctx.Err() == nil {
		t.Fatalf("CutShort = %d, ctx %v", n, ctx.Err())
	}
	if _, state, _ := tr.Finish(a.Internal); state != CutShort {
		t.Fatalf("state %v", state)
	}
	done := make(chan error)
	go func() { done <- tr.Wait(context.Background()) }()
	tr.Forget("t")
	if err := <-done; err != nil || tr.Len() != 0 {
		t.Fatalf("Wait = %v, %d left", err, tr.Len())
	}
	if _, _, ok := tr.Finish(b.Internal); ok {
		t.Fatal("a forgotten request finished")
	}
}

func TestResponseID(t *testing.T) {
	for _, tt := range []struct {
		data, id string
		ok       bool
	}{
		{`{"jsonrpc":"2.0","id":1,"result":{}}`, `1`, true},
		{`{"jsonrpc":"2.0","id":-3,"error":{"code":-32601,"message":"m"}}`, `-3`, true},
		{`{"jsonrpc":"2.0","id":"q\"},\"result\":","result":{}}`, `"q\"},\"result\":"`, true},
		{`{"jsonrpc":"2.0","id":"\\","result":{}}`, `"\\"`, true},
		{`{"jsonrpc":"2.0","id":7,"method":"ping"}`, ``, false},
		{`{"jsonrpc":"2.0","method":"notifications/progress","params":{"id":1}}`, ``, false},
		{`{"id":2,"jsonrpc":"2.0","result":{}}`, `2`, true},
		{` {"jsonrpc": "2.0", "id": 3, "result": {}}`, `3`, true},
		{`{"jsonrpc":"2.0","id":4,"method":"x","result":{}}`, ``, false},
		{`{"jsonrpc":"2.0","id":"unterminated`, ``, false},
		{`not json`, ``, false},
	} {
		start, end, ok := ResponseID([]byte(tt.data))
		got := ""
		if ok {
			got = tt.data[start:end]
		}
		if got != tt.id || ok != tt.ok {
			t.Errorf("ResponseID(%s) = %s, %v; want %s, %v", tt.data, got, ok, tt.id, tt.ok)
		}
	}
	if !IsErrorResponse([]byte(`{"jsonrpc":"2.0","id":1,"error":{}}`)) || IsErrorResponse([]byte(`{"jsonrpc":"2.0","id":1,"result":{}}`)) ||
		!IsErrorResponse([]byte(`{"id":1,"error":{},"jsonrpc":"2.0"}`)) {
		t.Error("IsErrorResponse")
	}
}

func TestPeekID(t *testing.T) {
	for in, want := range map[string]string{
		`{"jsonrpc":"2.0","id":5,"method":"ping","params":{"pad":"xxxx`: `5`,
		`{"jsonrpc":"2.0","id":"a\"b","method":`:                        `"a\"b"`,
		`{"jsonrpc":"2.0","params":{"id":7,"pad":"xxx`:                  ``,
		`{"jsonrpc":"2.0","id":12`:                                      ``, // may go on
		`{"id":{"a":1},"x":`:                                            ``,
		`["id",1`:                                                       ``,
		``:                                                              ``,
	} {
		if got := string(PeekID([]byte(in))); got != want {
			t.Errorf("PeekID(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestRestoreSubscriptionIDs(t *testing.T) {
	tr := NewTracker()
	m := Parse([]byte(`{"jsonrpc":"2.0","id":"sub-1","method":"subscriptions/listen"}`))
	c := tr.Start("s", &m, nil)
	in := []byte(`{"jsonrpc":"2.0","method":"notifications/subscriptions/acknowledged","params":{"_meta":{"io.modelcontextprotocol/subscriptionId":` +
		strconv.FormatInt(c.Internal, 10) + `},"x":{"io.modelcontextprotocol/subscriptionId":999999999}}}`)
	out := RestoreSubscriptionIDs(in, tr)
	want := bytes.Replace(in, []byte(`subscriptionId":`+strconv.FormatInt(c.Internal, 10)), []byte(`subscriptionId":"sub-1"`), 1)
	if !bytes.Equal(out, want) {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
	if plain := []byte(`{"jsonrpc":"2.0","method":"x"}`); &RestoreSubscriptionIDs(plain, tr)[0] != &plain[0] {
		t.Error("a message without a subscription id was copied")
	}
}

func TestErrorResponse(t *testing.T) {
	got := string(ErrorResponse([]byte(`"a<b"`), &Error{Code: CodeInvalidRequest, Message: `bad "x" <y>`}))
	if want := `{"jsonrpc":"2.0","id":"a<b","error":{"code":-32600,"message":"bad \"x\" \u003cy\u003e"}}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := string(ErrorResponse(nil, &Error{Code: 1, Message: "m"})); got != `{"jsonrpc":"2.0","id":null,"error":{"code":1,"message":"m"}}` {
		t.Errorf("null id: %s", got)
	}
}

// StartUnique refuses, and tracks nothing for, a request whose id (the same
// JSON text) is in flight in its scope; the id is free again once that
// request is finished, and other scopes and other texts are unaffected.
func TestTrackerStartUnique(t *testing.T) {
	tr := NewTracker()
	msg := func(id string) *Message {
		m := Parse([]byte(`{"jsonrpc":"2.0","id":` + id + `,"method":"tools/call"}`))
		return &m
	}
	first, ok := tr.StartUnique("s", msg(`5`), nil)
	if !ok || first == nil {
		t.Fatal("the first request with id 5 was refused")
	}
	if c, ok := tr.StartUnique("s", msg(`5`), nil); ok || c != nil {
		t.Fatal("a second request with id 5 in flight in the same scope was accepted")
	}
	if tr.Len() != 1 || !tr.InFlight("s", []byte(`5`)) {
		t.Fatalf("%d calls tracked; want only the first", tr.Len())
	}
	for _, other := range []struct{ scope, id string }{{"s", `5.0`}, {"s", `"5"`}, {"t", `5`}} {
		if _, ok := tr.StartUnique(other.scope, msg(other.id), nil); !ok {
			t.Errorf("id %s in scope %s refused", other.id, other.scope)
		}
	}
	tr.Cancel("s", []byte(`5`))
	if _, ok := tr.StartUnique("s", msg(`5`), nil); ok {
		t.Fatal("id 5 reused while its cancelled request has not finished")
	}
	tr.Finish(first.Internal)
	if _, ok := tr.StartUnique("s", msg(`5`), nil); !ok {
		t.Fatal("id 5 refused after its request finished")
	}
}

// OnFinish runs once, when the call is finished or forgotten, or at once
// for a call already over.
func TestTrackerOnFinish(t *testing.T) {
	tr := NewTracker()
	m := Parse([]byte(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
	var runs int
	a := tr.Start("s", &m, nil)
	tr.OnFinish(a, func() { runs++ })
	if runs != 0 {
		t.Fatal("OnFinish ran before the call finished")
	}
	tr.Finish(a.Internal)
	tr.Finish(a.Internal)
	if runs != 1 {
		t.Fatalf("OnFinish ran %d times after Finish, want once", runs)
	}
	tr.OnFinish(a, func() { runs++ })
	if runs != 2 {
		t.Fatal("OnFinish of a finished call did not run at once")
	}
	b := tr.Start("s", &m, nil)
	tr.OnFinish(b, func() { runs++ })
	tr.Forget("s")
	if runs != 3 {
		t.Fatal("OnFinish did not run when the call was forgotten")
	}
}
