package transport

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestExtraHandlers: Config.Handlers are served on the listener as they
// are (no token needed), the MCP endpoints keep their auth, and a pattern
// that would take one of the transport's own paths is refused.
func TestExtraHandlers(t *testing.T) {
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "demo page "+r.URL.Query().Get("x"))
	})
	e := start(t, Config{AuthToken: "a-long-enough-test-token", Handlers: map[string]http.Handler{"GET /demo/page": page}})
	resp := e.do(http.MethodGet, "/demo/page?x=1", "", nil)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "demo page 1" {
		t.Fatalf("extra handler: HTTP %d %q", resp.StatusCode, body)
	}
	if resp := e.do(http.MethodPost, "/demo/page", "", nil); resp.StatusCode == http.StatusOK {
		t.Fatal("POST to a GET pattern was served")
	}
	if resp := e.do(http.MethodPost, "/mcp", initBody, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("/mcp without the token: HTTP %d", resp.StatusCode)
	}

	for _, p := range []string{"/mcp", "POST /mcp", "/mcp/x", "/sse", "/healthz", "/oauth/demo", "/.well-known/x", "/", "GET /", "example.com/x", "demo"} {
		_, err := New(newMCPServer(t, e.fake, nil, nil), Config{Handlers: map[string]http.Handler{p: page}})
		if err == nil || !strings.Contains(err.Error(), "extra handler pattern") {
			t.Errorf("pattern %q: %v, want a refusal", p, err)
		}
	}
	for _, p := range []string{"/demo/lofty/authorize", "GET /mcpx", "/healthz2"} {
		if _, err := New(newMCPServer(t, e.fake, nil, nil), Config{Handlers: map[string]http.Handler{p: page}}); err != nil {
			t.Errorf("pattern %q refused: %v", p, err)
		}
	}
}
