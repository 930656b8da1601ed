package transport

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// The stream writer must follow events however mcp-go's writes split them.
func TestSSEStreamWriterTracksAnswers(t *testing.T) {
	tr := newSSETracker()
	var opened string
	w := &sseStreamWriter{ResponseWriter: httptest.NewRecorder(), t: tr, onOpen: func(id string) { opened = id }}
	stream := "event: endpoint\ndata: /message?sessionId=s1\r\n\r\n" +
		"event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\",\"params\":{}}\n\n" +
		"event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n" +
		"event: message\ndata:{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"error\":{\"code\":1,\"message\":\"m\"}}\n\n"
	// The endpoint event first, whole; then requests are posted; then the rest byte by byte.
	head := len("event: endpoint\ndata: /message?sessionId=s1\r\n\r\n")
	if _, err := w.Write([]byte(stream[:head])); err != nil {
		t.Fatal(err)
	}
	if opened != "s1" {
		t.Fatalf("session %q, want s1", opened)
	}
	for _, id := range []string{"1", `"a"`, "2"} {
		if !tr.request("s1", id) {
			t.Fatal("request on a live stream not tracked")
		}
	}
	if tr.request("other", "1") {
		t.Fatal("request on an unknown stream tracked")
	}
	for i := head; i < len(stream); i++ {
		_, _ = w.Write([]byte{stream[i]})
	}
	if n := tr.pending(); n != 1 {
		t.Fatalf("pending %d, want 1 (id 2 unanswered)", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := tr.wait(ctx); err == nil {
		t.Fatal("wait returned with a request pending")
	}
	done := make(chan error)
	go func() { done <- tr.wait(context.Background()) }()
	tr.close("s1") // the stream ended: its pending request can never be answered
	if err := <-done; err != nil || tr.pending() != 0 {
		t.Fatalf("wait = %v, pending %d", err, tr.pending())
	}
}

func TestSessionIDs(t *testing.T) {
	s := newSessionIDs()
	a, b := s.Generate(), s.Generate()
	if a == b || s.count() != 2 {
		t.Fatalf("ids %q %q, count %d", a, b, s.count())
	}
	for id, ok := range map[string]bool{a: true, sessionIDPrefix + "from-a-previous-run": true, "": false, "nope": false, sessionIDPrefix: false} {
		if _, err := s.Validate(id); (err == nil) != ok {
			t.Errorf("Validate(%q) = %v", id, err)
		}
	}
	_, _ = s.Terminate(a)
	_, _ = s.Terminate(a)
	if s.count() != 1 {
		t.Fatalf("count %d after terminate, want 1", s.count())
	}
}

func TestResponseID(t *testing.T) {
	for _, tt := range []struct {
		data, id string
		ok       bool
	}{
		// What mcp-go writes: read from the first bytes.
		{`{"jsonrpc":"2.0","id":1,"result":{}}`, `1`, true},
		{`{"jsonrpc":"2.0","id":-3,"error":{"code":-32601,"message":"m"}}`, `-3`, true},
		{`{"jsonrpc":"2.0","id":"a\u003cb","result":{"content":[]}}`, `"a\u003cb"`, true},
		{`{"jsonrpc":"2.0","id":"q\"},\"result\":","result":{}}`, `"q\"},\"result\":"`, true},
		{`{"jsonrpc":"2.0","id":"\\","result":{}}`, `"\\"`, true},
		{`{"jsonrpc":"2.0","id":1.5,"result":{}}`, `1.5`, true},
		{`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"m"}}`, ``, false},
		{`{"jsonrpc":"2.0","id":7,"method":"ping"}`, ``, false},                              // a request from the server
		{`{"jsonrpc":"2.0","method":"notifications/progress","params":{"id":1}}`, ``, false}, // a notification
		// Anything else: decoded in full.
		{`{"id":2,"jsonrpc":"2.0","result":{}}`, `2`, true},
		{`{"jsonrpc":"2.0","id":{"a":1,"result":2},"result":{}}`, `{"a":1,"result":2}`, true},
		{`{"jsonrpc": "2.0", "id": 3, "result": {}}`, `3`, true},
		{`{"jsonrpc":"2.0","id":4,"method":"x","result":{}}`, ``, false},
		{`{"jsonrpc":"2.0","id":"unterminated`, ``, false},
		{`not json`, ``, false},
	} {
		if id, ok := responseID([]byte(tt.data)); id != tt.id || ok != tt.ok {
			t.Errorf("responseID(%s) = %s, %v; want %s, %v", tt.data, id, ok, tt.id, tt.ok)
		}
	}
}

// Whole events in one write are followed without being kept; a partial one
// is copied (the caller may reuse its buffer).
func TestSSEStreamWriterWholeWrites(t *testing.T) {
	tr := newSSETracker()
	rec := httptest.NewRecorder()
	w := &sseStreamWriter{ResponseWriter: rec, t: tr}
	_, _ = w.Write([]byte("event: endpoint\ndata: /message?sessionId=s1\r\n\r\n"))
	for _, id := range []string{"1", "2", "3"} {
		tr.request("s1", id)
	}
	p := []byte("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n" +
		"event: message\ndata:{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}\n\n" +
		"event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":3,")
	if n, err := w.Write(p); n != len(p) || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if n := tr.pending(); n != 1 {
		t.Fatalf("pending %d, want 1", n)
	}
	for i := range p {
		p[i] = 'x' // the writer must not have kept p
	}
	_, _ = w.Write([]byte("\"result\":{}}\n\n"))
	if n := tr.pending(); n != 0 || len(w.buf) != 0 {
		t.Fatalf("pending %d, buffered %q; want 0 and nothing", n, w.buf)
	}
	if !strings.HasSuffix(rec.Body.String(), "\"id\":3,\"result\":{}}\n\n") {
		t.Fatalf("stream not passed through: %q", rec.Body.String())
	}
}

// A GET /mcp without Mcp-Session-Id gets ids that hold no session slot;
// every other request, and mcp-go's sweeper (nil request), the counting manager.
func TestSessionIDsResolver(t *testing.T) {
	s := newSessionIDs()
	get := httptest.NewRequest("GET", "/mcp", nil)
	if id := s.ResolveSessionIdManager(get).Generate(); !strings.HasPrefix(id, sessionIDPrefix) || s.count() != 0 {
		t.Fatalf("header-less GET: id %q, count %d; want a well-formed id, not counted", id, s.count())
	}
	withHeader := httptest.NewRequest("GET", "/mcp", nil)
	withHeader.Header.Set("Mcp-Session-Id", sessionIDPrefix+"x")
	post := httptest.NewRequest("POST", "/mcp", nil)
	for _, r := range []*http.Request{withHeader, post, nil} {
		if m := s.ResolveSessionIdManager(r); m != server.SessionIdManager(s) {
			t.Errorf("ResolveSessionIdManager(%v) = %T, want the counting manager", r, m)
		}
	}
}
