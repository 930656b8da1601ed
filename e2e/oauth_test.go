package e2e

// End-to-end test of `lofty-mcp http --oauth`: the real binary
// against a fake Lofty on loopback that plays Lofty's API and its vendor
// OAuth, driven by a Go OAuth client (golang.org/x/oauth2: discovery from
// the 401, Dynamic Client Registration, PKCE S256, the sign-in page with
// both methods, tokens, refresh) and mcp-go's clients with the access token.
//
//	go test -race -run TestOAuthE2E .

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"golang.org/x/oauth2"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

// Credentials of the fake Lofty; none may appear in the server's logs.
const (
	oauthE2EKey       = "lofty-e2e-key-3f9a0c7d1b"
	oauthE2EOtherKey  = "lofty-e2e-key-other-81d2"
	oauthE2EVendorID  = "e2e-vendor-app"
	oauthE2EVendorKey = "e2e-vendor-secret-6c5b4a39"
	oauthE2EStatic    = "e2e-static-token-0a9b8c7d6e5f"

	// The person oauthE2EOtherKey belongs to.
	oauthE2EOtherID    = "4242"
	oauthE2EOtherEmail = "bob@example.com"
)

// oauthE2EFake is the fake Lofty on loopback, remembering every secret it
// hands out (codes, access and refresh tokens).
type oauthE2EFake struct {
	*fakelofty.Fake
	url     string
	mu      sync.Mutex
	secrets []string
}

var loftySecretRE = regexp.MustCompile(`lofty-(?:at|rt|code)-[A-Za-z0-9_-]+`)

type teeWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (w *teeWriter) Write(b []byte) (int, error) { w.body.Write(b); return w.ResponseWriter.Write(b) }

