package main

import "testing"

func TestResponseID(t *testing.T) {
	cases := []struct {
		line string
		id   string
		ok   bool
	}{
		{`{"jsonrpc":"2.0","id":5,"result":{"content":[]}}` + "\n", "5", true},
		{`{"jsonrpc":"2.0","id":"a,\"b","result":{}}`, `"a,\"b"`, true},
		{`{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"x"}}`, "7", true},
		{`{"jsonrpc":"2.0","id":3,"method":"sampling/createMessage","params":{}}`, "", false},
		{`{"jsonrpc":"2.0","method":"notifications/message","params":{}}`, "", false},
		// Another field order falls back to a full decode.
		{`{"id":9,"jsonrpc":"2.0","result":{}}`, "9", true},
		{`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}`, "null", true},
		{`not json`, "", false},
	}
	for _, c := range cases {
		id, ok := responseID([]byte(c.line))
		if id != c.id || ok != c.ok {
			t.Errorf("responseID(%s) = %q, %v; want %q, %v", c.line, id, ok, c.id, c.ok)
		}
	}
}
