package transport

// MCP over stdin/stdout.
//
// lofty-mcp serves stdio itself, on mcp-go's MCPServer.HandleMessage, instead
// of through mcp-go's server.StdioServer (v1.2.1, server/stdio.go), which:
//
//   - drops a last message that arrives without a newline together with EOF
//     (processInputStream returns at io.EOF before handling the line
//     ReadString returned with it);
//   - at EOF, cancels every request still in flight (Listen cancels the
//     context its handlers run under as soon as input processing ends), so a
//     client that writes its requests and closes stdin gets no answers, or a
//     cancelled call's error text as if Lofty had failed;
//   - decodes request ids into Go values and writes them back re-encoded
//     (9007199254740993 through float64 as 9007199254740992, 1.0 as 1,
//     invalid UTF-8 replaced), and keys its table of requests in flight, and
//     the notifications/cancelled lookup, by fmt's %v of the id, so "1"
//     cancels 1 and two requests with the same id overwrite each other
//     (the id type question is upstream issue
//     https://github.com/mark3labs/mcp-go/issues/154, draft PR
//     https://github.com/mark3labs/mcp-go/pull/291);
//   - queues tool calls for a fixed pool of workers and, when that queue is
//     full, logs "Tool call queue full, processing synchronously" at ERROR
//     for valid pipelined load (the queue came with
//     https://github.com/mark3labs/mcp-go/pull/529);
//   - reads a line with bufio.Reader.ReadString, unbounded.
//
// No upstream issue was found for the first two (EOF) behaviours; the
// lines cited are those of v1.2.1.
//
// Here: lines are read in linear time and capped (MaxMessageBytes; a larger
// one is answered with an error and the stream goes on); each request gets a
// fresh internal id from the shared jsonrpc.Tracker and its answer carries
// the client's id byte for byte; notifications/cancelled is matched by the
// exact id text; at most MaxInFlight requests run at once, and beyond that
// reading waits (back-pressure) while later responses and notifications are
// still read, up to a bounded look-ahead; at EOF the requests already read
// are answered (for up to DrainTimeout) before ServeStdio returns. Once
// stdin has ended or a signal came, a write to stdout that makes no
// progress for OutputStallTimeout (a client that stopped reading) is
// abandoned, with every answer after it, so that nothing keeps the process
// from ending.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/jsonrpc"
)

// Defaults for StdioConfig's zero values.
const (
	DefaultMaxMessageBytes    = 4 << 20
	DefaultMaxInFlight        = 64
	DefaultDrainTimeout       = 10 * time.Second
	DefaultOutputStallTimeout = 3 * time.Second
)

// StdioConfig configures ServeStdio. Zero values take the defaults.
type StdioConfig struct {
	// MaxMessageBytes caps one message (one line); a larger one is answered
	// with a JSON-RPC error and skipped.
	MaxMessageBytes int
	// MaxInFlight caps the requests served at once; beyond it, requests
	// wait to be started, in order.
	MaxInFlight int
	// DrainTimeout bounds how long, after stdin ends, answers to requests
	// already read may take; those still running are then cancelled.
	DrainTimeout time.Duration
	// OutputStallTimeout: once stdin has ended or ctx is cancelled, a write
	// to stdout blocked this long (the client stopped reading) is
	// abandoned, and so is every write after it.
	OutputStallTimeout time.Duration
	Logger             *slog.Logger
}

