package oauth

import (
	"bytes"
	"context"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAPIKeyFlow: a client registered with DCR signs a person in with a
// pasted API key, gets tokens with golang.org/x/oauth2, calls the protected
// endpoint (which sends the key to Lofty as "token <key>"), and refreshes
// after the access token expires.
func TestAPIKeyFlow(t *testing.T) {
	h := newHarness(t)
	c := h.register(nil)
	tok := c.login("api_key", goodKey)
	if tok.TokenType != "Bearer" || tok.RefreshToken == "" || !strings.HasPrefix(tok.AccessToken, prefixAccess) {
		t.Fatalf("token response: type %q, refresh %t, access prefix ok %t", tok.TokenType, tok.RefreshToken != "", strings.HasPrefix(tok.AccessToken, prefixAccess))
	}

	status, reply, _ := h.call(tok.AccessToken)
	if status != http.StatusOK {
		t.Fatalf("protected call: HTTP %d", status)
	}
	if reply.Kind != "api_key" || reply.Email != fakelofty.DemoMe["email"] || !strings.HasPrefix(reply.Grant, "g_") {
		t.Errorf("protected reply %+v", reply)
	}
	if got := h.lastAuthorization(); got != "token "+goodKey {
		t.Errorf("the fake Lofty saw Authorization %q, want the key as token", got)
	}
	if !strings.Contains(reply.Source, reply.Grant) || strings.Contains(reply.Source, goodKey) {
		t.Errorf("credential Source %q must name the grant and not the key", reply.Source)
	}

	// The access token expires: 401 invalid_token; the client refreshes.
	h.clock.Advance(DefaultAccessTokenTTL + time.Minute)
	status, _, hdr := h.call(tok.AccessToken)
	if status != http.StatusUnauthorized || !strings.Contains(hdr.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Fatalf("expired token: HTTP %d, WWW-Authenticate %q", status, hdr.Get("WWW-Authenticate"))
	}
	tok.Expiry = time.Now().Add(-time.Second) // tell x/oauth2 it expired too
	fresh, err := c.conf.TokenSource(context.Background(), tok).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if fresh.AccessToken == tok.AccessToken || fresh.RefreshToken == tok.RefreshToken {
		t.Fatal("refresh did not rotate both tokens")
	}
	status, reply2, _ := h.call(fresh.AccessToken)
	if status != http.StatusOK || reply2.Grant != reply.Grant {
		t.Fatalf("after refresh: HTTP %d, grant %q (was %q)", status, reply2.Grant, reply.Grant)
	}
}

// TestLoftySignInFlow: "Sign in with Lofty" through the fake's vendor
// authorization page and token endpoint; the protected endpoint sends
// Lofty's access token as Bearer; when it expires, N concurrent calls cause
// exactly one refresh at Lofty, and every call uses the new token.
func TestLoftySignInFlow(t *testing.T) {
	h := newHarness(t, withLoftyOAuth(), func(c *Config) { c.AccessTokenTTL = 24 * time.Hour })
	c := h.register(nil)
	tok := c.login("lofty", "")
	if n := h.fake.TokenGrants("authorization_code"); n != 1 {
		t.Fatalf("the fake answered %d authorization_code grants, want 1", n)
	}
	status, reply, _ := h.call(tok.AccessToken)
	if status != http.StatusOK || reply.Kind != "access_token" {
		t.Fatalf("protected call: HTTP %d %+v", status, reply)
	}
	first := h.lastAuthorization()
	if !strings.HasPrefix(first, "Bearer lofty-at-") {
		t.Fatalf("the fake saw Authorization %q, want Lofty's access token as Bearer", first)
	}

	// Lofty's access token (1h) expires; the old one is refused by Lofty.
	h.clock.Advance(time.Hour)
	h.fake.ExpireAccessTokens()
	const n = 12
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _, _ = h.call(tok.AccessToken)
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Errorf("concurrent call %d: HTTP %d", i, s)
		}
	}
	if got := h.fake.TokenGrants("refresh_token"); got != 1 {
		t.Fatalf("%d concurrent calls made %d refreshes at Lofty, want 1", n, got)
	}
	now := h.lastAuthorization()
	if now == first || !strings.HasPrefix(now, "Bearer lofty-at-") {
		t.Fatalf("after the refresh the fake saw %q (before: %q)", now, first)
	}

	// The renewed token was saved: a restarted server uses it without
	// another refresh.
	h.start()
	if status, _, _ := h.call(tok.AccessToken); status != http.StatusOK {
		t.Fatalf("after restart: HTTP %d", status)
	}
	if got := h.fake.TokenGrants("refresh_token"); got != 1 {
		t.Fatalf("after restart: %d refreshes, want still 1", got)
	}

	// Lofty revokes the refresh token: the next renewal fails, the grant
	// ends, and the client is told to sign in again (401).
	h.clock.Advance(time.Hour)
	h.fake.RevokeRefreshTokens()
	status, _, hdr := h.call(tok.AccessToken)
	if status != http.StatusUnauthorized || !strings.Contains(hdr.Get("WWW-Authenticate"), "invalid_token") {
		t.Fatalf("after Lofty revoked the sign-in: HTTP %d %q", status, hdr.Get("WWW-Authenticate"))
	}
	if status, _, _ := h.call(tok.AccessToken); status != http.StatusUnauthorized {
		t.Fatalf("the grant must stay revoked: HTTP %d", status)
	}
}

