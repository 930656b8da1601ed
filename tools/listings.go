package tools

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Listings, in one tool: "find 3-bed condos under 900k in Oakland for
// Jane" (a search, by a lead's wishes too), an agent's or the office's
// listings or the team's published feed, and one listing in full. A search
// by a leadId searches what the lead asked for (get_lead's price,
// bedrooms, bathrooms, property types and areas); what the model gives
// besides overrides it. Listing text (descriptions, names) is written by
// listing agents, outsiders: it is cleaned and bounded, in fields of its
// own.

// Bounds of the listing tool.
const (
	// ListingPageSize is a search's page size.
	ListingPageSize = 20
)

// SearchListingsInput is what the model sends to search_listings.
type SearchListingsInput struct {
	LeadID        int64    `json:"leadId,omitempty" jsonschema:"minimum=1,description=Their wishes"`
	Locations     []string `json:"locations,omitempty" jsonschema:"description=Cities or ZIPs"`
	PriceMin      int64    `json:"priceMin,omitempty" jsonschema:"description=USD"`
	PriceMax      int64    `json:"priceMax,omitempty" jsonschema:"description=USD"`
	BedsMin       int64    `json:"bedsMin,omitempty" jsonschema:"description=Beds"`
	PropertyTypes []string `json:"propertyTypes,omitempty" jsonschema:"description=Condo etc."`
	ListedBy      string   `json:"listedBy,omitempty" jsonschema:"description=Not a search"`
	ListingID     string   `json:"listingId,omitempty" jsonschema:"description=One in full"`
	Cursor        string   `json:"cursor,omitempty" jsonschema:"description=A next"`
}

// ListingRow is one listing: where, how much, how big, how long on the
// market; for a listing asked for in full, also the building's facts and
// next open house, its description (the listing agent's text, cleaned and
// bounded, in a field of its own) and the listing agent.
type ListingRow struct {
	ListingID    string  `json:"listingId"`
	Address      string  `json:"address,omitempty"`
	Price        float64 `json:"price,omitempty"`
	Beds         float64 `json:"beds,omitempty"`
	Baths        float64 `json:"baths,omitempty"`
	Sqft         float64 `json:"sqft,omitempty"`
	Type         string  `json:"type,omitempty"`
	Status       string  `json:"status,omitempty"`
	DaysOnMarket *int64  `json:"daysOnMarket,omitempty"`
	URL          string  `json:"url,omitempty"`
	Facts        string  `json:"facts,omitempty"`
	Description  string  `json:"description,omitempty"`
	Agent        string  `json:"agent,omitempty"`
}

// ListingResults is search_listings' answer.
type ListingResults struct {
	Currency string       `json:"currency"`
	Listings []ListingRow `json:"listings"`
	Total    *int64       `json:"total,omitempty"`
	Next     string       `json:"next,omitempty"`
	Searched string       `json:"searched,omitempty"`
}

// SearchListings searches listings, lists an agent's, the office's or the
// published ones, or reads one in full.
var SearchListings = Spec[SearchListingsInput, ListingResults]{
	Name:     "search_listings",
	Title:    "Search listings",
	Toolset:  ToolsetListings,
	Upstream: []string{"POST /v2.0/listings/search", "GET " + lofty.LeadTemplate, "GET /v1.0/listing", "GET /v1.0/getPublishedListings"},
	Example:  `{"leadId": 563172647619608}`,
	Description: "MLS listings by area, price, beds, type or a lead's wishes (find_leads); or listedBy me, office, " +
		"published, a userId.",
	Check: func(in SearchListingsInput) error {
		switch {
		case in.BedsMin < 0 || in.PriceMin < 0 || in.PriceMax < 0:
			return fmt.Errorf("prices and beds are 0 or more")
		case in.ListingID != "" && in.ListedBy != "":
			return fmt.Errorf("give listingId or listedBy, not both")
		case len(in.Locations) > 20 || len(in.PropertyTypes) > 10:
			return fmt.Errorf("at most 20 locations and 10 property types")
		case utf8.RuneCountInString(in.ListingID) > 40 || utf8.RuneCountInString(in.Cursor) > 500:
			return fmt.Errorf("\"listingId\" is at most 40 characters, \"cursor\" at most 500")
		}
		if _, err := listedBy(in.ListedBy); err != nil {
			return err
		}
		return nil
	},
	Call: func(ctx context.Context, c *lofty.Client, in SearchListingsInput) (ListingResults, error) {
		if in.ListingID != "" || in.ListedBy != "" {
			return listedListings(ctx, c, in)
		}
		return searchListingsCall(ctx, c, in)
	},
	Subject: func(in SearchListingsInput) string {
		switch {
		case in.ListingID != "":
			return "listing " + strconv.Quote(CleanLine(in.ListingID, 40))
		case in.LeadID != 0:
			return fmt.Sprintf("lead %d", in.LeadID)
		}
		return "this listing search"
	},
	NotFound: func(in SearchListingsInput) string {
		switch {
		case in.ListingID != "":
			return "Lofty has no listing " + strconv.Quote(CleanLine(in.ListingID, 40)) + " that these credentials can see."
		case in.ListedBy != "":
			return "Lofty has no team member with user ID " + strconv.Quote(CleanLine(in.ListedBy, 40)) + "."
		}
		return fmt.Sprintf("Lofty has no lead %d that these credentials can see. To find a lead's ID, call find_leads.", in.LeadID)
	},
}

