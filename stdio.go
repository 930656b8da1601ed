package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/rpcid"
)

// drainTimeout bounds how long, after stdin closes, lofty-mcp waits for
// answers to requests it has already read.
const drainTimeout = 10 * time.Second

// serveStdio serves MCP over stdin/stdout until stdin closes (EOF) or ctx is
// cancelled (SIGINT, SIGTERM). Requests read before EOF are still answered.
func serveStdio(ctx context.Context, a *app, stdin io.Reader, stdout io.Writer) error {
	t := &requestTracker{}
	s := server.NewStdioServer(a.server)
	s.SetErrorLogger(slog.NewLogLogger(a.log.Handler(), slog.LevelError))
	opts := []server.StdioOption{server.WithWorkerPoolSize(64), server.WithQueueSize(1024)}
	for _, o := range opts {
		o(s)
	}
	a.warnIfNoCredential()
	a.log.Info("serving MCP over stdio", "version", buildVersion(), "demo", a.cfg.demo, "credential", a.cfg.credential)
	err := s.Listen(ctx, &drainingReader{r: stdin, t: t, ctx: ctx}, &countingWriter{w: stdout, t: t})
	a.log.Debug("stdio server stopped", "lofty", a.lofty.Stats())
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// requestTracker remembers the ids of JSON-RPC requests read and not yet
// answered (or cancelled by the client).
type requestTracker struct {
	mu       sync.Mutex
	pending  map[string]struct{}
	answered chan struct{} // closed when pending becomes empty while waited on
}

func (t *requestTracker) start(id string) {
	t.mu.Lock()
	if t.pending == nil {
		t.pending = map[string]struct{}{}
	}
	t.pending[id] = struct{}{}
	t.mu.Unlock()
}

func (t *requestTracker) done(id string) {
	t.mu.Lock()
	delete(t.pending, id)
	if len(t.pending) == 0 && t.answered != nil {
		close(t.answered)
		t.answered = nil
	}
	t.mu.Unlock()
}

// wait returns when every request read has been answered, or on timeout/ctx.
func (t *requestTracker) wait(ctx context.Context, timeout time.Duration) {
	t.mu.Lock()
	if len(t.pending) == 0 {
		t.mu.Unlock()
		return
	}
	ch := make(chan struct{})
	t.answered = ch
	t.mu.Unlock()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-ch:
	case <-timer.C:
	case <-ctx.Done():
	}
}

// drainingReader counts requests (messages with an id and a method) and, at
// EOF, holds the EOF back until they are answered, so a client that writes a
// request and closes stdin still gets its answer.
type drainingReader struct {
	r   io.Reader
	t   *requestTracker
	ctx context.Context
	buf []byte // an incomplete trailing line

	eof     bool // the input has ended; EOF is held back until requests are answered
	newline bool // a newline is owed to end the last line
}

func (d *drainingReader) Read(p []byte) (int, error) {
	switch {
	case len(p) == 0:
		return 0, nil
	case d.newline:
		// End the last line (see below); EOF comes on the next Read.
		d.newline = false
		p[0] = '\n'
		return 1, nil
	case d.eof:
		d.t.wait(d.ctx, drainTimeout)
		return 0, io.EOF
	}
	n, err := d.r.Read(p)
	if n > 0 {
		d.buf = append(d.buf, p[:n]...)
		for {
			i := bytes.IndexByte(d.buf, '\n')
			if i < 0 {
				break
			}
			d.track(d.buf[:i])
			d.buf = d.buf[i+1:]
		}
		if len(d.buf) == 0 {
			d.buf = nil
		}
	}
	if !errors.Is(err, io.EOF) {
		return n, err
	}
	d.eof = true
	if len(bytes.TrimSpace(d.buf)) > 0 {
		// A last line without a newline: mcp-go drops a line that arrives
		// with EOF, so end it here, and answer it like any other.
		d.track(d.buf)
		if n < len(p) {
			p[n] = '\n'
			n++
		} else {
			d.newline = true
		}
	}
	d.buf = nil
	if n == 0 {
		d.t.wait(d.ctx, drainTimeout)
		return 0, io.EOF
	}
	return n, nil
}

// countingWriter counts responses (messages with an id and no method).
type countingWriter struct {
	w io.Writer
	t *requestTracker
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if id, ok := responseID(p); ok {
		c.t.done(id)
	}
	return n, err
}

// responsePrefix starts every message mcp-go writes (its field order).
var responsePrefix = []byte(`{"jsonrpc":"2.0","id":`)

// responseID returns the id of a JSON-RPC response. Responses can be large
// (a whole tool result), so the common shape — `{"jsonrpc":"2.0","id":ID,`
// then "result" or "error" — is read from its first bytes; anything else is
// decoded in full.
func responseID(p []byte) (string, bool) {
	if rest, ok := bytes.CutPrefix(p, responsePrefix); ok {
		end := -1
		if len(rest) > 0 && rest[0] == '"' {
			for i := 1; i < len(rest); i++ {
				if rest[i] == '\\' {
					i++
					continue
				}
				if rest[i] == '"' {
					end = i + 1
					break
				}
			}
		} else {
			end = bytes.IndexAny(rest, ",}")
		}
		if end > 0 {
			after := rest[end:]
			switch {
			case bytes.HasPrefix(after, []byte(`,"result"`)), bytes.HasPrefix(after, []byte(`,"error"`)):
				return string(rest[:end]), true
			case bytes.HasPrefix(after, []byte(`,"method"`)):
				return "", false
			}
		}
	}
	var e envelope
	if json.Unmarshal(p, &e) == nil && e.Method == "" && len(e.ID) > 0 {
		return string(e.ID), true
	}
	return "", false
}

type envelope struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params struct {
		RequestID json.RawMessage `json:"requestId"`
	} `json:"params"`
}

// track notes a request read from the client, or a cancellation of one.
func (d *drainingReader) track(line []byte) {
	var e envelope
	if len(bytes.TrimSpace(line)) == 0 || json.Unmarshal(line, &e) != nil || e.Method == "" {
		return
	}
	switch {
	case len(e.ID) > 0 && string(e.ID) != "null":
		if key, ok := rpcid.Key(e.ID); ok {
			d.t.start(key)
		}
	case e.Method == "notifications/cancelled" && len(e.Params.RequestID) > 0:
		if key, ok := rpcid.Key(e.Params.RequestID); ok {
			d.t.done(key)
		}
	}
}
