package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/jsonrpc"
)

// rpcMessage is a POSTed JSON-RPC message, as the middlewares after rpc see it.
type rpcMessage struct {
	jsonrpc.Message
	modern bool // protocol 2026-07-28: no session
}

// envelopeOf is the POSTed message of r, or nil (not a POST, or not read yet).
func envelopeOf(r *http.Request) *rpcMessage { return infoOf(r).msg }

// isModern tells a 2026-07-28 message from an older one as mcp-go does:
// by the MCP-Protocol-Version header or the version in params._meta.
func isModern(h http.Header, m *jsonrpc.Message) bool {
	if mcp.IsModernProtocol(h.Get(mcp.HeaderProtocolVersion)) {
		return true
	}
	if m.Params == nil || !bytes.Contains(m.Params, []byte(mcp.MetaKeyProtocolVersion)) {
		return false
	}
	var p struct {
		Meta map[string]json.RawMessage `json:"_meta"`
	}
	if json.Unmarshal(m.Params, &p) != nil {
		return false
	}
	var v string
	return json.Unmarshal(p.Meta[mcp.MetaKeyProtocolVersion], &v) == nil && mcp.IsModernProtocol(v)
}

// parseBody reads the POSTed message (bodyLimit has read the body) and
// answers an invalid one with HTTP 400 and its JSON-RPC error. It returns
// nil when it answered.
func parseBody(w http.ResponseWriter, r *http.Request) *rpcMessage {
	ri := infoOf(r)
	if ri.msg != nil {
		return ri.msg // parsed once, by the first layer that needed it
	}
	m := jsonrpc.Parse(ri.body)
	if m.Kind == jsonrpc.Invalid {
		writeRPCError(w, http.StatusBadRequest, m.ID, m.Err)
		return nil
	}
	msg := &rpcMessage{Message: m, modern: isModern(r.Header, &m)}
	ri.msg, ri.rpc = msg, m.Method
	return msg
}

// withBody returns r, under ctx, carrying body instead of its own.
func withBody(ctx context.Context, r *http.Request, body []byte) *http.Request {
	r2 := r.WithContext(ctx)
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.ContentLength = int64(len(body))
	return r2
}

// streamableRPC is the JSON-RPC layer of Streamable HTTP (POST /mcp). Every
// request gets a fresh internal id from the tracker before mcp-go sees it,
// and its answer (a JSON body, or an event of a stream) is given the
// client's id back, byte for byte. A notifications/cancelled is matched
// here, within the client's session, by exact id; the request it names is
// cancelled and gets no answer. A request whose id is already in flight in
// its session is refused (400, -32600) and runs nothing. A message of the
// 2025-11-25 protocol other than initialize must name its session (400
// otherwise; mcp-go would say 404).
func streamableRPC(t *jsonrpc.Tracker) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				next.ServeHTTP(w, r)
				return
			}
			msg := parseBody(w, r)
			if msg == nil {
				return
			}
			if v := r.Header.Values(mcp.HeaderProtocolVersion); len(v) == 1 && !mcp.IsValidProtocolVersion(v[0]) {
				unsupportedVersion(w, msg.ID, v[0]) // protocolHeaders let it through for this
				return
			}
			session := r.Header.Get(server.HeaderKeySessionID)
			if !msg.modern && msg.Method != string(mcp.MethodInitialize) && session == "" {
				writeError(w, http.StatusBadRequest, "missing_session_id",
					"this message belongs to a session: send the "+server.HeaderKeySessionID+" header the initialize response carried (or initialize first)")
				return
			}
			scope := "mcp:" + session
			if msg.modern {
				scope = "mcp:stateless" // no session: nothing can be cancelled by id
			}
			switch msg.Kind {
			case jsonrpc.Response:
				next.ServeHTTP(w, r) // an answer to a request of the server's: as sent
			case jsonrpc.Notification:
				if msg.Method == jsonrpc.MethodCancelled {
					if !msg.modern && msg.CancelID != nil {
						t.Cancel(scope, msg.CancelID)
					}
					w.WriteHeader(http.StatusAccepted)
					return
				}
				next.ServeHTTP(w, withBody(r.Context(), r, msg.Rebuild(nil, nil)))
			case jsonrpc.Request:
				ctx, cancel := context.WithCancel(jsonrpc.WithProgressToken(r.Context(), &msg.Message))
				defer cancel()
				var call *jsonrpc.Call
				if msg.modern || session == "" {
					// No session (stateless requests, initialize): the
					// requests of unrelated clients, whose ids may agree.
					call = t.Start(scope, &msg.Message, cancel)
				} else if call, _ = t.StartUnique(scope, &msg.Message, cancel); call == nil {
					writeRPCError(w, http.StatusBadRequest, msg.ID, jsonrpc.DuplicateID())
					return
				}
				x := eventRewriter{t: t, scope: scope}
				if msg.modern {
					// A stateless request has a stream of its own: every
					// notification of the call is written on it, so the
					// call can know when its progress has gone out.
					x.progress = &jsonrpc.ProgressWritten{}
					ctx = jsonrpc.WithProgressWritten(ctx, x.progress)
				}
				rw := &responseRewriter{ResponseWriter: w, x: x, call: call}
				next.ServeHTTP(rw, withBody(ctx, r, msg.Rebuild(call.InternalID(), nil)))
				rw.finish()
			}
		})
	}
}

