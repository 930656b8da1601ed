package oauth

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
)

// ---- /oauth/token ----

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	form, client, ok := s.clientForm(w, r, "token request")
	if !ok {
		return
	}
	switch gt := form.Get("grant_type"); gt {
	case "authorization_code":
		s.tokenFromCode(w, r, client, form)
	case "refresh_token":
		s.tokenFromRefresh(w, r, client, form)
	case "":
		oauthError(w, http.StatusBadRequest, "invalid_request", "grant_type is required")
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("grant_type %q is not supported; use authorization_code or refresh_token", clip(gt)))
	}
}

func (s *Server) tokenFromCode(w http.ResponseWriter, r *http.Request, client *clientRecord, form url.Values) {
	ctx := r.Context()
	code := form.Get("code")
	if code == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "code is required")
		return
	}
	h := hashSecret(code)
	var cr codeRecord
	if err := takeJSON(ctx, s.store, keyCode+h, &cr); err != nil {
		var used usedRecord
		if getJSON(ctx, s.store, keyCodeUsed+h, &used) == nil {
			s.log.Warn("oauth: authorization code used twice; revoking its grant", "client_id", client.ID, "grant", used.GrantID)
			s.revokeGrant(ctx, used.GrantID, "authorization code reused")
			oauthError(w, http.StatusBadRequest, "invalid_grant", "the authorization code was already used; the tokens issued for it are revoked")
			return
		}
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the authorization code is invalid or expired")
		return
	}
	_ = putJSON(ctx, s.store, keyCodeUsed+h, usedRecord{GrantID: cr.GrantID}, s.now().Add(10*time.Minute))
	refuse := func(code, desc string) {
		s.log.Info("oauth: authorization code refused", "client_id", client.ID, "grant", cr.GrantID, "reason", desc)
		s.revokeGrant(ctx, cr.GrantID, "authorization code refused: "+desc)
		oauthError(w, http.StatusBadRequest, code, desc)
	}
	switch {
	case cr.ClientID != client.ID:
		refuse("invalid_grant", "the authorization code was issued to another client")
		return
	case cr.RedirectGiven && form.Get("redirect_uri") != cr.RedirectURI,
		!cr.RedirectGiven && form.Has("redirect_uri") && form.Get("redirect_uri") != cr.RedirectURI:
		refuse("invalid_grant", "redirect_uri differs from the authorization request's")
		return
	}
	verifier := form.Get("code_verifier")
	switch {
	case verifier == "":
		refuse("invalid_request", "code_verifier is required (PKCE)")
		return
	case !pkceRE.MatchString(verifier):
		refuse("invalid_grant", "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~")
		return
	case !equalSecret(s256(verifier), cr.Challenge):
		refuse("invalid_grant", "code_verifier does not match the code_challenge")
		return
	}
	if form.Has("resource") && s.canonicalResource(form.Get("resource")) != cr.Resource {
		refuse("invalid_target", "resource differs from the authorization request's")
		return
	}
	g, err := s.loadGrant(ctx, cr.GrantID)
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the sign-in behind this code has ended")
		return
	}
	// The grant now lives its full term; so does the client's registration.
	// Without refresh tokens its term is its one access token's.
	now := s.now()
	refresh := client.allowsGrant("refresh_token")
	g.rec.Expires = now.Add(s.cfg.GrantTTL).Unix()
	if !refresh {
		g.rec.Expires = now.Add(s.cfg.AccessTokenTTL).Unix()
	}
	if err := putJSON(ctx, s.store, keyGrant+g.rec.ID, &g.rec, unixTime(g.rec.Expires)); err != nil {
		s.log.Error("oauth: storing a grant failed", "error", err)
		oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "try again shortly")
		return
	}
	if !client.MetadataDocument && (!client.SignedIn || client.Expires < g.rec.Expires) {
		client.SignedIn = true
		client.Expires = max(client.Expires, g.rec.Expires)
		if err := putJSON(ctx, s.store, keyClient+client.ID, client, unixTime(client.Expires)); err != nil {
			s.log.Warn("oauth: extending a client registration failed", "client_id", client.ID, "error", err)
		}
		s.unusedClients.remove(client.ID)
	}
	s.issueTokens(w, r, &g.rec, g.Scopes(), "authorization_code", refresh)
}

