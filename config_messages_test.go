package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

// TestMessagesConfig: --quiet-hours (LOFTY_QUIET_HOURS) takes a daily
// window of local time, none by default; --message-dedup-window
// (LOFTY_MESSAGE_DEDUP_WINDOW) a duration, 10m by default, 0 for none;
// anything malformed is refused at start, naming the setting.
func TestMessagesConfig(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		env    map[string]string
		quiet  string // "": none
		window time.Duration
	}{
		{nil, nil, "", tools.DefaultRepeatWindow},
		{[]string{"--quiet-hours", "21:00-08:00"}, nil, "21:00-08:00", tools.DefaultRepeatWindow},
		{nil, map[string]string{"LOFTY_QUIET_HOURS": " 9:30-17:00 ", "LOFTY_MESSAGE_DEDUP_WINDOW": "1h"}, "09:30-17:00", time.Hour},
		{[]string{"--message-dedup-window", "0"}, nil, "", 0},
		{[]string{"--message-dedup-window", "30s"}, map[string]string{"LOFTY_MESSAGE_DEDUP_WINDOW": "1h"}, "", 30 * time.Second},
	} {
		cfg, err := parseConfig(append(tc.args, "tools"), func(k string) string { return tc.env[k] }, io.Discard)
		if err != nil {
			t.Errorf("%v %v: %v", tc.args, tc.env, err)
			continue
		}
		quiet := ""
		if cfg.messages.quietHours != nil {
			quiet = cfg.messages.quietHours.String()
		}
		if quiet != tc.quiet || cfg.messages.repeatWindow != tc.window {
			t.Errorf("%v %v: quiet hours %q, window %s; want %q, %s", tc.args, tc.env, quiet, cfg.messages.repeatWindow, tc.quiet, tc.window)
		}
	}
	for _, bad := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--quiet-hours", "9pm-8am"}, nil, "--quiet-hours (LOFTY_QUIET_HOURS): quiet hours \"9pm-8am\" must be a window"},
		{nil, map[string]string{"LOFTY_QUIET_HOURS": "21:00"}, "LOFTY_QUIET_HOURS"},
		{nil, map[string]string{"LOFTY_QUIET_HOURS": "24:00-08:00"}, "LOFTY_QUIET_HOURS"},
		{nil, map[string]string{"LOFTY_QUIET_HOURS": "08:00-08:00"}, "start and end at the same time"},
		{nil, map[string]string{"LOFTY_MESSAGE_DEDUP_WINDOW": "ten minutes"}, "LOFTY_MESSAGE_DEDUP_WINDOW) must be a Go duration"},
		{[]string{"--message-dedup-window", "-1m"}, nil, "--message-dedup-window"},
		{[]string{"--message-dedup-window", "1000h"}, nil, "from 0 to 168h0m0s"},
	} {
		if _, err := parseConfig(append(bad.args, "tools"), func(k string) string { return bad.env[k] }, io.Discard); err == nil ||
			!strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v %v: err = %v, want one containing %q", bad.args, bad.env, err, bad.want)
		}
	}
	var help bytes.Buffer
	if _, err := parseConfig([]string{"--help"}, func(string) string { return "" }, &help); err != errHelp ||
		!strings.Contains(help.String(), "LOFTY_QUIET_HOURS") || !strings.Contains(help.String(), "LOFTY_MESSAGE_DEDUP_WINDOW") {
		t.Errorf("--help does not mention the message settings: %v", err)
	}
}
