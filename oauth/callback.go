package oauth

import (
	"context"
	"net/http"
	"time"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// ---- /oauth/lofty/callback ----

func (s *Server) serveLoftyCallback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		s.renderError(w, http.StatusMethodNotAllowed, "Lofty returns here with a GET.")
		return
	}
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		s.renderError(w, http.StatusBadRequest, "Lofty sent the browser back without the sign-in state. Start again from the app.")
		return
	}
	ctx := r.Context()
	var ls loftyStateRecord
	if err := takeJSON(ctx, s.store, keyLoftyState+hashSecret(state), &ls); err != nil {
		s.renderError(w, http.StatusBadRequest, "This Lofty sign-in has expired or was already used. Start again from the app.")
		return
	}
	if ls.Account {
		s.accountLoftyReturn(w, r, &ls)
		return
	}
	p, browser, ok := s.loadPending(w, r, ls.RequestID)
	if !ok {
		return
	}
	p.ticked, _ = access.ParseScopes(ls.Scopes)
	if e := q.Get("error"); e != "" {
		s.log.Info("oauth: Lofty sign-in not completed", "client_id", p.ClientID, "lofty_error", clip(e))
		s.showSignIn(w, r, http.StatusOK, p, browser, "Signing in with Lofty was not completed. Try again, or paste an API key.")
		return
	}
	code := q.Get("code")
	if code == "" {
		s.showSignIn(w, r, http.StatusBadRequest, p, browser, "Lofty sent no authorization code. Try again, or paste an API key.")
		return
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	tok, err := s.loftyToken(cctx, map[string]string{"grant_type": "authorization_code", "code": code, "redirect_uri": s.loftyRedirectURI()})
	if err != nil {
		s.log.Warn("oauth: exchanging Lofty's code failed", "client_id", p.ClientID, "error", err)
		s.showSignIn(w, r, http.StatusBadGateway, p, browser, "Lofty did not complete the sign-in. Try again, or paste an API key.")
		return
	}
	who, err := s.whoIs(cctx, lofty.Credential{Kind: lofty.AccessToken, Secret: tok.AccessToken, Source: "Sign in with Lofty"})
	if err != nil {
		// Who signed in is what the account page and the operator find
		// the grant by: without it there is no grant.
		s.log.Warn("oauth: asking Lofty who signed in failed", "client_id", p.ClientID, "lofty_error", loftyErrorKind(err))
		s.showSignIn(w, r, http.StatusBadGateway, p, browser, "Lofty did not say who signed in. Try again, or paste an API key.")
		return
	}
	s.completeSignIn(w, r, p, browser, MethodLofty, sealedCredential{
		AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: s.now().Add(tok.ExpiresIn),
		Scopes: p.ticked.String(), Person: who,
	})
}
