package e2e

// The transport's limits and start-up errors, against the real binary
// (loopback only, bounded in count and time):
//
//	go test -race -run 'TestHTTPListenError|TestHTTPConnectionCap|TestStdioStopsWhileStdoutBlocked' .

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// waitPipeFull waits until the child's stdout pipe has less room left than
// one tools/list answer (over 12 KiB): from then on the server's writes wait
// for a reader. (The kernel fills a pipe a page at a time, so it never holds
// exactly its size.) Polling the pipe rather than sleeping keeps the test
// exact on a loaded machine.
func waitPipeFull(t *testing.T, p *stdioProc) {
	t.Helper()
	fd := int(p.pipe.Fd())
	size, err := unix.FcntlInt(p.pipe.Fd(), unix.F_GETPIPE_SZ, 0)
	if err != nil {
		t.Fatalf("pipe size: %v", err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		n, err := unix.IoctlGetInt(fd, unix.TIOCINQ) // FIONREAD
		if err != nil {
			t.Fatalf("bytes in the pipe: %v", err)
		}
		if n > size-12<<10 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("stdout pipe holds %d of %d bytes after 60s\nstderr:\n%s", n, size, p.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// An address lofty-mcp cannot listen on is a one-line start-up error naming
// --addr, exit 2, before anything is logged as serving.
func TestHTTPListenError(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tc := range []struct {
		name, addr, want string
	}{
		{"port in use", busy.Addr().String(), "in use"},
		{"port out of range", "127.0.0.1:99999", "port"},
		{"not this machine's address", "192.0.2.1:8080", "not an address of this machine"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, stdioEnv(), "--demo", "http", "--addr", tc.addr, "--insecure-no-auth")
			if code != 2 {
				t.Errorf("exit %d, want 2\nstderr: %s", code, stderr)
			}
			lines := nonEmptyLines(stderr)
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "lofty-mcp: ") ||
				!strings.Contains(lines[0], "--addr "+tc.addr) || !strings.Contains(lines[0], tc.want) {
				t.Errorf("stderr %q; want one line \"lofty-mcp: ...\" naming --addr %s and saying %q", stderr, tc.addr, tc.want)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
}

// TestHTTPConnectionCap: with LOFTY_MCP_MAX_CONNECTIONS=2, two connections
// holding half-sent headers leave a third one answered 503 at once, saying
// the server is busy, and closed.
func TestHTTPConnectionCap(t *testing.T) {
	env := append(e2eEnv("", ""), "LOFTY_MCP_MAX_CONNECTIONS=2")
	p := startHTTPE2E(t, stdioBin(t), env, "--demo")
	addr := strings.TrimPrefix(p.base, "http://")
	for range 2 {
		rawHTTP(t, addr, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ")
	}
	// The server counts a connection once it has accepted it: retry
	// briefly until the cap is reached.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c := rawHTTP(t, addr, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("no answer: %v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		c.Close()
		if resp.StatusCode == 503 {
			if !strings.Contains(string(body), `"code":-32000`) || !strings.Contains(string(body), "--max-connections") {
				t.Fatalf("503 body %s; want a JSON-RPC error naming --max-connections", body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a third connection still gets %d", resp.StatusCode)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

// TestStdioStopsWhileStdoutBlocked: a client that stops reading stdout
// (initialize, then 300 tools/list whose answers fill the pipe) cannot keep
// lofty-mcp alive: SIGTERM, SIGINT and the end of stdin each end it.
func TestStdioStopsWhileStdoutBlocked(t *testing.T) {
	stdioBin(t)
	for _, tc := range []struct {
		name string
		stop func(p *stdioProc) error
	}{
		{"SIGTERM", func(p *stdioProc) error { return p.cmd.Process.Signal(syscall.SIGTERM) }},
		{"SIGINT", func(p *stdioProc) error { return p.cmd.Process.Signal(syscall.SIGINT) }},
		{"stdin closed", func(p *stdioProc) error { return p.stdin.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := startStdio(t, stdioEnv(), "--demo")
			lines := []string{initializeLine, initializedLine}
			for i := range 300 {
				lines = append(lines, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/list"}`, 100+i))
			}
			// Lines the reading loop itself answers: it too ends up waiting
			// on stdout.
			for range 20 {
				lines = append(lines, "not json")
			}
			p.send(t, lines...) // and stdout is never read
			waitPipeFull(t, p)
			select {
			case <-p.exited:
				t.Fatalf("exited before being stopped\nstderr:\n%s", p.stderr.String())
			default:
			}
			if err := tc.stop(p); err != nil {
				t.Fatal(err)
			}
			const bound = 20 * time.Second
			select {
			case <-p.exited:
			case <-time.After(bound):
				t.Fatalf("still running %s after %s with stdout not read\nstderr:\n%s", bound, tc.name, p.stderr.String())
			}
			if !strings.Contains(p.stderr.String(), "stdout") {
				t.Errorf("nothing logged about stdout not being read:\n%s", p.stderr.String())
			}
		})
	}
}
