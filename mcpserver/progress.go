package mcpserver

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/jsonrpc"
	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Progress: a tools/call that carries _meta.progressToken is told, with
// notifications/progress, what it is waiting for. The lofty client reports
// every wait and retry (its rate limit, Retry-After, backoff, a free
// connection) and tools report their own steps (find_leads' pages) through
// lofty.ReportProgress; each report becomes one notification to the client
// that made the call, with the call's token, a progress count that rises by
// one each time, and the sentence as its message. A call without a token
// sends none. Reports stop when the handler returns, so that none follows
// the result.
//
// mcp-go (v1.2.1) queues a notification on the calling client's session
// (SendNotificationToClient: never blocking; dropped if the queue of 100 is
// full) and each transport forwards it on a goroutine of its own:
//
//   - stdio (transport/stdio.go, ours): written to stdout by a forwarder;
//     a call with a token has its queue flushed before its answer is written;
//   - Streamable HTTP: written as an event of the call's POST response,
//     which then becomes an event stream; the answer is written after
//     whatever is queued, and a notification still being forwarded then is
//     dropped, never sent after it. On 2026-07-28 each request has a session
//     of its own; on 2025-11-25 the requests of one session share its queue
//     (with its GET stream), so a notification may travel on another open
//     stream of the same session;
//   - legacy SSE: put on the session's one event stream, where the answer
//     goes too, by separate goroutines.
//
// So a call that reported progress waits, before it answers, until its
// notifications are written. On a request with a stream of its own (the
// stateless 2026-07-28 protocol over Streamable HTTP), the transport counts
// them as it writes them (jsonrpc.WithProgressWritten), and the call waits
// for exactly that count (awaitWritten): deterministic. Where notifications
// share a session's queue with other streams (2025-11-25 sessions, legacy
// SSE), it waits until they have left the queue and a moment more
// (awaitForwarded): the last one is then neither dropped nor overtaken,
// short of a forwarder stalled for longer than that moment.
//
// The client's token is passed back exactly as it sent it: the transports
// keep its JSON text (internal/jsonrpc.WithProgressToken), since mcp-go
// reads a number through float64.

// progressReporter sends one call's progress notifications.
type progressReporter struct {
	srv   *server.MCPServer
	ctx   context.Context
	token any // json.RawMessage as the client sent it, or mcp-go's value

	mu     sync.Mutex
	count  int // reported
	queued int // of those, taken by mcp-go (not dropped)
	closed bool
}

// withProgress returns the context a call runs with: one whose Lofty waits,
// retries and steps are reported to the client when req asked for progress;
// and the function that ends the reporting, to call when the handler returns.
func withProgress(ctx context.Context, req mcp.CallToolRequest) (context.Context, func()) {
	token := progressToken(ctx, req.Params.Meta)
	if token == nil {
		return ctx, func() {}
	}
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return ctx, func() {}
	}
	p := &progressReporter{srv: srv, ctx: ctx, token: token}
	return lofty.WithProgress(ctx, p.report), p.close
}

// progressToken is the call's progress token: exactly as the client sent it
// when the transport kept it (mcp-go decodes numbers through float64), else
// as mcp-go read it; nil when the call asked for no progress.
func progressToken(ctx context.Context, meta *mcp.Meta) any {
	if meta == nil || meta.ProgressToken == nil {
		return nil
	}
	if raw := jsonrpc.ProgressTokenFrom(ctx); raw != nil {
		return json.RawMessage(raw)
	}
	switch meta.ProgressToken.(type) {
	case string, float64, int, int64, json.Number:
		return meta.ProgressToken
	}
	return nil // not a string or a number: no progress can be matched to it
}

// report sends msg as the next notifications/progress. It never blocks:
// mcp-go drops a notification its session cannot take at once.
func (p *progressReporter) report(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.count++
	err := p.srv.SendNotificationToClient(p.ctx, string(mcp.MethodNotificationProgress), map[string]any{
		"progressToken": p.token,
		"progress":      p.count,
		"message":       msg,
	})
	if err == nil {
		p.queued++
	}
}

// close ends the reporting: later reports are dropped. When the call
// reported anything, it waits for the notifications to be forwarded, so
// that the last one is not lost or overtaken (see awaitForwarded).
func (p *progressReporter) close() {
	p.mu.Lock()
	p.closed = true
	sent, queued := p.count > 0, p.queued
	p.mu.Unlock()
	if !sent {
		return
	}
	if written, ok := jsonrpc.ProgressWrittenFrom(p.ctx); ok {
		awaitWritten(p.ctx, written, queued)
		return
	}
	awaitForwarded(p.ctx)
}

// awaitWritten returns once the transport has written n progress
// notifications of the call (a request with a stream of its own:
// jsonrpc.WithProgressWritten), so that its answer, written after, follows
// them all. The bound only guards against a transport that stopped
// writing (a gone client); it is not what orders the stream.
func awaitWritten(ctx context.Context, written *jsonrpc.ProgressWritten, n int) {
	deadline := time.Now().Add(writtenWait)
	for written.Count() < n && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(100 * time.Microsecond)
	}
}

// Bounds of awaitForwarded and awaitWritten.
const (
	forwardWait  = 200 * time.Millisecond
	forwardGrace = 10 * time.Millisecond
	writtenWait  = 2 * time.Second
)

// awaitForwarded returns once the notifications queued on the session of
// ctx have been taken by its transport's forwarder, and a moment more for
// the forwarder to write them (at most forwardWait in all, plus
// forwardGrace). A handler calls it before returning when it queued
// notifications that must precede its answer: mcp-go's Streamable HTTP
// handler drops a notification its forwarder has taken but not written when
// the answer goes out, and over legacy SSE the answer can overtake it (stdio
// flushes its queue itself).
func awaitForwarded(ctx context.Context) {
	session := server.ClientSessionFromContext(ctx)
	if session == nil {
		return
	}
	queue := session.NotificationChannel()
	deadline := time.Now().Add(forwardWait)
	for len(queue) > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(forwardGrace)
}
