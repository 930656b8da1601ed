//go:build npmpack && linux

package npm_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/npm"
)

const (
	demoLead        = "563172647619608" // has a sales agent in --demo data
	demoLeadNoAgent = "563172647619609" // has none: the call fails
)

// cleanEnv is env without any LOFTY_ setting, plus extra.
func cleanEnv(env []string, extra ...string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "LOFTY_") {
			out = append(out, kv)
		}
	}
	return append(out, extra...)
}

type result struct {
	code           int
	signal         syscall.Signal // when killed by one
	stdout, stderr string
}

// run runs a command to its end (at most a minute) and reports how it ended.
func run(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		ws := exit.Sys().(syscall.WaitStatus)
		r.code = ws.ExitStatus()
		if ws.Signaled() {
			r.signal = ws.Signal()
		}
	default:
		t.Fatalf("%s %q: %v", name, args, err)
	}
	return r
}

func host(t *testing.T) npm.Platform {
	t.Helper()
	p, err := npm.HostPlatform()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// npm installed the launcher and this computer's platform package, and
// nothing else, from the tarballs alone: the registry was never asked.
func TestInstallFromTarballs(t *testing.T) {
	in := hostInstall(t)
	got, err := in.Packages()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{host(t).Package(), npm.LauncherName}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("node_modules holds %v, want %v\nnpm said:\n%s", got, want, in.Output)
	}
	if hits := in.Tripwire.Hits(); len(hits) > 0 {
		t.Errorf("npm install reached the registry: %v", hits)
	}
	info, err := os.Stat(in.Binary(host(t)))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm()&0o111 == 0 {
		t.Errorf("the installed binary has mode %v: npm did not keep it executable", info.Mode())
	}
}

// The same arguments, environment and outputs, the same exit code, through
// the launcher as from the binary itself; and each case ends as lofty-mcp
// documents (0 ok, 1 a failed call, 2 a usage error).
func TestLauncherPassesThrough(t *testing.T) {
	in := hostInstall(t)
	bin := in.Binary(host(t))
	for _, tc := range []struct {
		name string
		args []string
		env  []string
		code int
	}{
		{"version", []string{"--version"}, nil, 0},
		{"call", []string{"--demo", "call", "get_sales_agent_by_lead", `{"leadId": ` + demoLead + `}`}, nil, 0},
		{"failing call", []string{"--demo", "call", "get_sales_agent_by_lead", `{"leadId": ` + demoLeadNoAgent + `}`}, nil, 1},
		{"arguments not JSON", []string{"--demo", "call", "get_lead", "not json"}, nil, 2},
		{"empty argument", []string{"--demo", "call", "get_lead", ""}, nil, 2},
		{"unknown flag", []string{"--no-such-flag"}, nil, 2},
		{"awkward argument", []string{"--demo", "call", "find_leads", `{"key": "Jane \"Q\" Doe $HOME ` + "`id`" + ` ; & | * ü 😀 \\ "}`}, nil, 0},
		// Only the environment tells lofty-mcp that both are set.
		{"environment", []string{"--demo", "tools"}, []string{"LOFTY_API_KEY=k", "LOFTY_ACCESS_TOKEN=t"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := cleanEnv(in.Env, tc.env...)
			direct := run(t, in.Dir, env, bin, tc.args...)
			via := run(t, in.Dir, env, in.Launcher(), tc.args...)
			if direct.code != tc.code || direct.signal != 0 {
				t.Fatalf("the binary itself exited %d (signal %v), want %d\nstderr: %s", direct.code, direct.signal, tc.code, direct.stderr)
			}
			if via != direct {
				t.Errorf("through the launcher: exit %d signal %v\nstdout %q\nstderr %q\nthe binary itself: exit %d\nstdout %q\nstderr %q",
					via.code, via.signal, via.stdout, via.stderr, direct.code, direct.stdout, direct.stderr)
			}
		})
	}
}

// --version through the launcher says the version every package carries.
func TestLauncherVersion(t *testing.T) {
	in := hostInstall(t)
	r := run(t, in.Dir, cleanEnv(in.Env), in.Launcher(), "--version")
	if r.code != 0 || r.stdout != "lofty-mcp "+version+"\n" || r.stderr != "" {
		t.Fatalf("lofty-mcp --version: exit %d stdout %q stderr %q, want exit 0 and %q", r.code, r.stdout, r.stderr, "lofty-mcp "+version+"\n")
	}
}

// session is lofty-mcp started through the launcher, spoken to over raw pipes
// so that every line it writes on stdout can be checked.
type session struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan []byte
	stderr *testutil.SyncBuffer
	done   chan struct{}
	err    error // from Wait, once done is closed
}

