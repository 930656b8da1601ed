package transport

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"
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