func (c *StdioConfig) setDefaults() {
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	if c.DrainTimeout <= 0 {
		c.DrainTimeout = DefaultDrainTimeout
	}
	if c.OutputStallTimeout <= 0 {
		c.OutputStallTimeout = DefaultOutputStallTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// stdioScope is the tracker scope of the one stdio client.
const stdioScope = "stdio"

// Look-ahead bounds: while every request slot is taken, up to this many
// requests (and twice MaxMessageBytes of them) are read ahead and held, so
// that responses and cancellations behind them still arrive.
const maxLookahead = 1024

// ServeStdio serves mcpServer over in and out (newline-delimited JSON-RPC)
// until in ends or ctx is cancelled. At the end of in, requests already read
// are answered (within cfg.DrainTimeout); when ctx is cancelled, requests
// in flight are cancelled and answered as such. It returns nil on either,
// or the error that stopped reading.
func ServeStdio(ctx context.Context, mcpServer *server.MCPServer, in io.Reader, out io.Writer, cfg StdioConfig) error {
	cfg.setDefaults()
	c := &stdioConn{
		srv:      mcpServer,
		cfg:      cfg,
		log:      cfg.Logger,
		out:      newLineWriter(out, cfg.Logger),
		tracker:  jsonrpc.NewTracker(),
		slots:    make(chan struct{}, cfg.MaxInFlight),
		stopping: make(chan struct{}),
	}
	// From a signal or the end of stdin on, a client that does not read
	// stdout cannot hold the server: see lineWriter.watch.
	go c.out.watch(c.stopping, cfg.OutputStallTimeout)
	stopWatching := context.AfterFunc(ctx, c.stop)
	defer stopWatching()
	c.session = newStdioSession(c.out)
	// Requests run under a context of their own, cancelled only through
	// the tracker, so that a request the server stops is known to be
	// stopped (and answered as such) before its handler sees the
	// cancellation.
	base, stopAll := context.WithCancel(context.WithoutCancel(ctx))
	defer stopAll()
	if err := mcpServer.RegisterSession(base, c.session); err != nil {
		c.out.flush() // and its goroutines stop
		return fmt.Errorf("register the stdio session: %w", err)
	}
	defer mcpServer.UnregisterSession(base, c.session.SessionID())
	c.base = mcpServer.WithContext(base, c.session)

	notifDone := make(chan struct{})
	stopNotif := make(chan struct{})
	c.notifDone = notifDone
	go func() {
		defer close(notifDone)
		c.forwardNotifications(stopNotif)
	}()

	lines := make(chan stdioLine)
	stopRead := make(chan struct{})
	go readLines(in, cfg.MaxMessageBytes, lines, stopRead)
	err := c.dispatch(ctx, lines)
	close(stopRead)

	c.stop()
	c.finish(ctx)
	close(stopNotif)
	<-notifDone
	c.session.close()
	c.out.flush()
	return err
}

type stdioConn struct {
	srv     *server.MCPServer
	cfg     StdioConfig
	log     *slog.Logger
	out     *lineWriter
	tracker *jsonrpc.Tracker
	session *stdioSession
	base    context.Context
	slots   chan struct{}
	wg      sync.WaitGroup
	reason  atomic.Pointer[string] // why requests were cut short
	// notifDone is closed when the notification forwarder has stopped.
	notifDone <-chan struct{}
	// stopping is closed once stdin has ended or ctx is cancelled.
	stopping chan struct{}
	stopOnce sync.Once
}

// stop marks the end of serving: stdin ended, or a signal came.
func (c *stdioConn) stop() { c.stopOnce.Do(func() { close(c.stopping) }) }

// pendingRequest is a request read and not yet started.
type pendingRequest struct {
	msg  jsonrpc.Message
	size int
}

// pendingQueue holds the requests read and not yet started, in order, and
// knows their ids: a request waiting for a slot is in flight too.
type pendingQueue struct {
	list  []pendingRequest
	bytes int
	ids   map[string]int
}

func (q *pendingQueue) len() int { return len(q.list) }

func (q *pendingQueue) has(id []byte) bool { return q.ids[string(id)] > 0 }

func (q *pendingQueue) push(m jsonrpc.Message, size int) {
	if q.ids == nil {
		q.ids = map[string]int{}
	}
	q.list = append(q.list, pendingRequest{msg: m, size: size})
	q.bytes += size
	q.ids[string(m.ID)]++
}

func (q *pendingQueue) pop() jsonrpc.Message {
	p := q.list[0]
	q.list[0] = pendingRequest{}
	q.list = q.list[1:]
	q.forget(p)
	return p.msg
}

// drop removes the requests with exactly this id (the client cancelled
// them before they started).
func (q *pendingQueue) drop(id []byte) {
	kept := q.list[:0]
	for _, p := range q.list {
		if bytes.Equal(p.msg.ID, id) {
			q.forget(p)
			continue
		}
		kept = append(kept, p)
	}
	clear(q.list[len(kept):])
	q.list = kept
}

func (q *pendingQueue) forget(p pendingRequest) {
	q.bytes -= p.size
	if q.ids[string(p.msg.ID)]--; q.ids[string(p.msg.ID)] <= 0 {
		delete(q.ids, string(p.msg.ID))
	}
}

// dispatch reads lines and serves them until the input ends or ctx is
// cancelled. It never waits on stdout itself: the errors it answers (an
// invalid line, an id in flight) are queued, within the look-ahead bounds,
// and handed to the writer when it is ready, so that however slowly stdout
// is read, dispatch still sees a signal, and the end of stdin as long as
// what was sent before it fits the look-ahead (maxLookahead messages, twice
// MaxMessageBytes); beyond that it stops reading, as a client that does not
// read its answers must be made to wait.
func (c *stdioConn) dispatch(ctx context.Context, lines <-chan stdioLine) error {
	var pending pendingQueue
	var replies [][]byte
	repliesBytes := 0
	reply := func(b []byte) {
		replies = append(replies, b)
		repliesBytes += len(b)
	}
	writeReplies := func() {
		for _, r := range replies {
			c.out.write(r)
		}
		replies = nil
	}
	eof := false
	var readErr error
	lookaheadFull := func() bool {
		n := pending.len() + len(replies)
		return n >= maxLookahead || (n > 0 && pending.bytes+repliesBytes >= 2*c.cfg.MaxMessageBytes)
	}
	for {
		// Start waiting requests while slots are free.
		for pending.len() > 0 {
			select {
			case c.slots <- struct{}{}:
				c.start(pending.pop())
				continue
			default:
			}
			break
		}
		if eof && pending.len() == 0 {
			writeReplies()
			return readErr
		}
		var in <-chan stdioLine
		if !eof && !lookaheadFull() {
			in = lines
		}
		var slot chan struct{}
		if pending.len() > 0 {
			slot = c.slots
		}
		var out chan<- [][]byte
		var next [][]byte
		if len(replies) > 0 {
			out, next = c.out.lines, [][]byte{replies[0]}
		}
		select {
		case <-ctx.Done():
			writeReplies()
			for _, p := range pending.list {
				c.out.write(jsonrpc.ErrorResponse(p.msg.ID, cancelled("the server is shutting down")))
			}
			return nil
		case out <- next:
			repliesBytes -= len(replies[0])
			replies[0] = nil
			replies = replies[1:]
		case slot <- struct{}{}:
			c.start(pending.pop())
		case l := <-in:
			switch {
			case l.err != nil:
				eof = true
				c.stop()
				if !errors.Is(l.err, io.EOF) {
					readErr = fmt.Errorf("reading stdin: %w", l.err)
				}
				continue
			case l.tooLarge:
				c.log.Warn("stdio message too large: answered with an error, skipped", "bytes", l.size, "max", c.cfg.MaxMessageBytes)
				reply(jsonrpc.ErrorResponse(jsonrpc.PeekID(l.b), tooLarge(c.cfg.MaxMessageBytes)))
				continue
			}
			m := jsonrpc.Parse(l.b)
			switch m.Kind {
			case jsonrpc.Invalid:
				c.log.Debug("stdio: invalid message", "error", m.Err.Message)
				reply(jsonrpc.ErrorResponse(m.ID, m.Err))
			case jsonrpc.Response:
				if !c.session.deliver(m) {
					c.log.Debug("stdio: a response to no request of ours; ignored", "id", string(m.ID))
				}
			case jsonrpc.Notification:
				if m.Method == jsonrpc.MethodCancelled {
					// Requests not yet started are dropped; those running
					// are cancelled and will get no answer.
					if id := m.CancelID; id != nil {
						pending.drop(bytes.TrimSpace(id))
						c.tracker.Cancel(stdioScope, id)
					}
					continue
				}
				c.handleNotification(m)
			case jsonrpc.Request:
				if pending.has(m.ID) || c.tracker.InFlight(stdioScope, m.ID) {
					c.log.Debug("stdio: a request id already in flight; refused", "method", m.Method)
					reply(jsonrpc.ErrorResponse(m.ID, jsonrpc.DuplicateID()))
					continue
				}
				if m.Method == string(mcp.MethodInitialize) && pending.len() == 0 {
					// Served in order: requests pipelined behind it find
					// the session initialized.
					c.serve(c.base, c.tracker.Start(stdioScope, &m, nil), m)
					continue
				}
				pending.push(m, len(l.b))
			}
		}
	}
}

// start serves a request on its own goroutine; the caller holds a slot.
func (c *stdioConn) start(m jsonrpc.Message) {
	ctx, cancel := context.WithCancel(jsonrpc.WithProgressToken(c.base, &m))
	call := c.tracker.Start(stdioScope, &m, cancel)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer func() { <-c.slots }()
		defer cancel()
		c.serve(ctx, call, m)
	}()
}

// serve handles one request and writes its answer.
func (c *stdioConn) serve(ctx context.Context, call *jsonrpc.Call, m jsonrpc.Message) {
	resp := c.handle(ctx, m.Rebuild(call.InternalID(), nil), call.InternalID())
	if m.Method == string(mcp.MethodSubscriptionsListen) || jsonrpc.ProgressToken(m.Params) != nil {
		// Its notifications (progress, a subscription's acknowledgement)
		// go out before its answer.
		c.flushNotifications()
	}
	var answer []byte
	if resp != nil {
		answer = jsonrpc.RestoreSubscriptionIDs(resp, c.tracker)
	}
	_, state, _ := c.tracker.Finish(call.Internal)
	switch state {
	case jsonrpc.CancelledByClient:
		return
	case jsonrpc.CutShort:
		reason := "the request was stopped"
		if r := c.reason.Load(); r != nil {
			reason = *r
		}
		c.out.write(jsonrpc.ErrorResponse(call.ID, cancelled(reason)))
		return
	}
	if start, end, ok := jsonrpc.ResponseID(answer); ok {
		c.out.write(answer[:start], call.ID, answer[end:])
		return
	}
	c.log.Error("stdio: mcp-go produced no response to a request", "method", call.Method)
	c.out.write(jsonrpc.ErrorResponse(call.ID, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "internal error: no response was produced"}))
}

