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

	"github.com/mark3labs/mcp-go/server"
)

// sessionIDs mints and counts Streamable HTTP session IDs (protocol
// 2025-11-25 and earlier: the Mcp-Session-Id header) so that their number can
// be capped. It implements mcp-go's server.SessionIdManager and
// server.SessionIdManagerResolver. Like mcp-go's default manager it accepts
// any well-formed ID, even one it never issued, so a client keeps working
// across a restart or after its idle session was swept: lofty-mcp keeps no
// per-session state that matters, and a client told 404 would have to
// initialize again (mcp-go's client leaves that to its caller). An ID it
// never issued is not counted. A session is forgotten when the client
// deletes it, when it idles out, or at shutdown.
type sessionIDs struct {
	mu   sync.Mutex
	live map[string]struct{}
}

const sessionIDPrefix = "mcp-session-"

func newSessionIDs() *sessionIDs { return &sessionIDs{live: map[string]struct{}{}} }

// Generate implements server.SessionIdManager.
func (s *sessionIDs) Generate() string {
	id := newSessionID()
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

// ResolveSessionIdManager implements server.SessionIdManagerResolver. mcp-go
// mints a session id not only for initialize but also for a GET /mcp without
// Mcp-Session-Id (a standalone listening stream). That id is never sent to
// the client (no response header carries it) and mcp-go drops its session
// when the stream ends, but counted here it would hold a --max-sessions slot
// until the idle sweeper forgot it: such a GET gets a manager whose ids are
// not counted (the stream itself is capped by --max-streams). Every other
// request, and mcp-go's sweeper and CloseSessions (r == nil), get s.
func (s *sessionIDs) ResolveSessionIdManager(r *http.Request) server.SessionIdManager {
	if r != nil && r.Method == http.MethodGet && r.Header.Get(server.HeaderKeySessionID) == "" {
		return streamSessionIDs{s}
	}
	return s
}

// streamSessionIDs mints ids for header-less GET /mcp streams without
// counting them.
type streamSessionIDs struct{ *sessionIDs }

func (streamSessionIDs) Generate() string { return newSessionID() }

func newSessionID() string { return sessionIDPrefix + strings.ToLower(rand.Text()) }

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
	p = p[:n]
	if len(w.buf) > 0 { // the rest of an event begun in an earlier write
		w.buf = append(w.buf, p...)
		p, w.buf = w.buf, nil
	}
	for {
		i, size := eventEnd(p)
		if i < 0 {
			break
		}
		w.event(p[:i])
		p = p[i+size:]
	}
	if len(p) > 0 {
		w.buf = append([]byte(nil), p...) // p is not ours to keep
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
	var name, data []byte
	for len(ev) > 0 {
		line := ev
		if i := bytes.IndexByte(ev, '\n'); i >= 0 {
			line, ev = ev[:i], ev[i+1:]
		} else {
			ev = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if v, ok := bytes.CutPrefix(line, []byte("event:")); ok {
			name = bytes.TrimSpace(v)
		} else if v, ok := bytes.CutPrefix(line, []byte("data:")); ok {
			data = bytes.TrimSpace(v)
		}
	}
	switch string(name) {
	case "endpoint":
		if w.session != "" {
			return
		}
		if u, err := url.Parse(string(data)); err == nil {
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
		if id, ok := responseID(data); ok {
			w.t.answered(w.session, id)
		}
	}
}

// responseID returns the id of a JSON-RPC response as mcp-go wrote it, or
// false for any other message. A response can be large (a whole tool
// result), so the shapes mcp-go writes (its field order) are read from the
// first bytes: a response is `{"jsonrpc":"2.0","id":ID,` then "result" or
// "error"; a request from the server has "method" after its id; a
// notification starts `{"jsonrpc":"2.0","method":`. Anything else is
// decoded in full.
func responseID(data []byte) (string, bool) {
	if rest, ok := bytes.CutPrefix(data, []byte(`{"jsonrpc":"2.0",`)); ok {
		if bytes.HasPrefix(rest, []byte(`"method":`)) {
			return "", false
		}
		if rest, ok := bytes.CutPrefix(rest, []byte(`"id":`)); ok {
			if end := idEnd(rest); end > 0 {
				id, after := rest[:end], rest[end:]
				switch {
				case bytes.HasPrefix(after, []byte(`,"result":`)), bytes.HasPrefix(after, []byte(`,"error":`)):
					if string(id) == "null" {
						return "", false
					}
					return string(id), true
				case bytes.HasPrefix(after, []byte(`,"method":`)):
					return "", false
				}
			}
		}
	}
	var m rpcEnvelope
	if json.Unmarshal(data, &m) == nil && m.Method == "" && m.hasID() {
		return string(m.ID), true
	}
	return "", false
}

// idEnd is the length of the JSON string or scalar that b starts with, as
// json.Marshal writes it (no spaces), or -1 (also for an object or array).
func idEnd(b []byte) int {
	if len(b) == 0 || b[0] == '{' || b[0] == '[' {
		return -1
	}
	if b[0] == '"' {
		for i := 1; i < len(b); i++ {
			switch b[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return -1
	}
	return bytes.IndexAny(b, ",}")
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
