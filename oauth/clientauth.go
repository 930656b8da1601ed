package oauth

import (
	"errors"
	"net/http"
	"net/url"
)

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
	c, err := s.lookupClient(r.Context(), id, s.clientAddr(r))
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
