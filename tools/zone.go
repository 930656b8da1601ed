package tools

import (
	"context"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// The person's time zone. Lofty formats times per a timeZoneCode, and
// "today" and "Thursday at 10" mean the person's day, never the server
// machine's: the zone is LOFTY_TIME_ZONE when set (Settings.TimeZone),
// else what Lofty's profile of the person says (GET /v1.0/me, cached as
// any read), else UTC, said so.

// Zone is the person's time zone and where it came from.
type Zone struct {
	*time.Location
	// Source: "LOFTY_TIME_ZONE", "Lofty profile", or "UTC (unknown)".
	Source string
}

// PersonZone returns the zone of the person whose credential ctx carries.
func PersonZone(ctx context.Context, c *lofty.Client) Zone {
	if loc := settingsOf(ctx).TimeZone; loc != nil {
		return Zone{loc, "LOFTY_TIME_ZONE"}
	}
	me, err := c.Me(ctx)
	return memberZone(ctx, me, err)
}

// memberZone is the person's zone given Lofty's profile of them (me, or
// the error reading it).
func memberZone(ctx context.Context, me lofty.Member, err error) Zone {
	if loc := settingsOf(ctx).TimeZone; loc != nil {
		return Zone{loc, "LOFTY_TIME_ZONE"}
	}
	if err == nil {
		if loc, err := LoadZone(me.TimeZoneID); err == nil {
			return Zone{loc, "Lofty profile"}
		}
	}
	return Zone{time.UTC, "UTC (unknown: set LOFTY_TIME_ZONE)"}
}

// LoadZone reads an IANA zone name ("America/Chicago"); "" and "Local" are
// refused, since the server machine's zone is never the person's.
func LoadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" || strings.EqualFold(name, "Local") {
		return nil, errZoneName(name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, errZoneName(name)
	}
	return loc, nil
}

type zoneNameError string

func (e zoneNameError) Error() string {
	return "time zone " + `"` + string(e) + `"` + " is not an IANA zone name such as America/Chicago or Europe/London"
}

func errZoneName(name string) error { return zoneNameError(name) }
