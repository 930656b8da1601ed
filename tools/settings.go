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
	// ListingURL is a listing's page on the team's website, with
	// {listingId} where its ID goes (LOFTY_LISTING_URL); "": listings
	// carry a URL only where Lofty gives one (the published feed).
	ListingURL string
	// Clock is what "now" and "today" are for the tools; nil: time.Now.
	// Tests set it to the fake world's clock.
	Clock func() time.Time
	// QuietHours is when texts to leads wait, in the lead's zone
	// (LOFTY_QUIET_HOURS); nil: texts go at any hour.
	QuietHours *QuietHours
	// RepeatWindow is how long a message sent to a lead is remembered, so
	// that the same message to the same lead is refused as a repeat unless
	// the person confirms it (LOFTY_MESSAGE_DEDUP_WINDOW); 0: not
	// remembered. The server's flag defaults to DefaultRepeatWindow.
	RepeatWindow time.Duration
}

// DefaultRepeatWindow is how long lofty-mcp remembers a message sent to a
// lead unless told otherwise (LOFTY_MESSAGE_DEDUP_WINDOW).
const DefaultRepeatWindow = 10 * time.Minute

// MaxRepeatWindow bounds Settings.RepeatWindow.
const MaxRepeatWindow = 7 * 24 * time.Hour

// Complete checks the settings and fills in the defaults.
func (s Settings) Complete() (Settings, error) {
	switch {
	case s.FindScanPages == 0:
		s.FindScanPages = DefaultFindScanPages
	case s.FindScanPages < 1 || s.FindScanPages > MaxFindScanPages:
		return s, fmt.Errorf("find scan pages must be from 1 to %d, got %d", MaxFindScanPages, s.FindScanPages)
	}
	if s.RepeatWindow < 0 || s.RepeatWindow > MaxRepeatWindow {
		return s, fmt.Errorf("the message repeat window must be from 0 to %s, got %s", MaxRepeatWindow, s.RepeatWindow)
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
