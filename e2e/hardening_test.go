package e2e

// Reproductions of the transport defects of issue #18, each against the real
// binary (stdio and HTTP, loopback only), each bounded in count and time.
// Every one of these failed on the code before the fix.
//
//	go test -race -run 'TestStdio(LongLine|DuplicateIDs|Cancellation|IDs|Pipelined|Batch)|TestHTTP(Refusals|Forged|IDs|FailedInitialize|ProtocolEdges)' .

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

// stdioReader reads p's stdout line by line on its own goroutine.
type stdioReader struct {
	lines chan []byte
}

func readStdout(p *stdioProc) *stdioReader {
	r := &stdioReader{lines: make(chan []byte, 1024)}
	go func() {
		defer close(r.lines)
		br := bufio.NewReaderSize(p.stdout, 1<<16)
		for {
			line, err := br.ReadBytes('\n')
			if len(bytes.TrimSpace(line)) > 0 {
				r.lines <- bytes.TrimRight(line, "\n")
			}
			if err != nil {
				return
			}
		}
	}()
	return r
}

// next returns the next line, failing t after limit.
func (r *stdioReader) next(t *testing.T, limit time.Duration) []byte {
	t.Helper()
	select {
	case l, ok := <-r.lines:
		if !ok {
			t.Fatal("stdout ended")
		}
		return l
	case <-time.After(limit):
		t.Fatalf("no line on stdout within %s", limit)
		return nil
	}
}

// rest returns every line until stdout ends, within stdioExitWait (or limit).
func (r *stdioReader) rest(t *testing.T, limit ...time.Duration) [][]byte {
	t.Helper()
	var out [][]byte
	wait := stdioExitWait
	if len(limit) > 0 {
		wait = limit[0]
	}
	deadline := time.After(wait)
	for {
		select {
		case l, ok := <-r.lines:
			if !ok {
				return out
			}
			out = append(out, l)
		case <-deadline:
			t.Fatalf("stdout not closed within %s (%d lines read)", wait, len(out))
		}
	}
}

// rawID is the id of a JSON-RPC message exactly as written, or "".
func rawID(line []byte) string {
	var m struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(line, &m) != nil {
		// An id with invalid UTF-8 makes the line invalid for encoding/json
		// in no way; but be safe: find it by hand.
		if i := bytes.Index(line, []byte(`"id":`)); i >= 0 {
			rest := line[i+5:]
			if j := bytes.Index(rest, []byte(`,"`)); j >= 0 {
				return string(rest[:j])
			}
		}
		return ""
	}
	return string(m.ID)
}

// gatedFake is a fake Lofty whose requests for a gated lead wait until
// that lead's gate is opened (or the client goes away).
type gatedFake struct {
	*fakelofty.Fake
	mu        sync.Mutex
	arrivals  int
	cancelled int // requests whose client went away before their gate opened
	gates     map[string]chan struct{}
}

func newGatedFake(leads ...int64) *gatedFake {
	g := &gatedFake{Fake: fakelofty.New(nil), gates: map[string]chan struct{}{}}
	for _, l := range leads {
		g.gates[fmt.Sprint(l)] = make(chan struct{})
	}
	g.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		g.mu.Lock()
		g.arrivals++
		gate := g.gates[r.URL.Query().Get("leadId")]
		g.mu.Unlock()
		if gate != nil {
			select {
			case <-gate:
			case <-r.Context().Done():
				g.mu.Lock()
				g.cancelled++
				g.mu.Unlock()
			}
		}
		return false
	}
	return g
}

func (g *gatedFake) arrived() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.arrivals
}

func (g *gatedFake) cancelledCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.cancelled
}

// open lets lead's requests through.
func (g *gatedFake) open(lead int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	gate := g.gates[fmt.Sprint(lead)]
	select {
	case <-gate:
	default:
		close(gate)
	}
}

func (g *gatedFake) openAll() {
	for l := range g.gates {
		var lead int64
		fmt.Sscan(l, &lead)
		g.open(lead)
	}
}

