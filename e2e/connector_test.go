package e2e

// End-to-end tests of what a team's connector lets each person do, through
// the real binary: scopes (a read-only grant, the insufficient_scope
// challenge, a step-up grant), per-URL and per-header toolset selection
// with and without --oauth, the account page forgetting a sign-in (its
// credential gone from oauth.db and from Redis), and the operator's
// `lofty-mcp grants` command.
//
//	go test -race -run 'TestConnector' ./e2e/

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	mcptransport "github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/redis/go-redis/v9"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

// dialAt is an initialized 2025-11-25 client of the MCP endpoint u.
func dialAt(t *testing.T, u string, headers map[string]string) *client.Client {
	t.Helper()
	tr, err := mcptransport.NewStreamableHTTP(u, mcptransport.WithHTTPHeaders(headers))
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, client.WithProtocolVersion(mcp.ProtocolVersion20251125))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.ProtocolVersion20251125
	req.Params.ClientInfo = mcp.Implementation{Name: "e2e", Version: "1"}
	if _, err := c.Initialize(ctx, req); err != nil {
		t.Fatalf("initialize at %s: %v", u, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

// toolNames lists the tools c is served, sorted.
func toolNames(t *testing.T, c *client.Client) []string {
	t.Helper()
	res, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tl := range res.Tools {
		out = append(out, tl.Name)
	}
	slices.Sort(out)
	return out
}

// rawCall initializes a session at u with headers and sends one tools/call
// of tool, returning the HTTP status, headers and body of that call.
func rawCall(t *testing.T, u string, headers map[string]string, tool, args string) (int, http.Header, string) {
	t.Helper()
	post := func(body, session string) *http.Response {
		req, _ := http.NewRequest("POST", u, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("MCP-Protocol-Version", "2025-11-25")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	init := post(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}`, "")
	io.Copy(io.Discard, init.Body)
	init.Body.Close()
	session := init.Header.Get("Mcp-Session-Id")
	if init.StatusCode != 200 || session == "" {
		t.Fatalf("initialize at %s: HTTP %d", u, init.StatusCode)
	}
	resp := post(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"`+tool+`","arguments":`+args+`}}`, session)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// accountSignIn signs in to the account page with key, in a fresh browser,
// and returns the browser and the page listing the person's apps.
func accountSignIn(t *testing.T, base, key string) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	page := getPage(t, b, base+"/oauth/account")
	page = postPage(t, b, base+"/oauth/account", page, url.Values{"method": {"api_key"}, "api_key": {key}})
	if !strings.Contains(page, `id="grants"`) {
		t.Fatalf("the account page did not sign in: %.300s", page)
	}
	return b, page
}

func getPage(t *testing.T, b *http.Client, u string) string {
	t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

var pageCSRF = regexp.MustCompile(`name="csrf" value="([^"]*)"`)

// postPage posts form to u with the CSRF token of page.
func postPage(t *testing.T, b *http.Client, u, page string, form url.Values) string {
	t.Helper()
	if m := pageCSRF.FindStringSubmatch(page); m != nil {
		form.Set("csrf", m[1])
	}
	resp, err := b.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// status sends a tools/list-less ping with a token to u and returns the status.
func pingStatus(t *testing.T, u, tok string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// runGrantsCmd runs `lofty-mcp grants ARGS` and returns its exit code and output.
func runGrantsCmd(t *testing.T, bin string, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"grants"}, args...)...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String()
}

// sealedOf reads, from a stopped server's oauth.db, the sealed part of
// every grant whose client is one of clients.
func sealedOf(t *testing.T, stateDir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	raw, err := os.ReadFile(filepath.Join(stateDir, "oauth.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\{"id":"(g_[A-Za-z0-9_-]+)"[^{}]*"sealed":"([A-Za-z0-9+/=]+)"`).FindAllSubmatch(raw, -1) {
		out[string(m[1])] = string(m[2])
	}
	return out
}

// TestConnectorScopesE2E: a read-only grant lists and calls only reads,
// and a write gets the insufficient_scope challenge; a step-up grant adds
// writes without losing the first; a URL narrows the toolsets (never past
// the flags), and so do the headers; the account page forgets a sign-in
// (its token refused at once, its sealed credential gone from oauth.db);
// the operator's command lists and revokes a departing person's grants.
func TestConnectorScopesE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := stdioBin(t)
	fake := startOAuthE2EFake(t, time.Hour)
	addr := freeLoopbackAddr(t)
	base := "http://" + addr
	stateDir := t.TempDir()
	env := append(e2eEnv(fake.url, ""), "XDG_STATE_HOME=/nonexistent-should-not-be-used")
	args := []string{"--oauth", "--public-url", base, "--addr", addr, "--state-dir", stateDir, "--toolsets", "leads,lead_actions",
		"--confirm-writes", "never", "--log-level", "debug"}
	p := startHTTPE2E(t, bin, env, args...)
	secrets := []string{oauthE2EKey, oauthE2EOtherKey}
	c := discoverAndRegister(t, base, &secrets)

	// The 401 asks for what /mcp's tools use.
	resp, _ := http.Post(base+"/mcp", "application/json", strings.NewReader(`{}`))
	resp.Body.Close()
	if got := resp.Header.Get("WWW-Authenticate"); !strings.HasSuffix(got, `, scope="lofty:read lofty:write"`) {
		t.Errorf("the 401's challenge: %q", got)
	}

	// A read-only grant: the person unticks "change data".
	c.conf.Scopes = []string{"lofty:read", "lofty:write"}
	page := c.signInPage()
	if !strings.Contains(page.body, `id="allow-write" value="1" checked`) {
		t.Fatal("the sign-in page does not offer lofty:write, ticked")
	}
	readTok := c.finish(c.post(page, "api_key", "api_key", oauthE2EKey))
	if got := readTok.Extra("scope"); got != "lofty:read" {
		t.Fatalf("read-only grant: scope %q", got)
	}
	reads := dialAt(t, base+"/mcp", bearer(readTok.AccessToken))
	if got := toolNames(t, reads); !slices.Equal(got, []string{"find_leads", "get_lead", "get_lead_timeline"}) {
		t.Errorf("a read-only grant lists %q", got)
	}
	if res, err := reads.CallTool(context.Background(), callReq("find_leads", map[string]any{"key": "Jane"})); err != nil || res.IsError {
		t.Errorf("find_leads with a read-only grant: %v %v", err, res)
	}
	note := `{"leadId":` + itoa64(fakelofty.DemoLeadWithAgent) + `,"content":"scope e2e note"}`
	status, hdr, body := rawCall(t, base+"/mcp", bearer(readTok.AccessToken), "add_lead_note", note)
	wantChallenge := `Bearer error="insufficient_scope", scope="lofty:read lofty:write", resource_metadata="` + base + `/.well-known/oauth-protected-resource/mcp"`
	if status != http.StatusForbidden || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), wantChallenge) || !strings.Contains(body, "add_lead_note needs lofty:write") {
		t.Fatalf("add_lead_note with a read-only grant: HTTP %d %q %s", status, hdr.Get("WWW-Authenticate"), body)
	}
	if n := countNotes(fake, "scope e2e note"); n != 0 {
		t.Fatal("the refused write reached Lofty")
	}

	// Step-up: a new sign-in allowing writes.
	writeTok := c.finish(c.post(c.signInPage(), "api_key", "api_key", oauthE2EKey, "allow_write", "1"))
	if got := writeTok.Extra("scope"); got != "lofty:read lofty:write" {
		t.Fatalf("step-up grant: scope %q", got)
	}
	writes := dialAt(t, base+"/mcp", bearer(writeTok.AccessToken))
	if got := toolNames(t, writes); !slices.Contains(got, "add_lead_note") || !slices.Contains(got, "assign_lead") {
		t.Errorf("the step-up grant lists %q", got)
	}
	if res, err := writes.CallTool(context.Background(), callReq("add_lead_note", map[string]any{"leadId": fakelofty.DemoLeadWithAgent, "content": "scope e2e note"})); err != nil || res.IsError {
		t.Fatalf("add_lead_note after the step-up: %v %v", err, res)
	}
	if countNotes(fake, "scope e2e note") != 1 {
		t.Error("the step-up grant's note did not reach Lofty once")
	}
	if res, err := reads.CallTool(context.Background(), callReq("get_lead", map[string]any{"leadId": fakelofty.DemoLeadWithAgent})); err != nil || res.IsError {
		t.Errorf("the read-only grant after the step-up: %v %v", err, res)
	}

	// A URL narrows: /mcp/x/leads/readonly is a resource of its own.
	narrow := base + "/mcp/x/leads/readonly"
	resp, _ = http.Post(narrow, "application/json", strings.NewReader(`{}`))
	resp.Body.Close()
	if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer resource_metadata="`+base+`/.well-known/oauth-protected-resource/mcp/x/leads/readonly", scope="lofty:read"` {
		t.Errorf("the 401 at %s: %q", narrow, got)
	}
	var prm struct {
		Resource string   `json:"resource"`
		Scopes   []string `json:"scopes_supported"`
	}
	getJSON(t, base+"/.well-known/oauth-protected-resource/mcp/x/leads/readonly", &prm)
	if prm.Resource != narrow || !slices.Equal(prm.Scopes, []string{"lofty:read"}) {
		t.Errorf("metadata of %s: %+v", narrow, prm)
	}
	c.resource = narrow
	narrowTok := c.finish(c.post(c.signInPage(), "api_key", "api_key", oauthE2EKey, "allow_write", "1"))
	if got := toolNames(t, dialAt(t, narrow, bearer(narrowTok.AccessToken))); !slices.Equal(got, []string{"find_leads", "get_lead", "get_lead_timeline"}) {
		t.Errorf("%s lists %q", narrow, got)
	}
	if s := pingStatus(t, base+"/mcp", narrowTok.AccessToken); s != http.StatusUnauthorized {
		t.Errorf("a token for %s at /mcp: HTTP %d", narrow, s)
	}
	// Never past the flags: a toolset the server does not serve.
	resp, _ = http.Post(base+"/mcp/x/leads,sales_agents", "application/json", strings.NewReader(`{}`))
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || !strings.Contains(string(b), "does not serve the toolset sales_agents; it serves leads, lead_actions") {
		t.Errorf("/mcp/x/leads,sales_agents: HTTP %d %s", resp.StatusCode, b)
	}
	// Headers narrow too.
	h := bearer(writeTok.AccessToken)
	h["X-MCP-Toolsets"] = "lead_actions"
	if got := toolNames(t, dialAt(t, base+"/mcp", h)); !slices.Equal(got, []string{"add_contact_log", "add_lead_note", "assign_lead", "save_lead"}) {
		t.Errorf("X-MCP-Toolsets: lead_actions lists %q", got)
	}

	// Bob signs in too, with his own key.
	bobClient := discoverAndRegister(t, base, &secrets)
	bobTok := bobClient.signInWithKey(oauthE2EOtherKey)
	secrets = append(secrets, readTok.AccessToken, writeTok.AccessToken, narrowTok.AccessToken, bobTok.AccessToken)

	// The operator lists while the server runs (its control socket).
	code, out := runGrantsCmd(t, bin, env, "list", "--state-dir", stateDir, "--json")
	var listed []struct {
		ID, Email, Scopes, ClientName string
	}
	if err := json.Unmarshal([]byte(out), &listed); code != 0 || err != nil || len(listed) != 4 {
		t.Fatalf("grants list: exit %d, %d grants, %v: %s", code, len(listed), err, out)
	}

	// Take the sealed parts of Alice's grants from oauth.db (the server
	// stopped), to look for them after she forgets her sign-ins.
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	sealed := sealedOf(t, stateDir)
	if len(sealed) != 4 {
		t.Fatalf("%d sealed grants in oauth.db, want 4", len(sealed))
	}
	p = startHTTPE2E(t, bin, env, args...)

	// Alice forgets her sign-ins on the account page.
	browser, list := accountSignIn(t, base, oauthE2EKey)
	ids := regexp.MustCompile(`<tr id="grant-([^"]+)"`).FindAllStringSubmatch(list, -1)
	if len(ids) != 3 || strings.Contains(list, oauthE2EOtherEmail) {
		t.Fatalf("Alice's account page lists %d grants", len(ids))
	}
	// The step-up grant is the one that may change data at /mcp.
	page2 := postPage(t, browser, base+"/oauth/account", list, url.Values{"method": {"revoke"}, "grant": {rowWith(t, list, "change data")}})
	if !strings.Contains(page2, "is disconnected") {
		t.Fatalf("disconnecting one app: %.300s", page2)
	}
	if s := pingStatus(t, base+"/mcp", writeTok.AccessToken); s != http.StatusUnauthorized {
		t.Errorf("the disconnected grant's token: HTTP %d, want 401 at once", s)
	}
	if s := pingStatus(t, base+"/mcp", readTok.AccessToken); s != http.StatusOK {
		t.Errorf("Alice's other grant after one was disconnected: HTTP %d", s)
	}
	done := postPage(t, browser, base+"/oauth/account", page2, url.Values{"method": {"revoke_all"}})
	if !strings.Contains(done, "2 apps are disconnected") {
		t.Fatalf("disconnecting everything: %.300s", done)
	}
	for _, tok := range []string{readTok.AccessToken, narrowTok.AccessToken} {
		if s := pingStatus(t, base+"/mcp", tok); s != http.StatusUnauthorized {
			t.Errorf("an Alice token after disconnecting everything: HTTP %d", s)
		}
	}

	// A departing Bob: the operator revokes his grants while the server runs.
	code, out = runGrantsCmd(t, bin, env, "revoke", "--state-dir", stateDir, "--person", oauthE2EOtherEmail)
	if code != 0 || !strings.Contains(out, "revoked 1 grant") || !strings.Contains(out, oauthE2EOtherEmail) {
		t.Fatalf("grants revoke --person: exit %d: %s", code, out)
	}
	if s := pingStatus(t, base+"/mcp", bobTok.AccessToken); s != http.StatusUnauthorized {
		t.Errorf("Bob's token after the operator's revocation: HTTP %d", s)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Fatal("the grants command printed a secret")
		}
	}
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}

	// Nothing of the forgotten grants is left in oauth.db.
	raw, err := os.ReadFile(filepath.Join(stateDir, "oauth.db"))
	if err != nil {
		t.Fatal(err)
	}
	for id, s := range sealed {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the sealed credential of revoked grant %s is still in oauth.db", id)
		}
	}
	code, out = runGrantsCmd(t, bin, env, "list", "--state-dir", stateDir)
	if code != 0 || !strings.Contains(out, "no grant matches") {
		t.Errorf("grants list with the server stopped: exit %d: %s", code, out)
	}
	logs := p.stderr.String()
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("a secret (%s…) appears in the logs", s[:8])
		}
	}
}

