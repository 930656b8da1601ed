package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestConformanceBaselinesGiveReasons: every expected failure in
// interop/conformance-baseline*.yml has its reason, on its line or in the
// comment just above it (shared by the entries that follow it), and every
// file of this repository a reason points to as the proof of what
// lofty-mcp does instead exists.
func TestConformanceBaselinesGiveReasons(t *testing.T) {
	files, err := filepath.Glob("interop/conformance-baseline*.yml")
	if err != nil || len(files) < 2 {
		t.Fatalf("baselines: %q, %v", files, err)
	}
	entry := regexp.MustCompile(`^\s*-\s*([^\s#]+)\s*(#.*)?$`)
	path := regexp.MustCompile(`\b(?:[a-z]+/)+[A-Za-z0-9_.-]+\.(?:go|mjs|yml|json)\b`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		entries := 0
		for i, line := range lines {
			for _, p := range path.FindAllString(line, -1) {
				if _, err := os.Stat(p); err != nil {
					t.Errorf("%s:%d names %s, which does not exist", f, i+1, p)
				}
			}
			m := entry.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			entries++
			if m[2] != "" {
				continue
			}
			// No reason on the line: the entries before it share the
			// comment above them.
			j := i - 1
			for j >= 0 {
				if e := entry.FindStringSubmatch(lines[j]); e != nil && e[2] == "" {
					j--
					continue
				}
				break
			}
			if j < 0 || !strings.HasPrefix(strings.TrimSpace(lines[j]), "#") {
				t.Errorf("%s:%d: %s has no reason", f, i+1, m[1])
			}
		}
		if entries == 0 {
			t.Errorf("%s lists no expected failure: is its format still `- name # reason`?", f)
		}
	}
}
