package tools

import (
	"fmt"
	"strings"
	"time"
)

// Times the model sends and reads. A time argument is RFC 3339 with the
// zone offset ("2026-03-05T10:00:00-06:00"), or a date alone
// ("2026-03-05"), which means the whole day in the person's zone: turning
// "Thursday at 10" into one is the model's job, and a time without an
// offset is refused rather than guessed, since the server machine's zone
// is never the person's. Every time a result gives is RFC 3339 with the
// person's offset.

// when is a time argument: an instant, or (date) a whole day.
type when struct {
	t    time.Time // the instant; for a date, midnight UTC of it
	date bool
}

// instantLayouts are the forms of an instant accepted: RFC 3339, with or
// without seconds.
var instantLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"}

// parseWhen reads argument name's value s ("" is no time).
func parseWhen(name, s string) (when, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return when{}, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return when{t: d, date: true}, nil
	}
	for _, layout := range instantLayouts {
		if t, err := time.Parse(layout, strings.Replace(s, " ", "T", 1)); err == nil {
			return when{t: t}, nil
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05.999999999"} {
		if _, err := time.Parse(layout, strings.Replace(s, " ", "T", 1)); err == nil {
			return when{}, fmt.Errorf("%q is %q, a time without a zone offset: send it with the person's offset, "+
				"e.g. %s-05:00 (RFC 3339; get_my_day's \"now\" shows the offset), or a date alone (%s) for the whole day",
				name, s, strings.Replace(s, " ", "T", 1), s[:10])
		}
	}
	return when{}, fmt.Errorf("%q is %q, not a time: send RFC 3339 with the zone offset (2026-03-05T10:00:00-05:00) "+
		"or a date alone (2026-03-05) for the whole day", name, s)
}

// isZero reports whether no time was given.
func (w when) isZero() bool { return w.t.IsZero() }

// start is the instant w starts at in loc: a date's midnight.
func (w when) start(loc *time.Location) time.Time {
	if w.date {
		return dayStart(w.t, loc)
	}
	return w.t
}

// end is the instant w ends at in loc: the midnight after a date.
func (w when) end(loc *time.Location) time.Time {
	if w.date {
		return dayStart(w.t.AddDate(0, 0, 1), loc)
	}
	return w.t
}

// dayStart is the midnight of date's day (its year, month and day) in loc.
func dayStart(date time.Time, loc *time.Location) time.Time {
	return time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, loc)
}

// parseSpan reads a start and an end argument (named startName and
// endName; either may be empty) and refuses an end before the start, as
// far as the arguments alone tell: a date is compared with an instant by
// the instant's own date.
func parseSpan(startName, start, endName, end string) (when, when, error) {
	s, err := parseWhen(startName, start)
	if err != nil {
		return s, when{}, err
	}
	e, err := parseWhen(endName, end)
	if err != nil {
		return s, e, err
	}
	if s.isZero() || e.isZero() {
		return s, e, nil
	}
	var before bool
	switch {
	case s.date == e.date:
		before = e.t.Before(s.t)
	case s.date: // e is an instant: it ends before a day that starts after its own date
		before = dateOf(e.t).Before(s.t)
	default: // e is a date: the whole day, so it ends before an instant on a later date
		before = e.t.Before(dateOf(s.t))
	}
	if before {
		return s, e, fmt.Errorf("%q is before %q: give an end after the start", endName, startName)
	}
	return s, e, nil
}

// dateOf is t's date, in its own offset, as midnight UTC.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// rfc3339 formats t in loc for a result; "" for the zero time.
func rfc3339(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

// spoken renders a time for a question put to the person: "Thu 5 Mar
// 2026, 10:00", or "Thu 5 Mar 2026, all day".
func spoken(t time.Time, loc *time.Location, allDay bool) string {
	if t.IsZero() {
		return "no time"
	}
	t = t.In(loc)
	if allDay {
		return t.Format("Mon 2 Jan 2006") + ", all day"
	}
	return t.Format("Mon 2 Jan 2006, 15:04")
}
