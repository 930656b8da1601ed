package transport

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
)

// busyAnswer checks a 503 answer with a JSON-RPC style body saying the
// server is busy and naming setting.
func busyAnswer(t *testing.T, what string, status int, header http.Header, body []byte, setting string) {
	t.Helper()
	var m struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if status != 503 || json.Unmarshal(body, &m) != nil || m.JSONRPC != "2.0" || string(m.ID) != "null" ||
		m.Error.Code != -32000 || !strings.Contains(m.Error.Message, "busy") || !strings.Contains(m.Error.Message, setting) {
		t.Fatalf("%s: %d %s; want 503 with a JSON-RPC error saying the server is busy, naming %s", what, status, body, setting)
	}
	if header.Get("Retry-After") == "" || !strings.HasPrefix(header.Get("Content-Type"), "application/json") {
		t.Fatalf("%s: headers %v; want Retry-After and a JSON Content-Type", what, header)
	}
}

// TestConnectionCap: beyond --max-connections, a new connection is
// answered 503 at once (before its request is read) and closed; connections
// within the cap are served; once one closes, its slot is free again.
func TestConnectionCap(t *testing.T) {
	e := start(t, Config{MaxConnections: 3})
	addr := strings.TrimPrefix(e.url, "http://")
	held := make([]net.Conn, 3)
	for i := range held {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// Headers that never end: the connection is held until
		// --read-header-timeout.
		if _, err := io.WriteString(c, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: "); err != nil {
			t.Fatal(err)
		}
		held[i] = c
	}
	// The server accepts the held connections one after the other: wait
	// until they are all counted.
	testutil.WaitFor(t, "three connections held", 5*time.Second, func() bool { return e.srv.conns.open() == 3 })

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("beyond the cap: no answer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	busyAnswer(t, "a connection beyond the cap", resp.StatusCode, resp.Header, body, "--max-connections")
	if !resp.Close {
		t.Error("the refusal does not say Connection: close")
	}
	var b [1]byte
	if _, err := c.Read(b[:]); err == nil {
		t.Error("the refused connection was kept open")
	}

	held[0].Close()
	testutil.WaitFor(t, "a slot to be free again", 5*time.Second, func() bool {
		resp, err := http.Get(e.url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	if !strings.Contains(e.logs.String(), "--max-connections") {
		t.Error("the refusals were not logged")
	}
}

// TestInflightBytesCap: request bodies in flight are bounded by bytes:
// beyond --max-inflight-bytes a POST is answered 503 at once, before its
// body is read; a small one still fits; the bytes are given back when the
// call is answered (over legacy SSE: when its answer is written on the
// stream, not when its POST is accepted). A body of unknown length
// (chunked) is counted as it arrives.
func TestInflightBytesCap(t *testing.T) {
	const budget = 64 << 10
	e := start(t, Config{MaxBodyBytes: budget, MaxInflightBytes: budget})
	session := e.do("POST", "/mcp", initBody, nil).Header.Get("Mcp-Session-Id")
	hdr := map[string]string{"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"}
	padded := func(id, tool string, size int) string {
		head := `{"jsonrpc":"2.0","id":` + id + `,"method":"tools/call","params":{"name":"` + tool + `","arguments":{},"_meta":{"pad":"`
		return head + strings.Repeat("x", size-len(head)-4) + `"}}}`
	}
	big := 40 << 10
	first := make(chan int, 1)
	go func() {
		code, _, _ := doWithin(t, e, "POST", "/mcp", padded("1", "slow", big), hdr)
		first <- code
	}()
	<-e.started
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(e.newRequest(ctx, "POST", "/mcp", padded("2", "agent", big), hdr))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	busyAnswer(t, "a second 40 KB call", resp.StatusCode, resp.Header, body, "--max-inflight-bytes")
	if code, _, b := doWithin(t, e, "POST", "/mcp", `{"jsonrpc":"2.0","id":3,"method":"ping"}`, hdr); code != 200 {
		t.Fatalf("a small call beside the 40 KB one: %d %s", code, b)
	}
	// Chunked: no Content-Length, counted as it arrives.
	pr, pw := io.Pipe()
	go func() {
		_, _ = io.WriteString(pw, padded("4", "agent", big))
		pw.Close()
	}()
	req := e.newRequest(ctx, "POST", "/mcp", "", hdr)
	req.Body, req.ContentLength = pr, -1
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	busyAnswer(t, "a chunked 40 KB call", resp.StatusCode, resp.Header, body, "--max-inflight-bytes")

	e.release <- struct{}{}
	if code := <-first; code != 200 {
		t.Fatalf("the first call: %d", code)
	}
	testutil.WaitFor(t, "the bytes to be given back", 5*time.Second, func() bool { return e.srv.bodies.inFlight() == 0 })

	// A length declared and not sent holds only what arrives: three
	// connections declaring 40 KB each and sending one byte leave room
	// for a real 40 KB call.
	addr := strings.TrimPrefix(e.url, "http://")
	var unsent []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		unsent = append(unsent, c)
		_, _ = fmt.Fprintf(c, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"+
			"Mcp-Session-Id: %s\r\nMCP-Protocol-Version: 2025-11-25\r\nContent-Length: %d\r\n\r\n{", session, big)
	}
	testutil.WaitFor(t, "three bodies being read", 5*time.Second, func() bool { return e.srv.bodies.inFlight() >= 3*minBodyCharge })
	if code, _, b := doWithin(t, e, "POST", "/mcp", padded("9", "agent", big), hdr); code != 200 {
		t.Fatalf("a 40 KB call beside three declared and unsent bodies: %d %s", code, b)
	}
	for _, c := range unsent {
		c.Close()
	}
	testutil.WaitFor(t, "the bytes to be given back", 5*time.Second, func() bool { return e.srv.bodies.inFlight() == 0 })
	if code, _, b := doWithin(t, e, "POST", "/mcp", padded("5", "agent", big), hdr); code != 200 {
		t.Fatalf("a 40 KB call once the first is answered: %d %s", code, b)
	}

	// Legacy SSE: the POST is accepted at once; its bytes are held until
	// the answer is on the stream.
	c := openRawSSE(t, e)
	c.post(padded("6", "slow", big))
	<-e.started
	code, h, b := doWithin(t, e, "POST", c.endpoint, padded("7", "agent", big), nil)
	busyAnswer(t, "a second 40 KB SSE post", code, h, b, "--max-inflight-bytes")
	e.release <- struct{}{}
	if got := c.answer(); got != "6" {
		t.Fatalf("SSE answer %s, want 6", got)
	}
	testutil.WaitFor(t, "the SSE call's bytes to be given back", 5*time.Second, func() bool { return e.srv.bodies.inFlight() == 0 })
	c.post(padded("8", "agent", big))
	if got := c.answer(); got != "8" {
		t.Fatalf("SSE answer %s, want 8", got)
	}
}

// A body is charged what it is (at least minBodyCharge), never more than
// declared, and read into a buffer no larger than declared.
func TestBodyCharge(t *testing.T) {
	for _, tc := range []struct {
		size     int
		declared bool
		want     int64
	}{
		{100, true, minBodyCharge},
		{5000, true, 5000},
		{100_000, true, 100_000},
		{100, false, minBodyCharge},
		{5000, false, minBodyCharge + countStep},
	} {
		reads := &bodyReads{max: 1 << 20}
		hold := &bodyHold{reads: reads}
		if !hold.grow(minBodyCharge) {
			t.Fatal("no room")
		}
		size := int64(-1)
		if tc.declared {
			size = int64(tc.size)
		}
		body, err := readBody(&countedBody{r: io.NopCloser(strings.NewReader(strings.Repeat("x", tc.size))), size: size, hold: hold}, size)
		if err != nil || len(body) != tc.size {
			t.Fatalf("%+v: read %d bytes, %v", tc, len(body), err)
		}
		if tc.declared && cap(body) > tc.size+tc.size/8 {
			t.Errorf("%+v: a buffer of %d for a body of %d", tc, cap(body), tc.size)
		}
		if got := reads.inFlight(); got != tc.want {
			t.Errorf("%+v: charged %d, want %d", tc, got, tc.want)
		}
	}
	// A body shorter than declared is an error.
	if _, err := readBody(strings.NewReader("abc"), 10); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("short body: %v", err)
	}
}