// handle runs mcp-go on one message and returns its response encoded (nil
// for none). A panic becomes an internal error carrying id.
func (c *stdioConn) handle(ctx context.Context, msg []byte, id []byte) (out []byte) {
	defer func() {
		if r := recover(); r != nil {
			c.log.Error("stdio: panic while handling a message", "panic", fmt.Sprint(r))
			if id != nil {
				out = jsonrpc.ErrorResponse(id, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "internal error"})
			}
		}
	}()
	resp := c.srv.HandleMessage(ctx, msg)
	if resp == nil {
		return nil
	}
	b, err := json.Marshal(resp)
	if err != nil {
		c.log.Error("stdio: encoding a response", "error", err)
		if id == nil {
			return nil
		}
		return jsonrpc.ErrorResponse(id, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "internal error: the response could not be encoded"})
	}
	return b
}

// handleNotification passes a notification to mcp-go, in order.
func (c *stdioConn) handleNotification(m jsonrpc.Message) {
	if resp := c.handle(c.base, m.Rebuild(nil, nil), nil); resp != nil {
		// mcp-go answers a notification only when it cannot read it.
		c.log.Debug("stdio: mcp-go answered a notification", "method", m.Method)
	}
}

// finish waits for the requests in flight after reading stopped.
func (c *stdioConn) finish(ctx context.Context) {
	if ctx.Err() == nil && c.tracker.Len() > 0 {
		timer := time.NewTimer(c.cfg.DrainTimeout)
		waitCtx, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-timer.C:
			case <-waitCtx.Done():
			}
			cancel()
		}()
		err := c.tracker.Wait(waitCtx)
		cancel()
		timer.Stop()
		if err == nil {
			c.wg.Wait()
			return
		}
	}
	reason := "the server is shutting down"
	if ctx.Err() == nil {
		reason = fmt.Sprintf("stdin was closed and the request did not finish within %s", c.cfg.DrainTimeout)
	}
	c.reason.Store(&reason)
	if n := c.tracker.CutShort(stdioScope); n > 0 {
		c.log.Warn("stdio: cancelling requests still in flight", "requests", n, "reason", reason)
	}
	// Handlers see their context cancelled and return promptly; one that
	// ignores it is not waited for beyond a bound.
	done := make(chan struct{})
	go func() { c.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		c.log.Warn("stdio: some request handlers did not return after being cancelled")
	}
}

