package transport

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	mcptransport "github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
)

// stdioServer runs ServeStdio on pipes; lines written to in, read from out.
type stdioServer struct {
	in   *io.PipeWriter
	out  chan []byte
	done chan error
	stop context.CancelFunc
}

func serveStdioPipes(t *testing.T, srv *server.MCPServer, cfg StdioConfig) *stdioServer {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	s := &stdioServer{in: inW, out: make(chan []byte, 256), done: make(chan error, 1), stop: cancel}
	go func() {
		err := ServeStdio(ctx, srv, inR, outW, cfg)
		_ = outW.Close()
		s.done <- err
	}()
	go func() {
		defer close(s.out)
		br := bufio.NewReader(outR)
		for {
			l, err := br.ReadBytes('\n')
			if len(l) > 0 {
				s.out <- bytes.TrimRight(l, "\n")
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = inW.Close()
		cancel()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			t.Error("ServeStdio did not return")
		}
	})
	return s
}

func (s *stdioServer) send(t *testing.T, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if _, err := io.WriteString(s.in, l+"\n"); err != nil {
			t.Fatal(err)
		}
	}
}

func (s *stdioServer) next(t *testing.T) []byte {
	t.Helper()
	select {
	case l, ok := <-s.out:
		if !ok {
			t.Fatal("stdout closed")
		}
		return l
	case <-time.After(5 * time.Second):
		t.Fatal("no answer within 5s")
		return nil
	}
}

// all reads until stdout closes.
func (s *stdioServer) all(t *testing.T) [][]byte {
	t.Helper()
	var out [][]byte
	for {
		select {
		case l, ok := <-s.out:
			if !ok {
				return out
			}
			out = append(out, l)
		case <-time.After(10 * time.Second):
			t.Fatal("stdout not closed within 10s")
		}
	}
}

const stdioInit = `{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"elicitation":{}},"clientInfo":{"name":"t","version":"1"}}}`

func toolCall(id, name string) string {
	return `{"jsonrpc":"2.0","id":` + id + `,"method":"tools/call","params":{"name":"` + name + `","arguments":{}}}`
}

// blockingServer has a tool "wait" that blocks until release is closed or
// its context ends, and then answers as the tools adapter does when Lofty
// fails (an isError result saying Lofty is unavailable), counting how many
// run at once.
func blockingServer(release chan struct{}, running, peak *atomic.Int64) *server.MCPServer {
	s := server.NewMCPServer("t", "1")
	s.AddTool(mcp.NewTool("wait"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		select {
		case <-release:
			return mcp.NewToolResultText("done"), nil
		case <-ctx.Done():
			return mcp.NewToolResultError("Lofty is unavailable right now. Try again in a minute. (request cancelled)"), nil
		}
	})
	return s
}

// A call still running when the drain timeout after EOF ends is answered as
// cancelled (-32800), never with what its handler made of the cancellation.
func TestServeStdioCutShortAfterDrain(t *testing.T) {
	var running, peak atomic.Int64
	s := serveStdioPipes(t, blockingServer(make(chan struct{}), &running, &peak), StdioConfig{DrainTimeout: 200 * time.Millisecond})
	s.send(t, stdioInit)
	s.next(t)
	s.send(t, toolCall("7", "wait"))
	testutil.WaitFor(t, "the condition", 5*time.Second, func() bool { return running.Load() == 1 })
	_ = s.in.Close()
	lines := s.all(t)
	if len(lines) != 1 {
		t.Fatalf("answers: %q", lines)
	}
	var m struct {
		ID    json.RawMessage
		Error *struct {
			Code    int
			Message string
		}
	}
	if err := json.Unmarshal(lines[0], &m); err != nil || string(m.ID) != "7" || m.Error == nil || m.Error.Code != -32800 ||
		!strings.Contains(m.Error.Message, "stdin was closed") || strings.Contains(string(lines[0]), "unavailable") {
		t.Fatalf("answer %s; want error -32800 saying stdin was closed", lines[0])
	}
	if err := <-s.done; err != nil {
		t.Fatal(err)
	}
	s.done <- nil
}

