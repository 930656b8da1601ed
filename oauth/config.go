package oauth

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
)

// Defaults of Config and LoftyConfig.
const (
	DefaultLoftyAuthorizeURL = "https://crm.lofty.com/page/vendor-auth.html"
	DefaultLoftyTokenURL     = "https://crm.lofty.com/api/user-web/oauth/token"
	DefaultLoftyAPIBaseURL   = "https://api.lofty.com"

	DefaultAccessTokenTTL  = time.Hour
	DefaultRefreshTokenTTL = 30 * 24 * time.Hour
	DefaultGrantTTL        = 90 * 24 * time.Hour
	DefaultCodeTTL         = time.Minute
	DefaultSignInTTL       = 15 * time.Minute
	DefaultClientDocTTL    = 10 * time.Minute
	DefaultSweepInterval   = 10 * time.Minute

	// SecretKeyFile is the generated key's file name in the state directory.
	SecretKeyFile = "secret.key"
	// DBFile is the embedded database's file name in the state directory.
	DBFile = "oauth.db"
)

// Config configures a Server. PublicURL and, unless Store is given,
// StateDir are required; everything else has a default.
type Config struct {
	// PublicURL is the URL clients use to reach this server, with no path
	// (LOFTY_MCP_PUBLIC_URL), e.g. https://mcp.example.com. It is the
	// authorization server's issuer; the protected resource is PublicURL+"/mcp".
	// https, or http on a loopback host only.
	PublicURL string
	// StateDir holds the embedded database (oauth.db) and, when SecretKey is
	// nil, the generated key (secret.key, mode 0600) (--state-dir).
	StateDir string
	// SecretKey is the 32-byte key that encrypts Lofty credentials at rest
	// (LOFTY_MCP_SECRET_KEY, see ParseSecretKey). Nil: read StateDir/secret.key,
	// generating it on first start.
	SecretKey []byte
	// Store keeps clients, grants and tokens. Nil: the embedded bbolt
	// database StateDir/oauth.db, closed by Server.Close.
	Store Store

	// Lofty says how people's Lofty credentials are obtained and checked.
	Lofty LoftyConfig

	// ResourceScopes describes the protected resources under /mcp: for a
	// request path (/mcp, or a selection such as /mcp/x/leads/readonly),
	// the scopes its tools can use — what its metadata lists, what a
	// client is asked for and what the sign-in page offers — or why the
	// path is not a resource. Nil: /mcp alone, with lofty:read and
	// lofty:write.
	ResourceScopes func(path string) (access.Scopes, error)

	// PrivacyContact is whom people ask about their data (an email
	// address or a URL), named on /privacy; empty: the page says to ask
	// whoever runs the server.
	PrivacyContact string
	// CacheTTL is how long the Lofty client keeps an answer (--cache-ttl),
	// which /privacy states.
	CacheTTL time.Duration

	// AllowPrivateClientMetadata lets Client ID Metadata Document URLs
	// resolve to loopback and private addresses (tests only).
	AllowPrivateClientMetadata bool
	// ClientMetadataTLS is the TLS configuration for fetching Client ID
	// Metadata Documents; nil uses the system's roots (tests set their own CA).
	ClientMetadataTLS *tls.Config

	// TrustedProxies are the proxies in front of this server
	// (--trusted-proxies, see ParseTrustedProxies): for a request from one
	// of them, the address it comes from, which the sign-in limits count,
	// is the right-most address of X-Forwarded-For that is not one of them.
	// Nil: the connection's address, whatever the header says.
	TrustedProxies []netip.Prefix
	// ClientIP returns the address a request comes from, for rate limits.
	// Nil: the connection's address, or X-Forwarded-For as TrustedProxies
	// says.
	ClientIP func(r *http.Request) string

	// Lifetimes; zero takes the Default* value.
	AccessTokenTTL  time.Duration
	RefreshTokenTTL time.Duration
	// GrantTTL is how long a sign-in lasts at most, however often its
	// tokens are refreshed; then the person signs in again.
	GrantTTL time.Duration

	// SignInNote, when set, is shown on the sign-in page, above the ways to
	// sign in (the demo names its API key there).
	SignInNote string

	// Logger receives client ids, grant ids and outcomes, never a secret.
	// Nil: discard.
	Logger *slog.Logger
	// Now is the clock (tests inject one). Nil: time.Now.
	Now func() time.Time
}

// LoftyConfig says how the sign-in page obtains a Lofty credential.
type LoftyConfig struct {
	// ClientID and ClientSecret are a Lofty vendor app's
	// (LOFTY_OAUTH_CLIENT_ID, LOFTY_OAUTH_CLIENT_SECRET). Both set: the page
	// offers "Sign in with Lofty". Both empty: API keys only.
	ClientID     string
	ClientSecret string
	// AuthorizeURL is Lofty's vendor authorization page
	// (LOFTY_OAUTH_AUTHORIZE_URL, default DefaultLoftyAuthorizeURL).
	AuthorizeURL string
	// TokenURL is Lofty's token endpoint (LOFTY_OAUTH_TOKEN_URL, default DefaultLoftyTokenURL).
	TokenURL string
	// APIBaseURL is the Lofty Open API (LOFTY_BASE_URL, default
	// DefaultLoftyAPIBaseURL); pasted API keys are checked with GET /v1.0/me.
	APIBaseURL string
	// HTTPClient makes the requests to Lofty. Nil: a client with a 15s
	// timeout that follows no redirects.
	HTTPClient *http.Client
}

// oauthEnabled reports whether "Sign in with Lofty" is configured.
func (l LoftyConfig) oauthEnabled() bool { return l.ClientID != "" && l.ClientSecret != "" }

// ParseSecretKey decodes LOFTY_MCP_SECRET_KEY: 32 bytes written as 64 hex
// digits or as base64 (standard or URL alphabet, padded or not). The error
// never repeats the value.
func ParseSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 64 {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != 32 {
				return nil, fmt.Errorf("LOFTY_MCP_SECRET_KEY decodes to %d bytes; it must be 32 bytes (generate one with: openssl rand -base64 32)", len(b))
			}
			return b, nil
		}
	}
	return nil, errors.New("LOFTY_MCP_SECRET_KEY is neither 64 hex digits nor base64; it must encode 32 bytes (generate one with: openssl rand -base64 32)")
}

// CheckPublicURL validates a public URL (--public-url, LOFTY_MCP_PUBLIC_URL)
// and returns it without a trailing slash. Its errors name the flag and the
// variable.
func CheckPublicURL(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("--public-url (or LOFTY_MCP_PUBLIC_URL) is required with --oauth: the URL clients use to reach this server, such as https://mcp.example.com")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("--public-url (or LOFTY_MCP_PUBLIC_URL) %q is not an absolute http(s) URL such as https://mcp.example.com", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return "", fmt.Errorf("--public-url (or LOFTY_MCP_PUBLIC_URL) %q must be only a scheme and host (and port), such as https://mcp.example.com: the OAuth metadata lives at the root of the host", u.Redacted())
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return "", fmt.Errorf("--public-url (or LOFTY_MCP_PUBLIC_URL) %q must use https (plain http is allowed on localhost, 127.0.0.1 and [::1] only)", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// isLoopbackHost reports whether host (no port) names this machine.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
