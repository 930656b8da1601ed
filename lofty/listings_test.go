package lofty_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/contract"
)

// TestListingSearchIsARead: the search is a POST, but answered from the
// cache when asked again, and retried after a 503 as a read is.
func TestListingSearchIsARead(t *testing.T) {
	f := fakelofty.New(nil)
	contract.Check(t, f)
	failures := 1
	f.Intercept = func(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, bool) {
		if r.URL.Path == "/v2.0/listings/search" && failures > 0 {
			failures--
			w.WriteHeader(http.StatusServiceUnavailable)
			return w, true
		}
		return w, false
	}
	c := newClient(t, f.Start(t), lofty.Config{Credential: apiKey, Resilience: lofty.Resilience{MaxRetries: 2,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond, CacheTTL: time.Minute}})
	q := lofty.ListingQuery{FilterConditions: map[string]any{"location": map[string][]string{"zipCode": {"78704"}}, "beds": "3,"}}
	page, err := c.SearchListings(context.Background(), q)
	if err != nil {
		t.Fatalf("search after a 503: %v", err)
	}
	if len(page.Listing) == 0 || page.Metadata == nil || page.Metadata.TotalCount == nil {
		t.Fatalf("page %+v: want listings and a total", page)
	}
	n := f.RequestCount()
	if _, err := c.SearchListings(context.Background(), q); err != nil || f.RequestCount() != n {
		t.Errorf("same search again: %v, %d requests; want the cached answer", err, f.RequestCount()-n)
	}
	q.FilterConditions["beds"] = "4,"
	if _, err := c.SearchListings(context.Background(), q); err != nil || f.RequestCount() != n+1 {
		t.Errorf("another search: %v, %d requests; want one (the body is part of the question)", err, f.RequestCount()-n)
	}
}

// TestPublishedListingsFeed: the XML feed is asked for as XML and read
// into listings; an answer that is not XML is unreadable.
func TestPublishedListingsFeed(t *testing.T) {
	f := fakelofty.New(nil)
	contract.Check(t, f)
	c := newClient(t, f.Start(t), lofty.Config{Credential: apiKey})
	got, err := c.PublishedListings(context.Background(), lofty.FeedAllOnMarket)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d listings, want the team's two on the market: %+v", len(got), got)
	}
	l := got[0]
	if l.ListingID != "1179625501" || l.Price != 585000 || l.Beds != 3 || l.Street != "2104 Barton Hills Dr" ||
		l.URL == "" || l.Status != "Active" || l.ListDate == "" {
		t.Errorf("first listing %+v", l)
	}
	reqs := f.Requests()
	if r := reqs[len(reqs)-1]; r.RawQuery != "type=AllOnMarket" {
		t.Errorf("query %q", r.RawQuery)
	}

	_, base := scriptedFake(t, reply(http.StatusOK, "application/json", `{"listings": []}`))
	_, err = newClient(t, base, lofty.Config{Credential: apiKey}).PublishedListings(context.Background(), lofty.FeedAllOnMarket)
	if lofty.KindOf(err) != lofty.KindBadResponse {
		t.Errorf("a JSON answer: %v, want unreadable", err)
	}
}

// TestParseListingFeedVocabularies reads feeds in other vocabularies:
// attributes, RESO-style names, nested addresses.
func TestParseListingFeedVocabularies(t *testing.T) {
	doc := `<?xml version="1.0"?><feed><properties>
	  <property id="A1"><location><address>12 Oak St</address><city>Austin</city><zip>78701</zip></location>
	    <details><price>$1,250,000</price><bedrooms>4</bedrooms><bathrooms>3.5</bathrooms><LivingArea>3100</LivingArea></details>
	    <link>https://example.com/a1</link></property>
	  <property id="A2"><StreetAddress>9 Elm</StreetAddress><ListPrice>2400</ListPrice></property>
	</properties></feed>`
	got, err := lofty.ParseListingFeed(lofty.XML(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ListingID != "A1" || got[0].Price != 1250000 || got[0].Baths != 3.5 || got[0].Sqft != 3100 ||
		got[0].URL != "https://example.com/a1" || got[0].Street != "12 Oak St" || got[1].Price != 2400 {
		t.Errorf("feed read as %+v", got)
	}
	if _, err := lofty.ParseListingFeed(lofty.XML("<a><b>")); err == nil {
		t.Error("a truncated feed read without error")
	}
}
