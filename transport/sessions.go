package transport

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// sessionIDs mints and counts Streamable HTTP session IDs (protocol
// 2025-11-25 and earlier: the Mcp-Session-Id header) so that their number can
// be capped. It implements mcp-go's server.SessionIdManager. Like mcp-go's
// default manager it accepts any well-formed ID, so a client keeps working
// across a restart or after its idle session was swept: lofty-mcp keeps no
// per-session state that matters. A session is forgotten when the client
// deletes it, when it idles out, or at shutdown.
type sessionIDs struct {
	mu   sync.Mutex
	live map[string]struct{}
}

const sessionIDPrefix = "mcp-session-"

func newSessionIDs() *sessionIDs { return &sessionIDs{live: map[string]struct{}{}} }

// Generate implements server.SessionIdManager.
func (s *sessionIDs) Generate() string {
	id := sessionIDPrefix + strings.ToLower(rand.Text())
	s.mu.Lock()
	s.live[id] = struct{}{}
	s.mu.Unlock()
	return id
}

// Validate implements server.SessionIdManager.
func (s *sessionIDs) Validate(id string) (isTerminated bool, err error) {
	if !strings.HasPrefix(id, sessionIDPrefix) || len(id) <= len(sessionIDPrefix) || len(id) > 128 {
		return false, errors.New("invalid session id")
	}
	return false, nil
}

// Terminate implements server.SessionIdManager.
func (s *sessionIDs) Terminate(id string) (isNotAllowed bool, err error) {
	s.mu.Lock()
	delete(s.live, id)
	s.mu.Unlock()
	return false, nil
}

// count is the number of live sessions.
func (s *sessionIDs) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// sseTracker follows the legacy SSE transport's requests and responses. A
// request is POSTed to /message and answered 202 at once; its response
// travels later on the client's GET /sse stream. To let in-flight tool calls
// finish at shutdown, lofty-mcp must know which requests still await an
// answer on a live stream: it counts requests posted per session and strikes
// each off when its response is written to that session's stream.
type sseTracker struct {
	mu      sync.Mutex
	streams map[string]map[string]struct{} // session id -> ids of requests awaiting a response
	changed chan struct{}                  // closed (and replaced) whenever a request is struck off
}

func newSSETracker() *sseTracker {
	return &sseTracker{streams: map[string]map[string]struct{}{}, changed: make(chan struct{})}
}

func (t *sseTracker) open(session string) {
	t.mu.Lock()
	if _, ok := t.streams[session]; !ok {
		t.streams[session] = map[string]struct{}{}
	}
	t.mu.Unlock()
}

// close forgets a stream: its pending requests can no longer be answered.
func (t *sseTracker) close(session string) {
	t.mu.Lock()
	delete(t.streams, session)
	t.notifyLocked()
	t.mu.Unlock()
}

// request notes a request posted for session; false if the session has no stream.
func (t *sseTracker) request(session, id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	pending, ok := t.streams[session]
	if ok {
		pending[id] = struct{}{}
	}
	return ok
}

// answered strikes a request off: its response was written, or it was
// cancelled, or mcp-go refused the post.
func (t *sseTracker) answered(session, id string) {
	t.mu.Lock()
	if pending, ok := t.streams[session]; ok {
		delete(pending, id)
		t.notifyLocked()
	}
	t.mu.Unlock()
}

func (t *sseTracker) notifyLocked() {
	close(t.changed)
	t.changed = make(chan struct{})
}

// pending is the number of requests awaiting a response on a live stream.
func (t *sseTracker) pending() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, p := range t.streams {
		n += len(p)
	}
	return n
}

// wait returns when no request awaits a response, or when ctx ends.
func (t *sseTracker) wait(ctx context.Context) error {
	for {
		t.mu.Lock()
		n := 0
		for _, p := range t.streams {
			n += len(p)
		}
		ch := t.changed
		t.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// sseStreamWriter watches what mcp-go writes on a GET /sse stream: the first
// event names the session ("endpoint", data /message?sessionId=...), later
// "message" events carry JSON-RPC messages; each response strikes its request
// off the tracker. Only the handler's goroutine writes to it.
type sseStreamWriter struct {
	http.ResponseWriter
	t       *sseTracker
	session string
	buf     []byte // an incomplete event
	onOpen  func(session string)
}

func (w *sseStreamWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.buf = append(w.buf, p[:n]...)
	for {
		i, size := eventEnd(w.buf)
		if i < 0 {
			break
		}
		w.event(w.buf[:i])
		w.buf = w.buf[i+size:]
	}
	if len(w.buf) == 0 {
		w.buf = nil
	}
	return n, err
}

// Flush keeps the stream streaming.
func (w *sseStreamWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

// Unwrap lets http.ResponseController reach the connection.
func (w *sseStreamWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// eventEnd finds the blank line ending an SSE event: its index and length.
func eventEnd(b []byte) (int, int) {
	i, j := bytes.Index(b, []byte("\n\n")), bytes.Index(b, []byte("\r\n\r\n"))
	switch {
	case i < 0 && j < 0:
		return -1, 0
	case j >= 0 && (i < 0 || j < i):
		return j, 4
	default:
		return i, 2
	}
}

func (w *sseStreamWriter) event(ev []byte) {
	var name, data string
	for _, line := range strings.Split(string(ev), "\n") {
		line = strings.TrimSuffix(line, "\r")
		switch {
		case strings.HasPrefix(line, "event:"):
			name = strings.TrimSpace(line[len("event:"):])
		case strings.HasPrefix(line, "data:"):
			data = strings.TrimSpace(line[len("data:"):])
		}
	}
	switch name {
	case "endpoint":
		if w.session != "" {
			return
		}
		if u, err := url.Parse(data); err == nil {
			if id := u.Query().Get("sessionId"); id != "" {
				w.session = id
				w.t.open(id)
				if w.onOpen != nil {
					w.onOpen(id)
				}
			}
		}
	case "message":
		if w.session == "" {
			return
		}
		var m rpcEnvelope
		if json.Unmarshal([]byte(data), &m) == nil && m.Method == "" && m.hasID() {
			w.t.answered(w.session, string(m.ID))
		}
	}
}

// rpcEnvelope is what lofty-mcp reads of a JSON-RPC message: never params.
type rpcEnvelope struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params struct {
		RequestID json.RawMessage `json:"requestId"`
	} `json:"params"`
}

func (m rpcEnvelope) hasID() bool { return len(m.ID) > 0 && string(m.ID) != "null" }
