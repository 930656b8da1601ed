package transport

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// FuzzRequestCredential: whatever the X-Lofty-Api-Key and
// X-Lofty-Access-Token headers hold, requestCredential never panics, and:
//   - a credential is taken only from exactly one header given once, and is
//     that header's value trimmed, with no space or control character in it,
//     of the header's kind;
//   - neither an error nor the credential's Source repeats what the headers
//     held (8 characters or more: shorter values are found in any text).
//
// Seeds: testdata/fuzz/FuzzRequestCredential.
func FuzzRequestCredential(f *testing.F) {
	f.Add("lk_live_0123456789", "", false)
	f.Add("", "oauth-token-abcdef", false)
	f.Add("key-one", "token-two", false)
	f.Add("  spaced key  ", "", true)
	f.Add("a\x00b", "", false)
	f.Fuzz(func(t *testing.T, key, token string, twice bool) {
		h := http.Header{}
		if key != "" {
			h.Add(HeaderLoftyAPIKey, key)
			if twice {
				h.Add(HeaderLoftyAPIKey, key)
			}
		}
		if token != "" {
			h.Add(HeaderLoftyAccessToken, token)
		}
		cred, ok, err := requestCredential(h)
		if err != nil {
			if ok {
				t.Fatal("a credential and an error")
			}
			for _, v := range []string{strings.TrimSpace(key), strings.TrimSpace(token)} {
				if len(v) >= 8 && strings.Contains(err.Error(), v) {
					t.Fatalf("the error %q repeats a header value", err)
				}
			}
			return
		}
		k, tok := strings.TrimSpace(key), strings.TrimSpace(token)
		switch {
		case !ok:
			if k != "" || tok != "" {
				t.Fatalf("headers %q / %q: no credential and no error", key, token)
			}
		case cred.Kind == lofty.APIKey:
			if cred.Secret != k || tok != "" || twice {
				t.Fatalf("API key %q from %q / %q (twice %v)", cred.Secret, key, token, twice)
			}
		case cred.Kind == lofty.AccessToken:
			if cred.Secret != tok || k != "" {
				t.Fatalf("access token %q from %q / %q", cred.Secret, key, token)
			}
		default:
			t.Fatalf("credential of kind %v", cred.Kind)
		}
		if ok && (cred.Secret == "" || strings.ContainsFunc(cred.Secret, func(r rune) bool { return r <= ' ' || r == 0x7f }) ||
			(len(cred.Secret) >= 8 && strings.Contains(cred.Source, cred.Secret))) {
			t.Fatalf("credential %q (source %q)", cred.Secret, cred.Source)
		}
	})
}

// FuzzOriginGuard: whatever the Host and Origin, originGuard never panics,
// and:
//   - a refused Host or Origin gets 403 and is never echoed in
//     Access-Control-Allow-Origin;
//   - Access-Control-Allow-Origin, when sent, is exactly the request's
//     Origin, which is then a bare scheme://host[:port] (no user
//     information, path, query or fragment) that the policy allows.
//
// Seeds: testdata/fuzz/FuzzOriginGuard (the issue's
// http://evil.com@localhost and http://localhost/path among them).
func FuzzOriginGuard(f *testing.F) {
	f.Add("localhost:8080", "http://localhost:6274")
	f.Add("localhost", "http://evil.com@localhost")
	f.Add("localhost", "http://localhost/path")
	f.Add("127.0.0.1", "null")
	f.Add("evil.example", "")
	f.Add("mcp.example.com", "https://app.example.com")
	f.Add("localhost", "https://APP.example.com:443")
	policy, err := newOriginPolicy("127.0.0.1:8080", []string{"mcp.example.com"}, []string{"https://app.example.com"})
	if err != nil {
		f.Fatal(err)
	}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	guard := originGuard(policy)(next)
	f.Fuzz(func(t *testing.T, host, origin string) {
		req := httptest.NewRequest("POST", "http://127.0.0.1/mcp", nil)
		req.Host = host
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		rec := httptest.NewRecorder()
		guard.ServeHTTP(rec, req)
		acao := rec.Header().Get("Access-Control-Allow-Origin")
		hostOK := policy.hostAllowed(host)
		originOK := origin == "" || policy.originAllowed(origin)
		if !hostOK || !originOK {
			if rec.Code != http.StatusForbidden || acao != "" {
				t.Fatalf("Host %q Origin %q: status %d, ACAO %q; want 403 and no ACAO", host, origin, rec.Code, acao)
			}
			return
		}
		if rec.Code != http.StatusTeapot {
			t.Fatalf("Host %q Origin %q allowed, but status %d", host, origin, rec.Code)
		}
		if acao == "" {
			if origin != "" {
				t.Fatalf("allowed Origin %q got no ACAO", origin)
			}
			return
		}
		scheme, hostport, ok := parseOrigin(acao)
		if acao != origin || !ok || scheme == "" || strings.ContainsAny(hostport, "@/?#\\ ") {
			t.Fatalf("ACAO %q for Origin %q", acao, origin)
		}
	})
}
