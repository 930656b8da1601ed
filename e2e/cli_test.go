package e2e

// What a new user meets on the command line (see also pty_linux_test.go).

import (
	"strings"
	"testing"
)

func TestCLIUnknownToolListsTheTools(t *testing.T) {
	code, out, stderr := runCLI(t, stdioEnv(), "--demo", "call", "get_agent", "{}")
	if code != exitUsage || out != "" {
		t.Fatalf("exit %d, stdout %q; want %d and nothing", code, out, exitUsage)
	}
	for _, want := range []string{`no tool "get_agent"`, "get_sales_agent_by_lead", "find_leads", "lofty-mcp tools"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q does not contain %q", stderr, want)
		}
	}
	// A tool that exists but is outside the served toolsets says so too.
	code, _, stderr = runCLI(t, stdioEnv(), "--demo", "--toolsets", "leads", "call", "get_sales_agent_by_lead", "{}")
	if code != exitUsage || !strings.Contains(stderr, "--toolsets") || strings.Contains(stderr, "get_sales_agent_quota") {
		t.Errorf("exit %d, stderr %q; want %d, naming --toolsets and only the served tools", code, stderr, exitUsage)
	}
}

// The demo's errors carry Lofty's business codes, as the live API's do and
// as the troubleshooting table shows them.
func TestCLIDemoErrorsCarryLoftysCodes(t *testing.T) {
	for _, tc := range []struct{ tool, args, want string }{
		{"get_sales_agent_by_lead", `{"leadId": 563172647619609}`, "(HTTP 404, code 20007: RESOURCE_NOT_EXIST: Sales Agent not found for the lead.)"},
		{"check_working_lead", `{"leadId": 563172647619610}`, "(HTTP 403, code 20017: PERMISSION_DENIED"},
		{"get_lead", `{"leadId": 563172647619610}`, "(HTTP 404, code 20006: LEAD_NOT_EXIST)"},
	} {
		code, _, stderr := runCLI(t, stdioEnv(), "--demo", "call", tc.tool, tc.args)
		if code != exitError || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s %s: exit %d, %q; want %d and %q", tc.tool, tc.args, code, stderr, exitError, tc.want)
		}
	}
}
