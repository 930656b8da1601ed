package oauth

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestMetadataDocuments(t *testing.T) {
	h := newHarness(t)
	m := h.metadata()
	want := map[string]any{
		"issuer":                 h.ts.URL,
		"authorization_endpoint": h.ts.URL + AuthorizePath,
		"token_endpoint":         h.ts.URL + TokenPath,
		"registration_endpoint":  h.ts.URL + RegisterPath,
		"revocation_endpoint":    h.ts.URL + RevokePath,
		"authorization_response_iss_parameter_supported": true,
		"client_id_metadata_document_supported":          true,
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("metadata %s = %v, want %v", k, m[k], v)
		}
	}
	if got, _ := json.Marshal(m["code_challenge_methods_supported"]); string(got) != `["S256"]` {
		t.Errorf("code_challenge_methods_supported = %s, want only S256", got)
	}
	for _, path := range []string{ProtectedResourcePath, ProtectedResourcePath + ResourcePath} {
		resp, err := http.Get(h.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		var prm map[string]any
		json.NewDecoder(resp.Body).Decode(&prm)
		resp.Body.Close()
		if resp.StatusCode != 200 || prm["resource"] != h.ts.URL+ResourcePath {
			t.Errorf("%s: HTTP %d, resource %v", path, resp.StatusCode, prm["resource"])
		}
		if as, _ := prm["authorization_servers"].([]any); len(as) != 1 || as[0] != h.ts.URL {
			t.Errorf("%s: authorization_servers %v", path, prm["authorization_servers"])
		}
	}
	// No token: 401 naming the resource metadata and the scopes to ask
	// for, without error=.
	status, _, hdr := h.call("")
	wantChallenge := `Bearer resource_metadata="` + h.ts.URL + `/.well-known/oauth-protected-resource/mcp", scope="lofty:read lofty:write"`
	if status != 401 || hdr.Get("WWW-Authenticate") != wantChallenge {
		t.Errorf("no token: HTTP %d, WWW-Authenticate %q, want %q", status, hdr.Get("WWW-Authenticate"), wantChallenge)
	}
	// A token this server never issued.
	status, _, hdr = h.call("lmcp_at_made-up")
	if status != 401 || !strings.Contains(hdr.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("unknown token: HTTP %d, %q", status, hdr.Get("WWW-Authenticate"))
	}
}

func TestPKCERefusals(t *testing.T) {
	h := newHarness(t)
	c := h.register(nil)

	t.Run("wrong verifier", func(t *testing.T) {
		code := c.code(c.signIn("api_key", goodKey))
		right := c.verifier
		c.verifier = oauth2.GenerateVerifier()
		if _, err := c.exchange(code); oauthErrorCode(err) != "invalid_grant" {
			t.Fatalf("wrong verifier: %v", err)
		}
		c.verifier = right // the code is spent: the right verifier is too late
		if _, err := c.exchange(code); oauthErrorCode(err) != "invalid_grant" {
			t.Fatalf("the code must be spent after a failed verification: %v", err)
		}
	})
	t.Run("no verifier", func(t *testing.T) {
		code := c.code(c.signIn("api_key", goodKey))
		_, err := c.conf.Exchange(context.Background(), code)
		if oauthErrorCode(err) != "invalid_request" {
			t.Fatalf("no verifier: %v", err)
		}
	})
	// Every client here registered itself, so an error is shown on this
	// server's page and the browser is sent nowhere (RFC 9700 section
	// 4.11.2): a redirect would make this server an open redirector.
	for name, tc := range map[string]struct {
		extra map[string]string
		want  string
	}{
		"plain method":      {map[string]string{"code_challenge_method": "plain"}, "code_challenge_method must be S256"},
		"no method":         {map[string]string{"code_challenge_method": ""}, "code_challenge_method must be S256"},
		"no challenge":      {map[string]string{"code_challenge": "", "code_challenge_method": ""}, "code_challenge is required"},
		"short challenge":   {map[string]string{"code_challenge": "abc"}, "code_challenge is not"},
		"response_type":     {map[string]string{"response_type": "token"}, "response_type must be code"},
		"another resource":  {map[string]string{"resource": "https://other.example.com/mcp"}, "resource must be " + h.ts.URL + "/mcp"},
		"a resource prefix": {map[string]string{"resource": h.ts.URL + "/mc"}, "resource must be"},
	} {
		t.Run(name, func(t *testing.T) {
			p := c.get(c.authURL(tc.extra))
			if p.status != http.StatusBadRequest || p.header.Get("Location") != "" || !strings.Contains(p.message(), tc.want) {
				t.Fatalf("HTTP %d, Location %q, message %q; want 400 on this server's page saying %q",
					p.status, p.header.Get("Location"), p.message(), tc.want)
			}
		})
	}
}

