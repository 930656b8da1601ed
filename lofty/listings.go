package lofty

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Listings: the MLS listings the team sees, searched (Listing V2) or by
// agent, office and ID (Listing), and the team's published-listings feed.

// Listing is Lofty's ListingItem: one MLS listing. Lofty sends the price
// as text ("585000"); numbers it leaves unset (-1) read as 0. The open
// house times are wall times in the listing's own zone.
type Listing struct {
	ListingID               string        `json:"listingId"`
	MLSListingID            string        `json:"mlsListingId,omitempty"`
	ListingStreetName       string        `json:"listingStreetName,omitempty"`
	ListingCity             string        `json:"listingCity,omitempty"`
	ListingState            string        `json:"listingState,omitempty"`
	ListingZipcode          []string      `json:"listingZipcode,omitempty"`
	County                  string        `json:"county,omitempty"`
	Area                    string        `json:"area,omitempty"`
	SubDivisionName         string        `json:"subDivisionName,omitempty"`
	Community               string        `json:"community,omitempty"`
	Price                   string        `json:"price,omitempty"`
	Beds                    PositiveFloat `json:"beds,omitempty"`
	Baths                   PositiveFloat `json:"baths,omitempty"`
	Sqft                    PositiveFloat `json:"sqft,omitempty"`
	BuiltYear               PositiveInt   `json:"builtYear,omitempty"`
	TotalAvailableAcres     string        `json:"totalAvailableAcres,omitempty"` // lot size, in square feet despite the name
	DetailsDescribe         string        `json:"detailsDescribe,omitempty"`
	ListingStatus           string        `json:"listingStatus,omitempty"`
	PurchaseType            string        `json:"purchaseType,omitempty"`
	PropertyTypes           []string      `json:"propertyTypes,omitempty"`
	PropertyTypeSecondary   string        `json:"propertyTypeSecondary,omitempty"`
	PictureList             []string      `json:"pictureList,omitempty"`
	OpenHouseSchedules      string        `json:"openHouseSchedules,omitempty"`
	OpenHouseSchedulesStart string        `json:"openHouseSchedulesStart,omitempty"`
	AgentID                 string        `json:"agentId,omitempty"`
	AgentName               string        `json:"agentName,omitempty"`
	AgentOrgName            string        `json:"agentOrgName,omitempty"`
	CoAgentName             string        `json:"coAgentName,omitempty"`
	HoaFee                  PositiveFloat `json:"hoaFee,omitempty"`
	HoaFeeFrequency         string        `json:"hoaFeeFrequency,omitempty"`
	CondoFee                PositiveFloat `json:"condoFee,omitempty"`
	CondoFeeFrequency       string        `json:"condoFeeFrequency,omitempty"`
	GarageParkingSpaces     PositiveFloat `json:"garageParkingSpaces,omitempty"`
	InteriorFeatures        string        `json:"interiorFeatures,omitempty"`
	Exterior                string        `json:"exterior,omitempty"`
	MLSListDate             Time          `json:"mlsListDateL,omitempty"`
}

// ListingQuery is Lofty's ListingQueryRequest. FilterConditions holds
// Lofty's condition names and forms: "location": {"city": [...],
// "zipCode": [...]}, ranges "price", "beds", "baths", "sqFt" as "min,max"
// (either side may be empty), "propertyType": [labels].
type ListingQuery struct {
	SearchScope      string         `json:"searchScope,omitempty"` // my, office, all
	SoldFlag         bool           `json:"soldFlag,omitempty"`
	FilterConditions map[string]any `json:"filterConditions,omitempty"`
	SortFields       []string       `json:"sortFields,omitempty"`
	PageNum          int32          `json:"pageNum,omitempty"` // from 1
	PageSize         int32          `json:"pageSize,omitempty"`
}

// ListingPage is Lofty's ListingV2SearchResponse: one page of a search.
type ListingPage struct {
	Listing  []Listing        `json:"listing"`
	Metadata *ListingPageMeta `json:"metadata,omitempty"`
}