func callLead(id string, lead int64) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"get_sales_agent_by_lead","arguments":{"leadId":%d}}}`, id, lead)
}

// ---- item 3: long stdio lines ----

// TestStdioLongLineRefusedStreamGoesOn: a line over --max-message-bytes
// (default 4 MiB) is answered with a JSON-RPC error carrying its id, and
// the next line is served; with a larger cap the same line is served.
func TestStdioLongLineRefusedStreamGoesOn(t *testing.T) {
	pad := func(id string, n int) string {
		head := `{"jsonrpc":"2.0","id":` + id + `,"method":"ping","params":{"pad":"`
		return head + strings.Repeat("x", n-len(head)-3) + `"}}`
	}
	for _, tc := range []struct {
		name  string
		args  []string
		size  int
		error bool
	}{
		{"default cap, 5 MB", nil, 5_000_000, true},
		{"cap raised, 10 MB", []string{"--max-message-bytes", "12000000"}, 10_000_000, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := startStdio(t, stdioEnv(), append([]string{"--demo"}, tc.args...)...)
			out := readStdout(p)
			p.send(t, initializeLine)
			if id := rawID(out.next(t, stdioExitWait)); id != "1" {
				t.Fatalf("first answer has id %s", id)
			}
			go func() {
				_, _ = io.WriteString(p.stdin, pad("2", tc.size)+"\n"+`{"jsonrpc":"2.0","id":3,"method":"ping"}`+"\n")
			}()
			got := map[string][]byte{}
			for len(got) < 2 {
				l := out.next(t, 60*time.Second)
				got[rawID(l)] = l
			}
			var long struct {
				Result json.RawMessage
				Error  *struct {
					Code    int
					Message string
				}
			}
			if err := json.Unmarshal(got["2"], &long); err != nil {
				t.Fatalf("answer to the long line: %q: %v", got["2"], err)
			}
			if tc.error {
				if long.Error == nil || long.Error.Code != -32600 || !strings.Contains(long.Error.Message, "--max-message-bytes") {
					t.Fatalf("answer to the %d-byte line: %s; want error -32600 naming --max-message-bytes", tc.size, got["2"])
				}
			} else if long.Result == nil {
				t.Fatalf("answer to the %d-byte line: %s; want a result", tc.size, got["2"])
			}
			if !bytes.Contains(got["3"], []byte(`"result"`)) {
				t.Fatalf("the line after the long one: %s", got["3"])
			}
			_ = p.stdin.Close()
			if code := p.wait(t); code != 0 {
				t.Fatalf("exit %d\n%s", code, p.stderr.String())
			}
		})
	}
}

// ---- item 7: duplicate ids on stdio ----

// TestStdioDuplicateIDsInFlightRefused: three calls with ids 7, 7 and 7.0,
// the first still waiting on Lofty when the second arrives: the second is
// refused at once with -32600 and never reaches Lofty (two calls with one
// id would both act: two notes for one add_lead_note); 7.0 is another id.
// After stdin closes, 7 and 7.0 are answered, none as a Lofty outage, and
// the process exits 0 only after the last.
func TestStdioDuplicateIDsInFlightRefused(t *testing.T) {
	leads := []int64{fakelofty.DemoLeadWithAgent, fakelofty.DemoLeadBeyond53Bits, fakelofty.DemoLeadMaxInt64}
	fake := newGatedFake(leads...)
	base := fake.Start(t)
	t.Cleanup(fake.openAll)
	p := startStdio(t, stdioEnv("LOFTY_BASE_URL="+base, "LOFTY_API_KEY="+stdioSecret, "LOFTY_CACHE_TTL=0"))
	out := readStdout(p)
	p.send(t, initializeLine, initializedLine, callLead("7", fakelofty.DemoLeadWithAgent))
	testutil.WaitFor(t, "the first Lofty request", stdioExitWait, func() bool { return fake.arrived() == 1 })
	p.send(t, callLead("7", fakelofty.DemoLeadBeyond53Bits), callLead("7.0", fakelofty.DemoLeadMaxInt64))
	l := out.next(t, stdioExitWait)
	if rawID(l) == "1" { // the initialize answer
		l = out.next(t, stdioExitWait)
	}
	if !bytes.HasPrefix(l, []byte(`{"jsonrpc":"2.0","id":7,"error":{"code":-32600`)) {
		t.Fatalf("the duplicate 7 was answered %s; want error -32600 at once", l)
	}
	testutil.WaitFor(t, "the 7.0 Lofty request", stdioExitWait, func() bool { return fake.arrived() == 2 })
	_ = p.stdin.Close()
	for _, lead := range leads { // finish one at a time
		time.Sleep(200 * time.Millisecond)
		fake.open(lead)
	}
	lines := out.rest(t)
	if code := p.wait(t); code != 0 {
		t.Fatalf("exit %d\n%s", code, p.stderr.String())
	}
	if n := fake.arrived(); n != 2 {
		t.Fatalf("%d Lofty requests, want 2: the duplicate must not run", n)
	}
	ids := map[string]int{}
	for _, l := range lines {
		id := rawID(l)
		ids[id]++
		if bytes.Contains(l, []byte("unavailable")) || bytes.Contains(l, []byte("cancel")) || !bytes.Contains(l, []byte(`"result"`)) {
			t.Errorf("a call was not answered with its result: %s", l)
		}
	}
	if ids["7"] != 1 || ids["7.0"] != 1 {
		t.Fatalf("answers by id %v, want one each for 7 and 7.0; stdout:\n%s", ids, bytes.Join(lines, []byte("\n")))
	}
}