func (s *Server) tokenFromRefresh(w http.ResponseWriter, r *http.Request, client *clientRecord, form url.Values) {
	ctx := r.Context()
	if !client.allowsGrant("refresh_token") {
		oauthError(w, http.StatusBadRequest, "unauthorized_client", "this client was registered without the refresh_token grant type (grant_types), so it has no refresh tokens: register it again with grant_types [\"authorization_code\", \"refresh_token\"], or sign in again")
		return
	}
	rt := form.Get("refresh_token")
	if rt == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "refresh_token is required")
		return
	}
	h := hashSecret(rt)
	reused := func() bool {
		var used usedRecord
		if getJSON(ctx, s.store, keyRefreshOld+h, &used) != nil {
			return false
		}
		s.log.Warn("oauth: rotated-out refresh token used again; revoking its grant", "client_id", client.ID, "grant", used.GrantID)
		s.revokeGrant(ctx, used.GrantID, "refresh token reused")
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the refresh token was already used; for safety the whole sign-in is revoked: sign in again")
		return true
	}
	var tr tokenRecord
	if err := getJSON(ctx, s.store, keyRefresh+h, &tr); err != nil {
		if !reused() {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "the refresh token is invalid, expired or revoked")
		}
		return
	}
	if tr.ClientID != client.ID {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the refresh token was issued to another client")
		return
	}
	if form.Has("resource") && s.canonicalResource(form.Get("resource")) != tr.Resource {
		oauthError(w, http.StatusBadRequest, "invalid_target", "resource differs from the one the refresh token was issued for")
		return
	}
	if _, err := s.store.Take(ctx, keyRefresh+h); err != nil { // lost a race with another use
		_ = putJSON(ctx, s.store, keyRefreshOld+h, usedRecord{GrantID: tr.GrantID}, unixTime(tr.Expires))
		if !reused() {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "the refresh token is invalid, expired or revoked")
		}
		return
	}
	_ = putJSON(ctx, s.store, keyRefreshOld+h, usedRecord{GrantID: tr.GrantID}, unixTime(tr.Expires))
	g, err := s.loadGrant(ctx, tr.GrantID)
	if errors.Is(err, errUnreadableGrant) {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the server can no longer read the sign-in behind this refresh token (its secret key changed): sign in again")
		return
	}
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the sign-in behind this refresh token has ended or was revoked: sign in again")
		return
	}
	s.issueTokens(w, r, &g.rec, g.Scopes(), "refresh_token", true)
}

// issueTokens writes a new access token for grant g, and a refresh token
// when refresh (the client registered the refresh_token grant type). The
// answer's scope is what the person granted (RFC 6749 section 5.1), which
// may be less than the client asked for.
func (s *Server) issueTokens(w http.ResponseWriter, r *http.Request, g *grantRecord, granted access.Scopes, how string, refresh bool) {
	ctx := r.Context()
	now := s.now()
	at, rt := newSecret(prefixAccess), newSecret(prefixRefresh)
	atExp := now.Add(s.cfg.AccessTokenTTL)
	rtExp := now.Add(s.cfg.RefreshTokenTTL)
	if end := unixTime(g.Expires); rtExp.After(end) {
		rtExp = end
	}
	if atExp.After(rtExp) {
		atExp = rtExp
	}
	base := tokenRecord{GrantID: g.ID, ClientID: g.ClientID, Resource: g.Resource, Scope: granted.String()}
	atRec, rtRec := base, base
	atRec.Expires, rtRec.Expires = atExp.Unix(), rtExp.Unix()
	if err := putJSON(ctx, s.store, keyAccess+hashSecret(at), &atRec, atExp); err != nil {
		s.log.Error("oauth: storing an access token failed", "error", err)
		oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "try again shortly")
		return
	}
	resp := map[string]any{
		"access_token": at,
		"token_type":   "Bearer",
		"expires_in":   int64(atExp.Sub(now) / time.Second),
	}
	if refresh {
		if err := putJSON(ctx, s.store, keyRefresh+hashSecret(rt), &rtRec, rtExp); err != nil {
			s.log.Error("oauth: storing a refresh token failed", "error", err)
			oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "try again shortly")
			return
		}
		resp["refresh_token"] = rt
	}
	s.log.Info("oauth: tokens issued", "client_id", g.ClientID, "grant", g.ID, "grant_type", how, "refresh_token", refresh)
	resp["scope"] = granted.String()
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}
