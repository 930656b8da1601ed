package transport

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Per-request Lofty credential headers.
const (
	HeaderLoftyAPIKey      = "X-Lofty-Api-Key"
	HeaderLoftyAccessToken = "X-Lofty-Access-Token"
)

// bearerAuth requires "Authorization: Bearer <token>"; the comparison takes
// the same time whatever the token (SHA-256 of both, then constant time).
func bearerAuth(token string) func(http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			scheme, got, found := strings.Cut(r.Header.Get("Authorization"), " ")
			if !found || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(got) == "" {
				w.Header().Set("WWW-Authenticate", `Bearer realm="lofty-mcp"`)
				refuse(w, r, http.StatusUnauthorized, "unauthorized", "this server requires Authorization: Bearer <token>")
				return
			}
			sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
			if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="lofty-mcp", error="invalid_token"`)
				refuse(w, r, http.StatusUnauthorized, "invalid_token", "the bearer token is not valid for this server")
				return
			}
			next.ServeHTTP(w, withPrincipal(r, principalStaticToken))
		})
	}
}

// principalKey carries, in a request's context, who the request
// authenticated as: principalStaticToken, or principalGrant + the grant's
// id for a person signed in with --oauth. Without authentication there is
// none ("").
type principalKey struct{}

const (
	principalStaticToken = "static-token"
	principalGrant       = "grant:"
)

func withPrincipal(r *http.Request, p string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
}

func principalOf(r *http.Request) string {
	p, _ := r.Context().Value(principalKey{}).(string)
	return p
}

// signedIn reports whether r authenticated with an OAuth access token: it
// carries the signed-in person's credential, so --require-request-credentials
// (which asks the static token's requests for an X-Lofty-* header) is met.
func signedIn(r *http.Request) bool { return strings.HasPrefix(principalOf(r), principalGrant) }

// sessionOwner is whom a session opened by r belongs to, and whom a request
// naming a session must be: the signed-in person's grant; otherwise the
// static token (or no authentication), which everyone holding it shares,
// together with the Lofty credential the request brings, which says whom it
// acts for. The credential enters as a hash, and the owner only ever enters
// an HMAC (sessionIDs.mac): it is never stored or logged. A session opened
// under a selection (a /mcp/x/... URL, X-MCP-* headers) belongs to that
// selection too: it keeps it, and is unknown under any other.
func sessionOwner(r *http.Request) string {
	owner := principalOf(r)
	if !strings.HasPrefix(owner, principalGrant) {
		if cred, ok, err := requestCredential(r.Header); ok && err == nil {
			sum := sha256.Sum256([]byte(cred.Source + "\x00" + cred.Secret))
			owner += "\x00lofty:" + string(sum[:])
		}
	}
	if k := requestAccess(r).Selection.Key(); k != "" {
		owner += "\x00selection:" + k
	}
	return owner
}

// errConflictingCredentials: a request carried both credential headers.
var errConflictingCredentials = errors.New("send either " + HeaderLoftyAPIKey + " or " + HeaderLoftyAccessToken + ", not both")

// errBadCredentialHeader: a credential header that cannot be a credential.
var errBadCredentialHeader = errors.New("a Lofty credential header holds spaces or control characters; send the key or token alone")

// requestCredential reads a per-request Lofty credential from the headers:
// X-Lofty-Api-Key (a personal API key) or X-Lofty-Access-Token (an OAuth
// access token), surrounding spaces trimmed. Both at once, a header given
// twice, or a value with inner spaces or control characters is an error
// (which never repeats the value).
func requestCredential(h http.Header) (lofty.Credential, bool, error) {
	key, err := credentialHeader(h, HeaderLoftyAPIKey)
	if err != nil {
		return lofty.Credential{}, false, err
	}
	token, err := credentialHeader(h, HeaderLoftyAccessToken)
	if err != nil {
		return lofty.Credential{}, false, err
	}
	switch {
	case key != "" && token != "":
		return lofty.Credential{}, false, errConflictingCredentials
	case key != "":
		return lofty.Credential{Kind: lofty.APIKey, Secret: key, Source: HeaderLoftyAPIKey + " header"}, true, nil
	case token != "":
		return lofty.Credential{Kind: lofty.AccessToken, Secret: token, Source: HeaderLoftyAccessToken + " header"}, true, nil
	}
	return lofty.Credential{}, false, nil
}

func credentialHeader(h http.Header, name string) (string, error) {
	vs := h.Values(name)
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
	default:
		return "", errors.New(name + " is given more than once; send it once")
	}
	v := strings.TrimSpace(vs[0])
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] == 0x7f {
			return "", errBadCredentialHeader
		}
	}
	return v, nil
}

// withRequestCredential is mcp-go's HTTP context function (Streamable HTTP
// and SSE alike): a request's own Lofty credential replaces the server's for
// every Lofty call made while serving it.
func withRequestCredential(ctx context.Context, r *http.Request) context.Context {
	if cred, ok, err := requestCredential(r.Header); ok && err == nil {
		return lofty.WithCredential(ctx, cred)
	}
	return ctx
}

// credentialHeaders refuses malformed or conflicting credential headers
// (400) and, when required, requests without one (403).
func credentialHeaders(require bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, ok, err := requestCredential(r.Header)
			switch {
			case errors.Is(err, errConflictingCredentials):
				refuse(w, r, http.StatusBadRequest, "conflicting_lofty_credentials", err.Error())
			case err != nil:
				refuse(w, r, http.StatusBadRequest, "bad_lofty_credential", err.Error())
			case require && !ok && !signedIn(r):
				refuse(w, r, http.StatusForbidden, "lofty_credential_required",
					"this server requires each request to carry its own Lofty credential: "+HeaderLoftyAPIKey+" (personal API key) or "+HeaderLoftyAccessToken+" (OAuth access token)")
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}
