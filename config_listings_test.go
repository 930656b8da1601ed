package main

import (
	"io"
	"strings"
	"testing"
)

// TestListingURLFlag: --listing-url (or LOFTY_LISTING_URL) takes an http(s)
// URL with {listingId}; anything else is refused at start.
func TestListingURLFlag(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	cfg, err := parseConfig(nil, env("LOFTY_LISTING_URL", "https://www.example.com/listing/{listingId}"), io.Discard)
	if err != nil || cfg.listings.urlTemplate != "https://www.example.com/listing/{listingId}" {
		t.Errorf("from the environment: %q, %v", cfg.listings.urlTemplate, err)
	}
	for _, bad := range []string{"https://www.example.com/listing", "ftp://x/{listingId}", "{listingId}"} {
		if _, err := parseConfig([]string{"--listing-url", bad}, env(), io.Discard); err == nil || !strings.Contains(err.Error(), "--listing-url") {
			t.Errorf("%q: %v, want refused", bad, err)
		}
	}
}
