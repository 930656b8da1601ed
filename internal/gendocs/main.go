// Command gendocs writes the files derived from the tool specs, so that they
// cannot drift from the code: README.md's tool section (between
// <!-- tools:start --> and <!-- tools:end -->), the tools list of
// mcpb/manifest.json, and one tools/list snapshot per tool in
// tools/testdata/snapshots (snapshots of tools that no longer exist are
// removed), and README.md's Lofty API coverage table (between
// <!-- coverage:start --> and <!-- coverage:end -->), from Lofty's OpenAPI
// document, and tools/zz_generated_schemas.go, every tool's and prompt's
// schemas made by reflection, which the server uses instead of reflecting
// at each start. `go generate ./...` runs it after internal/genregistry.
//
//	go run ./internal/gendocs [-root .] [-check]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	root := flag.String("root", ".", "the repository root")
	check := flag.Bool("check", false, "only report stale files (exit 1 when any is)")
	flag.Parse()
	if err := run(*root, *check); err != nil {
		fmt.Fprintf(os.Stderr, "gendocs: %v\n", err)
		os.Exit(1)
	}
}

func run(root string, check bool) error {
	files, stale, extra, err := generatedDiff(root)
	if err != nil {
		return err
	}
	if check {
		if len(stale)+len(extra) > 0 {
			return fmt.Errorf("stale: %s (run go generate ./... to update)", strings.Join(append(stale, extra...), ", "))
		}
		return nil
	}
	for _, path := range stale {
		full := filepath.Join(root, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, files[path], 0o644); err != nil {
			return err
		}
	}
	for _, path := range extra {
		if err := os.Remove(filepath.Join(root, filepath.FromSlash(path))); err != nil {
			return err
		}
	}
	return nil
}