// barrierMethod marks a notification that is never written: the forwarder
// closes its channel, telling flushNotifications that every notification
// queued before it has been written.
const barrierMethod = "lofty-mcp/internal/barrier"

// flushNotifications returns once the notifications queued so far have been
// written (or the forwarder has stopped). mcp-go queues a request's
// notifications (notifications/progress) on the session and the forwarder
// writes them on its own goroutine, so without this an answer written as
// soon as its handler returns could overtake them.
func (c *stdioConn) flushNotifications() {
	done := make(chan struct{})
	barrier := mcp.JSONRPCNotification{Notification: mcp.Notification{Method: barrierMethod,
		Params: mcp.NotificationParams{AdditionalFields: map[string]any{"done": done}}}}
	select {
	case c.session.notifications <- barrier:
	case <-c.notifDone:
		return
	}
	select {
	case <-done:
	case <-c.notifDone:
	}
}

// forwardNotifications writes mcp-go's notifications to the client until stop.
func (c *stdioConn) forwardNotifications(stop <-chan struct{}) {
	write := func(n mcp.JSONRPCNotification) {
		if n.Method == barrierMethod {
			if done, ok := n.Params.AdditionalFields["done"].(chan struct{}); ok {
				close(done)
			}
			return
		}
		b, err := json.Marshal(n)
		if err != nil {
			c.log.Error("stdio: encoding a notification", "error", err)
			return
		}
		c.out.write(jsonrpc.RestoreSubscriptionIDs(b, c.tracker))
	}
	for {
		select {
		case n := <-c.session.notifications:
			write(n)
		case <-stop:
			for {
				select {
				case n := <-c.session.notifications:
					write(n)
				default:
					return
				}
			}
		}
	}
}

