// Package binary builds the lofty-mcp binary the measurement programs under
// bench/ run (each run from the repository root).
package binary

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Build returns bin when it is set (a binary the caller chose); else it
// builds lofty-mcp from the current directory (go build -trimpath) into a
// new temporary directory. done removes what Build made.
func Build(bin string) (path string, done func(), err error) {
	if bin != "" {
		return bin, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "lofty-mcp-bench-")
	if err != nil {
		return "", nil, err
	}
	path = filepath.Join(dir, "lofty-mcp")
	if out, err := exec.Command("go", "build", "-trimpath", "-o", path, ".").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	return path, func() { os.RemoveAll(dir) }, nil
}
