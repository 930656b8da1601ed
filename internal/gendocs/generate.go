package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/lofty-mcp/lofty-mcp/internal/toolgen"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/schema"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// Files derived from the specs, relative to the repository root.
const (
	readmeFile   = "README.md"
	manifestFile = "mcpb/manifest.json"
	schemasPath  = "tools/zz_generated_schemas.go"
	// documentFile is Lofty's OpenAPI document, as the repository keeps it.
	documentFile = "lofty/testdata/lofty-openapi.json"
)

// generatedFiles returns the files derived from the tool specs, keyed by
// path relative to the repository root (slash-separated): README.md with
// its tool and coverage sections, mcpb/manifest.json with its tools list
// (the tools the bundle serves: the default toolsets'), and one tools/list
// snapshot per tool in toolgen.SnapshotDir, and tools/zz_generated_schemas.go
// (the schemas the server uses instead of reflecting at start). root is the
// repository root, whose README, manifest and OpenAPI document are read.
// The registry (tools/zz_generated_registry.go) is generated from source by
// internal/genregistry instead.
func generatedFiles(root string) (map[string][]byte, error) {
	// Everything below sees the structs as they are now, not the schemas
	// the last run generated: one run brings every file up to date.
	stop := schema.Record()
	files, err := generatedFromSpecs(root)
	if err == nil {
		err = recordSchemas()
	}
	rec := stop()
	if err != nil {
		return nil, err
	}
	if files[schemasPath], err = schemasFile(rec); err != nil {
		return nil, err
	}
	return files, nil
}

func generatedFromSpecs(root string) (map[string][]byte, error) {
	files := map[string][]byte{}

	readme, err := os.ReadFile(filepath.Join(root, readmeFile))
	if err != nil {
		return nil, err
	}
	text, err := toolsDocs()
	if err != nil {
		return nil, err
	}
	if readme, err = replaceSection(readme, toolsSection, text); err != nil {
		return nil, fmt.Errorf("%s: %w", readmeFile, err)
	}
	doc, err := os.ReadFile(filepath.Join(root, documentFile))
	if err != nil {
		return nil, err
	}
	if text, err = coverageDocs(doc); err != nil {
		return nil, fmt.Errorf("%s: %w", documentFile, err)
	}
	if files[readmeFile], err = replaceSection(readme, coverageSection, text); err != nil {
		return nil, fmt.Errorf("%s: %w", readmeFile, err)
	}

	manifest, err := os.ReadFile(filepath.Join(root, manifestFile))
	if err != nil {
		return nil, err
	}
	served, err := tools.Select(nil, nil)
	if err != nil {
		return nil, err
	}
	var list []toolgen.ManifestTool
	for _, t := range served {
		info := t.Info()
		list = append(list, toolgen.ManifestTool{Name: info.Name, Description: toolgen.FirstSentence(info.Description)})
	}
	if files[manifestFile], err = toolgen.ReplaceManifestTools(manifest, list); err != nil {
		return nil, fmt.Errorf("%s: %w", manifestFile, err)
	}

	result, err := mcpserver.ToolsListResult(tools.All())
	if err != nil {
		return nil, err
	}
	_, snapshots, err := toolgen.SplitToolsList(result)
	if err != nil {
		return nil, err
	}
	for name, snap := range snapshots {
		files[toolgen.SnapshotDir+"/"+toolgen.SnapshotFile(name)] = snap
	}
	return files, nil
}

// generatedDiff compares generatedFiles(root) with the files under root:
// stale are those that differ or are missing, extra the snapshot files of
// tools that do not exist; both relative to root, slash-separated, sorted.
func generatedDiff(root string) (files map[string][]byte, stale, extra []string, err error) {
	if files, err = generatedFiles(root); err != nil {
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
	entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(toolgen.SnapshotDir)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, err
	}
	for _, e := range entries {
		if path := toolgen.SnapshotDir + "/" + e.Name(); files[path] == nil {
			extra = append(extra, path)
		}
	}
	slices.Sort(stale)
	slices.Sort(extra)
	return files, stale, extra, nil
}
