package oauth

import (
	"net/http"
	"slices"
)

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
