package jsonrpc

import (
	"context"
	"testing"
)

// TestProgressToken: params._meta.progressToken is found exactly as sent (a
// string or a number, whatever its size or form), and nothing else is taken
// for it.
func TestProgressToken(t *testing.T) {
	for params, want := range map[string]string{
		`{"_meta":{"progressToken":9007199254740993}}`:                  `9007199254740993`,
		`{"name":"x","_meta":{"a":1,"progressToken":"t\u00e9"},"z":[]}`: `"t\u00e9"`,
		`{"_meta":{"progressToken":1.0}}`:                               `1.0`,
		`{ "_meta" : { "progressToken" : -3 } }`:                        `-3`,
		`{"_meta":{"progressToken":{"a":1}}}`:                           ``,
		`{"_meta":{"progressToken":null}}`:                              ``,
		`{"_meta":{"other":"progressToken"}}`:                           ``,
		`{"arguments":{"progressToken":5}}`:                             ``,
		`{"progressToken":5}`:                                           ``,
		`[{"_meta":{"progressToken":5}}]`:                               ``,
		``:                                                              ``,
		`{"_meta":{"progressToken":5`:                                   ``,
	} {
		if got := string(ProgressToken([]byte(params))); got != want {
			t.Errorf("ProgressToken(%s) = %q, want %q", params, got, want)
		}
	}
	m := Parse([]byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":{"progressToken":12345678901234567890}}}`))
	if got := string(ProgressTokenFrom(WithProgressToken(context.Background(), &m))); got != "12345678901234567890" {
		t.Errorf("through the context: %q", got)
	}
	n := Parse([]byte(`{"jsonrpc":"2.0","method":"notifications/x","params":{"_meta":{"progressToken":1}}}`))
	if got := ProgressTokenFrom(WithProgressToken(context.Background(), &n)); got != nil {
		t.Errorf("a notification's token was kept: %q", got)
	}
	if got := ProgressTokenFrom(context.Background()); got != nil {
		t.Errorf("no token: %q", got)
	}
}
