package oauth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

const maxFormBytes = 64 << 10

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	prm := mcpserver.NewProtectedResourceMetadataHandler(mcpserver.ProtectedResourceMetadataConfig{
		Resource:               s.resource,
		AuthorizationServers:   []string{s.issuer},
		BearerMethodsSupported: []string{"header"},
		ResourceName:           "Lofty CRM (lofty-mcp)",
	})
	// RFC 9728: the path-suffixed document describes PublicURL/mcp; the
	// root one is served for clients that probe it first, naming the same
	// resource (the only one on this server).
	mux.Handle(protectedResourceForMCP, prm)
	mux.Handle(ProtectedResourcePath, prm)
	mux.HandleFunc(AuthServerMetadataPath, s.serveMetadata)
	mux.HandleFunc(AuthorizePath, s.serveAuthorize)
	mux.HandleFunc(SignInPath, s.serveSignIn)
	mux.HandleFunc(LoftyCallbackPath, s.serveLoftyCallback)
	mux.HandleFunc(TokenPath, cors(s.serveToken))
	mux.HandleFunc(RegisterPath, cors(s.serveRegister))
	mux.HandleFunc(RevokePath, cors(s.serveRevoke))
	return mux
}

// cors lets browser-based clients call a JSON endpoint (no cookies are
// involved: any origin may).
func cors(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next(w, r)
	}
}

// ---- RFC 8414 metadata ----

func (s *Server) metadata() map[string]any {
	auth := []string{"none", "client_secret_basic", "client_secret_post"}
	return map[string]any{
		"issuer":                                         s.issuer,
		"authorization_endpoint":                         s.issuer + AuthorizePath,
		"token_endpoint":                                 s.issuer + TokenPath,
		"registration_endpoint":                          s.issuer + RegisterPath,
		"revocation_endpoint":                            s.issuer + RevokePath,
		"response_types_supported":                       []string{"code"},
		"response_modes_supported":                       []string{"query"},
		"grant_types_supported":                          []string{"authorization_code", "refresh_token"},
		"token_endpoint_auth_methods_supported":          auth,
		"revocation_endpoint_auth_methods_supported":     auth,
		"code_challenge_methods_supported":               []string{"S256"},
		"authorization_response_iss_parameter_supported": true,
		"client_id_metadata_document_supported":          true,
	}
}

func (s *Server) serveMetadata(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodOptions:
		w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		w.Header().Set("Allow", "GET, HEAD, OPTIONS")
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "use GET")
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, s.metadata())
}

// ---- JSON answers ----

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	writeJSONBody(w, v)
}

func writeJSONBody(w http.ResponseWriter, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// oauthError answers as RFC 6749 section 5.2 says.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// ---- forms ----

// readForm parses an application/x-www-form-urlencoded POST body of at most
// 64 KB, refusing repeated parameters (RFC 6749 section 3.1).
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, string) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		return nil, "use POST"
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		return nil, "the body must be application/x-www-form-urlencoded"
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFormBytes))
	if err != nil {
		return nil, "the body is larger than 64 KB or could not be read"
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, "the body is not valid form encoding"
	}
	for k, v := range form {
		if len(v) > 1 {
			return nil, fmt.Sprintf("parameter %q is repeated", k)
		}
	}
	return form, ""
}

// ---- resources ----

// canonicalResource maps a requested resource (RFC 8707) to this server's
// one resource; "" when it names something else. Absent means this one.
func (s *Server) canonicalResource(requested string) string {
	switch strings.TrimSuffix(requested, "/") {
	case "", s.resource, s.issuer:
		return s.resource
	}
	return ""
}

// ---- /oauth/register (RFC 7591) ----

