package fakelofty

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"html"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Lofty's OAuth for vendor apps, as the fake plays it: the vendor
// authorization page, the token endpoint (HTTP Basic client
// authentication; authorization_code and refresh_token grants) and the
// access tokens it issues, which the API then accepts as
// "Authorization: Bearer <token>" until they expire. GET /v1.0/me answers
// the caller's UserResponse.
//
// In production the first two live on Lofty's CRM host
// (https://crm.lofty.com/page/vendor-auth.html and
// /api/user-web/oauth/token); the fake serves them on its own listener at
// the same paths (VendorAuthPath, TokenPath).
const (
	VendorAuthPath = "/page/vendor-auth.html"
	TokenPath      = "/api/user-web/oauth/token"
)

// OAuthApp is the vendor app the fake knows.
type OAuthApp struct {
	ClientID     string
	ClientSecret string
	// AccessTokenTTL is the lifetime of issued access tokens (default 1h).
	AccessTokenTTL time.Duration
	// AutoApprove: the authorization page redirects back at once, without
	// showing its Allow button.
	AutoApprove bool
	// RedirectURIs are the redirect URIs registered with the app: the
	// authorization page sends the browser only to one of them (exactly),
	// as Lofty does, and refuses any other on the page. Empty: any http URI
	// on a loopback host (tests, whose ports are not known when the fake
	// starts), nothing else.
	RedirectURIs []string
}

// oauthState is the fake's OAuth memory (a field of Fake).
type oauthState struct {
	mu      sync.Mutex
	app     *OAuthApp
	codes   map[string]fakeCode
	access  map[string]time.Time // token -> expiry
	refresh map[string]bool      // token -> still valid
	grants  map[string]int       // grant_type -> token requests that succeeded
	me      map[string]any
	nowFunc func() time.Time
}

type fakeCode struct {
	redirectURI string
	expires     time.Time
}

// EnableOAuth makes the fake accept app's vendor OAuth flow. Call it before serving.
func (f *Fake) EnableOAuth(app OAuthApp) {
	f.oauth.mu.Lock()
	defer f.oauth.mu.Unlock()
	if app.AccessTokenTTL <= 0 {
		app.AccessTokenTTL = time.Hour
	}
	f.oauth.app = &app
	f.oauth.codes = map[string]fakeCode{}
	f.oauth.access = map[string]time.Time{}
	f.oauth.refresh = map[string]bool{}
	f.oauth.grants = map[string]int{}
}

// SetOAuthClock replaces the fake's clock for token expiry (default time.Now).
func (f *Fake) SetOAuthClock(now func() time.Time) {
	f.oauth.mu.Lock()
	defer f.oauth.mu.Unlock()
	f.oauth.nowFunc = now
}

// SetMe replaces the UserResponse GET /v1.0/me answers (default: the
// data's demo person, see ServeMe).
func (f *Fake) SetMe(me map[string]any) {
	f.oauth.mu.Lock()
	defer f.oauth.mu.Unlock()
	f.oauth.me = me
}

// TokenGrants returns how many token requests of grantType
// ("authorization_code", "refresh_token") the fake answered with tokens.
func (f *Fake) TokenGrants(grantType string) int {
	f.oauth.mu.Lock()
	defer f.oauth.mu.Unlock()
	return f.oauth.grants[grantType]
}

// ExpireAccessTokens makes every access token issued so far expired.
func (f *Fake) ExpireAccessTokens() {
	f.oauth.mu.Lock()
	defer f.oauth.mu.Unlock()
	for t := range f.oauth.access {
		f.oauth.access[t] = time.Time{}
	}
}

// RevokeRefreshTokens makes Lofty refuse every refresh token issued so far
// (as when the person disconnects the app in Lofty).
func (f *Fake) RevokeRefreshTokens() {
	f.oauth.mu.Lock()
	defer f.oauth.mu.Unlock()
	for t := range f.oauth.refresh {
		f.oauth.refresh[t] = false
	}
}

func (o *oauthState) now() time.Time {
	if o.nowFunc != nil {
		return o.nowFunc()
	}
	return time.Now()
}