// listingSearch is a search's filters, from a lead's inquiry and the
// model's arguments.
type listingSearch struct {
	cities, zips, counties, types []string
	priceMin, priceMax            int64
	bedsMin                       int64
	bathsMin                      float64
}

// fromInquiry starts a search from what a lead asked for.
func fromInquiry(in *lofty.LeadInquiry) listingSearch {
	var s listingSearch
	if in == nil {
		return s
	}
	s.priceMin, s.priceMax, s.bedsMin = int64(in.PriceMin), int64(in.PriceMax), int64(in.BedroomsMin)
	if b, err := strconv.ParseFloat(strings.TrimSpace(in.BathroomsMin), 64); err == nil && b > 0 {
		s.bathsMin = b
	}
	s.types = nonEmpty(in.PropertyType)
	for _, loc := range in.Locations {
		switch {
		case unsetText(loc.ZipCode) != "":
			s.zips = appendNew(s.zips, unsetText(loc.ZipCode))
		case unsetText(loc.City) != "":
			s.cities = appendNew(s.cities, unsetText(loc.City))
		case unsetText(loc.County) != "":
			s.counties = appendNew(s.counties, unsetText(loc.County))
		}
	}
	return s
}

func appendNew(list []string, s string) []string {
	if contains(list, s) {
		return list
	}
	return append(list, s)
}

// override applies the model's arguments over the lead's wishes.
func (s *listingSearch) override(in SearchListingsInput) {
	if len(in.Locations) > 0 {
		s.cities, s.zips, s.counties = nil, nil, nil
		for _, loc := range in.Locations {
			loc = strings.TrimSpace(loc)
			if isZip(loc) {
				s.zips = appendNew(s.zips, loc)
			} else if loc != "" {
				s.cities = appendNew(s.cities, loc)
			}
		}
	}
	set := func(to *int64, v int64) {
		if v > 0 {
			*to = v
		}
	}
	set(&s.priceMin, in.PriceMin)
	set(&s.priceMax, in.PriceMax)
	set(&s.bedsMin, in.BedsMin)
	if len(in.PropertyTypes) > 0 {
		s.types = in.PropertyTypes
	}
}

func isZip(s string) bool {
	if len(s) != 5 {
		return false
	}
	_, err := strconv.Atoi(s)
	return err == nil
}