// ListingPageMeta is Lofty's ListingV2Metadata.
type ListingPageMeta struct {
	PageSize   int32  `json:"pageSize,omitempty"`
	PageNum    int64  `json:"pageNum,omitempty"`
	TotalCount *int64 `json:"totalCount,omitempty"`
	TotalPage  int64  `json:"totalPage,omitempty"`
	HasMore    *bool  `json:"hasMore,omitempty"`
}

// listingHub is Lofty's ListingSearchResponse (GET /v1.0/listing): the
// active and the sold listings, each a "listing hub payload" the document
// leaves free-form, and the totals. Lofty sends the metadata as
// "_listingMetadata" where the document says "get_listingMetadata".
type listingHub struct {
	ListIng     json.RawMessage `json:"listIng,omitempty"`
	SoldListing json.RawMessage `json:"soldListing,omitempty"`
	Metadata    *ListingHubMeta `json:"_listingMetadata,omitempty"`
	DocMetadata *ListingHubMeta `json:"get_listingMetadata,omitempty"`
}

// ListingHubMeta is Lofty's ListingMetaData: totals and the cursors of the
// next pages of active and sold listings.
type ListingHubMeta struct {
	Limit           int32  `json:"limit,omitempty"`
	Total           *int64 `json:"total,omitempty"`
	ActiveTotal     *int64 `json:"activeTotal,omitempty"`
	SoldTotal       *int64 `json:"soldTotal,omitempty"`
	NextPageKey     string `json:"nextPageKey,omitempty"`
	SoldNextPageKey string `json:"soldNextPageKey,omitempty"`
}

// AgentListings is what GET /v1.0/listing found.
type AgentListings struct {
	Active, Sold []Listing
	Meta         ListingHubMeta
}

// AgentListingQuery says whose listings, or which, GET /v1.0/listing
// returns. Zero values are not sent.
type AgentListingQuery struct {
	UserID        int64  // an agent of the team; 0: the caller
	AgentListings bool   // the agent's own listings
	Office        bool   // the office's listings
	ListingID     string // one listing, by Lofty's listing ID
	SoldListingID string // one sold listing
	MLSListingIDs []string
	Street        string
	Limit         int    // 1-1000; 0: Lofty's default (25)
	NextPageKey   string // the active listings' next page
}

func (q AgentListingQuery) values() url.Values {
	v := url.Values{}
	set := func(name, value string) {
		if value != "" {
			v.Set(name, value)
		}
	}
	if q.UserID != 0 {
		v.Set("userId", strconv.FormatInt(q.UserID, 10))
	}
	if q.AgentListings {
		v.Set("agentListings", "true")
	}
	if q.Office {
		v.Set("officeListings", "true")
	}
	set("listingId", q.ListingID)
	set("soldListingId", q.SoldListingID)
	set("mlsListingIds", strings.Join(q.MLSListingIDs, ","))
	set("street", q.Street)
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	set("nextPageKey", q.NextPageKey)
	return v
}

// Published-listings feed types (GET /v1.0/getPublishedListings).
const (
	FeedAllOnMarket = "AllOnMarket"
	FeedLuxVT       = "LuxVT"
	FeedAptCom      = "AptCom"
)

var (
	searchListings    = postRead[ListingQuery, ListingPage]("/v2.0/listings/search")
	listingsByAgent   = get[listingHub]("/v1.0/listing")
	publishedListings = get[XML]("/v1.0/getPublishedListings")
)

// SearchListings returns one page of the listings matching q (POST
// /v2.0/listings/search: a read sent as a POST, cached and retried as one).
func (c *Client) SearchListings(ctx context.Context, q ListingQuery) (ListingPage, error) {
	return searchListings.Call(ctx, c, Params{}, q)
}

