package oauth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// ---- the browser binding ----

// cookieName is the sign-in browser cookie: __Host- prefixed on https.
func (s *Server) cookieName() string {
	if strings.HasPrefix(s.issuer, "https://") {
		return "__Host-lofty-mcp-signin"
	}
	return "lofty-mcp-signin"
}

// browserCookie returns this browser's sign-in secret, setting a new one
// when it has none. A pending sign-in is bound to it (as its hash).
func (s *Server) browserCookie(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(s.cookieName()); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	b := make([]byte, 32)
	rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{
		Name:     s.cookieName(),
		Value:    v,
		Path:     "/",
		MaxAge:   int(DefaultSignInTTL / time.Second),
		HttpOnly: true,
		Secure:   strings.HasPrefix(s.issuer, "https://"),
		SameSite: http.SameSiteLaxMode, // sent on the top-level return from Lofty
	})
	return v
}

// loadPending finds a pending sign-in and checks that this browser started it.
func (s *Server) loadPending(w http.ResponseWriter, r *http.Request, id string) (*pendingRecord, string, bool) {
	var p pendingRecord
	if id == "" {
		s.renderError(w, http.StatusBadRequest, "This sign-in link is incomplete.")
		return nil, "", false
	}
	if err := getJSON(r.Context(), s.store, keyPending+id, &p); err != nil {
		if errors.Is(err, ErrNotFound) {
			s.renderError(w, http.StatusBadRequest, "This sign-in has expired or was already used.")
		} else {
			s.log.Error("oauth: loading a sign-in failed", "error", err)
			s.renderError(w, http.StatusServiceUnavailable, "The server could not load this sign-in; try again shortly.")
		}
		return nil, "", false
	}
	c, err := r.Cookie(s.cookieName())
	if err != nil || !equalSecret(hashSecret(c.Value), p.BrowserHash) {
		s.renderError(w, http.StatusForbidden, "This sign-in was started in another browser (or its cookie was blocked). Start again from the app, in this browser.")
		return nil, "", false
	}
	return &p, c.Value, true
}

// ---- /oauth/signin: the page and its forms ----

func (s *Server) serveSignIn(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		p, browser, ok := s.loadPending(w, r, r.URL.Query().Get("request"))
		if !ok {
			return
		}
		s.showSignIn(w, r, http.StatusOK, p, browser, "")
	case http.MethodPost:
		s.postSignIn(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		s.renderError(w, http.StatusMethodNotAllowed, "Use the sign-in form.")
	}
}

func (s *Server) showSignIn(w http.ResponseWriter, r *http.Request, status int, p *pendingRecord, browser, msg string) {
	client, err := s.lookupClient(r.Context(), p.ClientID, s.clientAddr(r))
	if err != nil {
		s.renderError(w, http.StatusBadRequest, "This app can no longer sign in here.")
		return
	}
	s.renderSignIn(w, status, signInView{
		ClientName:   clientLabel(client),
		Unverified:   !client.MetadataDocument,
		RedirectHost: hostOf(p.RedirectURI),
		Message:      msg,
		RequestID:    p.ID,
		CSRF:         s.keys.csrfToken(p.ID, browser),
		Offered:      s.offeredScopes(p),
		Ticked:       p.ticked,
	}, p.RedirectURI)
}

// clientLabel is how the pages name an app: the name it gave, and for a
// Client ID Metadata Document the host that published it.
func clientLabel(client *clientRecord) string {
	name := client.displayName()
	if client.MetadataDocument && client.Name != "" {
		name += " (" + hostOf(client.ID) + ")"
	}
	return name
}

// offeredScopes are the scopes the sign-in page lets the person grant:
// those the app asked for (all its resource's, when it named none this
// server knows), of those the resource's tools can use, and lofty:read.
func (s *Server) offeredScopes(p *pendingRecord) access.Scopes {
	avail, err := s.resourceScopes(strings.TrimPrefix(p.Resource, s.issuer))
	if err != nil {
		avail = access.Read
	}
	asked, _ := access.ParseScopes(p.Scope)
	if asked == 0 {
		asked = avail
	}
	return asked&avail | access.Read
}