// ---- item 8: cancellation matches ids exactly ----

// TestStdioCancellationMatchesExactly: cancelling "1" (a string) does not
// cancel request 1, nor 2.0 request 2; cancelling 3 cancels request 3, which
// then gets no answer at all.
func TestStdioCancellationMatchesExactly(t *testing.T) {
	leads := []int64{fakelofty.DemoLeadWithAgent, fakelofty.DemoLeadBeyond53Bits, fakelofty.DemoLeadMaxInt64}
	fake := newGatedFake(leads...)
	base := fake.Start(t)
	t.Cleanup(fake.openAll)
	p := startStdio(t, stdioEnv("LOFTY_BASE_URL="+base, "LOFTY_API_KEY="+stdioSecret, "LOFTY_CACHE_TTL=0"))
	out := readStdout(p)
	p.send(t, initializeLine, initializedLine,
		callLead("1", fakelofty.DemoLeadWithAgent),
		callLead("2", fakelofty.DemoLeadBeyond53Bits),
		callLead("3", fakelofty.DemoLeadMaxInt64))
	testutil.WaitFor(t, "three Lofty requests", stdioExitWait, func() bool { return fake.arrived() == 3 })
	cancel := func(id string) string {
		return `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":` + id + `,"reason":"test"}}`
	}
	p.send(t, cancel(`"1"`), cancel(`2.0`), cancel(`3`))
	testutil.WaitFor(t, "Lofty to see request 3 cancelled", stdioExitWait, func() bool { return fake.cancelledCount() == 1 })
	fake.open(leads[0])
	fake.open(leads[1])
	p.send(t, `{"jsonrpc":"2.0","id":4,"method":"ping"}`)
	got := map[string][]byte{}
	for got["1"] == nil || got["2"] == nil || got["4"] == nil {
		l := out.next(t, stdioExitWait)
		got[rawID(l)] = l
	}
	_ = p.stdin.Close()
	for _, l := range out.rest(t) {
		got[rawID(l)] = l
	}
	if code := p.wait(t); code != 0 {
		t.Fatalf("exit %d\n%s", code, p.stderr.String())
	}
	for _, id := range []string{"1", "2"} {
		if !bytes.Contains(got[id], []byte(`"structuredContent"`)) {
			t.Errorf("request %s was not answered as a success: %s", id, got[id])
		}
	}
	if l, ok := got["3"]; ok {
		t.Errorf("the cancelled request 3 was answered: %s", l)
	}
}

// ---- item 9: ids round-trip byte for byte ----