// AgentListings returns the active and sold listings q names (GET
// /v1.0/listing). Lofty leaves the shape of each list free-form; the
// listings are read from it wherever they are (an array, or an array
// member such as "data").
func (c *Client) AgentListings(ctx context.Context, q AgentListingQuery) (AgentListings, error) {
	hub, err := listingsByAgent.Call(ctx, c, Params{Query: q.values()}, NoBody{})
	if err != nil {
		return AgentListings{}, err
	}
	var out AgentListings
	switch {
	case hub.Metadata != nil:
		out.Meta = *hub.Metadata
	case hub.DocMetadata != nil:
		out.Meta = *hub.DocMetadata
	}
	path := listingsByAgent.Path
	for _, part := range []struct {
		raw json.RawMessage
		to  *[]Listing
	}{{hub.ListIng, &out.Active}, {hub.SoldListing, &out.Sold}} {
		items := itemsArray(part.raw)
		if items == nil {
			continue
		}
		if err := c.decodeBody(ctx, http.MethodGet, path, path, http.StatusOK, items, part.to, MaxListItems); err != nil {
			return AgentListings{}, err
		}
	}
	return out, nil
}

// itemsArray finds the array of items in a free-form payload (a listing
// hub's, a page of AI tasks): the payload itself, or its first member that
// is an array of objects ("data", "list", "listings", ...), or nil.
func itemsArray(raw json.RawMessage) json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	if raw[0] == '[' {
		return raw
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(raw, &members) != nil {
		return nil
	}
	for _, name := range []string{"data", "list", "listings", "listing", "items", "records", "result"} {
		if v := bytes.TrimSpace(members[name]); len(v) > 0 && v[0] == '[' {
			return v
		}
	}
	for _, v := range members {
		if v = bytes.TrimSpace(v); len(v) > 1 && v[0] == '[' && bytes.HasPrefix(bytes.TrimSpace(v[1:]), []byte("{")) {
			return v
		}
	}
	return nil
}

// FeedListing is one listing of the published-listings feed. Lofty does
// not document the feed's XML, and each feed type (LuxVT, AptCom,
// AllOnMarket) follows its syndication partner's vocabulary, so each field
// is read from the first element (or attribute) of the listing bearing one
// of the names such feeds use for it (ListPrice or Price, Bedrooms or
// Beds, ...), whatever its case.
type FeedListing struct {
	ListingID, MLSID, Status, PropertyType string
	Street, Unit, City, State, ZipCode     string
	URL, Description, ListDate, AgentName  string
	Price, Beds, Baths, Sqft               float64
}

// feedNames are the element names each FeedListing field is read from,
// lower case, in order of preference.
var feedNames = map[string][]string{
	"id":          {"listingid", "listing_id", "propertyid", "id", "listingkey"},
	"mls":         {"mlsid", "mlsnumber", "mlslistingid", "mls_id", "mls"},
	"status":      {"status", "listingstatus", "standardstatus"},
	"type":        {"propertytype", "propertysubtype", "type"},
	"street":      {"streetaddress", "street", "address1", "fulladdress", "address"},
	"unit":        {"unit", "unitnumber", "address2"},
	"city":        {"city"},
	"state":       {"state", "stateorprovince", "province"},
	"zip":         {"zip", "zipcode", "postalcode", "zip_code"},
	"url":         {"listingurl", "url", "detailsurl", "link", "virtualtoururl"},
	"description": {"description", "remarks", "publicremarks"},
	"listdate":    {"listdate", "listingdate", "listingcontractdate", "onmarketdate"},
	"agent":       {"agentname", "listagentfullname", "name"},
	"price":       {"listprice", "price", "rent", "listingprice"},
	"beds":        {"bedrooms", "beds", "bedroomstotal"},
	"baths":       {"bathrooms", "baths", "bathroomstotal", "bathroomstotalinteger"},
	"sqft":        {"squarefeet", "sqft", "livingarea", "livingareasqft", "size"},
}