func cancelled(reason string) *jsonrpc.Error {
	return &jsonrpc.Error{Code: jsonrpc.CodeRequestCancelled, Message: "request cancelled: " + reason}
}

func tooLarge(max int) *jsonrpc.Error {
	return &jsonrpc.Error{Code: jsonrpc.CodeInvalidRequest, Message: "message too large: one message may be at most " +
		strconv.Itoa(max) + " bytes (--max-message-bytes); it was skipped"}
}

// lineWriter writes one message per line to stdout, in the order write is
// called, from a goroutine of its own: a client that stops reading blocks
// that goroutine, and the callers only wait their turn (back-pressure), in a
// way they can be released from. Once serving is stopping (watch), a write
// blocked for the stall timeout is abandoned: the goroutine stuck in it is
// left behind, and every write from then on returns at once, dropped.
type lineWriter struct {
	w   io.Writer
	log *slog.Logger

	lines     chan [][]byte // to the writing goroutine; nil parts: flush and stop
	done      chan struct{} // closed when the writing goroutine has stopped
	abandoned chan struct{} // closed when the output is abandoned
	abandon   sync.Once
	dropped   atomic.Int64 // lines not written since the output was abandoned

	writing atomic.Int64 // when the chunk being written started (Unix ns); 0: none

	// The writing goroutine's own.
	buf    []byte
	failed bool
}

// writeChunk is how much is written at a time, so that a slow reader is
// seen making progress.
const writeChunk = 64 << 10

func newLineWriter(w io.Writer, log *slog.Logger) *lineWriter {
	l := &lineWriter{w: w, log: log, lines: make(chan [][]byte), done: make(chan struct{}), abandoned: make(chan struct{})}
	go l.run()
	return l
}

// write writes the concatenation of parts as one line. It takes parts over:
// the caller must not change them afterwards.
func (l *lineWriter) write(parts ...[]byte) {
	if parts == nil {
		parts = [][]byte{}
	}
	select {
	case l.lines <- parts:
	case <-l.abandoned:
		l.dropped.Add(1)
	case <-l.done:
	}
}