type registrationRequest struct {
	RedirectURIs            []string `json:"redirect_uris"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	ClientName              string   `json:"client_name"`
	ClientURI               string   `json:"client_uri"`
	Scope                   string   `json:"scope"`
}

func registrationError(w http.ResponseWriter, code, desc string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": desc})
}

func (s *Server) serveRegister(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST, OPTIONS")
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "register with POST and a JSON body (RFC 7591)")
		return
	}
	if !s.limits.allowRegister(s.cfg.ClientIP(r), s.now()) {
		w.Header().Set("Retry-After", "60")
		oauthError(w, http.StatusTooManyRequests, "slow_down", "too many client registrations from this address; wait a minute")
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" {
		registrationError(w, "invalid_client_metadata", "the body must be a JSON object (Content-Type: application/json)")
		return
	}
	var req registrationRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxFormBytes))
	if err := dec.Decode(&req); err != nil {
		registrationError(w, "invalid_client_metadata", "the body is not a JSON object of client metadata (or is larger than 64 KB)")
		return
	}
	if len(req.RedirectURIs) == 0 {
		registrationError(w, "invalid_redirect_uri", "redirect_uris is required: a list of https URIs (or http on 127.0.0.1, [::1] or localhost)")
		return
	}
	if len(req.RedirectURIs) > 20 {
		registrationError(w, "invalid_redirect_uri", "at most 20 redirect_uris")
		return
	}
	for _, u := range req.RedirectURIs {
		if err := checkRedirectURI(u); err != nil {
			registrationError(w, "invalid_redirect_uri", err.Error())
			return
		}
	}
	method := req.TokenEndpointAuthMethod
	if method == "" {
		method = "client_secret_basic" // RFC 7591 section 2
	}
	if method != "none" && method != "client_secret_basic" && method != "client_secret_post" {
		registrationError(w, "invalid_client_metadata", fmt.Sprintf("token_endpoint_auth_method %q is not supported; use none, client_secret_basic or client_secret_post", clip(method)))
		return
	}
	if len(req.GrantTypes) == 0 {
		req.GrantTypes = []string{"authorization_code"}
	}
	for _, g := range req.GrantTypes {
		if g != "authorization_code" && g != "refresh_token" {
			registrationError(w, "invalid_client_metadata", fmt.Sprintf("grant_types: %q is not supported; use authorization_code and refresh_token", clip(g)))
			return
		}
	}
	if len(req.ResponseTypes) == 0 {
		req.ResponseTypes = []string{"code"}
	}
	for _, t := range req.ResponseTypes {
		if t != "code" {
			registrationError(w, "invalid_client_metadata", fmt.Sprintf("response_types: %q is not supported; use code", clip(t)))
			return
		}
	}
	now := s.now()
	rec := clientRecord{
		ID:           newID("lmcp_c_"),
		AuthMethod:   method,
		RedirectURIs: req.RedirectURIs,
		GrantTypes:   req.GrantTypes,
		Name:         cleanName(req.ClientName),
		URI:          req.ClientURI,
		Scope:        req.Scope,
		IssuedAt:     now.Unix(),
		Expires:      now.Add(clientRegistrationTTL).Unix(),
	}
	var secret string
	if method != "none" {
		secret = newSecret(prefixSecret)
		rec.SecretHash = hashSecret(secret)
	}
	if err := putJSON(r.Context(), s.store, keyClient+rec.ID, &rec, unixTime(rec.Expires)); err != nil {
		s.log.Error("oauth: storing a client registration failed", "error", err)
		oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "the registration could not be stored; try again")
		return
	}
	s.log.Info("oauth: client registered", "client_id", rec.ID, "client_name", rec.Name, "auth_method", method)
	resp := map[string]any{
		"client_id":                  rec.ID,
		"client_id_issued_at":        rec.IssuedAt,
		"redirect_uris":              rec.RedirectURIs,
		"token_endpoint_auth_method": method,
		"grant_types":                rec.GrantTypes,
		"response_types":             req.ResponseTypes,
	}
	if rec.Name != "" {
		resp["client_name"] = rec.Name
	}
	if rec.URI != "" {
		resp["client_uri"] = rec.URI
	}
	if rec.Scope != "" {
		resp["scope"] = rec.Scope
	}
	if secret != "" {
		resp["client_secret"] = secret
		resp["client_secret_expires_at"] = 0
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusCreated, resp)
}

// clientRegistrationTTL is how long a registration lives unless a sign-in
// extends it to the end of its grant.
const clientRegistrationTTL = 30 * 24 * time.Hour

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
	client, err := s.lookupClient(ctx, q.Get("client_id"), s.cfg.ClientIP(r))
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
	// From here on, errors go back to the (registered) redirect URI.
	state := q.Get("state")
	fail := func(code, desc string) {
		s.log.Info("oauth: authorization refused", "client_id", client.ID, "error", code, "reason", desc)
		s.redirectResult(w, r, redirectURI, url.Values{"error": {code}, "error_description": {desc}}, state)
	}
	if rt := q.Get("response_type"); rt != "code" {
		fail("unsupported_response_type", "response_type must be code")
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
		fail("invalid_target", "resource must be "+s.resource)
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
		Scope:         q.Get("scope"),
		BrowserHash:   hashSecret(browser),
		Expires:       s.now().Add(DefaultSignInTTL).Unix(),
	}
	if err := putJSON(ctx, s.store, keyPending+p.ID, &p, unixTime(p.Expires)); err != nil {
		s.log.Error("oauth: storing a sign-in failed", "error", err)
		fail("temporarily_unavailable", "the sign-in could not be stored; try again")
		return
	}
	s.log.Info("oauth: sign-in started", "client_id", client.ID)
	http.Redirect(w, r, SignInPath+"?request="+url.QueryEscape(p.ID), http.StatusSeeOther)
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
	client, err := s.lookupClient(r.Context(), p.ClientID, s.cfg.ClientIP(r))
	if err != nil {
		s.renderError(w, http.StatusBadRequest, "This app can no longer sign in here.")
		return
	}
	name := client.displayName()
	if client.MetadataDocument && client.Name != "" {
		name += " (" + hostOf(client.ID) + ")"
	}
	s.renderSignIn(w, status, signInView{
		ClientName:   name,
		Unverified:   !client.MetadataDocument,
		RedirectHost: hostOf(p.RedirectURI),
		Message:      msg,
		RequestID:    p.ID,
		CSRF:         s.keys.csrfToken(p.ID, browser),
	}, p.RedirectURI)
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
	switch form.Get("method") {
	case "cancel":
		_ = s.store.Delete(ctx, keyPending+p.ID)
		s.log.Info("oauth: sign-in cancelled", "client_id", p.ClientID)
		s.redirectResult(w, r, p.RedirectURI, url.Values{"error": {"access_denied"}, "error_description": {"the person cancelled the sign-in"}}, p.State)
	case "lofty":
		if !s.cfg.Lofty.oauthEnabled() {
			s.showSignIn(w, r, http.StatusBadRequest, p, browser, "Sign in with Lofty is not set up on this server; paste an API key instead.")
			return
		}
		state := newSecret("")
		if err := putJSON(ctx, s.store, keyLoftyState+hashSecret(state), loftyStateRecord{RequestID: p.ID}, unixTime(p.Expires)); err != nil {
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
	if !s.limits.allowKeyAttempt(p.ID, s.cfg.ClientIP(r), s.now()) {
		s.log.Warn("oauth: API key attempts rate limited", "client_id", p.ClientID)
		w.Header().Set("Retry-After", "60")
		s.showSignIn(w, r, http.StatusTooManyRequests, p, browser, "Too many attempts. Wait a minute, then try again.")
		return
	}
	if len(key) > 1024 || strings.ContainsAny(key, " \t\r\n") {
		s.showSignIn(w, r, http.StatusBadRequest, p, browser, "That does not look like a Lofty API key: it should be one word, with no spaces. Copy it again from Lofty.")
		return
	}
	cred := lofty.Credential{Kind: lofty.APIKey, Secret: key, Source: "the pasted API key"}
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	_, err := s.lofty.Me(lofty.WithCredential(cctx, cred))
	if err != nil {
		var le *lofty.Error
		kind := lofty.KindUnknown
		if errors.As(err, &le) {
			kind = le.Kind
		}
		s.log.Info("oauth: API key sign-in failed", "client_id", p.ClientID, "lofty_error", kind.String())
		switch kind {
		case lofty.KindUnauthorized, lofty.KindBadRequest, lofty.KindForbidden:
			s.showSignIn(w, r, http.StatusBadRequest, p, browser, "Lofty did not accept this API key. Check that you copied the whole key, and that it has not been revoked.")
		case lofty.KindRateLimited:
			s.showSignIn(w, r, http.StatusServiceUnavailable, p, browser, "Lofty is limiting requests right now. Wait a minute, then try again.")
		default:
			s.showSignIn(w, r, http.StatusServiceUnavailable, p, browser, "Lofty could not be reached to check the key. Try again in a minute.")
		}
		return
	}
	s.completeSignIn(w, r, p, browser, MethodAPIKey, sealedCredential{APIKey: key})
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
	now := s.now()
	codeExp := now.Add(DefaultCodeTTL)
	// Until its code is redeemed, the grant lives no longer than the code.
	g, err := s.newGrant(ctx, p, method, cred, codeExp.Add(time.Minute))
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
	p, browser, ok := s.loadPending(w, r, ls.RequestID)
	if !ok {
		return
	}
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
	s.completeSignIn(w, r, p, browser, MethodLofty, sealedCredential{
		AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: s.now().Add(tok.ExpiresIn),
	})
}

// ---- client authentication at the token and revocation endpoints ----

type clientAuthError struct {
	basic bool
	desc  string
}

// authenticateClient identifies the client of a token or revocation
// request: HTTP Basic, or client_id (+ client_secret) in the form.
func (s *Server) authenticateClient(r *http.Request, form url.Values) (*clientRecord, *clientAuthError, error) {
	id, secret, basic := r.BasicAuth()
	if basic {
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return nil, &clientAuthError{true, "the Basic credentials are not form-encoded"}, nil
		}
		if form.Has("client_secret") {
			return nil, &clientAuthError{true, "authenticate with one method only"}, nil
		}
		if fid := form.Get("client_id"); fid != "" && fid != id {
			return nil, &clientAuthError{true, "client_id differs from the Basic credentials"}, nil
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	if id == "" {
		return nil, &clientAuthError{basic, "client_id is required"}, nil
	}
	c, err := s.lookupClient(r.Context(), id, s.cfg.ClientIP(r))
	if err != nil {
		var ce *clientError
		if errors.As(err, &ce) {
			return nil, &clientAuthError{basic, "unknown client: " + ce.msg}, nil
		}
		return nil, nil, err
	}
	switch c.AuthMethod {
	case "none":
		if secret != "" {
			return nil, &clientAuthError{basic, "this client was registered without a secret (token_endpoint_auth_method none)"}, nil
		}
	default:
		if secret == "" || !equalSecret(hashSecret(secret), c.SecretHash) {
			return nil, &clientAuthError{basic, "client authentication failed"}, nil
		}
	}
	return c, nil, nil
}

func (s *Server) clientAuthFailed(w http.ResponseWriter, e *clientAuthError) {
	if e.basic {
		w.Header().Set("WWW-Authenticate", `Basic realm="lofty-mcp"`)
	}
	oauthError(w, http.StatusUnauthorized, "invalid_client", e.desc)
}

// ---- /oauth/token ----

// clientForm reads a POSTed form and authenticates the client that sent it
// (the token and revocation endpoints), answering the error itself when
// either fails.
func (s *Server) clientForm(w http.ResponseWriter, r *http.Request, what string) (url.Values, *clientRecord, bool) {
	form, problem := readForm(w, r)
	if problem != "" {
		status := http.StatusBadRequest
		if r.Method != http.MethodPost {
			status = http.StatusMethodNotAllowed
		}
		oauthError(w, status, "invalid_request", problem)
		return nil, nil, false
	}
	client, authErr, err := s.authenticateClient(r, form)
	if err != nil {
		s.log.Error("oauth: client lookup failed", "error", err)
		oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "try again shortly")
		return nil, nil, false
	}
	if authErr != nil {
		s.log.Info("oauth: "+what+" refused", "reason", authErr.desc)
		s.clientAuthFailed(w, authErr)
		return nil, nil, false
	}
	return form, client, true
}

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
	now := s.now()
	g.rec.Expires = now.Add(s.cfg.GrantTTL).Unix()
	if err := putJSON(ctx, s.store, keyGrant+g.rec.ID, &g.rec, unixTime(g.rec.Expires)); err != nil {
		s.log.Error("oauth: storing a grant failed", "error", err)
		oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "try again shortly")
		return
	}
	if !client.MetadataDocument && client.Expires < g.rec.Expires {
		client.Expires = g.rec.Expires
		if err := putJSON(ctx, s.store, keyClient+client.ID, client, unixTime(client.Expires)); err != nil {
			s.log.Warn("oauth: extending a client registration failed", "client_id", client.ID, "error", err)
		}
	}
	s.issueTokens(w, r, &g.rec, "authorization_code")
}

func (s *Server) tokenFromRefresh(w http.ResponseWriter, r *http.Request, client *clientRecord, form url.Values) {
	ctx := r.Context()
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
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the sign-in behind this refresh token has ended or was revoked: sign in again")
		return
	}
	s.issueTokens(w, r, &g.rec, "refresh_token")
}

// issueTokens writes a new access token and refresh token for grant g.
func (s *Server) issueTokens(w http.ResponseWriter, r *http.Request, g *grantRecord, how string) {
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
	base := tokenRecord{GrantID: g.ID, ClientID: g.ClientID, Resource: g.Resource, Scope: g.Scope}
	atRec, rtRec := base, base
	atRec.Expires, rtRec.Expires = atExp.Unix(), rtExp.Unix()
	if err := putJSON(ctx, s.store, keyAccess+hashSecret(at), &atRec, atExp); err != nil {
		s.log.Error("oauth: storing an access token failed", "error", err)
		oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "try again shortly")
		return
	}
	if err := putJSON(ctx, s.store, keyRefresh+hashSecret(rt), &rtRec, rtExp); err != nil {
		s.log.Error("oauth: storing a refresh token failed", "error", err)
		oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "try again shortly")
		return
	}
	s.log.Info("oauth: tokens issued", "client_id", g.ClientID, "grant", g.ID, "grant_type", how)
	resp := map[string]any{
		"access_token":  at,
		"token_type":    "Bearer",
		"expires_in":    int64(atExp.Sub(now) / time.Second),
		"refresh_token": rt,
	}
	if g.Scope != "" {
		resp["scope"] = g.Scope
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

// ---- /oauth/revoke (RFC 7009) ----

func (s *Server) serveRevoke(w http.ResponseWriter, r *http.Request) {
	form, client, ok := s.clientForm(w, r, "revocation")
	if !ok {
		return
	}
	token := form.Get("token")
	if token == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "token is required")
		return
	}
	ctx := r.Context()
	h := hashSecret(token)
	order := []string{keyAccess, keyRefresh}
	if form.Get("token_type_hint") == "refresh_token" {
		slices.Reverse(order)
	}
	for _, prefix := range order {
		var tr tokenRecord
		if getJSON(ctx, s.store, prefix+h, &tr) != nil {
			continue
		}
		if tr.ClientID != client.ID {
			break // not this client's: nothing is revoked, nothing is told
		}
		_ = s.store.Delete(ctx, prefix+h)
		if prefix == keyRefresh { // a refresh token stands for the whole grant
			s.revokeGrant(ctx, tr.GrantID, "refresh token revoked by the client")
		} else {
			s.log.Info("oauth: access token revoked", "client_id", client.ID, "grant", tr.GrantID)
		}
		break
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}