// chosenScopes are the scopes the person left ticked on the form: only
// among those offered, lofty:read always.
func (s *Server) chosenScopes(form url.Values, p *pendingRecord) access.Scopes {
	chosen := access.Read
	s.offeredScopes(p).Each(func(one access.Scopes, name, _ string) {
		if form.Get(scopeField(name)) != "" {
			chosen |= one
		}
	})
	return chosen
}

func (s *Server) postSignIn(w http.ResponseWriter, r *http.Request) {
	form, problem := readForm(w, r)
	if problem != "" {
		s.renderError(w, http.StatusBadRequest, "The sign-in form could not be read: "+problem+".")
		return
	}
	p, browser, ok := s.loadPending(w, r, form.Get("request"))
	if !ok {
		return
	}
	if !equalSecret(form.Get("csrf"), s.keys.csrfToken(p.ID, browser)) {
		s.log.Warn("oauth: sign-in form refused: missing or wrong CSRF token", "client_id", p.ClientID)
		s.renderError(w, http.StatusForbidden, "The form was not sent from this sign-in page (its security token is missing or wrong). Reload the page and try again.")
		return
	}
	ctx := r.Context()
	p.ticked = s.chosenScopes(form, p)
	switch form.Get("method") {
	case "cancel":
		_ = s.store.Delete(ctx, keyPending+p.ID)
		s.pending.remove(p.ID)
		s.log.Info("oauth: sign-in cancelled", "client_id", p.ClientID)
		s.redirectResult(w, r, p.RedirectURI, url.Values{"error": {"access_denied"}, "error_description": {"the person cancelled the sign-in"}}, p.State)
	case "lofty":
		if !s.cfg.Lofty.oauthEnabled() {
			s.showSignIn(w, r, http.StatusBadRequest, p, browser, "Sign in with Lofty is not set up on this server; paste an API key instead.")
			return
		}
		if !s.limits.allowLoftyStart(p.ID, s.now()) {
			s.log.Warn("oauth: Sign in with Lofty starts rate limited", "client_id", p.ClientID)
			w.Header().Set("Retry-After", "60")
			s.showSignIn(w, r, http.StatusTooManyRequests, p, browser, "Too many attempts. Wait a minute, then try again.")
			return
		}
		state := newSecret("")
		ls := loftyStateRecord{RequestID: p.ID, Scopes: p.ticked.String()}
		if err := putJSON(ctx, s.store, keyLoftyState+hashSecret(state), ls, unixTime(p.Expires)); err != nil {
			s.log.Error("oauth: storing a Lofty sign-in state failed", "error", err)
			s.showSignIn(w, r, http.StatusServiceUnavailable, p, browser, "The server could not start the Lofty sign-in; try again.")
			return
		}
		s.log.Info("oauth: sent to Lofty to sign in", "client_id", p.ClientID)
		w.Header().Set("Referrer-Policy", "no-referrer")
		http.Redirect(w, r, s.loftyAuthorizeURL(state), http.StatusSeeOther)
	case "api_key":
		s.signInWithKey(w, r, p, browser, strings.TrimSpace(form.Get("api_key")))
	default:
		s.showSignIn(w, r, http.StatusBadRequest, p, browser, "Choose how to sign in.")
	}
}

func (s *Server) signInWithKey(w http.ResponseWriter, r *http.Request, p *pendingRecord, browser, key string) {
	ctx := r.Context()
	if key == "" {
		s.showSignIn(w, r, http.StatusBadRequest, p, browser, "Paste your Lofty API key first.")
		return
	}
	if !s.limits.allowKeyAttempt(p.ID, s.clientAddr(r), s.now()) {
		s.log.Warn("oauth: API key attempts rate limited", "client_id", p.ClientID)
		w.Header().Set("Retry-After", "60")
		s.showSignIn(w, r, http.StatusTooManyRequests, p, browser, "Too many attempts. Wait a minute, then try again.")
		return
	}
	if len(key) > 1024 || strings.ContainsAny(key, " \t\r\n") {
		s.showSignIn(w, r, http.StatusBadRequest, p, browser, "That does not look like a Lofty API key: it should be one word, with no spaces. Copy it again from Lofty.")
		return
	}
	who, err := s.checkAPIKey(ctx, key)
	if err != nil {
		s.log.Info("oauth: API key sign-in failed", "client_id", p.ClientID, "lofty_error", loftyErrorKind(err))
		status, msg := keyRefusal(err)
		s.showSignIn(w, r, status, p, browser, msg)
		return
	}
	s.completeSignIn(w, r, p, browser, MethodAPIKey, sealedCredential{APIKey: key, Scopes: p.ticked.String(), Person: who})
}

