package oauth

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"time"
)

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
	addr := s.clientAddr(r)
	if !s.limits.allowRegister(addr, s.now()) {
		s.log.Info("oauth: client registrations rate limited", "address", addr)
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
	if code, desc := checkClientMetadata(req.RedirectURIs, req.ClientName, req.ClientURI, req.Scope); code != "" {
		registrationError(w, code, desc)
		return
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
		GrantTypes:   distinct(req.GrantTypes),
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
	// Until someone signs in with it, a registration counts against its
	// address's and everyone's bound; past one, the oldest unused goes.
	for _, id := range s.unusedClients.add(rec.ID, []string{addr}, now) {
		s.dropUnusedClient(r.Context(), id)
	}
	resp := map[string]any{
		"client_id":                  rec.ID,
		"client_id_issued_at":        rec.IssuedAt,
		"redirect_uris":              rec.RedirectURIs,
		"token_endpoint_auth_method": method,
		"grant_types":                rec.GrantTypes,
		"response_types":             distinct(req.ResponseTypes),
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

// dropUnusedClient deletes registration id unless someone has signed in
// with it meanwhile (on another replica, say): then it is no longer a
// stranger's record to bound.
func (s *Server) dropUnusedClient(ctx context.Context, id string) {
	var rec clientRecord
	if err := getJSON(ctx, s.store, keyClient+id, &rec); err != nil || rec.SignedIn {
		return
	}
	if err := s.store.Delete(ctx, keyClient+id); err != nil {
		s.log.Warn("oauth: dropping an unused client registration failed", "client_id", id, "error", err)
		return
	}
	s.log.Info("oauth: unused client registration dropped: too many at once", "client_id", id)
}

// distinct is list without repeated values, in order.
func distinct(list []string) []string {
	var out []string
	for _, v := range list {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
