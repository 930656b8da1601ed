package tools

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Quiet hours: when texts to leads wait (LOFTY_QUIET_HOURS, e.g.
// 21:00-08:00), in the lead's time zone. Lofty keeps no time zone for a
// lead, but it keeps the lead's state; a US state gives the zone, and a
// state that spans two zones is quiet when either is. Without a state, the
// person's zone (PersonZone) stands in.

// QuietHours is a daily window of local time, from Start up to End; one
// that ends before it starts runs over midnight (21:00-08:00).
type QuietHours struct {
	Start, End int // minutes after midnight
}

// ParseQuietHours reads "HH:MM-HH:MM" (24-hour clock).
func ParseQuietHours(s string) (QuietHours, error) {
	from, to, ok := strings.Cut(strings.TrimSpace(s), "-")
	start, err1 := clockMinutes(from)
	end, err2 := clockMinutes(to)
	switch {
	case !ok || err1 != nil || err2 != nil:
		return QuietHours{}, fmt.Errorf("quiet hours %q must be a window of local time such as 21:00-08:00", s)
	case start == end:
		return QuietHours{}, fmt.Errorf("quiet hours %q start and end at the same time", s)
	}
	return QuietHours{start, end}, nil
}

// clockMinutes reads "HH:MM" as minutes after midnight.
func clockMinutes(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(h) == 0 || len(h) > 2 || len(m) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("%q is not a time such as 21:00", s)
	}
	return hh*60 + mm, nil
}

// String is the window as LOFTY_QUIET_HOURS takes it.
func (q QuietHours) String() string { return clock(q.Start) + "-" + clock(q.End) }

func clock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// Contains reports whether t's wall clock is inside the window.
func (q QuietHours) Contains(t time.Time) bool {
	m := t.Hour()*60 + t.Minute()
	if q.Start < q.End {
		return m >= q.Start && m < q.End
	}
	return m >= q.Start || m < q.End
}

// leadZone is where a lead's local time comes from: one or two zones.
type leadZone struct {
	zones []*time.Location
	// from says whence, for the person: "from the lead's state TX", or
	// the person's zone's source.
	from string
}

// zoneOfLead returns the lead's zones from its state (its address, else its
// mailing address), else the person's zone.
func zoneOfLead(ctx context.Context, c *lofty.Client, l lofty.Lead) leadZone {
	state := l.State
	if state == "" {
		for _, p := range l.LeadPropertyList {
			if p.MailAddress != nil && *p.MailAddress {
				state = p.State
				break
			}
		}
	}
	if code, names := stateZones(state); len(names) > 0 {
		var z leadZone
		for _, n := range names {
			if loc, err := time.LoadLocation(n); err == nil {
				z.zones = append(z.zones, loc)
			}
		}
		if len(z.zones) > 0 {
			z.from = "from the lead's state " + code
			return z
		}
	}
	pz := PersonZone(ctx, c)
	return leadZone{zones: []*time.Location{pz.Location}, from: "your time zone (" + pz.Source + "); Lofty has no state for the lead"}
}

// quietAt returns the time in the first of z's zones where now is inside
// q, and whether there is one.
func (z leadZone) quietAt(q QuietHours, now time.Time) (time.Time, bool) {
	for _, loc := range z.zones {
		if t := now.In(loc); q.Contains(t) {
			return t, true
		}
	}
	return time.Time{}, false
}

// stateZones returns a US state's (or territory's) code and its IANA zones,
// the most populous first; none for anything else. It takes the code (TX)
// or the name (Texas), in any case.
func stateZones(state string) (string, []string) {
	s := strings.ToUpper(strings.TrimSpace(state))
	if code, ok := stateCodes[s]; ok {
		s = code
	}
	zones := usStateZones[s]
	if zones == nil {
		return "", nil
	}
	return s, zones
}

// usStateZones are the zones of US states, DC and territories.
var usStateZones = map[string][]string{
	"AL": {"America/Chicago"}, "AK": {"America/Anchorage", "America/Adak"}, "AZ": {"America/Phoenix", "America/Denver"},
	"AR": {"America/Chicago"}, "CA": {"America/Los_Angeles"}, "CO": {"America/Denver"}, "CT": {"America/New_York"},
	"DE": {"America/New_York"}, "DC": {"America/New_York"}, "FL": {"America/New_York", "America/Chicago"},
	"GA": {"America/New_York"}, "HI": {"Pacific/Honolulu"}, "ID": {"America/Boise", "America/Los_Angeles"},
	"IL": {"America/Chicago"}, "IN": {"America/Indiana/Indianapolis", "America/Chicago"}, "IA": {"America/Chicago"},
	"KS": {"America/Chicago", "America/Denver"}, "KY": {"America/Kentucky/Louisville", "America/Chicago"},
	"LA": {"America/Chicago"}, "ME": {"America/New_York"}, "MD": {"America/New_York"}, "MA": {"America/New_York"},
	"MI": {"America/Detroit", "America/Menominee"}, "MN": {"America/Chicago"}, "MS": {"America/Chicago"},
	"MO": {"America/Chicago"}, "MT": {"America/Denver"}, "NE": {"America/Chicago", "America/Denver"},
	"NV": {"America/Los_Angeles", "America/Denver"}, "NH": {"America/New_York"}, "NJ": {"America/New_York"},
	"NM": {"America/Denver"}, "NY": {"America/New_York"}, "NC": {"America/New_York"},
	"ND": {"America/Chicago", "America/Denver"}, "OH": {"America/New_York"}, "OK": {"America/Chicago"},
	"OR": {"America/Los_Angeles", "America/Boise"}, "PA": {"America/New_York"}, "RI": {"America/New_York"},
	"SC": {"America/New_York"}, "SD": {"America/Chicago", "America/Denver"}, "TN": {"America/Chicago", "America/New_York"},
	"TX": {"America/Chicago", "America/Denver"}, "UT": {"America/Denver"}, "VT": {"America/New_York"},
	"VA": {"America/New_York"}, "WA": {"America/Los_Angeles"}, "WV": {"America/New_York"}, "WI": {"America/Chicago"},
	"WY": {"America/Denver"}, "PR": {"America/Puerto_Rico"}, "VI": {"America/St_Thomas"}, "GU": {"Pacific/Guam"},
	"MP": {"Pacific/Saipan"}, "AS": {"Pacific/Pago_Pago"},
}

// stateCodes are the codes of states by name, upper case.
var stateCodes = map[string]string{
	"ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA", "COLORADO": "CO",
	"CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC", "WASHINGTON DC": "DC", "FLORIDA": "FL",
	"GEORGIA": "GA", "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL", "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS",
	"KENTUCKY": "KY", "LOUISIANA": "LA", "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA", "MICHIGAN": "MI",
	"MINNESOTA": "MN", "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT", "NEBRASKA": "NE", "NEVADA": "NV",
	"NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM", "NEW YORK": "NY", "NORTH CAROLINA": "NC",
	"NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK", "OREGON": "OR", "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI",
	"SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD", "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT",
	"VIRGINIA": "VA", "WASHINGTON": "WA", "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY",
	"PUERTO RICO": "PR", "GUAM": "GU",
}
