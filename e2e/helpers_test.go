package e2e

import (
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// The binary's exit codes (main.go).
const (
	exitOK    = 0
	exitError = 1 // a tool call failed, or the server stopped on an error
	exitUsage = 2 // bad flags, arguments or configuration
)

// resultText is the text of a tool result's content.
func resultText(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if t, ok := mcp.AsTextContent(c); ok {
			parts = append(parts, t.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// What `lofty-mcp --demo` uses (app.go, http.go): the tests below drive the
// binary, so they restate them rather than import them.
const (
	demoAPIKey         = "demo"
	demoAuthorizePath  = "/demo/lofty/authorize"
	demoVendorClientID = "lofty-mcp-demo"
)

// e2eSecret is the Lofty API key the fake Lofty accepts in these tests; it is
// distinctive so that a leak into any output is easy to find.
const e2eSecret = "lk_e2e_resilience_7c1d9a3b5e"
