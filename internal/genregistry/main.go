// Command genregistry writes the tools package's registry
// (zz_generated_registry.go): every package-level Spec value found in the
// package's source. It reads source only, so it runs even when the package
// does not build (a spec renamed or deleted). `go generate ./...` runs it
// from the tools directory, before internal/gendocs.
//
//	go run ../internal/genregistry [-dir .] [-check]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lofty-mcp/lofty-mcp/internal/toolgen"
)

func main() {
	dir := flag.String("dir", ".", "the tools package directory")
	check := flag.Bool("check", false, "only report whether the registry is current (exit 1 when stale)")
	flag.Parse()
	if err := run(*dir, *check); err != nil {
		fmt.Fprintf(os.Stderr, "genregistry: %v\n", err)
		os.Exit(1)
	}
}

func run(dir string, check bool) error {
	if check {
		return toolgen.RegistryIsCurrent(dir)
	}
	src, err := toolgen.Registry(dir)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, toolgen.RegistryFile)
	if old, err := os.ReadFile(path); err == nil && string(old) == string(src) {
		return nil
	}
	return os.WriteFile(path, src, 0o644)
}
