//go:build npmpack

package npm_test

import (
	"bufio"
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/npm"
)

// npm/dist holds exactly the launcher and the six platform packages, named
// as npm pack names them, all at server.json's version.
func TestDistHasEveryPackage(t *testing.T) {
	want := map[string]string{npm.LauncherName: "lofty-mcp-" + version + ".tgz"}
	for _, p := range npm.Platforms {
		want[p.Package()] = fmt.Sprintf("lofty-mcp-%s-%s-%s.tgz", p.OS, p.CPU, version)
	}
	got := map[string]string{}
	for _, tb := range tarballs {
		if _, dup := got[tb.Manifest.Name]; dup {
			t.Errorf("%s: a second tarball of %s", tb.File, tb.Manifest.Name)
		}
		got[tb.Manifest.Name] = filepath.Base(tb.File)
	}
	if !maps.Equal(got, want) {
		t.Fatalf("%s holds %v\nwant %v (scripts/npm-pack without --host-only packs all seven)", distDir, got, want)
	}
}

// One version everywhere: server.json's, its npm package entry's, every
// package.json's, and the launcher's pins of the platform packages (exact
// versions, so a launcher never runs another release's binary).
func TestVersionsAgree(t *testing.T) {
	s, err := readServerJSON()
	if err != nil {
		t.Fatal(err)
	}
	var npmEntries int
	for _, p := range s.Packages {
		if p.RegistryType == "npm" {
			npmEntries++
			if p.Identifier != npm.LauncherName || p.Version != s.Version {
				t.Errorf("server.json npm package %s@%s, want %s@%s", p.Identifier, p.Version, npm.LauncherName, s.Version)
			}
		}
	}
	if npmEntries != 1 {
		t.Errorf("server.json has %d npm package entries, want 1", npmEntries)
	}
	for _, tb := range tarballs {
		if tb.Manifest.Version != s.Version {
			t.Errorf("%s is version %q, server.json %q", tb.Manifest.Name, tb.Manifest.Version, s.Version)
		}
	}
	launcher := npm.Find(tarballs, npm.LauncherName)
	if launcher == nil {
		t.Fatal("no launcher tarball")
	}
	want := map[string]string{}
	for _, p := range npm.Platforms {
		want[p.Package()] = s.Version
	}
	if !maps.Equal(launcher.Manifest.OptionalDependencies, want) {
		t.Errorf("lofty-mcp optionalDependencies %v, want %v", launcher.Manifest.OptionalDependencies, want)
	}
	if len(launcher.Manifest.Dependencies) != 0 {
		t.Errorf("lofty-mcp has dependencies %v; it needs none", launcher.Manifest.Dependencies)
	}
	// The MCP registry checks that the npm package names the server.
	if launcher.Manifest.MCPName != s.Name {
		t.Errorf("lofty-mcp mcpName %q, server.json name %q: the MCP registry refuses the entry unless they match", launcher.Manifest.MCPName, s.Name)
	}
}

// Nothing runs at install time: no lifecycle scripts (preinstall, install,
// postinstall, prepare, …), and no binding.gyp, for which npm would run
// node-gyp by itself.
func TestNoInstallScripts(t *testing.T) {
	for _, tb := range tarballs {
		if _, ok := tb.Raw["scripts"]; ok {
			t.Errorf("%s has scripts %v; the packages must have none", tb.Manifest.Name, tb.Raw["scripts"])
		}
		if _, ok := tb.Raw["gypfile"]; ok {
			t.Errorf("%s sets gypfile", tb.Manifest.Name)
		}
		for name := range tb.Entries {
			if filepath.Base(name) == "binding.gyp" {
				t.Errorf("%s contains %s", tb.Manifest.Name, name)
			}
		}
	}
}

// The launcher package: the launcher from npm/lofty-mcp as it is in the
// repository, executable, as the package's only bin, and a README.
func TestLauncherPackage(t *testing.T) {
	tb := npm.Find(tarballs, npm.LauncherName)
	if tb == nil {
		t.Fatal("no launcher tarball")
	}
	wantEntries(t, tb, "package.json", "README.md", "bin/lofty-mcp.js")
	if !maps.Equal(tb.Manifest.Bin, map[string]string{"lofty-mcp": "bin/lofty-mcp.js"}) {
		t.Errorf("bin %v, want lofty-mcp: bin/lofty-mcp.js", tb.Manifest.Bin)
	}
	src, err := os.ReadFile(filepath.Join(repoRoot, "npm", "lofty-mcp", "bin", "lofty-mcp.js"))
	if err != nil {
		t.Fatal(err)
	}
	js := tb.Entries["bin/lofty-mcp.js"]
	if !bytes.Equal(js.Data, src) {
		t.Error("the packed bin/lofty-mcp.js differs from npm/lofty-mcp/bin/lofty-mcp.js: re-run scripts/npm-pack")
	}
	if js.Mode&0o111 == 0 {
		t.Errorf("bin/lofty-mcp.js has mode %o, want it executable", js.Mode)
	}
	if _, ok := tb.Raw["//"]; ok {
		t.Error(`the packed package.json keeps the template's "//" note`)
	}
	if len(tb.Manifest.OS) != 0 || len(tb.Manifest.CPU) != 0 {
		t.Errorf("the launcher has os %v cpu %v; it must install everywhere", tb.Manifest.OS, tb.Manifest.CPU)
	}
}