func startOAuthE2EFake(t *testing.T, loftyTokenTTL time.Duration) *oauthE2EFake {
	data := fakelofty.Demo()
	data.APIKeys = []string{oauthE2EKey, oauthE2EOtherKey}
	f := &oauthE2EFake{Fake: fakelofty.New(data)}
	f.EnableOAuth(fakelofty.OAuthApp{ClientID: oauthE2EVendorID, ClientSecret: oauthE2EVendorKey, AccessTokenTTL: loftyTokenTTL})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The other key is another person's: GET /v1.0/me names them
		// (the fake names the demo person for every credential).
		if r.URL.Path == "/v1.0/me" && r.Header.Get("Authorization") == "token "+oauthE2EOtherKey {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"id":` + oauthE2EOtherID + `,"memberUserId":` + oauthE2EOtherID + `,"email":"` + oauthE2EOtherEmail + `","firstName":"Bob","lastName":"Other"}`))
			return
		}
		tw := &teeWriter{ResponseWriter: w}
		f.Fake.ServeHTTP(tw, r)
		f.mu.Lock()
		f.secrets = append(f.secrets, loftySecretRE.FindAllString(tw.body.String()+" "+w.Header().Get("Location"), -1)...)
		f.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

// authorizations returns the Authorization headers of the fake's requests
// to path since index from.
func (f *oauthE2EFake) authorizations(path string, from int) []string {
	var out []string
	for _, r := range f.Requests()[from:] {
		if r.Path == path {
			out = append(out, r.Authorization)
		}
	}
	return out
}

// oauthE2EClient is an OAuth client of lofty-mcp: registered with DCR,
// with a browser (cookie jar) that stops at its redirect URI.
type oauthE2EClient struct {
	t        *testing.T
	base     string
	resource string
	issuer   string
	conf     *oauth2.Config
	browser  *http.Client
	verifier string
	state    string
	secrets  *[]string
}

// discoverAndRegister follows what a client does from a 401: the
// resource metadata named by WWW-Authenticate, the authorization server's
// metadata, then Dynamic Client Registration.
func discoverAndRegister(t *testing.T, base string, secrets *[]string) *oauthE2EClient {
	t.Helper()
	resp, err := http.Post(base+"/mcp", "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	challenge := resp.Header.Get("WWW-Authenticate")
	m := regexp.MustCompile(`^Bearer resource_metadata="([^"]+)"`).FindStringSubmatch(challenge)
	if resp.StatusCode != http.StatusUnauthorized || m == nil {
		t.Fatalf("without a token: HTTP %d, WWW-Authenticate %q", resp.StatusCode, challenge)
	}
	if m[1] != base+"/.well-known/oauth-protected-resource/mcp" {
		t.Fatalf("resource_metadata %q", m[1])
	}
	var prm struct {
		Resource             string   `json:"resource"`
		AuthorizationServers []string `json:"authorization_servers"`
	}
	getJSON(t, m[1], &prm)
	if prm.Resource != base+"/mcp" || len(prm.AuthorizationServers) != 1 || prm.AuthorizationServers[0] != base {
		t.Fatalf("protected resource metadata: %+v", prm)
	}
	var asm struct {
		Issuer                string   `json:"issuer"`
		AuthorizationEndpoint string   `json:"authorization_endpoint"`
		TokenEndpoint         string   `json:"token_endpoint"`
		RegistrationEndpoint  string   `json:"registration_endpoint"`
		CodeChallengeMethods  []string `json:"code_challenge_methods_supported"`
	}
	getJSON(t, prm.AuthorizationServers[0]+"/.well-known/oauth-authorization-server", &asm)
	if asm.Issuer != base || !slices.Equal(asm.CodeChallengeMethods, []string{"S256"}) || asm.RegistrationEndpoint == "" {
		t.Fatalf("authorization server metadata: %+v", asm)
	}
	redirect := "http://127.0.0.1:9/callback" // never reached: the browser stops there
	body, _ := json.Marshal(map[string]any{
		"client_name": "lofty-mcp e2e", "redirect_uris": []string{redirect}, "token_endpoint_auth_method": "none",
		"grant_types": []string{"authorization_code", "refresh_token"}, "response_types": []string{"code"},
	})
	resp, err = http.Post(asm.RegistrationEndpoint, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reg struct {
		ClientID string `json:"client_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reg); err != nil || resp.StatusCode != http.StatusCreated || reg.ClientID == "" {
		t.Fatalf("registration: HTTP %d %v", resp.StatusCode, err)
	}
	jar, _ := cookiejar.New(nil)
	c := &oauthE2EClient{t: t, base: base, resource: prm.Resource, issuer: asm.Issuer, secrets: secrets,
		conf: &oauth2.Config{
			ClientID:    reg.ClientID,
			RedirectURL: redirect,
			Endpoint:    oauth2.Endpoint{AuthURL: asm.AuthorizationEndpoint, TokenURL: asm.TokenEndpoint, AuthStyle: oauth2.AuthStyleInParams},
		}}
	c.browser = &http.Client{Jar: jar, Timeout: 20 * time.Second, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), redirect) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return c
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d", u, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

// e2ePage is a page the browser landed on.
type e2ePage struct {
	status int
	url    *url.URL // where it is, or where it redirects to
	body   string
}

func (c *oauthE2EClient) open(resp *http.Response, err error) e2ePage {
	c.t.Helper()
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	p := e2ePage{status: resp.StatusCode, url: resp.Request.URL, body: string(b)}
	if loc := resp.Header.Get("Location"); loc != "" {
		p.url, _ = resp.Request.URL.Parse(loc)
	}
	return p
}

var hiddenFieldRE = regexp.MustCompile(`<input type="hidden" name="([A-Za-z_]+)" value="([^"]*)">`)

func (p e2ePage) fields() url.Values {
	v := url.Values{}
	for _, m := range hiddenFieldRE.FindAllStringSubmatch(p.body, -1) {
		v.Add(m[1], strings.ReplaceAll(m[2], "&amp;", "&"))
	}
	return v
}

