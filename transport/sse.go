package transport

import (
	"bytes"
	"net/http"
	"net/url"
	"sync"

	"github.com/lofty-mcp/lofty-mcp/internal/jsonrpc"
)

// The legacy HTTP+SSE transport: a client opens GET /sse, whose first event
// names its session (/message?sessionId=...), and POSTs each message to
// /message; mcp-go answers the POST 202 at once and writes the response
// later, as an event of the client's stream.
//
// Requests posted for a session with an open stream are tracked (with a
// fresh internal id, as on every transport) until their answer is written
// to that stream, so that shutdown lets them finish, and the answer carries
// the client's id byte for byte. mcp-go runs SSE requests detached from the
// POST, so a notifications/cancelled is matched here and passed on to mcp-go
// with the internal id of each request it names.

// sseStreams knows which SSE sessions have a stream open, and whose each
// is (sessionOwner of the GET /sse that opened it): a request is tracked
// only for those (under the same lock, so that it cannot be tracked for a
// stream that has just ended), and only its owner may post into it.
type sseStreams struct {
	t    *jsonrpc.Tracker
	mu   sync.Mutex
	live map[string]string // session id -> its owner, while its stream is open
}

func sseScope(session string) string { return "sse:" + session }

func (s *sseStreams) open(session, owner string) {
	s.mu.Lock()
	if s.live == nil {
		s.live = map[string]string{}
	}
	s.live[session] = owner
	s.mu.Unlock()
}

// foreign reports whether session's stream is open here for another owner.
func (s *sseStreams) foreign(session, owner string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.live[session]
	return ok && o != owner
}

// count is the number of open legacy SSE streams (sessions).
func (s *sseStreams) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// close forgets a stream: requests awaiting an answer on it can never get one.
func (s *sseStreams) close(session string) {
	s.mu.Lock()
	delete(s.live, session)
	s.t.Forget(sseScope(session))
	s.mu.Unlock()
}

// start tracks request m of session, if its stream is open (tracked);
// call is nil when a request with its id is in flight in the session.
func (s *sseStreams) start(session string, m *jsonrpc.Message) (call *jsonrpc.Call, tracked bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.live[session]; !ok {
		return nil, false
	}
	call, _ = s.t.StartUnique(sseScope(session), m, nil)
	return call, true
}

// sseStream follows a GET /sse stream: it learns the session from the
// first event and rewrites the answers in the later ones.
func (s *sseStreams) sseStream(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			next.ServeHTTP(w, r)
			return
		}
		ri := infoOf(r)
		sw := &sseStreamWriter{ResponseWriter: w, streams: s, owner: sessionOwner(r), onOpen: func(id string) { ri.session = id }}
		defer func() {
			if sw.session != "" {
				s.close(sw.session)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// sseStreamWriter is what mcp-go writes a GET /sse stream to. Only the
// handler's goroutine writes to it.
type sseStreamWriter struct {
	http.ResponseWriter
	streams *sseStreams
	owner   string
	session string
	x       eventRewriter
	head    []byte // the first event, until complete
	onOpen  func(session string)
}

func (w *sseStreamWriter) Write(p []byte) (int, error) {
	if w.session != "" {
		return w.x.write(w.ResponseWriter, p)
	}
	// The endpoint event comes first: /message?sessionId=...
	w.head = append(w.head, p...)
	i, size := eventEnd(w.head)
	if i < 0 {
		return len(p), nil
	}
	head, rest := w.head[:i+size], w.head[i+size:]
	w.head = nil
	if id := endpointSession(head); id != "" {
		w.session = id
		w.x = eventRewriter{t: w.streams.t, scope: sseScope(id)}
		w.streams.open(id, w.owner) // before the client can read the endpoint
		if w.onOpen != nil {
			w.onOpen(id)
		}
	}
	if _, err := w.ResponseWriter.Write(head); err != nil {
		return 0, err
	}
	if len(rest) > 0 {
		if w.session == "" {
			return w.ResponseWriter.Write(rest)
		}
		if _, err := w.x.write(w.ResponseWriter, rest); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// endpointSession reads the session id from an "endpoint" event.
func endpointSession(ev []byte) string {
	var name, data []byte
	for _, line := range bytes.Split(ev, []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\r"))
		if v, ok := bytes.CutPrefix(line, []byte("event:")); ok {
			name = bytes.TrimSpace(v)
		} else if v, ok := bytes.CutPrefix(line, []byte("data:")); ok {
			data = bytes.TrimSpace(v)
		}
	}
	if string(name) != "endpoint" {
		return ""
	}
	u, err := url.Parse(string(data))
	if err != nil {
		return ""
	}
	return u.Query().Get("sessionId")
}

// Flush keeps the stream streaming.
func (w *sseStreamWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

// Unwrap lets http.ResponseController reach the connection.
func (w *sseStreamWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// sseRPC is the JSON-RPC layer of POST /message.
func (s *sseStreams) sseRPC(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		session := r.URL.Query().Get("sessionId")
		if s.foreign(session, sessionOwner(r)) {
			refuse(w, r, http.StatusNotFound, "unknown_session",
				"no SSE session has this sessionId for these credentials: open GET /sse and post to the endpoint it names")
			return
		}
		msg := parseBody(w, r)
		if msg == nil {
			return
		}
		switch msg.Kind {
		case jsonrpc.Response:
			next.ServeHTTP(w, r)
		case jsonrpc.Notification:
			if msg.Method != jsonrpc.MethodCancelled {
				next.ServeHTTP(w, withBody(r.Context(), r, msg.Rebuild(nil, nil)))
				return
			}
			// mcp-go cancels by its own (internal) id, within the session.
			if msg.CancelID != nil {
				for _, c := range s.t.Cancel(sseScope(session), msg.CancelID) {
					next.ServeHTTP(discardResponse{}, withBody(r.Context(), r, msg.Rebuild(nil, c.InternalID())))
				}
			}
			w.WriteHeader(http.StatusAccepted)
		case jsonrpc.Request:
			call, tracked := s.start(session, &msg.Message)
			switch {
			case !tracked:
				// No stream to answer on: mcp-go refuses it (unknown
				// session), or the answer is lost with the stream.
				next.ServeHTTP(w, r)
				return
			case call == nil:
				// Refused on the POST itself: on the stream, the refusal
				// would look like the answer to the request in flight.
				writeRPCError(w, http.StatusBadRequest, msg.ID, jsonrpc.DuplicateID())
				return
			}
			if hold := infoOf(r).hold; hold != nil {
				// mcp-go answers the POST at once and runs the request
				// on, holding its body, until the answer is on the stream.
				hold.handedOver = true
				s.t.OnFinish(call, hold.release)
			}
			rec := &statusRecorder{ResponseWriter: w}
			ctx := jsonrpc.WithProgressToken(r.Context(), &msg.Message)
			next.ServeHTTP(rec, withBody(ctx, r, msg.Rebuild(call.InternalID(), nil)))
			if rec.status != http.StatusAccepted {
				s.t.Finish(call.Internal) // refused: no answer will come on the stream
			}
		}
	})
}
