//go:build npmpack

// The tests of the packed npm packages. They read the tarballs in npm/dist
// (LOFTY_NPM_DIST to look elsewhere), so make them first; scripts/check-ship
// npm does both:
//
//	scripts/npm-pack && go test -tags npmpack -count=1 ./npm/
//
// They are behind the npmpack build tag because they cross-compile six
// binaries and run npm installs: `go test ./...` (scripts/test) stays quick.
package npm_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/npm"
)

var (
	repoRoot string         // the module root
	distDir  string         // where the tarballs are
	version  string         // server.json's version: every package's and the binary's
	tarballs []*npm.Tarball // everything in distDir
)

// serverJSON is the part of server.json that names the npm package.
type serverJSON struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Packages []struct {
		RegistryType string `json:"registryType"`
		Identifier   string `json:"identifier"`
		Version      string `json:"version"`
	} `json:"packages"`
}

func readServerJSON() (serverJSON, error) {
	var s serverJSON
	data, err := os.ReadFile(filepath.Join(repoRoot, "server.json"))
	if err != nil {
		return s, err
	}
	return s, json.Unmarshal(data, &s)
}

func TestMain(m *testing.M) {
	if err := setup(); err != nil {
		fmt.Fprintln(os.Stderr, "npm tests:", err)
		os.Exit(1)
	}
	code := m.Run()
	cleanupInstalls()
	os.Exit(code)
}

func setup() error {
	root, err := filepath.Abs("..")
	if err != nil {
		return err
	}
	repoRoot = root
	distDir = os.Getenv("LOFTY_NPM_DIST")
	if distDir == "" {
		distDir = filepath.Join(repoRoot, "npm", "dist")
	}
	s, err := readServerJSON()
	if err != nil {
		return fmt.Errorf("server.json: %w", err)
	}
	version = s.Version
	tarballs, err = npm.ReadDist(distDir)
	return err
}

var (
	installOnce sync.Once
	installed   *npm.Installed
	installErr  error
	installTmp  string
)

// hostInstall is lofty-mcp installed with npm, from the launcher's and this
// platform's tarballs, into an empty project (once, shared by the tests).
func hostInstall(t *testing.T) *npm.Installed {
	t.Helper()
	installOnce.Do(func() {
		host, err := npm.HostPlatform()
		if err != nil {
			installErr = err
			return
		}
		launcher, platform := npm.Find(tarballs, npm.LauncherName), npm.Find(tarballs, host.Package())
		if launcher == nil || platform == nil {
			installErr = fmt.Errorf("%s lacks the %s or the %s tarball: run scripts/npm-pack", distDir, npm.LauncherName, host.Package())
			return
		}
		if installTmp, installErr = os.MkdirTemp("", "lofty-mcp-npm-"); installErr != nil {
			return
		}
		installed, installErr = npm.Install(filepath.Join(installTmp, "project"), []string{launcher.File, platform.File})
	})
	if installErr != nil {
		t.Fatal(installErr)
	}
	return installed
}

func cleanupInstalls() {
	if installed != nil {
		installed.Close()
	}
	if installTmp != "" {
		os.RemoveAll(installTmp)
	}
}
