package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
)

// The remote connector: configs/remote-connector.json, in the .mcp.json
// format of Claude Code, names only the URL ("type": "http", no headers, no
// token): the client signs the person in. The test starts
// `lofty-mcp --demo http --oauth` on a free loopback port standing in for the
// entry's host, and does what a client that signs in does with the entry:
// POST to the URL, 401 with WWW-Authenticate naming the resource metadata,
// the protected-resource and authorization-server metadata, Dynamic Client
// Registration, an authorization request with PKCE S256, the sign-in page
// with the demo key, the token, and then MCP with the access token.
func TestRemoteConnectorConfig(t *testing.T) {
	var f struct {
		MCPServers map[string]struct {
			Type string `json:"type"`
			URL  string `json:"url"`
		} `json:"mcpServers"`
	}
	readStrict(t, "configs/remote-connector.json", &f) // a "headers" field fails here
	name, e := onlyEntry(t, "configs/remote-connector.json", f.MCPServers)
	if e.Type != "http" {
		t.Fatalf("server %q has type %q, want http", name, e.Type)
	}
	u, err := url.Parse(e.URL)
	if err != nil || u.Scheme != "https" || u.Path != "/mcp" || u.RawQuery != "" || strings.Contains(e.URL, "${") {
		t.Fatalf("url %q: want https://<public host>/mcp, with nothing to fill in", e.URL)
	}

	// The entry's host, played by a local server with that path.
	addr := testutil.FreeAddr(t)
	public := "http://" + addr
	u.Scheme, u.Host = "http", addr
	stderr := &testutil.SyncBuffer{}
	cmd := exec.Command(stdioBin(t), "--demo", "http", "--oauth", "--public-url", public, "--addr", addr, "--state-dir", t.TempDir())
	cmd.Env = cleanEnv(nil)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if runtime.GOOS == "windows" {
			_ = cmd.Process.Kill()
		} else {
			_ = cmd.Process.Signal(syscall.SIGTERM)
		}
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("lofty-mcp http did not exit within 15s")
		}
	}()
	waitHealthy(t, public+"/healthz", exited, stderr)

	// 1. The entry as it is: no token, 401 and the challenge.
	resp, err := http.Post(u.String(), "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	m := regexp.MustCompile(`^Bearer resource_metadata="([^"]+)"`).FindStringSubmatch(resp.Header.Get("WWW-Authenticate"))
	if resp.StatusCode != http.StatusUnauthorized || m == nil {
		t.Fatalf("POST %s: HTTP %d, WWW-Authenticate %q; want 401 naming the resource metadata", u, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	// 2. Discovery.
	var prm struct {
		Resource             string   `json:"resource"`
		AuthorizationServers []string `json:"authorization_servers"`
	}
	getJSON(t, m[1], &prm)
	if prm.Resource != u.String() || len(prm.AuthorizationServers) != 1 {
		t.Fatalf("protected resource metadata %+v: want resource %s and one authorization server", prm, u)
	}
	var asm struct {
		Issuer                string   `json:"issuer"`
		AuthorizationEndpoint string   `json:"authorization_endpoint"`
		TokenEndpoint         string   `json:"token_endpoint"`
		RegistrationEndpoint  string   `json:"registration_endpoint"`
		CodeChallengeMethods  []string `json:"code_challenge_methods_supported"`
		CIMD                  bool     `json:"client_id_metadata_document_supported"`
	}
	getJSON(t, prm.AuthorizationServers[0]+"/.well-known/oauth-authorization-server", &asm)
	if asm.Issuer != prm.AuthorizationServers[0] || asm.RegistrationEndpoint == "" || !asm.CIMD || len(asm.CodeChallengeMethods) != 1 || asm.CodeChallengeMethods[0] != "S256" {
		t.Fatalf("authorization server metadata: %+v", asm)
	}
	// 3. Registration, sign-in with the demo key, token.
	redirect := "http://127.0.0.1:9/callback"
	resp, err = http.Post(asm.RegistrationEndpoint, "application/json", strings.NewReader(
		`{"client_name":"configs test","redirect_uris":["`+redirect+`"],"token_endpoint_auth_method":"none"}`))
	if err != nil {
		t.Fatal(err)
	}
	var reg struct {
		ClientID string `json:"client_id"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&reg)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || reg.ClientID == "" {
		t.Fatalf("registration: HTTP %d", resp.StatusCode)
	}
	conf := &oauth2.Config{ClientID: reg.ClientID, RedirectURL: redirect,
		Endpoint: oauth2.Endpoint{AuthURL: asm.AuthorizationEndpoint, TokenURL: asm.TokenEndpoint, AuthStyle: oauth2.AuthStyleInParams}}
	verifier := oauth2.GenerateVerifier()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(r.URL.String(), redirect) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err = browser.Get(conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("resource", prm.Resource)))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	field := func(name string) string {
		m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(string(page))
		if m == nil {
			t.Fatalf("the sign-in page (HTTP %d) has no %s field", resp.StatusCode, name)
		}
		return m[1]
	}
	resp, err = browser.PostForm(public+"/oauth/signin", url.Values{"request": {field("request")}, "csrf": {field("csrf")}, "method": {"api_key"}, "api_key": {"demo"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || back == nil || back.Query().Get("code") == "" {
		t.Fatalf("signing in with the demo key: HTTP %d", resp.StatusCode)
	}
	tok, err := conf.Exchange(context.Background(), back.Query().Get("code"), oauth2.VerifierOption(verifier), oauth2.SetAuthURLParam("resource", prm.Resource))
	if err != nil {
		t.Fatal(err)
	}
	// 4. MCP at the entry's URL with the access token.
	exerciseHTTP(t, u.String(), map[string]string{"Authorization": "Bearer " + tok.AccessToken}, stderr)
}
