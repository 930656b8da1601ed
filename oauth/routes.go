package oauth

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
)

const maxFormBytes = 64 << 10

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	// RFC 9728: the path-suffixed document describes the resource at that
	// path (PublicURL/mcp, or one of its selections); the root one is
	// served for clients that probe it first, naming /mcp.
	mux.HandleFunc(ProtectedResourcePath+"/", s.serveResourceMetadata)
	mux.HandleFunc(ProtectedResourcePath, s.serveResourceMetadata)
	mux.HandleFunc(AuthServerMetadataPath, s.serveMetadata)
	mux.HandleFunc(AuthorizePath, s.serveAuthorize)
	mux.HandleFunc(SignInPath, s.serveSignIn)
	mux.HandleFunc(LoftyCallbackPath, s.serveLoftyCallback)
	mux.HandleFunc(AccountPath, s.serveAccount)
	mux.HandleFunc(PrivacyPath, s.servePrivacy)
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
