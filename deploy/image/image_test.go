package image

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const testVersion = "1.2.3-test"

var testMeta = Meta{
	Version:    testVersion,
	Revision:   "0123456789abcdef0123456789abcdef01234567",
	Created:    time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC),
	ServerName: "io.github.lofty-mcp/lofty-mcp",
}

// The platforms releases publish; the host's is the one whose binary runs.
var (
	amd64 = v1.Platform{OS: "linux", Architecture: "amd64"}
	arm64 = v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}
)

func hostPlatform(t *testing.T) v1.Platform {
	t.Helper()
	switch {
	case runtime.GOOS == "linux" && runtime.GOARCH == "amd64":
		return amd64
	case runtime.GOOS == "linux" && runtime.GOARCH == "arm64":
		return arm64
	}
	t.Skipf("the image's binary runs on linux/amd64 and linux/arm64; this is %s/%s", runtime.GOOS, runtime.GOARCH)
	return v1.Platform{}
}

// lofty-mcp built from this repository for both platforms as a release
// builds it (the flags of .goreleaser.yaml), and the index of both images:
// once per test run.
var (
	buildOnce sync.Once
	buildDir  string
	bins      []Binary
	testIdx   v1.ImageIndex
	buildErr  error
)

func built(t *testing.T) ([]Binary, v1.ImageIndex) {
	t.Helper()
	hostPlatform(t)
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "lofty-mcp-image-test-")
		if buildErr != nil {
			return
		}
		for _, p := range []v1.Platform{amd64, arm64} {
			out := filepath.Join(buildDir, p.Architecture, "lofty-mcp")
			cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+testVersion, "-o", out, ".")
			cmd.Dir = "../.."
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+p.Architecture, "GOFLAGS=-buildvcs=false")
			if msg, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go build lofty-mcp for %s: %v\n%s", p.String(), err, msg)
				return
			}
			bins = append(bins, Binary{Platform: p, Path: out})
		}
		testIdx, buildErr = Index(bins, testMeta)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return bins, testIdx
}

func binaryFor(t *testing.T, p v1.Platform) Binary {
	t.Helper()
	bs, _ := built(t)
	for _, b := range bs {
		if b.Platform.String() == p.String() {
			return b
		}
	}
	t.Fatalf("no binary for %s", p.String())
	return Binary{}
}

