package jsonrpc

import (
	"bytes"
	"strconv"
)

// mcp-go writes every message with "jsonrpc" first and, in a response, the
// id next: {"jsonrpc":"2.0","id":7,"result":...}. The id of a response is
// read from those first bytes, so that a large result is never scanned.
var responsePrefix = []byte(`{"jsonrpc":"2.0","id":`)

// ResponseID finds the id of a response as mcp-go wrote it: its bytes are
// msg[start:end]. ok is false for anything that is not a response (a
// request or notification from the server) or that has no id.
func ResponseID(msg []byte) (start, end int, ok bool) {
	if rest, found := bytes.CutPrefix(msg, responsePrefix); found {
		if n := skipValue(rest, 0); n > 0 {
			after := rest[n:]
			if bytes.HasPrefix(after, []byte(`,"result":`)) || bytes.HasPrefix(after, []byte(`,"error":`)) {
				return len(responsePrefix), len(responsePrefix) + n, true
			}
			if bytes.HasPrefix(after, []byte(`,"method":`)) {
				return 0, 0, false
			}
		}
	}
	// Another layout: read the members.
	b := trimSpace(msg)
	var id []byte
	var isResponse, hasMethod bool
	if _, good := members(b, 0, func(key, v []byte) bool {
		switch string(key) {
		case "id":
			id = v
		case "result", "error":
			isResponse = true
		case "method":
			hasMethod = true
		}
		return true
	}); !good || id == nil || !isResponse || hasMethod {
		return 0, 0, false
	}
	start = offsetIn(msg, id)
	return start, start + len(id), true
}

// offsetIn is the offset of sub within msg: sub is a subslice of msg, so
// both end where msg's array does.
func offsetIn(msg, sub []byte) int { return cap(msg) - cap(sub) }

// IsErrorResponse reports whether msg is a response carrying an error.
func IsErrorResponse(msg []byte) bool {
	_, end, ok := ResponseID(msg)
	if !ok {
		return false
	}
	if bytes.HasPrefix(msg[end:], []byte(`,"error":`)) {
		return true
	}
	if bytes.HasPrefix(msg[end:], []byte(`,"result":`)) {
		return false
	}
	isError := false
	members(trimSpace(msg), 0, func(key, _ []byte) bool {
		if string(key) == "error" {
			isError = true
			return false
		}
		return true
	})
	return isError
}

// InternalOf reads an internal id (a positive integer written by Rebuild).
func InternalOf(id []byte) (int64, bool) {
	if len(id) == 0 || id[0] < '1' || id[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseInt(string(id), 10, 64)
	return n, err == nil
}

// Splice returns msg with msg[start:end] replaced by repl, in a new slice.
func Splice(msg []byte, start, end int, repl []byte) []byte {
	out := make([]byte, 0, len(msg)-(end-start)+len(repl))
	out = append(out, msg[:start]...)
	out = append(out, repl...)
	return append(out, msg[end:]...)
}

// subscriptionKey tags every message of a 2026-07-28 subscriptions/listen
// stream with the id of the request that opened it.
var subscriptionKey = []byte(`"io.modelcontextprotocol/subscriptionId":`)

// RestoreSubscriptionIDs replaces, in a message mcp-go wrote, each
// subscription id that is an internal id known to t by the client's id.
// A message without one is returned as it is.
func RestoreSubscriptionIDs(msg []byte, t *Tracker) []byte {
	if !bytes.Contains(msg, subscriptionKey) {
		return msg
	}
	var out []byte
	rest := msg
	for {
		i := bytes.Index(rest, subscriptionKey)
		if i < 0 {
			break
		}
		v := i + len(subscriptionKey)
		n := skipValue(rest, v)
		if n < 0 {
			break
		}
		if internal, ok := InternalOf(rest[v:n]); ok {
			if c, ok := t.Lookup(internal); ok {
				out = append(out, rest[:v]...)
				out = append(out, c.ID...)
				rest = rest[n:]
				continue
			}
		}
		out = append(out, rest[:n]...)
		rest = rest[n:]
	}
	if out == nil {
		return msg
	}
	return append(out, rest...)
}
