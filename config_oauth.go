package main

import (
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/oauth"
)

// oauthConfig holds the settings of `lofty-mcp http --oauth`:
// people connect a client by pasting the server's URL and signing in, and
// each tool call runs with their own Lofty credential. Secrets come only
// from the environment: never a flag default, never printed, never logged.
type oauthConfig struct {
	enabled   bool
	publicURL string // checked: scheme://host[:port], no trailing slash
	stateDir  string // resolved: flag, LOFTY_MCP_STATE_DIR, or the default
	secretKey []byte // LOFTY_MCP_SECRET_KEY; nil: generated into stateDir

	loftyClientID     string
	loftyClientSecret string
	loftyAuthorizeURL string // "" takes oauth's default
	loftyTokenURL     string // "" takes oauth's default

	accessTokenTTL time.Duration // LOFTY_MCP_OAUTH_ACCESS_TOKEN_TTL

	// trustedProxies: --trusted-proxies, LOFTY_MCP_TRUSTED_PROXIES.
	trustedProxies []netip.Prefix

	// privacyContact is whom /privacy tells people to ask about their data
	// (--privacy-contact, LOFTY_MCP_PRIVACY_CONTACT).
	privacyContact string

	// As given, parsed in validate so a bad environment value is reported
	// like a bad flag.
	raw struct {
		enabled, stateDir string
		trustedProxies    []string
	}
}

// Bounds of LOFTY_MCP_OAUTH_ACCESS_TOKEN_TTL.
const (
	minAccessTokenTTL = time.Second
	maxAccessTokenTTL = 24 * time.Hour
)

const usageOAuthEnv = `  LOFTY_MCP_OAUTH=1          default for --oauth (http)
  LOFTY_MCP_PUBLIC_URL       default for --public-url (http)
  LOFTY_MCP_STATE_DIR        default for --state-dir (http)
  LOFTY_MCP_SECRET_KEY       (http) --oauth: 32 bytes, base64 or 64 hex digits (openssl rand -base64 32), that
                             encrypt the stored Lofty credentials (default: generated into the state directory)
  LOFTY_OAUTH_CLIENT_ID, LOFTY_OAUTH_CLIENT_SECRET (http)
                             --oauth: a Lofty vendor app, for "Sign in with Lofty" (both or neither)
  LOFTY_OAUTH_AUTHORIZE_URL  (http) --oauth: Lofty's authorization page (default ` + oauth.DefaultLoftyAuthorizeURL + `)
  LOFTY_OAUTH_TOKEN_URL      (http) --oauth: Lofty's token endpoint (default ` + oauth.DefaultLoftyTokenURL + `)
  LOFTY_MCP_OAUTH_ACCESS_TOKEN_TTL (http)
                             --oauth: lifetime of the access tokens issued, a Go duration from 1s to 24h (default 1h)
  LOFTY_MCP_TRUSTED_PROXIES  default for --trusted-proxies (http), comma-separated
  LOFTY_MCP_PRIVACY_CONTACT  default for --privacy-contact (http)
`

// addFlags registers --oauth, --public-url and --state-dir.
func (o *oauthConfig) addFlags(fs *flag.FlagSet, getenv func(string) string) {
	o.raw.enabled = getenv("LOFTY_MCP_OAUTH")
	fs.BoolFunc("oauth", "http: people sign in (OAuth 2.1) with Lofty or a Lofty API key, and each tool call uses their own Lofty credential; needs --public-url (env LOFTY_MCP_OAUTH=1)",
		func(v string) error { o.raw.enabled = v; return nil })
	fs.StringVar(&o.publicURL, "public-url", envOr(getenv, "LOFTY_MCP_PUBLIC_URL", ""),
		"http --oauth: the `URL` clients reach this server at, scheme and host only (https://mcp.example.com; http only on loopback); the MCP endpoint is URL/mcp")
	fs.StringVar(&o.raw.stateDir, "state-dir", envOr(getenv, "LOFTY_MCP_STATE_DIR", ""),
		"http --oauth: `DIR` where sign-ins are kept (oauth.db, and secret.key without LOFTY_MCP_SECRET_KEY), which lofty-mcp grants reads too (default $XDG_STATE_HOME/lofty-mcp, else ~/.local/state/lofty-mcp; on Windows %LOCALAPPDATA%\\lofty-mcp; with --demo, its demo subdirectory)")
	fs.StringVar(&o.privacyContact, "privacy-contact", envOr(getenv, "LOFTY_MCP_PRIVACY_CONTACT", ""),
		"http --oauth: whom people ask about their data, an email address or URL (`CONTACT`), named on /privacy (env LOFTY_MCP_PRIVACY_CONTACT)")
	o.raw.trustedProxies = splitList(getenv("LOFTY_MCP_TRUSTED_PROXIES"))
	fs.Var(&listFlag{list: &o.raw.trustedProxies}, "trusted-proxies",
		"http --oauth: comma-separated IP addresses or CIDR `PREFIXES` of the proxies in front of this server (10.0.0.0/8,192.168.1.10); "+
			"for their requests the sign-in limits count the client's address from X-Forwarded-For (the right-most address no listed proxy added) "+
			"instead of the proxy's, so one person's attempts never hold up everyone behind it")
}

