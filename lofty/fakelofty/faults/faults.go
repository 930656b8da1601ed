// Package faults scripts Lofty's failures on a fake Lofty: a queue of
// answers (429s, 5xx, slow, hanging, trickling or cut bodies) served before
// the fake's own. It is test-only code: tests, benchmarks and the interop
// fake import it; the lofty-mcp binary (whose --demo serves the fake) does
// not.
package faults

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

// Fault injection. A test queues scripted answers with Fake.Script; each
// request that reaches the fake takes the next one, in order, before Hook
// and the seeded data are consulted. When the queue is empty the fake
// answers normally again.
//
//	fake.Script(faults.RetryAfter(1), faults.RetryAfter(1)) // 429, 429, then normal answers
//	fake.Script(faults.Repeat(4, faults.ServerError(503))...)
//	fake.Script(faults.Slow(3*time.Second, faults.Pass()))
//
// Answers that wait (Slow, Hang, Trickle) give up when the request's
// context ends and count it (Fake.Cancelled), so a test can check that a
// client really aborted its request. ResetMidBody needs a real connection
// (Fake.Start); a refused connection is RefusedURL.

// Answer is one scripted answer.
type Answer struct {
	name string
	// serve answers r, or returns a writer for the normal answer to go
	// through (answered false).
	serve func(f *Fake, w http.ResponseWriter, r *http.Request) (http.ResponseWriter, bool)
}

// String names the answer, for test names.
func (a Answer) String() string { return a.name }

// Fake is a fake Lofty with a queue of scripted answers: each request that
// reaches it takes the next one, in order, before the fake's Hook and its
// data are consulted; when the queue is empty it answers as the fake does.
type Fake struct {
	*fakelofty.Fake
	faults faultState
}

// faultState is the queue of scripted answers and what it observed.
type faultState struct {
	mu        sync.Mutex
	queue     []Answer
	cancelled int
}

// New returns a fake Lofty serving data (nil: the demo world) that takes
// scripted answers.
func New(data *fakelofty.Data) *Fake {
	return Wrap(fakelofty.New(data))
}

// Wrap makes inner take scripted answers (it sets inner.Intercept).
func Wrap(inner *fakelofty.Fake) *Fake {
	f := &Fake{Fake: inner}
	inner.Intercept = f.serveScripted
	return f
}

// Script queues answers for the next requests, after any already queued.
func (f *Fake) Script(answers ...Answer) {
	f.faults.mu.Lock()
	defer f.faults.mu.Unlock()
	f.faults.queue = append(f.faults.queue, answers...)
}

// Pending returns how many scripted answers are still queued.
func (f *Fake) Pending() int {
	f.faults.mu.Lock()
	defer f.faults.mu.Unlock()
	return len(f.faults.queue)
}

// Cancelled returns how many requests ended (their context cancelled: the
// client gave up or disconnected) while a waiting answer was still being
// given.
func (f *Fake) Cancelled() int {
	f.faults.mu.Lock()
	defer f.faults.mu.Unlock()
	return f.faults.cancelled
}

func (f *Fake) noteCancelled() {
	f.faults.mu.Lock()
	f.faults.cancelled++
	f.faults.mu.Unlock()
}

// serveScripted gives the next scripted answer, if any.
func (f *Fake) serveScripted(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, bool) {
	f.faults.mu.Lock()
	if len(f.faults.queue) == 0 {
		f.faults.mu.Unlock()
		return w, false
	}
	a := f.faults.queue[0]
	f.faults.queue = f.faults.queue[1:]
	f.faults.mu.Unlock()
	return a.serve(f, w, r)
}

// wait sleeps d, or returns false (and counts a cancellation) if r's
// context ends first.
func (f *Fake) wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		f.noteCancelled()
		return false
	}
}

// Repeat returns n copies of a, to script the same answer n times.
func Repeat(n int, a Answer) []Answer {
	out := make([]Answer, n)
	for i := range out {
		out[i] = a
	}
	return out
}

// Pass answers normally (seeded data, Hook), adding headers given as
// name, value pairs (e.g. RateLimitHeaders(...)).
func Pass(headers ...string) Answer {
	return Answer{name: "pass", serve: func(_ *Fake, w http.ResponseWriter, _ *http.Request) (http.ResponseWriter, bool) {
		setHeaders(w, headers)
		return w, false
	}}
}

