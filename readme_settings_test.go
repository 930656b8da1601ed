package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

// readmeSection is the README's section under heading (a "## " line), up to
// the next one.
func readmeSection(t *testing.T, heading string) string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README.md has no %q", heading)
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	return sec
}

// tableRows are the cells of each row of the Markdown tables in sec, header
// and separator rows left out.
func tableRows(sec string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(sec, "\n") {
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, cells)
	}
	return rows[1:] // the first row is a header
}

// setting is what a document says about one flag or environment variable.
type setting struct {
	label    string // a flag's value label, "" for a boolean
	def      string // its default, when given as one value
	httpOnly bool
}

// readmeSettings reads the README's settings table (## Configuration): each
// flag (--name) and environment variable, with the label, the default when
// the cell is one `value`, and whether its meaning starts with `http`.
func readmeSettings(t *testing.T) map[string]setting {
	t.Helper()
	got := map[string]setting{}
	oneValue := regexp.MustCompile("^`([^`]*)`$")
	for _, cells := range tableRows(readmeSection(t, "## Configuration")) {
		if len(cells) != 4 {
			t.Fatalf("README settings row %q has %d cells, want 4", cells, len(cells))
		}
		var s setting
		if m := oneValue.FindStringSubmatch(cells[2]); m != nil {
			s.def = m[1]
		}
		s.httpOnly = strings.HasPrefix(cells[3], "`http`") || strings.HasPrefix(cells[3], "`http --oauth`")
		if f := strings.Trim(cells[0], "`"); f != "" {
			name, label, _ := strings.Cut(f, " ")
			got[name] = setting{label: label, def: s.def, httpOnly: s.httpOnly}
		}
		if env := strings.Trim(cells[1], "`"); env != "" {
			got[env] = setting{httpOnly: s.httpOnly}
		}
	}
	return got
}

// helpText is what `lofty-mcp --help` prints with no environment.
func helpText(t *testing.T) string {
	t.Helper()
	code, out, errOut := runCLI(t, "--help")
	if code != exitOK || errOut != "" {
		t.Fatalf("--help: exit %d, stderr %q", code, errOut)
	}
	return out
}

// helpSettings reads --help as readmeSettings reads the README: each flag
// line (--name LABEL, its usage below it, ending with its default), and
// each environment variable the Environment section lists.
func helpSettings(t *testing.T, help string) map[string]setting {
	t.Helper()
	got := map[string]setting{}
	lines := strings.Split(help, "\n")
	flagLine := regexp.MustCompile(`^  (--[a-z-]+)(?: (\S+))?$`)
	def := regexp.MustCompile(`\(default ([^ ()]+)\)$`)
	for i, line := range lines {
		m := flagLine.FindStringSubmatch(line)
		if m == nil || i+1 == len(lines) {
			continue
		}
		usage := strings.TrimSpace(lines[i+1])
		s := setting{label: m[2], httpOnly: strings.HasPrefix(usage, "http: ") || strings.HasPrefix(usage, "http --oauth: ")}
		if d := def.FindStringSubmatch(usage); d != nil {
			s.def = d[1]
		}
		got[m[1]] = s
	}
	_, env, ok := strings.Cut(help, "\nEnvironment:\n")
	if !ok {
		t.Fatal("--help has no Environment section")
	}
	env, _, _ = strings.Cut(env, "\n\n")
	names := regexp.MustCompile(`^  (LOFTY_[A-Z0-9_]+(?:=1)?(?:, LOFTY_[A-Z0-9_]+)*)`)
	for _, line := range strings.Split(env, "\n") {
		if m := names.FindStringSubmatch(line); m != nil {
			for _, name := range regexp.MustCompile(`LOFTY_[A-Z0-9_]+`).FindAllString(m[1], -1) {
				got[name] = setting{httpOnly: slices.Contains(httpOnlyEnv, name)}
			}
		}
	}
	return got
}

