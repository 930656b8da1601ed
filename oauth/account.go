package oauth

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// ---- /oauth/account: a person's connected apps ----
//
// A person proves who they are the ways the sign-in page offers (a pasted
// API key, checked with Lofty; or Sign in with Lofty), and sees the apps
// connected with their Lofty user — whichever key or sign-in each used —
// with when each was last used; they disconnect one, or all of them, which
// deletes every Lofty credential lofty-mcp holds for them. The page's own
// sign-in lasts a few minutes and stores no credential: Lofty's tokens from
// Sign in with Lofty are used once, to ask who signed in, and dropped.

// accountTTL is how long a person stays signed in to the account page.
const accountTTL = 15 * time.Minute

// accountCookieName is the account page's cookie: __Host- prefixed on https.
func (s *Server) accountCookieName() string {
	if strings.HasPrefix(s.issuer, "https://") {
		return "__Host-lofty-mcp-account"
	}
	return "lofty-mcp-account"
}

func (s *Server) setAccountCookie(w http.ResponseWriter, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name:     s.accountCookieName(),
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   strings.HasPrefix(s.issuer, "https://"),
		SameSite: http.SameSiteLaxMode, // sent on the top-level return from Lofty
	})
}

// accountSession finds the person signed in to the account page in this
// browser; "" and nil when there is none (or it expired).
func (s *Server) accountSession(r *http.Request) (string, *accountRecord) {
	c, err := r.Cookie(s.accountCookieName())
	if err != nil || len(c.Value) < 40 {
		return "", nil
	}
	var rec accountRecord
	if getJSON(r.Context(), s.store, keyAccount+hashSecret(c.Value), &rec) != nil || !s.now().Before(unixTime(rec.Expires)) {
		return "", nil
	}
	return c.Value, &rec
}

// startAccountSession signs who in to the account page in this browser and
// sends the browser to it.
func (s *Server) startAccountSession(w http.ResponseWriter, r *http.Request, who *person, keyHash string) {
	secret := newSecret("")
	rec := accountRecord{Person: *who, KeyHash: keyHash, Expires: s.now().Add(accountTTL).Unix()}
	if err := putJSON(r.Context(), s.store, keyAccount+hashSecret(secret), &rec, unixTime(rec.Expires)); err != nil {
		s.log.Error("oauth: storing an account page sign-in failed", "error", err)
		s.renderAccountSignIn(w, r, http.StatusServiceUnavailable, "The server could not sign you in right now; try again shortly.")
		return
	}
	s.setAccountCookie(w, secret, int(accountTTL/time.Second))
	s.log.Info("oauth: signed in to the account page")
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, AccountPath, http.StatusSeeOther)
}

func (s *Server) serveAccount(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		if secret, acct := s.accountSession(r); acct != nil {
			s.renderAccount(w, r, http.StatusOK, secret, acct, "", "")
			return
		}
		s.renderAccountSignIn(w, r, http.StatusOK, "")
	case http.MethodPost:
		s.postAccount(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		s.renderError(w, http.StatusMethodNotAllowed, "Use the account page's forms.")
	}
}