func startSession(t *testing.T, name string, dir string, env []string, args ...string) *session {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	s := &session{t: t, cmd: cmd, lines: make(chan []byte, 64), stderr: &testutil.SyncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = s.stderr
	var err error
	if s.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			s.lines <- slices.Clone(sc.Bytes())
		}
		close(s.lines)
		s.err = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.stdin.Close()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-s.done
		}
	})
	return s
}

// send writes one JSON-RPC message.
func (s *session) send(msg string) {
	s.t.Helper()
	if _, err := io.WriteString(s.stdin, msg+"\n"); err != nil {
		s.t.Fatalf("writing %s: %v\nstderr:\n%s", msg, err, s.stderr.String())
	}
}

// response reads stdout lines up to the response with this id; every line on
// the way must be a JSON-RPC 2.0 message.
func (s *session) response(id int) map[string]any {
	s.t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				s.t.Fatalf("stdout ended before the response to %d\nstderr:\n%s", id, s.stderr.String())
			}
			msg := jsonRPC(s.t, line)
			if got, ok := msg["id"].(float64); ok && int(got) == id && msg["method"] == nil {
				return msg
			}
		case <-timeout:
			s.t.Fatalf("no response to %d within 30s\nstderr:\n%s", id, s.stderr.String())
		}
	}
}

// jsonRPC checks that one stdout line is a JSON-RPC 2.0 message.
func jsonRPC(t *testing.T, line []byte) map[string]any {
	t.Helper()
	var msg map[string]any
	if err := json.Unmarshal(line, &msg); err != nil || msg["jsonrpc"] != "2.0" {
		t.Fatalf("stdout line is not a JSON-RPC 2.0 message: %q", line)
	}
	return msg
}

