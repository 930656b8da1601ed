// Package image builds lofty-mcp's container image with no Docker daemon:
// an OCI image FROM scratch per platform (the static binary, /etc/passwd and
// /etc/group naming the non-root user, nothing else), gathered in one
// multi-platform OCI index. The same code writes the OCI layout CI checks
// and pushes the index a release publishes.
package image

import (
	"encoding/pem"

	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"golang.org/x/crypto/x509roots/fallback/bundle"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// What every lofty-mcp image is. Check verifies each of these.
const (
	// BinaryPath is where the binary sits; Entrypoint runs it.
	BinaryPath = "/usr/local/bin/lofty-mcp"
	// UID and GID are the non-root user the process runs as (the
	// "nonroot" user of distroless images). Numeric in the image config, so
	// Kubernetes' runAsNonRoot can verify it without an /etc/passwd lookup.
	UID = 65532
	GID = 65532
	// Port is the port `lofty-mcp http` listens on in the container.
	Port = 8080
	// ListenAddr is the image's LOFTY_MCP_ADDR: every interface (IPv4 and
	// IPv6), so the port is reachable from outside the container. lofty-mcp
	// refuses a non-loopback address without LOFTY_MCP_AUTH_TOKEN (or
	// --insecure-no-auth), so the image still never serves unauthenticated
	// by accident.
	ListenAddr = ":8080"

	// Repository is where releases publish the image.
	Repository = "ghcr.io/lofty-mcp/lofty-mcp"
	// Source is the project's repository, for the OCI source label (GitHub
	// links the package to it).
	Source = "https://github.com/lofty-mcp/lofty-mcp"

	// LabelServerName is the label the MCP registry reads to verify that an
	// OCI package belongs to the server.json naming it.
	LabelServerName = "io.modelcontextprotocol.server.name"
)

// Entrypoint is the image's entrypoint: the HTTP server. Arguments given to
// `docker run IMAGE ...` are appended (flags may follow the command).
func Entrypoint() []string { return []string{BinaryPath, "http"} }

// Env is the image's environment.
func Env() []string {
	return []string{"PATH=/usr/local/bin", "LOFTY_MCP_ADDR=" + ListenAddr}
}

// User is the image config's user, uid:gid.
func User() string { return strconv.Itoa(UID) + ":" + strconv.Itoa(GID) }

// ExposedPort is the image config's exposed port.
func ExposedPort() string { return strconv.Itoa(Port) + "/tcp" }

// Meta describes one build: what the labels say.
type Meta struct {
	Version     string    // lofty-mcp's version, as --version prints it
	Revision    string    // the commit it was built from
	Created     time.Time // the commit's time, so builds are reproducible
	ServerName  string    // server.json's name (the MCP registry's ownership label)
	Description string
	Licenses    string // SPDX expression; left out when empty
}

// DefaultDescription is the image's description label.
const DefaultDescription = "MCP server for the Lofty real-estate CRM Open API: lofty-mcp http (Streamable HTTP and SSE) on port 8080"

// Labels are the config labels (and index/manifest annotations) for m.
func Labels(m Meta) map[string]string {
	l := map[string]string{
		"org.opencontainers.image.title":       "lofty-mcp",
		"org.opencontainers.image.description": m.Description,
		"org.opencontainers.image.source":      Source,
		"org.opencontainers.image.url":         Source + "#run-it-as-a-service",
		"org.opencontainers.image.version":     m.Version,
		"org.opencontainers.image.revision":    m.Revision,
		"org.opencontainers.image.created":     m.Created.UTC().Format(time.RFC3339),
		LabelServerName:                        m.ServerName,
	}
	if l["org.opencontainers.image.description"] == "" {
		l["org.opencontainers.image.description"] = DefaultDescription
	}
	if m.Licenses != "" {
		l["org.opencontainers.image.licenses"] = m.Licenses
	}
	return l
}

// Binary is one platform's lofty-mcp binary.
type Binary struct {
	Platform v1.Platform
	Path     string
}

// tagPattern is what a registry accepts as a tag (the OCI distribution
// specification): no "+", so no semantic version with build metadata.
var tagPattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$`)

// CheckTag reports why tag cannot name an image in a registry, or nil.
func CheckTag(tag string) error {
	if !tagPattern.MatchString(tag) {
		return fmt.Errorf("%q is not a valid image tag: letters, digits, _, . and - only (no +), at most 128, not starting with . or -", tag)
	}
	return nil
}

func (m Meta) validate() error {
	switch {
	case m.Version == "":
		return fmt.Errorf("no version given")
	case CheckTag(m.Version) != nil:
		// The version names the image in its OCI layout and is the tag a
		// release pushes.
		return fmt.Errorf("version: %w", CheckTag(m.Version))
	case m.Revision == "":
		return fmt.Errorf("no revision (commit) given")
	case m.Created.IsZero():
		return fmt.Errorf("no creation time given (the commit's time)")
	case m.ServerName == "":
		return fmt.Errorf("no MCP server name given (server.json's name)")
	}
	return nil
}

// Index builds one image per binary and gathers them in an OCI index.
func Index(bins []Binary, m Meta) (v1.ImageIndex, error) {
	if len(bins) == 0 {
		return nil, fmt.Errorf("no binaries to build images from")
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, b := range bins {
		if seen[b.Platform.String()] {
			return nil, fmt.Errorf("two binaries for %s", b.Platform.String())
		}
		seen[b.Platform.String()] = true
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, b := range bins {
		img, err := Image(b, m)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", b.Platform.String(), err)
		}
		p := b.Platform
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: &p},
		})
	}
	return mutate.Annotations(idx, Labels(m)).(v1.ImageIndex), nil
}

// Image builds the image for one platform.
func Image(b Binary, m Meta) (v1.Image, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	if b.Platform.OS != "linux" {
		return nil, fmt.Errorf("images are linux only, got %s", b.Platform.String())
	}
	bin, err := os.ReadFile(b.Path)
	if err != nil {
		return nil, fmt.Errorf("read the binary: %w", err)
	}
	// What Check would refuse in the image, refused here: a binary for
	// another platform, dynamically linked, or not built as a release is.
	var r Result
	checkBinary(bin, b.Platform, b.Platform.String(), b.Path, &r)
	if len(r.Problems) > 0 {
		return nil, errors.New(strings.Join(r.Problems, "; "))
	}
	layerTar, err := rootFS(bin, m.Created)
	if err != nil {
		return nil, err
	}
	// Compressed once, here, at the best level: the layer's digest and every
	// upload then read these bytes.
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // a valid level: no error
	if _, err := zw.Write(layerTar); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(
		func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(gz.Bytes())), nil },
		tarball.WithMediaType(types.OCILayer),
	)
	if err != nil {
		return nil, err
	}

	created := v1.Time{Time: m.Created.UTC()}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   created,
			CreatedBy: "lofty-mcp deploy/cmd/lofty-mcp-image",
			Comment:   "lofty-mcp " + m.Version + ", /etc/passwd, /etc/group",
		},
	})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Created = created
	cf.OS = b.Platform.OS
	cf.Architecture = b.Platform.Architecture
	cf.Variant = b.Platform.Variant
	cf.Config = v1.Config{
		User:         User(),
		Entrypoint:   Entrypoint(),
		Env:          Env(),
		ExposedPorts: map[string]struct{}{ExposedPort(): {}},
		WorkingDir:   "/",
		Labels:       Labels(m),
		StopSignal:   "SIGTERM",
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, err
	}
	return mutate.Annotations(img, Labels(m)).(v1.Image), nil
}

// CABundlePath is where the image keeps its CA roots: the first place Go's
// crypto/x509 looks on Linux, so lofty-mcp verifies Lofty's certificate
// with no bundle linked into the binary.
const CABundlePath = "/etc/ssl/certs/ca-certificates.crt"

// caBundle is Mozilla's root certificates as the Go project publishes them
// (golang.org/x/crypto/x509roots/fallback, pinned by go.sum), in PEM: the
// unconstrained ones, since a PEM file cannot carry a distrust-after date.
func caBundle() []byte {
	var b bytes.Buffer
	for r := range bundle.Roots() {
		if r.Constraint == nil {
			_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: r.Certificate})
		}
	}
	return b.Bytes()
}

// passwd and group name root and the non-root user; neither has a shell
// (there is none in the image).
var (
	passwd = fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/home/nonroot:/sbin/nologin\n", UID, GID)
	group  = fmt.Sprintf("root:x:0:\nnonroot:x:%d:\n", GID)
)

// RootFS lists what the layer holds: path (no leading slash) to mode.
// Everything is owned by root, so the non-root user can change nothing.
func RootFS() map[string]os.FileMode {
	return map[string]os.FileMode{
		"etc/":           os.ModeDir | 0o755,
		"etc/group":      0o644,
		"etc/passwd":     0o644,
		"etc/ssl/":       os.ModeDir | 0o755,
		"etc/ssl/certs/": os.ModeDir | 0o755,
		CABundlePath[1:]: 0o644,
		"usr/":           os.ModeDir | 0o755,
		"usr/local/":     os.ModeDir | 0o755,
		"usr/local/bin/": os.ModeDir | 0o755,
		BinaryPath[1:]:   0o755,
	}
}

// rootFS is the layer's uncompressed tar: every entry root-owned, stamped
// with the commit time, in a fixed order.
func rootFS(bin []byte, mtime time.Time) ([]byte, error) {
	contents := map[string][]byte{
		"etc/passwd":     []byte(passwd),
		"etc/group":      []byte(group),
		CABundlePath[1:]: caBundle(),
		BinaryPath[1:]:   bin,
	}
	fs := RootFS()
	names := make([]string, 0, len(fs))
	for n := range fs {
		names = append(names, n)
	}
	slices.Sort(names)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, n := range names {
		mode := fs[n]
		h := &tar.Header{
			Name:    n,
			Mode:    int64(mode.Perm()),
			ModTime: mtime.UTC().Truncate(time.Second),
			Uname:   "root",
			Gname:   "root",
		}
		if mode.IsDir() {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(contents[n]))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if !mode.IsDir() {
			if _, err := tw.Write(contents[n]); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteLayout writes idx as an OCI image layout in dir (created if
// missing), its one entry named by version (org.opencontainers.image.ref.name),
// as skopeo copy oci:DIR:VERSION and crane push --index expect.
func WriteLayout(dir string, idx v1.ImageIndex, version string) error {
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	return p.AppendIndex(idx, layout.WithAnnotations(map[string]string{RefName: version}))
}
