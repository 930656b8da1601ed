package transport

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/oauth"
)

// oauthAuth authenticates MCP requests with access tokens of the built-in
// authorization server (--oauth): a request runs with the signed-in
// person's own Lofty credential, whatever X-Lofty-* header it carries. A
// missing, unknown, expired, revoked or other-resource token gets 401 with
// WWW-Authenticate naming the resource metadata, so a client can sign in.
// When the static --auth-token is also set, a request bearing it is served
// as before (the server's credential, or its X-Lofty-* header).
func oauthAuth(o *oauth.Server, staticToken string) func(http.Handler) http.Handler {
	var static [sha256.Size]byte
	if staticToken != "" {
		static = sha256.Sum256([]byte(staticToken))
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if staticToken != "" {
				if scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
					sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
					if subtle.ConstantTimeCompare(sum[:], static[:]) == 1 {
						next.ServeHTTP(w, withPrincipal(r, principalStaticToken))
						return
					}
				}
			}
			grant, err := o.Authenticate(r)
			if err == nil {
				var cred lofty.Credential
				if cred, err = grant.Credential(r.Context()); err == nil {
					r.Header.Del(HeaderLoftyAPIKey)
					r.Header.Del(HeaderLoftyAccessToken)
					// What the person granted narrows what the request
					// sees and may call (scopeCheck, the tool filter).
					a := requestAccess(r)
					a.Granted = grant.Scopes()
					ctx := access.With(lofty.WithCredential(r.Context(), cred), a)
					next.ServeHTTP(w, withPrincipal(r.WithContext(ctx), principalGrant+grant.ID()))
					return
				}
			}
			// Like every refusal before the body is read: close the connection.
			w.Header().Set("Connection", "close")
			o.Challenge(w, r, err)
		})
	}
}
