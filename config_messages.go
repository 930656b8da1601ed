package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

// messagesConfig holds the settings of messages to leads: when texts wait,
// and how long a message sent is remembered so that it is not sent twice.
type messagesConfig struct {
	quietHours   *tools.QuietHours // nil: texts go at any hour
	repeatWindow time.Duration     // 0: messages are not remembered

	raw struct{ quietHours, repeatWindow string } // as given, parsed in validate
}

// addFlags registers --quiet-hours and --message-dedup-window, with their
// environment defaults.
func (m *messagesConfig) addFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&m.raw.quietHours, "quiet-hours", envOr(getenv, "LOFTY_QUIET_HOURS", ""),
		"texts to leads wait during this daily `WINDOW` of the lead's local time, e.g. 21:00-08:00, unless the person "+
			"confirms sending anyway; default: none (env LOFTY_QUIET_HOURS)")
	fs.StringVar(&m.raw.repeatWindow, "message-dedup-window", envOr(getenv, "LOFTY_MESSAGE_DEDUP_WINDOW", strings.TrimSuffix(tools.DefaultRepeatWindow.String(), "0s")),
		"the same message to the same lead within this `DURATION` is refused as a repeat unless the person confirms it; "+
			"0 remembers nothing (env LOFTY_MESSAGE_DEDUP_WINDOW)")
}

// validate refuses a malformed window or duration, at start.
func (m *messagesConfig) validate() error {
	if s := strings.TrimSpace(m.raw.quietHours); s != "" {
		q, err := tools.ParseQuietHours(s)
		if err != nil {
			return fmt.Errorf("--quiet-hours (LOFTY_QUIET_HOURS): %w", err)
		}
		m.quietHours = &q
	}
	s := strings.TrimSpace(m.raw.repeatWindow)
	d, err := time.ParseDuration(s)
	if s == "0" {
		d, err = 0, nil
	}
	if err != nil || d < 0 || d > tools.MaxRepeatWindow {
		return fmt.Errorf("--message-dedup-window (LOFTY_MESSAGE_DEDUP_WINDOW) must be a Go duration from 0 to %s, such as 10m, got %q",
			tools.MaxRepeatWindow, m.raw.repeatWindow)
	}
	m.repeatWindow = d
	return nil
}
