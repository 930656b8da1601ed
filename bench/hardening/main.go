// Command hardening measures, on the real lofty-mcp binary, the costs the
// hardening issues ask to be reported before and after their fixes:
//
//   - memory under forged session ids: the server's resident memory before
//     and after N POSTs (ping) to /mcp, each carrying a new made-up
//     Mcp-Session-Id, and the HTTP statuses they got;
//   - long stdio lines: the time from starting to write one ping request of
//     8, 16 or 32 MB on stdin to reading its answer on stdout;
//   - half-sent headers (conns.go): resident memory while N connections
//     each hold a request whose headers never end;
//   - large POSTs while Lofty hangs (conns.go): resident memory while N
//     tool calls of about 1 MB each wait on a Lofty that never answers.
//
// Usage:
//
//	go run ./bench/hardening                       build lofty-mcp from this tree and measure it
//	go run ./bench/hardening -bin /tmp/old/lofty-mcp   measure another build (the "before")
//	go run ./bench/hardening -stdio-args=--max-message-bytes=67108864   serve the long lines instead of refusing them
//	go run ./bench/hardening -only forged          one part: forged, lines, conns or posts
//
// Everything runs on loopback; the binary serves its built-in demo data.
package main

import (
	"bufio"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lofty-mcp/lofty-mcp/bench/internal/binary"
)

var (
	binPath   = flag.String("bin", "", "lofty-mcp binary to measure (default: build this tree)")
	forged    = flag.Int("forged", 100_000, "number of forged session ids to send")
	workers   = flag.Int("workers", 8, "concurrent HTTP clients sending forged ids")
	lineSizes = flag.String("lines", "8,16,32", "stdio line sizes to time, in MB (10^6 bytes)")
	stdioArgs = flag.String("stdio-args", "", "extra arguments for the stdio runs, space-separated")
	only      = flag.String("only", "", "run one part: forged, lines, conns or posts (default: all)")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "hardening:", err)
		os.Exit(1)
	}
}

func run() error {
	bin, done, err := binary.Build(*binPath)
	if err != nil {
		return err
	}
	defer done()
	if *only == "" || *only == "forged" {
		if err := forgedSessions(bin); err != nil {
			return err
		}
	}
	if *only == "" || *only == "conns" {
		if err := halfSentHeaders(bin); err != nil {
			return err
		}
	}
	if *only == "" || *only == "posts" {
		if err := largePosts(bin); err != nil {
			return err
		}
	}
	if *only == "" || *only == "lines" {
		for _, s := range strings.Split(*lineSizes, ",") {
			mb, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || mb <= 0 {
				return fmt.Errorf("-lines: %q is not a size in MB", s)
			}
			if err := longLine(bin, mb); err != nil {
				return err
			}
		}
	}
	return nil
}

// ---- forged session ids ----