// TestAuthorizeErrorsDoNotRedirectAnywhere: the open redirect of a
// self-registered client. Anyone can register https://evil.example as a
// redirect URI; a link to this server's authorization endpoint with a bad
// parameter must not bounce a browser there.
func TestAuthorizeErrorsDoNotRedirectAnywhere(t *testing.T) {
	h := newHarness(t)
	evil := h.register(map[string]any{"redirect_uris": []string{"https://evil.example/landing"}})
	u := h.ts.URL + AuthorizePath + "?" + url.Values{"client_id": {evil.id}, "response_type": {"token"}}.Encode()
	p := evil.get(u)
	if p.status != http.StatusBadRequest || p.header.Get("Location") != "" || strings.Contains(p.url.String(), "evil.example") {
		t.Fatalf("HTTP %d, Location %q: an error of a self-registered client must be shown here, not redirected", p.status, p.header.Get("Location"))
	}
	if !strings.Contains(p.message(), "response_type must be code") {
		t.Errorf("message %q does not say what was wrong", p.message())
	}
}

func TestCodeReuseRevokes(t *testing.T) {
	h := newHarness(t)
	c := h.register(nil)
	code := c.code(c.signIn("api_key", goodKey))
	tok, err := c.exchange(code)
	if err != nil {
		t.Fatal(err)
	}
	if status, _, _ := h.call(tok.AccessToken); status != 200 {
		t.Fatalf("HTTP %d", status)
	}
	if _, err := c.exchange(code); oauthErrorCode(err) != "invalid_grant" {
		t.Fatalf("reused code: %v", err)
	}
	if status, _, _ := h.call(tok.AccessToken); status != 401 {
		t.Fatalf("after the code was replayed its tokens must be revoked: HTTP %d", status)
	}
}

func TestCodeExpires(t *testing.T) {
	h := newHarness(t)
	c := h.register(nil)
	code := c.code(c.signIn("api_key", goodKey))
	h.clock.Advance(DefaultCodeTTL + time.Second)
	if _, err := c.exchange(code); oauthErrorCode(err) != "invalid_grant" {
		t.Fatalf("expired code: %v", err)
	}
}

func TestRedirectURIExactMatch(t *testing.T) {
	h := newHarness(t)
	c := h.register(map[string]any{"redirect_uris": []string{"http://127.0.0.1:9/callback", "https://app.example.com/cb?x=1"}})
	for _, uri := range []string{
		"http://127.0.0.1:9/callback/",
		"http://127.0.0.1:10/callback",
		"http://localhost:9/callback",
		"http://127.0.0.1:9/Callback",
		"https://app.example.com/cb",
		"https://app.example.com/cb?x=1&y=2",
		"https://evil.example.com/cb",
	} {
		p := c.get(c.authURL(map[string]string{"redirect_uri": uri}))
		if p.status != http.StatusBadRequest || p.header.Get("Location") != "" || !strings.Contains(p.message(), "did not register") {
			t.Errorf("redirect_uri %s: HTTP %d, Location %q, message %q", uri, p.status, p.header.Get("Location"), p.message())
		}
	}
	// No redirect_uri with two registered: refused; the exact one works.
	if p := c.get(c.authURL(map[string]string{"redirect_uri": ""})); p.status != http.StatusBadRequest {
		t.Errorf("no redirect_uri: HTTP %d", p.status)
	}
	if p := c.get(c.authURL(map[string]string{"redirect_uri": "https://app.example.com/cb?x=1"})); p.status != 200 {
		t.Errorf("registered redirect_uri with a query: HTTP %d", p.status)
	}
	// The token request must repeat the redirect_uri exactly.
	code := c.code(c.signIn("api_key", goodKey))
	c.conf.RedirectURL = "http://127.0.0.1:9/callback/"
	if _, err := c.exchange(code); oauthErrorCode(err) != "invalid_grant" {
		t.Errorf("token request with another redirect_uri: %v", err)
	}
}

