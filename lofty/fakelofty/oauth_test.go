package fakelofty_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

// TestMeContract: GET /v1.0/me answers a UserResponse as the OpenAPI
// document describes it, and 401 for a wrong key.
func TestMeContract(t *testing.T) {
	doc := loadOpenAPI(t)
	data := fakelofty.Demo()
	data.APIKeys = []string{"key-1"}
	base := fakelofty.New(data).Start(t)

	status, _, body := get(t, base, "/v1.0/me", "token key-1")
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	ref := doc.responseRef(t, "/v1.0/me", "get", "200")
	for _, p := range doc.validate(decodeNumbers(t, body), doc.Components.Schemas[ref], ref) {
		t.Error(p)
	}
	if status, _, _ := get(t, base, "/v1.0/me", "token wrong"); status != http.StatusUnauthorized {
		t.Errorf("wrong key: %d, want 401", status)
	}
	if _, ok := doc.operation(t, "/v1.0/me", "get").Responses["401"]; !ok {
		t.Error("401 is not documented for /v1.0/me")
	}
}

// TestVendorOAuth: the authorization page, the token endpoint (Basic
// client authentication, both grants, rotation) and the Bearer tokens it
// issues, which expire.
func TestVendorOAuth(t *testing.T) {
	fake := fakelofty.New(&fakelofty.Data{APIKeys: []string{"key-1"}})
	now := time.Now()
	fake.SetOAuthClock(func() time.Time { return now })
	fake.EnableOAuth(fakelofty.OAuthApp{ClientID: "app", ClientSecret: "s3cret", AccessTokenTTL: time.Minute,
		RedirectURIs: []string{"https://mcp.example.com/cb"}})
	base := fake.Start(t)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	authURL := base + fakelofty.VendorAuthPath + "?" + url.Values{
		"clientId": {"app"}, "response_type": {"code"}, "redirect_uri": {"https://mcp.example.com/cb"}, "state": {"xyz"},
	}.Encode()
	resp, err := noRedirect.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("authorization page: %d", resp.StatusCode)
	}
	resp, err = noRedirect.Get(authURL + "&approve=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Query().Get("state") != "xyz" || loc.Query().Get("code") == "" {
		t.Fatalf("approval: %d %s", resp.StatusCode, loc)
	}
	code := loc.Query().Get("code")

	token := func(user, pass string, form url.Values) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, base+fakelofty.TokenPath, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	exchange := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"https://mcp.example.com/cb"}}
	if s, _ := token("app", "wrong", exchange); s != http.StatusUnauthorized {
		t.Fatalf("wrong client secret: %d", s)
	}
	if s, _ := token("", "", exchange); s != http.StatusUnauthorized {
		t.Fatalf("no client authentication: %d", s)
	}
	s, tok := token("app", "s3cret", exchange)
	if s != 200 || tok["access_token"] == nil || tok["refresh_token"] == nil || tok["expires_in"] != float64(60) {
		t.Fatalf("exchange: %d %v", s, tok)
	}
	if s, _ := token("app", "s3cret", exchange); s != http.StatusBadRequest {
		t.Fatalf("reused code: %d", s)
	}
	at := tok["access_token"].(string)
	if s, _, _ := get(t, base, "/v1.0/me", "Bearer "+at); s != 200 {
		t.Fatalf("issued access token: %d", s)
	}
	now = now.Add(time.Minute)
	if s, _, _ := get(t, base, "/v1.0/me", "Bearer "+at); s != http.StatusUnauthorized {
		t.Fatalf("expired access token: %d", s)
	}
	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}
	s, tok2 := token("app", "s3cret", refresh)
	if s != 200 || tok2["access_token"] == at {
		t.Fatalf("refresh: %d %v", s, tok2)
	}
	if s, _ := token("app", "s3cret", refresh); s != http.StatusBadRequest {
		t.Fatalf("rotated-out refresh token: %d", s)
	}
	if n := fake.TokenGrants("refresh_token"); n != 1 {
		t.Fatalf("TokenGrants(refresh_token) = %d", n)
	}
}

// TestVendorAuthRedirectsOnlyToRegisteredURIs: like Lofty's, the fake's
// authorization page sends the browser only to a redirect URI registered
// with the vendor app (exactly), whether it approves or denies; anything
// else is refused on the page. --demo serves this page on the public
// server, where it would otherwise be an open redirect.
func TestVendorAuthRedirectsOnlyToRegisteredURIs(t *testing.T) {
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	try := func(base, redirectURI, approve string) (int, string) {
		t.Helper()
		resp, err := noRedirect.Get(base + fakelofty.VendorAuthPath + "?" + url.Values{
			"clientId": {"app"}, "response_type": {"code"}, "redirect_uri": {redirectURI}, "state": {"s"}, "approve": {approve},
		}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Location")
	}
	registered := "https://mcp.example.com/oauth/lofty/callback"
	fake := fakelofty.New(&fakelofty.Data{})
	fake.EnableOAuth(fakelofty.OAuthApp{ClientID: "app", ClientSecret: "s", RedirectURIs: []string{registered}})
	base := fake.Start(t)
	for _, approve := range []string{"1", "0"} {
		for _, uri := range []string{"https://evil.example/", registered + "/", registered + "?x=1", "http://127.0.0.1:9/cb"} {
			if status, loc := try(base, uri, approve); status != http.StatusBadRequest || loc != "" {
				t.Errorf("approve=%s redirect_uri %s: HTTP %d to %q, want 400 and no redirect", approve, uri, status, loc)
			}
		}
		if status, loc := try(base, registered, approve); status != http.StatusFound || !strings.HasPrefix(loc, registered+"?") {
			t.Errorf("approve=%s registered redirect_uri: HTTP %d to %q", approve, status, loc)
		}
	}

	// None registered: loopback http only (tests, whose ports are not
	// known when the fake starts).
	fake = fakelofty.New(&fakelofty.Data{})
	fake.EnableOAuth(fakelofty.OAuthApp{ClientID: "app", ClientSecret: "s"})
	base = fake.Start(t)
	for uri, ok := range map[string]bool{
		"http://127.0.0.1:8080/oauth/lofty/callback": true, "http://localhost:1/cb": true, "http://[::1]:2/cb": true,
		"https://evil.example/": false, "http://evil.example/": false, "http://127.0.0.1.evil.example/": false, "javascript:alert(1)": false,
	} {
		status, loc := try(base, uri, "1")
		if got := status == http.StatusFound && strings.HasPrefix(loc, uri); got != ok {
			t.Errorf("no redirect URIs registered, redirect_uri %s: HTTP %d to %q, want redirected=%t", uri, status, loc, ok)
		}
	}
}