// initialize completes the MCP handshake.
func (s *session) initialize() map[string]any {
	s.t.Helper()
	s.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"lofty-mcp-npm-test","version":"1"}}}`)
	res := s.response(1)
	if res["error"] != nil {
		s.t.Fatalf("initialize: %v", res["error"])
	}
	s.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	return res
}

// wait waits for the process to end and says how it ended.
func (s *session) wait(within time.Duration) (code int, sig syscall.Signal) {
	s.t.Helper()
	select {
	case <-s.done:
	case <-time.After(within):
		s.t.Fatalf("still running %v later\nstderr:\n%s", within, s.stderr.String())
	}
	var exit *exec.ExitError
	if s.err != nil && !errors.As(s.err, &exit) {
		s.t.Fatal(s.err)
	}
	ws := s.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return -1, ws.Signal()
	}
	return ws.ExitStatus(), 0
}

var (
	modeOnce sync.Once
	execMode bool
	modeErr  error
)

// launcherExecs says which way the launcher runs the binary under the node
// on PATH: true when that node has process.execve (the launcher becomes the
// binary), false when it runs the binary as its child. When
// LOFTY_NPM_LAUNCHER_MODE is set (exec or spawn; scripts/check-ship npm runs
// the tests once with each), the mode must be that one.
func launcherExecs(t *testing.T) bool {
	t.Helper()
	modeOnce.Do(func() {
		out, err := exec.Command("node", "-p", `typeof process.execve === "function"`).Output()
		if err != nil {
			modeErr = fmt.Errorf("node -p: %v", err)
			return
		}
		execMode = strings.TrimSpace(string(out)) == "true"
		mode := map[bool]string{true: "exec", false: "spawn"}[execMode]
		if want := os.Getenv("LOFTY_NPM_LAUNCHER_MODE"); want != "" && want != mode {
			modeErr = fmt.Errorf("LOFTY_NPM_LAUNCHER_MODE=%s, but the node on PATH (%s) makes the launcher %s", want, nodeVersion(), mode)
		}
	})
	if modeErr != nil {
		t.Fatal(modeErr)
	}
	return execMode
}

func nodeVersion() string {
	out, _ := exec.Command("node", "--version").Output()
	return strings.TrimSpace(string(out))
}

// binaryPID is the process running the installed binary: the launcher's own
// (exec mode) or its one child (spawn mode), checked through /proc.
func (s *session) binaryPID(bin string) int {
	s.t.Helper()
	want, err := filepath.EvalSymlinks(bin)
	if err != nil {
		s.t.Fatal(err)
	}
	pid := s.cmd.Process.Pid
	execs := launcherExecs(s.t)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		kids := childPIDs(pid)
		exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		switch {
		case execs && exe == want && len(kids) == 0:
			return pid
		case execs:
		case len(kids) == 1:
			exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", kids[0]))
			if err != nil {
				s.t.Fatal(err)
			}
			if exe != want {
				s.t.Fatalf("the launcher's child runs %s, want %s", exe, want)
			}
			return kids[0]
		case len(kids) > 1:
			s.t.Fatalf("the launcher has %d children %v, want 1", len(kids), kids)
		}
		time.Sleep(20 * time.Millisecond)
	}
	exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	s.t.Fatalf("node %s, exec mode %v: after 10s the launcher (pid %d) runs %s with children %v; want it to run %s (exec mode) or have it as its one child\nstderr:\n%s",
		nodeVersion(), execs, pid, exe, childPIDs(pid), want, s.stderr.String())
	return 0
}

// childPIDs lists the children of pid, from every thread's children file.
func childPIDs(pid int) []int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var kids []int
	for _, f := range tasks {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, field := range strings.Fields(string(data)) {
			if n, err := strconv.Atoi(field); err == nil {
				kids = append(kids, n)
			}
		}
	}
	return kids
}

// alive says whether pid is a process that has not exited (a zombie has).
func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// pid (comm) state ...; comm may hold spaces and parentheses.
	rest := string(data[bytes.LastIndexByte(data, ')')+1:])
	return !strings.HasPrefix(strings.TrimSpace(rest), "Z")
}

// A --demo stdio session through the launcher: initialize, tools/list and a
// tools/call, with every stdout line a JSON-RPC message; closing stdin ends
// it with exit 0.
func TestStdioSessionThroughLauncher(t *testing.T) {
	in := hostInstall(t)
	s := startSession(t, in.Launcher(), in.Dir, cleanEnv(in.Env), "--demo")
	init := s.initialize()
	result, _ := init["result"].(map[string]any)
	if result["protocolVersion"] != "2025-11-25" {
		t.Fatalf("initialize negotiated %v", result["protocolVersion"])
	}
	if info, _ := result["serverInfo"].(map[string]any); info["version"] != version {
		t.Errorf("serverInfo %v, want version %s", info, version)
	}
	s.send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	list := s.response(2)
	tools, _ := list["result"].(map[string]any)["tools"].([]any)
	if !slices.ContainsFunc(tools, func(tl any) bool { return tl.(map[string]any)["name"] == "get_sales_agent_by_lead" }) {
		t.Fatalf("tools/list has no get_sales_agent_by_lead: %v", list)
	}
	s.send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_sales_agent_by_lead","arguments":{"leadId":` + demoLead + `}}}`)
	call := s.response(3)
	res, _ := call["result"].(map[string]any)
	if res == nil || res["isError"] == true || res["structuredContent"] == nil {
		t.Fatalf("tools/call: %v", call)
	}
	s.stdin.Close()
	for line := range s.lines {
		jsonRPC(t, line)
	}
	if code, sig := s.wait(15 * time.Second); code != 0 || sig != 0 {
		t.Fatalf("after stdin closed: exit %d signal %v, want 0\nstderr:\n%s", code, sig, s.stderr.String())
	}
}

// SIGTERM sent to the launcher reaches the binary: with its stdin still
// open, the binary ends (it stops only on EOF or a signal), handles the
// signal as it does when run directly (exit 0), and the launcher reports that
// exit 0 rather than dying of the SIGTERM itself. (In exec mode the launcher's
// process is the binary's; in spawn mode the binary is its child.)
func TestSIGTERMReachesBinary(t *testing.T) {
	in := hostInstall(t)
	s := startSession(t, in.Launcher(), in.Dir, cleanEnv(in.Env), "--demo", "--log-level", "debug")
	s.initialize() // the binary is up, with its signal handlers installed
	child := s.binaryPID(in.Binary(host(t)))
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code, sig := s.wait(15 * time.Second)
	if sig != 0 || code != 0 {
		t.Fatalf("after SIGTERM the launcher ended with exit %d signal %v, want exit 0 (the binary's, after handling SIGTERM)\nstderr:\n%s", code, sig, s.stderr.String())
	}
	if alive(child) {
		t.Fatalf("the binary (pid %d) still runs after the launcher got SIGTERM", child)
	}
	for line := range s.lines {
		jsonRPC(t, line)
	}
}