func callReq(name string, args map[string]any) mcp.CallToolRequest {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	return req
}

func itoa64(n int64) string { b, _ := json.Marshal(n); return string(b) }

// countNotes counts the notes the fake Lofty was asked to add with content.
func countNotes(f *oauthE2EFake, content string) int {
	n := 0
	for _, r := range f.Requests() {
		if r.Path == "/v1.0/notes" && r.Method == http.MethodPost && strings.Contains(r.Body, content) {
			n++
		}
	}
	return n
}

// rowWith returns the grant id of the account page's row that says what.
func rowWith(t *testing.T, list, what string) string {
	t.Helper()
	for _, row := range strings.Split(list, `<tr id="grant-`)[1:] {
		if id, rest, ok := strings.Cut(row, `"`); ok && strings.Contains(strings.SplitN(rest, "</tr>", 2)[0], what) {
			return id
		}
	}
	t.Fatalf("no row of the account page says %q", what)
	return ""
}

// TestConnectorSelectionWithoutOAuthE2E: without --oauth (a static token),
// the URL and the headers narrow the toolsets the same way.
func TestConnectorSelectionWithoutOAuthE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := stdioBin(t)
	env := append(e2eEnv("", ""), "LOFTY_MCP_AUTH_TOKEN="+oauthE2EStatic)
	p := startHTTPE2E(t, bin, env, "--demo", "--toolsets", "leads,sales_agents,lead_actions")
	h := bearer(oauthE2EStatic)
	if got := toolNames(t, dialAt(t, p.base+"/mcp/x/leads", h)); !slices.Equal(got, []string{"find_leads", "get_lead", "get_lead_timeline"}) {
		t.Errorf("/mcp/x/leads lists %q", got)
	}
	if got := toolNames(t, dialAt(t, p.base+"/mcp/readonly", h)); slices.Contains(got, "add_lead_note") || !slices.Contains(got, "get_current_sales_agent") {
		t.Errorf("/mcp/readonly lists %q", got)
	}
	hh := bearer(oauthE2EStatic)
	hh["X-MCP-Toolsets"] = "lead_actions,leads"
	hh["X-MCP-Readonly"] = "true"
	if got := toolNames(t, dialAt(t, p.base+"/mcp", hh)); !slices.Equal(got, []string{"find_leads", "get_lead", "get_lead_timeline"}) {
		t.Errorf("X-MCP-Toolsets lead_actions,leads + X-MCP-Readonly lists %q", got)
	}
	// "all" leaves out what must be named, and the flags still bound it.
	if got := toolNames(t, dialAt(t, p.base+"/mcp/x/all", h)); len(got) == 0 || slices.Contains(got, "mute_sales_agent_for_lead") {
		t.Errorf("/mcp/x/all lists %q (sales_agent_actions is not served)", got)
	}
	req, _ := http.NewRequest("POST", p.base+"/mcp/x/sales_agent_actions", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+oauthE2EStatic)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || !strings.Contains(string(b), "it serves leads, sales_agents, lead_actions") {
		t.Errorf("a toolset the flags do not serve: HTTP %d %s", resp.StatusCode, b)
	}
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