// conditions are the search's filterConditions, in Lofty's forms.
func (s listingSearch) conditions() map[string]any {
	out := map[string]any{}
	// The most precise areas alone: Lofty would require a listing to be in
	// every kind of area given (a ZIP code and a county named otherwise).
	switch {
	case len(s.zips) > 0:
		out["location"] = map[string][]string{"zipCode": s.zips}
	case len(s.cities) > 0:
		out["location"] = map[string][]string{"city": s.cities}
	case len(s.counties) > 0:
		out["location"] = map[string][]string{"county": s.counties}
	}
	rng := func(name string, lo, hi string) {
		if lo != "" || hi != "" {
			out[name] = lo + "," + hi
		}
	}
	num := func(n int64) string {
		if n <= 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	rng("price", num(s.priceMin), num(s.priceMax))
	rng("beds", num(s.bedsMin), "")
	if s.bathsMin > 0 {
		rng("baths", strconv.FormatFloat(s.bathsMin, 'f', -1, 64), "")
	}
	if len(s.types) > 0 {
		out["propertyType"] = s.types
	}
	return out
}

// describe says the filters in a few words: "78704; $450,000–$600,000;
// 3+ beds; Single Family Home, Townhouse". A lead's wishes are their own
// text: cleaned and bounded.
func (s listingSearch) describe() string {
	var parts []string
	if loc, ok := s.conditions()["location"].(map[string][]string); ok {
		for _, areas := range loc {
			parts = append(parts, strings.Join(areas, ", "))
		}
	}
	if p := rangeText(s.priceMin, s.priceMax, money); p != "" {
		parts = append(parts, p)
	}
	if s.bedsMin > 0 {
		parts = append(parts, strconv.FormatInt(s.bedsMin, 10)+"+ beds")
	}
	if s.bathsMin > 0 {
		parts = append(parts, strconv.FormatFloat(s.bathsMin, 'f', -1, 64)+"+ baths")
	}
	if len(s.types) > 0 {
		parts = append(parts, strings.Join(s.types, ", "))
	}
	return CleanLine(strings.Join(parts, "; "), MaxSummaryLength)
}

func searchListingsCall(ctx context.Context, c *lofty.Client, in SearchListingsInput) (ListingResults, error) {
	var s listingSearch
	if in.LeadID != 0 {
		lead, err := c.Lead(ctx, in.LeadID)
		if err != nil {
			return ListingResults{}, err
		}
		s = fromInquiry(lead.LeadInquiry)
	}
	s.override(in)
	limit, page := int64(ListingPageSize), int64(1)
	if in.Cursor != "" {
		n, err := strconv.ParseInt(in.Cursor, 10, 64)
		if err != nil || n < 1 {
			return ListingResults{}, invalidArguments("\"cursor\" is not a search's next")
		}
		page = n
	}
	q := lofty.ListingQuery{FilterConditions: s.conditions(), PageNum: int32(page), PageSize: int32(limit)}
	res, err := c.SearchListings(ctx, q)
	if err != nil {
		return ListingResults{}, err
	}
	at := clockNow(ctx)
	out := ListingResults{Currency: Currency, Listings: []ListingRow{}, Searched: s.describe()}
	for _, l := range res.Listing {
		if l.ListingID != "" {
			out.Listings = append(out.Listings, newListingRow(ctx, l, at))
		}
	}
	if m := res.Metadata; m != nil {
		out.Total = m.TotalCount
		more := m.HasMore != nil && *m.HasMore || m.HasMore == nil && m.TotalCount != nil && page*limit < *m.TotalCount
		if more && len(res.Listing) > 0 {
			out.Next = strconv.FormatInt(page+1, 10)
		}
	}
	return out, nil
}

// price reads Lofty's price text ("585000", "$585,000"); 0 when unset.
func price(s string) float64 {
	f, err := strconv.ParseFloat(strings.NewReplacer("$", "", ",", "", " ", "").Replace(s), 64)
	if err != nil || f <= 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0
	}
	return f
}

// daysSince is the whole days from t to now; nil when t is unset.
func daysSince(t lofty.Time, now time.Time) *int64 {
	at := instant(t)
	if at.IsZero() || at.After(now) {
		return nil
	}
	d := int64(now.Sub(at).Hours() / 24)
	return &d
}

// newListingRow curates a listing for a list; its URL is its page on the
// team's website, when the server knows where that is (Settings.ListingURL).
func newListingRow(ctx context.Context, l lofty.Listing, now time.Time) ListingRow {
	zip := ""
	if len(l.ListingZipcode) > 0 {
		zip = l.ListingZipcode[0]
	}
	typ := l.PropertyTypeSecondary
	if typ == "" && len(l.PropertyTypes) > 0 {
		typ = l.PropertyTypes[0]
	}
	return ListingRow{ListingID: l.ListingID,
		Address: CleanLine(joinParts(l.ListingStreetName, l.ListingCity, l.ListingState+" "+zip), MaxSummaryLength),
		Price:   price(l.Price), Beds: float64(l.Beds), Baths: float64(l.Baths), Sqft: float64(l.Sqft),
		Type: CleanLine(typ, MaxNameLength), Status: CleanLine(l.ListingStatus, MaxNameLength), DaysOnMarket: daysSince(l.MLSListDate, now),
		URL: listingURL(settingsOf(ctx).ListingURL, l.ListingID)}
}

