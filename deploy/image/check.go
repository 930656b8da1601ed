package image

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/x509"
	"debug/buildinfo"
	"debug/elf"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Want is what an image must be beyond what every lofty-mcp image is (the
// constants and functions of image.go).
type Want struct {
	Version    string        // the version label and what --version prints; "" accepts any
	ServerName string        // server.json's name: the MCP registry's ownership label
	Platforms  []v1.Platform // exactly these platforms; nil accepts any
	// Run runs the binary of the host's platform, unpacked from its layer:
	// --version, /healthz on a loopback port, and the refusal to serve on
	// the image's address without a token.
	Run bool
}

// Result is what a check found.
type Result struct {
	OK       []string // what was checked and holds
	Problems []string // what is wrong
}

func (r *Result) ok(format string, args ...any) { r.OK = append(r.OK, fmt.Sprintf(format, args...)) }
func (r *Result) fail(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// RefName is the OCI layout annotation naming the index (its version).
const RefName = "org.opencontainers.image.ref.name"

// CheckLayout checks the OCI layout Write made: one multi-platform index,
// tagged with its version, and every image in it. An error means the layout
// could not be read; problems with the image are in the Result.
func CheckLayout(ctx context.Context, dir string, want Want) (*Result, error) {
	top, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, err
	}
	im, err := top.IndexManifest()
	if err != nil {
		return nil, err
	}
	r := &Result{}
	if len(im.Manifests) != 1 || im.Manifests[0].MediaType != types.OCIImageIndex {
		r.fail("%s/index.json must hold one OCI image index, holds %d entries", dir, len(im.Manifests))
		return r, nil
	}
	d := im.Manifests[0]
	if want.Version != "" && d.Annotations[RefName] != want.Version {
		r.fail("%s/index.json: %s is %q, want %q", dir, RefName, d.Annotations[RefName], want.Version)
	}
	idx, err := top.ImageIndex(d.Digest)
	if err != nil {
		return nil, err
	}
	CheckIndex(ctx, idx, want, r)
	return r, nil
}

// CheckIndex checks a multi-platform index and every image in it, adding
// to r.
func CheckIndex(ctx context.Context, idx v1.ImageIndex, want Want, r *Result) {
	im, err := idx.IndexManifest()
	if err != nil {
		r.fail("index manifest: %v", err)
		return
	}
	if im.MediaType != types.OCIImageIndex {
		r.fail("index media type %q, want %q", im.MediaType, types.OCIImageIndex)
	}
	var platforms []string
	for _, d := range im.Manifests {
		if d.Platform == nil {
			r.fail("index entry %s has no platform", d.Digest)
			continue
		}
		platforms = append(platforms, d.Platform.String())
	}
	if want.Platforms != nil {
		var wantP []string
		for _, p := range want.Platforms {
			wantP = append(wantP, p.String())
		}
		slices.Sort(wantP)
		got := slices.Sorted(slices.Values(platforms))
		if !slices.Equal(got, wantP) {
			r.fail("platforms %v, want %v", got, wantP)
		}
	}
	if len(im.Manifests) == 0 {
		r.fail("the index holds no image")
	}
	if want.Run && !slices.ContainsFunc(im.Manifests, func(d v1.Descriptor) bool {
		return d.Platform != nil && d.Platform.OS == runtime.GOOS && d.Platform.Architecture == runtime.GOARCH
	}) {
		r.fail("no image for this machine (%s/%s) to run the binary of; check on linux/amd64 or linux/arm64", runtime.GOOS, runtime.GOARCH)
	}
	for _, d := range im.Manifests {
		if d.Platform == nil {
			continue
		}
		img, err := idx.Image(d.Digest)
		if err != nil {
			r.fail("%s: %v", d.Platform, err)
			continue
		}
		checkImage(ctx, img, *d.Platform, want, r)
	}
	// The index carries the labels as annotations (what registries such as
	// ghcr.io show for a multi-platform package).
	checkLabels("index annotations", im.Annotations, want, r)
}

// checkImage checks one platform's image.
func checkImage(ctx context.Context, img v1.Image, p v1.Platform, want Want, r *Result) {
	name := p.String()
	m, err := img.Manifest()
	if err != nil {
		r.fail("%s: manifest: %v", name, err)
		return
	}
	if m.MediaType != types.OCIManifestSchema1 || m.Config.MediaType != types.OCIConfigJSON {
		r.fail("%s: media types %q / %q, want OCI (%q / %q)", name, m.MediaType, m.Config.MediaType, types.OCIManifestSchema1, types.OCIConfigJSON)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		r.fail("%s: config: %v", name, err)
		return
	}
	if cf.OS != p.OS || cf.Architecture != p.Architecture || cf.Variant != p.Variant {
		r.fail("%s: the config says %s/%s/%s", name, cf.OS, cf.Architecture, cf.Variant)
	}
	c := cf.Config

	// The user: numeric, not root.
	uid, gid, ok := parseUser(c.User)
	switch {
	case !ok:
		r.fail("%s: user %q is not numeric uid:gid (Kubernetes runAsNonRoot can only verify a numeric user)", name, c.User)
	case uid == 0 || gid == 0:
		r.fail("%s: user %q is root", name, c.User)
	case c.User != User():
		r.fail("%s: user %q, want %q", name, c.User, User())
	default:
		r.ok("%s: user %s (non-root, numeric)", name, c.User)
	}

	if slices.Equal(c.Entrypoint, Entrypoint()) && len(c.Cmd) == 0 {
		r.ok("%s: entrypoint %q", name, c.Entrypoint)
	} else {
		r.fail("%s: entrypoint %q cmd %q, want entrypoint %q and no cmd", name, c.Entrypoint, c.Cmd, Entrypoint())
	}
	if slices.Equal(c.Env, Env()) {
		r.ok("%s: env %q", name, c.Env)
	} else {
		r.fail("%s: env %q, want %q (no credentials, tokens or keys are ever baked in)", name, c.Env, Env())
	}
	if _, ok := c.ExposedPorts[ExposedPort()]; ok && len(c.ExposedPorts) == 1 {
		r.ok("%s: exposes %s", name, ExposedPort())
	} else {
		r.fail("%s: exposed ports %v, want only %s", name, slices.Sorted(maps.Keys(c.ExposedPorts)), ExposedPort())
	}
	checkLabels(name+": labels", c.Labels, want, r)
	if created := c.Labels["org.opencontainers.image.created"]; created != cf.Created.UTC().Format(time.RFC3339) {
		r.fail("%s: created label %q but config created %s", name, created, cf.Created.UTC().Format(time.RFC3339))
	}
	checkLabels(name+": manifest annotations", m.Annotations, want, r)

	bin := checkFiles(img, name, r)
	if bin == nil {
		return
	}
	checkBinary(bin, p, name, BinaryPath, r)
	if want.Run && p.OS == runtime.GOOS && p.Architecture == runtime.GOARCH {
		runBinary(ctx, bin, c, name, c.Labels["org.opencontainers.image.version"], r)
	}
}

var sha1Hex = regexp.MustCompile(`^[0-9a-f]{40}$`)

func checkLabels(where string, l map[string]string, want Want, r *Result) {
	n := len(r.Problems)
	for _, k := range []string{
		"org.opencontainers.image.title", "org.opencontainers.image.description",
		"org.opencontainers.image.source", "org.opencontainers.image.url",
		"org.opencontainers.image.version", "org.opencontainers.image.revision",
		"org.opencontainers.image.created", LabelServerName,
	} {
		if l[k] == "" {
			r.fail("%s: no %s", where, k)
		}
	}
	if l["org.opencontainers.image.title"] != "lofty-mcp" {
		r.fail("%s: title %q, want lofty-mcp", where, l["org.opencontainers.image.title"])
	}
	if l["org.opencontainers.image.source"] != Source {
		r.fail("%s: source %q, want %q", where, l["org.opencontainers.image.source"], Source)
	}
	if want.Version != "" && l["org.opencontainers.image.version"] != want.Version {
		r.fail("%s: version %q, want %q", where, l["org.opencontainers.image.version"], want.Version)
	}
	if !sha1Hex.MatchString(l["org.opencontainers.image.revision"]) {
		r.fail("%s: revision %q is not a commit id", where, l["org.opencontainers.image.revision"])
	}
	if _, err := time.Parse(time.RFC3339, l["org.opencontainers.image.created"]); err != nil {
		r.fail("%s: created %q is not an RFC 3339 time", where, l["org.opencontainers.image.created"])
	}
	if want.ServerName != "" && l[LabelServerName] != want.ServerName {
		r.fail("%s: %s is %q, want server.json's name %q (the MCP registry refuses the package otherwise)", where, LabelServerName, l[LabelServerName], want.ServerName)
	}
	if len(r.Problems) == n {
		r.ok("%s: title, description, source, url, version %s, revision %s, created %s, %s=%s",
			where, l["org.opencontainers.image.version"], l["org.opencontainers.image.revision"],
			l["org.opencontainers.image.created"], LabelServerName, l[LabelServerName])
	}
}

func parseUser(u string) (uid, gid int, ok bool) {
	a, b, found := strings.Cut(u, ":")
	if !found {
		return 0, 0, false
	}
	uid, err1 := strconv.Atoi(a)
	gid, err2 := strconv.Atoi(b)
	return uid, gid, err1 == nil && err2 == nil
}

// shells are the names no file in the image may have.
var shells = []string{"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox", "toybox"}

// checkFiles reads every layer: the files must be exactly RootFS, owned by
// root, with no shell and no setuid bits. It returns the binary.
func checkFiles(img v1.Image, name string, r *Result) []byte {
	layers, err := img.Layers()
	if err != nil {
		r.fail("%s: layers: %v", name, err)
		return nil
	}
	var compressed, uncompressed int64
	got := map[string]os.FileMode{}
	var bin, passwdFile, caFile []byte
	n := len(r.Problems)
	for _, l := range layers {
		size, err := l.Size()
		if err != nil {
			r.fail("%s: layer size: %v", name, err)
			return nil
		}
		compressed += size
		rc, err := l.Uncompressed()
		if err != nil {
			r.fail("%s: layer: %v", name, err)
			return nil
		}
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				rc.Close()
				r.fail("%s: layer tar: %v", name, err)
				return nil
			}
			p := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
			mode := os.FileMode(h.Mode).Perm()
			switch h.Typeflag {
			case tar.TypeDir:
				p += "/"
				mode |= os.ModeDir
			case tar.TypeReg:
			default:
				r.fail("%s: %s is not a regular file or directory (type %q)", name, h.Name, h.Typeflag)
			}
			if h.Mode&(04000|02000|01000) != 0 {
				r.fail("%s: %s has setuid, setgid or sticky bits (mode %o)", name, h.Name, h.Mode)
			}
			if h.Uid != 0 || h.Gid != 0 {
				r.fail("%s: %s is owned by %d:%d, want root (the process's user must not be able to change it)", name, h.Name, h.Uid, h.Gid)
			}
			if slices.Contains(shells, path.Base(p)) {
				r.fail("%s: the image has a shell: /%s", name, p)
			}
			got[p] = mode
			b, err := io.ReadAll(tr)
			if err != nil {
				rc.Close()
				r.fail("%s: read %s: %v", name, h.Name, err)
				return nil
			}
			uncompressed += int64(len(b))
			switch "/" + p {
			case BinaryPath:
				bin = b
			case "/etc/passwd":
				passwdFile = b
			case CABundlePath:
				caFile = b
			}
		}
		rc.Close()
	}
	if want := RootFS(); !maps.Equal(got, want) {
		r.fail("%s: files %v, want exactly %v", name, fileList(got), fileList(want))
	}
	if !bytes.Contains(passwdFile, []byte(fmt.Sprintf(":x:%d:%d:", UID, GID))) {
		r.fail("%s: /etc/passwd does not name user %d", name, UID)
	}
	if n := caCertificates(caFile); n < 100 {
		r.fail("%s: %s holds %d CA certificates, want the Mozilla roots (100 or more): without them lofty-mcp cannot verify Lofty's TLS certificate", name, CABundlePath, n)
	}
	if len(r.Problems) == n {
		r.ok("%s: files %v, all root-owned; no shell", name, fileList(got))
		r.ok("%s: %d layer(s), %s compressed, %s uncompressed", name, len(layers), mb(compressed), mb(uncompressed))
	}
	return bin
}

