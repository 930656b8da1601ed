// Package rpcid matches JSON-RPC request ids with the ids mcp-go writes back
// in responses.
package rpcid

import "encoding/json"

// Key returns a request id as mcp-go will write it in the response. mcp-go
// decodes an id into a plain Go value and encodes it again, so `1.0` comes
// back as `1`, `"a<b"` as `"a\u003cb"` and 9007199254740993 (through
// float64) as 9007199254740992; comparing raw bytes would leave such
// requests looking unanswered. ok is false for an id mcp-go cannot decode
// at all (such as 1e400): mcp-go answers those with a null id, so they can
// never be matched.
func Key(raw json.RawMessage) (key string, ok bool) {
	var id any
	if json.Unmarshal(raw, &id) != nil {
		return "", false
	}
	b, err := json.Marshal(id)
	if err != nil {
		return "", false
	}
	return string(b), true
}