// TestConnectorRedisE2E: with Redis, the account page's "disconnect every
// app" leaves nothing of the person's grants in Redis, and the operator's
// command revokes there directly.
func TestConnectorRedisE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := stdioBin(t)
	redisSrv := testutil.StartRedis(t)
	rdb := redis.NewClient(&redis.Options{Addr: redisSrv.Addr})
	defer rdb.Close()
	fake := startOAuthE2EFake(t, time.Hour)
	addr := freeLoopbackAddr(t)
	base := "http://" + addr
	env := append(e2eEnv(fake.url, ""), "LOFTY_MCP_SECRET_KEY="+strings.Repeat("cd", 32), "LOFTY_REDIS_URL=redis://"+redisSrv.Addr+"/0",
		"XDG_STATE_HOME="+t.TempDir())
	p := startHTTPE2E(t, bin, env, "--oauth", "--public-url", base, "--addr", addr)
	var secrets []string
	alice := discoverAndRegister(t, base, &secrets).signInWithKey(oauthE2EKey)
	bob := discoverAndRegister(t, base, &secrets).signInWithKey(oauthE2EOtherKey)
	ctx := context.Background()
	sealedInRedis := func() map[string]string {
		out := map[string]string{}
		keys, _ := rdb.Keys(ctx, "lofty-mcp:oauth:grant:*").Result()
		for _, k := range keys {
			v, _ := rdb.Get(ctx, k).Bytes()
			if m := regexp.MustCompile(`"sealed":"([^"]+)"`).FindSubmatch(v); m != nil {
				out[k] = string(m[1])
			}
		}
		return out
	}
	before := sealedInRedis()
	if len(before) != 2 {
		t.Fatalf("%d grants in Redis, want 2", len(before))
	}
	browser, list := accountSignIn(t, base, oauthE2EKey)
	if done := postPage(t, browser, base+"/oauth/account", list, url.Values{"method": {"revoke_all"}}); !strings.Contains(done, "1 app is disconnected") {
		t.Fatalf("revoke all: %.300s", done)
	}
	if s := pingStatus(t, base+"/mcp", alice.AccessToken); s != http.StatusUnauthorized {
		t.Errorf("Alice's token after revoke all: HTTP %d", s)
	}
	after := sealedInRedis()
	if len(after) != 1 {
		t.Errorf("%d grants left in Redis, want Bob's alone", len(after))
	}
	// Alice's sealed credential is nowhere in Redis.
	keys, _ := rdb.Keys(ctx, "*").Result()
	for _, k := range keys {
		v, _ := rdb.Get(ctx, k).Bytes()
		for gk, s := range before {
			if _, kept := after[gk]; !kept && bytes.Contains(v, []byte(s)) {
				t.Errorf("Alice's sealed credential is still in Redis under %s", k)
			}
		}
	}
	code, out := runGrantsCmd(t, bin, env, "revoke", "--person", oauthE2EOtherID)
	if code != 0 || !strings.Contains(out, "revoked 1 grant") {
		t.Fatalf("grants revoke on Redis: exit %d: %s", code, out)
	}
	if s := pingStatus(t, base+"/mcp", bob.AccessToken); s != http.StatusUnauthorized {
		t.Errorf("Bob's token after the operator's revocation: HTTP %d", s)
	}
	if n := len(sealedInRedis()); n != 0 {
		t.Errorf("%d grants left in Redis", n)
	}
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}
