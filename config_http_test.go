package main

import (
	"io"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/transport"
)

// The connection and in-flight caps of `lofty-mcp http`: defaults, flags
// over environment, and bad values refused with a sentence naming them.
func TestHTTPLimitsConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cfg, err := parseConfig([]string{"http"}, env(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if tc := cfg.http.transportConfig(); tc.MaxConnections != transport.DefaultMaxConnections || tc.MaxInflightBytes != transport.DefaultMaxInflightBytes {
		t.Errorf("defaults: %d connections, %d bytes", tc.MaxConnections, tc.MaxInflightBytes)
	}
	cfg, err = parseConfig([]string{"http", "--max-connections", "50"},
		env("LOFTY_MCP_MAX_CONNECTIONS", "10", "LOFTY_MCP_MAX_INFLIGHT_BYTES", "2097152"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if tc := cfg.http.transportConfig(); tc.MaxConnections != 50 || tc.MaxInflightBytes != 2<<20 {
		t.Errorf("flag over environment: %d connections, %d bytes; want 50 and 2097152", tc.MaxConnections, tc.MaxInflightBytes)
	}
	for _, bad := range []struct {
		args []string
		env  func(string) string
		want string
	}{
		{[]string{"http", "--max-connections", "0"}, env(), "--max-connections"},
		{[]string{"http"}, env("LOFTY_MCP_MAX_CONNECTIONS", "lots"), "LOFTY_MCP_MAX_CONNECTIONS"},
		{[]string{"http"}, env("LOFTY_MCP_MAX_INFLIGHT_BYTES", "-1"), "LOFTY_MCP_MAX_INFLIGHT_BYTES"},
		{[]string{"http", "--max-inflight-bytes", "1000", "--max-body-bytes", "2000"}, env(), "at least --max-body-bytes"},
	} {
		if _, err := parseConfig(bad.args, bad.env, io.Discard); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: err = %v, want one naming %s", bad.args, err, bad.want)
		}
	}
	var help strings.Builder
	_, _ = parseConfig([]string{"--help"}, env(), &help)
	for _, want := range []string{"-max-connections N", "-max-inflight-bytes N", "LOFTY_MCP_MAX_CONNECTIONS", "LOFTY_MCP_MAX_INFLIGHT_BYTES"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("--help does not mention %s", want)
		}
	}
}
