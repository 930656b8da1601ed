package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// accountBrowser is a person's browser on the account page.
type accountBrowser struct {
	h *harness
	c *http.Client
}

func (h *harness) accountBrowser() *accountBrowser {
	jar, _ := cookiejar.New(nil)
	return &accountBrowser{h: h, c: &http.Client{Jar: jar}}
}

func (b *accountBrowser) open() page {
	b.h.t.Helper()
	resp, err := b.c.Get(b.h.ts.URL + AccountPath)
	if err != nil {
		b.h.t.Fatal(err)
	}
	return readPage(b.h.t, resp)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]*)"`)

// post submits an account page form of p with fields (its CSRF token added).
func (b *accountBrowser) post(p page, fields map[string]string) page {
	b.h.t.Helper()
	form := url.Values{}
	if m := csrfRE.FindStringSubmatch(p.body); m != nil {
		form.Set("csrf", m[1])
	}
	for k, v := range fields {
		form.Set(k, v)
	}
	resp, err := b.c.PostForm(b.h.ts.URL+AccountPath, form)
	if err != nil {
		b.h.t.Fatal(err)
	}
	return readPage(b.h.t, resp)
}

// signIn signs in to the account page with an API key and returns the list.
func (b *accountBrowser) signIn(key string) page {
	b.h.t.Helper()
	p := b.post(b.open(), map[string]string{"method": "api_key", "api_key": key})
	if p.status != 200 || !strings.Contains(p.body, `id="who"`) {
		b.h.t.Fatalf("account sign-in: HTTP %d at %s: %s", p.status, p.url, p.message())
	}
	return p
}

