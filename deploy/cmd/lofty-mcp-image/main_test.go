package main

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// The release publisher's command (.goreleaser.yaml): explicit --binary,
// --version, --revision, --created, --push with tags; then check reads back
// what build wrote.
func TestBuildFromBinariesPushAndCheck(t *testing.T) {
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skipf("the image runs on linux/amd64 and linux/arm64; this is %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	platform := "linux/amd64"
	if runtime.GOARCH == "arm64" {
		platform = "linux/arm64/v8"
	}
	bin := filepath.Join(t.TempDir(), "lofty-mcp")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version=2.0.0", "-o", bin, ".")
	build.Dir = "../../.."
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	repo := strings.TrimPrefix(srv.URL, "http://") + "/lofty-mcp/lofty-mcp"
	layout := filepath.Join(t.TempDir(), "oci")

	code, stdout, stderr := runCLI("build", "--binary", platform+"="+bin,
		"--version", "2.0.0", "--revision", "0123456789abcdef0123456789abcdef01234567", "--created", "1767225600",
		"--server-json", "../../../server.json", "--out", layout, "--push", repo, "--tag", "2.0.0", "--tag", "latest")
	if code != 0 {
		t.Fatalf("build: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"created 2026-01-01T00:00:00Z", platform, "wrote OCI layout", "pushed " + repo + ":2.0.0@sha256:", "pushed " + repo + ":latest@sha256:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("build output lacks %q:\n%s", want, stdout)
		}
	}
	for _, tag := range []string{"2.0.0", "latest"} {
		ref, _ := name.ParseReference(repo + ":" + tag)
		if _, err := remote.Index(ref); err != nil {
			t.Errorf("%s: %v", ref, err)
		}
	}

	code, stdout, stderr = runCLI("check", "--layout", layout, "--server-json", "../../../server.json", "--version", "2.0.0", "--platforms", platform)
	if code != 0 || stderr != "" {
		t.Fatalf("check: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"http --version` prints \"lofty-mcp 2.0.0\"", "refuses to start", "answers GET /healthz 200"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, stdout)
		}
	}
	// The same layout, checked for another version: exit 1, naming it.
	code, _, stderr = runCLI("check", "--layout", layout, "--server-json", "../../../server.json", "--version", "2.0.1", "--run=false")
	if code != 1 || !strings.Contains(stderr, `want "2.0.1"`) {
		t.Errorf("check of the wrong version: exit %d, stderr:\n%s", code, stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "usage:"},
		{[]string{"publish"}, `unknown command "publish"`},
		{[]string{"build", "--out", "x"}, "give either --dist or --binary"},
		{[]string{"build", "--dist", "d", "--binary", "linux/amd64=x", "--out", "x"}, "give either --dist or --binary"},
		{[]string{"build", "--dist", "d"}, "give --out, --push or both"},
		{[]string{"build", "--dist", "d", "--push", "example.com/x"}, "--push needs at least one --tag"},
		{[]string{"build", "--dist", "d", "--out", "x", "--tag", "1"}, "--tag needs --push"},
		{[]string{"build", "--dist", "d", "--push", "example.com/x", "--tag", "0.1.1-snapshot+0123abc"}, `"0.1.1-snapshot+0123abc" is not a valid image tag`},
		{[]string{"build", "--binary", "linux/amd64=x", "--out", "x"}, "--binary needs --version"},
		{[]string{"build", "--binary", "lofty-mcp", "--out", "x"}, "want PLATFORM=PATH"},
		{[]string{"build", "--dist", "d", "--out", "x", "extra"}, "build takes no arguments"},
		{[]string{"check", "--layout", "x"}, "--layout and --server-json are required"},
		{[]string{"check", "--layout", "x", "--server-json", "y", "--platforms", "a/b/c/d"}, "--platforms"},
	} {
		code, _, stderr := runCLI(tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 saying %q", tc.args, code, stderr, tc.want)
		}
	}
}
