//go:build npmpack

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/npm"
)

// The npx configurations, started as their clients start them: `npx -y
// lofty-mcp --demo`, in a project where npm installed lofty-mcp from the
// tarballs scripts/npm-pack made (npm/dist, or LOFTY_NPM_DIST), so npx finds
// the local install. npm's registry is a tripwire on loopback and npm is not
// told to stay offline: the test fails if npx asks any registry. Run by
// scripts/check-ship npm (go test -tags npmpack ./configs/).
func TestNpxConfigsStart(t *testing.T) {
	dist := os.Getenv("LOFTY_NPM_DIST")
	if dist == "" {
		dist = filepath.Join(repoRoot, "npm", "dist")
	}
	tarballs, err := npm.ReadDist(dist)
	if err != nil {
		t.Fatal(err)
	}
	host, err := npm.HostPlatform()
	if err != nil {
		t.Fatal(err)
	}
	launcher, platform := npm.Find(tarballs, npm.LauncherName), npm.Find(tarballs, host.Package())
	if launcher == nil || platform == nil {
		t.Fatalf("%s lacks the %s or %s tarball: run scripts/npm-pack", dist, npm.LauncherName, host.Package())
	}
	in, err := npm.Install(filepath.Join(t.TempDir(), "project"), []string{launcher.File, platform.File})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	installHits := len(in.Tripwire.Hits())

	for _, c := range npxConfigs {
		t.Run(c.client, func(t *testing.T) {
			s := c.load(t, c.npx)
			s.Dir = in.Dir
			env := map[string]string{}
			for k, v := range s.Env {
				env[k] = v
			}
			for _, kv := range in.Env {
				k, v, _ := strings.Cut(kv, "=")
				if strings.HasPrefix(k, "npm_config_") && k != "npm_config_offline" {
					env[k] = v
				}
			}
			s.Env = env
			runStdio(t, s)
		})
	}
	if hits := in.Tripwire.Hits()[installHits:]; len(hits) > 0 {
		t.Errorf("npx reached the registry: %v", hits)
	}
}
