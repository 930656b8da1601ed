package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/lofty-mcp/lofty-mcp/schema"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// runHelpTool prints what a person needs to use one tool: what it does,
// its arguments (from its input schema), the Lofty operations it calls,
// whether and how it changes Lofty, and a command that runs it on the demo
// data. It needs no credential and starts no server.
func runHelpTool(name string, stdout, stderr io.Writer) int {
	t, ok := toolNamed(name)
	if !ok {
		var names []string
		for _, t := range tools.All() {
			names = append(names, t.Info().Name)
		}
		slices.Sort(names)
		fmt.Fprintf(stderr, "lofty-mcp: no tool %q; tools: %s\n", name, strings.Join(names, ", "))
		return exitUsage
	}
	built, err := t.Build(nil)
	if err != nil {
		fmt.Fprintf(stderr, "lofty-mcp: %v\n", err)
		return exitError
	}
	args, err := schema.Arguments(built.InputSchema)
	if err != nil {
		fmt.Fprintf(stderr, "lofty-mcp: %v\n", err)
		return exitError
	}
	info := built.Info
	ts, _ := toolsetNamed(info.Toolset)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n\n%s\n\n", info.Name, info.Title, info.Description)
	b.WriteString("Arguments:\n")
	if len(args) == 0 {
		b.WriteString("  none\n")
	}
	for _, a := range args {
		fmt.Fprintf(&b, "  %s (%s): %s\n", a.Name, a.Facts, a.Description)
	}
	b.WriteString("\nLofty operations it calls:\n")
	for _, op := range info.Upstream {
		fmt.Fprintf(&b, "  %s\n", op)
	}
	fmt.Fprintf(&b, "\nToolset: %s (%s).\n", info.Toolset, servedWhen(ts))
	if info.AlsoToolset != "" {
		fmt.Fprintf(&b, "It is served only when the toolset %s is named too.\n", info.AlsoToolset)
	}
	b.WriteString(effectHelp(info) + "\n")
	fmt.Fprintf(&b, "\nTry it on the demo data:\n  %s\n", helpExample(info, ts))
	_, _ = io.WriteString(stdout, b.String())
	return exitOK
}

// toolsetNamed returns the toolset called name.
func toolsetNamed(name string) (tools.Toolset, bool) {
	for _, ts := range tools.Toolsets() {
		if ts.Name == name {
			return ts, true
		}
	}
	return tools.Toolset{}, false
}

// servedWhen says when a toolset is served.
func servedWhen(ts tools.Toolset) string {
	switch {
	case ts.Default:
		return "served by default"
	case ts.Named:
		return "served only when named in --toolsets; --toolsets all leaves it out"
	}
	return "served when named in --toolsets, or with --toolsets all"
}

// effectHelp says whether and how the tool changes Lofty.
func effectHelp(info tools.Info) string {
	if !info.Effect.Writes {
		return "It only reads: nothing in Lofty changes."
	}
	s := "It changes data in Lofty"
	switch {
	case info.Effect.Destructive && info.Effect.Idempotent:
		s += " (destructive: it replaces or removes what was there; repeating it changes nothing more)"
	case info.Effect.Destructive:
		s += " (destructive: it replaces or removes what was there, or cannot be undone)"
	case info.Effect.Idempotent:
		s += " (repeating it changes nothing more)"
	default:
		s += " (each call changes it again: never repeat one that may have gone through)"
	}
	if info.Effect.MustConfirm {
		return s + ". The person confirms every call, whatever --confirm-writes says (at the terminal for " +
			"lofty-mcp call); a client that cannot ask is refused. --read-only removes it."
	}
	return s + ". The person is asked to confirm each call when the client can ask (--confirm-writes); " +
		"--read-only removes it."
}

// helpExample is a command line that runs the tool on the demo data: its
// example arguments, with its toolset served.
func helpExample(info tools.Info, ts tools.Toolset) string {
	cmd := "lofty-mcp --demo"
	if !ts.Default {
		cmd += " --toolsets " + info.Toolset
		if info.AlsoToolset != "" {
			cmd += "," + info.AlsoToolset
		}
	}
	return cmd + " call " + info.Name + " '" + info.Example + "'"
}