// TestRestartKeepsTokens: a server restarted on the same state directory
// accepts the tokens it issued; the database file holds no plaintext key,
// Lofty token or issued token.
func TestRestartKeepsTokens(t *testing.T) {
	h := newHarness(t, withLoftyOAuth())
	keyTok := h.register(nil).login("api_key", goodKey)
	loftyClient := h.register(nil)
	loftyTok := loftyClient.login("lofty", "")
	if status, _, _ := h.call(loftyTok.AccessToken); status != http.StatusOK {
		t.Fatalf("HTTP %d", status)
	}
	loftyBearer := strings.TrimPrefix(h.lastAuthorization(), "Bearer ")

	h.start() // restart: new Server, same directory
	if status, _, _ := h.call(keyTok.AccessToken); status != http.StatusOK {
		t.Errorf("api key grant after restart: HTTP %d", status)
	}
	if status, _, _ := h.call(loftyTok.AccessToken); status != http.StatusOK {
		t.Errorf("lofty grant after restart: HTTP %d", status)
	}
	if got := h.lastAuthorization(); got != "Bearer "+loftyBearer {
		t.Errorf("after restart Lofty saw %q", got)
	}
	// A refresh token issued before the restart works after it.
	loftyTok.Expiry = time.Now().Add(-time.Second)
	if _, err := loftyClient.conf.TokenSource(context.Background(), loftyTok).Token(); err != nil {
		t.Errorf("refresh after restart: %v", err)
	}

	if err := h.srv().Close(); err != nil {
		t.Fatal(err)
	}
	db, err := os.ReadFile(filepath.Join(h.dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	secrets := append([]string(nil), h.secrets...)
	h.mu.Unlock()
	secrets = append(secrets, goodKey, loftyBearer, keyTok.AccessToken, keyTok.RefreshToken, loftyTok.AccessToken, loftyTok.RefreshToken)
	for _, s := range secrets {
		if s != "" && bytes.Contains(db, []byte(s)) {
			t.Errorf("the database file holds a secret in plaintext (%s…)", s[:min(10, len(s))])
		}
	}
	info, err := os.Stat(filepath.Join(h.dir, SecretKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("secret.key mode %v, want 0600", info.Mode().Perm())
	}
	if info, _ := os.Stat(filepath.Join(h.dir, DBFile)); info.Mode().Perm() != 0o600 {
		t.Errorf("oauth.db mode %v, want 0600", info.Mode().Perm())
	}
}

// TestChangedSecretKeySignsOut: grants sealed under one key do not open
// under another (LOFTY_MCP_SECRET_KEY changed, or secret.key lost and
// generated again). Their access tokens are then invalid_token (401 with
// the challenge, so that the client signs in again, rather than a 503 for
// the rest of the grant's 90 days) and their refresh tokens are refused.
func TestChangedSecretKeySignsOut(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(h *harness)
	}{
		{"changed key", func(h *harness) {
			other := make([]byte, 32)
			other[0] = 1
			h.cfg.SecretKey = other
		}},
		{"lost key file", func(h *harness) {
			if err := os.Remove(filepath.Join(h.dir, SecretKeyFile)); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			c := h.register(nil)
			tok := c.login("api_key", goodKey)
			tc.change(h)
			h.start()
			status, _, hdr := h.call(tok.AccessToken)
			challenge := hdr.Get("WWW-Authenticate")
			if status != http.StatusUnauthorized || !strings.Contains(challenge, `error="invalid_token"`) ||
				!strings.Contains(challenge, "resource_metadata=") {
				t.Fatalf("with another secret key: HTTP %d, WWW-Authenticate %q; want 401 invalid_token", status, challenge)
			}
			tok.Expiry = time.Now().Add(-time.Second)
			if _, err := c.conf.TokenSource(context.Background(), tok).Token(); oauthErrorCode(err) != "invalid_grant" {
				t.Fatalf("refresh of a grant that does not open: %v, want invalid_grant", err)
			}
			if !strings.Contains(h.logs.String(), "does not open with this secret key") {
				t.Error("the log does not say the secret key changed")
			}
			// Signing in again works, under the new key.
			fresh := c.login("api_key", goodKey)
			if status, _, _ := h.call(fresh.AccessToken); status != http.StatusOK {
				t.Fatalf("a new sign-in: HTTP %d", status)
			}
		})
	}
}