// awkwardIDs are ids an SDK would re-encode: beyond 2^53, a fraction, a
// negative zero, an exponent, HTML characters, escapes, invalid UTF-8, a
// leading-zero decimal string, a 23-digit integer.
var awkwardIDs = []string{`9007199254740993`, `1.0`, `-0`, `1e2`, `"a<b>&"`, `"\u00e9\n"`, "\"\xff\xfe\"", `"012"`, `12345678901234567890123`}

// TestStdioIDsRoundTrip: every id comes back exactly as sent.
func TestStdioIDsRoundTrip(t *testing.T) {
	p := startStdio(t, stdioEnv(), "--demo")
	out := readStdout(p)
	p.send(t, initializeLine, initializedLine)
	if id := rawID(out.next(t, stdioExitWait)); id != "1" {
		t.Fatalf("first answer has id %s", id)
	}
	for _, id := range awkwardIDs {
		p.send(t, `{"jsonrpc":"2.0","id":`+id+`,"method":"ping"}`)
		l := out.next(t, stdioExitWait)
		if !bytes.HasPrefix(l, []byte(`{"jsonrpc":"2.0","id":`+id+`,"result"`)) {
			t.Errorf("id %s answered as %q", id, l)
		}
	}
	_ = p.stdin.Close()
	p.wait(t)
}

