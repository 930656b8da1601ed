package toolgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

// SnapshotFile is the file name of tool name's snapshot.
func SnapshotFile(name string) string { return name + ".json" }

// SplitToolsList splits a tools/list result into one snapshot per tool: the
// tool's entry exactly as the server listed it (keys, order, escapes),
// indented by two spaces, with a final newline. names is the listing order.
// A result with members besides "tools" (a nextCursor) is refused: the
// snapshots could not give it back.
func SplitToolsList(result []byte) (names []string, snapshots map[string][]byte, err error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(result, &members); err != nil {
		return nil, nil, fmt.Errorf("tools/list result: %w", err)
	}
	for k := range members {
		if k != "tools" {
			return nil, nil, fmt.Errorf("tools/list result has %q besides tools; snapshots hold only the tools", k)
		}
	}
	var list []json.RawMessage
	if err := json.Unmarshal(members["tools"], &list); err != nil {
		return nil, nil, fmt.Errorf("tools/list tools: %w", err)
	}
	snapshots = map[string][]byte{}
	for _, entry := range list {
		var tool struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(entry, &tool); err != nil || tool.Name == "" {
			return nil, nil, fmt.Errorf("tools/list entry without a name: %.80s", entry)
		}
		if _, dup := snapshots[tool.Name]; dup {
			return nil, nil, fmt.Errorf("tools/list lists %s twice", tool.Name)
		}
		var out bytes.Buffer
		if err := json.Indent(&out, entry, "", "  "); err != nil {
			return nil, nil, err
		}
		out.WriteByte('\n')
		names = append(names, tool.Name)
		snapshots[tool.Name] = out.Bytes()
	}
	return names, snapshots, nil
}

// AssembleToolsList is SplitToolsList's inverse: the tools/list result
// holding the snapshots in the order given, indented by two spaces with a
// final newline, as `lofty-mcp tools --json` prints it.
func AssembleToolsList(snapshots [][]byte) ([]byte, error) {
	var compact bytes.Buffer
	compact.WriteString(`{"tools":[`)
	for i, s := range snapshots {
		if i > 0 {
			compact.WriteByte(',')
		}
		if err := json.Compact(&compact, s); err != nil {
			return nil, fmt.Errorf("snapshot %d: %w", i, err)
		}
	}
	compact.WriteString(`]}`)
	var out bytes.Buffer
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// ReadToolsList reads the snapshots of the named tools from dir and
// assembles them in the order given.
func ReadToolsList(dir string, names []string) ([]byte, error) {
	var snaps [][]byte
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, SnapshotFile(n)))
		if err != nil {
			return nil, fmt.Errorf("%w (run: go generate ./...)", err)
		}
		snaps = append(snaps, b)
	}
	return AssembleToolsList(snaps)
}

// ManifestTool is one entry of an MCP bundle manifest's "tools" list.
type ManifestTool struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// ReplaceManifestTools returns manifest (an MCP bundle manifest.json,
// indented by two spaces) with the value of its top-level "tools" member
// replaced by list; every other byte stays as written.
func ReplaceManifestTools(manifest []byte, list []ManifestTool) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(manifest))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("manifest is not a JSON object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("manifest: %w", err)
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, fmt.Errorf("manifest: %w", err)
		}
		if tok != "tools" {
			continue
		}
		end := int(dec.InputOffset())
		start := end - len(bytes.TrimSpace(value))
		if start < 0 || manifest[start] != '[' {
			return nil, fmt.Errorf("manifest: tools is not an array")
		}
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("  ", "  ")
		if err := enc.Encode(list); err != nil {
			return nil, err
		}
		rendered := bytes.TrimSuffix(out.Bytes(), []byte("\n"))
		return slices.Concat(manifest[:start], rendered, manifest[end:]), nil
	}
	return nil, fmt.Errorf("manifest has no top-level tools member")
}

// FirstSentence is s up to the end of its first sentence: a period followed
// by a space and a capital letter ("e.g." and "i.e." do not end one).
func FirstSentence(s string) string {
	for i := 0; i+2 < len(s); i++ {
		if s[i] != '.' || s[i+1] != ' ' || !unicode.IsUpper(rune(s[i+2])) {
			continue
		}
		if before := strings.ToLower(s[max(0, i-3):i]); strings.HasSuffix(before, "e.g") || strings.HasSuffix(before, "i.e") {
			continue
		}
		return s[:i+1]
	}
	return s
}

// SnapshotDir holds one file per tool, relative to the repository root:
// its exact tools/list entry.
const SnapshotDir = "tools/testdata/snapshots"
