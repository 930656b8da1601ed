package main

import (
	"flag"
	"fmt"
	"time"

	// Zone names must work wherever lofty-mcp runs: the container image
	// (from scratch) and Windows have no zone database of their own.
	_ "time/tzdata"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

// timeConfig holds the person's time zone: what "today" and a time without
// a date mean, and the zone every time is given in.
type timeConfig struct {
	zone *time.Location // nil: what Lofty's profile of the person says

	raw struct{ zone string } // as given, parsed in validate
}

// addFlags registers --time-zone, with its environment default.
func (tc *timeConfig) addFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&tc.raw.zone, "time-zone", envOr(getenv, "LOFTY_TIME_ZONE", ""),
		"the person's time zone, an IANA `ZONE` name such as America/Chicago; default: the zone of the "+
			"person's Lofty profile, never the server machine's (env LOFTY_TIME_ZONE)")
}

// validate refuses a zone name that is not one, at start.
func (tc *timeConfig) validate() error {
	if tc.raw.zone == "" {
		return nil
	}
	loc, err := tools.LoadZone(tc.raw.zone)
	if err != nil {
		return fmt.Errorf("--time-zone (LOFTY_TIME_ZONE): %w", err)
	}
	tc.zone = loc
	return nil
}