// responseRewriter gives the client's id back to the answer of one
// Streamable HTTP request: a JSON body is held until complete and rewritten;
// an event stream is rewritten event by event.
type responseRewriter struct {
	http.ResponseWriter
	x      eventRewriter
	call   *jsonrpc.Call
	status int
	mode   int // modeUndecided, modeJSON (held), modeStream, modeOther (as is)
	held   bytes.Buffer
}

const (
	modeUndecided = iota
	modeJSON
	modeStream
	modeOther
)

func (rw *responseRewriter) WriteHeader(code int) {
	if rw.status != 0 {
		return
	}
	rw.status = code
	ct := rw.Header().Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "text/event-stream"):
		rw.mode = modeStream
		rw.ResponseWriter.WriteHeader(code)
	case strings.HasPrefix(ct, "application/json"):
		rw.mode = modeJSON
	default:
		rw.mode = modeOther
		rw.ResponseWriter.WriteHeader(code)
	}
}

func (rw *responseRewriter) Write(p []byte) (int, error) {
	if rw.status == 0 {
		rw.WriteHeader(http.StatusOK)
	}
	switch rw.mode {
	case modeJSON:
		return rw.held.Write(p)
	case modeStream:
		return rw.x.write(rw.ResponseWriter, p)
	}
	return rw.ResponseWriter.Write(p)
}

func (rw *responseRewriter) Flush() {
	if rw.mode == modeJSON {
		return // held until complete
	}
	_ = http.NewResponseController(rw.ResponseWriter).Flush()
}

func (rw *responseRewriter) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// finish writes a held JSON answer, rewritten, and ends the call.
func (rw *responseRewriter) finish() {
	keep := true
	switch {
	case rw.mode == modeJSON:
		var out []byte
		if out, keep = rw.x.message(bytes.TrimRight(rw.held.Bytes(), "\n")); keep {
			rw.ResponseWriter.WriteHeader(rw.status)
			_, _ = rw.ResponseWriter.Write(append(out, '\n'))
		}
	case rw.status == 0:
		// mcp-go wrote nothing: the request's context ended first.
		_, state, _ := rw.x.t.Finish(rw.call.Internal)
		keep = state != jsonrpc.CancelledByClient
	}
	rw.x.t.Finish(rw.call.Internal) // whatever happened, it is over
	if !keep {
		// Cancelled by the client: no answer. The request still needs an
		// HTTP response; an event stream without events says just that.
		rw.Header().Del("Content-Length")
		rw.Header().Set("Content-Type", "text/event-stream")
		rw.Header().Set("Cache-Control", "no-cache")
		rw.ResponseWriter.WriteHeader(http.StatusOK)
	}
}

