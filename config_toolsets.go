package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

// toolsetConfig holds which toolsets and tools are served.
type toolsetConfig struct {
	toolsetsFlag, toolsFlag string // as given (flag, else environment)

	toolsets []string // toolset names or "all"; empty: the default toolsets
	tools    []string // allow-list of tool names; empty: every tool of the toolsets
}

// addFlags registers --toolsets and --tools, with environment defaults.
func (ts *toolsetConfig) addFlags(fs *flag.FlagSet, getenv func(string) string) {
	var names, defaults []string
	for _, ts := range tools.Toolsets() {
		names = append(names, ts.Name)
		if ts.Default {
			defaults = append(defaults, ts.Name)
		}
	}
	fs.StringVar(&ts.toolsetsFlag, "toolsets", getenv("LOFTY_TOOLSETS"),
		"serve these `TOOLSETS`, comma-separated: "+strings.Join(names, ", ")+", or all; when not set, the default toolsets "+
			strings.Join(defaults, ",")+" (env LOFTY_TOOLSETS)")
	fs.StringVar(&ts.toolsFlag, "tools", getenv("LOFTY_TOOLS"),
		"serve only these `TOOLS`, comma-separated tool names, within the selected toolsets (env LOFTY_TOOLS)")
}

// validate checks the selection against the tools that exist.
func (ts *toolsetConfig) validate() error {
	ts.toolsets, ts.tools = splitList(ts.toolsetsFlag), splitList(ts.toolsFlag)
	if _, err := tools.Select(ts.toolsets, ts.tools); err != nil {
		return fmt.Errorf("--toolsets/--tools (LOFTY_TOOLSETS/LOFTY_TOOLS): %w", err)
	}
	return nil
}