// flush returns once every line handed over so far is written, or the
// output is abandoned; later writes are dropped.
func (l *lineWriter) flush() {
	select {
	case l.lines <- nil:
	case <-l.abandoned:
	case <-l.done:
	}
	select {
	case <-l.done:
	case <-l.abandoned:
	}
	if n := l.dropped.Load(); n > 0 {
		l.log.Warn("stdio: answers not written because stdout is not being read", "dropped", n)
	}
}

func (l *lineWriter) run() {
	defer close(l.done)
	for parts := range l.lines {
		if parts == nil {
			return
		}
		if l.failed {
			continue
		}
		l.buf = l.buf[:0]
		for _, p := range parts {
			l.buf = append(l.buf, p...)
		}
		l.buf = append(l.buf, '\n')
		for b := l.buf; len(b) > 0; {
			n := min(len(b), writeChunk)
			l.writing.Store(time.Now().UnixNano())
			_, err := l.w.Write(b[:n])
			l.writing.Store(0)
			if err != nil {
				l.failed = true
				l.log.Warn("stdio: writing to stdout failed; answers can no longer be delivered", "error", err)
				break
			}
			b = b[n:]
		}
		if cap(l.buf) > 1<<20 {
			l.buf = nil // do not keep a large answer's buffer
		}
	}
}

// watch abandons the output when, once stopping is closed, a write has
// made no progress for stall; it returns when the writing goroutine stops.
func (l *lineWriter) watch(stopping <-chan struct{}, stall time.Duration) {
	select {
	case <-stopping:
	case <-l.done:
		return
	}
	tick := time.NewTicker(min(stall/4, 250*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-l.done:
			return
		case <-tick.C:
		}
		if since := l.writing.Load(); since != 0 && time.Since(time.Unix(0, since)) >= stall {
			l.abandon.Do(func() {
				close(l.abandoned)
				l.log.Warn("stdio: stdout is not being read (a write made no progress for "+stall.String()+
					" while stopping): abandoning the answers still to write", "stall", stall)
			})
			return
		}
	}
}

// stdioLine is one line read from stdin (without its newline), or the end.
type stdioLine struct {
	b        []byte
	tooLarge bool  // longer than the cap: b holds its beginning only
	size     int   // bytes of a line too large, as far as read
	err      error // io.EOF or a read error: no more lines
}

// peekBytes is how much of a line too large is kept to find its id.
const peekBytes = 4096

// readLines reads newline-delimited lines from r and sends them, then the
// end, on lines. Its work is linear in the input: a line longer than max is
// not kept (only its beginning, for its id). A last line without a newline
// is a line. It stops when stop is closed.
func readLines(r io.Reader, max int, lines chan<- stdioLine, stop <-chan struct{}) {
	br := bufio.NewReaderSize(r, 16<<10)
	send := func(l stdioLine) bool {
		select {
		case lines <- l:
			return true
		case <-stop:
			return false
		}
	}
	var acc []byte
	size := 0
	tooBig := false
	for {
		chunk, err := br.ReadSlice('\n')
		size += len(chunk)
		lineLen := size
		if err == nil {
			lineLen-- // the newline
		}
		if !tooBig {
			if lineLen > max {
				tooBig = true
				if len(acc) < peekBytes {
					acc = append(acc, chunk[:min(len(chunk), peekBytes-len(acc))]...)
				}
			} else if err == nil && acc == nil {
				acc = bytes.Clone(chunk)
			} else {
				acc = append(acc, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if size > 0 {
			var l stdioLine
			if tooBig {
				l = stdioLine{b: acc, tooLarge: true, size: size}
			} else {
				l = stdioLine{b: bytes.TrimSuffix(acc, []byte("\n"))}
			}
			if len(bytes.TrimSpace(l.b)) > 0 || l.tooLarge {
				if !send(l) {
					return
				}
			}
		}
		acc, size, tooBig = nil, 0, false
		if err != nil {
			send(stdioLine{err: err})
			return
		}
	}
}