// signInPage starts an authorization request (PKCE S256, resource) and
// returns the sign-in page it leads to.
func (c *oauthE2EClient) signInPage() e2ePage {
	c.t.Helper()
	c.verifier = oauth2.GenerateVerifier()
	c.state = "st-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	u := c.conf.AuthCodeURL(c.state, oauth2.S256ChallengeOption(c.verifier), oauth2.SetAuthURLParam("resource", c.resource))
	p := c.open(c.browser.Get(u))
	if p.status != http.StatusOK || p.fields().Get("csrf") == "" || !strings.Contains(p.body, "lofty-mcp e2e") {
		c.t.Fatalf("sign-in page: HTTP %d at %s", p.status, p.url)
	}
	return p
}

// post submits the sign-in page's form with method (and more fields).
func (c *oauthE2EClient) post(p e2ePage, method string, more ...string) e2ePage {
	c.t.Helper()
	f := url.Values{"request": {p.fields().Get("request")}, "csrf": {p.fields().Get("csrf")}, "method": {method}}
	for i := 0; i+1 < len(more); i += 2 {
		f.Set(more[i], more[i+1])
	}
	return c.open(c.browser.PostForm(c.base+"/oauth/signin", f))
}

// finish checks the authorization response (state, iss), redeems the code
// with the verifier and the resource, and returns the tokens.
func (c *oauthE2EClient) finish(p e2ePage) *oauth2.Token {
	c.t.Helper()
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.url.String(), c.conf.RedirectURL) {
		c.t.Fatalf("sign-in did not return to the client: HTTP %d at %s", p.status, p.url)
	}
	q := p.url.Query()
	if q.Get("state") != c.state || q.Get("iss") != c.issuer || q.Get("code") == "" {
		c.t.Fatalf("authorization response: state ok %t, iss %q, code %t, error %q", q.Get("state") == c.state, q.Get("iss"), q.Get("code") != "", q.Get("error"))
	}
	*c.secrets = append(*c.secrets, q.Get("code"))
	tok, err := c.conf.Exchange(context.Background(), q.Get("code"), oauth2.VerifierOption(c.verifier), oauth2.SetAuthURLParam("resource", c.resource))
	if err != nil {
		c.t.Fatalf("token exchange: %v", err)
	}
	if tok.TokenType != "Bearer" || tok.RefreshToken == "" || tok.Expiry.IsZero() {
		c.t.Fatalf("token response: type %q, refresh token %t, expiry %v", tok.TokenType, tok.RefreshToken != "", tok.Expiry)
	}
	*c.secrets = append(*c.secrets, tok.AccessToken, tok.RefreshToken)
	return tok
}

// signInWithKey runs the whole flow with the API key method.
func (c *oauthE2EClient) signInWithKey(key string) *oauth2.Token {
	c.t.Helper()
	return c.finish(c.post(c.signInPage(), "api_key", "api_key", key))
}

// signInWithLofty runs the whole flow with "Sign in with Lofty": Lofty's
// authorization page (the fake's), Allow, Lofty's redirect to lofty-mcp's
// callback, and back to the client.
func (c *oauthE2EClient) signInWithLofty(authorizeURL, vendorID string) *oauth2.Token {
	c.t.Helper()
	// The browser follows lofty-mcp's redirect to Lofty's page.
	page := c.post(c.signInPage(), "lofty")
	if page.status != http.StatusOK || !strings.HasPrefix(page.url.String(), authorizeURL+"?") || !strings.Contains(page.body, `id="approve"`) {
		c.t.Fatalf("Sign in with Lofty: HTTP %d at %s", page.status, page.url)
	}
	q := page.url.Query()
	if q.Get("clientId") != vendorID || q.Get("response_type") != "code" || q.Get("redirect_uri") != c.base+"/oauth/lofty/callback" || q.Get("state") == "" {
		c.t.Fatalf("Lofty authorize request: %v", q)
	}
	allow := page.fields()
	allow.Set("approve", "1")
	return c.finish(c.open(c.browser.Get(authorizeURL + "?" + allow.Encode())))
}