// On a signal (ctx cancelled), calls in flight are answered as cancelled
// because the server is shutting down.
func TestServeStdioSignalCancelsInFlight(t *testing.T) {
	var running, peak atomic.Int64
	s := serveStdioPipes(t, blockingServer(make(chan struct{}), &running, &peak), StdioConfig{})
	s.send(t, stdioInit)
	s.next(t)
	s.send(t, toolCall(`"a"`, "wait"))
	testutil.WaitFor(t, "the condition", 5*time.Second, func() bool { return running.Load() == 1 })
	s.stop()
	l := s.next(t)
	if !bytes.Contains(l, []byte(`"id":"a","error":{"code":-32800`)) || !bytes.Contains(l, []byte("shutting down")) {
		t.Fatalf("answer %s", l)
	}
}

// At most MaxInFlight requests run at once; later ones wait, in order, and
// are all answered; while they wait, a cancellation for one of them is read
// (it then never runs and gets no answer), and so is the client's answer to
// a request of the server's.
func TestServeStdioBackPressure(t *testing.T) {
	release := make(chan struct{})
	var running, peak atomic.Int64
	srv := blockingServer(release, &running, &peak)
	s := serveStdioPipes(t, srv, StdioConfig{MaxInFlight: 2})
	s.send(t, stdioInit)
	s.next(t)
	for i := 1; i <= 6; i++ {
		s.send(t, toolCall(fmt.Sprint(i), "wait"))
	}
	testutil.WaitFor(t, "the condition", 5*time.Second, func() bool { return running.Load() == 2 })
	s.send(t, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5}}`)
	time.Sleep(100 * time.Millisecond)
	close(release)
	got := map[string]bool{}
	for len(got) < 5 {
		var m struct{ ID json.RawMessage }
		l := s.next(t)
		_ = json.Unmarshal(l, &m)
		if got[string(m.ID)] {
			t.Fatalf("id %s answered twice", m.ID)
		}
		got[string(m.ID)] = true
		if !bytes.Contains(l, []byte(`"done"`)) {
			t.Fatalf("answer %s", l)
		}
	}
	if got["5"] || peak.Load() != 2 {
		t.Fatalf("answered %v (5 was cancelled while waiting); peak concurrency %d, want 2", got, peak.Load())
	}
	_ = s.in.Close()
	if rest := s.all(t); len(rest) != 0 {
		t.Fatalf("more answers: %q", rest)
	}
}

// A server request (elicitation) from the one call allowed to run is
// answered by the client while another request waits for a slot: the
// answer is read all the same.
func TestServeStdioAnswerReadWhileRequestsWait(t *testing.T) {
	srv := server.NewMCPServer("t", "1", server.WithElicitation())
	srv.AddTool(mcp.NewTool("ask"), askHandler(srv))
	srv.AddTool(mcp.NewTool("noop"), func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return mcp.NewToolResultText("noop"), nil
	})
	s := serveStdioPipes(t, srv, StdioConfig{MaxInFlight: 1})
	s.send(t, stdioInit)
	s.next(t)
	s.send(t, toolCall("1", "ask"), toolCall("2", "noop"))
	req := s.next(t) // the elicitation request
	var r struct {
		ID     json.RawMessage
		Method string
	}
	if err := json.Unmarshal(req, &r); err != nil || r.Method != "elicitation/create" {
		t.Fatalf("want an elicitation request, got %s", req)
	}
	s.send(t, `{"jsonrpc":"2.0","id":`+string(r.ID)+`,"result":{"action":"accept","content":{"color":"teal"}}}`)
	answers := map[string][]byte{}
	for len(answers) < 2 {
		l := s.next(t)
		var m struct{ ID json.RawMessage }
		_ = json.Unmarshal(l, &m)
		answers[string(m.ID)] = l
	}
	if !bytes.Contains(answers["1"], []byte("teal")) || !bytes.Contains(answers["2"], []byte("noop")) {
		t.Fatalf("answers %s / %s", answers["1"], answers["2"])
	}
}

func askHandler(srv *server.MCPServer) server.ToolHandlerFunc {
	return func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		res, err := srv.RequestElicitation(ctx, mcp.ElicitationRequest{Params: mcp.ElicitationParams{
			Message:         "favourite colour?",
			RequestedSchema: map[string]any{"type": "object", "properties": map[string]any{"color": map[string]any{"type": "string"}}},
		}})
		if err != nil {
			return nil, err
		}
		b, _ := json.Marshal(res.Content)
		return mcp.NewToolResultText(string(res.Action) + " " + string(b)), nil
	}
}

type elicitor struct{}

func (elicitor) Elicit(context.Context, mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{
		Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"color": "teal"},
	}}, nil
}

// mcp-go's own client, with its elicitation support, over stdio: the
// server's request and the client's answer travel untouched by the id
// rewriting.
func TestServeStdioElicitationWithMCPGoClient(t *testing.T) {
	srv := server.NewMCPServer("t", "1", server.WithElicitation())
	srv.AddTool(mcp.NewTool("ask"), askHandler(srv))
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- ServeStdio(ctx, srv, inR, outW, StdioConfig{}); _ = outW.Close() }()
	c := client.NewClient(mcptransport.NewIO(outR, inW, io.NopCloser(strings.NewReader(""))),
		client.WithElicitationHandler(elicitor{}), client.WithProtocolVersion(mcp.ProtocolVersion20251125))
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
	_ = inW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// readLines splits lines in time linear in the input, whatever the reads'
// sizes, keeps only the beginning of a line over the cap, and reads a last
// line without a newline.
func TestReadLines(t *testing.T) {
	long := `{"jsonrpc":"2.0","id":9,"pad":"` + strings.Repeat("x", 200_000) + `"}`
	input := "a\r\n\n  \nb\n" + long + "\n" + strings.Repeat("y", 100) + "\nlast"
	lines := make(chan stdioLine)
	go readLines(&oneByteAtTimes{r: strings.NewReader(input)}, 100, lines, make(chan struct{}))
	var got []string
	var tooLarge []stdioLine
	for l := range lines {
		if l.err != nil {
			if !errors.Is(l.err, io.EOF) {
				t.Fatal(l.err)
			}
			break
		}
		if l.tooLarge {
			tooLarge = append(tooLarge, l)
			continue
		}
		got = append(got, string(l.b))
	}
	if strings.Join(got, "|") != "a\r|b|"+strings.Repeat("y", 100)+"|last" {
		t.Fatalf("lines %q", got)
	}
	if len(tooLarge) != 1 || tooLarge[0].size != len(long)+1 || len(tooLarge[0].b) > peekBytes || !bytes.HasPrefix([]byte(long), tooLarge[0].b) {
		t.Fatalf("too large: %d lines", len(tooLarge))
	}
}

// oneByteAtTimes reads at most 7 bytes at a time.
type oneByteAtTimes struct{ r io.Reader }

func (o *oneByteAtTimes) Read(p []byte) (int, error) { return o.r.Read(p[:min(len(p), 7)]) }

// BenchmarkReadLine reads one line of 8, 16 or 32 MB: linear (compare the
// ns/op of the three).
func BenchmarkReadLine(b *testing.B) {
	for _, mb := range []int{8, 16, 32} {
		line := append(bytes.Repeat([]byte("x"), mb<<20), '\n')
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				lines := make(chan stdioLine, 2)
				readLines(bytes.NewReader(line), 64<<20, lines, make(chan struct{}))
				if l := <-lines; len(l.b) != mb<<20 {
					b.Fatal(len(l.b))
				}
			}
		})
	}
}

// A call that asked for progress gets every notification its handler sent
// before its answer, even when the handler sends many and returns at once;
// the token comes back as sent.
func TestServeStdioProgressBeforeAnswer(t *testing.T) {
	const notes = 60
	srv := server.NewMCPServer("t", "1")
	srv.AddTool(mcp.NewTool("busy"), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		for i := 1; i <= notes; i++ {
			_ = server.ServerFromContext(ctx).SendNotificationToClient(ctx, "notifications/progress", map[string]any{
				"progressToken": req.Params.Meta.ProgressToken, "progress": i, "message": "step"})
		}
		return mcp.NewToolResultText("done"), nil
	})
	s := serveStdioPipes(t, srv, StdioConfig{})
	s.send(t, stdioInit, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	if l := s.next(t); !bytes.Contains(l, []byte(`"id":"init"`)) {
		t.Fatalf("initialize: %s", l)
	}
	for round := range 20 {
		id := fmt.Sprintf(`"r%d"`, round)
		s.send(t, `{"jsonrpc":"2.0","id":`+id+`,"method":"tools/call","params":{"name":"busy","arguments":{},"_meta":{"progressToken":"t`+fmt.Sprint(round)+`"}}}`)
		seen := 0
		for {
			l := s.next(t)
			if bytes.Contains(l, []byte(`"id":`+id)) {
				break
			}
			if !bytes.Contains(l, []byte(`"progressToken":"t`+fmt.Sprint(round)+`"`)) {
				t.Fatalf("round %d: unexpected line %s", round, l)
			}
			seen++
		}
		if seen != notes {
			t.Fatalf("round %d: %d of %d progress notifications came before the answer", round, seen, notes)
		}
	}
}

// A 2026-07-28 subscriptions/listen that establishes nothing is answered at
// once; its acknowledgement still comes first, every time.
func TestServeStdioListenAcknowledgedFirst(t *testing.T) {
	s := serveStdioPipes(t, server.NewMCPServer("t", "1"), StdioConfig{})
	for i := range 50 {
		id := fmt.Sprintf(`"l%d"`, i)
		s.send(t, `{"jsonrpc":"2.0","id":`+id+`,"method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true},`+
			`"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}`)
		first, second := s.next(t), s.next(t)
		if !bytes.Contains(first, []byte(`"notifications/subscriptions/acknowledged"`)) || !bytes.Contains(first, []byte(`"io.modelcontextprotocol/subscriptionId":`+id)) ||
			!bytes.Contains(second, []byte(`"id":`+id)) {
			t.Fatalf("listen %d: %s then %s; want the acknowledgement, then the answer", i, first, second)
		}
	}
}

