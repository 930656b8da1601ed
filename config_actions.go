package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// actionsConfig holds how tools that change data in Lofty are served:
// --read-only removes them all, --confirm-writes says when the person is
// asked first. (Whether they are served at all is --toolsets: their
// toolsets are not default ones.)
type actionsConfig struct {
	readOnly      bool
	confirmWrites mcpserver.ConfirmMode

	// As given (flag, else environment), parsed in validate so that a bad
	// environment value is reported like a bad flag.
	raw struct{ readOnly, confirmWrites string }
}

// addFlags registers --read-only and --confirm-writes, with environment defaults.
func (a *actionsConfig) addFlags(fs *flag.FlagSet, getenv func(string) string) {
	a.raw.readOnly = getenv("LOFTY_READ_ONLY")
	fs.BoolFunc("read-only", "serve no tool that changes data in Lofty, whatever --toolsets and --tools select (env LOFTY_READ_ONLY=1)",
		func(v string) error { a.raw.readOnly = v; return nil })
	fs.StringVar(&a.raw.confirmWrites, "confirm-writes", envOr(getenv, "LOFTY_CONFIRM_WRITES", string(mcpserver.ConfirmAuto)),
		"when the person confirms a change to Lofty, `MODE`: auto (asks through the MCP client when it can, else relies on the client's own approval), "+
			"always (refuses changes the client cannot ask about), or never (env LOFTY_CONFIRM_WRITES)")
}

// validate parses the settings.
func (a *actionsConfig) validate() error {
	if v := strings.TrimSpace(a.raw.readOnly); v != "" {
		ro, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("--read-only (or LOFTY_READ_ONLY) must be true or false (1 or 0), got %q", a.raw.readOnly)
		}
		a.readOnly = ro
	}
	mode, err := mcpserver.ParseConfirmMode(a.raw.confirmWrites)
	if err != nil {
		return fmt.Errorf("--confirm-writes (or LOFTY_CONFIRM_WRITES) %w", err)
	}
	a.confirmWrites = mode
	return nil
}

// logStart says at start what the configuration does to writes: which tools
// --read-only removed, or which write tools are served and how they are
// confirmed.
func (a *actionsConfig) logStart(log interface{ Info(string, ...any) }, selected []tools.Tool) {
	_, writes := mcpserver.WithoutWrites(selected)
	switch {
	case a.readOnly && len(writes) > 0:
		log.Info("--read-only: tools that change data in Lofty are not served", "removed", strings.Join(writes, ","))
	case a.readOnly:
		log.Info("--read-only: no tool that changes data in Lofty is served")
	case len(writes) > 0:
		log.Info("tools that change data in Lofty are served", "tools", strings.Join(writes, ","), "confirm_writes", string(a.confirmWrites))
	}
}
