package image

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// BuildID is the id of the GoReleaser build whose binaries go in the image
// (.goreleaser.yaml builds[].id).
const BuildID = "lofty-mcp"

// Dist is what a GoReleaser run left in its dist directory.
type Dist struct {
	Version  string   // metadata.json "version"
	Commit   string   // metadata.json "commit" ("none" in a snapshot without a git remote)
	Binaries []Binary // the linux binaries of BuildID, ordered by platform
}

// ReadDist reads dist/metadata.json and dist/artifacts.json, which GoReleaser
// writes after building; artifact paths are relative to dist's parent (the
// project root GoReleaser ran in).
func ReadDist(dist string) (Dist, error) {
	var d Dist
	var meta struct {
		Version string `json:"version"`
		Commit  string `json:"commit"`
	}
	if err := readJSON(filepath.Join(dist, "metadata.json"), &meta); err != nil {
		return d, err
	}
	d.Version, d.Commit = meta.Version, meta.Commit
	var arts []struct {
		Path    string         `json:"path"`
		Type    string         `json:"type"`
		Goos    string         `json:"goos"`
		Goarch  string         `json:"goarch"`
		Goamd64 string         `json:"goamd64"`
		Goarm64 string         `json:"goarm64"`
		Extra   map[string]any `json:"extra"`
	}
	if err := readJSON(filepath.Join(dist, "artifacts.json"), &arts); err != nil {
		return d, err
	}
	root := filepath.Dir(filepath.Clean(dist))
	for _, a := range arts {
		if a.Type != "Binary" || a.Goos != "linux" || a.Extra["ID"] != BuildID {
			continue
		}
		p, err := platformOf(a.Goarch, a.Goamd64, a.Goarm64)
		if err != nil {
			return d, fmt.Errorf("%s: %w", a.Path, err)
		}
		path := a.Path
		if !filepath.IsAbs(path) {
			path = filepath.Join(root, path)
		}
		d.Binaries = append(d.Binaries, Binary{Platform: p, Path: path})
	}
	if len(d.Binaries) == 0 {
		return d, fmt.Errorf("%s/artifacts.json lists no linux binary of build %q: build linux targets first (goreleaser build, or GOOS=linux with --single-target)", dist, BuildID)
	}
	slices.SortFunc(d.Binaries, func(a, b Binary) int { return strings.Compare(a.Platform.String(), b.Platform.String()) })
	return d, nil
}

// platformOf maps a Go target to its OCI platform. Only the baseline
// microarchitecture levels are published: an image for amd64 v3 would not
// run on every amd64 node, and OCI platforms cannot say so.
func platformOf(goarch, goamd64, goarm64 string) (v1.Platform, error) {
	switch goarch {
	case "amd64":
		if goamd64 != "" && goamd64 != "v1" {
			return v1.Platform{}, fmt.Errorf("GOAMD64=%s: images hold baseline (v1) amd64 binaries only", goamd64)
		}
		return v1.Platform{OS: "linux", Architecture: "amd64"}, nil
	case "arm64":
		if goarm64 != "" && goarm64 != "v8.0" {
			return v1.Platform{}, fmt.Errorf("GOARM64=%s: images hold baseline (v8.0) arm64 binaries only", goarm64)
		}
		return v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}, nil
	}
	return v1.Platform{}, fmt.Errorf("GOARCH=%s: images are built for amd64 and arm64 only", goarch)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