// A client that stops reading stdout cannot keep ServeStdio from returning:
// once a signal came or stdin ended, a write that makes no progress for
// OutputStallTimeout is abandoned, with everything after it, and said so.
func TestServeStdioReturnsWhileOutputBlocked(t *testing.T) {
	for _, how := range []string{"signal", "end of stdin"} {
		t.Run(how, func(t *testing.T) {
			inR, inW := io.Pipe()
			outR, outW := io.Pipe() // never read: every write blocks
			logs := &testutil.SyncBuffer{}
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(func() { cancel(); _ = inW.Close(); _ = outR.Close() })
			done := make(chan error, 1)
			go func() {
				done <- ServeStdio(ctx, server.NewMCPServer("t", "1"), inR, outW, StdioConfig{
					OutputStallTimeout: 200 * time.Millisecond,
					Logger:             slog.New(slog.NewTextHandler(logs, nil)),
				})
			}()
			go func() {
				_, _ = io.WriteString(inW, stdioInit+"\n")
				for i := range 100 {
					_, _ = fmt.Fprintf(inW, `{"jsonrpc":"2.0","id":%d,"method":"ping"}`+"\n", i)
				}
				_, _ = io.WriteString(inW, "not json\n")
				if how == "end of stdin" {
					_ = inW.Close()
				}
			}()
			time.Sleep(100 * time.Millisecond)
			if how == "signal" {
				cancel()
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("ServeStdio still running 20s after the %s with stdout not read", how)
			}
			if !strings.Contains(logs.String(), "stdout is not being read") {
				t.Errorf("not logged:\n%s", logs.String())
			}
		})
	}
}