// listed are the grant ids an account page lists.
func listed(p page) []string {
	var ids []string
	for _, m := range regexp.MustCompile(`<tr id="grant-([^"]+)"`).FindAllStringSubmatch(p.body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// TestAccountPage: a person proves who they are with an API key (any of
// theirs) and sees the apps connected with their Lofty user — not anyone
// else's — with when each was last used; disconnecting one ends its access
// at once and deletes its credential, and nobody else's can be touched;
// disconnecting all deletes every credential held for them.
func TestAccountPage(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	grantOf := func(tok string) string { _, r, _ := h.call(tok); return r.Grant }
	appA, appB := h.register(map[string]any{"client_name": "App A"}), h.register(map[string]any{"client_name": "App B"})
	aliceA, aliceB := appA.login("api_key", goodKey), appB.login("api_key", goodKey)
	bobA := appA.login("api_key", otherKey)
	gAliceA, gAliceB, gBob := grantOf(aliceA.AccessToken), grantOf(aliceB.AccessToken), grantOf(bobA.AccessToken)

	b := h.accountBrowser()
	first := b.open()
	if first.status != 200 || !strings.Contains(first.body, `id="api_key"`) || strings.Contains(first.body, "App A") {
		t.Fatalf("account page before signing in: HTTP %d", first.status)
	}
	// A form without the page's CSRF token does nothing.
	if p := b.post(page{}, map[string]string{"method": "api_key", "api_key": goodKey}); p.status != 403 {
		t.Errorf("sign-in without the CSRF token: HTTP %d", p.status)
	}
	if p := b.post(b.open(), map[string]string{"method": "api_key", "api_key": "wrong-key"}); p.status != 400 || !strings.Contains(p.message(), "did not accept") {
		t.Errorf("a wrong key: HTTP %d %q", p.status, p.message())
	}
	list := b.signIn(goodKey)
	if got := listed(list); !sameSet(got, []string{gAliceA, gAliceB}) {
		t.Fatalf("Alice's page lists %v, want %v (not Bob's %s)", got, []string{gAliceA, gAliceB}, gBob)
	}
	for _, want := range []string{"App A", "App B", "an API key", "UTC"} {
		if !strings.Contains(list.body, want) {
			t.Errorf("the list lacks %q", want)
		}
	}

	// What App A's grant holds sealed is in oauth.db until it is disconnected.
	var recA grantRecord
	getJSON(ctx, h.srv().store, keyGrant+gAliceA, &recA)
	sealedA, _ := json.Marshal(recA.Sealed)
	inDB := func() bool {
		raw, err := os.ReadFile(filepath.Join(h.dir, DBFile))
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Contains(raw, bytes.Trim(sealedA, `"`))
	}
	if !inDB() {
		t.Fatal("App A's sealed credential is not found in oauth.db before its disconnection")
	}

	// Disconnect App A: its token is refused at once, App B and Bob's still work.
	p := b.post(list, map[string]string{"method": "revoke", "grant": gAliceA})
	if p.status != 200 || !strings.Contains(p.body, "App A is disconnected") || !sameSet(listed(p), []string{gAliceB}) {
		t.Errorf("after disconnecting App A: HTTP %d, lists %v", p.status, listed(p))
	}
	if status, _, _ := h.call(aliceA.AccessToken); status != 401 {
		t.Errorf("App A's token after its disconnection: HTTP %d", status)
	}
	if _, err := h.srv().store.Get(ctx, keyGrant+gAliceA); err == nil {
		t.Error("App A's grant (its sealed credential) is still stored")
	}
	if inDB() {
		t.Error("App A's sealed credential is still in oauth.db's bytes after its disconnection")
	}
	// Bob's grant is not Alice's to disconnect.
	if p := b.post(p, map[string]string{"method": "revoke", "grant": gBob}); p.status != 404 {
		t.Errorf("disconnecting Bob's grant from Alice's page: HTTP %d", p.status)
	}
	if status, _, _ := h.call(bobA.AccessToken); status != 200 {
		t.Errorf("Bob's token after Alice's attempt: HTTP %d", status)
	}
	// A session form without its CSRF token does nothing.
	if p := b.post(page{}, map[string]string{"method": "revoke_all"}); p.status != 403 {
		t.Errorf("revoke_all without the CSRF token: HTTP %d", p.status)
	}

	// Disconnect everything: every credential held for Alice is gone, and
	// the page signs her out.
	done := b.post(b.open(), map[string]string{"method": "revoke_all"})
	if done.status != 200 || !strings.Contains(done.body, "1 app is disconnected") {
		t.Errorf("revoke all: HTTP %d %s", done.status, done.body)
	}
	if status, _, _ := h.call(aliceB.AccessToken); status != 401 {
		t.Errorf("App B's token after revoke all: HTTP %d", status)
	}
	infos, err := h.srv().grants().list(ctx, GrantFilter{})
	if err != nil || len(infos) != 1 || infos[0].ID != gBob {
		t.Errorf("grants left: %+v %v; want Bob's alone", infos, err)
	}
	if again := b.open(); !strings.Contains(again.body, `id="api_key"`) {
		t.Error("after revoke all the page is still signed in")
	}
	// Bob's page shows his.
	if got := listed(h.accountBrowser().signIn(otherKey)); !sameSet(got, []string{gBob}) {
		t.Errorf("Bob's page lists %v", got)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestAccountPageWithLofty: Sign in with Lofty proves who the person is
// too; the Lofty token it yields is not kept.
func TestAccountPageWithLofty(t *testing.T) {
	h := newHarness(t, withLoftyOAuth())
	c := h.register(map[string]any{"client_name": "Lofty App"})
	tok := c.login("lofty", "")
	_, r, _ := h.call(tok.AccessToken)
	before := h.fake.TokenGrants("authorization_code")
	b := h.accountBrowser()
	p := b.post(b.open(), map[string]string{"method": "lofty"})
	if p.status != 200 || !sameSet(listed(p), []string{r.Grant}) {
		t.Fatalf("after Sign in with Lofty the page (HTTP %d at %s) lists %v, want %s", p.status, p.url, listed(p), r.Grant)
	}
	if h.fake.TokenGrants("authorization_code") != before+1 {
		t.Error("the account page's Lofty sign-in did not go through Lofty")
	}
	// Its token was used once and dropped: no grant was made for it.
	infos, _ := h.srv().grants().list(context.Background(), GrantFilter{})
	if len(infos) != 1 {
		t.Errorf("%d grants after the account page's Lofty sign-in, want the app's alone", len(infos))
	}
	if !strings.Contains(p.body, "Sign in with Lofty") {
		t.Error("the list does not say how the app signed in")
	}
}

// TestAccountPageFindsOldKeyGrants: a grant recorded before the person
// was (a pasted key) is found by the key it holds.
func TestAccountPageFindsOldKeyGrants(t *testing.T) {
	h := newHarness(t)
	c := h.register(nil)
	tok := c.login("api_key", goodKey)
	_, r, _ := h.call(tok.AccessToken)
	h.reseal(r.Grant, func(c *sealedCredential) { c.Person, c.Scopes = nil, "" })
	if got := listed(h.accountBrowser().signIn(goodKey)); !sameSet(got, []string{r.Grant}) {
		t.Errorf("the key's page lists %v, want the old grant %s", got, r.Grant)
	}
	if got := listed(h.accountBrowser().signIn(otherKey)); len(got) != 0 {
		t.Errorf("another person's page lists %v", got)
	}
}

// TestSignInPageLinksToAccount: the sign-in page leads to the account
// page and to /privacy, which says what is stored and how to delete it.
func TestSignInPageLinksToAccount(t *testing.T) {
	h := newHarness(t)
	h.cfg.PrivacyContact = "privacy@example.com"
	h.start()
	c := h.register(nil)
	p := c.get(c.authURL(nil))
	for _, want := range []string{`href="/oauth/account"`, `href="/privacy"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the sign-in page lacks %s", want)
		}
	}
	priv := c.get(h.ts.URL + PrivacyPath)
	if priv.status != 200 || priv.header.Get("Content-Security-Policy") == "" {
		t.Fatalf("/privacy: HTTP %d", priv.status)
	}
	for _, want := range []string{"AES-256-GCM", "90 days", "SHA-256", "1 hour", "30 days", "/oauth/account", "privacy@example.com", "oauth.db", "lofty-mcp grants revoke"} {
		if !strings.Contains(priv.body, want) {
			t.Errorf("/privacy does not say %q", want)
		}
	}
}