// oauthCallAgent connects with the access token (kind k), lists the tools, and
// calls get_sales_agent_by_lead; extra headers are sent too.
func oauthCallAgent(t *testing.T, base string, k e2eClientKind, accessToken string, extra map[string]string) {
	t.Helper()
	h := map[string]string{"Authorization": "Bearer " + accessToken}
	for name, v := range extra {
		h[name] = v
	}
	c, err := e2eDial(base, k, h)
	if err != nil {
		t.Fatalf("%s with the access token: %v", k, err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tools, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatalf("%s tools/list: %v", k, err)
	}
	if !slices.ContainsFunc(tools.Tools, func(tl mcp.Tool) bool { return tl.Name == "get_sales_agent_by_lead" }) {
		t.Fatalf("%s tools/list has no get_sales_agent_by_lead", k)
	}
	if got, err := e2eAgentName(ctx, c, e2eLead); err != nil || got != "John Doe" {
		t.Fatalf("%s get_sales_agent_by_lead = %q, %v; want John Doe", k, got, err)
	}
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestOAuthE2E: the whole connector through the real binary.
func TestOAuthE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := stdioBin(t)
	// Lofty's access tokens live 100s, less than the 2 minutes before
	// expiry at which lofty-mcp renews them: every call made with a "Sign in
	// with Lofty" grant renews Lofty's token first.
	fake := startOAuthE2EFake(t, 100*time.Second)
	addr := freeLoopbackAddr(t)
	base := "http://" + addr
	stateDir := t.TempDir()
	env := append(e2eEnv(fake.url, ""),
		"LOFTY_OAUTH_CLIENT_ID="+oauthE2EVendorID, "LOFTY_OAUTH_CLIENT_SECRET="+oauthE2EVendorKey,
		"LOFTY_OAUTH_AUTHORIZE_URL="+fake.url+fakelofty.VendorAuthPath, "LOFTY_OAUTH_TOKEN_URL="+fake.url+fakelofty.TokenPath,
		"LOFTY_MCP_AUTH_TOKEN="+oauthE2EStatic, "XDG_STATE_HOME=/nonexistent-should-not-be-used")
	// --require-request-credentials applies to the static token's requests;
	// OAuth requests carry the person's credential.
	args := []string{"--oauth", "--public-url", base, "--addr", addr, "--state-dir", stateDir, "--log-level", "debug", "--cache-ttl", "30s", "--rate-limit", "0",
		"--require-request-credentials"}
	var logs strings.Builder
	secrets := []string{oauthE2EKey, oauthE2EOtherKey, oauthE2EVendorKey, oauthE2EStatic}

	p := startHTTPE2E(t, bin, env, args...)
	if p.base != base {
		t.Fatalf("listening at %s, want %s", p.base, base)
	}
	c := discoverAndRegister(t, base, &secrets)

	// No token, a wrong token: 401 with the challenge, on every MCP endpoint.
	for _, tc := range []struct{ method, path, token, want string }{
		{"POST", "/mcp", "", `Bearer resource_metadata="` + base + `/.well-known/oauth-protected-resource/mcp"`},
		{"GET", "/sse", "", `Bearer resource_metadata="`},
		{"POST", "/message", "", `Bearer resource_metadata="`},
		{"POST", "/mcp", "lmcp_at_not-a-token-of-this-server", `error="invalid_token"`},
	} {
		req, _ := http.NewRequest(tc.method, base+tc.path, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), tc.want) {
			t.Errorf("%s %s (token %t): HTTP %d, WWW-Authenticate %q", tc.method, tc.path, tc.token != "", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	}
	if _, err := e2eDial(base, e2eStreamable2025, nil); err == nil {
		t.Error("an MCP client without a token initialized")
	}

	// API key method: a wrong key shows the page again with a message;
	// the right one completes the sign-in.
	page := c.signInPage()
	wrong := c.post(page, "api_key", "api_key", "not-a-lofty-key")
	if wrong.status != http.StatusBadRequest || !strings.Contains(wrong.body, "Lofty did not accept this API key") {
		t.Fatalf("wrong key: HTTP %d", wrong.status)
	}
	keyTok := c.finish(c.post(wrong, "api_key", "api_key", oauthE2EKey))

	// Tools with the access token, on every transport: Lofty sees the
	// person's key as "token <key>", whatever X-Lofty-Api-Key says.
	from := len(fake.Requests())
	for _, k := range e2eKinds {
		oauthCallAgent(t, base, k, keyTok.AccessToken, map[string]string{"X-Lofty-Api-Key": oauthE2EOtherKey})
	}
	seen := fake.authorizations("/v2.0/sales-agents/by-lead", from)
	if len(seen) == 0 {
		t.Fatal("the tool call did not reach Lofty")
	}
	for _, a := range seen {
		if a != "token "+oauthE2EKey {
			t.Fatalf("Lofty saw Authorization %q, want the signed-in key as token <key>", redactE2E(a))
		}
	}

	// A second person (another key): their own grant, their own cache —
	// the first person's cached answer is not served to them.
	c2 := discoverAndRegister(t, base, &secrets)
	otherTok := c2.signInWithKey(oauthE2EOtherKey)
	from = len(fake.Requests())
	oauthCallAgent(t, base, e2eStreamable2025, otherTok.AccessToken, nil)
	if got := fake.authorizations("/v2.0/sales-agents/by-lead", from); len(got) != 1 || got[0] != "token "+oauthE2EOtherKey {
		t.Fatalf("the second person's call reached Lofty %d times with their key; want once (no shared cache)", len(got))
	}

	// The static token still works beside OAuth, with a per-request key.
	from = len(fake.Requests())
	if c, err := e2eDial(base, e2eStreamable2025, map[string]string{"Authorization": "Bearer " + oauthE2EStatic, "X-Lofty-Api-Key": oauthE2EOtherKey}); err != nil {
		t.Fatalf("the static token: %v", err)
	} else {
		req := mcp.CallToolRequest{}
		req.Params.Name = "find_leads"
		req.Params.Arguments = map[string]any{"key": "Jane"}
		res, err := c.CallTool(context.Background(), req)
		c.Close()
		if err != nil || res.IsError {
			t.Fatalf("find_leads with the static token: %v %v", err, res)
		}
	}
	if got := fake.authorizations("/v1.0/leads", from); len(got) == 0 || got[0] != "token "+oauthE2EOtherKey {
		t.Fatal("a static-token request did not use its X-Lofty-Api-Key")
	}
	if _, err := e2eDial(base, e2eStreamable2025, map[string]string{"Authorization": "Bearer " + oauthE2EStatic}); err == nil {
		t.Fatal("a static-token request without X-Lofty-Api-Key was served under --require-request-credentials")
	}

	// Sign in with Lofty: Lofty's tokens, sent as Bearer, renewed.
	c3 := discoverAndRegister(t, base, &secrets)
	loftyTok := c3.signInWithLofty(fake.url+fakelofty.VendorAuthPath, oauthE2EVendorID)
	if n := fake.TokenGrants("authorization_code"); n != 1 {
		t.Fatalf("Lofty's token endpoint answered %d authorization_code grants, want 1", n)
	}
	from = len(fake.Requests())
	oauthCallAgent(t, base, e2eStreamableDefault, loftyTok.AccessToken, nil)
	seen = fake.authorizations("/v2.0/sales-agents/by-lead", from)
	if len(seen) != 1 || !strings.HasPrefix(seen[0], "Bearer lofty-at-") {
		t.Fatalf("Lofty saw %d calls, first Authorization %q; want Lofty's access token as Bearer", len(seen), redactE2E(strings.Join(seen, ",")))
	}
	if n := fake.TokenGrants("refresh_token"); n < 1 {
		t.Fatalf("lofty-mcp did not renew Lofty's expiring token (%d refreshes)", n)
	}

	// The client refreshes its own token: rotation, the old refresh token refused.
	expired := *keyTok
	expired.Expiry = time.Now().Add(-time.Minute)
	fresh, err := c.conf.TokenSource(context.Background(), &expired).Token()
	if err != nil || fresh.AccessToken == keyTok.AccessToken || fresh.RefreshToken == keyTok.RefreshToken {
		t.Fatalf("refresh: %v (rotated: %t)", err, err == nil && fresh.RefreshToken != keyTok.RefreshToken)
	}
	secrets = append(secrets, fresh.AccessToken, fresh.RefreshToken)
	oauthCallAgent(t, base, e2eStreamable2025, fresh.AccessToken, nil)

	// Restart on the same state directory: issued tokens still work.
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	logs.WriteString(p.stderr.String())
	p = startHTTPE2E(t, bin, env, args...)
	oauthCallAgent(t, base, e2eStreamable2025, fresh.AccessToken, nil)
	oauthCallAgent(t, base, e2eStreamable2025, loftyTok.AccessToken, nil)
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code %d after the restart", code)
	}
	logs.WriteString(p.stderr.String())

	// Nothing secret in any log line, at debug level.
	fake.mu.Lock()
	secrets = append(secrets, fake.secrets...)
	fake.mu.Unlock()
	all := logs.String()
	if !strings.Contains(all, `"level":"DEBUG"`) || !strings.Contains(all, "oauth: signed in") {
		t.Fatal("the logs are not at debug level, or lack the sign-ins")
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(all, s) {
			t.Errorf("a secret (%s…) appears in the logs", s[:min(8, len(s))])
		}
	}
	t.Logf("%d log lines checked for %d secrets", strings.Count(all, "\n"), len(secrets))
}

// TestOAuthDemoE2E: `lofty-mcp --demo http --oauth --public-url
// http://127.0.0.1:PORT` works end to end with nothing else: the demo key
// signs in (another key is refused with the page's message), and so does
// "Sign in with Lofty", through the demo Lofty's page on the same listener.
func TestOAuthDemoE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := stdioBin(t)
	addr := freeLoopbackAddr(t)
	base := "http://" + addr
	env := append(e2eEnv("", ""), "XDG_STATE_HOME="+t.TempDir())
	p := startHTTPE2E(t, bin, env, "--demo", "--oauth", "--public-url", base, "--addr", addr)
	var secrets []string
	c := discoverAndRegister(t, base, &secrets)
	page := c.signInPage()
	if want := "Paste the demo API key, " + demoAPIKey + ", or"; !strings.Contains(page.body, want) {
		t.Errorf("the demo's sign-in page does not say %q", want)
	}
	wrong := c.post(page, "api_key", "api_key", "not-the-demo-key")
	if wrong.status != http.StatusBadRequest || !strings.Contains(wrong.body, "Lofty did not accept this API key") {
		t.Fatalf("a key other than the demo key: HTTP %d", wrong.status)
	}
	tok := c.finish(c.post(wrong, "api_key", "api_key", demoAPIKey))
	oauthCallAgent(t, base, e2eStreamable2025, tok.AccessToken, nil)

	loftyTok := c.signInWithLofty(base+demoAuthorizePath, demoVendorClientID)
	oauthCallAgent(t, base, e2eStreamableDefault, loftyTok.AccessToken, nil)
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	if !strings.Contains(p.stderr.String(), `paste the demo API key \"demo\"`) {
		t.Error("the start log does not name the demo key")
	}
}

