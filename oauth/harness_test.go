package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

// Test credentials the fake Lofty accepts.
const (
	goodKey         = "lofty-key-5f2b8c1e9a7d4e3f"
	otherKey        = "lofty-key-other-77aa11"
	loftyAppID      = "vendor-app-id"
	loftyAppSecret  = "vendor-app-secret-9c8b7a6f"
	testRedirectURI = "http://127.0.0.1:9/callback" // never reached: the test client stops at it

	// otherKey's person, whom GET /v1.0/me names for it.
	otherPersonID    = 4242
	otherPersonEmail = "bob@example.com"
)

// clock is an adjustable test clock.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Now().UnixNano())
	return c
}
func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// harness is an oauth Server behind a loopback httptest server, with a
// protected /mcp handler and a fake Lofty.
type harness struct {
	t       testing.TB
	fake    *fakelofty.Fake
	fakeURL string
	clock   *clock
	logs    *testutil.SyncBuffer
	dir     string
	cfg     Config
	ts      *httptest.Server
	current atomic.Pointer[Server]
	api     *lofty.Client

	mu      sync.Mutex
	secrets []string // must never appear in a log line
}

type harnessOption func(*Config)

func withLoftyOAuth() harnessOption {
	return func(c *Config) {
		c.Lofty.ClientID, c.Lofty.ClientSecret = loftyAppID, loftyAppSecret
	}
}

func newHarness(t testing.TB, opts ...harnessOption) *harness {
	t.Helper()
	h := &harness{t: t, clock: newClock(), logs: &testutil.SyncBuffer{}, dir: t.TempDir()}
	h.fake = fakelofty.New(&fakelofty.Data{APIKeys: []string{goodKey, otherKey}, Leads: fakelofty.Demo().Leads})
	h.fake.EnableOAuth(fakelofty.OAuthApp{ClientID: loftyAppID, ClientSecret: loftyAppSecret, AutoApprove: true})
	h.fake.SetOAuthClock(h.clock.Now)
	// The fake behind a recorder: Lofty's tokens and codes join the
	// secrets that must never be logged.
	fakeSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// otherKey is another person's (the fake's GET /v1.0/me answers
		// the demo person for everyone else).
		if r.URL.Path == lofty.MePath && r.Header.Get("Authorization") == "token "+otherKey {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{"id": otherPersonID, "memberUserId": otherPersonID, "email": otherPersonEmail, "firstName": "Bob", "lastName": "Other"})
			return
		}
		rec := &recorder{ResponseWriter: w}
		h.fake.ServeHTTP(rec, r)
		h.collectSecrets(rec)
	}))
	t.Cleanup(fakeSrv.Close)
	h.fakeURL = fakeSrv.URL
	h.addSecret(goodKey, otherKey, loftyAppSecret)

	h.ts = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := h.current.Load()
		if r.URL.Path == ResourcePath || strings.HasPrefix(r.URL.Path, ResourcePath+"/") {
			h.serveProtected(s, w, r)
			return
		}
		// Record every secret the server hands out, to check the logs.
		h.addSecret(secretRE.FindAllString(r.URL.RawQuery, -1)...)
		rec := &recorder{ResponseWriter: w}
		s.Handler().ServeHTTP(rec, r)
		h.collectSecrets(rec)
	}))
	publicURL := "http://" + h.ts.Listener.Addr().String()
	logger := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.cfg = Config{
		PublicURL: publicURL,
		StateDir:  h.dir,
		Lofty: LoftyConfig{
			AuthorizeURL: h.fakeURL + fakelofty.VendorAuthPath,
			TokenURL:     h.fakeURL + fakelofty.TokenPath,
			APIBaseURL:   h.fakeURL,
		},
		Logger: logger,
		Now:    h.clock.Now,
	}
	for _, o := range opts {
		o(&h.cfg)
	}
	h.start()
	h.ts.Start()
	t.Cleanup(h.ts.Close)
	var err error
	h.api, err = lofty.New(lofty.Config{BaseURL: h.fakeURL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		logs := h.logs.String()
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, s := range h.secrets {
			if s != "" && strings.Contains(logs, s) {
				t.Errorf("a secret (%s…) appears in the logs", s[:min(6, len(s))])
			}
		}
	})
	return h
}

