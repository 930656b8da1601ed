// Command gendocs writes the README's tool section (between
// <!-- tools:start --> and <!-- tools:end -->) from the tool specs, so the
// documentation cannot drift from the code. Run it with `go generate ./tools`.
//
//	go run ./internal/gendocs -readme README.md
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

func main() {
	readme := flag.String("readme", "README.md", "the README to update in place")
	check := flag.Bool("check", false, "only report whether the section is up to date (exit 1 when stale)")
	flag.Parse()
	if err := run(*readme, *check); err != nil {
		fmt.Fprintf(os.Stderr, "gendocs: %v\n", err)
		os.Exit(1)
	}
}

func run(path string, check bool) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	section, err := tools.Docs()
	if err != nil {
		return err
	}
	updated, err := tools.ReplaceDocs(old, section)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if string(updated) == string(old) {
		return nil
	}
	if check {
		return fmt.Errorf("%s: the tool section is stale; run: go generate ./tools", path)
	}
	return os.WriteFile(path, updated, 0o644)
}
