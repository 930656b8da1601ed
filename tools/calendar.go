package tools

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// FreeTimesInput is what the model sends to find_free_times.
type FreeTimesInput struct {
	From  string `json:"from,omitempty" jsonschema:"description=Default now"`
	To    string `json:"to,omitempty" jsonschema:"description=Default 7 days on"`
	Limit int64  `json:"limit,omitempty" jsonschema:"minimum=1,maximum=50,default=10,description=Slots at most"`
}

// Slot is a free meeting time.
type Slot struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// FreeTimes is find_free_times' answer.
type FreeTimes struct {
	Slots []Slot `json:"slots"`
	Total int    `json:"total"`
	Note  string `json:"note,omitempty"`
}

// DefaultFreeTimesLimit is how many slots find_free_times returns unless told.
const DefaultFreeTimesLimit = 10

// FindFreeTimes finds free meeting slots in the person's calendar.
var FindFreeTimes = Spec[FreeTimesInput, FreeTimes]{
	Name:        "find_free_times",
	Title:       "Find free times",
	Toolset:     ToolsetTasks,
	Upstream:    []string{"GET /v2.0/calendar/meetings/available", "GET /v1.0/me"},
	Description: "My free meeting slots between from and to (default: the next 7 days), earliest first.",
	Check: func(in FreeTimesInput) error {
		from, to, err := parseSpan("from", in.From, "to", in.To)
		if err == nil && !from.isZero() && !to.isZero() && to.end(time.UTC).Sub(from.start(time.UTC)) > lofty.MaxMeetingWindow+24*time.Hour {
			return fmt.Errorf("the window is longer than 90 days, the most Lofty searches: give a shorter one")
		}
		return err
	},
	Call: func(ctx context.Context, c *lofty.Client, in FreeTimesInput) (FreeTimes, error) {
		zone := PersonZone(ctx, c)
		loc, now := zone.Location, clockNow(ctx)
		f, t, _ := parseSpan("from", in.From, "to", in.To)
		from := f.start(loc)
		var notes []string
		// Lofty looks only later than now: a window that starts earlier
		// starts at the next minute.
		if soon := now.Add(time.Minute).Truncate(time.Minute); from.Before(soon) {
			if !f.isZero() && !f.date {
				notes = append(notes, "The window starts now: Lofty finds no free time in the past.")
			}
			from = soon.In(loc)
		}
		to := t.end(loc)
		if t.isZero() {
			to = from.AddDate(0, 0, 7)
		}
		if to.Sub(from) > lofty.MaxMeetingWindow {
			to = from.Add(lofty.MaxMeetingWindow)
			notes = append(notes, "The window was cut to 90 days, the most Lofty searches.")
		}
		if !to.After(from) {
			return FreeTimes{}, refusal("The window has passed: give a from and to later than now.")
		}
		limit := in.Limit
		if limit == 0 {
			limit = DefaultFreeTimesLimit
		}
		got, err := c.FreeMeetingSlots(ctx, from, to, zoneCode(zone), int(limit))
		if err != nil {
			return FreeTimes{}, err
		}
		out := FreeTimes{Slots: []Slot{}, Total: int(got.Total)}
		for _, s := range got.Slots {
			if s.Start().IsZero() {
				continue
			}
			out.Slots = append(out.Slots, Slot{Start: rfc3339(s.Start(), loc), End: rfc3339(s.End(), loc)})
		}
		out.Total = max(out.Total, len(out.Slots))
		if zone.unknown() {
			notes = append(notes, zoneNote)
		}
		out.Note = strings.Join(notes, " ")
		return out, nil
	},
	Subject: func(FreeTimesInput) string { return "your free times" },
}
