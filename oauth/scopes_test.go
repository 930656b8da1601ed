package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
)

// withResources serves /mcp with every scope, and two selections:
// /mcp/x/leads (reads only) and /mcp/x/messages.
func withResources() harnessOption {
	return func(c *Config) {
		c.ResourceScopes = func(path string) (access.Scopes, error) {
			switch path {
			case ResourcePath:
				return access.AllScopes, nil
			case "/mcp/x/leads":
				return access.Read, nil
			case "/mcp/x/messages":
				return access.Read | access.Messages, nil
			}
			return 0, errors.New("this server does not serve the toolset; it serves leads, messages")
		}
	}
}

// scopeBoxes are the scope checkboxes of a sign-in page: name -> ticked.
func scopeBoxes(p page) map[string]bool {
	out := map[string]bool{}
	for _, m := range regexp.MustCompile(`<input type="checkbox"[^>]*id="allow-([a-z]+)"[^>]*>`).FindAllStringSubmatch(p.body, -1) {
		out[m[1]] = strings.Contains(m[0], " checked")
	}
	return out
}

// TestSignInGrantsWhatThePersonTicks: the page offers the scopes the app
// asked for, of those its resource serves (read always, not untickable);
// the person grants less by unticking; the grant records, and the token
// answer says, what was granted; a box the page did not offer grants
// nothing; refreshed tokens keep it; after a wrong key the page keeps the
// person's choice.
func TestSignInGrantsWhatThePersonTicks(t *testing.T) {
	h := newHarness(t, withResources())
	c := h.register(nil)
	p := c.get(c.authURL(map[string]string{"scope": "lofty:read lofty:write lofty:messages offline_access"}))
	if got := scopeBoxes(p); !maps(got, map[string]bool{"read": true, "write": true, "messages": true}) {
		t.Fatalf("boxes %v, want read, write and messages ticked (admin was not asked for)", got)
	}
	if !strings.Contains(p.body, `id="allow-read" checked disabled`) {
		t.Error("lofty:read can be unticked")
	}
	// A wrong key: the page comes back with messages still unticked.
	again := c.submit(p, map[string]string{"method": "api_key", "api_key": "wrong-key", "allow_write": "1"})
	if got := scopeBoxes(again); !maps(got, map[string]bool{"read": true, "write": true, "messages": false}) {
		t.Errorf("after a wrong key the boxes are %v, want the person's choice kept", got)
	}
	done := c.submit(again, map[string]string{"method": "api_key", "api_key": goodKey, "allow_write": "1", "allow_admin": "1"})
	tok, err := c.exchange(c.code(done.url))
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Extra("scope"); got != "lofty:read lofty:write" {
		t.Errorf("token answer scope %q, want what was granted", got)
	}
	if _, r, _ := h.call(tok.AccessToken); r.Scopes != "lofty:read lofty:write" {
		t.Errorf("the grant's scopes: %q", r.Scopes)
	}
	fresh, err := c.conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Extra("scope") != "lofty:read lofty:write" {
		t.Errorf("refreshed scope %q", fresh.Extra("scope"))
	}

	// No scope asked for: everything the resource serves is offered.
	p = c.get(c.authURL(nil))
	if got := scopeBoxes(p); !maps(got, map[string]bool{"read": true, "write": true, "messages": true, "admin": true}) {
		t.Errorf("no scope asked: boxes %v", got)
	}
	// Only scopes this server does not know: the same.
	p = c.get(c.authURL(map[string]string{"scope": "openid offline_access"}))
	if got := scopeBoxes(p); len(got) != 4 {
		t.Errorf("unknown scopes asked: boxes %v", got)
	}
	// Everything unticked: read only.
	done = c.submit(p, map[string]string{"method": "api_key", "api_key": goodKey})
	tok, _ = c.exchange(c.code(done.url))
	if tok.Extra("scope") != "lofty:read" {
		t.Errorf("all unticked: scope %q", tok.Extra("scope"))
	}
}