func redactE2E(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

// TestOAuthE2ERedisReplicas: two `lofty-mcp http --oauth` processes on one
// Redis, as replicas behind one public URL, with the same
// LOFTY_MCP_SECRET_KEY: a person signs in through one, and the other
// accepts the access token, runs tool calls with the person's credential
// and refreshes the token; nothing is written to a state directory; /readyz
// and MCP requests answer 503 while Redis is down.
func TestOAuthE2ERedisReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := stdioBin(t)
	redisSrv := testutil.StartRedis(t)
	fake := startOAuthE2EFake(t, 100*time.Second)
	addrA, addrB := freeLoopbackAddr(t), freeLoopbackAddr(t)
	public := "http://" + addrA // the load balancer's address: replica A's here
	stateHome := t.TempDir()
	env := append(e2eEnv(fake.url, ""),
		"LOFTY_OAUTH_CLIENT_ID="+oauthE2EVendorID, "LOFTY_OAUTH_CLIENT_SECRET="+oauthE2EVendorKey,
		"LOFTY_OAUTH_AUTHORIZE_URL="+fake.url+fakelofty.VendorAuthPath, "LOFTY_OAUTH_TOKEN_URL="+fake.url+fakelofty.TokenPath,
		"LOFTY_MCP_SECRET_KEY="+strings.Repeat("ab", 32), "LOFTY_REDIS_URL=redis://"+redisSrv.Addr+"/0", "XDG_STATE_HOME="+stateHome)
	common := []string{"--oauth", "--public-url", public, "--log-level", "debug"}
	pA := startHTTPE2E(t, bin, env, append(common, "--addr", addrA)...)
	pB := startHTTPE2E(t, bin, env, append(common, "--addr", addrB)...)

	var secrets []string
	c := discoverAndRegister(t, pA.base, &secrets)
	keyTok := c.signInWithKey(oauthE2EKey)
	c2 := discoverAndRegister(t, pA.base, &secrets)
	loftyTok := c2.signInWithLofty(fake.url+fakelofty.VendorAuthPath, oauthE2EVendorID)

	from := len(fake.Requests())
	oauthCallAgent(t, pB.base, e2eStreamable2025, keyTok.AccessToken, nil)
	oauthCallAgent(t, pB.base, e2eStreamableDefault, loftyTok.AccessToken, nil)
	seen := fake.authorizations("/v2.0/sales-agents/by-lead", from)
	if len(seen) != 2 || seen[0] != "token "+oauthE2EKey || !strings.HasPrefix(seen[1], "Bearer lofty-at-") {
		t.Fatalf("through replica B, Lofty saw %d calls (%q…); want the key, then Lofty's token", len(seen), redactE2E(strings.Join(seen, ",")))
	}
	// The refresh token issued by A is redeemed at B.
	c.conf.Endpoint.TokenURL = pB.base + "/oauth/token"
	expired := *keyTok
	expired.Expiry = time.Now().Add(-time.Minute)
	fresh, err := c.conf.TokenSource(context.Background(), &expired).Token()
	if err != nil || fresh.AccessToken == keyTok.AccessToken {
		t.Fatalf("refresh at replica B: %v", err)
	}
	secrets = append(secrets, fresh.AccessToken, fresh.RefreshToken)
	oauthCallAgent(t, pA.base, e2eStreamable2025, fresh.AccessToken, nil)

	if entries, _ := filepath.Glob(filepath.Join(stateHome, "*")); len(entries) != 0 {
		t.Errorf("with Redis, the replicas wrote to the state directory: %v", entries)
	}

	// Redis goes down: not ready, and MCP requests answer 503, not 401
	// (the token is not wrong; the store is unavailable).
	status := func(method, u, token string) int {
		req, _ := http.NewRequest(method, u, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := status("GET", pB.base+"/readyz", ""); s != http.StatusOK {
		t.Fatalf("/readyz with Redis up: HTTP %d", s)
	}
	redisSrv.Stop()
	if s := status("GET", pB.base+"/readyz", ""); s != http.StatusServiceUnavailable {
		t.Errorf("/readyz with Redis down: HTTP %d, want 503", s)
	}
	if s := status("POST", pB.base+"/mcp", fresh.AccessToken); s != http.StatusServiceUnavailable {
		t.Errorf("an MCP request with Redis down: HTTP %d, want 503", s)
	}
	for _, p := range []*httpE2EProc{pA, pB} {
		if code := p.stop(t); code != 0 {
			t.Errorf("exit code %d", code)
		}
	}
	fake.mu.Lock()
	secrets = append(secrets, fake.secrets...)
	fake.mu.Unlock()
	secrets = append(secrets, oauthE2EKey, oauthE2EVendorKey, strings.Repeat("ab", 32))
	logs := pA.stderr.String() + pB.stderr.String()
	for _, s := range secrets {
		if s != "" && strings.Contains(logs, s) {
			t.Errorf("a secret (%s…) appears in the logs", s[:min(8, len(s))])
		}
	}
}
