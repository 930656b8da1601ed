package fakelofty

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The demo world's clock and places. Demo dates its history relative to a
// fixed DemoNow rather than to the real date, so that every fact a test
// checks holds on any day and at midnight, and the seeded leads' own dates
// (January to March 2026) agree with their notes, calls and tasks. A demo
// that a person uses (--demo) moves the whole world to the real today
// instead (MoveTo), so that "what do I have today?" has an answer. What the
// fake creates in answer to a write is stamped with the real time.
var DemoNow = time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC) // Tuesday, 11:00 in Austin

// now is the world's clock: Clock, or DemoNow.
func (d *Data) now() time.Time {
	if d.Clock == nil {
		return DemoNow
	}
	return d.Clock()
}

// MoveTo moves the world in time so that its today is the day of clock's
// now, and makes clock the world's clock. Every time the world holds moves
// by the same whole number of days, keeping its time of day in the demo
// zone: time.Time values, and text in a time's form (RFC 3339, "2006-01-02
// 15:04:05", Lofty's "…GMT", a date alone) in the leads, each area's
// records and the answers held as maps. A task due at 14:00 on DemoNow's
// day is due at 14:00 today; what is overdue at DemoNow may not be yet,
// and the other way round, since "now" is the real time of day. Moving
// whole days keeps each weekday's facts on the same weekday only when the
// distance is whole weeks; it is not, and no fact depends on it.
func (d *Data) MoveTo(clock func() time.Time) {
	from, to := zoned(d.now(), ""), zoned(clock(), "")
	days := int(time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC).Sub(
		time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)).Hours() / 24)
	d.Clock = nil
	if days != 0 {
		(&shifter{days: days, seen: map[uintptr]bool{}}).value(reflect.ValueOf(d).Elem())
	}
	d.Clock = clock
}

// shifter moves every time in a value by whole days (MoveTo).
type shifter struct {
	days int
	seen map[uintptr]bool // maps and pointers already moved: the world shares some
}

var timeType = reflect.TypeFor[time.Time]()