// feedNode is one element of a feed: its leaf text by name, and children.
type feedNode struct {
	name     string
	text     string
	attrs    map[string]string
	children []*feedNode
}

// maxFeedDepth bounds how deep a feed's elements are read.
const maxFeedDepth = 12

// ParseListingFeed reads the listings of a published-listings feed: the
// innermost elements that hold both a price and a street or city (a
// listing, not the list that holds listings), each read as FeedListing
// says.
func ParseListingFeed(doc XML) ([]FeedListing, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	root := &feedNode{}
	stack := []*feedNode{root}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			n := &feedNode{name: strings.ToLower(t.Name.Local)}
			for _, a := range t.Attr {
				if n.attrs == nil {
					n.attrs = map[string]string{}
				}
				n.attrs[strings.ToLower(a.Name.Local)] = strings.TrimSpace(a.Value)
			}
			if len(stack) <= maxFeedDepth {
				top.children = append(top.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			top.text += string(t)
		}
	}
	var collect func(n *feedNode) []FeedListing
	collect = func(n *feedNode) []FeedListing {
		var found []FeedListing
		for _, c := range n.children {
			found = append(found, collect(c)...)
		}
		if len(found) == 0 && n != root && n.isListing() {
			return []FeedListing{n.listing()}
		}
		return found
	}
	return collect(root), nil
}

// leaves returns the text of n's elements and attributes by name, the
// first of each name (outermost first) kept.
func (n *feedNode) leaves() map[string]string {
	out := map[string]string{}
	var walk func(n *feedNode)
	walk = func(m *feedNode) {
		for k, v := range m.attrs {
			if _, seen := out[k]; !seen && v != "" {
				out[k] = v
			}
		}
		for _, c := range m.children {
			if t := strings.TrimSpace(c.text); t != "" && len(c.children) == 0 {
				if _, seen := out[c.name]; !seen {
					out[c.name] = t
				}
			}
		}
		for _, c := range m.children {
			walk(c)
		}
	}
	walk(n)
	return out
}

func (n *feedNode) isListing() bool {
	l := n.leaves()
	return pick(l, "price") != "" && (pick(l, "street") != "" || pick(l, "city") != "")
}

func pick(leaves map[string]string, field string) string {
	for _, name := range feedNames[field] {
		if v := leaves[name]; v != "" {
			return v
		}
	}
	return ""
}

func (n *feedNode) listing() FeedListing {
	l := n.leaves()
	num := func(field string) float64 {
		s := strings.NewReplacer("$", "", ",", "", " ", "").Replace(pick(l, field))
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 0 {
			return 0
		}
		return f
	}
	return FeedListing{
		ListingID: pick(l, "id"), MLSID: pick(l, "mls"), Status: pick(l, "status"), PropertyType: pick(l, "type"),
		Street: pick(l, "street"), Unit: pick(l, "unit"), City: pick(l, "city"), State: pick(l, "state"), ZipCode: pick(l, "zip"),
		URL: pick(l, "url"), Description: pick(l, "description"), ListDate: pick(l, "listdate"), AgentName: pick(l, "agent"),
		Price: num("price"), Beds: num("beds"), Baths: num("baths"), Sqft: num("sqft"),
	}
}

// PublishedListings returns the team's published-listings feed of type
// feedType (FeedAllOnMarket, FeedLuxVT, FeedAptCom), read by
// ParseListingFeed (GET /v1.0/getPublishedListings, an XML answer).
func (c *Client) PublishedListings(ctx context.Context, feedType string) ([]FeedListing, error) {
	doc, err := publishedListings.Call(ctx, c, Params{Query: url.Values{"type": {feedType}}}, NoBody{})
	if err != nil {
		return nil, err
	}
	out, err := ParseListingFeed(doc)
	if err != nil {
		return nil, badResponse(http.StatusOK, publishedListings.Path, "the published-listings feed is not well-formed XML")
	}
	return out, nil
}
