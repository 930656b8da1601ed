package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// bodyReads follows the request bodies: those being read, so that shutdown
// can stop waiting for them; and the bytes of those held in memory (read or
// being read, and not yet answered), bounded by max (--max-inflight-bytes).
// A body is read whole before anything else looks at it and stays in
// memory, copied a few times over by the JSON-RPC layer and mcp-go, until
// its call is answered: with Lofty hanging, 200 calls of 1 MB took over
// 1 GB. A count of requests alone would not bound that; bytes do.
type bodyReads struct {
	max  int64
	used atomic.Int64

	mu       sync.Mutex
	readers  map[*http.ResponseController]struct{}
	stopping bool
}

// minBodyCharge is the least a request counts against --max-inflight-bytes,
// whatever its body: a call in flight costs memory of its own.
const minBodyCharge = 4 << 10

// take reserves n bytes; false when they do not fit.
func (b *bodyReads) take(n int64) bool {
	for {
		used := b.used.Load()
		if used+n > b.max {
			return false
		}
		if b.used.CompareAndSwap(used, used+n) {
			return true
		}
	}
}

func (b *bodyReads) give(n int64) { b.used.Add(-n) }

// inFlight is the number of bytes reserved.
func (b *bodyReads) inFlight() int64 { return b.used.Load() }

func (b *bodyReads) add(rc *http.ResponseController) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopping {
		return false
	}
	if b.readers == nil {
		b.readers = map[*http.ResponseController]struct{}{}
	}
	b.readers[rc] = struct{}{}
	return true
}

func (b *bodyReads) remove(rc *http.ResponseController) {
	b.mu.Lock()
	delete(b.readers, rc)
	b.mu.Unlock()
}

// stopAll makes every body read in progress, and every later one, fail at
// once: at shutdown nobody waits for a client that sends slowly.
func (b *bodyReads) stopAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopping = true
	for rc := range b.readers {
		_ = rc.SetReadDeadline(time.Now())
	}
}

// bodyHold is the bytes one request holds against --max-inflight-bytes,
// given back once (release) when the request is answered; a legacy SSE
// request, answered on its stream later, hands its hold over to its call
// (see sseRPC).
type bodyHold struct {
	reads      *bodyReads
	n          int64
	handedOver bool // only the request's own goroutine sets it
	once       sync.Once
}

// grow reserves more bytes, for a body longer than first thought.
func (h *bodyHold) grow(n int64) bool {
	if !h.reads.take(n) {
		return false
	}
	h.n += n
	return true
}

func (h *bodyHold) release() { h.once.Do(func() { h.reads.give(h.n) }) }

// errBusy: a body of unknown length went beyond --max-inflight-bytes.
var errBusy = errors.New("request bodies in flight reached --max-inflight-bytes")

// countedBody reserves a body's bytes as they arrive: a length declared
// and not sent (a client that trickles its body, or never sends it) holds
// no more than what came.
type countedBody struct {
	r    io.ReadCloser
	size int64 // declared length, or -1
	hold *bodyHold
	read int64
}

// countStep is how much more is reserved at a time for a body arriving.
const countStep = 32 << 10

func (c *countedBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	if need := c.read - c.hold.n; need > 0 {
		step := int64(countStep)
		if c.size >= 0 {
			step = min(step, c.size-c.hold.n) // never more than declared
		}
		if !c.hold.grow(max(need, step)) {
			return n, errBusy
		}
	}
	return n, err
}

func (c *countedBody) Close() error { return c.r.Close() }

// readBody reads r to its end into a buffer grown as bytes arrive, never
// beyond size when size (a declared length, which net/http holds the body
// to) is known, so that neither a length declared and not sent nor a
// buffer grown by doubling costs more than the body.
func readBody(r io.Reader, size int64) ([]byte, error) {
	if size < 0 {
		return io.ReadAll(r)
	}
	buf := make([]byte, 0, min(size, 64<<10))
	for int64(len(buf)) < size {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, int(min(int64(len(buf)), size-int64(len(buf)))))
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case errors.Is(err, io.EOF) && int64(len(buf)) < size:
			return nil, io.ErrUnexpectedEOF
		case err != nil && !errors.Is(err, io.EOF):
			return nil, err
		}
	}
	return buf, nil
}

