package transport

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// connLimit caps the connections open at once (--max-connections). Every
// connection costs memory before it has sent anything useful (a goroutine,
// buffers, the headers read so far): without a cap, 19,600 connections
// holding half-sent headers took the process from 20 to over 300 MB.
//
// Beyond the cap a new connection is not left waiting in the kernel's
// queue: it is answered 503 at once, before anything is read from it, with
// a JSON-RPC style body saying the server is busy, and closed. The answer is
// written by a bounded number of goroutines (maxRefusing); beyond those the
// connection is closed without one. Refusals are logged at most every
// refusalLogEvery, with their count.
type connLimit struct {
	max      int64
	n        atomic.Int64
	refusing chan struct{} // a token per refusal being written
	busy     []byte        // the whole HTTP answer of a refusal
	log      *slog.Logger

	refused atomic.Int64 // since the last log line
	logged  atomic.Int64 // when the last log line was written (Unix ns)
}

const (
	// maxRefusing bounds the refusals written at once.
	maxRefusing = 64
	// refuseLinger bounds how long a refused connection is kept to write
	// its answer and read what the client sent meanwhile: closing a socket
	// with unread data resets it, and the client could lose the answer.
	refuseLinger = 500 * time.Millisecond
	// refusalLogEvery spaces the log lines about refused connections.
	refusalLogEvery = 10 * time.Second
)

func newConnLimit(max int, log *slog.Logger) *connLimit {
	body := busyBody(fmt.Sprintf("it already holds %d connections (--max-connections)", max))
	busy := fmt.Appendf(nil, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"+
		"Retry-After: %s\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s", busyRetryAfter, len(body), body)
	return &connLimit{max: int64(max), refusing: make(chan struct{}, maxRefusing), busy: busy, log: log}
}

// open is the number of connections open.
func (l *connLimit) open() int64 { return l.n.Load() }

// listener applies the cap to ln.
func (l *connLimit) listener(ln net.Listener) net.Listener {
	return &limitedListener{Listener: ln, l: l}
}

type limitedListener struct {
	net.Listener
	l *connLimit
}

// Accept returns the next connection within the cap, refusing those beyond.
func (ll *limitedListener) Accept() (net.Conn, error) {
	l := ll.l
	for {
		c, err := ll.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.n.Add(1) <= l.max {
			return &limitedConn{Conn: c, l: l}, nil
		}
		l.n.Add(-1)
		l.refuse(c)
	}
}

// refuse answers c with the busy answer and closes it, off the accepting
// goroutine.
func (l *connLimit) refuse(c net.Conn) {
	l.noteRefusal()
	select {
	case l.refusing <- struct{}{}:
	default:
		_ = c.Close()
		return
	}
	go func() {
		defer func() { <-l.refusing }()
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(refuseLinger))
		if _, err := c.Write(l.busy); err != nil {
			return
		}
		if cw, ok := c.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(c, 64<<10))
	}()
}

func (l *connLimit) noteRefusal() {
	l.refused.Add(1)
	now, last := time.Now().UnixNano(), l.logged.Load()
	if now-last < int64(refusalLogEvery) || !l.logged.CompareAndSwap(last, now) {
		return
	}
	l.log.Warn("refusing connections: the server holds as many as --max-connections allows",
		"max_connections", l.max, "refused", l.refused.Swap(0))
}

// limitedConn gives its slot back when closed (once).
type limitedConn struct {
	net.Conn
	l    *connLimit
	once sync.Once
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.n.Add(-1) })
	return err
}

// CloseWrite keeps net/http's lingering close (it half-closes TCP
// connections before closing them).
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
