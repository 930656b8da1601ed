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
// seconds or milliseconds — held as RFC 3339 text (UTC when Lofty gave a
// zone or none), so every result says times one way. Lofty's "unset" values
// (0, -1, "") decode to the empty Time, which omitempty leaves out.
type Time string

// timeLayouts are the text forms accepted, tried in order.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05MST", // 2026-04-15T14:00:00GMT
	"2006-01-02T15:04:05.000MST",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.000Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05 MST",
	"2006-01-02",
	time.RFC1123,
	time.RFC1123Z,
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
	return "", false
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
