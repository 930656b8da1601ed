package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestGrantsCommandConfig: `grants list|revoke` reads where the server
// keeps sign-ins as `http --oauth` does, and what it refuses it says.
func TestGrantsCommandConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{"HOME": "/home/alice"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, tc := range []struct {
		args     []string
		getenv   func(string) string
		stateDir string
		err      string
	}{
		{args: []string{"grants", "list"}, getenv: env(), stateDir: filepath.Join("/home/alice", ".local", "state", "lofty-mcp")},
		{args: []string{"--demo", "grants", "list"}, getenv: env(), stateDir: filepath.Join("/home/alice", ".local", "state", "lofty-mcp", "demo")},
		{args: []string{"grants", "list", "--state-dir", "/srv/lm"}, getenv: env(), stateDir: "/srv/lm"},
		{args: []string{"grants", "revoke", "--person", "bob@example.com"}, getenv: env("LOFTY_MCP_STATE_DIR", "/srv/x"), stateDir: "/srv/x"},
		{args: []string{"grants", "revoke"}, getenv: env(), err: "grants revoke needs --grant ID, --client ID or --person WHO"},
		{args: []string{"grants"}, getenv: env(), err: "grants takes list or revoke:"},
		{args: []string{"grants", "delete"}, getenv: env(), err: `grants takes list or revoke, not "delete"`},
		{args: []string{"tools", "--person", "bob"}, getenv: env(), err: "go with the grants command"},
		{args: []string{"grants", "list", "--redis-url", "redis://127.0.0.1:6379/0"}, getenv: env(), err: "needs LOFTY_MCP_SECRET_KEY"},
	} {
		cfg, err := parseConfig(tc.args, tc.getenv, io.Discard)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one saying %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if cfg.oauth.stateDir != tc.stateDir || cfg.oauth.enabled {
			t.Errorf("%q: state dir %q (oauth serving %v), want %q", tc.args, cfg.oauth.stateDir, cfg.oauth.enabled, tc.stateDir)
		}
	}
}