func maps(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestScopesAreSealed: the scopes live in the sealed part of the grant:
// what the store holds in plain text cannot widen them, and a grant made
// before scopes existed reads as read and write.
func TestScopesAreSealed(t *testing.T) {
	h := newHarness(t, withResources())
	c := h.register(nil)
	tok := c.login("api_key", goodKey)
	_, r, _ := h.call(tok.AccessToken)
	ctx := context.Background()
	s := h.srv()
	var rec grantRecord
	if err := getJSON(ctx, s.store, keyGrant+r.Grant, &rec); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(rec.Sealed), "lofty:") {
		t.Fatal("the scopes are in the grant's plain text")
	}
	rec.Scope = "lofty:read lofty:write lofty:admin"
	putJSON(ctx, s.store, keyGrant+rec.ID, &rec, unixTime(rec.Expires))
	if _, r, _ := h.call(tok.AccessToken); r.Scopes != "lofty:read" {
		t.Errorf("after the plain-text scope was widened the grant allows %q", r.Scopes)
	}
	// A grant sealed without scopes (before they existed): read and write.
	h.reseal(rec.ID, func(c *sealedCredential) { c.Scopes, c.Person = "", nil })
	if _, r, _ := h.call(tok.AccessToken); r.Scopes != "lofty:read lofty:write" {
		t.Errorf("a grant without scopes allows %q, want lofty:read lofty:write", r.Scopes)
	}
}

// TestResourcesPerSelection: every selection of /mcp is a resource of its
// own: its metadata, its challenge, the scopes it offers, and tokens bound
// to it, refused at any other.
func TestResourcesPerSelection(t *testing.T) {
	h := newHarness(t, withResources())
	if got := h.metadata()["scopes_supported"]; !slices.Equal(anyStrings(got), []string{"lofty:read", "lofty:write", "lofty:messages", "lofty:admin"}) {
		t.Errorf("authorization server scopes_supported %v", got)
	}
	for _, tc := range []struct {
		path, resource string
		scopes         []string
	}{
		{"", "/mcp", []string{"lofty:read", "lofty:write", "lofty:messages", "lofty:admin"}},
		{"/mcp", "/mcp", []string{"lofty:read", "lofty:write", "lofty:messages", "lofty:admin"}},
		{"/mcp/x/leads", "/mcp/x/leads", []string{"lofty:read"}},
		{"/mcp/x/messages", "/mcp/x/messages", []string{"lofty:read", "lofty:messages"}},
	} {
		var prm struct {
			Resource string   `json:"resource"`
			Scopes   []string `json:"scopes_supported"`
		}
		resp, err := http.Get(h.ts.URL + ProtectedResourcePath + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&prm)
		resp.Body.Close()
		if resp.StatusCode != 200 || prm.Resource != h.ts.URL+tc.resource || !slices.Equal(prm.Scopes, tc.scopes) {
			t.Errorf("metadata of %q: HTTP %d %+v", tc.path, resp.StatusCode, prm)
		}
	}
	resp, _ := http.Get(h.ts.URL + ProtectedResourcePath + "/mcp/x/deals")
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("metadata of an unserved selection: HTTP %d", resp.StatusCode)
	}
	// The 401 of a selection names its own metadata and scopes.
	_, _, hdr := h.callAt("/mcp/x/leads", "")
	want := `Bearer resource_metadata="` + h.ts.URL + `/.well-known/oauth-protected-resource/mcp/x/leads", scope="lofty:read"`
	if got := hdr.Get("WWW-Authenticate"); got != want {
		t.Errorf("challenge at /mcp/x/leads: %q, want %q", got, want)
	}

	// Sign in for the read-only selection: only lofty:read is offered, and
	// the token is for it alone.
	c := h.register(nil)
	leads := h.ts.URL + "/mcp/x/leads"
	p := c.get(c.authURL(map[string]string{"resource": leads, "scope": "lofty:read lofty:write"}))
	if got := scopeBoxes(p); !maps(got, map[string]bool{"read": true}) {
		t.Errorf("boxes for /mcp/x/leads: %v", got)
	}
	done := c.submit(p, map[string]string{"method": "api_key", "api_key": goodKey, "allow_write": "1"})
	tok, err := c.conf.Exchange(context.Background(), c.code(done.url), oauth2.VerifierOption(c.verifier), oauth2.SetAuthURLParam("resource", leads))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Extra("scope") != "lofty:read" {
		t.Errorf("scope %q", tok.Extra("scope"))
	}
	if status, _, _ := h.callAt("/mcp/x/leads", tok.AccessToken); status != 200 {
		t.Errorf("the token at its own resource: HTTP %d", status)
	}
	if status, _, hdr := h.callAt("/mcp", tok.AccessToken); status != 401 || !strings.Contains(hdr.Get("WWW-Authenticate"), "another resource") {
		t.Errorf("a /mcp/x/leads token at /mcp: HTTP %d %q", status, hdr.Get("WWW-Authenticate"))
	}
	// An authorization request for a selection the server does not serve.
	p = c.get(c.authURL(map[string]string{"resource": h.ts.URL + "/mcp/x/deals"}))
	if p.status != 400 || !strings.Contains(p.message(), "invalid_target") {
		t.Errorf("resource /mcp/x/deals: HTTP %d %q", p.status, p.message())
	}
}

func anyStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// TestInsufficientScopeChallenge: the 403 a call beyond the grant gets
// names, in scope, what was granted and what is needed (a new sign-in
// loses nothing), the resource's metadata and, in words, what is missing.
func TestInsufficientScopeChallenge(t *testing.T) {
	h := newHarness(t, withResources())
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/mcp/x/messages", nil)
	h.srv().InsufficientScope(w, r, "send_text", access.Messages, access.Read)
	want := `Bearer error="insufficient_scope", scope="lofty:read lofty:messages", resource_metadata="` + h.ts.URL +
		`/.well-known/oauth-protected-resource/mcp/x/messages", error_description="send_text needs lofty:messages, which this sign-in did not allow"`
	if w.Code != 403 || w.Header().Get("WWW-Authenticate") != want {
		t.Errorf("HTTP %d\n%s\nwant\n%s", w.Code, w.Header().Get("WWW-Authenticate"), want)
	}
	var body map[string]string
	json.Unmarshal(w.Body.Bytes(), &body)
	if body["error"] != "insufficient_scope" || body["scope"] != "lofty:read lofty:messages" {
		t.Errorf("body %v", body)
	}
}

// TestLastUseAtMostOnceAMinute: a token's use is recorded against its
// grant, at most once a minute however often it is used.
func TestLastUseAtMostOnceAMinute(t *testing.T) {
	h := newHarness(t)
	c := h.register(nil)
	tok := c.login("api_key", goodKey)
	_, r, _ := h.call(tok.AccessToken)
	ctx := context.Background()
	lastUse := func() int64 {
		var lu lastUseRecord
		if err := getJSON(ctx, h.srv().store, keyLastUse+r.Grant, &lu); err != nil {
			t.Fatal(err)
		}
		return lu.At
	}
	first := lastUse()
	if first != h.clock.Now().Unix() {
		t.Fatalf("last use %d, want now %d", first, h.clock.Now().Unix())
	}
	h.clock.Advance(40 * time.Second)
	for range 5 {
		h.call(tok.AccessToken)
	}
	if got := lastUse(); got != first {
		t.Errorf("used again within a minute: last use rewritten (%d -> %d)", first, got)
	}
	h.clock.Advance(30 * time.Second)
	h.call(tok.AccessToken)
	if got := lastUse(); got != h.clock.Now().Unix() {
		t.Errorf("a minute later: last use %d, want %d", got, h.clock.Now().Unix())
	}
}
