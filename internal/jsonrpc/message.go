// Package jsonrpc is lofty-mcp's one reader of JSON-RPC 2.0 envelopes and its
// one request tracker, shared by every transport (stdio, Streamable HTTP,
// legacy SSE).
//
// A transport parses each message it receives with Parse. A request is then
// given a fresh internal id (Tracker.Start) and handed to mcp-go rebuilt
// around that id (Message.Rebuild); the client's id is restored byte for byte
// in the answer (RestoreResponse). mcp-go therefore never sees a client's id:
// it cannot re-encode it (it decodes ids through float64 and re-escapes
// strings), two requests with the same id cannot collide in its table of
// requests in flight, and a notifications/cancelled is matched here, by the
// exact id text, before mcp-go is told which internal id to cancel.
//
// Ids compare as JSON text: 1, 1.0 and "1" are three different ids, and so
// are "a" and "\u0061". A client that reuses an id sends the same text.
package jsonrpc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Version is the only JSON-RPC version spoken.
const Version = "2.0"

// Standard JSON-RPC error codes, the one lofty-mcp adds for a request it
// cancelled itself (the value LSP uses for the same meaning), and the one
// for a request refused because the server is at a limit (the first of
// JSON-RPC's implementation-defined server errors).
const (
	CodeParseError       = -32700
	CodeInvalidRequest   = -32600
	CodeMethodNotFound   = -32601
	CodeInvalidParams    = -32602
	CodeInternalError    = -32603
	CodeRequestCancelled = -32800
	CodeServerBusy       = -32000
)

// MethodCancelled is the notification that cancels a request in flight.
const MethodCancelled = "notifications/cancelled"

// Kind is what a message is.
type Kind int

const (
	// Invalid is not a JSON-RPC 2.0 message; Message.Err says why.
	Invalid Kind = iota
	// Request has a method and an id: it gets exactly one response.
	Request
	// Notification has a method and no id: it gets no response.
	Notification
	// Response has an id and a result or an error: it answers a request
	// the server sent.
	Response
)

func (k Kind) String() string {
	switch k {
	case Request:
		return "request"
	case Notification:
		return "notification"
	case Response:
		return "response"
	}
	return "invalid"
}

// Error is a JSON-RPC error object.
type Error struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return fmt.Sprintf("JSON-RPC error %d: %s", e.Code, e.Message) }

// Message is one JSON-RPC message as the client sent it. Its byte slices
// point into the parsed input.
type Message struct {
	Kind Kind
	// ID is the id exactly as sent (a JSON string or number, never
	// re-encoded), or nil when the message has none. An Invalid message
	// keeps its id when the id itself was readable, so that the error can
	// carry it.
	ID []byte
	// Method is the decoded method name (requests and notifications).
	Method string
	// Params is the raw params value, or nil.
	Params []byte
	// CancelID is, for a notifications/cancelled, the raw params.requestId.
	CancelID []byte
	// Err says what is wrong with an Invalid message.
	Err *Error

	method []byte // the raw method string
	result []byte // a response's raw result
	errVal []byte // a response's raw error
}

func invalid(code int, msg string) Message {
	return Message{Kind: Invalid, Err: &Error{Code: code, Message: msg}}
}

