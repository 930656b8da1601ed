package oauth

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
)

// ---- /oauth/authorize ----

var pkceRE = regexp.MustCompile(`^[A-Za-z0-9\-._~]{43,128}$`)

func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		s.renderError(w, http.StatusMethodNotAllowed, "The authorization request must be a GET.")
		return
	}
	q := r.URL.Query()
	for k, v := range q {
		if len(v) > 1 {
			s.renderError(w, http.StatusBadRequest, fmt.Sprintf("The authorization request repeats the parameter %q.", clip(k)))
			return
		}
	}
	ctx := r.Context()
	addr := s.clientAddr(r)
	// Each authorization request stores a pending sign-in: an address
	// starts a few at once, then one every few seconds.
	if !s.limits.allowAuthorize(addr, s.now()) {
		s.log.Info("oauth: authorization requests rate limited", "address", addr)
		w.Header().Set("Retry-After", "60")
		s.renderError(w, http.StatusTooManyRequests, "Too many sign-ins were started from this address. Wait a minute, then start again from the app.")
		return
	}
	client, err := s.lookupClient(ctx, q.Get("client_id"), addr)
	if err != nil {
		var ce *clientError
		if errors.As(err, &ce) {
			s.log.Info("oauth: authorization refused: unusable client", "client_id", clip(q.Get("client_id")), "reason", ce.msg)
			s.renderError(w, http.StatusBadRequest, "This app cannot sign in here: "+ce.msg+".")
			return
		}
		s.log.Error("oauth: looking up a client failed", "error", err)
		s.renderError(w, http.StatusServiceUnavailable, "The server could not check this app right now; try again shortly.")
		return
	}
	redirectURI, redirectGiven := q.Get("redirect_uri"), q.Has("redirect_uri")
	switch {
	case redirectGiven && !client.hasRedirectURI(redirectURI):
		s.log.Info("oauth: authorization refused: redirect_uri not registered", "client_id", client.ID)
		s.renderError(w, http.StatusBadRequest, fmt.Sprintf("The app asked to be sent back to %s, which it did not register. Nothing was sent there.", clip(redirectURI)))
		return
	case !redirectGiven && len(client.RedirectURIs) != 1:
		s.renderError(w, http.StatusBadRequest, "The authorization request has no redirect_uri, and the app registered more than one.")
		return
	case !redirectGiven:
		redirectURI = client.RedirectURIs[0]
	}
	state := q.Get("state")
	// Errors are shown on this server's page, never sent to the redirect
	// URI: every client here registered itself (or published its own
	// metadata document), so its redirect URI may be anyone's, and an
	// automatic error redirect would make this server an open redirector
	// (RFC 9700 section 4.11.2). Only the person's own choice on the
	// sign-in page (a completed sign-in, or Cancel) sends the browser back.
	fail := func(code, desc string) {
		s.log.Info("oauth: authorization refused", "client_id", client.ID, "error", code, "reason", desc)
		status := http.StatusBadRequest
		if code == "temporarily_unavailable" {
			status = http.StatusServiceUnavailable
		}
		s.renderError(w, status, fmt.Sprintf("The app's sign-in request was refused (%s): %s. Nothing was sent back to the app.", code, desc))
	}
	if rt := q.Get("response_type"); rt != "code" {
		fail("unsupported_response_type", "response_type must be code")
		return
	}
	if desc := tooLong("state", state, maxStateBytes); desc != "" {
		fail("invalid_request", desc)
		return
	}
	scope := q.Get("scope")
	if desc := tooLong("scope", scope, maxScopeBytes); desc != "" {
		fail("invalid_request", desc)
		return
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case challenge == "":
		fail("invalid_request", "code_challenge is required (PKCE with S256)")
		return
	case method != "S256":
		fail("invalid_request", "code_challenge_method must be S256 (plain is not accepted)")
		return
	case !pkceRE.MatchString(challenge):
		fail("invalid_request", "code_challenge is not a base64url S256 challenge")
		return
	}
	resource := s.canonicalResource(q.Get("resource"))
	if resource == "" {
		fail("invalid_target", "resource must be "+s.resource+" or one of its selections ("+s.resource+"/x/TOOLSETS[/readonly], toolsets this server serves)")
		return
	}
	browser := s.browserCookie(w, r)
	p := pendingRecord{
		ID:            newID("sr_"),
		ClientID:      client.ID,
		RedirectURI:   redirectURI,
		RedirectGiven: redirectGiven,
		State:         state,
		Challenge:     challenge,
		Resource:      resource,
		Scope:         scope,
		BrowserHash:   hashSecret(browser),
		Expires:       s.now().Add(DefaultSignInTTL).Unix(),
	}
	if err := putJSON(ctx, s.store, keyPending+p.ID, &p, unixTime(p.Expires)); err != nil {
		s.log.Error("oauth: storing a sign-in failed", "error", err)
		fail("temporarily_unavailable", "the sign-in could not be stored; try again")
		return
	}
	// Bounded per address, per client and in all: past a bound the oldest
	// pending sign-in over it goes.
	for _, id := range s.pending.add(p.ID, []string{addr, client.ID}, s.now()) {
		if err := s.store.Delete(ctx, keyPending+id); err != nil {
			s.log.Warn("oauth: dropping a pending sign-in failed", "error", err)
		}
		s.log.Info("oauth: pending sign-in dropped: too many at once", "address", addr, "client_id", client.ID)
	}
	s.log.Info("oauth: sign-in started", "client_id", client.ID)
	http.Redirect(w, r, SignInPath+"?request="+url.QueryEscape(p.ID), http.StatusSeeOther)
}

// tooLong says that value, the parameter name, is longer than max bytes,
// or "" when it is not.
func tooLong(name, value string, max int) string {
	if len(value) <= max {
		return ""
	}
	return fmt.Sprintf("%s is %d bytes long; at most %d are accepted", name, len(value), max)
}

// redirectResult sends the browser back to the client with params, state
// and iss (RFC 9207).
func (s *Server) redirectResult(w http.ResponseWriter, r *http.Request, redirectURI string, params url.Values, state string) {
	u, err := url.Parse(redirectURI)
	if err != nil { // registered URIs were checked; cannot happen
		s.renderError(w, http.StatusInternalServerError, "The app's redirect URI cannot be used.")
		return
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	if state != "" {
		q.Set("state", state)
	}
	q.Set("iss", s.issuer)
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}