// bodyLimit reads a POST body whole before anything else looks at it: at
// most limit bytes (413 beyond), within readTimeout of starting, end to end
// (408 beyond), and within what --max-inflight-bytes leaves (503 beyond: at
// once when the declared length does not fit what is left, otherwise when
// the bytes arriving do not). It then hands the body on as the request
// body, and holds its bytes until the request is answered. Any failure
// answers and closes the connection without reading further.
func bodyLimit(limit int64, readTimeout time.Duration, reads *bodyReads) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				next.ServeHTTP(w, r)
				return
			}
			tooLarge := fmt.Sprintf("the request body is larger than %d bytes (--max-body-bytes)", limit)
			if r.ContentLength > limit {
				refuse(w, r, http.StatusRequestEntityTooLarge, "request_too_large", tooLarge)
				return
			}
			busy := func() string {
				return fmt.Sprintf("request bodies in flight already take %d of the %d bytes allowed (--max-inflight-bytes)", reads.inFlight(), reads.max)
			}
			hold := &bodyHold{reads: reads}
			if r.ContentLength > reads.max-reads.inFlight() || !hold.grow(minBodyCharge) {
				refuseBusy(w, r, busy())
				return
			}
			defer func() {
				if !hold.handedOver {
					hold.release()
				}
			}()
			rc := http.NewResponseController(w)
			if !reads.add(rc) {
				refuse(w, r, http.StatusServiceUnavailable, "shutting_down", "the server is shutting down")
				return
			}
			_ = rc.SetReadDeadline(time.Now().Add(readTimeout))
			body, err := readBody(http.MaxBytesReader(w, &countedBody{r: r.Body, size: r.ContentLength, hold: hold}, limit), r.ContentLength)
			reads.remove(rc)
			var maxErr *http.MaxBytesError
			switch {
			case errors.As(err, &maxErr):
				refuse(w, r, http.StatusRequestEntityTooLarge, "request_too_large", tooLarge)
				return
			case errors.Is(err, errBusy):
				refuseBusy(w, r, busy())
				return
			case errors.Is(err, os.ErrDeadlineExceeded):
				refuse(w, r, http.StatusRequestTimeout, "request_timeout",
					fmt.Sprintf("the request body did not arrive within %s (--read-timeout), or the server is shutting down", readTimeout))
				return
			case err != nil:
				refuse(w, r, http.StatusBadRequest, "bad_request", "could not read the request body")
				return
			}
			_ = rc.SetReadDeadline(time.Time{})
			ri := infoOf(r)
			ri.bodyRead, ri.body, ri.hold = true, body, hold
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			next.ServeHTTP(w, r)
		})
	}
}

// streamGate caps concurrent long-lived streams (GET /sse, GET /mcp,
// subscriptions/listen) and lets shutdown end them.
type streamGate struct {
	max     int64
	n       atomic.Int64
	closing atomic.Bool
	mu      sync.Mutex
	cancels map[*context.CancelFunc]struct{}
}

// isStream reports whether r opens a long-lived stream.
func isStream(r *http.Request) bool {
	if r.Method == http.MethodGet {
		return r.URL.Path == "/sse" || r.URL.Path == "/mcp"
	}
	msg := envelopeOf(r)
	return r.URL.Path == "/mcp" && msg != nil && msg.Method == "subscriptions/listen"
}

// streams admits a stream if fewer than the cap are open (503 otherwise),
// and ends it at shutdown.
func (g *streamGate) streams(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isStream(r) {
			next.ServeHTTP(w, r)
			return
		}
		if g.closing.Load() {
			refuse(w, r, http.StatusServiceUnavailable, "shutting_down", "the server is shutting down")
			return
		}
		if g.n.Add(1) > g.max {
			g.n.Add(-1)
			w.Header().Set("Retry-After", "5")
			refuse(w, r, http.StatusServiceUnavailable, "too_many_streams",
				fmt.Sprintf("this server already holds %d open streams (--max-streams); retry later", g.max))
			return
		}
		ctx, cancel := context.WithCancel(r.Context())
		key := &cancel
		g.mu.Lock()
		if g.cancels == nil {
			g.cancels = map[*context.CancelFunc]struct{}{}
		}
		g.cancels[key] = struct{}{}
		g.mu.Unlock()
		defer func() {
			g.mu.Lock()
			delete(g.cancels, key)
			g.mu.Unlock()
			cancel()
			g.n.Add(-1)
		}()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// closeAll refuses new streams and ends every open one.
func (g *streamGate) closeAll() {
	g.closing.Store(true)
	g.mu.Lock()
	defer g.mu.Unlock()
	for c := range g.cancels {
		(*c)()
	}
}

// open is the number of open streams.
func (g *streamGate) open() int64 { return g.n.Load() }
