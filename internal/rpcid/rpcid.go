// Package rpcid matches JSON-RPC request ids with the ids mcp-go writes back
// in responses.
package rpcid

import (
	"encoding/json"

	"github.com/mark3labs/mcp-go/mcp"
)

// Key returns a request id as mcp-go will write it in the response: mcp-go
// decodes ids into mcp.RequestId and encodes them again, so `1.0` comes
// back as `1` and `"a<b"` as `"a\u003cb"`. Comparing raw bytes would leave
// such requests looking unanswered.
func Key(raw json.RawMessage) string {
	var id mcp.RequestId
	if json.Unmarshal(raw, &id) != nil {
		return string(raw)
	}
	b, err := json.Marshal(id)
	if err != nil {
		return string(raw)
	}
	return string(b)
}
