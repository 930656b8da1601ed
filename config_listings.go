package main

import (
	"flag"
	"fmt"
	"net/url"
	"strings"
)

// listingsConfig holds the listing tools' settings.
type listingsConfig struct {
	// urlTemplate is a listing's page on the team's website, with
	// {listingId} where its ID goes: Lofty's listing answers carry no URL.
	urlTemplate string
}

// addFlags registers --listing-url, with its environment default.
func (l *listingsConfig) addFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&l.urlTemplate, "listing-url", envOr(getenv, "LOFTY_LISTING_URL", ""),
		"the `URL` of a listing's page on the team's website, with {listingId} where the listing's ID goes "+
			"(e.g. https://www.example.com/listing/{listingId}); listings found then carry their page (env LOFTY_LISTING_URL)")
}

// validate refuses a template that is no http(s) URL or names no listing.
func (l *listingsConfig) validate() error {
	if l.urlTemplate == "" {
		return nil
	}
	u, err := url.Parse(strings.ReplaceAll(l.urlTemplate, "{listingId}", "1"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || !strings.Contains(l.urlTemplate, "{listingId}") {
		return fmt.Errorf("--listing-url (LOFTY_LISTING_URL) must be an http(s) URL with {listingId} where a listing's ID goes, got %q", l.urlTemplate)
	}
	return nil
}
