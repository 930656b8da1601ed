package e2e

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal and returns its terminal end.
func openPTY(t *testing.T) (*os.File, func()) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("opening /dev/ptmx for a pseudo-terminal: %v", err)
	}
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return tty, func() { tty.Close(); master.Close() }
}

// Bare lofty-mcp on a terminal says, on stderr, that it speaks MCP on
// stdin/stdout and how to try a tool, then serves as usual; on a pipe it
// says nothing of the kind.
func TestTerminalNotice(t *testing.T) {
	tty, closeTTY := openPTY(t)
	defer closeTTY()
	stderr := &strings.Builder{}
	cmd := exec.Command(stdioBin(t), "--demo")
	cmd.Env = stdioEnv()
	cmd.Stdin, cmd.Stdout = tty, tty
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := errPipe.Read(buf)
			stderr.Write(buf[:n])
			if strings.Contains(stderr.String(), "serving MCP over stdio") || err != nil {
				close(done)
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Error("no start-up log within 10s")
	}
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	for _, want := range []string{"speaks MCP (JSON-RPC) on stdin/stdout", "--demo call get_sales_agent_by_lead"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr does not contain %q:\n%s", want, stderr)
		}
	}

	// On pipes (what MCP clients use) there is no such notice.
	p := startStdio(t, stdioEnv(), "--demo")
	_ = p.stdin.Close()
	p.wait(t)
	if strings.Contains(p.stderr.String(), "speaks MCP") {
		t.Errorf("notice printed on a pipe:\n%s", p.stderr)
	}
}
