package transport

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/lofty-mcp/lofty-mcp/internal/jsonrpc"
)

// writeError answers with a short JSON error: {"error": code, "message": msg}.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}{code, msg})
}

// refuse answers a request the server will not serve and closes the
// connection at once. A body the client declared and has not sent (or sends
// slowly) is not waited for: net/http would otherwise read what is left of
// it before answering (and again before reusing the connection), so a client
// that declares Content-Length: 1000 and sends one byte would hold the
// connection, and the refusal, for as long as it likes.
func refuse(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	closeUnread(w, r)
	writeError(w, status, code, msg)
}

// closeUnread makes a refusal close the connection when the request's body
// has not been read whole (see refuse).
func closeUnread(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength != 0 && !infoOf(r).bodyRead {
		w.Header().Set("Connection", "close")
		// Any further read of the body (net/http's, after this handler)
		// fails at once.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now())
	}
}

// busyRetryAfter is the Retry-After, in seconds, of a refusal at a limit.
const busyRetryAfter = "5"

// busyBody is the answer to a request refused because the server is at a
// limit: a JSON-RPC error (its id null: the request was not read) saying
// the server is busy and why, which MCP clients show as it is.
func busyBody(why string) []byte {
	return append(jsonrpc.ErrorResponse(nil, &jsonrpc.Error{Code: jsonrpc.CodeServerBusy,
		Message: "the server is busy: " + why + "; retry in a few seconds"}), '\n')
}

// refuseBusy answers 503 with busyBody at once, and closes the connection
// when the body has not been read whole (see refuse).
func refuseBusy(w http.ResponseWriter, r *http.Request, why string) {
	closeUnread(w, r)
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Retry-After", busyRetryAfter)
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write(busyBody(why))
}

// writeRPCError answers a POSTed message that is not valid JSON-RPC with
// status and a JSON-RPC error carrying id (the client's exact bytes, or
// null).
func writeRPCError(w http.ResponseWriter, status int, id []byte, e *jsonrpc.Error) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(jsonrpc.ErrorResponse(id, e), '\n'))
}
