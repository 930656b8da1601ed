package main

import (
	"io"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/mcpserver"
)

func TestActionFlagsAndEnvironment(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		name      string
		args      []string
		getenv    func(string) string
		readOnly  bool
		confirm   mcpserver.ConfirmMode
		errSubstr string
	}{
		{"defaults", nil, env(), false, mcpserver.ConfirmAuto, ""},
		{"bare flag", []string{"--read-only"}, env(), true, mcpserver.ConfirmAuto, ""},
		{"flag after the command", []string{"tools", "--read-only", "--confirm-writes", "always"}, env(), true, mcpserver.ConfirmAlways, ""},
		{"environment", nil, env("LOFTY_READ_ONLY", "1", "LOFTY_CONFIRM_WRITES", "never"), true, mcpserver.ConfirmNever, ""},
		{"environment true, case", nil, env("LOFTY_READ_ONLY", "TRUE", "LOFTY_CONFIRM_WRITES", " Always "), true, mcpserver.ConfirmAlways, ""},
		{"flag beats environment", []string{"--read-only=false", "--confirm-writes=auto"}, env("LOFTY_READ_ONLY", "1", "LOFTY_CONFIRM_WRITES", "never"),
			false, mcpserver.ConfirmAuto, ""},
		{"environment 0", nil, env("LOFTY_READ_ONLY", "0"), false, mcpserver.ConfirmAuto, ""},
		{"bad read-only", nil, env("LOFTY_READ_ONLY", "yes please"), false, "", `--read-only (or LOFTY_READ_ONLY) must be true or false (1 or 0), got "yes please"`},
		{"bad read-only flag", []string{"--read-only=maybe"}, env(), false, "", `got "maybe"`},
		{"bad confirm-writes", []string{"--confirm-writes", "ask"}, env(), false, "", `--confirm-writes (or LOFTY_CONFIRM_WRITES) must be auto, always or never, got "ask"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parseConfig(tc.args, tc.getenv, io.Discard)
			if tc.errSubstr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errSubstr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.errSubstr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.actions.readOnly != tc.readOnly || cfg.actions.confirmWrites != tc.confirm {
				t.Errorf("read-only %v, confirm %q; want %v, %q", cfg.actions.readOnly, cfg.actions.confirmWrites, tc.readOnly, tc.confirm)
			}
		})
	}
}

// The help names the new flags and variables.
func TestActionFlagsInHelp(t *testing.T) {
	var out strings.Builder
	if _, err := parseConfig([]string{"--help"}, func(string) string { return "" }, &out); err != errHelp {
		t.Fatal(err)
	}
	for _, want := range []string{"-read-only", "-confirm-writes", "LOFTY_READ_ONLY", "LOFTY_CONFIRM_WRITES", "sales_agent_actions", "lead_actions"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}
