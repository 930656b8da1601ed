// Command lofty-mcp-image builds, checks and pushes lofty-mcp's container
// image without a Docker daemon (package image says what the image is).
//
//	lofty-mcp-image build --dist ../dist --out DIR      # after goreleaser build
//	lofty-mcp-image build --binary linux/amd64=PATH --binary linux/arm64/v8=PATH \
//	    --version V --push REPO --tag T ...                # a release's publisher
//	lofty-mcp-image check --layout DIR --server-json ../server.json
//
// build takes the linux binaries GoReleaser built: those --dist's
// artifacts.json lists (written by `goreleaser build`; a release writes it
// only after publishing), or each --binary. It refuses a binary that is not
// a static Go build of lofty-mcp for its platform. check exits 1 naming every
// problem it found.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/lofty-mcp/lofty-mcp/deploy/image"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage:
  lofty-mcp-image build (--dist DIR | --binary PLATFORM=PATH ...) [--out DIR] [--push REPO --tag TAG ...] [flags]
  lofty-mcp-image check --layout DIR --server-json FILE [--version V] [--platforms P,...]
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "build":
		err = build(ctx, args[1:], stdout, stderr)
	case "check":
		err = check(ctx, args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "lofty-mcp-image: unknown command %q\n%s", args[0], usage)
		return 2
	}
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "lofty-mcp-image: %v\n%s", err, usage)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "lofty-mcp-image: %v\n", err)
		return 1
	}
	return 0
}

type usageError struct{ error }

type tagsFlag []string

func (t *tagsFlag) String() string { return strings.Join(*t, ",") }
func (t *tagsFlag) Set(v string) error {
	if err := image.CheckTag(v); err != nil {
		return err
	}
	*t = append(*t, v)
	return nil
}

type binariesFlag []image.Binary

func (b *binariesFlag) String() string { return fmt.Sprint(*b) }
func (b *binariesFlag) Set(v string) error {
	plat, path, ok := strings.Cut(v, "=")
	if !ok || path == "" {
		return fmt.Errorf("want PLATFORM=PATH such as linux/amd64=dist/lofty-mcp_linux_amd64_v1/lofty-mcp, got %q", v)
	}
	p, err := v1.ParsePlatform(plat)
	if err != nil {
		return err
	}
	*b = append(*b, image.Binary{Platform: *p, Path: path})
	return nil
}

func build(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dist := fs.String("dist", "", "GoReleaser's dist directory after `goreleaser build` of linux targets: the binaries its artifacts.json lists")
	var binaries binariesFlag
	fs.Var(&binaries, "binary", "a platform's binary, `PLATFORM=PATH` (repeatable; instead of --dist)")
	version := fs.String("version", "", "version label (default: dist/metadata.json's version; required with --binary)")
	revision := fs.String("revision", "", "commit label (default: dist/metadata.json's commit, else git rev-parse HEAD)")
	created := fs.String("created", "", "creation time, Unix seconds or RFC 3339 (default: $SOURCE_DATE_EPOCH, else the commit's time)")
	serverJSON := fs.String("server-json", "", "server.json, for the MCP registry's ownership label (default: the repository's)")
	licenses := fs.String("licenses", "", "SPDX license expression label (left out when empty)")
	out := fs.String("out", "", "write the images as an OCI image layout in this directory")
	push := fs.String("push", "", "push the multi-platform index to this repository, e.g. "+image.Repository)
	var tags tagsFlag
	fs.Var(&tags, "tag", "tag to push under (repeatable; at least one with --push)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Errorf("build takes no arguments, got %q", fs.Args())}
	case (*dist == "") == (len(binaries) == 0):
		return usageError{errors.New("give either --dist or --binary")}
	case len(binaries) > 0 && *version == "":
		return usageError{errors.New("--binary needs --version")}
	case *out == "" && *push == "":
		return usageError{errors.New("give --out, --push or both")}
	case *push != "" && len(tags) == 0:
		return usageError{errors.New("--push needs at least one --tag")}
	case *push == "" && len(tags) > 0:
		return usageError{errors.New("--tag needs --push")}
	}

	m := image.Meta{Version: *version, Revision: *revision, Licenses: *licenses}
	d := image.Dist{Binaries: binaries}
	root, err := git(".", "rev-parse", "--show-toplevel")
	if *dist != "" {
		if d, err = image.ReadDist(*dist); err != nil {
			return err
		}
		root = filepath.Dir(filepath.Clean(*dist))
	}
	if err != nil {
		return err
	}
	if m.Version == "" {
		m.Version = d.Version
	}
	if m.Revision == "" && regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(d.Commit) {
		m.Revision = d.Commit
	}
	if m.Revision == "" {
		if m.Revision, err = git(root, "rev-parse", "HEAD"); err != nil {
			return fmt.Errorf("no --revision and %w", err)
		}
	}
	if m.Created, err = creationTime(*created, root, m.Revision); err != nil {
		return err
	}
	if *serverJSON == "" {
		*serverJSON = filepath.Join(root, "server.json")
	}
	s, err := image.ReadServerJSON(*serverJSON)
	if err != nil {
		return err
	}
	m.ServerName = s.Name

	idx, err := image.Index(d.Binaries, m)
	if err != nil {
		return err
	}
	if err := describe(idx, m, stdout); err != nil {
		return err
	}
	if *out != "" {
		if err := image.WriteLayout(*out, idx, m.Version); err != nil {
			return fmt.Errorf("write %s: %w", *out, err)
		}
		fmt.Fprintf(stdout, "wrote OCI layout %s (%s)\n", *out, m.Version)
	}
	if *push != "" {
		digest, err := image.Push(ctx, idx, *push, tags, remote.WithAuthFromKeychain(image.Keychain(os.Getenv)))
		if err != nil {
			return err
		}
		for _, t := range tags {
			fmt.Fprintf(stdout, "pushed %s:%s@%s\n", *push, t, digest)
		}
	}
	return nil
}

