package transport

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	mcptransport "github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/jsonrpc"
	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
)

func TestSessionIDsSigned(t *testing.T) {
	key := []byte(strings.Repeat("k", 32))
	a, b, other := newSessionIDs(key, 10), newSessionIDs(key, 10), newSessionIDs([]byte(strings.Repeat("z", 32)), 10)
	const alice, bob = "grant:alice", "grant:bob"
	id := a.generate(alice)
	if checkSessionIDSyntax(id) != "" || !strings.HasPrefix(id, sessionIDPrefix) {
		t.Fatalf("id %q is not a valid session id", id)
	}
	if !a.signed(id, alice) || !b.signed(id, alice) || other.signed(id, alice) {
		t.Fatal("a replica with the same key must accept the id, one with another key must not")
	}
	if a.signed(id, bob) || a.signed(id, "") {
		t.Fatal("an id is good for its owner only")
	}
	aliceIDs := ownedSessions{a, alice}
	for _, forged := range []string{"", "mcp-session-", sessionIDPrefix + "abc", id + "x", strings.Replace(id, "-", "_", -1),
		id[:len(id)-1] + "a", id[:len(sessionIDPrefix)+3] + "b" + id[len(sessionIDPrefix)+4:], strings.ToUpper(id)[:12] + id[12:] + "="} {
		if forged != id && a.signed(forged, alice) {
			t.Errorf("forged id %q accepted", forged)
		}
		if _, err := aliceIDs.Validate(forged); forged != id && err == nil {
			t.Errorf("Validate(%q) accepted", forged)
		}
	}
	if ended, err := (ownedSessions{b, alice}).Validate(id); err != nil || ended {
		t.Fatalf("Validate on a replica = %v, %v", ended, err)
	}
	if _, err := (ownedSessions{a, bob}).Validate(id); err == nil {
		t.Fatal("Validate accepted another owner's id")
	}
	_, _ = (ownedSessions{a, bob}).Terminate(id)
	if a.ended(id) {
		t.Fatal("another owner ended the session")
	}
	_, _ = aliceIDs.Terminate(id)
	if ended, _ := aliceIDs.Validate(id); !ended {
		t.Fatal("an ended session is not reported ended")
	}
	// Counting: only settled successes count; the cap holds reservations too.
	s := newSessionIDs(nil, 2)
	if first, second, third := s.reserve(), s.reserve(), s.reserve(); !first || !second || third {
		t.Fatal("reservations beyond the cap")
	}
	s.settle("")
	s.settle(s.generate(""))
	if s.count() != 1 || !s.reserve() {
		t.Fatalf("count %d after one failed and one good initialize", s.count())
	}
}

