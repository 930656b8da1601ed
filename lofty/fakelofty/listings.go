package fakelofty

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Listings: the MLS listings the team sees (Listing, Listing V2), a few of
// them matching Jane Smith's inquiry (Austin 78704, $450k-$600k, 3-4 beds).

// Listing is an MLS listing (ListingItem).
type Listing struct {
	ListingID   string
	MLSID       string
	Street      string
	City        string
	State       string
	ZipCode     string
	County      string
	Area        string
	Price       int64
	Beds, Baths float64
	Sqft        float64
	Built       int32
	Status      string // Active, Pending, Sold
	Type        string // Single Family Home, Townhouse, Condo
	Description string
	AgentID     int64 // a member's UserID when the team lists it, else 0
	AgentName   string
	Listed      time.Time
	OpenHouse   time.Time // zero: none scheduled
}

func (l *Listing) sold() bool { return l.Status == "Sold" }

// Record is the listing as Lofty's ListingItem.
func (l *Listing) Record() map[string]any {
	r := map[string]any{"listingId": l.ListingID, "mlsListingId": l.MLSID, "listingStreetName": l.Street, "listingCity": l.City,
		"listingState": l.State, "listingZipcode": []string{l.ZipCode}, "county": l.County, "area": l.Area,
		"price": strconv.FormatInt(l.Price, 10), "beds": l.Beds, "baths": l.Baths, "sqft": l.Sqft, "builtYear": l.Built,
		"detailsDescribe": l.Description, "listingStatus": l.Status, "purchaseType": "For Sale",
		"propertyTypes": []string{l.Type}, "propertyTypePrimary": "Residential", "propertyTypeSecondary": l.Type,
		"pictureList": []string{"https://photos.example.com/" + l.ListingID + "/1.jpg"}, "agentId": itoa(l.AgentID),
		"agentName": l.AgentName, "agentOrgId": "6043409", "agentOrgName": demoCompany, "hoaFee": -1.0, "condoFee": -1.0,
		"mlsListDateL": epochMillis(l.Listed)}
	if l.AgentID == 0 {
		r["agentId"], r["agentOrgId"], r["agentOrgName"] = "5106715", "7012345", "Lone Star Homes"
	}
	if !l.OpenHouse.IsZero() {
		local := zoned(l.OpenHouse, "")
		r["openHouseSchedules"] = local.Format("Mon Jan 02, 3:04pm") + " - " + local.Add(3*time.Hour).Format("3:04pm")
		r["openHouseSchedulesStart"] = local.Format(time.DateTime)
		r["openHouseSchedulesEnd"] = local.Add(3 * time.Hour).Format(time.DateTime)
	}
	return r
}

// property is the listing as a LeadProperty (a website activity's listing).
func (l *Listing) property() map[string]any {
	return map[string]any{"listingId": l.ListingID, "streetAddress": l.Street, "city": l.City, "state": l.State,
		"zipCode": l.ZipCode, "county": l.County, "propertyType": l.Type, "price": l.Price, "bedrooms": int32(l.Beds),
		"bathrooms": l.Baths, "squareFeet": int64(l.Sqft), "listingStatus": l.Status,
		"pictureUrl": "https://photos.example.com/" + l.ListingID + "/1.jpg"}
}

// listing returns the listing with id, or nil.
func (d *Data) listing(id string) *Listing {
	for i := range d.Listings {
		if d.Listings[i].ListingID == id {
			return &d.Listings[i]
		}
	}
	return nil
}

func demoListings(d *Data) {
	mk := func(id, street, zip string, price int64, beds, baths, sqft float64, built int32, status, typ string, agent int64, listed time.Time) Listing {
		l := Listing{ListingID: id, MLSID: "ACT" + id[len(id)-4:], Street: street, City: "Austin", State: "TX", ZipCode: zip,
			County: "Travis", Area: "Austin", Price: price, Beds: beds, Baths: baths, Sqft: sqft, Built: built, Status: status,
			Type: typ, AgentID: agent, AgentName: "Dawn Thorburn", Listed: listed}
		if agent != 0 {
			l.AgentName = memberName(d, agent)
		}
		l.Description = fmt.Sprintf("%s in %s: %.0f beds, %.1f baths, %.0f sq ft.", typ, zip, beds, baths, sqft)
		return l
	}
	d.Listings = []Listing{
		mk("1179625501", "2104 Barton Hills Dr", "78704", 585000, 3, 2, 1720, 1962, "Active", "Single Family Home", 67893, ago(12*24*time.Hour)),
		mk("1179625502", "1503 Kinney Ave", "78704", 549000, 3, 2.5, 1480, 2014, "Active", "Townhouse", 0, ago(20*24*time.Hour)),
		mk("1179625503", "2410 S 5th St", "78704", 599000, 4, 3, 2050, 1978, "Pending", "Single Family Home", 0, ago(30*24*time.Hour)),
		mk("1179625504", "4410 Duval St", "78751", 725000, 3, 2.5, 1850, 1939, "Pending", "Single Family Home", DemoUserID, time.Date(2026, 1, 20, 16, 0, 0, 0, time.UTC)),
		mk("1179625505", "1100 S Lamar Blvd #312", "78704", 415000, 2, 2, 1010, 2008, "Active", "Condo", 0, ago(8*24*time.Hour)),
		mk("1179625506", "1901 Kinney Ave", "78704", 560000, 3, 2, 1600, 1995, "Sold", "Single Family Home", 67893, time.Date(2025, 12, 1, 16, 0, 0, 0, time.UTC)),
	}
	d.Listings[1].OpenHouse = day(4, 13, 0)
}