func TestRegistrationRefusals(t *testing.T) {
	h := newHarness(t)
	for name, meta := range map[string]map[string]any{
		"no redirect_uris":      {"client_name": "x"},
		"http not loopback":     {"redirect_uris": []string{"http://app.example.com/cb"}},
		"custom scheme":         {"redirect_uris": []string{"myapp://cb"}},
		"fragment":              {"redirect_uris": []string{"https://app.example.com/cb#x"}},
		"relative":              {"redirect_uris": []string{"/cb"}},
		"unknown auth method":   {"redirect_uris": []string{"https://a.example.com/cb"}, "token_endpoint_auth_method": "private_key_jwt"},
		"implicit grant":        {"redirect_uris": []string{"https://a.example.com/cb"}, "grant_types": []string{"implicit"}},
		"token response":        {"redirect_uris": []string{"https://a.example.com/cb"}, "response_types": []string{"token"}},
		"redirect_uris not str": {"redirect_uris": "https://a.example.com/cb"},
	} {
		status, body := h.postJSON(RegisterPath, meta)
		var e map[string]string
		json.Unmarshal(body, &e)
		if status != 400 || (e["error"] != "invalid_redirect_uri" && e["error"] != "invalid_client_metadata") || e["error_description"] == "" {
			t.Errorf("%s: HTTP %d %s", name, status, body)
		}
	}
	// Loopback http in every spelling is accepted.
	status, body := h.postJSON(RegisterPath, map[string]any{"redirect_uris": []string{
		"http://127.0.0.1:33418/cb", "http://[::1]:33418/cb", "http://localhost:33418/cb", "https://app.example.com/cb"}})
	if status != 201 {
		t.Errorf("loopback redirect URIs: HTTP %d %s", status, body)
	}
}

func TestConfidentialClient(t *testing.T) {
	h := newHarness(t)
	c := h.register(map[string]any{"token_endpoint_auth_method": "client_secret_basic"})
	if !strings.HasPrefix(c.secret, prefixSecret) {
		t.Fatalf("no client secret issued")
	}
	h.addSecret(c.secret)
	code := c.code(c.signIn("api_key", goodKey))
	good := c.conf.ClientSecret
	c.conf.ClientSecret = good + "x"
	if _, err := c.exchange(code); oauthErrorCode(err) != "invalid_client" {
		t.Fatalf("wrong client secret: %v", err)
	}
	c.conf.ClientSecret = good
	code = c.code(c.signIn("api_key", goodKey))
	if _, err := c.exchange(code); err != nil {
		t.Fatalf("right client secret: %v", err)
	}
}

func TestRevocation(t *testing.T) {
	h := newHarness(t)
	c := h.register(nil)

	tok := c.login("api_key", goodKey)
	status, _ := h.postForm(RevokePath, url.Values{"client_id": {c.id}, "token": {tok.AccessToken}})
	if status != 200 {
		t.Fatalf("revoke access token: HTTP %d", status)
	}
	if s, _, _ := h.call(tok.AccessToken); s != 401 {
		t.Fatalf("revoked access token: HTTP %d", s)
	}
	// Another client cannot revoke this client's refresh token.
	other := h.register(nil)
	h.postForm(RevokePath, url.Values{"client_id": {other.id}, "token": {tok.RefreshToken}})
	tok.Expiry = time.Now().Add(-time.Second)
	fresh, err := c.conf.TokenSource(context.Background(), tok).Token()
	if err != nil {
		t.Fatalf("refresh after another client's revocation attempt: %v", err)
	}
	// Revoking the refresh token ends the grant: its access tokens too.
	status, _ = h.postForm(RevokePath, url.Values{"client_id": {c.id}, "token": {fresh.RefreshToken}, "token_type_hint": {"refresh_token"}})
	if status != 200 {
		t.Fatalf("revoke refresh token: HTTP %d", status)
	}
	if s, _, _ := h.call(fresh.AccessToken); s != 401 {
		t.Fatalf("access token of a revoked grant: HTTP %d", s)
	}
	fresh.Expiry = time.Now().Add(-time.Second)
	if _, err := c.conf.TokenSource(context.Background(), fresh).Token(); oauthErrorCode(err) != "invalid_grant" {
		t.Fatalf("revoked refresh token: %v", err)
	}
	// Unknown tokens: 200 (RFC 7009); no token: 400.
	if s, _ := h.postForm(RevokePath, url.Values{"client_id": {c.id}, "token": {"nonsense"}}); s != 200 {
		t.Errorf("unknown token: HTTP %d", s)
	}
	if s, _ := h.postForm(RevokePath, url.Values{"client_id": {c.id}}); s != 400 {
		t.Errorf("no token: HTTP %d", s)
	}
}

