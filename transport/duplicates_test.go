package transport

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
)

// A request whose id is already in flight in the same session is refused
// with -32600, carrying that id, and runs nothing: on every transport.

// doWithin is e.do with its answer read, failing t when none comes within
// 5 s (a duplicate that ran would wait for the slow tool).
func doWithin(t *testing.T, e *env, method, path, body string, hdr map[string]string) (int, http.Header, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(e.newRequest(ctx, method, path, body, hdr))
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, b
}

// notRunning fails t if the "slow" tool starts again within a moment.
func notRunning(t *testing.T, started chan struct{}) {
	t.Helper()
	select {
	case <-started:
		t.Fatal("the duplicate ran")
	case <-time.After(200 * time.Millisecond):
	}
}

func TestStdioDuplicateIDRefused(t *testing.T) {
	var runs atomic.Int64
	release := make(chan struct{})
	srv := server.NewMCPServer("t", "1")
	srv.AddTool(mcp.NewTool("wait"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		runs.Add(1)
		select {
		case <-release:
			return mcp.NewToolResultText("done"), nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
	s := serveStdioPipes(t, srv, StdioConfig{MaxInFlight: 1})
	s.send(t, stdioInit)
	s.next(t)
	// 5 runs; 6 waits for a slot (MaxInFlight 1); a second 5 and a second
	// 6 are duplicates of a running and of a waiting request.
	s.send(t, toolCall("5", "wait"), toolCall("6", "wait"))
	testutil.WaitFor(t, "request 5 to run", 5*time.Second, func() bool { return runs.Load() == 1 })
	s.send(t, toolCall("5", "wait"), toolCall("6", "wait"))
	for _, id := range []string{"5", "6"} {
		l := s.next(t)
		if !bytes.HasPrefix(l, []byte(`{"jsonrpc":"2.0","id":`+id+`,"error":{"code":-32600`)) || !bytes.Contains(l, []byte("in flight")) {
			t.Fatalf("answer %s; want error -32600 for the duplicate id %s", l, id)
		}
	}
	close(release)
	got := map[string]int{}
	for range 2 {
		l := s.next(t)
		if !bytes.Contains(l, []byte(`"done"`)) {
			t.Fatalf("answer %s", l)
		}
		got[string(l[len(`{"jsonrpc":"2.0","id":`):][:1])]++
	}
	if got["5"] != 1 || got["6"] != 1 || runs.Load() != 2 {
		t.Fatalf("answers %v, %d runs; want 5 and 6 answered once each, two runs", got, runs.Load())
	}
	// Once answered, an id may be used again.
	s.send(t, toolCall("5", "wait"))
	if l := s.next(t); !bytes.Contains(l, []byte(`"done"`)) {
		t.Fatalf("id 5 again after its answer: %s", l)
	}
}

func TestStreamableDuplicateIDRefused(t *testing.T) {
	e := start(t, Config{})
	session := e.do("POST", "/mcp", initBody, nil).Header.Get("Mcp-Session-Id")
	hdr := map[string]string{"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"}
	call := `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"slow","arguments":{}}}`
	first := make(chan string, 1)
	go func() {
		resp := e.do("POST", "/mcp", call, hdr)
		b, _ := io.ReadAll(resp.Body)
		first <- string(b)
	}()
	<-e.started
	t.Cleanup(func() {
		select {
		case <-e.release:
		default:
			close(e.release)
		}
	})
	code, _, b := doWithin(t, e, "POST", "/mcp", call, hdr)
	if code != 400 || !strings.HasPrefix(string(b), `{"jsonrpc":"2.0","id":5,"error":{"code":-32600`) {
		t.Fatalf("the duplicate: %d %s; want 400 with error -32600 carrying id 5", code, b)
	}
	notRunning(t, e.started)
	// Another session, and the stateless protocol (whose requests come from
	// unrelated clients), may use the same id meanwhile.
	other := e.do("POST", "/mcp", initBody, nil).Header.Get("Mcp-Session-Id")
	ping := `{"jsonrpc":"2.0","id":5,"method":"ping"}`
	if resp := e.do("POST", "/mcp", ping, map[string]string{"Mcp-Session-Id": other, "MCP-Protocol-Version": "2025-11-25"}); resp.StatusCode != 200 {
		t.Fatalf("id 5 in another session: %d", resp.StatusCode)
	}
	e.release <- struct{}{} // the first request's tool returns
	if got := <-first; !strings.Contains(got, "finished") {
		t.Fatalf("the first request's answer: %s", got)
	}
	if resp := e.do("POST", "/mcp", ping, hdr); resp.StatusCode != 200 {
		t.Fatalf("id 5 again after its answer: %d", resp.StatusCode)
	}
}

func TestSSEDuplicateIDRefused(t *testing.T) {
	e := start(t, Config{})
	c := openRawSSE(t, e)
	call := `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"slow","arguments":{}}}`
	c.post(call)
	<-e.started
	code, _, b := doWithin(t, e, "POST", c.endpoint, call, nil)
	if code != 400 || !strings.HasPrefix(string(b), `{"jsonrpc":"2.0","id":5,"error":{"code":-32600`) {
		t.Fatalf("the duplicate: %d %s; want 400 with error -32600 carrying id 5", code, b)
	}
	notRunning(t, e.started)
	close(e.release)
	if got := c.answer(); got != "5" {
		t.Fatalf("answer id %s, want 5", got)
	}
	c.post(`{"jsonrpc":"2.0","id":5,"method":"ping"}`)
	if got := c.answer(); got != "5" {
		t.Fatalf("id 5 again after its answer: answered as %s", got)
	}
}
