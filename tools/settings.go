package tools

import (
	"context"
	"fmt"
	"time"
)

// DefaultFindScanPages is how many pages of leads find_leads looks through,
// at most, when Lofty does not apply its filters (LOFTY_FIND_SCAN_PAGES).
const DefaultFindScanPages = 4

// MaxFindScanPages bounds Settings.FindScanPages.
const MaxFindScanPages = 20

// Settings are the server options a tool's Call reads, carried in the
// call's context (WithSettings) so that a Spec's Call keeps its one
// signature.
type Settings struct {
	// FindScanPages is how many pages of leads find_leads looks through,
	// at most, when Lofty does not apply its filters; 0: DefaultFindScanPages.
	FindScanPages int
	// TimeZone is the person's zone (LOFTY_TIME_ZONE); nil: what Lofty's
	// profile of the person says (PersonZone).
	TimeZone *time.Location
	// Clock is what "now" and "today" are for the tools; nil: time.Now.
	// Tests set it to the fake world's clock.
	Clock func() time.Time
}

// Complete checks the settings and fills in the defaults.
func (s Settings) Complete() (Settings, error) {
	switch {
	case s.FindScanPages == 0:
		s.FindScanPages = DefaultFindScanPages
	case s.FindScanPages < 1 || s.FindScanPages > MaxFindScanPages:
		return s, fmt.Errorf("find scan pages must be from 1 to %d, got %d", MaxFindScanPages, s.FindScanPages)
	}
	return s, nil
}

type settingsKey struct{}

// WithSettings returns ctx carrying s (completed) for the calls made in it.
func WithSettings(ctx context.Context, s Settings) context.Context {
	return context.WithValue(ctx, settingsKey{}, s)
}

// settingsOf returns the settings of the server serving ctx's call, or the
// defaults.
func settingsOf(ctx context.Context) Settings {
	if s, ok := ctx.Value(settingsKey{}).(Settings); ok {
		return s
	}
	return Settings{FindScanPages: DefaultFindScanPages}
}

// clockNow is the current time by the settings' clock.
func clockNow(ctx context.Context) time.Time {
	if c := settingsOf(ctx).Clock; c != nil {
		return c()
	}
	return time.Now()
}