// Each platform package: its os and cpu name one platform, and the binary it
// holds is an executable for exactly that platform (read from its headers:
// ELF, Mach-O, PE), built by Go for that GOOS/GOARCH with CGO_ENABLED=0 and
// -trimpath, stripped (-s -w), executable in the tarball.
func TestPlatformPackages(t *testing.T) {
	for _, p := range npm.Platforms {
		t.Run(p.OS+"-"+p.CPU, func(t *testing.T) {
			tb := npm.Find(tarballs, p.Package())
			if tb == nil {
				t.Fatalf("no %s tarball in %s", p.Package(), distDir)
			}
			m := tb.Manifest
			if !slices.Equal(m.OS, []string{p.OS}) || !slices.Equal(m.CPU, []string{p.CPU}) {
				t.Errorf("os %v cpu %v, want [%s] [%s]", m.OS, m.CPU, p.OS, p.CPU)
			}
			if !slices.Equal(m.Files, []string{p.Exe()}) {
				t.Errorf("files %v, want [%s]", m.Files, p.Exe())
			}
			if len(m.Bin) != 0 || len(m.Dependencies) != 0 || len(m.OptionalDependencies) != 0 {
				t.Errorf("bin %v dependencies %v optionalDependencies %v: a platform package has none", m.Bin, m.Dependencies, m.OptionalDependencies)
			}
			if !m.PreferUnplugged {
				t.Error("preferUnplugged is not set (Yarn PnP would keep the binary zipped)")
			}
			wantEntries(t, tb, "package.json", "README.md", p.Exe())
			bin := tb.Entries[p.Exe()]
			if bin == nil {
				t.FailNow()
			}
			if bin.Mode&0o755 != 0o755 {
				t.Errorf("%s has mode %o in the tarball, want 755", p.Exe(), bin.Mode)
			}
			if err := checkExecutable(bin.Data, p.OS, p.CPU); err != nil {
				t.Error(err)
			}
			if err := checkBuildInfo(bin.Data, p); err != nil {
				t.Error(err)
			}
		})
	}
}

// The header check must tell platforms apart, or the test above proves
// nothing: every binary fails it for every other platform.
func TestCheckExecutableRejectsOtherPlatforms(t *testing.T) {
	for _, p := range npm.Platforms {
		tb := npm.Find(tarballs, p.Package())
		if tb == nil || tb.Entries[p.Exe()] == nil {
			t.Fatalf("no %s binary", p.Package())
		}
		for _, q := range npm.Platforms {
			if q == p {
				continue
			}
			if checkExecutable(tb.Entries[p.Exe()].Data, q.OS, q.CPU) == nil {
				t.Errorf("the %s-%s binary passes as %s-%s", p.OS, p.CPU, q.OS, q.CPU)
			}
		}
	}
}