// eventRewriter gives clients' ids back in what mcp-go writes to them: a
// response to a tracked request of scope gets the client's id (or is
// dropped, if the client cancelled the request), a subscription id that is
// an internal id gets the client's id of the request that opened it; server
// requests and other notifications pass unchanged. write takes the text of
// an event stream, in any pieces, and writes it whole events at a time.
type eventRewriter struct {
	t     *jsonrpc.Tracker
	scope string
	buf   []byte // an incomplete event
	// progress, when set, counts the progress notifications written.
	progress *jsonrpc.ProgressWritten
}

// message rewrites one JSON-RPC message; keep is false when it must not be sent.
func (x *eventRewriter) message(data []byte) (out []byte, keep bool) {
	start, end, ok := jsonrpc.ResponseID(data)
	if !ok {
		return jsonrpc.RestoreSubscriptionIDs(data, x.t), true
	}
	internal, ok := jsonrpc.InternalOf(data[start:end])
	if !ok {
		return data, true
	}
	if c, ok := x.t.Lookup(internal); !ok || c.Scope != x.scope {
		return data, true
	}
	data = jsonrpc.RestoreSubscriptionIDs(data, x.t) // a listen result names its own request
	if start, end, ok = jsonrpc.ResponseID(data); !ok {
		return data, true
	}
	c, state, ok := x.t.Finish(internal)
	if !ok {
		return data, true
	}
	switch state {
	case jsonrpc.CancelledByClient:
		return nil, false
	case jsonrpc.CutShort:
		return jsonrpc.ErrorResponse(c.ID, cancelled("the server is shutting down")), true
	}
	return jsonrpc.Splice(data, start, end, c.ID), true
}

// write consumes p (part of an event stream) and writes the complete events
// in it, rewritten. It reports p as written whole.
func (x *eventRewriter) write(w io.Writer, p []byte) (int, error) {
	n := len(p)
	if len(x.buf) > 0 {
		x.buf = append(x.buf, p...)
		p, x.buf = x.buf, nil
	}
	var out []byte
	progress := 0
	for {
		i, size := eventEnd(p)
		if i < 0 {
			break
		}
		if ev, keep := x.event(p[:i+size]); keep {
			out = append(out, ev...)
			if x.progress != nil && jsonrpc.IsProgress(ev) {
				progress++
			}
		}
		p = p[i+size:]
	}
	if len(p) > 0 {
		x.buf = append([]byte(nil), p...) // p is not ours to keep
	}
	if len(out) == 0 {
		return n, nil
	}
	if _, err := w.Write(out); err != nil {
		return 0, err
	}
	if progress > 0 {
		x.progress.Add(progress)
	}
	return n, nil
}

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

// event rewrites the JSON-RPC message in an event's data line.
func (x *eventRewriter) event(ev []byte) ([]byte, bool) {
	lines := bytes.SplitAfter(ev, []byte("\n"))
	for i, line := range lines {
		v, ok := bytes.CutPrefix(line, []byte("data:"))
		if !ok {
			continue
		}
		body := bytes.TrimRight(v, "\r\n")
		lead := len(body) - len(bytes.TrimLeft(body, " "))
		data := body[lead:]
		if len(data) == 0 || data[0] != '{' {
			return ev, true
		}
		msg, keep := x.message(data)
		if !keep {
			return nil, false
		}
		if bytes.Equal(msg, data) {
			return ev, true
		}
		var out []byte
		for _, l := range lines[:i] {
			out = append(out, l...)
		}
		out = append(out, "data: "...)
		out = append(out, msg...)
		out = append(out, v[len(body):]...) // the line's end
		for _, l := range lines[i+1:] {
			out = append(out, l...)
		}
		return out, true
	}
	return ev, true
}