// Status answers status with body and headers given as name, value pairs.
// The body is sent as JSON when it looks like JSON, else as plain text.
func Status(status int, body string, headers ...string) Answer {
	return Answer{name: fmt.Sprintf("status %d", status), serve: func(_ *Fake, w http.ResponseWriter, _ *http.Request) (http.ResponseWriter, bool) {
		ct := "text/plain; charset=utf-8"
		if t := strings.TrimSpace(body); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") || strings.HasPrefix(t, `"`) {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		setHeaders(w, headers)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
		return w, true
	}}
}

// TooManyRequests answers as Lofty does when a rate limit is reached: 429
// {"message":"Too Many Requests"}, with headers given as name, value pairs.
func TooManyRequests(headers ...string) Answer {
	a := Status(http.StatusTooManyRequests, `{"message":"Too Many Requests"}`, headers...)
	a.name = "429 " + strings.Join(headers, " ")
	return a
}

// RetryAfter is a 429 with Retry-After: secs.
func RetryAfter(secs int) Answer {
	return TooManyRequests("Retry-After", strconv.Itoa(secs))
}

// RateLimitHeaders returns Lofty's X-RateLimit-Limit, -Remaining and -Reset
// (epoch seconds) headers as name, value pairs for Pass, Status and
// TooManyRequests.
func RateLimitHeaders(limit, remaining int, reset time.Time) []string {
	return []string{
		"X-RateLimit-Limit", strconv.Itoa(limit),
		"X-RateLimit-Remaining", strconv.Itoa(remaining),
		"X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10),
	}
}

// ServerError answers status (500, 502, 503, 504…) with its status text as
// a plain-text body.
func ServerError(status int, headers ...string) Answer {
	a := Status(status, http.StatusText(status), headers...)
	a.name = fmt.Sprintf("%d %s", status, http.StatusText(status))
	return a
}

// HTMLErrorPage answers status with a proxy's HTML error page.
func HTMLErrorPage(status int) Answer {
	page := fmt.Sprintf("<!DOCTYPE html>\n<html><head><title>%[1]d %[2]s</title></head><body>"+
		"<center><h1>%[1]d %[2]s</h1></center><hr><center>nginx</center></body></html>", status, http.StatusText(status))
	return Answer{name: fmt.Sprintf("HTML page %d", status), serve: func(_ *Fake, w http.ResponseWriter, _ *http.Request) (http.ResponseWriter, bool) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(page))
		return w, true
	}}
}

// MalformedJSON answers 200 with a JSON body cut short.
func MalformedJSON() Answer {
	a := Status(http.StatusOK, `{"id": 12345, "agentName": "John`)
	a.name = "malformed JSON"
	return a
}

// EmptyBody answers 200 application/json with no body at all.
func EmptyBody() Answer {
	return Answer{name: "empty body", serve: func(_ *Fake, w http.ResponseWriter, _ *http.Request) (http.ResponseWriter, bool) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return w, true
	}}
}

// Oversized answers 200 with a valid JSON object of about n bytes, streamed
// (it stops when the client stops reading).
func Oversized(n int) Answer {
	return Answer{name: fmt.Sprintf("oversized %d bytes", n), serve: func(_ *Fake, w http.ResponseWriter, _ *http.Request) (http.ResponseWriter, bool) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		if _, err := w.Write([]byte(`{"id":1,"agentName":"`)); err != nil {
			return w, true
		}
		chunk := []byte(strings.Repeat("x", 32<<10))
		for left := n; left > 0; left -= len(chunk) {
			if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
				return w, true
			}
		}
		_, _ = w.Write([]byte(`"}`))
		return w, true
	}}
}

// Slow waits d, then gives answer then (Pass() for the normal answer). If
// the request is cancelled first it counts a cancellation and stops.
func Slow(d time.Duration, then Answer) Answer {
	return Answer{name: fmt.Sprintf("slow %s then %s", d, then.name), serve: func(f *Fake, w http.ResponseWriter, r *http.Request) (http.ResponseWriter, bool) {
		if !f.wait(r, d) {
			return w, true
		}
		return then.serve(f, w, r)
	}}
}

// Hang never answers: it waits until the request is cancelled, and counts
// the cancellation.
func Hang() Answer {
	return Answer{name: "hang", serve: func(f *Fake, w http.ResponseWriter, r *http.Request) (http.ResponseWriter, bool) {
		<-r.Context().Done()
		f.noteCancelled()
		return w, true
	}}
}

// Trickle gives the normal answer, but its body only chunk bytes at a time,
// one chunk every interval. If the request is cancelled meanwhile it counts a
// cancellation and stops.
func Trickle(chunk int, every time.Duration) Answer {
	return Answer{name: fmt.Sprintf("trickle %dB/%s", chunk, every), serve: func(f *Fake, w http.ResponseWriter, r *http.Request) (http.ResponseWriter, bool) {
		return &trickleWriter{ResponseWriter: w, f: f, r: r, chunk: max(chunk, 1), every: every}, false
	}}
}

type trickleWriter struct {
	http.ResponseWriter
	f      *Fake
	r      *http.Request
	chunk  int
	every  time.Duration
	failed bool
}

func (t *trickleWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		if t.failed {
			return written, http.ErrAbortHandler
		}
		n := min(t.chunk, len(p))
		m, err := t.ResponseWriter.Write(p[:n])
		written += m
		if err != nil {
			return written, err
		}
		if fl, ok := t.ResponseWriter.(http.Flusher); ok {
			fl.Flush()
		}
		p = p[n:]
		if !t.f.wait(t.r, t.every) {
			t.failed = true
		}
	}
	return written, nil
}

// ResetMidBody answers 200 with a Content-Length for a whole sales agent,
// sends half of it, and resets the connection (TCP RST). It needs a real
// connection (Fake.Start); through Fake.Client the half body simply ends.
func ResetMidBody() Answer {
	return Answer{name: "reset mid-body", serve: func(f *Fake, w http.ResponseWriter, r *http.Request) (http.ResponseWriter, bool) {
		body := `{"id":12345,"userId":67890,"agentName":"John Doe","assistantName":"John's AI Assistant","status":"ACTIVE"}`
		half := body[:len(body)/2]
		hj, ok := w.(http.Hijacker)
		if !ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(half))
			return w, true
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			return w, true
		}
		writeRaw(buf, len(body), half)
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close with RST, not FIN
		}
		_ = conn.Close()
		return w, true
	}}
}

func writeRaw(buf *bufio.ReadWriter, length int, half string) {
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", length, half)
	_ = buf.Flush()
}

// RefusedURL returns the base URL of a loopback address nothing listens on
// (a listener opened and closed): connecting to it is refused.
func RefusedURL() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return "", err
	}
	return "http://" + addr, nil
}

func setHeaders(w http.ResponseWriter, headers []string) {
	for i := 0; i+1 < len(headers); i += 2 {
		w.Header().Set(headers[i], headers[i+1])
	}
}
