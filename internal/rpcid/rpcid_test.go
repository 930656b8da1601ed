package rpcid

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/mark3labs/mcp-go/server"
)

// TestKeyMatchesWhatMCPGoWrites sends ping requests with awkward ids through
// a real mcp-go server and checks that Key(request id) equals the id bytes
// of the response.
func TestKeyMatchesWhatMCPGoWrites(t *testing.T) {
	s := server.NewMCPServer("t", "1")
	for _, id := range []string{`1`, `1.0`, `"a<b"`, `"x"`, `9007199254740993`, `"é\u00e9"`, `-3`, `-0`, ` "spaced" `, `2.5`} {
		resp := s.HandleMessage(context.Background(), []byte(`{"jsonrpc":"2.0","id":`+id+`,"method":"ping"}`))
		out, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		var env struct {
			ID json.RawMessage `json:"id"`
		}
		if err := json.Unmarshal(out, &env); err != nil {
			t.Fatal(err)
		}
		if got, ok := Key(json.RawMessage(id)); !ok || got != string(env.ID) {
			t.Errorf("Key(%s) = %s, %v, but mcp-go answered with id %s", id, got, ok, env.ID)
		}
	}
	if _, ok := Key(json.RawMessage(`1e400`)); ok {
		t.Error("Key(1e400) is ok, but mcp-go cannot decode it and answers with a null id")
	}
}