// The binaries are the release's: rebuilt here from this tree with the
// settings .goreleaser.yaml gives its build (env, flags, ldflags with the
// version filled in), each is byte for byte the binary in its package. Go
// builds are reproducible, so this proves the flags, the stamped version and
// the source all match what GoReleaser releases.
func TestBinariesAreReleaseBuilds(t *testing.T) {
	b, err := readGoReleaserBuild(filepath.Join(repoRoot, ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ldflags := strings.Join(b.ldflags, " ")
	ldflags = strings.ReplaceAll(ldflags, "{{ .Version }}", version)
	if strings.Contains(ldflags, "{{") || strings.Contains(strings.Join(b.flags, " "), "{{") {
		t.Fatalf(".goreleaser.yaml uses a template this test does not fill in: flags %q ldflags %q", b.flags, ldflags)
	}
	if !strings.Contains(ldflags, "-X main.version="+version) {
		t.Fatalf(".goreleaser.yaml's ldflags %q do not stamp main.version", ldflags)
	}
	for _, p := range npm.Platforms {
		if !slices.Contains(b.goos, p.GOOS) || !slices.Contains(b.goarch, p.GOARCH) {
			t.Errorf(".goreleaser.yaml does not build %s/%s (goos %v goarch %v), npm packs it", p.GOOS, p.GOARCH, b.goos, b.goarch)
		}
	}
	dir := t.TempDir()
	for _, p := range npm.Platforms {
		t.Run(p.OS+"-"+p.CPU, func(t *testing.T) {
			tb := npm.Find(tarballs, p.Package())
			if tb == nil || tb.Entries[p.Exe()] == nil {
				t.Fatalf("no %s binary", p.Package())
			}
			out := filepath.Join(dir, p.OS+"-"+p.CPU)
			args := append([]string{"build"}, b.flags...)
			args = append(args, "-ldflags", ldflags, "-o", out, b.main)
			cmd := exec.Command("go", args...)
			cmd.Dir = repoRoot
			cmd.Env = append(os.Environ(), b.env...)
			cmd.Env = append(cmd.Env, "GOOS="+p.GOOS, "GOARCH="+p.GOARCH, "GOFLAGS=")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			rebuilt, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(rebuilt, tb.Entries[p.Exe()].Data) {
				t.Errorf("%s's binary (%d bytes) is not what %s GOOS=%s GOARCH=%s go %q builds now (%d bytes): stale npm/dist, or scripts/npm-pack's flags differ from .goreleaser.yaml's",
					p.Package(), len(tb.Entries[p.Exe()].Data), strings.Join(b.env, " "), p.GOOS, p.GOARCH, args, len(rebuilt))
			}
		})
	}
}

func wantEntries(t *testing.T, tb *npm.Tarball, names ...string) {
	t.Helper()
	got := slices.Sorted(maps.Keys(tb.Entries))
	slices.Sort(names)
	if !slices.Equal(got, names) {
		t.Errorf("%s holds %v, want exactly %v", filepath.Base(tb.File), got, names)
	}
}

// checkExecutable reads an executable's headers and says whether it is a
// stripped executable for npm's os and cpu.
func checkExecutable(data []byte, os, cpu string) error {
	r := bytes.NewReader(data)
	switch os {
	case "linux":
		f, err := elf.NewFile(r)
		if err != nil {
			return fmt.Errorf("not an ELF file, as a linux binary must be: %w", err)
		}
		want := map[string]elf.Machine{"x64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[cpu]
		if f.Machine != want || f.Class != elf.ELFCLASS64 || f.Type != elf.ET_EXEC {
			return fmt.Errorf("ELF %s %s %s, want %s ELFCLASS64 ET_EXEC for cpu %s", f.Machine, f.Class, f.Type, want, cpu)
		}
		for _, prog := range f.Progs {
			if prog.Type == elf.PT_INTERP {
				return errors.New("ELF has an interpreter (PT_INTERP): not statically linked")
			}
		}
		if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
			return fmt.Errorf("ELF needs shared libraries %v: not statically linked", libs)
		}
		for _, s := range f.Sections {
			if s.Name == ".symtab" || strings.HasPrefix(s.Name, ".debug") || strings.HasPrefix(s.Name, ".zdebug") {
				return fmt.Errorf("ELF has section %s: not stripped (-s -w)", s.Name)
			}
		}
	case "darwin":
		f, err := macho.NewFile(r)
		if err != nil {
			return fmt.Errorf("not a (thin) Mach-O file, as a macOS binary must be: %w", err)
		}
		want := map[string]macho.Cpu{"x64": macho.CpuAmd64, "arm64": macho.CpuArm64}[cpu]
		if f.Cpu != want || f.Type != macho.TypeExec {
			return fmt.Errorf("Mach-O %s %s, want %s executable for cpu %s", f.Cpu, f.Type, want, cpu)
		}
		if f.Segment("__DWARF") != nil {
			return errors.New("Mach-O has a __DWARF segment: not built with -w")
		}
		// macOS on Apple silicon kills unsigned executables; Go's linker
		// signs them (ad hoc).
		const lcCodeSignature = 0x1d
		if cpu == "arm64" && !slices.ContainsFunc(f.Loads, func(l macho.Load) bool {
			raw := l.Raw()
			return len(raw) >= 4 && f.ByteOrder.Uint32(raw) == lcCodeSignature
		}) {
			return errors.New("Mach-O arm64 executable has no code signature (LC_CODE_SIGNATURE): macOS would refuse to run it")
		}
	case "win32":
		f, err := pe.NewFile(r)
		if err != nil {
			return fmt.Errorf("not a PE file, as a Windows binary must be: %w", err)
		}
		want := map[string]uint16{"x64": pe.IMAGE_FILE_MACHINE_AMD64, "arm64": pe.IMAGE_FILE_MACHINE_ARM64}[cpu]
		if f.Machine != want || f.Characteristics&pe.IMAGE_FILE_EXECUTABLE_IMAGE == 0 || f.Characteristics&pe.IMAGE_FILE_DLL != 0 {
			return fmt.Errorf("PE machine %#x characteristics %#x, want an executable image for machine %#x (cpu %s)", f.Machine, f.Characteristics, want, cpu)
		}
		oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
		if !ok {
			return errors.New("PE has no 64-bit optional header")
		}
		// A GUI-subsystem program gets no stdin/stdout: MCP over stdio needs a console one.
		if oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_CUI {
			return fmt.Errorf("PE subsystem %d, want %d (console)", oh.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_CUI)
		}
		if f.NumberOfSymbols != 0 {
			return fmt.Errorf("PE has %d COFF symbols: not stripped (-s)", f.NumberOfSymbols)
		}
		for _, s := range f.Sections {
			if strings.HasPrefix(s.Name, ".debug") || strings.HasPrefix(s.Name, ".zdebug") {
				return fmt.Errorf("PE has section %s: not built with -w", s.Name)
			}
		}
	default:
		return fmt.Errorf("unknown npm os %q", os)
	}
	return nil
}

// checkBuildInfo checks the Go build information in a binary: lofty-mcp's
// main package, for p's GOOS/GOARCH, with CGO_ENABLED=0 and -trimpath.
func checkBuildInfo(data []byte, p npm.Platform) error {
	bi, err := buildinfo.Read(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("no Go build information: %w", err)
	}
	if bi.Path != "github.com/lofty-mcp/lofty-mcp" {
		return fmt.Errorf("built from %q, want github.com/lofty-mcp/lofty-mcp", bi.Path)
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	for k, v := range map[string]string{"GOOS": p.GOOS, "GOARCH": p.GOARCH, "CGO_ENABLED": "0", "-trimpath": "true"} {
		if settings[k] != v {
			return fmt.Errorf("build setting %s=%q, want %q", k, settings[k], v)
		}
	}
	return nil
}

// goreleaserBuild is the part of .goreleaser.yaml's one build that decides
// the bytes of the binary.
type goreleaserBuild struct {
	main                              string
	env, flags, ldflags, goos, goarch []string
}

var yamlKey = regexp.MustCompile(`^( *)(- )?([A-Za-z_]+):\s*(.*)$`)

// readGoReleaserBuild reads the builds: entry of .goreleaser.yaml. It knows
// the file's own shape (block and [inline] lists of plain or quoted scalars),
// not all of YAML, and fails on anything it does not understand in the keys
// it reads.
func readGoReleaserBuild(file string) (goreleaserBuild, error) {
	var b goreleaserBuild
	data, err := os.ReadFile(file)
	if err != nil {
		return b, err
	}
	lists := map[string]*[]string{"env": &b.env, "flags": &b.flags, "ldflags": &b.ldflags, "goos": &b.goos, "goarch": &b.goarch}
	var (
		inBuilds    bool
		builds      int
		buildIndent = -1      // of the "- " that starts each build
		keyIndent   = -1      // of a build's keys
		current     *[]string // the list being read, if it is one we want
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		if indent == 0 {
			inBuilds = strings.HasPrefix(line, "builds:")
			current = nil
			continue
		}
		if !inBuilds {
			continue
		}
		if m := yamlKey.FindStringSubmatch(line); m != nil {
			ind := len(m[1])
			if m[2] != "" {
				if buildIndent < 0 {
					buildIndent = ind
				}
				ind += 2
				if ind-2 == buildIndent { // "- id: ..." starts a build
					builds++
					keyIndent = ind
				}
			}
			if ind > keyIndent {
				continue // a key nested deeper (hooks: …)
			}
			if ind < keyIndent {
				return b, fmt.Errorf("%s:%d: unexpected indentation", file, n)
			}
			current = nil
			key, value := m[3], strings.TrimSpace(m[4])
			if key == "main" {
				b.main = unquote(value)
			}
			dst, ok := lists[key]
			if !ok {
				continue
			}
			switch {
			case value == "":
				current = dst
			case strings.HasPrefix(value, "[") && strings.HasSuffix(value, "]"):
				for _, item := range strings.Split(strings.Trim(value, "[]"), ",") {
					*dst = append(*dst, unquote(strings.TrimSpace(item)))
				}
			default:
				return b, fmt.Errorf("%s:%d: %s: want a list", file, n, key)
			}
			continue
		}
		if item, ok := strings.CutPrefix(trimmed, "- "); ok && current != nil && indent > keyIndent {
			*current = append(*current, unquote(item))
			continue
		}
		if current != nil {
			return b, fmt.Errorf("%s:%d: cannot read %q", file, n, line)
		}
	}
	if builds != 1 {
		return b, fmt.Errorf("%s has %d builds, want 1", file, builds)
	}
	if b.main == "" || len(b.ldflags) == 0 || len(b.goos) == 0 || len(b.goarch) == 0 {
		return b, fmt.Errorf("%s: could not read main, ldflags, goos and goarch from its build: %+v", file, b)
	}
	return b, nil
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}
