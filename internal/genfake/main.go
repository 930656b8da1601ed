// Command genfake writes the fake Lofty's operations table
// (lofty/fakelofty/zz_generated_operations.go) from Lofty's OpenAPI
// document; `go generate ./...` runs it from lofty/fakelofty. With -check
// it only reports whether the table is current.
//
//	go run ../../internal/genfake -doc ../testdata/lofty-openapi.json -o zz_generated_operations.go [-check]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/lofty-mcp/lofty-mcp/internal/opsgen"
)

func main() {
	doc := flag.String("doc", "../testdata/lofty-openapi.json", "Lofty's OpenAPI document")
	out := flag.String("o", "zz_generated_operations.go", "the Go file to write")
	check := flag.Bool("check", false, "only report whether the file is current (exit 1 when stale)")
	flag.Parse()
	if err := run(*doc, *out, *check); err != nil {
		fmt.Fprintf(os.Stderr, "genfake: %v\n", err)
		os.Exit(1)
	}
}

func run(docPath, outPath string, check bool) error {
	doc, err := os.ReadFile(docPath)
	if err != nil {
		return err
	}
	src, err := opsgen.Generate(doc)
	if err != nil {
		return err
	}
	if check {
		cur, err := os.ReadFile(outPath)
		if err != nil || !bytes.Equal(cur, src) {
			return fmt.Errorf("%s is stale (run go generate ./...)", outPath)
		}
		return nil
	}
	return os.WriteFile(outPath, src, 0o644)
}
