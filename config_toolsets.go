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
	var names []string
	for _, ts := range tools.Toolsets() {
		names = append(names, ts.Name)
	}
	fs.StringVar(&ts.toolsetsFlag, "toolsets", getenv("LOFTY_TOOLSETS"),
		"comma-separated toolsets to serve: "+strings.Join(names, ", ")+", or all; default: the default toolsets (env LOFTY_TOOLSETS)")
	fs.StringVar(&ts.toolsFlag, "tools", getenv("LOFTY_TOOLS"),
		"comma-separated tool names: serve only these, within the selected toolsets (env LOFTY_TOOLS)")
}

// validate checks the selection against the tools that exist.
func (ts *toolsetConfig) validate() error {
	ts.toolsets, ts.tools = splitList(ts.toolsetsFlag), splitList(ts.toolsFlag)
	if _, err := tools.Select(ts.toolsets, ts.tools); err != nil {
		return fmt.Errorf("--toolsets/--tools (LOFTY_TOOLSETS/LOFTY_TOOLS): %w", err)
	}
	return nil
}