// start (re)creates the Server from h.cfg, closing the previous one: a restart.
func (h *harness) start() {
	h.t.Helper()
	if old := h.current.Load(); old != nil {
		if err := old.Close(); err != nil {
			h.t.Fatal(err)
		}
	}
	s, err := New(h.cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	h.current.Store(s)
	h.t.Cleanup(func() { s.Close() })
}

func (h *harness) srv() *Server { return h.current.Load() }

func (h *harness) addSecret(s ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.secrets = append(h.secrets, s...)
}

type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(s int) { r.status = s; r.ResponseWriter.WriteHeader(s) }
func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

var secretRE = regexp.MustCompile(`lmcp_(?:at|rt|ac|cs)_[A-Za-z0-9_-]{43}|lofty-(?:at|rt|code)-[A-Za-z0-9_-]{32}`)

func (h *harness) collectSecrets(rec *recorder) {
	found := secretRE.FindAllString(rec.body.String()+" "+rec.Header().Get("Location"), -1)
	h.addSecret(found...)
}

// protectedReply is what the protected /mcp handler answers.
type protectedReply struct {
	Grant  string `json:"grant"`
	Kind   string `json:"kind"`
	Source string `json:"source"`
	Email  string `json:"email"`
	Scopes string `json:"scopes"`
}

// serveProtected is the tiny resource server: Authenticate, then a Lofty
// call with the grant's credential.
func (h *harness) serveProtected(s *Server, w http.ResponseWriter, r *http.Request) {
	g, err := s.Authenticate(r)
	if err != nil {
		s.Challenge(w, r, err)
		return
	}
	cred, err := g.Credential(r.Context())
	if err != nil {
		if errors.Is(err, ErrSignInAgain) {
			s.Challenge(w, r, err)
			return
		}
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	h.addSecret(cred.Secret)
	me, err := h.api.Me(lofty.WithCredential(r.Context(), cred))
	if err != nil {
		http.Error(w, "lofty: "+err.Error(), http.StatusBadGateway)
		return
	}
	kind := "api_key"
	if cred.Kind == lofty.AccessToken {
		kind = "access_token"
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(protectedReply{Grant: g.ID(), Kind: kind, Source: cred.Source, Email: me.Email, Scopes: g.Scopes().String()})
}

// ---- the client side ----

// testClient is an OAuth client registered with DCR, plus a browser.
type testClient struct {
	h        *harness
	id       string
	secret   string
	conf     *oauth2.Config
	browser  *http.Client
	verifier string
	state    string
}

func (h *harness) metadata() map[string]any {
	h.t.Helper()
	resp, err := http.Get(h.ts.URL + AuthServerMetadataPath)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		h.t.Fatal(err)
	}
	return m
}

// register registers a client with DCR and returns it.
func (h *harness) register(meta map[string]any) *testClient {
	h.t.Helper()
	if meta == nil {
		meta = map[string]any{}
	}
	if _, ok := meta["redirect_uris"]; !ok {
		meta["redirect_uris"] = []string{testRedirectURI}
	}
	if _, ok := meta["token_endpoint_auth_method"]; !ok {
		meta["token_endpoint_auth_method"] = "none"
	}
	if _, ok := meta["client_name"]; !ok {
		meta["client_name"] = "Test Client"
	}
	if _, ok := meta["grant_types"]; !ok {
		meta["grant_types"] = []string{"authorization_code", "refresh_token"}
	}
	status, body := h.postJSON(RegisterPath, meta)
	if status != http.StatusCreated {
		h.t.Fatalf("register: HTTP %d: %s", status, body)
	}
	var reg struct {
		ClientID     string   `json:"client_id"`
		ClientSecret string   `json:"client_secret"`
		RedirectURIs []string `json:"redirect_uris"`
	}
	if err := json.Unmarshal(body, &reg); err != nil {
		h.t.Fatal(err)
	}
	return h.clientFor(reg.ClientID, reg.ClientSecret, reg.RedirectURIs[0])
}

func (h *harness) clientFor(id, secret, redirect string) *testClient {
	m := h.metadata()
	style := oauth2.AuthStyleInParams
	if secret != "" {
		style = oauth2.AuthStyleInHeader
	}
	jar, _ := cookiejar.New(nil)
	c := &testClient{h: h, id: id, secret: secret, conf: &oauth2.Config{
		ClientID:     id,
		ClientSecret: secret,
		RedirectURL:  redirect,
		Endpoint: oauth2.Endpoint{
			AuthURL:   m["authorization_endpoint"].(string),
			TokenURL:  m["token_endpoint"].(string),
			AuthStyle: style,
		},
	}}
	c.browser = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), redirect) {
			return http.ErrUseLastResponse // the client's redirect URI: stop there
		}
		return nil
	}}
	return c
}