// Parse reads one JSON-RPC message. It never fails: a message that is not a
// single valid JSON-RPC 2.0 request, notification or response comes back as
// Invalid, with the error to answer it with.
func Parse(raw []byte) Message {
	b := trimSpace(raw)
	if len(b) == 0 {
		return invalid(CodeInvalidRequest, "invalid request: the message is empty; expected a JSON-RPC 2.0 object")
	}
	if !json.Valid(b) {
		return invalid(CodeParseError, "parse error: the message is not valid JSON")
	}
	switch b[0] {
	case '[':
		return invalid(CodeInvalidRequest, "invalid request: batches (JSON arrays) are not supported; send each JSON-RPC message on its own")
	case '{':
	default:
		return invalid(CodeInvalidRequest, "invalid request: a JSON-RPC message must be a JSON object")
	}

	var m Message
	var version, id, method, params, result, errVal []byte
	var dup string
	_, ok := members(b, 0, func(key []byte, v []byte) bool {
		var slot *[]byte
		switch string(key) {
		case "jsonrpc":
			slot = &version
		case "id":
			slot = &id
		case "method":
			slot = &method
		case "params":
			slot = &params
		case "result":
			slot = &result
		case "error":
			slot = &errVal
		default:
			return true
		}
		if *slot != nil {
			dup = string(key)
			return false
		}
		*slot = v
		return true
	})
	if !ok { // cannot happen after json.Valid; kept so the scanner is never trusted blindly
		return invalid(CodeParseError, "parse error: the message is not valid JSON")
	}
	if dup != "" {
		return invalid(CodeInvalidRequest, fmt.Sprintf("invalid request: the %q member appears more than once", dup))
	}
	if id != nil {
		if validID(id) {
			m.ID = id
		} else if !(method == nil && string(id) == "null" && errVal != nil) {
			// A null id is allowed only on an error response (to a message
			// whose id could not be read).
			return invalid(CodeInvalidRequest, `invalid request: "id" must be a string or a number`)
		}
	}
	fail := func(msg string) Message {
		e := invalid(CodeInvalidRequest, "invalid request: "+msg)
		e.ID = m.ID
		return e
	}
	if version == nil || string(version) != `"2.0"` {
		return fail(`"jsonrpc" must be "2.0"`)
	}
	if method != nil {
		if method[0] != '"' {
			return fail(`"method" must be a string`)
		}
		if result != nil || errVal != nil {
			return fail(`a request or notification carries no "result" or "error"`)
		}
		name, ok := decodeString(method)
		if !ok || name == "" {
			return fail(`"method" must be a non-empty string`)
		}
		if params != nil && params[0] != '{' && params[0] != '[' {
			return fail(`"params" must be an object or an array`)
		}
		m.Method, m.method, m.Params = name, method, params
		m.Kind = Notification
		if id != nil {
			m.Kind = Request
		}
		if m.Kind == Notification && name == MethodCancelled && params != nil && params[0] == '{' {
			members(params, 0, func(key, v []byte) bool {
				if string(key) == "requestId" {
					m.CancelID = v
					return false
				}
				return true
			})
		}
		return m
	}
	switch {
	case id == nil:
		return fail(`a message needs a "method" (a request or notification) or an "id" with a "result" or "error" (a response)`)
	case result != nil && errVal != nil:
		return fail(`a response carries either "result" or "error", not both`)
	case result == nil && errVal == nil:
		return fail(`a response needs a "result" or an "error"`)
	}
	m.Kind, m.result, m.errVal = Response, result, errVal
	return m
}

// validID reports whether raw (trimmed) is a JSON string or number: the ids
// MCP allows.
func validID(raw []byte) bool {
	if len(raw) == 0 {
		return false
	}
	c := raw[0]
	return c == '"' || c == '-' || (c >= '0' && c <= '9')
}

// Rebuild returns the message in the canonical form handed to mcp-go, with
// id (when not nil) in place of the client's id: only the members JSON-RPC
// defines, each exactly as sent. For a notifications/cancelled, cancelID
// (when not nil) replaces params with {"requestId": cancelID}.
func (m *Message) Rebuild(id []byte, cancelID []byte) []byte {
	n := 64 + len(id) + len(m.method) + len(m.Params) + len(m.result) + len(m.errVal)
	out := make([]byte, 0, n)
	out = append(out, `{"jsonrpc":"2.0"`...)
	if id != nil {
		out = append(out, `,"id":`...)
		out = append(out, id...)
	}
	switch m.Kind {
	case Request, Notification:
		out = append(out, `,"method":`...)
		out = append(out, m.method...)
		switch {
		case cancelID != nil:
			out = append(out, `,"params":{"requestId":`...)
			out = append(out, cancelID...)
			out = append(out, '}')
		case m.Params != nil:
			out = append(out, `,"params":`...)
			out = append(out, m.Params...)
		}
	case Response:
		if m.result != nil {
			out = append(out, `,"result":`...)
			out = append(out, m.result...)
		} else {
			out = append(out, `,"error":`...)
			out = append(out, m.errVal...)
		}
	}
	return append(out, '}')
}

