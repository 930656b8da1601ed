// Package npm reads, serves and installs the npm tarballs that scripts/npm-pack
// writes to npm/dist, for the tests of lofty-mcp's npm packages (in this
// directory, and the npx client configurations in configs/). Everything runs
// the real npm client against loopback only: an install is made from the
// tarball files with the registry pointed at a tripwire that records any
// request, or from a small npm registry served on 127.0.0.1.
package npm

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
)

// LauncherName is the npm package holding the `lofty-mcp` command;
// ScopePrefix starts the name of every platform package.
const (
	LauncherName = "lofty-mcp"
	ScopePrefix  = "@lofty-mcp/"
)

// Platform is one platform package: the Go target its binary is built for
// and npm's names for that operating system and CPU.
type Platform struct {
	GOOS, GOARCH string
	OS, CPU      string // npm's process.platform and process.arch
}

// Package is the platform package's name, @lofty-mcp/<os>-<cpu>.
func (p Platform) Package() string { return ScopePrefix + p.OS + "-" + p.CPU }

// Exe is the binary's path inside the package.
func (p Platform) Exe() string {
	if p.GOOS == "windows" {
		return "bin/lofty-mcp.exe"
	}
	return "bin/lofty-mcp"
}

// Platforms are the six platform packages scripts/npm-pack makes.
var Platforms = []Platform{
	{"linux", "amd64", "linux", "x64"},
	{"linux", "arm64", "linux", "arm64"},
	{"darwin", "amd64", "darwin", "x64"},
	{"darwin", "arm64", "darwin", "arm64"},
	{"windows", "amd64", "win32", "x64"},
	{"windows", "arm64", "win32", "arm64"},
}

// HostPlatform is the platform package for the computer running the tests.
func HostPlatform() (Platform, error) {
	for _, p := range Platforms {
		if p.GOOS == runtime.GOOS && p.GOARCH == runtime.GOARCH {
			return p, nil
		}
	}
	return Platform{}, fmt.Errorf("no lofty-mcp npm platform package for %s/%s", runtime.GOOS, runtime.GOARCH)
}