// TestREADMEAndHelpNameTheSameSettings: the README's settings table and
// --help name the same flags, each with the same value label (every flag
// that takes a value has one), the same environment variables, the same
// defaults where both give one value, and the same settings of `lofty-mcp
// http` only (those other commands refuse or ignore).
func TestREADMEAndHelpNameTheSameSettings(t *testing.T) {
	help := helpText(t)
	readme, fromHelp := readmeSettings(t), helpSettings(t, help)
	for _, name := range slices.Sorted(maps.Keys(fromHelp)) {
		h := fromHelp[name]
		r, ok := readme[name]
		if !ok {
			t.Errorf("--help names %s; the README's settings table (## Configuration) does not", name)
			continue
		}
		if r.label != h.label {
			t.Errorf("%s: the README writes `%s %s`, --help %s %s", name, name, r.label, name, h.label)
		}
		if strings.HasPrefix(name, "--") && h.label == "" {
			var cfg config
			if f := cfg.flagSet(func(string) string { return "" }).Lookup(name[2:]); f != nil {
				if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
					t.Errorf("%s takes a value but has no label: put it in backquotes in its usage", name)
				}
			}
		}
		if h.label != "" && !regexp.MustCompile(`^[A-Z][A-Z:_]*$`).MatchString(h.label) {
			t.Errorf("%s's value label %q is not a word in capitals (a Go type name? put the label in backquotes in its usage)", name, h.label)
		}
		if r.def != "" && h.def != "" && r.def != h.def {
			t.Errorf("%s: default %q in the README, %q in --help", name, r.def, h.def)
		}
		if r.httpOnly != h.httpOnly {
			t.Errorf("%s: the README says http only: %v; --help (and what other commands do): %v", name, r.httpOnly, h.httpOnly)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(readme)) {
		if _, ok := fromHelp[name]; !ok {
			t.Errorf("the README's settings table names %s; --help does not", name)
		}
	}

	// Defaults the table cannot compare as one value.
	var defaults []string
	for _, ts := range tools.Toolsets() {
		if ts.Default {
			defaults = append(defaults, ts.Name)
		}
	}
	if d := strings.Join(defaults, ","); readme["--toolsets"].def != d || !strings.Contains(help, "the default toolsets "+d) {
		t.Errorf("the default toolsets %s: README %q; --help names them: %v", d, readme["--toolsets"].def, strings.Contains(help, d))
	}
	stateDir := readmeSection(t, "## Configuration")
	_, stateDir, _ = strings.Cut(stateDir, "| `--state-dir")
	stateDir, _, _ = strings.Cut(stateDir, "\n")
	for _, want := range []string{`%LOCALAPPDATA%\lofty-mcp`, "demo", "$XDG_STATE_HOME/lofty-mcp", "~/.local/state/lofty-mcp"} {
		if !strings.Contains(stateDir, want) || !strings.Contains(help, want) {
			t.Errorf("the state directory's default %q: in the README %v, in --help %v", want, strings.Contains(stateDir, want), strings.Contains(help, want))
		}
	}
}

// exitCodes are the exit* constants of main.go.
func exitCodes(t *testing.T) []int {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []int
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			for i, n := range v.Names {
				if !strings.HasPrefix(n.Name, "exit") || i >= len(v.Values) {
					continue
				}
				lit, ok := v.Values[i].(*ast.BasicLit)
				if !ok {
					t.Fatalf("main.go: %s is not a number", n.Name)
				}
				c, err := strconv.Atoi(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				codes = append(codes, c)
			}
		}
	}
	slices.Sort(codes)
	return codes
}

// TestExitCodesDocumented: every exit code main.go declares is explained
// in --help (Exit status) and in the README (## Commands), and nothing else.
func TestExitCodesDocumented(t *testing.T) {
	codes := exitCodes(t)
	_, help, ok := strings.Cut(helpText(t), "\nExit status:\n")
	if !ok {
		t.Fatal("--help has no Exit status section")
	}
	var inHelp, inREADME []int
	for _, m := range regexp.MustCompile(`(?m)^  (\d+)  \S`).FindAllStringSubmatch(help, -1) {
		c, _ := strconv.Atoi(m[1])
		inHelp = append(inHelp, c)
	}
	_, exit, ok := strings.Cut(readmeSection(t, "## Commands"), "| exit status |")
	if !ok {
		t.Fatal("README's ## Commands has no exit status table")
	}
	for _, row := range tableRows("| exit status |" + exit) {
		c, err := strconv.Atoi(strings.Trim(row[0], "`"))
		if err != nil {
			t.Fatalf("README exit status row %q", row)
		}
		inREADME = append(inREADME, c)
	}
	if !slices.Equal(inHelp, codes) || !slices.Equal(inREADME, codes) {
		t.Errorf("exit codes: main.go %v, --help %v, README %v", codes, inHelp, inREADME)
	}
}

// --help shows each flag's default even when the command line set the flag
// before asking for help.
func TestHelpShowsDefaultsNotValues(t *testing.T) {
	code, out, _ := runCLI(t, "--idle-timeout", "5m", "--max-retries", "7", "--help")
	for _, want := range []string{"keep-alive connection is kept (default 2m)", "(env LOFTY_MAX_RETRIES) (default 3)"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("--idle-timeout 5m --max-retries 7 --help: exit %d; want %q in:\n%s", code, want, out)
		}
	}
}