func TestRotatedRefreshTokenReuseRevokesGrant(t *testing.T) {
	h := newHarness(t)
	c := h.register(nil)
	tok := c.login("api_key", goodKey)
	old := *tok
	tok.Expiry = time.Now().Add(-time.Second)
	fresh, err := c.conf.TokenSource(context.Background(), tok).Token()
	if err != nil {
		t.Fatal(err)
	}
	// The rotated-out refresh token is refused, and its use revokes the
	// grant: the new tokens stop working too.
	old.Expiry = time.Now().Add(-time.Second)
	if _, err := c.conf.TokenSource(context.Background(), &old).Token(); oauthErrorCode(err) != "invalid_grant" {
		t.Fatalf("rotated-out refresh token: %v", err)
	}
	if s, _, _ := h.call(fresh.AccessToken); s != 401 {
		t.Fatalf("after refresh-token reuse the grant must be revoked: HTTP %d", s)
	}
	fresh.Expiry = time.Now().Add(-time.Second)
	if _, err := c.conf.TokenSource(context.Background(), fresh).Token(); oauthErrorCode(err) != "invalid_grant" {
		t.Fatalf("refresh token of the revoked grant: %v", err)
	}
	if !strings.Contains(h.logs.String(), "refresh token reused") {
		t.Error("the reuse is not logged")
	}
}

// TestRefreshTokensOnlyForTheRefreshGrant: a client registered without
// the refresh_token grant type (RFC 7591's default is authorization_code
// alone) gets no refresh token, and the refresh grant is refused to it.
func TestRefreshTokensOnlyForTheRefreshGrant(t *testing.T) {
	h := newHarness(t)
	for name, grants := range map[string]any{
		"grant_types omitted":        nil,
		"authorization_code only":    []string{"authorization_code"},
		"both":                       []string{"authorization_code", "refresh_token"},
		"both, authorization_code 2": []string{"refresh_token", "authorization_code", "authorization_code"},
	} {
		t.Run(name, func(t *testing.T) {
			c := h.register(map[string]any{"grant_types": grants})
			tok := c.login("api_key", goodKey)
			wantRefresh := name == "both" || name == "both, authorization_code 2"
			if (tok.RefreshToken != "") != wantRefresh {
				t.Fatalf("refresh token issued: %t, want %t", tok.RefreshToken != "", wantRefresh)
			}
			if wantRefresh {
				return
			}
			status, body := h.postForm(TokenPath, url.Values{"client_id": {c.id}, "grant_type": {"refresh_token"}, "refresh_token": {"lmcp_rt_x"}})
			if status != http.StatusBadRequest || body["error"] != "unauthorized_client" {
				t.Fatalf("refresh grant for a client registered without it: HTTP %d %v", status, body)
			}
		})
	}
}

func TestRefreshTokenExpires(t *testing.T) {
	h := newHarness(t)
	c := h.register(nil)
	tok := c.login("api_key", goodKey)
	h.clock.Advance(DefaultRefreshTokenTTL + time.Hour)
	tok.Expiry = time.Now().Add(-time.Second)
	if _, err := c.conf.TokenSource(context.Background(), tok).Token(); oauthErrorCode(err) != "invalid_grant" {
		t.Fatalf("expired refresh token: %v", err)
	}
}