// validate checks the OAuth settings of `lofty-mcp http`; for any other
// command they are not used and not checked. shared says whether --redis-url
// is set: grants then live in Redis, and every replica needs the same key.
func (o *oauthConfig) validate(getenv func(string) string, command string, demo, shared bool) error {
	if v := strings.TrimSpace(o.raw.enabled); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("--oauth (or LOFTY_MCP_OAUTH) must be true or false (1 or 0), got %q", o.raw.enabled)
		}
		o.enabled = on
	}
	if command == "grants" {
		o.enabled = false
		return o.resolveStore(getenv, demo, shared)
	}
	if !o.enabled || command != "http" {
		o.enabled = o.enabled && command == "http"
		return nil
	}
	u, err := oauth.CheckPublicURL(strings.TrimSpace(o.publicURL))
	if err != nil {
		return err
	}
	o.publicURL = u

	o.loftyClientID = strings.TrimSpace(getenv("LOFTY_OAUTH_CLIENT_ID"))
	o.loftyClientSecret = strings.TrimSpace(getenv("LOFTY_OAUTH_CLIENT_SECRET"))
	if (o.loftyClientID == "") != (o.loftyClientSecret == "") {
		return errors.New("set both LOFTY_OAUTH_CLIENT_ID and LOFTY_OAUTH_CLIENT_SECRET (a Lofty vendor app) for \"Sign in with Lofty\", or neither to offer API keys only")
	}
	o.loftyAuthorizeURL = strings.TrimSpace(getenv("LOFTY_OAUTH_AUTHORIZE_URL"))
	o.loftyTokenURL = strings.TrimSpace(getenv("LOFTY_OAUTH_TOKEN_URL"))

	o.accessTokenTTL = oauth.DefaultAccessTokenTTL
	if v := strings.TrimSpace(getenv("LOFTY_MCP_OAUTH_ACCESS_TOKEN_TTL")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < minAccessTokenTTL || d > maxAccessTokenTTL {
			return fmt.Errorf("LOFTY_MCP_OAUTH_ACCESS_TOKEN_TTL must be a Go duration from %s to %s, such as 15m or 1h, got %q", minAccessTokenTTL, maxAccessTokenTTL, v)
		}
		o.accessTokenTTL = d
	}

	if o.trustedProxies, err = oauth.ParseTrustedProxies(strings.Join(o.raw.trustedProxies, ",")); err != nil {
		return err
	}
	o.privacyContact = strings.TrimSpace(o.privacyContact)
	if len(o.privacyContact) > 200 || strings.ContainsFunc(o.privacyContact, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return fmt.Errorf("--privacy-contact (or LOFTY_MCP_PRIVACY_CONTACT) must be one line of at most 200 characters, such as privacy@example.com or https://example.com/privacy; got %d characters", len(o.privacyContact))
	}

	return o.resolveStore(getenv, demo, shared)
}

// resolveStore reads where sign-ins are kept and the key that seals them:
// LOFTY_MCP_SECRET_KEY (required with Redis, shared means --redis-url) and
// the state directory (the flag, the variable, or the default; --demo's in
// its demo subdirectory). `http --oauth` and `grants` read them alike.
func (o *oauthConfig) resolveStore(getenv func(string) string, demo, shared bool) error {
	if v := strings.TrimSpace(getenv("LOFTY_MCP_SECRET_KEY")); v != "" {
		var err error
		if o.secretKey, err = oauth.ParseSecretKey(v); err != nil {
			return err
		}
	}
	if shared && o.secretKey == nil {
		return errors.New("with --redis-url, --oauth needs LOFTY_MCP_SECRET_KEY (generate one with: openssl rand -base64 32): " +
			"sign-ins are kept in Redis, and every replica (and lofty-mcp grants) must decrypt them with the same key")
	}
	o.stateDir = strings.TrimSpace(o.raw.stateDir)
	if o.stateDir == "" {
		o.stateDir = defaultStateDir(getenv)
		if o.stateDir == "" && !(shared && o.secretKey != nil) {
			return errors.New("--oauth keeps sign-ins in a state directory, and none could be chosen (no XDG_STATE_HOME or HOME): set --state-dir or LOFTY_MCP_STATE_DIR")
		}
		if demo && o.stateDir != "" {
			// Demo sign-ins never mix with real ones.
			o.stateDir = filepath.Join(o.stateDir, "demo")
		}
	}
	return nil
}

// defaultStateDir is $XDG_STATE_HOME/lofty-mcp, else ~/.local/state/lofty-mcp
// (on Windows %LOCALAPPDATA%\lofty-mcp); "" when none is known.
func defaultStateDir(getenv func(string) string) string {
	if x := strings.TrimSpace(getenv("XDG_STATE_HOME")); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "lofty-mcp")
	}
	if runtime.GOOS == "windows" {
		if l := strings.TrimSpace(getenv("LOCALAPPDATA")); l != "" {
			return filepath.Join(l, "lofty-mcp")
		}
	}
	if h := strings.TrimSpace(getenv("HOME")); h != "" {
		return filepath.Join(h, ".local", "state", "lofty-mcp")
	}
	return ""
}
