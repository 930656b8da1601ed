package testutil

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
)

// BinaryVersion is the version stamped into the binary Binary builds.
const BinaryVersion = "v0.0.0-e2e"

var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// RepoRoot is the module root: the nearest directory above the working
// directory (a test's package directory) that holds go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Binary returns lofty-mcp built from the module root, once per test
// process: with -race when this test binary has it, so that a race in the
// server fails the tests too, and stamped with BinaryVersion. Call
// RemoveBinary from TestMain when the tests are done.
func Binary(t testing.TB) string {
	t.Helper()
	binary.once.Do(func() {
		root, err := RepoRoot()
		if err != nil {
			binary.err = err
			return
		}
		if binary.dir, err = os.MkdirTemp("", "lofty-mcp-e2e-"); err != nil {
			binary.err = err
			return
		}
		name := "lofty-mcp"
		if runtime.GOOS == "windows" {
			name += ".exe"
		}
		bin := filepath.Join(binary.dir, name)
		args := []string{"build", "-o", bin, "-ldflags", "-X main.version=" + BinaryVersion}
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "-race" && s.Value == "true" {
					args = append(args, "-race")
				}
			}
		}
		cmd := exec.Command("go", append(args, ".")...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		binary.path = bin
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// RemoveBinary removes what Binary built.
func RemoveBinary() {
	if binary.dir != "" {
		_ = os.RemoveAll(binary.dir)
	}
}