func (s *shifter) value(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || s.seen[v.Pointer()] {
			return
		}
		s.seen[v.Pointer()] = true
		s.value(v.Elem())
	case reflect.Interface:
		if v.IsNil() || !v.CanSet() {
			return
		}
		cp := reflect.New(v.Elem().Type()).Elem()
		cp.Set(v.Elem())
		s.value(cp)
		v.Set(cp)
	case reflect.Struct:
		if v.Type() == timeType {
			if t := v.Interface().(time.Time); !t.IsZero() && v.CanSet() {
				v.Set(reflect.ValueOf(s.instant(t)))
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				s.value(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Len() > 0 && s.seen[v.Pointer()] {
			return
		}
		if v.Len() > 0 {
			s.seen[v.Pointer()] = true
		}
		fallthrough
	case reflect.Array:
		for i := range v.Len() {
			s.value(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() || s.seen[v.Pointer()] {
			return
		}
		s.seen[v.Pointer()] = true
		for _, k := range v.MapKeys() {
			cp := reflect.New(v.Type().Elem()).Elem()
			cp.Set(v.MapIndex(k))
			s.value(cp)
			v.SetMapIndex(k, cp)
		}
	case reflect.String:
		if v.CanSet() {
			if moved, ok := s.text(v.String()); ok {
				v.SetString(moved)
			}
		}
	}
}

// instant moves t by the days, keeping its time of day in the demo zone.
func (s *shifter) instant(t time.Time) time.Time {
	local := zoned(t, "")
	wall := time.Date(local.Year(), local.Month(), local.Day()+s.days, local.Hour(), local.Minute(), local.Second(),
		local.Nanosecond(), time.UTC)
	return wall.Add(-time.Duration(offsetSeconds(wall)) * time.Second).In(t.Location())
}

// timeTexts are the text forms of times the world holds: those with a zone
// are instants; the others wall times or dates, moved as they read.
var timeTexts = []struct {
	layout string
	zoned  bool
}{{time.RFC3339, true}, {"2006-01-02T15:04:05MST", true}, {time.DateTime, false}, {time.DateOnly, false}}

// text moves s if it is a time in one of timeTexts' forms.
func (s *shifter) text(str string) (string, bool) {
	if len(str) < len(time.DateOnly) || len(str) > 40 || str[4] != '-' {
		return "", false
	}
	for _, f := range timeTexts {
		t, err := time.Parse(f.layout, str)
		if err != nil {
			continue
		}
		layout := f.layout
		if f.layout == time.RFC3339 && strings.Contains(str, ".") {
			layout = time.RFC3339Nano
		}
		if f.zoned {
			return s.instant(t).Format(layout), true
		}
		return t.AddDate(0, 0, s.days).Format(layout), true
	}
	return "", false
}

// DemoTimeZone is the demo person's zone (UserResponse.timeZoneId): the
// fake formats zoned times in it when a request names no zone. It is
// computed by US daylight-saving rules rather than loaded, so the fake
// needs no time zone database (the container image has none).
const DemoTimeZone = "America/Chicago"

// DemoTeamID is the demo team's id (teamId everywhere).
const DemoTeamID int64 = 12345

// demoZone is DemoTimeZone at t: CST, or CDT from the second Sunday of
// March to the first Sunday of November, 2:00 local.
func demoZone(t time.Time) *time.Location {
	y := t.UTC().Year()
	start := nthSunday(y, time.March, 2).Add(2*time.Hour + 6*time.Hour)  // 2:00 CST in UTC
	end := nthSunday(y, time.November, 1).Add(2*time.Hour + 5*time.Hour) // 2:00 CDT in UTC
	if !t.Before(start) && t.Before(end) {
		return time.FixedZone("CDT", -5*3600)
	}
	return time.FixedZone("CST", -6*3600)
}

func nthSunday(year int, month time.Month, n int) time.Time {
	d := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	for d.Weekday() != time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d.AddDate(0, 0, 7*(n-1))
}

// zoned returns t in zone (an IANA name; "" or unknown: the demo zone).
func zoned(t time.Time, zone string) time.Time {
	if zone != "" && zone != DemoTimeZone {
		if loc, err := time.LoadLocation(zone); err == nil {
			return t.In(loc)
		}
	}
	return t.In(demoZone(t))
}

// wallTime formats t as Lofty's V1 answers do, "2026-04-22 10:15:30", in
// the demo person's zone.
func wallTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return zoned(t, "").Format(time.DateTime)
}

// isoTime formats t as the V2 answers do, with the zone's offset
// ("2026-03-01T15:00:00-06:00").
func isoTime(t time.Time, zone string) string {
	if t.IsZero() {
		return ""
	}
	return zoned(t, zone).Format(time.RFC3339)
}

// epochMillis is t as Lofty's epoch-millisecond fields carry it.
func epochMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// ago is DemoNow less d.
func ago(d time.Duration) time.Time { return DemoNow.Add(-d) }

// day is a clock time on the day DemoNow+days, in the demo zone.
func day(days, hour, minute int) time.Time {
	local := zoned(DemoNow, "")
	t := time.Date(local.Year(), local.Month(), local.Day()+days, hour, minute, 0, 0, time.UTC)
	return t.Add(-time.Duration(offsetSeconds(t)) * time.Second)
}

func offsetSeconds(t time.Time) int {
	_, off := t.In(demoZone(t)).Zone()
	return off
}

// queryInt is an integer query parameter the request check has already
// found well-formed (0 when absent).
func queryInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	return n
}

// queryIntOr is queryInt with a default for an absent parameter.
func queryIntOr(r *http.Request, name string, def int64) int64 {
	if r.URL.Query().Get(name) == "" {
		return def
	}
	return queryInt(r, name)
}

// pathInt is an integer path parameter the request check has already
// found well-formed.
func pathInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return n
}

// visibleLead returns lead id as the caller may see it, or answers 404
// LEAD_NOT_EXIST (Lofty's answer for a lead of another team too).
func (f *Fake) visibleLead(w http.ResponseWriter, r *http.Request, id int64) (*Lead, bool) {
	l, ok := f.dataFor(r).Leads[id]
	if !ok || l.Forbidden || l.Trashed {
		leadNotExist(w)
		return nil, false
	}
	return l, true
}

// notFound answers 404 as Lofty documents it: a plain message (coded
// JSON with CodedErrors).
func notFound(w http.ResponseWriter, what string) {
	writeText(w, http.StatusNotFound, what+" not found")
}

// window returns items[offset:offset+limit], clamped.
func window[T any](items []T, offset, limit int64) []T {
	if offset < 0 {
		offset = 0
	}
	if offset >= int64(len(items)) {
		return []T{}
	}
	end := min(offset+limit, int64(len(items)))
	return items[offset:end]
}

// pageStart is where a page starts: after the item whose id is currentId
// when one is given (past the end when no item has it), else at offset.
func pageStart[T any](items []T, offset, currentID int64, idOf func(*T) int64) int64 {
	if currentID <= 0 {
		return offset
	}
	for i := range items {
		if idOf(&items[i]) == currentID {
			return int64(i) + 1
		}
	}
	return int64(len(items))
}

// forLead returns the items of lead id, keeping their order.
func forLead[T any](items []T, id int64, leadOf func(*T) int64) []T {
	out := []T{}
	for i := range items {
		if leadOf(&items[i]) == id {
			out = append(out, items[i])
		}
	}
	return out
}

// cut is s cut to n characters, as Lofty cuts a string beyond its
// documented maxLength.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// blank reports whether s has no visible text.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

// orEmpty is s, or an empty slice for JSON.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