func (h *harness) postJSON(path string, v any) (int, []byte) {
	h.t.Helper()
	b, _ := json.Marshal(v)
	resp, err := http.Post(h.ts.URL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func (h *harness) postForm(path string, form url.Values) (int, map[string]any) {
	h.t.Helper()
	resp, err := http.PostForm(h.ts.URL+path, form)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	body, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(body, &m)
	return resp.StatusCode, m
}

// authURL is the authorization request URL with PKCE S256 and the resource;
// extra replaces or (with an empty value) removes parameters.
func (c *testClient) authURL(extra map[string]string) string {
	c.verifier = oauth2.GenerateVerifier()
	c.state = fmt.Sprintf("st-%d", time.Now().UnixNano())
	u, _ := url.Parse(c.conf.AuthCodeURL(c.state, oauth2.S256ChallengeOption(c.verifier),
		oauth2.SetAuthURLParam("resource", c.h.srv().Resource())))
	q := u.Query()
	for k, v := range extra {
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// page is a fetched HTML page.
type page struct {
	status  int
	url     *url.URL
	header  http.Header
	body    string
	browser *testClient // set by tests that juggle several browsers
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="(request|csrf)" value="([^"]*)">`)

func (p page) field(name string) string {
	for _, m := range hiddenRE.FindAllStringSubmatch(p.body, -1) {
		if m[1] == name {
			return m[2]
		}
	}
	return ""
}

func (p page) message() string {
	m := regexp.MustCompile(`id="message">([^<]*)<`).FindStringSubmatch(p.body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func (c *testClient) get(u string) page {
	c.h.t.Helper()
	resp, err := c.browser.Get(u)
	if err != nil {
		c.h.t.Fatal(err)
	}
	return readPage(c.h.t, resp)
}

func readPage(t testing.TB, resp *http.Response) page {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	p := page{status: resp.StatusCode, url: resp.Request.URL, header: resp.Header, body: string(b)}
	if loc := resp.Header.Get("Location"); loc != "" {
		p.url, _ = resp.Request.URL.Parse(loc)
	}
	return p
}

// submit posts the sign-in form of p with fields.
func (c *testClient) submit(p page, fields map[string]string) page {
	c.h.t.Helper()
	form := url.Values{"request": {p.field("request")}, "csrf": {p.field("csrf")}}
	for k, v := range fields {
		if v == "\x00" {
			form.Del(k)
		} else {
			form.Set(k, v)
		}
	}
	resp, err := c.browser.PostForm(c.h.ts.URL+SignInPath, form)
	if err != nil {
		c.h.t.Fatal(err)
	}
	return readPage(c.h.t, resp)
}

// signIn runs the authorization request and the sign-in page with method
// ("api_key" with key, or "lofty") and returns the redirect to the client.
func (c *testClient) signIn(method, key string) *url.URL {
	c.h.t.Helper()
	p := c.get(c.authURL(nil))
	if p.status != http.StatusOK || p.field("csrf") == "" {
		c.h.t.Fatalf("sign-in page: HTTP %d at %s: %s", p.status, p.url, p.body)
	}
	fields := map[string]string{"method": method}
	if method == "api_key" {
		fields["api_key"] = key
	}
	done := c.submit(p, fields)
	if done.status != http.StatusSeeOther || !strings.HasPrefix(done.url.String(), c.conf.RedirectURL) {
		c.h.t.Fatalf("sign-in did not return to the client: HTTP %d at %s: %s", done.status, done.url, done.body)
	}
	return done.url
}

// code checks the authorization response and returns its code.
func (c *testClient) code(u *url.URL) string {
	c.h.t.Helper()
	q := u.Query()
	if q.Get("error") != "" {
		c.h.t.Fatalf("authorization error: %s: %s", q.Get("error"), q.Get("error_description"))
	}
	if q.Get("state") != c.state {
		c.h.t.Fatalf("state %q, want %q", q.Get("state"), c.state)
	}
	if q.Get("iss") != c.h.srv().Issuer() {
		c.h.t.Fatalf("iss %q, want %q", q.Get("iss"), c.h.srv().Issuer())
	}
	if q.Get("code") == "" {
		c.h.t.Fatal("no code")
	}
	return q.Get("code")
}

// exchange redeems code with the verifier of the last authorization request.
func (c *testClient) exchange(code string) (*oauth2.Token, error) {
	return c.conf.Exchange(context.Background(), code, oauth2.VerifierOption(c.verifier),
		oauth2.SetAuthURLParam("resource", c.h.srv().Resource()))
}

// login runs the whole flow and returns the tokens.
func (c *testClient) login(method, key string) *oauth2.Token {
	c.h.t.Helper()
	tok, err := c.exchange(c.code(c.signIn(method, key)))
	if err != nil {
		c.h.t.Fatalf("exchange: %v", err)
	}
	return tok
}

// call calls the protected endpoint with an access token.
func (h *harness) call(accessToken string) (int, protectedReply, http.Header) {
	h.t.Helper()
	return h.callAt(ResourcePath, accessToken)
}

// callAt calls the protected resource at path (/mcp or a selection of it).
func (h *harness) callAt(path, accessToken string) (int, protectedReply, http.Header) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.ts.URL+path, nil)
	if accessToken != "" {
		req.Header.Set("Authorization", "Bearer "+accessToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var r protectedReply
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &r); err != nil {
			h.t.Fatalf("protected reply: %v: %s", err, body)
		}
	}
	return resp.StatusCode, r, resp.Header
}

// reseal rewrites the sealed part of grant id with edit (as an older
// server would have sealed it).
func (h *harness) reseal(id string, edit func(*sealedCredential)) {
	h.t.Helper()
	ctx := context.Background()
	s := h.srv()
	var rec grantRecord
	if err := getJSON(ctx, s.store, keyGrant+id, &rec); err != nil {
		h.t.Fatal(err)
	}
	cred, err := s.openCredential(&rec)
	if err != nil {
		h.t.Fatal(err)
	}
	edit(&cred)
	if err := s.sealInto(&rec, cred); err != nil {
		h.t.Fatal(err)
	}
	if err := putJSON(ctx, s.store, keyGrant+rec.ID, &rec, unixTime(rec.Expires)); err != nil {
		h.t.Fatal(err)
	}
}

// lastAuthorization is the Authorization header of the fake's last /v1.0/me request.
func (h *harness) lastAuthorization() string {
	reqs := h.fake.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Path == "/v1.0/me" {
			return reqs[i].Authorization
		}
	}
	return ""
}

// oauthErrorCode is the "error" of an *oauth2.RetrieveError.
func oauthErrorCode(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	if err == nil {
		return ""
	}
	return "(not an OAuth error: " + err.Error() + ")"
}

func loftytestApp(autoApprove bool) fakelofty.OAuthApp {
	return fakelofty.OAuthApp{ClientID: loftyAppID, ClientSecret: loftyAppSecret, AutoApprove: autoApprove}
}