// checkAPIKey asks Lofty who a pasted API key belongs to (GET /v1.0/me):
// a key Lofty does not know is refused there.
func (s *Server) checkAPIKey(ctx context.Context, key string) (*person, error) {
	cred := lofty.Credential{Kind: lofty.APIKey, Secret: key, Source: "the pasted API key"}
	return s.whoIs(ctx, cred)
}

// whoIs asks Lofty whose cred is (GET /v1.0/me), within 15 seconds.
func (s *Server) whoIs(ctx context.Context, cred lofty.Credential) (*person, error) {
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	m, err := s.lofty.Me(lofty.WithCredential(cctx, cred))
	if err != nil {
		return nil, err
	}
	id := m.MemberUserID
	if id == 0 {
		id = m.ID
	}
	return &person{ID: id, Email: strings.ToLower(strings.TrimSpace(m.Email)), Name: cleanName(strings.TrimSpace(m.FirstName + " " + m.LastName))}, nil
}

// loftyErrorKind names the kind of a Lofty error, for the log.
func loftyErrorKind(err error) string {
	var le *lofty.Error
	if errors.As(err, &le) {
		return le.Kind.String()
	}
	return lofty.KindUnknown.String()
}

// keyRefusal is what the page says when Lofty did not take a pasted key.
func keyRefusal(err error) (int, string) {
	var le *lofty.Error
	kind := lofty.KindUnknown
	if errors.As(err, &le) {
		kind = le.Kind
	}
	switch kind {
	case lofty.KindUnauthorized, lofty.KindBadRequest, lofty.KindForbidden:
		return http.StatusBadRequest, "Lofty did not accept this API key. Check that you copied the whole key, and that it has not been revoked."
	case lofty.KindRateLimited:
		return http.StatusServiceUnavailable, "Lofty is limiting requests right now. Wait a minute, then try again."
	}
	return http.StatusServiceUnavailable, "Lofty could not be reached to check the key. Try again in a minute."
}

// completeSignIn creates the grant, issues the authorization code and sends
// the browser back to the client.
func (s *Server) completeSignIn(w http.ResponseWriter, r *http.Request, p *pendingRecord, browser, method string, cred sealedCredential) {
	ctx := r.Context()
	// Used once: a second completion of the same sign-in finds nothing.
	if _, err := s.store.Take(ctx, keyPending+p.ID); err != nil {
		s.renderError(w, http.StatusBadRequest, "This sign-in has expired or was already used.")
		return
	}
	s.pending.remove(p.ID)
	now := s.now()
	codeExp := now.Add(DefaultCodeTTL)
	// Until its code is redeemed, the grant lives no longer than the code.
	name := p.ClientID
	if client, err := s.lookupClient(ctx, p.ClientID, s.clientAddr(r)); err == nil {
		name = clientLabel(client)
	}
	g, err := s.newGrant(ctx, p, name, method, cred, codeExp.Add(time.Minute))
	if err != nil {
		s.log.Error("oauth: storing a grant failed", "error", err)
		s.renderError(w, http.StatusServiceUnavailable, "The sign-in could not be saved. Start again from the app.")
		return
	}
	code := newSecret(prefixCode)
	cr := codeRecord{
		GrantID: g.ID, ClientID: p.ClientID, RedirectURI: p.RedirectURI, RedirectGiven: p.RedirectGiven,
		Challenge: p.Challenge, Resource: p.Resource, Scope: p.Scope,
	}
	if err := putJSON(ctx, s.store, keyCode+hashSecret(code), &cr, codeExp); err != nil {
		s.log.Error("oauth: storing an authorization code failed", "error", err)
		s.renderError(w, http.StatusServiceUnavailable, "The sign-in could not be saved. Start again from the app.")
		return
	}
	s.log.Info("oauth: signed in", "client_id", p.ClientID, "grant", g.ID, "method", method)
	s.redirectResult(w, r, p.RedirectURI, url.Values{"code": {code}}, p.State)
}