// ErrorResponse is the JSON text of an error response carrying id (the
// client's exact bytes; nil or empty for null).
func ErrorResponse(id []byte, e *Error) []byte {
	msg, _ := json.Marshal(e.Message)
	out := make([]byte, 0, 64+len(id)+len(msg))
	out = append(out, `{"jsonrpc":"2.0","id":`...)
	if len(id) == 0 {
		out = append(out, "null"...)
	} else {
		out = append(out, id...)
	}
	out = append(out, `,"error":{"code":`...)
	out = strconv.AppendInt(out, int64(e.Code), 10)
	out = append(out, `,"message":`...)
	out = append(out, msg...)
	return append(out, "}}"...)
}

// PeekID finds the id of a message of which only a prefix is at hand (one
// too large to read whole): the value of a top-level "id" member that ends
// within prefix. It returns nil when there is none, or when what it found
// is not a string or number.
func PeekID(prefix []byte) []byte {
	b := trimSpace(prefix)
	if len(b) == 0 || b[0] != '{' {
		return nil
	}
	var id []byte
	members(b, 0, func(key, v []byte) bool {
		if string(key) == "id" {
			id = v
			return false
		}
		return true
	})
	if !validID(id) || !json.Valid(id) {
		return nil
	}
	return id
}

// ---- a small scanner of JSON text ----
//
// It finds the members of an object and the extent of values without
// decoding them. It is linear in the input, never panics and never reads
// past it: on malformed or truncated input it stops and reports failure.

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// skipString returns the index just past the string starting at b[i] ('"'), or -1.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index just past the value starting at b[i], or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				j := skipString(b, i)
				if j < 0 {
					return -1
				}
				i = j
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	j := i
	for j < len(b) && !isSpace(b[j]) && b[j] != ',' && b[j] != '}' && b[j] != ']' {
		j++
	}
	if j == i || j == len(b) { // empty, or a scalar that may continue past the input
		return -1
	}
	return j
}

// members calls f with the key (decoded) and raw value of each member of the
// object starting at b[i], until f returns false. It returns the index past
// the object and whether the object was read to its end (or f stopped it)
// without finding anything malformed.
func members(b []byte, i int, f func(key, value []byte) bool) (int, bool) {
	i = skipSpace(b, i)
	if i >= len(b) || b[i] != '{' {
		return i, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for i < len(b) {
		if b[i] != '"' {
			return i, false
		}
		k := skipString(b, i)
		if k < 0 {
			return i, false
		}
		key := b[i+1 : k-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			s, ok := decodeString(b[i:k])
			if !ok {
				return i, false
			}
			key = []byte(s)
		}
		i = skipSpace(b, k)
		if i >= len(b) || b[i] != ':' {
			return i, false
		}
		i = skipSpace(b, i+1)
		v := skipValue(b, i)
		if v < 0 {
			return i, false
		}
		if !f(key, b[i:v]) {
			return v, true
		}
		i = skipSpace(b, v)
		if i >= len(b) {
			return i, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return i + 1, true
		default:
			return i, false
		}
	}
	return i, false
}

// decodeString decodes a JSON string literal.
func decodeString(raw []byte) (string, bool) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// Outcome returns a response's raw result (ok), or the message of its error.
func (m *Message) Outcome() (result []byte, errMessage string, ok bool) {
	if m.result != nil {
		return m.result, "", true
	}
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(m.errVal, &e) != nil || e.Message == "" {
		return nil, string(m.errVal), false
	}
	return nil, e.Message, false
}