// TestTokenForAnotherResource: a token issued by a server whose resource
// is different (another PublicURL sharing the store) is refused.
func TestTokenForAnotherResource(t *testing.T) {
	h := newHarness(t)
	c := h.register(nil)
	code := c.code(c.signIn("api_key", goodKey))
	_, err := c.conf.Exchange(context.Background(), code, oauth2.VerifierOption(c.verifier),
		oauth2.SetAuthURLParam("resource", "https://other.example.com/mcp"))
	if oauthErrorCode(err) != "invalid_target" {
		t.Fatalf("token request for another resource: %v", err)
	}

	tok := c.login("api_key", goodKey)
	h.cfg.PublicURL = strings.Replace(h.ts.URL, "127.0.0.1", "localhost", 1)
	h.start()
	status, _, hdr := h.call(tok.AccessToken)
	if status != 401 || !strings.Contains(hdr.Get("WWW-Authenticate"), "another resource") {
		t.Fatalf("token for another resource: HTTP %d %q", status, hdr.Get("WWW-Authenticate"))
	}
}

func TestSignInPageRefusals(t *testing.T) {
	h := newHarness(t)
	c := h.register(nil)
	p := c.get(c.authURL(nil))
	if p.status != 200 {
		t.Fatalf("HTTP %d", p.status)
	}
	csp := p.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "style-src 'nonce-", "form-action 'self' http://127.0.0.1:9"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if p.header.Get("X-Frame-Options") != "DENY" || strings.Contains(p.body, "<script") {
		t.Error("the page must not be framable nor carry script")
	}
	if !strings.Contains(p.body, "Test Client") || !strings.Contains(p.body, "127.0.0.1:9") {
		t.Error("the page does not show the client's name and redirect host")
	}

	t.Run("missing CSRF token", func(t *testing.T) {
		got := c.submit(p, map[string]string{"method": "api_key", "api_key": goodKey, "csrf": "\x00"})
		if got.status != http.StatusForbidden || got.header.Get("Location") != "" {
			t.Fatalf("HTTP %d", got.status)
		}
	})
	t.Run("wrong CSRF token", func(t *testing.T) {
		got := c.submit(p, map[string]string{"method": "api_key", "api_key": goodKey, "csrf": "AAAA" + p.field("csrf")[4:]})
		if got.status != http.StatusForbidden {
			t.Fatalf("HTTP %d", got.status)
		}
	})
	t.Run("another browser", func(t *testing.T) {
		stranger := h.clientFor(c.id, "", testRedirectURI) // its own cookie jar
		got := stranger.submit(p, map[string]string{"method": "api_key", "api_key": goodKey})
		if got.status != http.StatusForbidden || !strings.Contains(got.message(), "another browser") {
			t.Fatalf("HTTP %d %q", got.status, got.message())
		}
	})
	t.Run("wrong key, then the right one", func(t *testing.T) {
		got := c.submit(p, map[string]string{"method": "api_key", "api_key": "not-a-real-key"})
		if got.status != http.StatusBadRequest || !strings.Contains(got.message(), "Lofty did not accept this API key") || got.field("csrf") == "" {
			t.Fatalf("wrong key: HTTP %d, message %q", got.status, got.message())
		}
		if strings.Contains(got.body, "not-a-real-key") {
			t.Error("the page repeats the wrong key")
		}
		done := c.submit(got, map[string]string{"method": "api_key", "api_key": goodKey})
		if done.status != http.StatusSeeOther || c.code(done.url) == "" {
			t.Fatalf("right key after a wrong one: HTTP %d", done.status)
		}
		// The sign-in is used up.
		again := c.submit(got, map[string]string{"method": "api_key", "api_key": goodKey})
		if again.status != http.StatusBadRequest || !strings.Contains(again.message(), "expired or was already used") {
			t.Fatalf("second completion: HTTP %d %q", again.status, again.message())
		}
	})
	t.Run("cancel", func(t *testing.T) {
		p := c.get(c.authURL(nil))
		got := c.submit(p, map[string]string{"method": "cancel"})
		if got.status != http.StatusSeeOther || got.url.Query().Get("error") != "access_denied" || got.url.Query().Get("iss") != h.ts.URL {
			t.Fatalf("cancel: HTTP %d %s", got.status, got.url)
		}
	})
	t.Run("expired sign-in", func(t *testing.T) {
		p := c.get(c.authURL(nil))
		h.clock.Advance(DefaultSignInTTL + time.Second)
		got := c.submit(p, map[string]string{"method": "api_key", "api_key": goodKey})
		if got.status != http.StatusBadRequest || !strings.Contains(got.message(), "expired") {
			t.Fatalf("HTTP %d %q", got.status, got.message())
		}
	})
	t.Run("unknown client", func(t *testing.T) {
		p := c.get(strings.Replace(c.authURL(nil), url.QueryEscape(c.id), "lmcp_c_nope", 1))
		if p.status != 400 || !strings.Contains(p.message(), "not registered") {
			t.Fatalf("HTTP %d %q", p.status, p.message())
		}
	})
	t.Run("lofty not configured", func(t *testing.T) {
		p := c.get(c.authURL(nil))
		if strings.Contains(p.body, "Sign in with Lofty") {
			t.Error("the page offers Sign in with Lofty without a vendor app")
		}
		got := c.submit(p, map[string]string{"method": "lofty"})
		if got.status != 400 || !strings.Contains(got.message(), "not set up") {
			t.Fatalf("HTTP %d %q", got.status, got.message())
		}
	})
}

