package e2e

// The transport's limits and start-up errors, against the real binary
// (loopback only, bounded in count and time):
//
//	go test -race -run 'TestHTTPListenError|TestStdioStopsWhileStdoutBlocked' .

import (
	"net"
	"strings"
	"testing"
)

// An address lofty-mcp cannot listen on is a one-line start-up error naming
// --addr, exit 2, before anything is logged as serving.
func TestHTTPListenError(t *testing.T) {
	stdioBin(t) // built before runCLI's clock starts
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
