package e2e

// Sessions belong to whoever opened them, against the real binary:
//
//	go test -race -run 'TestHTTPSessionsBound' .

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestHTTPSessionsBoundToPerson: with --oauth, Bob's access token with
// Alice's Mcp-Session-Id cannot call in her session, open its stream, or
// end it: each is 404, as for an unknown session; nor can a holder of the
// static token. Over legacy SSE, Bob cannot post into Alice's stream
// either. Alice's session goes on. The logs never name a session id, only
// a hash of it.
func TestHTTPSessionsBoundToPerson(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := stdioBin(t)
	addr := freeLoopbackAddr(t)
	base := "http://" + addr
	env := append(e2eEnv("", ""), "XDG_STATE_HOME="+t.TempDir(), "LOFTY_MCP_AUTH_TOKEN="+e2eAuthToken)
	p := startHTTPE2E(t, bin, env, "--demo", "--oauth", "--public-url", base, "--addr", addr)
	var secrets []string
	alice := discoverAndRegister(t, base, &secrets).signInWithKey(demoAPIKey).AccessToken
	bob := discoverAndRegister(t, base, &secrets).signInWithKey(demoAPIKey).AccessToken

	do := func(method, token, session, body string) (int, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, method, base+"/mcp", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
			req.Header.Set("MCP-Protocol-Version", "2025-11-25")
		}
		if method == "GET" {
			req.Header.Set("Accept", "text/event-stream")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") && method == "GET" {
			return resp.StatusCode, "(a stream)"
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode == 200 && method == "POST" && session == "" {
			return resp.StatusCode, resp.Header.Get("Mcp-Session-Id")
		}
		return resp.StatusCode, string(b)
	}
	code, session := do("POST", alice, "", initializeLine)
	if code != 200 || !strings.HasPrefix(session, "mcp-session-") {
		t.Fatalf("Alice's initialize: %d, session %q", code, session)
	}
	ping := `{"jsonrpc":"2.0","id":2,"method":"ping"}`
	for _, who := range []struct{ name, token string }{{"Bob", bob}, {"the static token", e2eAuthToken}} {
		for _, tc := range []struct{ method, body string }{{"POST", ping}, {"GET", ""}, {"DELETE", ""}} {
			if code, body := do(tc.method, who.token, session, tc.body); code != 404 {
				t.Errorf("%s %s with Alice's session: %d %s; want 404", who.name, tc.method, code, body)
			}
		}
	}
	if code, body := do("POST", alice, session, ping); code != 200 || !strings.Contains(body, `"result"`) {
		t.Fatalf("Alice's own session afterwards: %d %s", code, body)
	}
	if code, _ := do("GET", alice, session, ""); code != 200 {
		t.Fatalf("Alice's own stream: %d", code)
	}

	// Legacy SSE: Alice's stream, Bob's post.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/sse", nil)
	req.Header.Set("Authorization", "Bearer "+alice)
	req.Header.Set("Accept", "text/event-stream")
	stream, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	br := bufio.NewReader(stream.Body)
	var endpoint string
	for endpoint == "" {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("no endpoint event: %v", err)
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "data:"); ok {
			endpoint = strings.TrimSpace(v)
		}
	}
	post := func(token string) int {
		req, _ := http.NewRequest("POST", base+endpoint, strings.NewReader(ping))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(bob); code != 404 {
		t.Errorf("Bob's post into Alice's SSE session: %d, want 404", code)
	}
	if code := post(alice); code != 202 {
		t.Errorf("Alice's post into her SSE session: %d, want 202", code)
	}
	sseSession := endpoint[strings.Index(endpoint, "sessionId=")+len("sessionId="):]

	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	logs := p.stderr.String()
	for _, id := range []string{session, sseSession} {
		if strings.Contains(logs, id) {
			t.Errorf("the logs name the session id %s", id)
		}
		sum := sha256.Sum256([]byte(id))
		if !strings.Contains(logs, hex.EncodeToString(sum[:])[:16]) {
			t.Errorf("the logs do not name the session by its hash")
		}
	}
	for _, s := range append(secrets, alice, bob, e2eAuthToken) {
		if s != "" && bytes.Contains([]byte(logs), []byte(s)) {
			t.Errorf("a secret (%s) appears in the logs", redactE2E(s))
		}
	}
}