func TestKeyAttemptsRateLimited(t *testing.T) {
	h := newHarness(t)
	c := h.register(nil)
	p := c.get(c.authURL(nil))
	for i := range keyPerRequestBurst {
		got := c.submit(p, map[string]string{"method": "api_key", "api_key": "wrong-" + string(rune('a'+i))})
		if got.status != http.StatusBadRequest {
			t.Fatalf("attempt %d: HTTP %d %q", i+1, got.status, got.message())
		}
	}
	// Now even the right key waits.
	got := c.submit(p, map[string]string{"method": "api_key", "api_key": goodKey})
	if got.status != http.StatusTooManyRequests || !strings.Contains(got.message(), "Too many attempts") {
		t.Fatalf("attempt past the limit: HTTP %d %q", got.status, got.message())
	}
	h.clock.Advance(10 * time.Second)
	got = c.submit(p, map[string]string{"method": "api_key", "api_key": goodKey})
	if got.status != http.StatusSeeOther {
		t.Fatalf("after waiting: HTTP %d %q", got.status, got.message())
	}

	// Per address: new sign-ins from the same address share a budget.
	h.clock.Advance(time.Hour)
	refused := 0
	for i := range keyPerIPBurst + 2 {
		p := c.get(c.authURL(nil))
		got := c.submit(p, map[string]string{"method": "api_key", "api_key": "wrong-" + string(rune('a'+i))})
		if got.status == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused != 2 {
		t.Fatalf("%d of %d attempts from one address refused, want 2", refused, keyPerIPBurst+2)
	}
}

func TestLoftyCallbackRefusals(t *testing.T) {
	h := newHarness(t, withLoftyOAuth())
	c := h.register(nil)
	// A callback with a state this server never sent.
	got := c.get(h.ts.URL + LoftyCallbackPath + "?code=x&state=forged")
	if got.status != 400 || got.header.Get("Location") != "" {
		t.Fatalf("forged state: HTTP %d", got.status)
	}
	// The person denies access at Lofty: the sign-in page again, with a message.
	h.fake.EnableOAuth(loftytestApp(false))
	p := c.get(c.authURL(nil))
	fakePage := c.submit(p, map[string]string{"method": "lofty"})
	if fakePage.status != 200 || !strings.Contains(fakePage.body, `id="deny"`) {
		t.Fatalf("Lofty's page: HTTP %d", fakePage.status)
	}
	u := *fakePage.url
	q := u.Query()
	q.Set("approve", "0")
	u.RawQuery = q.Encode()
	back := c.get(u.String())
	if back.status != 200 || !strings.Contains(back.message(), "not completed") {
		t.Fatalf("denied at Lofty: HTTP %d %q", back.status, back.message())
	}
	// The state was used: replaying the callback fails.
	h.fake.EnableOAuth(loftytestApp(true))
	done := c.submit(back, map[string]string{"method": "lofty"})
	if done.status != http.StatusSeeOther || c.code(done.url) == "" {
		t.Fatalf("second try: HTTP %d %s", done.status, done.url)
	}
}
