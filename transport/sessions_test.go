package transport

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestDeletedSessionStaysRefused: once a session is DELETEd, its id gets
// 404 everywhere: a POST, a GET that would open its stream, and another
// DELETE; and a fresh session is unaffected.
func TestDeletedSessionStaysRefused(t *testing.T) {
	e := start(t, Config{})
	hdr := func(id string) map[string]string {
		return map[string]string{"Mcp-Session-Id": id, "MCP-Protocol-Version": "2025-11-25"}
	}
	id := e.do("POST", "/mcp", initBody, nil).Header.Get("Mcp-Session-Id")
	if code := e.do("DELETE", "/mcp", "", hdr(id)).StatusCode; code != 200 {
		t.Fatalf("DELETE: %d", code)
	}
	get := func(id string) (int, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", e.url+"/mcp", nil)
		for k, v := range hdr(id) {
			req.Header.Set(k, v)
		}
		req.Header.Set("Accept", "text/event-stream")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode == 200 {
			return 200, "(a stream)"
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(id); code != 404 || !strings.Contains(body, "unknown_session") {
		t.Fatalf("GET with a deleted session: %d %s; want 404 unknown_session", code, body)
	}
	if code := e.do("POST", "/mcp", `{"jsonrpc":"2.0","id":2,"method":"ping"}`, hdr(id)).StatusCode; code != 404 {
		t.Fatalf("POST with a deleted session: %d, want 404", code)
	}
	if code := e.do("DELETE", "/mcp", "", hdr(id)).StatusCode; code != 404 {
		t.Fatalf("DELETE again: %d, want 404", code)
	}
	fresh := e.do("POST", "/mcp", initBody, nil).Header.Get("Mcp-Session-Id")
	if code, _ := get(fresh); code != 200 {
		t.Fatalf("GET with a live session: %d, want a stream", code)
	}
}

// TestEndedIDsBounded: the ended ids remembered are bounded, oldest
// forgotten first.
func TestEndedIDsBounded(t *testing.T) {
	s := newSessionIDs(nil, 10)
	first := s.generate("")
	s.end(first)
	for range endedMemory {
		s.end(s.generate(""))
	}
	if s.ended(first) {
		t.Fatal("the oldest ended id is still remembered beyond the bound")
	}
	if len(s.endedSet) != endedMemory {
		t.Fatalf("%d ended ids remembered, want %d", len(s.endedSet), endedMemory)
	}
}

// TestSessionsBoundToLoftyCredential: everyone holding the static token is
// one identity; the Lofty credential a request brings says whom it acts
// for, so a session opened with one X-Lofty-Api-Key is an unknown session
// with another, or with none.
func TestSessionsBoundToLoftyCredential(t *testing.T) {
	e := start(t, Config{AuthToken: testToken})
	hdr := func(session, key string) map[string]string {
		h := map[string]string{"Authorization": "Bearer " + testToken, "MCP-Protocol-Version": "2025-11-25"}
		if session != "" {
			h["Mcp-Session-Id"] = session
		}
		if key != "" {
			h[HeaderLoftyAPIKey] = key
		}
		return h
	}
	id := e.do("POST", "/mcp", initBody, hdr("", "alice-key")).Header.Get("Mcp-Session-Id")
	ping := `{"jsonrpc":"2.0","id":2,"method":"ping"}`
	for _, key := range []string{"bob-key", ""} {
		if code := e.do("POST", "/mcp", ping, hdr(id, key)).StatusCode; code != 404 {
			t.Errorf("ping with Alice's session and key %q: %d, want 404", key, code)
		}
		if code := e.do("DELETE", "/mcp", "", hdr(id, key)).StatusCode; code != 404 {
			t.Errorf("DELETE of Alice's session with key %q: %d, want 404", key, code)
		}
	}
	if code := e.do("POST", "/mcp", ping, hdr(id, "alice-key")).StatusCode; code != 200 {
		t.Fatalf("Alice's own ping: %d", code)
	}
}