// describe prints the index digest and each platform's image digest and
// compressed size.
func describe(idx v1.ImageIndex, m image.Meta, w io.Writer) error {
	digest, err := idx.Digest()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "lofty-mcp %s (revision %s, created %s): index %s\n", m.Version, m.Revision, m.Created.UTC().Format(time.RFC3339), digest)
	im, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	for _, d := range im.Manifests {
		img, err := idx.Image(d.Digest)
		if err != nil {
			return err
		}
		layers, err := img.Layers()
		if err != nil {
			return err
		}
		var size int64
		for _, l := range layers {
			n, err := l.Size()
			if err != nil {
				return err
			}
			size += n
		}
		fmt.Fprintf(w, "  %-14s %s  %d layer(s), %.2f MB compressed\n", d.Platform.String(), d.Digest, len(layers), float64(size)/1e6)
	}
	return nil
}

func creationTime(flagValue, root, revision string) (time.Time, error) {
	v, from := flagValue, "--created"
	if v == "" {
		v, from = os.Getenv("SOURCE_DATE_EPOCH"), "SOURCE_DATE_EPOCH"
	}
	if v == "" {
		out, err := git(root, "show", "-s", "--format=%ct", revision)
		if err != nil {
			return time.Time{}, fmt.Errorf("no --created or SOURCE_DATE_EPOCH, and %w", err)
		}
		v, from = out, "the commit's time"
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(secs, 0).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is neither Unix seconds nor an RFC 3339 time", from, v)
	}
	return t.UTC(), nil
}

func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s in %s: %v", strings.Join(args, " "), dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func check(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("layout", "", "the OCI image layout `build --out` wrote (required)")
	serverJSON := fs.String("server-json", "", "server.json (required)")
	version := fs.String("version", "", "the version the image must carry (default: any)")
	platforms := fs.String("platforms", "", "comma-separated platforms the index must hold exactly, e.g. linux/amd64,linux/arm64/v8 (default: any)")
	runIt := fs.Bool("run", true, "run the binary of this machine's platform, unpacked from its layer")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Errorf("check takes no arguments, got %q", fs.Args())}
	case *dir == "" || *serverJSON == "":
		return usageError{errors.New("--layout and --server-json are required")}
	}
	want := image.Want{Version: *version, Run: *runIt}
	if *platforms != "" {
		for _, p := range strings.Split(*platforms, ",") {
			pl, err := v1.ParsePlatform(strings.TrimSpace(p))
			if err != nil {
				return usageError{fmt.Errorf("--platforms: %w", err)}
			}
			want.Platforms = append(want.Platforms, *pl)
		}
	}
	s, err := image.ReadServerJSON(*serverJSON)
	if err != nil {
		return err
	}
	want.ServerName = s.Name
	r, err := image.CheckLayout(ctx, *dir, want)
	if err != nil {
		return err
	}
	image.CheckServerJSON(s, r)
	for _, l := range r.OK {
		fmt.Fprintf(stdout, "ok: %s\n", l)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(stderr, "FAIL: %s\n", p)
	}
	if len(r.Problems) > 0 {
		return fmt.Errorf("%s: %d problem(s)", *dir, len(r.Problems))
	}
	return nil
}