func (s *Server) postAccount(w http.ResponseWriter, r *http.Request) {
	form, problem := readForm(w, r)
	if problem != "" {
		s.renderError(w, http.StatusBadRequest, "The form could not be read: "+problem+".")
		return
	}
	if secret, acct := s.accountSession(r); acct != nil {
		if !equalSecret(form.Get("csrf"), s.keys.csrfToken("account-session", secret)) {
			s.log.Warn("oauth: account page form refused: missing or wrong CSRF token")
			s.renderError(w, http.StatusForbidden, "The form was not sent from your account page (its security token is missing or wrong). Reload the page and try again.")
			return
		}
		s.accountAction(w, r, form, secret, acct)
		return
	}
	browser := s.browserCookie(w, r)
	if !equalSecret(form.Get("csrf"), s.keys.csrfToken("account", browser)) {
		// The page's sign-in expired (or the form is not the page's): show
		// the sign-in again rather than act.
		s.renderAccountSignIn(w, r, http.StatusForbidden, "Your session on this page ended, or the form was not sent from it. Sign in again.")
		return
	}
	attempts := "account:" + hashSecret(browser)
	switch form.Get("method") {
	case "api_key":
		key := strings.TrimSpace(form.Get("api_key"))
		switch {
		case key == "":
			s.renderAccountSignIn(w, r, http.StatusBadRequest, "Paste your Lofty API key first.")
			return
		case !s.limits.allowKeyAttempt(attempts, s.clientAddr(r), s.now()):
			w.Header().Set("Retry-After", "60")
			s.renderAccountSignIn(w, r, http.StatusTooManyRequests, "Too many attempts. Wait a minute, then try again.")
			return
		case len(key) > 1024 || strings.ContainsAny(key, " \t\r\n"):
			s.renderAccountSignIn(w, r, http.StatusBadRequest, "That does not look like a Lofty API key: it should be one word, with no spaces. Copy it again from Lofty.")
			return
		}
		who, err := s.checkAPIKey(r.Context(), key)
		if err != nil {
			s.log.Info("oauth: account page sign-in failed", "lofty_error", loftyErrorKind(err))
			status, msg := keyRefusal(err)
			s.renderAccountSignIn(w, r, status, msg)
			return
		}
		s.startAccountSession(w, r, who, hashSecret(key))
	case "lofty":
		if !s.cfg.Lofty.oauthEnabled() {
			s.renderAccountSignIn(w, r, http.StatusBadRequest, "Sign in with Lofty is not set up on this server; paste an API key instead.")
			return
		}
		if !s.limits.allowLoftyStart(attempts, s.now()) {
			w.Header().Set("Retry-After", "60")
			s.renderAccountSignIn(w, r, http.StatusTooManyRequests, "Too many attempts. Wait a minute, then try again.")
			return
		}
		state := newSecret("")
		ls := loftyStateRecord{Account: true, BrowserHash: hashSecret(browser)}
		if err := putJSON(r.Context(), s.store, keyLoftyState+hashSecret(state), ls, s.now().Add(DefaultSignInTTL)); err != nil {
			s.log.Error("oauth: storing a Lofty sign-in state failed", "error", err)
			s.renderAccountSignIn(w, r, http.StatusServiceUnavailable, "The server could not start the Lofty sign-in; try again.")
			return
		}
		w.Header().Set("Referrer-Policy", "no-referrer")
		http.Redirect(w, r, s.loftyAuthorizeURL(state), http.StatusSeeOther)
	default:
		s.renderAccountSignIn(w, r, http.StatusBadRequest, "Choose how to sign in.")
	}
}

