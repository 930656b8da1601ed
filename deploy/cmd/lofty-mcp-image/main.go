// Command lofty-mcp-image builds, checks and pushes lofty-mcp's container
// image without a Docker daemon (package image says what the image is).
//
//	lofty-mcp-image build --dist ../dist --out DIR                 # an OCI layout
//	lofty-mcp-image build --dist ../dist --push REPO --tag T ...   # a release
//	lofty-mcp-image check --layout DIR --server-json ../server.json
//
// build takes the linux binaries a GoReleaser run left in --dist (its
// artifacts.json and metadata.json), so the image holds exactly the release's
// binaries. check exits 1 naming every problem it found.
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

	"github.com/google/go-containerregistry/pkg/v1/remote"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/lofty-mcp/lofty-mcp/deploy/image"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage:
  lofty-mcp-image build --dist DIR [--out DIR] [--push REPO --tag TAG ...] [flags]
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

func (t *tagsFlag) String() string     { return strings.Join(*t, ",") }
func (t *tagsFlag) Set(v string) error { *t = append(*t, v); return nil }

func build(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dist := fs.String("dist", "", "GoReleaser's dist directory, after a build of linux targets (required)")
	version := fs.String("version", "", "version label (default: dist/metadata.json's version)")
	revision := fs.String("revision", "", "commit label (default: dist/metadata.json's commit, else git rev-parse HEAD)")
	created := fs.String("created", "", "creation time, Unix seconds or RFC 3339 (default: $SOURCE_DATE_EPOCH, else the commit's time)")
	serverJSON := fs.String("server-json", "", "server.json, for the MCP registry's ownership label (default: server.json beside dist)")
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
	case *dist == "":
		return usageError{errors.New("--dist is required")}
	case *out == "" && *push == "":
		return usageError{errors.New("give --out, --push or both")}
	case *push != "" && len(tags) == 0:
		return usageError{errors.New("--push needs at least one --tag")}
	case *push == "" && len(tags) > 0:
		return usageError{errors.New("--tag needs --push")}
	}

	d, err := image.ReadDist(*dist)
	if err != nil {
		return err
	}
	root := filepath.Dir(filepath.Clean(*dist))
	m := image.Meta{Version: *version, Revision: *revision, Licenses: *licenses}
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
	s, err := image.ReadServerJSON(*serverJSON)
	if err != nil {
		return err
	}
	want := image.Want{Version: *version, ServerName: s.Name, Run: *runIt}
	if *platforms != "" {
		for _, p := range strings.Split(*platforms, ",") {
			pl, err := v1.ParsePlatform(strings.TrimSpace(p))
			if err != nil {
				return usageError{fmt.Errorf("--platforms: %w", err)}
			}
			want.Platforms = append(want.Platforms, *pl)
		}
	}
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
