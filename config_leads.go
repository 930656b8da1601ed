package main

import (
	"flag"
	"strconv"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

// leadsConfig holds the lead tools' settings.
type leadsConfig struct {
	// findScanPages is how many pages of leads find_leads looks through, at
	// most, when Lofty does not apply its filters.
	findScanPages int

	raw struct{ findScanPages string } // as given, parsed in validate
}

// addFlags registers --find-scan-pages, with its environment default.
func (l *leadsConfig) addFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&l.raw.findScanPages, "find-scan-pages",
		envOr(getenv, "LOFTY_FIND_SCAN_PAGES", strconv.Itoa(tools.DefaultFindScanPages)),
		"when Lofty does not apply find_leads' filters, look through at most `N` pages of leads (1–"+
			strconv.Itoa(tools.MaxFindScanPages)+"), each one request (env LOFTY_FIND_SCAN_PAGES)")
}

// validate parses and bounds the lead tools' settings.
func (l *leadsConfig) validate() error {
	var err error
	l.findScanPages, err = parseBoundedInt("--find-scan-pages", "LOFTY_FIND_SCAN_PAGES", l.raw.findScanPages, 1, tools.MaxFindScanPages)
	return err
}