func init() {
	areaSeeds = append(areaSeeds, demoListings)
	areaRoutes = append(areaRoutes, func(f *Fake, mux *router) {
		mux.HandleFunc("GET /v1.0/listing", f.listingsV1)
		mux.HandleFunc("POST /v2.0/listings/search", f.searchListings)
		mux.HandleFunc("GET /v1.0/getPublishedListings", f.publishedListings)
	})
}

// demoSite is the demo team's website, where its listings are published.
const demoSite = "https://hillcountryrealty.example.com"

// DemoListingURL is where the demo team's website shows a listing, with
// {listingId} where its ID goes (what --listing-url is set to in --demo).
const DemoListingURL = demoSite + "/listing/{listingId}"

// publishedListings serves GET /v1.0/getPublishedListings: the team's
// listings on the market (listed by a member, not sold) as an XML feed.
// Lofty does not document the feed's vocabulary; the fake's is the common
// one of listing syndication feeds (Listing elements with ListingID,
// Status, an Address, ListPrice, Bedrooms, Bathrooms, SquareFeet,
// ListDate, ListingURL). LuxVT carries listings of $1M or more, AptCom
// rentals (the demo team has none of either).
func (f *Fake) publishedListings(w http.ResponseWriter, r *http.Request) {
	feed := r.URL.Query().Get("type")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, "<Listings feed=%q team=%q>\n", feed, demoCompany)
	esc := func(s string) string {
		var e strings.Builder
		_ = xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	for _, l := range f.dataFor(r).Listings {
		if l.AgentID == 0 || l.sold() || (feed == "LuxVT" && l.Price < 1000000) || feed == "AptCom" {
			continue
		}
		fmt.Fprintf(&b, "  <Listing>\n    <ListingID>%s</ListingID>\n    <MlsId>%s</MlsId>\n    <Status>%s</Status>\n"+
			"    <PropertyType>%s</PropertyType>\n    <Address>\n      <StreetAddress>%s</StreetAddress>\n      <City>%s</City>\n"+
			"      <State>%s</State>\n      <Zip>%s</Zip>\n    </Address>\n    <ListPrice currency=\"USD\">%d</ListPrice>\n"+
			"    <Bedrooms>%g</Bedrooms>\n    <Bathrooms>%g</Bathrooms>\n    <SquareFeet>%g</SquareFeet>\n"+
			"    <ListDate>%s</ListDate>\n    <ListingURL>%s</ListingURL>\n    <Agent><Name>%s</Name></Agent>\n"+
			"    <Description>%s</Description>\n  </Listing>\n",
			esc(l.ListingID), esc(l.MLSID), esc(l.Status), esc(l.Type), esc(l.Street), esc(l.City), esc(l.State), esc(l.ZipCode),
			l.Price, l.Beds, l.Baths, l.Sqft, l.Listed.Format(time.DateOnly), esc(strings.ReplaceAll(DemoListingURL, "{listingId}", l.ListingID)),
			esc(l.AgentName), esc(l.Description))
	}
	b.WriteString("</Listings>\n")
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(b.String()))
}