// When lofty-mcp dies of a signal, the launcher dies of the same signal:
// SIGHUP sent to the launcher reaches the binary and kills it (lofty-mcp does
// not catch it), and SIGKILL sent to the binary ends the launcher with SIGKILL
// too. (In spawn mode the launcher forwards the first and re-raises both.)
func TestSignalDeathPassesThrough(t *testing.T) {
	in := hostInstall(t)
	for _, tc := range []struct {
		sig      syscall.Signal
		toBinary bool
	}{
		{syscall.SIGHUP, false},
		{syscall.SIGKILL, true},
	} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			s := startSession(t, in.Launcher(), in.Dir, cleanEnv(in.Env), "--demo")
			s.initialize()
			child := s.binaryPID(in.Binary(host(t)))
			target := s.cmd.Process.Pid
			if tc.toBinary {
				target = child
			}
			if err := syscall.Kill(target, tc.sig); err != nil {
				t.Fatal(err)
			}
			code, sig := s.wait(15 * time.Second)
			if sig != tc.sig {
				t.Fatalf("the launcher ended with exit %d signal %v, want killed by %v\nstderr:\n%s", code, sig, tc.sig, s.stderr.String())
			}
			if alive(child) {
				t.Fatalf("the binary (pid %d) still runs", child)
			}
		})
	}
}

// Without the platform package (npm told to omit optional dependencies) the
// launcher says which package is missing and what to do, on stderr, with
// nothing on stdout and exit 127.
func TestMissingPlatformPackage(t *testing.T) {
	launcher := npm.Find(tarballs, npm.LauncherName)
	if launcher == nil {
		t.Fatal("no launcher tarball")
	}
	in, err := npm.Install(filepath.Join(t.TempDir(), "project"), []string{launcher.File}, "--omit=optional")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	got, err := in.Packages()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{npm.LauncherName}) {
		t.Fatalf("node_modules holds %v, want only lofty-mcp", got)
	}
	p := host(t)
	r := run(t, in.Dir, cleanEnv(in.Env), in.Launcher(), "--demo")
	if r.code != 127 || r.stdout != "" {
		t.Fatalf("exit %d stdout %q, want 127 and nothing on stdout\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		p.Package() + "@" + version + ", which holds the lofty-mcp binary for " + p.OS + "/" + p.CPU + ", is not installed",
		"--omit=optional",
		"npm install " + p.Package() + "@" + version,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}

	// The package present but its binary not executable: 126, naming the file.
	dir := filepath.Join(in.Dir, "node_modules", filepath.FromSlash(p.Package()))
	bin := filepath.Join(dir, filepath.FromSlash(p.Exe()))
	writeFile(t, filepath.Join(dir, "package.json"), fmt.Sprintf(`{"name": %q, "version": %q}`, p.Package(), version), 0o644)
	data, err := os.ReadFile(hostInstall(t).Binary(p))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, bin, string(data), 0o644)
	r = run(t, in.Dir, cleanEnv(in.Env), in.Launcher(), "--version")
	if r.code != 126 || r.stdout != "" || !strings.Contains(r.stderr, "cannot start "+bin) {
		t.Errorf("binary not executable: exit %d stdout %q stderr %q, want 126 and \"cannot start %s\"", r.code, r.stdout, r.stderr, bin)
	}

	// Another version of the platform package: it runs, with a warning on stderr.
	writeFile(t, filepath.Join(dir, "package.json"), fmt.Sprintf(`{"name": %q, "version": "9.9.9"}`, p.Package()), 0o644)
	if err := os.Chmod(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	r = run(t, in.Dir, cleanEnv(in.Env), in.Launcher(), "--version")
	if r.code != 0 || r.stdout != "lofty-mcp "+version+"\n" || !strings.Contains(r.stderr, p.Package()+" is version 9.9.9, lofty-mcp is "+version) {
		t.Errorf("version mismatch: exit %d stdout %q stderr %q, want it to run and warn", r.code, r.stdout, r.stderr)
	}

	// The package without its binary: 127, naming what is missing.
	if err := os.Remove(bin); err != nil {
		t.Fatal(err)
	}
	r = run(t, in.Dir, cleanEnv(in.Env), in.Launcher(), "--version")
	if r.code != 127 || r.stdout != "" || !strings.Contains(r.stderr, "has no "+p.Exe()) {
		t.Errorf("binary missing: exit %d stdout %q stderr %q, want 127 and \"has no %s\"", r.code, r.stdout, r.stderr, p.Exe())
	}
}

