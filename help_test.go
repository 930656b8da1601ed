package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/schema"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// runCLI runs the program with args and no environment.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut, func(string) string { return "" })
	return code, out.String(), errOut.String()
}

// TestHelpEveryTool: `help TOOL` describes every tool — its description,
// each argument, each Lofty operation, its effect — and the example line it
// prints runs successfully on the demo data.
func TestHelpEveryTool(t *testing.T) {
	for _, tool := range tools.All() {
		info := tool.Info()
		t.Run(info.Name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "help", info.Name)
			if code != exitOK || errOut != "" {
				t.Fatalf("help %s: exit %d, stderr %q", info.Name, code, errOut)
			}
			built, err := tool.Build(nil)
			if err != nil {
				t.Fatal(err)
			}
			args, err := schema.Arguments(built.InputSchema)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{info.Description, "Toolset: " + info.Toolset}
			for _, a := range args {
				want = append(want, "  "+a.Name+" (")
			}
			want = append(want, info.Upstream...)
			if info.Effect.Writes {
				want = append(want, "It changes data in Lofty")
			} else {
				want = append(want, "It only reads")
			}
			for _, w := range want {
				if !strings.Contains(out, w) {
					t.Errorf("help %s lacks %q:\n%s", info.Name, w, out)
				}
			}
			_, example, ok := strings.Cut(out, "Try it on the demo data:\n  lofty-mcp ")
			if !ok {
				t.Fatalf("help %s shows no example:\n%s", info.Name, out)
			}
			line := strings.TrimSpace(example)
			head, rest, _ := strings.Cut(line, " '")
			argv := append(strings.Fields(head), strings.TrimSuffix(rest, "'"))
			code, out, errOut = runCLI(t, argv...)
			if code != exitOK && info.Toolset == tools.ToolsetDeletes && strings.Contains(errOut, "The person must confirm this change themselves") {
				// A delete is confirmed by the person, which the command line
				// cannot ask: it is refused before anything is sent.
				return
			}
			if code != exitOK {
				t.Errorf("the example %q exits %d: %s", line, code, errOut)
			}
			if !strings.HasPrefix(strings.TrimSpace(out), "{") {
				t.Errorf("the example %q printed no JSON result: %q", line, out)
			}
		})
	}
}

func TestHelpUnknownTool(t *testing.T) {
	code, _, errOut := runCLI(t, "help", "get_leed")
	if code != exitUsage || !strings.Contains(errOut, `no tool "get_leed"`) || !strings.Contains(errOut, "get_lead") {
		t.Errorf("help get_leed: exit %d, %q; want exit 2 naming the tools", code, errOut)
	}
	code, _, errOut = runCLI(t, "help", "a", "b")
	if code != exitUsage || !strings.Contains(errOut, "help takes at most one tool name") {
		t.Errorf("help a b: exit %d, %q", code, errOut)
	}
}

// TestCallChecksTheToolFirst: an unknown or unserved tool is named before
// its arguments are read, and bad JSON is answered with that tool's own
// example.
func TestCallChecksTheToolFirst(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--demo", "call", "nope", "{x"}, []string{`no tool "nope"`, "find_leads"}},
		{[]string{"--demo", "call", "add_lead_note", "{x"}, []string{"add_lead_note is not served", "--toolsets lead_actions"}},
		{[]string{"--demo", "call", "find_leads", "{x"}, []string{"not valid JSON", `lofty-mcp call find_leads '{"key": "Jane"}'`}},
	} {
		code, _, errOut := runCLI(t, tc.args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d", tc.args, code, exitUsage)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: %q lacks %q", tc.args, errOut, w)
			}
		}
	}
}

// TestToolsGroupedByToolset: `tools` lists each served tool under its
// toolset.
func TestToolsGroupedByToolset(t *testing.T) {
	code, out, errOut := runCLI(t, "--demo", "--toolsets", "all", "tools")
	if code != exitOK {
		t.Fatalf("tools: exit %d: %s", code, errOut)
	}
	var current string
	seen := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		switch {
		case line == "":
		case !strings.HasPrefix(line, " "):
			current, _, _ = strings.Cut(line, ":")
		default:
			seen[strings.Fields(line)[0]] = current
		}
	}
	for _, tool := range tools.All() {
		info := tool.Info()
		ts, _ := toolsetNamed(info.Toolset)
		if ts.Named {
			continue // not in all
		}
		if seen[info.Name] != info.Toolset {
			t.Errorf("%s listed under %q, want %q", info.Name, seen[info.Name], info.Toolset)
		}
	}
}
