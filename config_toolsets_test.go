package main

import (
	"io"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

func TestToolsetFlagsAndEnvironment(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	var every []string // the registry's tools, in listing order
	for _, tool := range tools.All() {
		every = append(every, tool.Info().Name)
	}
	cases := []struct {
		name      string
		args      []string
		getenv    func(string) string
		toolsets  string
		tools     string
		errSubstr string
	}{
		{"defaults", nil, env(), "", "", ""},
		{"flag", []string{"--toolsets", "leads"}, env(), "leads", "", ""},
		{"environment", nil, env("LOFTY_TOOLSETS", "sales_agents, leads", "LOFTY_TOOLS", "find_leads,get_sales_agent_by_lead"),
			"sales_agents,leads", "find_leads,get_sales_agent_by_lead", ""},
		{"flag beats environment", []string{"--toolsets=all"}, env("LOFTY_TOOLSETS", "leads"), "all", "", ""},
		{"after the command", []string{"tools", "--tools", "get_lead"}, env(), "", "get_lead", ""},
		{"unknown toolset", []string{"--toolsets", "leads,contacts"}, env(), "", "",
			`unknown toolset "contacts"; valid toolsets: leads, sales_agents`},
		{"unknown tool in the environment", nil, env("LOFTY_TOOLS", "get_agent"), "", "",
			`unknown tool "get_agent"; valid tools: ` + strings.Join(every, ", ")},
		{"tool outside the toolsets", []string{"--toolsets", "sales_agents", "--tools", "find_leads"}, env(), "", "",
			"find_leads (toolset leads), outside the selected toolsets (sales_agents)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parseConfig(tc.args, tc.getenv, io.Discard)
			if tc.errSubstr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errSubstr) || !strings.Contains(err.Error(), "--toolsets/--tools") {
					t.Fatalf("err = %v, want one containing %q", err, tc.errSubstr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(cfg.toolsets.toolsets, ","); got != tc.toolsets {
				t.Errorf("toolsets %q, want %q", got, tc.toolsets)
			}
			if got := strings.Join(cfg.toolsets.tools, ","); got != tc.tools {
				t.Errorf("tools %q, want %q", got, tc.tools)
			}
		})
	}
}