// imageFor is p's image in the test index.
func imageFor(t *testing.T, p v1.Platform) v1.Image {
	t.Helper()
	_, idx := built(t)
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range im.Manifests {
		if d.Platform.String() == p.String() {
			img, err := idx.Image(d.Digest)
			if err != nil {
				t.Fatal(err)
			}
			return img
		}
	}
	t.Fatalf("no image for %s", p.String())
	return nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func mustIndex(t *testing.T, bins []Binary, m Meta) v1.ImageIndex {
	t.Helper()
	idx, err := Index(bins, m)
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

func digest(t *testing.T, d interface{ Digest() (v1.Hash, error) }) v1.Hash {
	t.Helper()
	h, err := d.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// The images built from real lofty-mcp binaries pass every check, running
// the host's binary included; the build is reproducible.
func TestImagesBuiltFromLoftyMCPPassCheck(t *testing.T) {
	host := hostPlatform(t)
	_, idx := built(t)
	dir := t.TempDir()
	if err := WriteLayout(dir, idx, testVersion); err != nil {
		t.Fatal(err)
	}
	r, err := CheckLayout(context.Background(), dir, Want{
		Version: testVersion, ServerName: testMeta.ServerName, Platforms: []v1.Platform{amd64, arm64}, Run: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Problems {
		t.Errorf("problem: %s", p)
	}
	for _, want := range []string{
		"linux/amd64: user 65532:65532", "linux/arm64/v8: user 65532:65532", "no shell",
		"linux/amd64: /usr/local/bin/lofty-mcp is a static EM_X86_64", "linux/arm64/v8: /usr/local/bin/lofty-mcp is a static EM_AARCH64",
		host.String() + ": `/usr/local/bin/lofty-mcp http --version` prints", "refuses to start", "answers GET /healthz 200", "SIGTERM stops it",
	} {
		if !containsAny(r.OK, want) {
			t.Errorf("no check passed saying %q; passed:\n%s", want, strings.Join(r.OK, "\n"))
		}
	}
	// The check refuses an index without the platforms it wants.
	r, err = CheckLayout(context.Background(), dir, Want{Platforms: []v1.Platform{amd64}})
	if err != nil {
		t.Fatal(err)
	}
	if !containsAny(r.Problems, "platforms [linux/amd64 linux/arm64/v8], want [linux/amd64]") {
		t.Errorf("want a platform problem, got %q", r.Problems)
	}

	again, err := Image(binaryFor(t, host), testMeta)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := digest(t, imageFor(t, host)), digest(t, again); a != b {
		t.Errorf("two builds of the same binary and metadata differ: %s, %s", a, b)
	}
}

func containsAny(lines []string, sub string) bool {
	for _, l := range lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

// Push uploads the multi-platform index under every tag; a client pulls
// back the same index and resolves it to its platform's image.
func TestPushToRegistry(t *testing.T) {
	host := hostPlatform(t)
	_, idx := built(t)
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	repo := strings.TrimPrefix(srv.URL, "http://") + "/lofty-mcp/lofty-mcp"
	ctx := context.Background()
	d, err := Push(ctx, idx, repo, []string{testVersion, "latest"})
	if err != nil {
		t.Fatal(err)
	}
	if want := digest(t, idx); d != want {
		t.Fatalf("Push returned %s, index is %s", d, want)
	}
	for _, tag := range []string{testVersion, "latest"} {
		ref, err := name.ParseReference(repo + ":" + tag)
		if err != nil {
			t.Fatal(err)
		}
		desc, err := remote.Get(ref, remote.WithContext(ctx))
		if err != nil {
			t.Fatalf("pull %s: %v", ref, err)
		}
		if desc.Digest != d || desc.MediaType != types.OCIImageIndex {
			t.Errorf("%s is %s (%s), want the pushed index %s", ref, desc.Digest, desc.MediaType, d)
		}
	}
	ref, _ := name.ParseReference(repo + ":" + testVersion)
	for _, p := range []v1.Platform{amd64, arm64} {
		img, err := remote.Image(ref, remote.WithContext(ctx), remote.WithPlatform(p))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := digest(t, img), digest(t, imageFor(t, p)); got != want {
			t.Errorf("a %s client pulled %s, want %s", p.String(), got, want)
		}
	}
	pulled, err := remote.Index(ref, remote.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	r := &Result{}
	CheckIndex(ctx, pulled, Want{Version: testVersion, ServerName: testMeta.ServerName, Platforms: []v1.Platform{host}}, r)
	if len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "platforms [linux/amd64 linux/arm64/v8], want ["+host.String()+"]") {
		t.Errorf("the pulled index: want only the platform list flagged, got %q", r.Problems)
	}

	if _, err := Push(ctx, idx, repo, nil); err == nil {
		t.Error("Push with no tag succeeded")
	}
	if _, err := Push(ctx, idx, "Not A Repo!", []string{"x"}); err == nil {
		t.Error("Push to an invalid repository name succeeded")
	}
}

// Each way an image can be wrong is reported, naming what is wrong.
func TestCheckFindsProblems(t *testing.T) {
	host := hostPlatform(t)
	good := imageFor(t, host)
	withConfig := func(f func(*v1.Config)) v1.Image {
		cf, err := good.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		cf = cf.DeepCopy()
		f(&cf.Config)
		img, err := mutate.ConfigFile(good, cf)
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	shellLayer := func() v1.Image {
		tarBytes, err := tarOf(map[string]string{"bin/sh": "#!"})
		if err != nil {
			t.Fatal(err)
		}
		img, err := mutate.AppendLayers(good, staticLayer(t, tarBytes))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	for _, tc := range []struct {
		name     string
		img      v1.Image
		platform v1.Platform
		want     string
	}{
		{"root user", withConfig(func(c *v1.Config) { c.User = "0:0" }), host, `user "0:0" is root`},
		{"named user", withConfig(func(c *v1.Config) { c.User = "nonroot" }), host, `user "nonroot" is not numeric`},
		{"no user", withConfig(func(c *v1.Config) { c.User = "" }), host, `user "" is not numeric`},
		{"stdio entrypoint", withConfig(func(c *v1.Config) { c.Entrypoint = []string{BinaryPath} }), host, "want entrypoint"},
		{"cmd", withConfig(func(c *v1.Config) { c.Cmd = []string{"--demo"} }), host, "and no cmd"},
		{"baked-in key", withConfig(func(c *v1.Config) { c.Env = append(c.Env, "LOFTY_API_KEY=k") }), host, "no credentials"},
		{"loopback address", withConfig(func(c *v1.Config) { c.Env = []string{"PATH=/usr/local/bin", "LOFTY_MCP_ADDR=127.0.0.1:8080"} }), host, "LOFTY_MCP_ADDR=127.0.0.1:8080"},
		{"other port", withConfig(func(c *v1.Config) { c.ExposedPorts = map[string]struct{}{"9090/tcp": {}} }), host, "want only 8080/tcp"},
		{"no ownership label", withConfig(func(c *v1.Config) { delete(c.Labels, LabelServerName) }), host, "labels: no " + LabelServerName},
		{"other server's label", withConfig(func(c *v1.Config) { c.Labels[LabelServerName] = "io.github.someone/else" }), host, "want server.json's name"},
		{"short revision", withConfig(func(c *v1.Config) { c.Labels["org.opencontainers.image.revision"] = "abc123" }), host, `revision "abc123" is not a commit id`},
		{"other version", withConfig(func(c *v1.Config) { c.Labels["org.opencontainers.image.version"] = "9.9.9" }), host, `version "9.9.9", want "1.2.3-test"`},
		{"shell", shellLayer(), host, "the image has a shell: /bin/sh"},
		{"wrong machine", good, otherPlatform(host), "/usr/local/bin/lofty-mcp is for"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Result{}
			checkImage(context.Background(), tc.img, tc.platform, Want{Version: testVersion, ServerName: testMeta.ServerName}, r)
			if !containsAny(r.Problems, tc.want) {
				t.Errorf("no problem saying %q; problems: %q", tc.want, r.Problems)
			}
		})
	}
	// The good image has none.
	r := &Result{}
	checkImage(context.Background(), good, host, Want{Version: testVersion, ServerName: testMeta.ServerName}, r)
	if len(r.Problems) > 0 {
		t.Errorf("the good image has problems: %q", r.Problems)
	}
}

func otherPlatform(p v1.Platform) v1.Platform {
	if p.Architecture == "arm64" {
		return amd64
	}
	return arm64
}

func TestIndexRefusesBadInput(t *testing.T) {
	p := amd64
	for _, tc := range []struct {
		name string
		bins []Binary
		m    Meta
		want string
	}{
		{"no binaries", nil, testMeta, "no binaries"},
		{"no version", []Binary{{Platform: p, Path: "x"}}, Meta{Revision: "r", Created: time.Now(), ServerName: "n"}, "no version"},
		{"no server name", []Binary{{Platform: p, Path: "x"}}, Meta{Version: "1", Revision: "r", Created: time.Now()}, "server name"},
		{"version not a tag", []Binary{{Platform: p, Path: "x"}}, Meta{Version: "0.1.1-snapshot+0123abc", Revision: "r", Created: time.Now(), ServerName: "n"},
			`version: "0.1.1-snapshot+0123abc" is not a valid image tag`},
		{"windows", []Binary{{Platform: v1.Platform{OS: "windows", Architecture: "amd64"}, Path: "x"}}, testMeta, "linux only"},
		{"twice", []Binary{{Platform: p, Path: "x"}, {Platform: p, Path: "x"}}, testMeta, "two binaries"},
		{"missing binary", []Binary{{Platform: p, Path: filepath.Join(t.TempDir(), "none")}}, testMeta, "read the binary"},
		{"not a binary", []Binary{{Platform: p, Path: "image_test.go"}}, testMeta, "image_test.go is not an ELF binary"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Index(tc.bins, tc.m)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Index: %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// Image refuses a binary that is not for its platform.
func TestImageRefusesAnotherPlatformsBinary(t *testing.T) {
	for _, p := range []v1.Platform{amd64, arm64} {
		other := otherPlatform(p)
		_, err := Image(Binary{Platform: p, Path: binaryFor(t, other).Path}, testMeta)
		if err == nil || !strings.Contains(err.Error(), "was built with GOARCH=\""+other.Architecture+"\"") {
			t.Errorf("a %s binary as %s: %v", other.Architecture, p.String(), err)
		}
	}
}

func TestReadDist(t *testing.T) {
	dir := t.TempDir()
	dist := filepath.Join(dir, "dist")
	write := func(name, content string) {
		t.Helper()
		if err := os.MkdirAll(dist, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dist, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("metadata.json", `{"project_name":"lofty-mcp","version":"1.2.3","commit":"0123456789abcdef0123456789abcdef01234567"}`)
	write("artifacts.json", `[
	 {"name":"metadata.json","path":"dist/metadata.json","type":"Metadata"},
	 {"name":"lofty-mcp","path":"dist/lofty-mcp_linux_arm64_v8.0/lofty-mcp","goos":"linux","goarch":"arm64","goarm64":"v8.0","type":"Binary","extra":{"ID":"lofty-mcp"}},
	 {"name":"lofty-mcp","path":"dist/lofty-mcp_linux_amd64_v1/lofty-mcp","goos":"linux","goarch":"amd64","goamd64":"v1","type":"Binary","extra":{"ID":"lofty-mcp"}},
	 {"name":"lofty-mcp","path":"dist/lofty-mcp_darwin_arm64_v8.0/lofty-mcp","goos":"darwin","goarch":"arm64","goarm64":"v8.0","type":"Binary","extra":{"ID":"lofty-mcp"}},
	 {"name":"other","path":"dist/other_linux_amd64_v1/other","goos":"linux","goarch":"amd64","goamd64":"v1","type":"Binary","extra":{"ID":"other"}},
	 {"name":"lofty-mcp_1.2.3_linux_amd64.tar.gz","path":"dist/lofty-mcp_1.2.3_linux_amd64.tar.gz","goos":"linux","goarch":"amd64","type":"Archive","extra":{"ID":"lofty-mcp"}}
	]`)
	d, err := ReadDist(dist)
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != "1.2.3" || !strings.HasPrefix(d.Commit, "0123") {
		t.Errorf("version %q commit %q", d.Version, d.Commit)
	}
	want := []Binary{
		{Platform: v1.Platform{OS: "linux", Architecture: "amd64"}, Path: filepath.Join(dir, "dist/lofty-mcp_linux_amd64_v1/lofty-mcp")},
		{Platform: v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}, Path: filepath.Join(dir, "dist/lofty-mcp_linux_arm64_v8.0/lofty-mcp")},
	}
	if len(d.Binaries) != len(want) {
		t.Fatalf("binaries %+v, want %+v", d.Binaries, want)
	}
	for i := range want {
		if d.Binaries[i].Platform.String() != want[i].Platform.String() || d.Binaries[i].Path != want[i].Path {
			t.Errorf("binary %d: %+v, want %+v", i, d.Binaries[i], want[i])
		}
	}

	write("artifacts.json", `[{"path":"dist/x/lofty-mcp","goos":"linux","goarch":"amd64","goamd64":"v3","type":"Binary","extra":{"ID":"lofty-mcp"}}]`)
	if _, err := ReadDist(dist); err == nil || !strings.Contains(err.Error(), "GOAMD64=v3") {
		t.Errorf("a GOAMD64=v3 binary: %v", err)
	}
	write("artifacts.json", `[{"path":"dist/x/lofty-mcp","goos":"darwin","goarch":"amd64","type":"Binary","extra":{"ID":"lofty-mcp"}}]`)
	if _, err := ReadDist(dist); err == nil || !strings.Contains(err.Error(), "no linux binary") {
		t.Errorf("no linux binary: %v", err)
	}
	if _, err := ReadDist(filepath.Join(dir, "nothing")); err == nil {
		t.Error("a missing dist directory was read")
	}
}

// The repository's server.json names the image as releases push it.
func TestServerJSONNamesTheImage(t *testing.T) {
	s, err := ReadServerJSON("../../server.json")
	if err != nil {
		t.Fatal(err)
	}
	r := &Result{}
	CheckServerJSON(s, r)
	if len(r.Problems) > 0 {
		t.Errorf("server.json: %q", r.Problems)
	}

	bad := s
	bad.Packages = append(bad.Packages[:0:0], s.Packages...)
	for i := range bad.Packages {
		if bad.Packages[i].RegistryType == "oci" {
			bad.Packages[i].Identifier = Repository + ":0.0.0"
			bad.Packages[i].Version = "0.0.0"
		}
	}
	r = &Result{}
	CheckServerJSON(bad, r)
	if !containsAny(r.Problems, "want \""+Repository+":"+s.Version+"\"") || !containsAny(r.Problems, "must not have registryBaseUrl, version") {
		t.Errorf("a stale identifier and a version field: %q", r.Problems)
	}
}

func TestKeychainUsesGitHubTokenForGHCROnly(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir()) // no docker credentials
	env := map[string]string{"GITHUB_TOKEN": "ghs_secret", "GITHUB_ACTOR": "octocat"}
	kc := Keychain(func(k string) string { return env[k] })
	auth := func(ref string) authn.AuthConfig {
		t.Helper()
		r, err := name.NewRepository(ref)
		if err != nil {
			t.Fatal(err)
		}
		a, err := kc.Resolve(r)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := a.Authorization()
		if err != nil {
			t.Fatal(err)
		}
		return *cfg
	}
	if got := auth("ghcr.io/lofty-mcp/lofty-mcp"); got.Username != "octocat" || got.Password != "ghs_secret" {
		t.Errorf("ghcr.io: %q / (password %v)", got.Username, got.Password == "ghs_secret")
	}
	if got := auth("docker.io/library/x"); got.Password != "" || got.Username != "" {
		t.Error("the GitHub token was offered to docker.io")
	}
	delete(env, "GITHUB_TOKEN")
	if got := auth("ghcr.io/lofty-mcp/lofty-mcp"); got.Password != "" {
		t.Error("no token set, yet a password was offered")
	}
}

func tarOf(files map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for n, c := range files {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o755, Size: int64(len(c)), Typeflag: tar.TypeReg}); err != nil {
			return nil, err
		}
		if _, err := tw.Write([]byte(c)); err != nil {
			return nil, err
		}
	}
	err := tw.Close()
	return buf.Bytes(), err
}

func staticLayer(t *testing.T, tarBytes []byte) v1.Layer {
	t.Helper()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(tarBytes)), nil },
		tarball.WithMediaType(types.OCILayer))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestCheckTag(t *testing.T) {
	for tag, ok := range map[string]bool{
		"1.2.3": true, "0.1.1-snapshot-0123abc": true, "latest": true, "1.2.3-rc.1": true, "_x": true,
		"1.2.3+abc": false, "": false, ".x": false, "-x": false, "a/b": false, "a:b": false, strings.Repeat("1", 129): false,
	} {
		if err := CheckTag(tag); (err == nil) != ok {
			t.Errorf("CheckTag(%q) = %v, want ok %v", tag, err, ok)
		}
	}
}

// TestSnapshotVersionIsATag: GoReleaser's snapshot version (.goreleaser.yaml
// snapshot.version_template) names the image scripts/check-ship builds from
// a snapshot, so it must be a valid tag: semver build metadata (+commit) is
// not.
func TestSnapshotVersionIsATag(t *testing.T) {
	b, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, snapshot, ok := strings.Cut(string(b), "\nsnapshot:\n")
	m := regexp.MustCompile(`(?m)^\s+version_template:\s*"([^"]*)"`).FindStringSubmatch(snapshot)
	if !ok || m == nil {
		t.Fatal(".goreleaser.yaml has no snapshot.version_template")
	}
	// The fields it may use, as GoReleaser fills them for an untagged tree.
	version := strings.NewReplacer("{{ incpatch .Version }}", "0.0.1", "{{ .Version }}", "0.0.0", "{{ .ShortCommit }}", "0123abc",
		"{{ .Commit }}", "0123abc0123abc0123abc0123abc0123abc0123a").Replace(m[1])
	if strings.Contains(version, "{{") {
		t.Fatalf("snapshot.version_template %q uses a field this test does not fill: add it", m[1])
	}
	if err := CheckTag(version); err != nil {
		t.Errorf("snapshot.version_template %q gives %v", m[1], err)
	}
}
