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

func init() {
	configAreas = append(configAreas, configArea{
		flags: func(fs *flag.FlagSet, getenv func(string) string, cfg *config) {
			var names []string
			for _, ts := range tools.Toolsets() {
				names = append(names, ts.Name)
			}
			fs.StringVar(&cfg.toolsets.toolsetsFlag, "toolsets", getenv("LOFTY_TOOLSETS"),
				"comma-separated toolsets to serve: "+strings.Join(names, ", ")+", or all; default: the default toolsets (env LOFTY_TOOLSETS)")
			fs.StringVar(&cfg.toolsets.toolsFlag, "tools", getenv("LOFTY_TOOLS"),
				"comma-separated tool names: serve only these, within the selected toolsets (env LOFTY_TOOLS)")
		},
		validate: func(cfg *config, _ func(string) string) error {
			ts := &cfg.toolsets
			ts.toolsets, ts.tools = tools.SplitNames(ts.toolsetsFlag), tools.SplitNames(ts.toolsFlag)
			if _, err := tools.Select(ts.toolsets, ts.tools); err != nil {
				return fmt.Errorf("--toolsets/--tools (LOFTY_TOOLSETS/LOFTY_TOOLS): %w", err)
			}
			return nil
		},
	})
}