// TestForgedSessionIDsAllocateNothing: 20,000 requests, each with a new
// well-shaped session id the server never issued, get 404 and leave the
// heap where it was (before the fix each one was remembered until the idle
// timeout: about 400 bytes apiece).
func TestForgedSessionIDsAllocateNothing(t *testing.T) {
	srv, err := New(server.NewMCPServer("t", "1"), Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	ping := func(id string) int {
		req := httptest.NewRequest("POST", "http://127.0.0.1/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":2,"method":"ping"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("MCP-Protocol-Version", "2025-11-25")
		req.Header.Set("Mcp-Session-Id", id)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	for i := range 100 { // warm up
		ping(fmt.Sprintf("mcp-session-%026d", i))
	}
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	for i := range 20_000 {
		if code := ping(fmt.Sprintf("mcp-session-%026d", i)); code != http.StatusNotFound {
			t.Fatalf("forged id %d: status %d, want 404", i, code)
		}
	}
	after := heap()
	growth := int64(after) - int64(before)
	t.Logf("heap before %d, after %d: %+d bytes for 20,000 forged ids", before, after, growth)
	if growth > 1<<20 {
		t.Fatalf("the heap grew by %d bytes for 20,000 forged session ids", growth)
	}
}

// TestStreamableElicitation: mcp-go's client, with its elicitation support,
// over Streamable HTTP (2025-11-25): the server's request travels on the
// call's event stream and the client's answer, POSTed back, reaches it; the
// call's answer carries the client's id.
func TestStreamableElicitation(t *testing.T) {
	mcpSrv := server.NewMCPServer("t", "1", server.WithElicitation())
	mcpSrv.AddTool(mcp.NewTool("ask"), askHandler(mcpSrv))
	srv, err := New(mcpSrv, Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	tr, err := mcptransport.NewStreamableHTTP(ts.URL + "/mcp")
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, client.WithElicitationHandler(elicitor{}), client.WithProtocolVersion(mcp.ProtocolVersion20251125))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Initialize(ctx, mcp.InitializeRequest{}); err != nil {
		t.Fatal(err)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = "ask"
	res, err := c.CallTool(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if txt, _ := mcp.AsTextContent(res.Content[0]); txt == nil || txt.Text != `accept {"color":"teal"}` {
		t.Fatalf("result %+v", res)
	}
	if n := srv.tracker.Len(); n != 0 {
		t.Fatalf("%d requests still tracked", n)
	}
}

// TestStreamableCancellationMatchesExactly: in a session, cancelling "1"
// (a string) or 1.0 does not cancel request 1; cancelling 1 does, and the
// request's POST then ends without a JSON-RPC answer.
func TestStreamableCancellationMatchesExactly(t *testing.T) {
	e := start(t, Config{})
	resp := e.do("POST", "/mcp", initBody, nil)
	session := resp.Header.Get("Mcp-Session-Id")
	hdr := map[string]string{"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"}
	type answer struct {
		status int
		ct     string
		body   string
	}
	got := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest("POST", e.url+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow"}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- answer{body: err.Error()}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- answer{resp.StatusCode, resp.Header.Get("Content-Type"), string(b)}
	}()
	<-e.started
	for _, id := range []string{`"1"`, `1.0`} {
		if r := e.do("POST", "/mcp", `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":`+id+`}}`, hdr); r.StatusCode != 202 {
			t.Fatalf("cancel %s: %d", id, r.StatusCode)
		}
	}
	select {
	case a := <-got:
		t.Fatalf("request 1 ended after a cancellation naming another id: %+v", a)
	case <-time.After(200 * time.Millisecond):
	}
	e.do("POST", "/mcp", `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}`, hdr)
	select {
	case a := <-got:
		if strings.Contains(a.body, `"jsonrpc"`) || a.status != 200 || !strings.HasPrefix(a.ct, "text/event-stream") {
			t.Fatalf("cancelled request answered %d %s %q; want an empty event stream", a.status, a.ct, a.body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling 1 did not end request 1")
	}
}

// TestSSECancellationMatchesExactly: over legacy SSE, mcp-go runs requests
// detached from their POST; a cancellation is matched here by exact id and
// passed on; the cancelled request gets no answer on the stream.
func TestSSECancellationMatchesExactly(t *testing.T) {
	e := start(t, Config{})
	c := openRawSSE(t, e)
	c.post(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"slow"}}`)
	<-e.started
	c.post(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2.0}}`)
	c.post(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"2"}}`)
	c.post(`{"jsonrpc":"2.0","id":3,"method":"ping"}`)
	if got := c.answer(); got != "3" {
		t.Fatalf("answer %s, want 3 (request 2 still running)", got)
	}
	if n := e.srv.tracker.Len(); n != 1 {
		t.Fatalf("%d requests in flight, want 1", n)
	}
	c.post(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2}}`)
	testutil.WaitFor(t, "the condition", 5*time.Second, func() bool { return e.srv.tracker.Len() == 0 })
	c.post(`{"jsonrpc":"2.0","id":4,"method":"ping"}`)
	if got := c.answer(); got != "4" {
		t.Fatalf("answer %s, want 4: the cancelled request 2 must get no answer", got)
	}
}

// TestEventRewriterPieces: answers in an event stream are rewritten however
// the stream is cut into writes, and other events pass unchanged.
func TestEventRewriterPieces(t *testing.T) {
	tr := jsonrpc.NewTracker()
	m := jsonrpc.Parse([]byte(`{"jsonrpc":"2.0","id":"x<y","method":"tools/call"}`))
	const progress = "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\n\n"
	want := progress + "event: message\r\ndata: {\"jsonrpc\":\"2.0\",\"id\":\"x<y\",\"result\":{}}\r\n\r\n"
	for _, size := range []int{1, 3, 17, 1000} {
		call := tr.Start("scope", &m, nil)
		in := progress + "event: message\r\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + string(call.InternalID()) + ",\"result\":{}}\r\n\r\n"
		x := eventRewriter{t: tr, scope: "scope", progress: &jsonrpc.ProgressWritten{}}
		var out bytes.Buffer
		for i := 0; i < len(in); i += size {
			if _, err := x.write(&out, []byte(in[i:min(i+size, len(in))])); err != nil {
				t.Fatal(err)
			}
			// The progress event is counted once it is handed on whole.
			if n := x.progress.Count(); (out.Len() >= len(progress)) != (n == 1) || n > 1 {
				t.Fatalf("pieces of %d: %d progress counted with %d bytes out", size, n, out.Len())
			}
		}
		if out.String() != want {
			t.Fatalf("pieces of %d: got\n%q\nwant\n%q", size, out.String(), want)
		}
		if tr.Len() != 0 {
			t.Fatal("the answered call is still tracked")
		}
	}
}

// TestSubscriptionIDIsTheClientsID: a 2026-07-28 subscriptions/listen
// stream tags its messages with the id of the request that opened it; that
// tag, like the answer's id, is the client's id exactly, never the internal
// one mcp-go saw.
func TestSubscriptionIDIsTheClientsID(t *testing.T) {
	e := start(t, Config{})
	const meta = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"}}`
	resp := e.do("POST", "/mcp", `{"jsonrpc":"2.0","id":"sub<01>","method":"subscriptions/listen","params":{"notifications":{},`+meta+`}}`,
		map[string]string{"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "subscriptions/listen"})
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	tags := strings.Count(string(body), `"io.modelcontextprotocol/subscriptionId":"sub<01>"`)
	if tags < 1 || !strings.Contains(string(body), `"id":"sub<01>","result"`) || regexp.MustCompile(`subscriptionId":[0-9]`).Match(body) {
		t.Fatalf("the stream does not carry the client's id as its subscription id (%d tags):\n%s", tags, body)
	}
}

// TestIdleSessionGoesOn: a session the idle sweeper forgot keeps working
// with its id (and no longer counts against --max-sessions); one the
// client DELETEd gets 404.
func TestIdleSessionGoesOn(t *testing.T) {
	e := start(t, Config{SessionIdleTimeout: time.Second, MaxSessions: 1})
	ping := func(id string) int {
		return e.do("POST", "/mcp", `{"jsonrpc":"2.0","id":2,"method":"ping"}`,
			map[string]string{"Mcp-Session-Id": id, "MCP-Protocol-Version": "2025-11-25"}).StatusCode
	}
	idle := e.do("POST", "/mcp", initBody, nil).Header.Get("Mcp-Session-Id")
	testutil.WaitFor(t, "the condition", 5*time.Second, func() bool { return e.srv.sessions.count() == 0 }) // swept (the sweeper runs every second)
	if code := ping(idle); code != 200 {
		t.Fatalf("a swept session: %d, want 200", code)
	}
	deleted := e.do("POST", "/mcp", initBody, nil).Header.Get("Mcp-Session-Id")
	if deleted == "" {
		t.Fatal("the swept session still holds the only slot")
	}
	if code := e.do("DELETE", "/mcp", "", map[string]string{"Mcp-Session-Id": deleted}).StatusCode; code != 200 {
		t.Fatalf("DELETE: %d", code)
	}
	if code := ping(deleted); code != 404 {
		t.Fatalf("a deleted session: %d, want 404", code)
	}
}

// TestUnsupportedProtocolVersion: a POST naming a protocol version this
// server does not speak gets HTTP 400 and the JSON-RPC error
// UnsupportedProtocolVersion (-32022) with the request's id exactly as sent,
// the versions spoken and the one requested (protocol 2026-07-28); a GET
// or a header given twice is refused before anything is read.
func TestUnsupportedProtocolVersion(t *testing.T) {
	srv, err := New(server.NewMCPServer("t", "1"), Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	do := func(method, body string, versions ...string) (int, string) {
		req := httptest.NewRequest(method, "http://127.0.0.1/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		for _, v := range versions {
			req.Header.Add("MCP-Protocol-Version", v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code, w.Body.String()
	}
	body := `{"jsonrpc":"2.0","id":9007199254740993,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"v999.0.0","io.modelcontextprotocol/clientCapabilities":{}}}}`
	code, got := do("POST", body, "v999.0.0")
	want := `{"jsonrpc":"2.0","id":9007199254740993,"error":{"code":-32022,"message":"Mcp-Protocol-Version \"v999.0.0\" is not a protocol version this server speaks; send one of: ` +
		strings.Join(mcp.ValidProtocolVersions, ", ") + ` (or leave the header out on initialize)","data":{"supported":["` +
		strings.Join(mcp.ValidProtocolVersions, `","`) + `"],"requested":"v999.0.0"}}}` + "\n"
	if code != 400 || got != want {
		t.Errorf("POST with v999.0.0: %d %s\nwant 400 %s", code, got, want)
	}
	if code, got := do("POST", `{"jsonrpc":"2.0","method":"notifications/initialized"}`, "garbage"); code != 400 || !strings.Contains(got, `"id":null,"error":{"code":-32022`) {
		t.Errorf("a notification with a bad version: %d %s", code, got)
	}
	if code, got := do("GET", "", "garbage"); code != 400 || !strings.Contains(got, "unsupported_protocol_version") {
		t.Errorf("GET with a bad version: %d %s", code, got)
	}
	if code, got := do("POST", body, "2025-11-25", "2026-07-28"); code != 400 || !strings.Contains(got, "unsupported_protocol_version") {
		t.Errorf("two versions: %d %s", code, got)
	}
	if code, got := do("POST", `{"jsonrpc":"2.0","id":1,"method":"ping"`, "garbage"); code != 400 || !strings.Contains(got, "-32700") {
		t.Errorf("invalid JSON with a bad version: %d %s", code, got)
	}
}