// TestHTTPIDsRoundTrip: over Streamable HTTP (a 2025-11-25 session and the
// stateless 2026-07-28 protocol) and legacy SSE, every id comes back exactly
// as sent.
func TestHTTPIDsRoundTrip(t *testing.T) {
	p := startHTTPE2E(t, stdioBin(t), nil, "--demo")
	post := func(body string, hdr map[string]string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("POST", p.base+"/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, _ := post(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`, nil)
	session := resp.Header.Get("Mcp-Session-Id")
	if session == "" {
		t.Fatalf("initialize: %d, no session", resp.StatusCode)
	}
	legacy := map[string]string{"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"}
	modern := map[string]string{"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "ping"}
	const meta = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"}}`
	for _, id := range awkwardIDs {
		if _, b := post(`{"jsonrpc":"2.0","id":`+id+`,"method":"ping"}`, legacy); !bytes.HasPrefix(b, []byte(`{"jsonrpc":"2.0","id":`+id+`,"result"`)) {
			t.Errorf("streamable 2025-11-25: id %s answered as %q", id, b)
		}
		// ping is gone from 2026-07-28: the error carries the id all the same.
		if _, b := post(`{"jsonrpc":"2.0","id":`+id+`,"method":"ping","params":{`+meta+`}}`, modern); !bytes.HasPrefix(b, []byte(`{"jsonrpc":"2.0","id":`+id+`,"error"`)) {
			t.Errorf("streamable 2026-07-28: id %s answered as %q", id, b)
		}
	}

	// Legacy SSE: the answers come on the stream.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", p.base+"/sse", nil)
	req.Header.Set("Accept", "text/event-stream")
	stream, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	events := make(chan []byte, 16)
	go func() {
		defer close(events)
		br := bufio.NewReader(stream.Body)
		for {
			line, err := br.ReadBytes('\n')
			if err != nil {
				return
			}
			if v, ok := bytes.CutPrefix(bytes.TrimRight(line, "\r\n"), []byte("data:")); ok {
				events <- bytes.TrimSpace(v)
			}
		}
	}()
	var endpoint []byte
	select {
	case endpoint = <-events:
	case <-time.After(stdioExitWait):
		t.Fatal("no endpoint event")
	}
	for _, id := range awkwardIDs {
		r, err := http.Post(p.base+string(endpoint), "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":`+id+`,"method":"ping"}`))
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		select {
		case ev := <-events:
			if !bytes.HasPrefix(ev, []byte(`{"jsonrpc":"2.0","id":`+id+`,"result"`)) {
				t.Errorf("sse: id %s answered as %q", id, ev)
			}
		case <-time.After(stdioExitWait):
			t.Fatalf("sse: no answer to id %s", id)
		}
	}
}

// ---- item 11: pipelined load logs no error ----

// TestStdioPipelinedCallsLogNoError: 20,000 tool calls written without
// waiting are all answered, once each, and nothing is logged at ERROR.
func TestStdioPipelinedCallsLogNoError(t *testing.T) {
	const n = 20_000
	p := startStdio(t, stdioEnv(), "--demo", "--log-format", "json")
	out := readStdout(p)
	go func() {
		w := bufio.NewWriterSize(p.stdin, 1<<16)
		_, _ = io.WriteString(w, initializeLine+"\n"+initializedLine+"\n")
		for i := range n {
			_, _ = io.WriteString(w, callLead(fmt.Sprint(i+10), fakelofty.DemoLeadWithAgent)+"\n")
		}
		_ = w.Flush()
		_ = p.stdin.Close()
	}()
	seen := make(map[string]bool, n+1)
	start := time.Now()
	for _, l := range out.rest(t, 3*time.Minute) {
		id := rawID(l)
		if seen[id] {
			t.Fatalf("id %s answered twice", id)
		}
		seen[id] = true
		if id != "1" && !bytes.Contains(l, []byte(`"structuredContent"`)) {
			t.Fatalf("call %s not answered with a result: %s", id, l)
		}
	}
	t.Logf("%d pipelined calls answered in %s", n, time.Since(start).Round(time.Millisecond))
	if code := p.wait(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if len(seen) != n+1 {
		t.Fatalf("%d answers, want %d", len(seen), n+1)
	}
	if logs := p.stderr.String(); strings.Contains(logs, `"level":"ERROR"`) {
		t.Fatalf("ERROR logged for valid load:\n%s", logs[:min(len(logs), 2000)])
	}
}

// ---- item 12: protocol edges (stdio) ----

// TestStdioBatchIsInvalidRequest: a JSON array gets -32600 (batches are not
// part of MCP), not -32700 (it is valid JSON).
func TestStdioBatchIsInvalidRequest(t *testing.T) {
	p := startStdio(t, stdioEnv(), "--demo")
	out := readStdout(p)
	p.send(t, `[{"jsonrpc":"2.0","id":1,"method":"ping"}]`)
	l := out.next(t, stdioExitWait)
	if !bytes.Contains(l, []byte(`"code":-32600`)) {
		t.Fatalf("batch answered %s; want -32600", l)
	}
	_ = p.stdin.Close()
	p.wait(t)
}

// ---- HTTP ----

// rawHTTP sends head (and part of a declared body) on a raw connection.
func rawHTTP(t *testing.T, addr, head string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	return c
}

// refusedAndClosed reads a response from c, within limit, and checks its
// status and that the server then closes the connection.
func refusedAndClosed(t *testing.T, c net.Conn, status int, limit time.Duration) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(limit))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no response within %s: %v", limit, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d", resp.StatusCode, status)
	}
	if !resp.Close {
		t.Errorf("the refusal does not close the connection (Connection: %q)", resp.Header.Get("Connection"))
	}
	var b [1]byte
	if _, err := c.Read(b[:]); err == nil {
		t.Fatalf("the server kept the connection open")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the server did not close the connection within %s", limit)
	}
}

func openFDs(t *testing.T, pid int) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// TestHTTPRefusalsCloseAtOnce: a refused request whose declared body never
// arrives (401, 403), and a body that trickles past --read-timeout (408),
// get their answer at once and their connection closed; 100 such sockets
// leave /healthz answering and hold no descriptor; SIGTERM does not wait
// for bodies still arriving.
func TestHTTPRefusalsCloseAtOnce(t *testing.T) {
	bin := stdioBin(t)
	p := startHTTPE2E(t, bin, nil, "--demo", "--auth-token", e2eAuthToken, "--read-timeout", "1s", "--log-level", "warn")
	addr := strings.TrimPrefix(p.base, "http://")
	head := func(extra string) string {
		return "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n" + extra + "\r\n{"
	}
	t.Run("401 without the token", func(t *testing.T) {
		refusedAndClosed(t, rawHTTP(t, addr, head("")), 401, 3*time.Second)
	})
	t.Run("403 foreign origin", func(t *testing.T) {
		refusedAndClosed(t, rawHTTP(t, addr, head("Authorization: Bearer "+e2eAuthToken+"\r\nOrigin: https://evil.example\r\n")), 403, 3*time.Second)
	})
	t.Run("408 trickling body", func(t *testing.T) {
		c := rawHTTP(t, addr, head("Authorization: Bearer "+e2eAuthToken+"\r\n"))
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(200 * time.Millisecond):
					if _, err := c.Write([]byte(" ")); err != nil {
						return
					}
				}
			}
		}()
		refusedAndClosed(t, c, 408, 4*time.Second)
	})
	t.Run("100 sockets", func(t *testing.T) {
		before := openFDs(t, p.cmd.Process.Pid)
		conns := make([]net.Conn, 100)
		for i := range conns {
			conns[i] = rawHTTP(t, addr, head(""))
		}
		resp, err := (&http.Client{Timeout: 2 * time.Second}).Get(p.base + "/healthz")
		if err != nil {
			t.Fatalf("/healthz with 100 refused sockets open: %v", err)
		}
		resp.Body.Close()
		for _, c := range conns {
			refusedAndClosed(t, c, 401, 5*time.Second)
		}
		testutil.WaitFor(t, "the server to release the descriptors", 5*time.Second, func() bool {
			return openFDs(t, p.cmd.Process.Pid) <= before+2
		})
	})
	t.Run("SIGTERM does not wait for bodies", func(t *testing.T) {
		q := startHTTPE2E(t, bin, nil, "--demo", "--auth-token", e2eAuthToken, "--shutdown-timeout", "20s", "--log-level", "warn")
		qaddr := strings.TrimPrefix(q.base, "http://")
		for range 20 {
			rawHTTP(t, qaddr, head("Authorization: Bearer "+e2eAuthToken+"\r\n"))
		}
		time.Sleep(200 * time.Millisecond) // let the server start reading them
		start := time.Now()
		_ = q.cmd.Process.Signal(syscall.SIGTERM)
		if code := q.wait(t, 15*time.Second); code != 0 {
			t.Fatalf("exit %d", code)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Fatalf("SIGTERM took %s with bodies still arriving (shutdown timeout 20s)", took)
		}
	})
}

// TestHTTPForgedSessionIDs: ids no replica issued get 404 (however well
// formed), while a real session goes on working; a replica given the same
// --session-key accepts the first one's sessions, one with another key
// does not.
func TestHTTPForgedSessionIDs(t *testing.T) {
	bin := stdioBin(t)
	key := strings.Repeat("k", 40)
	a := startHTTPE2E(t, bin, nil, "--demo", "--session-key", key, "--log-level", "warn")
	env := append(e2eEnv("", ""), "LOFTY_MCP_SESSION_KEY="+key)
	replica := startHTTPE2E(t, bin, env, "--demo", "--log-level", "warn")
	stranger := startHTTPE2E(t, bin, nil, "--demo", "--session-key", strings.Repeat("z", 40), "--log-level", "warn")
	ping := func(base, session string) (int, string) {
		req, _ := http.NewRequest("POST", base+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":2,"method":"ping"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("MCP-Protocol-Version", "2025-11-25")
		req.Header.Set("Mcp-Session-Id", session)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	req, _ := http.NewRequest("POST", a.base+"/mcp", strings.NewReader(initializeLine))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	real := resp.Header.Get("Mcp-Session-Id")
	for i := range 2000 {
		forged := fmt.Sprintf("mcp-session-%026d", i)
		if i%2 == 1 && len(real) > 20 { // a real id with its signature altered
			forged = real[:len(real)-3] + fmt.Sprintf("%03d", i%1000)
		}
		if forged == real { // the alteration can give back the real id
			continue
		}
		if code, body := ping(a.base, forged); code != http.StatusNotFound {
			t.Fatalf("forged id %q: %d %s; want 404", forged, code, body)
		}
	}
	for _, srv := range []*httpE2EProc{a, replica} {
		if code, body := ping(srv.base, real); code != 200 || !strings.Contains(body, `"result"`) {
			t.Fatalf("the real session at %s: %d %s", srv.base, code, body)
		}
	}
	if code, _ := ping(stranger.base, real); code != http.StatusNotFound {
		t.Fatalf("a server with another key took the session: %d", code)
	}
}

// TestHTTPFailedInitializeTakesNoSession: with --max-sessions 5, five
// initializes with bad params get errors and no session id, and a sixth,
// good one still gets a session.
func TestHTTPFailedInitializeTakesNoSession(t *testing.T) {
	p := startHTTPE2E(t, stdioBin(t), nil, "--demo", "--max-sessions", "5", "--log-level", "warn")
	post := func(body string) *http.Response {
		req, _ := http.NewRequest("POST", p.base+"/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	for i := range 5 {
		resp := post(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":"bad"}`)
		if id := resp.Header.Get("Mcp-Session-Id"); id != "" {
			t.Fatalf("bad initialize %d got session %s (status %d)", i, id, resp.StatusCode)
		}
	}
	if resp := post(initializeLine); resp.StatusCode != 200 || resp.Header.Get("Mcp-Session-Id") == "" {
		t.Fatalf("good initialize after five bad ones: %d", resp.StatusCode)
	}
}

// TestHTTPProtocolEdges: the protocol edges of issue #18 item 12.
func TestHTTPProtocolEdges(t *testing.T) {
	p := startHTTPE2E(t, stdioBin(t), nil, "--demo", "--log-level", "warn")
	do := func(method, body string, hdr map[string]string) (*http.Response, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, method, p.base+"/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		for k, v := range hdr {
			if v == "" {
				req.Header.Del(k)
			} else {
				req.Header.Set(k, v)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			return resp, "(a stream)"
		}
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, _ := do("POST", initializeLine, nil)
	session := resp.Header.Get("Mcp-Session-Id")
	ping := `{"jsonrpc":"2.0","id":5,"method":"ping"}`
	for _, tc := range []struct {
		name, method, body string
		hdr                map[string]string
		status             int
		want               string // in the body
	}{
		{"origin with user info", "POST", ping, map[string]string{"Mcp-Session-Id": session, "Origin": "http://evil.com@localhost"}, 403, "forbidden_origin"},
		{"origin with a path", "POST", ping, map[string]string{"Mcp-Session-Id": session, "Origin": "http://localhost/path"}, 403, "forbidden_origin"},
		{"batch", "POST", `[` + ping + `]`, map[string]string{"Mcp-Session-Id": session}, 400, `"code":-32600`},
		{"no session id", "POST", ping, map[string]string{"MCP-Protocol-Version": "2025-11-25"}, 400, "Mcp-Session-Id"},
		{"session id with a space", "POST", ping, map[string]string{"Mcp-Session-Id": session[:10] + " " + session[11:]}, 400, "visible ASCII"},
		{"session id not ASCII", "POST", ping, map[string]string{"Mcp-Session-Id": session + "é"}, 400, "visible ASCII"},
		{"DELETE without session id", "DELETE", "", nil, 400, "Mcp-Session-Id"},
		{"GET without Accept: text/event-stream", "GET", "", map[string]string{"Accept": "application/json", "Mcp-Session-Id": session}, 406, "text/event-stream"},
		{"garbage protocol version", "POST", ping, map[string]string{"Mcp-Session-Id": session, "MCP-Protocol-Version": "garbage"}, 400, "2025-11-25"},
		{"leading-zero string id", "POST", `{"jsonrpc":"2.0","id":"012","method":"ping"}`, map[string]string{"Mcp-Session-Id": session}, 200, `"id":"012"`},
		{"allowed origin (control)", "POST", ping, map[string]string{"Mcp-Session-Id": session, "Origin": "http://localhost:1234"}, 200, `"result"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := do(tc.method, tc.body, tc.hdr)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("%d %s; want %d with %q", resp.StatusCode, body, tc.status, tc.want)
			}
			if acao := resp.Header.Get("Access-Control-Allow-Origin"); tc.status == 403 && acao != "" {
				t.Fatalf("a refused origin was echoed: Access-Control-Allow-Origin: %s", acao)
			}
			if tc.name == "garbage protocol version" && !strings.Contains(body, "Mcp-Protocol-Version") {
				t.Fatalf("the error does not name the header: %s", body)
			}
		})
	}
}
