package tools

// `go generate ./...` derives everything else a tool needs from its Spec
// value. The registry comes first and from source only, so that the second
// step builds with the current set of specs.
//go:generate go run ../internal/genregistry
//go:generate go run ../internal/gendocs -root ..

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/lofty-mcp/lofty-mcp/internal/toolgen"
)

// Files derived from the specs, relative to the repository root.
const (
	ReadmeFile   = "README.md"
	ManifestFile = "mcpb/manifest.json"
	// SnapshotDir holds one file per tool: its exact tools/list entry.
	SnapshotDir = "tools/testdata/snapshots"
)

// GeneratedFiles returns the files derived from the tool specs, keyed by
// path relative to the repository root (slash-separated): README.md with its
// tool section, mcpb/manifest.json with its tools list (the tools the bundle
// serves: the default toolsets'), and one tools/list snapshot per tool in
// SnapshotDir. root is the repository root, whose README and manifest are
// read. The registry (zz_generated_registry.go) is generated from source by
// internal/toolgen instead.
func GeneratedFiles(root string) (map[string][]byte, error) {
	files := map[string][]byte{}

	readme, err := os.ReadFile(filepath.Join(root, ReadmeFile))
	if err != nil {
		return nil, err
	}
	section, err := Docs()
	if err != nil {
		return nil, err
	}
	if files[ReadmeFile], err = ReplaceDocs(readme, section); err != nil {
		return nil, fmt.Errorf("%s: %w", ReadmeFile, err)
	}

	manifest, err := os.ReadFile(filepath.Join(root, ManifestFile))
	if err != nil {
		return nil, err
	}
	served, err := Select(nil, nil)
	if err != nil {
		return nil, err
	}
	var list []toolgen.ManifestTool
	for _, t := range served {
		info := t.Info()
		list = append(list, toolgen.ManifestTool{Name: info.Name, Description: toolgen.FirstSentence(info.Description)})
	}
	if files[ManifestFile], err = toolgen.ReplaceManifestTools(manifest, list); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestFile, err)
	}

	result, err := ToolsListResult(All())
	if err != nil {
		return nil, err
	}
	_, snapshots, err := toolgen.SplitToolsList(result)
	if err != nil {
		return nil, err
	}
	for name, snap := range snapshots {
		files[SnapshotDir+"/"+toolgen.SnapshotFile(name)] = snap
	}
	return files, nil
}

// ToolsListResult is the tools/list result of a server serving ts, exactly
// as it is sent (compact JSON).
func ToolsListResult(ts []Tool) (json.RawMessage, error) {
	s, err := NewServer(nil, Options{Tools: ts})
	if err != nil {
		return nil, err
	}
	resp := s.HandleMessage(context.Background(), []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}`))
	raw, err := json.Marshal(resp)
	if err != nil {
		return nil, err
	}
	var env struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(raw, &env); err != nil || len(env.Result) == 0 {
		return nil, fmt.Errorf("tools/list gave no result: %.200s", raw)
	}
	return env.Result, nil
}

// GeneratedDiff compares GeneratedFiles(root) with the files under root:
// stale are those that differ or are missing, extra the snapshot files of
// tools that do not exist; both relative to root, slash-separated, sorted.
func GeneratedDiff(root string) (files map[string][]byte, stale, extra []string, err error) {
	if files, err = GeneratedFiles(root); err != nil {
		return nil, nil, nil, err
	}
	for path, want := range files {
		got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(path)))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil, err
		}
		if !bytes.Equal(got, want) {
			stale = append(stale, path)
		}
	}
	entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(SnapshotDir)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, err
	}
	for _, e := range entries {
		if path := SnapshotDir + "/" + e.Name(); files[path] == nil {
			extra = append(extra, path)
		}
	}
	slices.Sort(stale)
	slices.Sort(extra)
	return files, stale, extra, nil
}
