package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// bodyReads follows the request bodies being read, so that shutdown can
// stop waiting for them.
type bodyReads struct {
	mu       sync.Mutex
	readers  map[*http.ResponseController]struct{}
	stopping bool
}

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

// bodyLimit reads a POST body whole before anything else looks at it: at
// most limit bytes (413 beyond) and within readTimeout of starting, end to
// end (408 beyond), then hands it on as the request body. Any failure
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
			rc := http.NewResponseController(w)
			if !reads.add(rc) {
				refuse(w, r, http.StatusServiceUnavailable, "shutting_down", "the server is shutting down")
				return
			}
			_ = rc.SetReadDeadline(time.Now().Add(readTimeout))
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
			reads.remove(rc)
			var maxErr *http.MaxBytesError
			switch {
			case errors.As(err, &maxErr):
				refuse(w, r, http.StatusRequestEntityTooLarge, "request_too_large", tooLarge)
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
			ri.bodyRead, ri.body = true, body
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
