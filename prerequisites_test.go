package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The tests of scripts/prerequisites run it with a PATH of its own: links to
// the few commands it uses, and stubs for id and apt-get. The stub apt-get
// logs its arguments and, on install, puts a stub of each package's command
// on that PATH, as the real one would.

// prerequisitesCommands are the commands scripts/prerequisites uses.
var prerequisitesCommands = []string{"bash", "stat", "awk", "cat", "date", "sleep"}

type prerequisitesRun struct {
	bin    string // the PATH directory
	aptLog string // what the stub apt-get was asked, one call a line
	env    []string
}

func newPrerequisitesRun(t *testing.T, uid int, present ...string) *prerequisitesRun {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("scripts/prerequisites reads /proc/locks: Linux only")
	}
	dir := t.TempDir()
	r := &prerequisitesRun{bin: filepath.Join(dir, "bin"), aptLog: filepath.Join(dir, "apt.log")}
	if err := os.Mkdir(r.bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range prerequisitesCommands {
		p, err := exec.LookPath(c)
		if err != nil {
			t.Skipf("%s is not installed here", c)
		}
		if err := os.Symlink(p, filepath.Join(r.bin, c)); err != nil {
			t.Fatal(err)
		}
	}
	chmod, err := exec.LookPath("chmod")
	if err != nil {
		t.Skip("chmod is not installed here")
	}
	writeStub(t, r.bin, "id", "echo "+strconv.Itoa(uid))
	writeStub(t, r.bin, "apt-get", `echo "$*" >>"`+r.aptLog+`"
case " $* " in
*" install "*)
  for a in "$@"; do
    case "$a" in -*|install|DPkg::*) ;; *) printf '#!/bin/sh\n' >"`+r.bin+`/$a"; `+chmod+` +x "`+r.bin+`/$a" ;; esac
  done ;;
esac`)
	for _, c := range present {
		writeStub(t, r.bin, c, "exit 0")
	}
	// An unlocked file stands in for apt's locks, so that an apt running on
	// this machine cannot change what the test sees.
	lock := filepath.Join(dir, "lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r.env = []string{"PATH=" + r.bin, "LOFTY_APT_LOCKS=" + lock, "LOFTY_APT_LOCK_POLL=0.05"}
	return r
}

func writeStub(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func (r *prerequisitesRun) command(extraEnv ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(r.bin, "bash"), "scripts/prerequisites")
	cmd.Env = append(append([]string{}, r.env...), extraEnv...)
	return cmd
}

func (r *prerequisitesRun) aptCalls(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(r.aptLog)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// TestPrerequisitesInstallsWhatIsMissing: as root, redis-server and chromium
// are installed with apt-get (update, then install) when missing, and only
// those missing.
func TestPrerequisitesInstallsWhatIsMissing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		present []string
		want    string // the packages installed; "" none
	}{
		{"both missing", nil, "redis-server chromium"},
		{"chromium missing", []string{"redis-server"}, "chromium"},
		{"redis missing, a Chrome present", []string{"google-chrome"}, "redis-server"},
		{"none missing", []string{"redis-server", "chromium"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newPrerequisitesRun(t, 0, tc.present...)
			out, err := r.command().CombinedOutput()
			if err != nil {
				t.Fatalf("scripts/prerequisites: %v\n%s", err, out)
			}
			calls := r.aptCalls(t)
			if tc.want == "" {
				if calls != nil || len(out) > 0 {
					t.Errorf("nothing missing, yet apt-get was called %q, or it said %q", calls, out)
				}
				return
			}
			if len(calls) != 2 || !strings.Contains(calls[0], "update") || !strings.HasSuffix(calls[1], "install -y -qq "+tc.want) {
				t.Errorf("apt-get calls %q, want update then install -y -qq %s", calls, tc.want)
			}
			if !strings.Contains(string(out), "installed "+tc.want) {
				t.Errorf("it did not say what it installed:\n%s", out)
			}
			// Run again: now there, nothing more is installed.
			if out, err := r.command().CombinedOutput(); err != nil || len(r.aptCalls(t)) != 2 {
				t.Errorf("second run: %v, apt-get calls %q\n%s", err, r.aptCalls(t), out)
			}
		})
	}
}

// TestPrerequisitesWithoutRoot: without root (and without sudo), it installs
// nothing and says what to run.
func TestPrerequisitesWithoutRoot(t *testing.T) {
	r := newPrerequisitesRun(t, 1000, "redis-server")
	out, err := r.command().CombinedOutput()
	if code := exitCode(err); code != 1 {
		t.Fatalf("exit %d (%v), want 1\n%s", code, err, out)
	}
	if want := "sudo apt-get install -y chromium"; !strings.Contains(string(out), want) {
		t.Errorf("it does not say %q:\n%s", want, out)
	}
	if calls := r.aptCalls(t); calls != nil {
		t.Errorf("apt-get was called without root: %q", calls)
	}
}

// TestPrerequisitesWaitsForTheAptLock: while another process holds apt's
// lock, it says which process holds it and waits; once the lock is released
// it installs. The test holds the lock itself and lets go of it when the
// script has said it waits.
func TestPrerequisitesWaitsForTheAptLock(t *testing.T) {
	r := newPrerequisitesRun(t, 0, "redis-server")
	lock := filepath.Join(t.TempDir(), "lock-frontend")
	f, err := os.Create(lock)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hold := syscall.Flock_t{Type: syscall.F_WRLCK}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &hold); err != nil {
		t.Fatal(err)
	}
	cmd := r.command("LOFTY_APT_LOCKS=" + lock)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	var said []string
	for sc.Scan() {
		said = append(said, sc.Text())
		if strings.Contains(sc.Text(), "waiting for") {
			break
		}
	}
	if len(said) == 0 || !strings.Contains(said[len(said)-1], "waiting for") {
		_ = cmd.Wait()
		t.Fatalf("it never said it waits for the lock:\n%s", strings.Join(said, "\n"))
	}
	waiting := said[len(said)-1]
	for _, want := range []string{lock, "pid " + strconv.Itoa(os.Getpid()), "another package installation is running"} {
		if !strings.Contains(waiting, want) {
			t.Errorf("the waiting line %q does not say %q", waiting, want)
		}
	}
	if calls := r.aptCalls(t); calls != nil {
		t.Errorf("apt-get ran while the lock was held: %q", calls)
	}
	release := syscall.Flock_t{Type: syscall.F_UNLCK}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &release); err != nil {
		t.Fatal(err)
	}
	for sc.Scan() {
		said = append(said, sc.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("scripts/prerequisites: %v\n%s", err, strings.Join(said, "\n"))
	}
	if calls := r.aptCalls(t); len(calls) != 2 || !strings.HasSuffix(calls[1], "install -y -qq chromium") {
		t.Errorf("after the lock was released, apt-get calls %q", calls)
	}
	if !strings.Contains(strings.Join(said, "\n"), "the package lock is free") {
		t.Errorf("it did not say the lock was free:\n%s", strings.Join(said, "\n"))
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