func forgedSessions(bin string) error {
	srv, err := startHTTP(bin, nil)
	if err != nil {
		return err
	}
	defer srv.stop()
	cmd, base := srv.cmd, srv.base
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *workers}, Timeout: 10 * time.Second}

	post := func(session string, body string) (int, error) {
		req, _ := http.NewRequest("POST", base+"/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("MCP-Protocol-Version", "2025-11-25")
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	// Warm up with a real session, so that the first reading is of a server
	// that has served requests.
	req, _ := http.NewRequest("POST", base+"/mcp", strings.NewReader(
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"hardening","version":"0"}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	real := resp.Header.Get("Mcp-Session-Id")
	for i := 0; i < 1000; i++ {
		if _, err := post(real, `{"jsonrpc":"2.0","id":2,"method":"ping"}`); err != nil {
			return err
		}
	}
	time.Sleep(500 * time.Millisecond)
	before, err := rss(cmd.Process.Pid)
	if err != nil {
		return err
	}

	var next atomic.Int64
	var mu sync.Mutex
	statuses := map[int]int{}
	var firstErr error
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(*forged) {
				// Shaped like a real id (mcp-session- + 26 base32 characters), so
				// a server that only checks the shape takes it.
				id := "mcp-session-" + strings.ToLower(rand.Text())
				code, err := post(id, `{"jsonrpc":"2.0","id":3,"method":"ping"}`)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				statuses[code]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if firstErr != nil {
		return firstErr
	}
	time.Sleep(500 * time.Millisecond)
	after, err := rss(cmd.Process.Pid)
	if err != nil {
		return err
	}
	hwm, _ := status(cmd.Process.Pid, "VmHWM:")
	fmt.Printf("forged session ids: %d in %.1fs, statuses %v\n", *forged, took.Seconds(), statuses)
	fmt.Printf("  RSS before %.1f MB, after %.1f MB (growth %.1f MB), peak %.1f MB\n",
		mb(before), mb(after), mb(after)-mb(before), mb(hwm))
	return nil
}

// server is a running `lofty-mcp http`.
type server struct {
	cmd  *exec.Cmd
	addr string // host:port
	base string // http://host:port
}

func (s *server) stop() { _ = s.cmd.Process.Kill(); _ = s.cmd.Wait() }

// startHTTP starts `lofty-mcp http` on a free loopback port with env (nil:
// --demo) and extra args, and waits until /healthz answers.
func startHTTP(bin string, env []string, args ...string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	full := []string{"http", "--addr", addr, "--log-level", "warn"}
	if env == nil {
		full = append([]string{"--demo"}, full...)
	}
	cmd := exec.Command(bin, append(full, args...)...)
	cmd.Env = env
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, addr: addr, base: "http://" + addr}
	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(10 * time.Second); ; {
		resp, err := client.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, errors.New("the server did not come up")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func rss(pid int) (int64, error) { return status(pid, "VmRSS:") }

// status reads a kB field of /proc/<pid>/status, in bytes.
func status(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

func mb(b int64) float64 { return float64(b) / 1e6 }

// ---- long stdio lines ----

func longLine(bin string, sizeMB int) error {
	args := []string{"--demo", "--log-level", "error"}
	if *stdioArgs != "" {
		args = append(args, strings.Fields(*stdioArgs)...)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = io.Discard
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	out := bufio.NewReaderSize(stdout, 1<<16)
	readID := func(want string) (string, error) {
		for {
			line, err := out.ReadBytes('\n')
			if err != nil {
				return "", err
			}
			var m struct {
				ID    json.RawMessage `json:"id"`
				Error *struct {
					Code    int    `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if json.Unmarshal(line, &m) == nil && string(m.ID) == want {
				if m.Error != nil {
					return fmt.Sprintf("error %d: %s", m.Error.Code, m.Error.Message), nil
				}
				return "result", nil
			}
		}
	}
	if _, err := io.WriteString(stdin, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"hardening","version":"0"}}}`+"\n"); err != nil {
		return err
	}
	if _, err := readID("1"); err != nil {
		return err
	}
	head := `{"jsonrpc":"2.0","id":2,"method":"ping","params":{"pad":"`
	tail := `"}}` + "\n"
	line := make([]byte, 0, sizeMB*1_000_000)
	line = append(line, head...)
	for len(line) < sizeMB*1_000_000-len(tail) {
		line = append(line, 'x')
	}
	line = append(line, tail...)

	start := time.Now()
	writeErr := make(chan error, 1)
	go func() {
		_, err := stdin.Write(line)
		writeErr <- err
	}()
	got, err := readID("2")
	took := time.Since(start)
	if err != nil {
		return fmt.Errorf("%d MB line: %v", sizeMB, err)
	}
	if err := <-writeErr; err != nil {
		return fmt.Errorf("%d MB line: writing: %v", sizeMB, err)
	}
	// The stream must still be served after the long line.
	if _, err := io.WriteString(stdin, `{"jsonrpc":"2.0","id":3,"method":"ping"}`+"\n"); err != nil {
		return err
	}
	next, err := readID("3")
	if err != nil {
		return fmt.Errorf("after the %d MB line: %v", sizeMB, err)
	}
	fmt.Printf("stdio line %2d MB: answered in %7.3fs (%s); next request: %s\n", sizeMB, took.Seconds(), got, next)
	return stdin.Close()
}