func fileList(m map[string]os.FileMode) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, fmt.Sprintf("/%s(%o)", k, m[k].Perm()))
	}
	return out
}

func mb(n int64) string { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }

var elfMachine = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}

// checkBinary checks the binary is for p, static, and built as a release is.
func checkBinary(bin []byte, p v1.Platform, name, file string, r *Result) {
	n := len(r.Problems)
	f, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		r.fail("%s: %s is not an ELF binary: %v", name, file, err)
		return
	}
	if want, ok := elfMachine[p.Architecture]; !ok || f.Machine != want {
		r.fail("%s: %s is for %s", name, file, f.Machine)
	}
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			r.fail("%s: %s is dynamically linked (it has an interpreter); the image has no libc", name, file)
		}
	}
	bi, err := buildinfo.Read(bytes.NewReader(bin))
	if err != nil {
		r.fail("%s: %s has no Go build info: %v", name, file, err)
		return
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	for k, v := range map[string]string{"CGO_ENABLED": "0", "-trimpath": "true", "GOOS": "linux", "GOARCH": p.Architecture} {
		if settings[k] != v {
			r.fail("%s: %s was built with %s=%q, want %q", name, file, k, settings[k], v)
		}
	}
	if bi.Path != "github.com/lofty-mcp/lofty-mcp" {
		r.fail("%s: %s is %s, not lofty-mcp", name, file, bi.Path)
	}
	if len(r.Problems) == n {
		r.ok("%s: %s is a static %s ELF binary (CGO_ENABLED=0, -trimpath, %s)", name, file, f.Machine, bi.GoVersion)
	}
}

