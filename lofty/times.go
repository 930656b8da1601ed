package lofty

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Time is a point in time as Lofty sends it — RFC 3339, a
// "2026-04-15T14:00:00GMT"-style string, "2026-04-15 14:00:00", or epoch
// seconds or milliseconds — held as RFC 3339 text, so every result says
// times one way: in UTC when Lofty gave a zone (or epoch time), and as the
// wall time it sent, without an offset ("2026-04-15T14:00:00"), when it
// gave none. Lofty formats such wall times in the person's zone (the
// request's timeZoneCode, else their profile's), not in UTC, whatever its
// document says of some V1 answers; In reads them in that zone. Lofty's
// "unset" values (0, -1, "") decode to the empty Time, which omitempty
// leaves out.
type Time string

// wallLayout is how a Time holds a time Lofty sent without a zone.
const wallLayout = "2006-01-02T15:04:05"

// timeLayouts are the text forms with a zone, tried in order.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05MST", // 2026-04-15T14:00:00GMT
	"2006-01-02T15:04:05.000MST",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.000Z0700",
	"2006-01-02 15:04:05 MST",
	time.RFC1123,
	time.RFC1123Z,
}

// wallLayouts are the text forms without a zone: wall times.
var wallLayouts = []string{
	wallLayout,
	"2006-01-02T15:04:05.000",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// ParseTime reads a time in any form Lofty is known to send; ok is false
// for text it cannot read. Unset values (0, -1, "") give "", true.
func ParseTime(s string) (Time, bool) {
	s = strings.TrimSpace(s)
	switch s {
	case "", "0", "-1", "null":
		return "", true
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return epochTime(n), true
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return Time(t.UTC().Format(time.RFC3339)), true
		}
	}
	for _, layout := range wallLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return Time(t.Format(wallLayout)), true
		}
	}
	return "", false
}

// In returns t as an instant: a time with an offset as it says, a wall
// time (sent without a zone) read in loc, the zone Lofty formatted it in.
// ok is false for the empty Time and for text that is no Time.
func (t Time) In(loc *time.Location) (time.Time, bool) {
	if at, err := time.Parse(time.RFC3339, string(t)); err == nil {
		return at, true
	}
	if at, err := time.ParseInLocation(wallLayout, string(t), loc); err == nil {
		return at, true
	}
	return time.Time{}, false
}

// epochTime reads epoch milliseconds (or seconds, for values too small to
// be milliseconds of this century).
func epochTime(n int64) Time {
	if n <= 0 {
		return ""
	}
	if n < 1e11 {
		return Time(time.Unix(n, 0).UTC().Format(time.RFC3339))
	}
	return Time(time.UnixMilli(n).UTC().Format(time.RFC3339))
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*t = ""
		return nil
	}
	if len(b) > 0 && b[0] != '"' {
		n, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil {
			return fmt.Errorf("lofty: time %s is not epoch seconds or milliseconds", b)
		}
		*t = epochTime(n)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, ok := ParseTime(s)
	if !ok {
		return fmt.Errorf("lofty: time %q is in no known form", s)
	}
	*t = v
	return nil
}
