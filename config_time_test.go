package main

import (
	"strings"
	"testing"
)

// TestTimeZoneConfig: --time-zone (or LOFTY_TIME_ZONE) takes an IANA zone
// name, checked at start; the server machine's "Local" is refused.
func TestTimeZoneConfig(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string // zone name, or the error's text
		ok   bool
	}{
		{nil, nil, "", true},
		{[]string{"--time-zone", "America/Chicago"}, nil, "America/Chicago", true},
		{nil, map[string]string{"LOFTY_TIME_ZONE": "Europe/London"}, "Europe/London", true},
		{[]string{"--time-zone", "Mars/Base"}, nil, `--time-zone (LOFTY_TIME_ZONE): time zone "Mars/Base" is not an IANA zone name`, false},
		{[]string{"--time-zone", "Local"}, nil, "is not an IANA zone name", false},
	} {
		cfg, err := parseConfig(append(tc.args, "tools"), func(k string) string { return tc.env[k] }, &strings.Builder{})
		switch {
		case tc.ok && err != nil:
			t.Errorf("%v %v: %v", tc.args, tc.env, err)
		case !tc.ok && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: error %v, want one containing %q", tc.args, err, tc.want)
		case tc.ok && tc.want == "" && cfg.time.zone != nil:
			t.Errorf("no zone given, got %v", cfg.time.zone)
		case tc.ok && tc.want != "" && (cfg.time.zone == nil || cfg.time.zone.String() != tc.want):
			t.Errorf("%v %v: zone %v, want %s", tc.args, tc.env, cfg.time.zone, tc.want)
		}
	}
}