// Manifest is the part of a package.json these tests look at.
type Manifest struct {
	Name                 string            `json:"name"`
	Version              string            `json:"version"`
	Description          string            `json:"description"`
	MCPName              string            `json:"mcpName"`
	OS                   []string          `json:"os"`
	CPU                  []string          `json:"cpu"`
	Files                []string          `json:"files"`
	Bin                  map[string]string `json:"bin"`
	Scripts              map[string]string `json:"scripts"`
	Dependencies         map[string]string `json:"dependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	PreferUnplugged      bool              `json:"preferUnplugged"`
}

// Entry is one file of a tarball.
type Entry struct {
	Mode int64
	Data []byte
}

// Tarball is one `npm pack` tarball.
type Tarball struct {
	File      string            // its path
	Data      []byte            // the .tgz as written
	Manifest  Manifest          // package/package.json
	Raw       map[string]any    // package/package.json, every field
	Entries   map[string]*Entry // by path below package/
	Integrity string            // sha512-<base64>, as npm writes it in lockfiles
	Shasum    string            // SHA-1, hex
}

// ReadDist reads every lofty-mcp*.tgz in dir.
func ReadDist(dir string) ([]*Tarball, error) {
	files, err := filepath.Glob(filepath.Join(dir, "lofty-mcp*.tgz"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no lofty-mcp*.tgz in %s: run scripts/npm-pack first", dir)
	}
	sort.Strings(files)
	var out []*Tarball
	for _, f := range files {
		t, err := ReadTarball(f)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// ReadTarball reads one npm tarball: every entry must be a regular file below package/.
func ReadTarball(file string) (*Tarball, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	t := &Tarball{File: file, Data: data, Entries: map[string]*Entry{}}
	sum512 := sha512.Sum512(data)
	sum1 := sha1.Sum(data)
	t.Integrity = "sha512-" + base64.StdEncoding.EncodeToString(sum512[:])
	t.Shasum = hex.EncodeToString(sum1[:])
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		name, ok := strings.CutPrefix(h.Name, "package/")
		if !ok || h.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("%s: entry %q (type %q): want regular files below package/", file, h.Name, h.Typeflag)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", file, h.Name, err)
		}
		t.Entries[name] = &Entry{Mode: h.Mode, Data: body}
	}
	pj, ok := t.Entries["package.json"]
	if !ok {
		return nil, fmt.Errorf("%s has no package/package.json", file)
	}
	if err := json.Unmarshal(pj.Data, &t.Manifest); err != nil {
		return nil, fmt.Errorf("%s: package.json: %w", file, err)
	}
	if err := json.Unmarshal(pj.Data, &t.Raw); err != nil {
		return nil, fmt.Errorf("%s: package.json: %w", file, err)
	}
	return t, nil
}

// Find returns the tarball of the named package, or nil.
func Find(ts []*Tarball, name string) *Tarball {
	for _, t := range ts {
		if t.Manifest.Name == name {
			return t
		}
	}
	return nil
}

// Env is this process's environment with npm isolated from the user's setup:
// no npm_config_* settings inherited, an empty user config, a fresh cache in
// home, the given registry, no update notifier, audit or funding requests.
// extra ("key=value") comes last and wins.
func Env(home, registry string, extra ...string) ([]string, error) {
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, err
	}
	userconfig := filepath.Join(home, "npmrc")
	if err := os.WriteFile(userconfig, nil, 0o644); err != nil {
		return nil, err
	}
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(strings.ToLower(kv), "npm_config_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"npm_config_userconfig="+userconfig,
		"npm_config_cache="+filepath.Join(home, "cache"),
		"npm_config_registry="+registry,
		"npm_config_update_notifier=false",
		"npm_config_audit=false",
		"npm_config_fund=false",
		"npm_config_loglevel=error",
	)
	return append(env, extra...), nil
}

// Tripwire is an npm registry URL on loopback that answers every request with
// 503 and remembers it: pointing npm at it shows whether npm tried to reach a
// registry at all.
type Tripwire struct {
	URL string
	srv *http.Server
	ln  net.Listener

	mu   sync.Mutex
	hits []string
}

// NewTripwire listens on a free loopback port.
func NewTripwire() (*Tripwire, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	t := &Tripwire{URL: "http://" + ln.Addr().String() + "/", ln: ln}
	t.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.mu.Lock()
		t.hits = append(t.hits, r.Method+" "+r.URL.String())
		t.mu.Unlock()
		http.Error(w, "lofty-mcp tests: no registry request is expected", http.StatusServiceUnavailable)
	})}
	go t.srv.Serve(ln)
	return t, nil
}

// Hits are the requests the tripwire received.
func (t *Tripwire) Hits() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.hits)
}

// Close stops listening.
func (t *Tripwire) Close() { t.srv.Close() }

// Installed is an npm project with lofty-mcp installed in it.
type Installed struct {
	Dir      string    // the project; node_modules/ is below it
	Env      []string  // the environment npm ran with (Env, offline, the tripwire)
	Tripwire *Tripwire // the registry npm was pointed at
	Output   string    // what npm install printed
}

// Launcher is the installed `lofty-mcp` command (node_modules/.bin).
func (in *Installed) Launcher() string {
	name := "lofty-mcp"
	if runtime.GOOS == "windows" {
		name += ".cmd"
	}
	return filepath.Join(in.Dir, "node_modules", ".bin", name)
}

// Binary is where the platform package p put its binary.
func (in *Installed) Binary(p Platform) string {
	return filepath.Join(in.Dir, "node_modules", filepath.FromSlash(p.Package()), filepath.FromSlash(p.Exe()))
}

// Packages lists the packages installed in node_modules (scoped ones as @scope/name).
func (in *Installed) Packages() ([]string, error) {
	root := filepath.Join(in.Dir, "node_modules")
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		switch {
		case strings.HasPrefix(e.Name(), "."):
		case strings.HasPrefix(e.Name(), "@"):
			sub, err := os.ReadDir(filepath.Join(root, e.Name()))
			if err != nil {
				return nil, err
			}
			for _, s := range sub {
				names = append(names, e.Name()+"/"+s.Name())
			}
		default:
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// Close stops the tripwire.
func (in *Installed) Close() { in.Tripwire.Close() }

// Install makes dir an empty npm project and runs `npm install` of the given
// tarball files in it, offline, with a fresh cache and the registry pointed at
// a tripwire; args are added to the command line (e.g. --omit=optional).
func Install(dir string, tarballs []string, args ...string) (*Installed, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "package.json"),
		[]byte(`{"name": "lofty-mcp-npm-test", "private": true}`+"\n"), 0o644); err != nil {
		return nil, err
	}
	tw, err := NewTripwire()
	if err != nil {
		return nil, err
	}
	env, err := Env(filepath.Join(dir, ".npm-home"), tw.URL, "npm_config_offline=true")
	if err != nil {
		tw.Close()
		return nil, err
	}
	in := &Installed{Dir: dir, Env: env, Tripwire: tw}
	cmdArgs := []string{"install", "--no-audit", "--no-fund", "--ignore-scripts=false"}
	cmdArgs = append(cmdArgs, args...)
	for _, t := range tarballs {
		abs, err := filepath.Abs(t)
		if err != nil {
			tw.Close()
			return nil, err
		}
		cmdArgs = append(cmdArgs, abs)
	}
	cmd := exec.Command("npm", cmdArgs...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	in.Output = string(out)
	if err != nil {
		tw.Close()
		return nil, fmt.Errorf("npm %s: %v\n%s", strings.Join(cmdArgs, " "), err, out)
	}
	return in, nil
}

// Registry is a minimal npm registry on loopback serving the given tarballs:
// a packument (GET /<name>) per package, with the package.json of its one
// version, and the tarballs (GET /-/tarballs/<file>). It remembers which
// tarballs were downloaded.
type Registry struct {
	URL string
	srv *http.Server

	mu        sync.Mutex
	downloads []string
	requests  []string
}

// NewRegistry serves ts on a free loopback port.
func NewRegistry(ts []*Tarball) (*Registry, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Registry{URL: "http://" + ln.Addr().String() + "/"}
	packuments := map[string][]byte{}
	files := map[string]*Tarball{}
	for _, t := range ts {
		base := path.Base(filepath.ToSlash(t.File))
		files[base] = t
		version := map[string]any{}
		for k, v := range t.Raw {
			version[k] = v
		}
		version["_id"] = t.Manifest.Name + "@" + t.Manifest.Version
		version["dist"] = map[string]any{
			"tarball":   r.URL + "-/tarballs/" + url.PathEscape(base),
			"integrity": t.Integrity,
			"shasum":    t.Shasum,
		}
		doc, err := json.Marshal(map[string]any{
			"name":      t.Manifest.Name,
			"dist-tags": map[string]string{"latest": t.Manifest.Version},
			"versions":  map[string]any{t.Manifest.Version: version},
		})
		if err != nil {
			ln.Close()
			return nil, err
		}
		packuments[t.Manifest.Name] = doc
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		// npm asks for @scope%2fname; the decoded path is /@scope/name.
		name := strings.TrimPrefix(req.URL.Path, "/")
		r.record(&r.requests, req.Method+" "+req.URL.Path)
		if base, ok := strings.CutPrefix(name, "-/tarballs/"); ok {
			t, ok := files[base]
			if !ok {
				http.NotFound(w, req)
				return
			}
			r.record(&r.downloads, t.Manifest.Name)
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(t.Data)
			return
		}
		doc, ok := packuments[name]
		if !ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":"Not found"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(doc)
	})
	r.srv = &http.Server{Handler: mux}
	go r.srv.Serve(ln)
	return r, nil
}

func (r *Registry) record(list *[]string, s string) {
	r.mu.Lock()
	*list = append(*list, s)
	r.mu.Unlock()
}

// Downloads are the names of the packages whose tarball was fetched, in order.
func (r *Registry) Downloads() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.downloads)
}

// Requests are every request received (method and decoded path).
func (r *Registry) Requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.requests)
}

// Close stops serving.
func (r *Registry) Close() { r.srv.Close() }

// DirSize is the total size of the regular files below dir, and their count.
func DirSize(dir string) (bytes int64, files int, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			bytes += info.Size()
			files++
		}
		return nil
	})
	return bytes, files, err
}