// listingsV1 serves GET /v1.0/listing: the active and sold listings of an
// agent (agentListings, of userId or else the caller), the office
// (officeListings), or those named (listingId, mlsListingIds, street). The
// document types listIng and soldListing as free-form objects; the fake
// puts its ListingItems under "data" in each, with "total".
func (f *Fake) listingsV1(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	user := queryInt(r, "userId")
	if q.Get("agentListings") == "true" && user == 0 {
		user = DemoUserID // the caller's own
	}
	office := q.Get("officeListings") == "true"
	ids := strings.Split(q.Get("mlsListingIds"), ",")
	street := strings.ToLower(q.Get("street"))
	var active, sold []map[string]any
	for _, l := range f.dataFor(r).Listings {
		switch {
		case user != 0 && l.AgentID != user,
			office && l.AgentID == 0,
			q.Get("listingId") != "" && l.ListingID != q.Get("listingId") && !(l.sold() && q.Get("soldListingId") == l.ListingID),
			q.Get("mlsListingIds") != "" && !slices.Contains(ids, l.MLSID),
			street != "" && !strings.Contains(strings.ToLower(l.Street), street):
			continue
		}
		if l.sold() {
			sold = append(sold, l.Record())
		} else {
			active = append(active, l.Record())
		}
	}
	limit := queryIntOr(r, "limit", 25)
	writeJSON(w, http.StatusOK, map[string]any{
		"listIng":     map[string]any{"total": len(active), "data": window(orEmpty(active), 0, limit)},
		"soldListing": map[string]any{"total": len(sold), "data": window(orEmpty(sold), 0, limit)},
		"_listingMetadata": map[string]any{"collection": "listing", "limit": int32(limit), "total": int64(len(active) + len(sold)),
			"activeTotal": int64(len(active)), "soldTotal": int64(len(sold))},
	})
}

// searchListings serves POST /v2.0/listings/search, a read sent as a POST:
// listings in scope (my, office, all), sold or not, matching the
// filterConditions the fake knows, in the forms the document describes:
// "location": {"city": [...], "zipCode": [...]}, ranges "price", "beds",
// "baths", "sqFt" as "min,max" (either side may be empty), and
// "propertyType": [labels]; others are ignored. PRICE_DESC sorts dearest
// first, else cheapest first; page (from 1) by page (default 25).
func (f *Fake) searchListings(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Scope      string                     `json:"searchScope"`
		Sold       bool                       `json:"soldFlag"`
		Filters    map[string]json.RawMessage `json:"filterConditions"`
		SortFields []string                   `json:"sortFields"`
		PageNum    *int64                     `json:"pageNum"`
		PageSize   *int64                     `json:"pageSize"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	var location map[string][]string
	_ = json.Unmarshal(body.Filters["location"], &location)
	var types []string
	_ = json.Unmarshal(body.Filters["propertyType"], &types)
	inRange := func(name string, v float64) bool {
		var rng string
		if json.Unmarshal(body.Filters[name], &rng) != nil {
			return true
		}
		lo, hi, _ := strings.Cut(rng, ",")
		if n, err := strconv.ParseFloat(strings.TrimSpace(lo), 64); err == nil && v < n {
			return false
		}
		if n, err := strconv.ParseFloat(strings.TrimSpace(hi), 64); err == nil && v > n {
			return false
		}
		return true
	}
	matches := func(vals []string, v string) bool {
		return len(vals) == 0 || slices.ContainsFunc(vals, func(s string) bool { return strings.EqualFold(s, v) })
	}
	var hits []Listing
	for _, l := range f.dataFor(r).Listings {
		if l.sold() != body.Sold || (body.Scope == "my" && l.AgentID != DemoUserID) || (body.Scope == "office" && l.AgentID == 0) ||
			!matches(location["city"], l.City) || !matches(location["zipCode"], l.ZipCode) || !matches(location["county"], l.County) ||
			!matches(types, l.Type) || !inRange("price", float64(l.Price)) || !inRange("beds", l.Beds) ||
			!inRange("baths", l.Baths) || !inRange("sqFt", l.Sqft) {
			continue
		}
		hits = append(hits, l)
	}
	desc := slices.Contains(body.SortFields, "PRICE_DESC")
	slices.SortStableFunc(hits, func(a, b Listing) int {
		if desc {
			return int(b.Price - a.Price)
		}
		return int(a.Price - b.Price)
	})
	page, size := int64(1), int64(25)
	if body.PageNum != nil {
		page = max(*body.PageNum, 1)
	}
	if body.PageSize != nil {
		size = min(max(*body.PageSize, 1), 100)
	}
	out := []map[string]any{}
	for _, l := range window(hits, (page-1)*size, size) {
		out = append(out, l.Record())
	}
	total := int64(len(hits))
	writeJSON(w, http.StatusOK, map[string]any{"listing": out, "metadata": map[string]any{"collection": "listing",
		"pageSize": int32(size), "pageNum": page, "totalCount": total, "totalPage": (total + size - 1) / size, "hasMore": page*size < total}})
}
