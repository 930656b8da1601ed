package transport

import (
	"encoding/json"
	"net/http"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
	"github.com/lofty-mcp/lofty-mcp/oauth"
)

// scopeCheck refuses, before mcp-go runs it, a tools/call of a tool the
// request's selection serves but whose scopes its sign-in did not grant:
// 403 with the insufficient_scope challenge naming what to ask for, so
// that the client can have the person sign in again and allow it (the MCP
// authorization specification's step-up), keeping what was granted. A
// tool the selection does not serve is left to mcp-go, whose tool filter
// answers that no such tool exists: signing in again would not help.
func scopeCheck(c *access.Catalog, o *oauth.Server) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if c == nil || o == nil {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				next.ServeHTTP(w, r)
				return
			}
			msg := parseBody(w, r)
			if msg == nil {
				return
			}
			if msg.Method != string(mcp.MethodToolsCall) {
				next.ServeHTTP(w, r)
				return
			}
			var p struct {
				Name string `json:"name"`
			}
			_ = json.Unmarshal(msg.Params, &p)
			a := requestAccess(r)
			if need, known := c.Needs(p.Name); known && c.Selects(a.Selection, p.Name) && !a.Granted.Has(need) {
				o.InsufficientScope(w, r, p.Name, need, a.Granted)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