// On a platform with no package (here: this computer made to look like
// linux/ia32), the launcher says so and lists the platforms there are.
func TestUnsupportedPlatform(t *testing.T) {
	in := hostInstall(t)
	preload := filepath.Join(t.TempDir(), "ia32.js")
	writeFile(t, preload, `Object.defineProperty(process, "arch", { value: "ia32" });`, 0o644)
	script := filepath.Join(in.Dir, "node_modules", "lofty-mcp", "bin", "lofty-mcp.js")
	r := run(t, in.Dir, cleanEnv(in.Env), "node", "--require", preload, script, "--version")
	if r.code != 127 || r.stdout != "" {
		t.Fatalf("exit %d stdout %q, want 127 and nothing on stdout\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	want := "no lofty-mcp binary is published on npm for linux/ia32; there are packages for linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64, win32-arm64"
	if !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "go install github.com/lofty-mcp/lofty-mcp@latest") {
		t.Errorf("stderr:\n%s\nwant it to contain %q and another way to install", r.stderr, want)
	}
}

// `npx -y lofty-mcp` in a project that has lofty-mcp installed runs the
// installed launcher without asking any registry (the registry npm is
// pointed at is a tripwire, and npm is not told to stay offline), and a
// stdio session through npx has JSON-RPC only on stdout.
func TestNpxUsesLocalInstall(t *testing.T) {
	in := hostInstall(t)
	var env []string
	for _, kv := range cleanEnv(in.Env) {
		if !strings.HasPrefix(kv, "npm_config_offline=") {
			env = append(env, kv)
		}
	}
	before := len(in.Tripwire.Hits())
	r := run(t, in.Dir, env, "npx", "-y", "lofty-mcp", "--version")
	if r.code != 0 || r.stdout != "lofty-mcp "+version+"\n" {
		t.Fatalf("npx -y lofty-mcp --version: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}

	// A stdio session through npx: npm adds nothing to stdout.
	s := startSession(t, "npx", in.Dir, env, "-y", "lofty-mcp", "--demo")
	s.initialize()
	s.send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	s.response(2)
	s.stdin.Close()
	for line := range s.lines {
		jsonRPC(t, line)
	}
	if code, sig := s.wait(15 * time.Second); code != 0 || sig != 0 {
		t.Fatalf("npx -y lofty-mcp --demo after stdin closed: exit %d signal %v\nstderr:\n%s", code, sig, s.stderr.String())
	}
	if hits := in.Tripwire.Hits()[before:]; len(hits) > 0 {
		t.Errorf("npx reached the registry: %v", hits)
	}
}

// The way users get it: `npx -y lofty-mcp` in an empty directory, from a
// registry (here one on loopback serving the packed tarballs). npm downloads
// the launcher and only this computer's platform package (it reads the
// other packages' metadata, and skips them for their os/cpu), and the command
// works; afterwards it runs again with the registry gone (npm offline), from
// npx's cache.
func TestNpxFromRegistry(t *testing.T) {
	var platforms int
	for _, p := range npm.Platforms {
		if npm.Find(tarballs, p.Package()) != nil {
			platforms++
		}
	}
	if platforms != len(npm.Platforms) {
		t.Fatalf("%s has %d of the %d platform packages: run scripts/npm-pack without --host-only", distDir, platforms, len(npm.Platforms))
	}
	reg, err := npm.NewRegistry(tarballs)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	work := t.TempDir()
	home := filepath.Join(work, "npm-home")
	empty := filepath.Join(work, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	env, err := npm.Env(home, reg.URL)
	if err != nil {
		t.Fatal(err)
	}
	env = cleanEnv(env)
	r := run(t, empty, env, "npx", "-y", "lofty-mcp", "--version")
	if r.code != 0 || r.stdout != "lofty-mcp "+version+"\n" {
		t.Fatalf("npx -y lofty-mcp --version: exit %d stdout %q stderr %q\nregistry requests: %v", r.code, r.stdout, r.stderr, reg.Requests())
	}
	t.Logf("registry requests: %v", reg.Requests())
	downloads := reg.Downloads()
	slices.Sort(downloads)
	want := []string{host(t).Package(), npm.LauncherName}
	slices.Sort(want)
	if !slices.Equal(downloads, want) {
		t.Errorf("npm downloaded %v, want only %v", downloads, want)
	}
	installed, _ := filepath.Glob(filepath.Join(home, "cache", "_npx", "*", "node_modules", "@lofty-mcp", "*"))
	if len(installed) != 1 || filepath.Base(installed[0]) != host(t).OS+"-"+host(t).CPU {
		t.Errorf("npx installed platform packages %v, want only %s", installed, host(t).Package())
	}

	reg.Close()
	r = run(t, empty, append(env, "npm_config_offline=true"), "npx", "-y", "lofty-mcp", "--version")
	if r.code != 0 || r.stdout != "lofty-mcp "+version+"\n" {
		t.Fatalf("npx -y lofty-mcp --version, offline, from the npx cache: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func writeFile(t *testing.T, name, data string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, mode); err != nil {
		t.Fatal(err)
	}
}