// listedListings answers listedBy and listingId: the caller's, an
// agent's or the office's listings, active then sold (GET /v1.0/listing),
// one in full, or the published feed.
func listedListings(ctx context.Context, c *lofty.Client, in SearchListingsInput) (ListingResults, error) {
	at := clockNow(ctx)
	out := ListingResults{Currency: Currency, Listings: []ListingRow{}}
	if in.ListedBy == "published" {
		feed, err := c.PublishedListings(ctx, lofty.FeedAllOnMarket)
		if err != nil {
			return out, err
		}
		for _, l := range feed {
			out.Listings = append(out.Listings, feedListing(l, at))
		}
		n := int64(len(feed))
		out.Total = &n
		return out, nil
	}
	q := lofty.AgentListingQuery{ListingID: in.ListingID, NextPageKey: in.Cursor}
	switch agent, _ := listedBy(in.ListedBy); {
	case agent != 0:
		q.UserID, q.AgentListings = agent, true
	case in.ListedBy == "office":
		q.Office = true
	case in.ListedBy == "me":
		q.AgentListings = true
	}
	res, err := c.AgentListings(ctx, q)
	if err != nil {
		return out, err
	}
	for _, l := range append(res.Active, res.Sold...) {
		if l.ListingID == "" || in.ListingID != "" && l.ListingID != in.ListingID {
			continue
		}
		row := newListingRow(ctx, l, at)
		if in.ListingID != "" {
			row = listingDetail(l, row)
		}
		out.Listings = append(out.Listings, row)
	}
	if in.ListingID != "" {
		if len(out.Listings) == 0 {
			return out, &lofty.Error{Kind: lofty.KindNotFound, Status: 200, Message: "no listing has this listingId"}
		}
		return out, nil
	}
	out.Total, out.Next = res.Meta.Total, res.Meta.NextPageKey
	return out, nil
}

// listingDetail adds to d what a full listing has.
func listingDetail(l lofty.Listing, d ListingRow) ListingRow {
	var facts []string
	if l.BuiltYear > 0 {
		facts = append(facts, fmt.Sprintf("Built %d.", l.BuiltYear))
	}
	d.Agent = CleanLine(joinParts(l.AgentName, l.AgentOrgName), MaxNameLength*2)
	switch {
	case l.HoaFee > 0:
		facts = append(facts, strings.TrimSpace("HOA "+amount(float64(l.HoaFee))+" "+CleanLine(l.HoaFeeFrequency, MaxNameLength))+".")
	case l.CondoFee > 0:
		facts = append(facts, strings.TrimSpace("Condo fee "+amount(float64(l.CondoFee))+" "+CleanLine(l.CondoFeeFrequency, MaxNameLength))+".")
	}
	if l.GarageParkingSpaces > 0 {
		facts = append(facts, fmt.Sprintf("Parking for %g.", float64(l.GarageParkingSpaces)))
	}
	if open := CleanLine(l.OpenHouseSchedules, MaxNameLength); open != "" {
		facts = append(facts, "Open house: "+open+".")
	}
	d.Facts = strings.Join(facts, " ")
	d.Description = CleanText(l.DetailsDescribe, MaxBodyLength/4)
	return d
}

// feedListing is a listing of the published feed; its URL is the team
// website's page for it.
func feedListing(l lofty.FeedListing, now time.Time) ListingRow {
	row := ListingRow{ListingID: CleanLine(l.ListingID, 40),
		Address: CleanLine(joinParts(strings.TrimSpace(l.Street+" "+unitText(l.Unit)), l.City, l.State+" "+l.ZipCode), MaxSummaryLength),
		Price:   l.Price, Beds: l.Beds, Baths: l.Baths, Sqft: l.Sqft, Type: CleanLine(l.PropertyType, MaxNameLength),
		Status: CleanLine(l.Status, MaxNameLength)}
	if strings.HasPrefix(l.URL, "https://") || strings.HasPrefix(l.URL, "http://") {
		row.URL = CleanLine(l.URL, 500)
	}
	if t, ok := lofty.ParseTime(l.ListDate); ok {
		row.DaysOnMarket = daysSince(t, now)
	}
	row.Agent = CleanLine(l.AgentName, MaxNameLength)
	return row
}

func unitText(u string) string {
	if u = strings.TrimSpace(u); u == "" {
		return ""
	}
	return "#" + strings.TrimPrefix(u, "#")
}

// listedBy reads search_listings' listedBy: me, office, published, or an
// agent's user ID (returned).
func listedBy(s string) (int64, error) {
	switch s {
	case "", "me", "office", "published":
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("\"listedBy\" must be me, office, published or an agent's user ID, got %q", CleanLine(s, 40))
	}
	return id, nil
}

// listingURL is template with the listing's ID put in; "" without one.
func listingURL(template, id string) string {
	if template == "" || id == "" {
		return ""
	}
	return strings.ReplaceAll(template, "{listingId}", url.PathEscape(id))
}