// runBinary runs the unpacked binary as the image would: its entrypoint,
// its environment and nothing else.
func runBinary(ctx context.Context, bin []byte, c v1.Config, name, version string, r *Result) {
	dir, err := os.MkdirTemp("", "lofty-mcp-image-")
	if err != nil {
		r.fail("%s: %v", name, err)
		return
	}
	defer os.RemoveAll(dir)
	exe := filepath.Join(dir, path.Base(BinaryPath))
	if err := os.WriteFile(exe, bin, 0o755); err != nil {
		r.fail("%s: %v", name, err)
		return
	}
	// The entrypoint, with the unpacked binary in place of BinaryPath.
	argv := func(extra ...string) []string { return append(append([]string{exe}, c.Entrypoint[1:]...), extra...) }
	command := func(ctx context.Context, args []string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Env = slices.Clone(c.Env)
		cmd.Dir = dir
		cmd.WaitDelay = 5 * time.Second
		return cmd
	}

	// docker run IMAGE --version
	{
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		var stdout, stderr bytes.Buffer
		cmd := command(ctx, argv("--version"))
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		cancel()
		want := "lofty-mcp " + version + "\n"
		if err != nil || stdout.String() != want {
			r.fail("%s: `%s --version`: %v, printed %q (stderr %q), want %q", name, strings.Join(c.Entrypoint, " "), err, stdout.String(), stderr.String(), want)
		} else {
			r.ok("%s: `%s --version` prints %q", name, strings.Join(c.Entrypoint, " "), strings.TrimSpace(want))
		}
	}

	// The image's own environment and no token: it must refuse to start.
	{
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		var stderr bytes.Buffer
		cmd := command(ctx, argv())
		cmd.Stderr = &stderr
		err := cmd.Run()
		timedOut := ctx.Err() != nil
		cancel()
		var ee *exec.ExitError
		const refusal = "refusing to listen on a non-loopback address without authentication"
		switch {
		case timedOut:
			r.fail("%s: with the image's environment and no LOFTY_MCP_AUTH_TOKEN, lofty-mcp did not refuse to start; it ran until killed", name)
		case !errors.As(err, &ee) || ee.ExitCode() != 2:
			r.fail("%s: with the image's environment and no token, exit %v, want exit status 2 (stderr %q)", name, err, stderr.String())
		case !strings.Contains(stderr.String(), refusal) || !strings.Contains(stderr.String(), "LOFTY_MCP_AUTH_TOKEN"):
			r.fail("%s: with the image's environment and no token, stderr %q does not say %q and name LOFTY_MCP_AUTH_TOKEN", name, stderr.String(), refusal)
		default:
			r.ok("%s: with the image's environment (%s) and no token it refuses to start: exit 2, %q", name, strings.Join(c.Env, " "), refusal)
		}
	}

	// http on a free loopback port answers /healthz, and stops on SIGTERM.
	port, err := freePort()
	if err != nil {
		r.fail("%s: %v", name, err)
		return
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	runCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var stderr bytes.Buffer // read only once the process has been waited for
	cmd := command(runCtx, argv("--addr", addr))
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		r.fail("%s: start: %v", name, err)
		return
	}
	done := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(done) }()
	status, body, err := pollHealthz(runCtx, "http://"+addr+"/healthz", done)
	if err != nil || status != http.StatusOK || strings.TrimSpace(body) != `{"status":"ok"}` {
		_ = cmd.Process.Kill()
		<-done
		r.fail("%s: `http --addr %s`: GET /healthz: status %d body %q err %v (exit: %v); stderr:\n%s", name, addr, status, body, err, waitErr, stderr.String())
		return
	}
	r.ok("%s: `%s --addr %s` answers GET /healthz 200 %s", name, strings.Join(c.Entrypoint, " "), addr, strings.TrimSpace(body))
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
		if waitErr != nil {
			r.fail("%s: after SIGTERM: %v; stderr:\n%s", name, waitErr, stderr.String())
		} else {
			r.ok("%s: SIGTERM stops it, exit 0", name)
		}
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		r.fail("%s: still running 20s after SIGTERM; stderr:\n%s", name, stderr.String())
	}
}

// pollHealthz asks url until it answers or the process exits.
func pollHealthz(ctx context.Context, url string, exited <-chan struct{}) (int, string, error) {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, string(b), nil
		}
		select {
		case <-exited:
			return 0, "", errors.New("lofty-mcp exited before answering")
		case <-ctx.Done():
			return 0, "", ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return 0, "", fmt.Errorf("no answer within 20s: %v", err)
		}
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// caCertificates counts the certificates of a PEM bundle that parse.
func caCertificates(pemData []byte) int {
	n := 0
	for {
		var b *pem.Block
		b, pemData = pem.Decode(pemData)
		if b == nil {
			return n
		}
		if _, err := x509.ParseCertificate(b.Bytes); err == nil && b.Type == "CERTIFICATE" {
			n++
		}
	}
}