// accountLoftyReturn finishes Sign in with Lofty for the account page:
// Lofty's code, from the browser that started it, is exchanged for a
// token that is used once to ask who signed in, then dropped.
func (s *Server) accountLoftyReturn(w http.ResponseWriter, r *http.Request, ls *loftyStateRecord) {
	c, err := r.Cookie(s.cookieName())
	if err != nil || !equalSecret(hashSecret(c.Value), ls.BrowserHash) {
		s.renderError(w, http.StatusForbidden, "This Lofty sign-in was started in another browser (or its cookie was blocked). Open your account page again, in this browser.")
		return
	}
	q := r.URL.Query()
	if q.Get("error") != "" || q.Get("code") == "" {
		s.renderAccountSignIn(w, r, http.StatusOK, "Signing in with Lofty was not completed. Try again, or paste an API key.")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
	defer cancel()
	tok, err := s.loftyToken(ctx, map[string]string{"grant_type": "authorization_code", "code": q.Get("code"), "redirect_uri": s.loftyRedirectURI()})
	if err != nil {
		s.log.Warn("oauth: exchanging Lofty's code for the account page failed", "error", err)
		s.renderAccountSignIn(w, r, http.StatusBadGateway, "Lofty did not complete the sign-in. Try again, or paste an API key.")
		return
	}
	who, err := s.whoIs(ctx, lofty.Credential{Kind: lofty.AccessToken, Secret: tok.AccessToken, Source: "Sign in with Lofty"})
	if err != nil {
		s.log.Warn("oauth: asking Lofty who signed in to the account page failed", "lofty_error", loftyErrorKind(err))
		s.renderAccountSignIn(w, r, http.StatusBadGateway, "Lofty did not say who signed in. Try again, or paste an API key.")
		return
	}
	s.startAccountSession(w, r, who, "")
}

// accountAction does what a signed-in person asked on the account page.
func (s *Server) accountAction(w http.ResponseWriter, r *http.Request, form url.Values, secret string, acct *accountRecord) {
	ctx := r.Context()
	switch form.Get("method") {
	case "revoke":
		id := form.Get("grant")
		mine, err := s.grantsOf(ctx, acct)
		if err != nil {
			s.accountStoreFailed(w, r, secret, acct, err)
			return
		}
		for _, g := range mine {
			if g.ID == id {
				s.revokeGrant(ctx, id, "revoked by the person on the account page")
				s.shred(ctx)
				s.renderAccount(w, r, http.StatusOK, secret, acct, fmt.Sprintf("%s is disconnected: it can no longer use your Lofty account, and the credential it used is deleted.", appName(g)), "")
				return
			}
		}
		s.renderAccount(w, r, http.StatusNotFound, secret, acct, "", "That app is not connected with your Lofty account (it may have been disconnected already).")
	case "revoke_all":
		mine, err := s.grantsOf(ctx, acct)
		if err != nil {
			s.accountStoreFailed(w, r, secret, acct, err)
			return
		}
		for _, g := range mine {
			s.revokeGrant(ctx, g.ID, "revoked by the person on the account page (all)")
		}
		s.shred(ctx)
		s.endAccountSession(w, r, secret)
		s.log.Info("oauth: a person disconnected every app", "grants", len(mine))
		s.renderAccountDone(w, len(mine))
	case "sign_out":
		s.endAccountSession(w, r, secret)
		s.renderAccountSignIn(w, r, http.StatusOK, "")
	default:
		s.renderAccount(w, r, http.StatusBadRequest, secret, acct, "", "Choose what to do.")
	}
}

func (s *Server) accountStoreFailed(w http.ResponseWriter, r *http.Request, secret string, acct *accountRecord, err error) {
	s.log.Error("oauth: listing a person's grants failed", "error", err)
	s.renderAccount(w, r, http.StatusServiceUnavailable, secret, acct, "", "The server could not read your connected apps right now; try again shortly.")
}

// shred rewrites the store without the bytes of what a person just
// deleted (bbolt keeps them in freed pages until then).
func (s *Server) shred(ctx context.Context) {
	if err := s.grants().shred(ctx); err != nil {
		s.log.Error("oauth: rewriting the sign-in store without deleted records failed", "error", err)
	}
}

func (s *Server) endAccountSession(w http.ResponseWriter, r *http.Request, secret string) {
	_ = s.store.Delete(r.Context(), keyAccount+hashSecret(secret))
	s.setAccountCookie(w, "", -1)
}

// grantsOf returns the grants of the person signed in to the account page:
// those recorded with their Lofty user (or, when Lofty gave no id, their
// email), and those of the API key they pasted recorded before the person
// was.
func (s *Server) grantsOf(ctx context.Context, acct *accountRecord) ([]GrantInfo, error) {
	var out []GrantInfo
	err := s.grants().each(ctx, func(_ *grantRecord, info *GrantInfo, cred *sealedCredential) bool {
		if cred == nil {
			return true
		}
		p := acct.Person
		switch {
		case p.ID != 0 && info.PersonID == p.ID,
			p.ID == 0 && p.Email != "" && info.PersonID == 0 && strings.EqualFold(info.Email, p.Email),
			cred.Person == nil && acct.KeyHash != "" && cred.APIKey != "" && equalSecret(hashSecret(cred.APIKey), acct.KeyHash):
			out = append(out, *info)
		}
		return true
	})
	sortGrants(out)
	return out, err
}

// appName is how the account page names a grant's app.
func appName(g GrantInfo) string {
	if g.ClientName != "" {
		return g.ClientName
	}
	return hostOf(g.ClientID)
}
