package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

var (
	halfConns = flag.Int("half", 19_600, "connections holding half-sent headers (conns)")
	halfPad   = flag.Int("half-pad", 1024, "bytes of header each half-sent request holds (conns)")
	posts     = flag.Int("posts", 200, "concurrent large tool calls while Lofty hangs (posts)")
	postBytes = flag.Int("post-bytes", 1_000_000, "size of each large tool call's body, in bytes (posts)")
	httpArgs  = flag.String("http-args", "", "extra arguments for the conns and posts servers, space-separated")
)

// ---- half-sent headers ----

// halfSentHeaders opens *halfConns connections that each send a request
// line and *halfPad bytes of header, and never end the headers; it reports
// the server's resident memory while they are held (all are opened well
// within the default 10 s --read-header-timeout) and what each connection
// got: a refusal, a closed connection, or nothing yet (still held).
func halfSentHeaders(bin string) error {
	srv, err := startHTTP(bin, nil, strings.Fields(*httpArgs)...)
	if err != nil {
		return err
	}
	defer srv.stop()
	time.Sleep(300 * time.Millisecond)
	before, err := rss(srv.cmd.Process.Pid)
	if err != nil {
		return err
	}
	head := "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Pad: " + strings.Repeat("x", *halfPad)

	conns := make([]net.Conn, *halfConns)
	var next atomic.Int64
	var failed atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(conns)) {
					return
				}
				c, err := net.DialTimeout("tcp", srv.addr, 5*time.Second)
				if err == nil {
					_, err = io.WriteString(c, head)
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					if c != nil {
						c.Close()
					}
					continue
				}
				conns[i] = c
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	time.Sleep(500 * time.Millisecond)
	held, err := rss(srv.cmd.Process.Pid)
	if err != nil {
		return err
	}
	hwm, _ := status(srv.cmd.Process.Pid, "VmHWM:")
	// Healthy while they are held?
	health := "no answer"
	if resp, err := (&http.Client{Timeout: 3 * time.Second}).Get(srv.base + "/healthz"); err == nil {
		health = resp.Status
		resp.Body.Close()
	}

	var refused, closed, open atomic.Int64
	next.Store(0)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 64)
			for {
				i := next.Add(1) - 1
				if i >= int64(len(conns)) {
					return
				}
				c := conns[i]
				if c == nil {
					continue
				}
				_ = c.SetReadDeadline(time.Now().Add(2 * time.Millisecond))
				n, err := io.ReadAtLeast(c, buf, 12)
				switch {
				case n >= 12 && bytes.HasPrefix(buf, []byte("HTTP/1.1 503")):
					refused.Add(1)
				case isTimeout(err):
					open.Add(1)
				default:
					closed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	fmt.Printf("half-sent headers: %d connections (%d B of header each) opened in %.1fs, %d failed to open%s\n",
		*halfConns, *halfPad, took.Seconds(), failed.Load(), firstError(&firstErr))
	fmt.Printf("  while held: RSS %.1f -> %.1f MB (growth %.1f MB), peak %.1f MB; /healthz: %s\n",
		mb(before), mb(held), mb(held)-mb(before), mb(hwm), health)
	fmt.Printf("  connections: %d still held, %d answered 503, %d closed\n", open.Load(), refused.Load(), closed.Load())
	return nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func firstError(v *atomic.Value) string {
	if s, ok := v.Load().(string); ok {
		return " (first: " + s + ")"
	}
	return ""
}

// ---- large POSTs while Lofty hangs ----

// largePosts starts the server against a "Lofty" that accepts connections
// and never answers, opens a session, and sends *posts tool calls of
// *postBytes each at once (get_sales_agent_by_lead, each for its own lead so
// that none is coalesced with another, padded with _meta). It
// reports the server's resident memory once every call has reached Lofty or
// been answered, and the statuses.
func largePosts(bin string) error {
	hang, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer hang.Close()
	var reached atomic.Int64
	var hung sync.WaitGroup
	stopHang := make(chan struct{})
	defer func() { close(stopHang); hang.Close(); hung.Wait() }()
	go func() {
		for {
			c, err := hang.Accept()
			if err != nil {
				return
			}
			hung.Add(1)
			go func() {
				defer hung.Done()
				defer c.Close()
				// Count each request line; never answer.
				br := bufio.NewReader(c)
				go func() { <-stopHang; c.Close() }()
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					if strings.HasPrefix(line, "GET ") || strings.HasPrefix(line, "POST ") {
						reached.Add(1)
					}
				}
			}()
		}
	}()
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"LOFTY_BASE_URL=http://" + hang.Addr().String(), "LOFTY_API_KEY=bench-key-not-a-secret",
		"LOFTY_MAX_CONCURRENCY=0", "LOFTY_RATE_LIMIT=0", "LOFTY_MAX_RETRIES=0", "LOFTY_CACHE_TTL=0",
		"LOFTY_TIMEOUT=120s", "LOFTY_CALL_TIMEOUT=120s",
	}
	srv, err := startHTTP(bin, env, strings.Fields(*httpArgs)...)
	if err != nil {
		return err
	}
	defer srv.stop()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *posts, MaxConnsPerHost: 0}, Timeout: 60 * time.Second}
	post := func(session, body string) (*http.Response, []byte, error) {
		req, _ := http.NewRequest("POST", srv.base+"/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
			req.Header.Set("MCP-Protocol-Version", "2025-11-25")
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp, b, err
	}
	resp, _, err := post("", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"hardening","version":"0"}}}`)
	if err != nil {
		return err
	}
	session := resp.Header.Get("Mcp-Session-Id")
	if session == "" {
		return fmt.Errorf("initialize: status %s, no session", resp.Status)
	}
	if _, _, err := post(session, `{"jsonrpc":"2.0","method":"notifications/initialized"}`); err != nil {
		return err
	}
	time.Sleep(300 * time.Millisecond)
	before, err := rss(srv.cmd.Process.Pid)
	if err != nil {
		return err
	}

	var mu sync.Mutex
	statuses := map[string]int{}
	var answered atomic.Int64
	for i := 0; i < *posts; i++ {
		head := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_sales_agent_by_lead","arguments":{"leadId":%d},"_meta":{"pad":"`, 100+i, 1000+i)
		tail := `"}}}`
		body := head + strings.Repeat("x", max(0, *postBytes-len(head)-len(tail))) + tail
		go func() {
			resp, _, err := post(session, body)
			what := "in flight when the server stopped"
			if err == nil {
				what = resp.Status
			}
			mu.Lock()
			statuses[what]++
			mu.Unlock()
			answered.Add(1)
		}()
	}
	// Every call has either reached Lofty or been answered; bounded in time.
	start := time.Now()
	for time.Since(start) < 60*time.Second && reached.Load()+answered.Load() < int64(*posts) {
		time.Sleep(50 * time.Millisecond)
	}
	took := time.Since(start)
	time.Sleep(time.Second)
	held, err := rss(srv.cmd.Process.Pid)
	if err != nil {
		return err
	}
	hwm, _ := status(srv.cmd.Process.Pid, "VmHWM:")
	n := reached.Load()
	srv.stop()
	for time.Since(start) < 70*time.Second && answered.Load() < int64(*posts) {
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	fmt.Printf("large POSTs, Lofty hanging: %d calls of %d bytes; %d reached Lofty within %.1fs\n",
		*posts, *postBytes, n, took.Seconds())
	fmt.Printf("  RSS %.1f -> %.1f MB (growth %.1f MB), peak %.1f MB; statuses %v\n",
		mb(before), mb(held), mb(held)-mb(before), mb(hwm), statuses)
	return nil
}