func fakeSecret(prefix string) string {
	b := make([]byte, 24)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// serveOAuth answers the vendor authorization page and the token
// endpoint; false for any other path.
func (f *Fake) serveOAuth(w http.ResponseWriter, r *http.Request) bool {
	switch r.URL.Path {
	case VendorAuthPath:
		f.ServeVendorAuth(w, r)
	case TokenPath:
		f.ServeToken(w, r)
	default:
		return false
	}
	return true
}

// bearerStatus reports whether token is an access token the fake issued
// (known) and, if so, whether it is still valid.
func (f *Fake) bearerStatus(token string) (valid, known bool) {
	f.oauth.mu.Lock()
	defer f.oauth.mu.Unlock()
	exp, ok := f.oauth.access[token]
	if !ok {
		return false, false
	}
	return f.oauth.now().Before(exp), true
}

// redirectAllowed reports whether the authorization page may send the
// browser to raw (parsed: u): one of the app's RedirectURIs exactly, or,
// when it registered none, http on a loopback host.
func (a *OAuthApp) redirectAllowed(raw string, u *url.URL) bool {
	if len(a.RedirectURIs) > 0 {
		return slices.Contains(a.RedirectURIs, raw)
	}
	if u.Scheme != "http" || u.User != nil {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(u.Hostname())
	return err == nil && ip.IsLoopback()
}

// vendorAuthPage is Lofty's vendor authorization page for clientID, with
// the request's redirect URI and state carried in hidden fields (every
// value HTML-escaped).
func vendorAuthPage(clientID, redirectURI, state string) string {
	c, r, st := html.EscapeString(clientID), html.EscapeString(redirectURI), html.EscapeString(state)
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize app — Lofty (fake)</title></head>
<body><h1>Authorize ` + c + `</h1>
<p>The app wants to access your Lofty account.</p>
<form method="get" action="">
<input type="hidden" name="clientId" value="` + c + `">
<input type="hidden" name="response_type" value="code">
<input type="hidden" name="redirect_uri" value="` + r + `">
<input type="hidden" name="state" value="` + st + `">
<button type="submit" name="approve" value="1" id="approve">Allow</button>
<button type="submit" name="approve" value="0" id="deny">Deny</button>
</form></body></html>`
}

// ServeVendorAuth is Lofty's vendor authorization page
// (GET /page/vendor-auth.html?clientId=…&response_type=code&redirect_uri=…&state=…):
// it shows Allow and Deny (or, with AutoApprove, approves at once) and
// redirects to redirect_uri with code and state (or error=access_denied).
func (f *Fake) ServeVendorAuth(w http.ResponseWriter, r *http.Request) {
	f.oauth.mu.Lock()
	app := f.oauth.app
	f.oauth.mu.Unlock()
	q := r.URL.Query()
	switch {
	case app == nil:
		writeText(w, http.StatusNotFound, "OAuth is not enabled on this fake Lofty")
		return
	case r.Method != http.MethodGet:
		writeText(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	case q.Get("clientId") != app.ClientID:
		writeText(w, http.StatusBadRequest, "Unknown clientId")
		return
	case q.Get("response_type") != "code":
		writeText(w, http.StatusBadRequest, "response_type must be code")
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || !redirect.IsAbs() {
		writeText(w, http.StatusBadRequest, "redirect_uri must be an absolute URL")
		return
	}
	if !app.redirectAllowed(q.Get("redirect_uri"), redirect) {
		writeText(w, http.StatusBadRequest, "redirect_uri is not registered with this app; nothing was sent there")
		return
	}
	approve := q.Get("approve")
	if approve == "" && !app.AutoApprove {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(vendorAuthPage(app.ClientID, redirect.String(), q.Get("state"))))
		return
	}
	rq := redirect.Query()
	if approve == "0" {
		rq.Set("error", "access_denied")
	} else {
		code := fakeSecret("lofty-code-")
		f.oauth.mu.Lock()
		f.oauth.codes[code] = fakeCode{redirectURI: redirect.String(), expires: f.oauth.now().Add(5 * time.Minute)}
		f.oauth.mu.Unlock()
		rq.Set("code", code)
	}
	if s := q.Get("state"); s != "" {
		rq.Set("state", s)
	}
	redirect.RawQuery = rq.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// ServeToken is Lofty's token endpoint (POST /api/user-web/oauth/token,
// HTTP Basic client authentication, form grant_type=authorization_code with
// code and redirect_uri, or grant_type=refresh_token with refresh_token).
// It answers access_token, refresh_token (rotated on every refresh),
// token_type and expires_in; errors are OAuth JSON errors.
func (f *Fake) ServeToken(w http.ResponseWriter, r *http.Request) {
	o := &f.oauth
	o.mu.Lock()
	app := o.app
	o.mu.Unlock()
	if app == nil {
		writeText(w, http.StatusNotFound, "OAuth is not enabled on this fake Lofty")
		return
	}
	if r.Method != http.MethodPost {
		writeText(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(id), []byte(app.ClientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(secret), []byte(app.ClientSecret)) != 1 {
		w.Header().Set("WWW-Authenticate", `Basic realm="lofty"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "Bad client credentials"})
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "form body expected"})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "bad form"})
		return
	}
	gt := r.PostForm.Get("grant_type")
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	switch gt {
	case "authorization_code":
		code := r.PostForm.Get("code")
		c, ok := o.codes[code]
		delete(o.codes, code)
		if !ok || now.After(c.expires) || c.redirectURI != r.PostForm.Get("redirect_uri") {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "Invalid authorization code"})
			return
		}
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if !o.refresh[rt] {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "Invalid refresh token"})
			return
		}
		o.refresh[rt] = false // rotated
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	at, rt := fakeSecret("lofty-at-"), fakeSecret("lofty-rt-")
	o.access[at] = now.Add(app.AccessTokenTTL)
	o.refresh[rt] = true
	o.grants[gt]++
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":  at,
		"refresh_token": rt,
		"token_type":    "bearer",
		"expires_in":    int64(app.AccessTokenTTL / time.Second),
	})
}
