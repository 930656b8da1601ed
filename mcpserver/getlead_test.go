package mcpserver_test

// get_lead answers what an agent asks first: what the lead
// wants, when and how ready they are, and who they are to the team.

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// newFields are the LeadRecord members get_lead added (and the two it adds
// to find_leads' rows), by JSON name.
var newFields = []string{"city", "price", "buyingTimeFrame", "propertyTypes", "bedrooms", "bathrooms", "locations",
	"sellingTimeFrame", "mortgage", "preQualified", "firstTimeBuyer", "houseToSell", "withBuyerAgent", "withListingAgent",
	"opportunity", "segments", "language", "lastVisit", "attributes", "ownProperties"}

func TestGetLeadAnswersFirstQuestions(t *testing.T) {
	yes, no := true, false
	want := map[string]any{
		"city":             "Austin",
		"price":            "$450,000–$600,000",
		"buyingTimeFrame":  "1–3 months",
		"propertyTypes":    []any{"Single Family Home", "Townhouse"},
		"bedrooms":         "3–4",
		"bathrooms":        "2–2.5",
		"locations":        []any{"Austin, TX 78704", "Travis County, TX"},
		"sellingTimeFrame": "3–6 months",
		"mortgage":         yes,
		"preQualified":     yes,
		"firstTimeBuyer":   no,
		"houseToSell":      yes,
		"withBuyerAgent":   no,
		"withListingAgent": no,
		"opportunity":      "High Interest",
		"segments":         []any{"First-Time Buyers"},
		"language":         "English",
		"lastVisit":        "2026-03-01T20:12:00Z",
		"attributes": map[string]any{"Pre-approval lender": "Hill Country Credit Union",
			"Must haves": "Garage, Yard", "Budget flexibility": "10"},
		"ownProperties": []any{"88 Oak Ln, Round Rock, TX 78664: Condo, 2 bd, 2 ba, 1,150 sq ft, $310,000"},
	}
	if got := slices.Sorted(maps.Keys(want)); !slices.Equal(got, slices.Sorted(slices.Values(newFields))) {
		t.Fatalf("the test checks %v, want every new field %v", got, newFields)
	}
	for _, mode := range fakeModes {
		t.Run(mode.name, func(t *testing.T) {
			h := newLKMode(t, mode, mcpserver.Options{})
			// Jane has everything (h.ok validates the record against get_lead's outputSchema).
			txt := h.ok(t, "get_lead", `{"leadId":`+janeID+`}`, nil)
			var jane map[string]any
			if err := json.Unmarshal([]byte(txt), &jane); err != nil {
				t.Fatal(err)
			}
			for name, w := range want {
				if !reflect.DeepEqual(jane[name], w) {
					t.Errorf("Jane's %s = %#v, want %#v", name, jane[name], w)
				}
			}
			// What was there stays.
			mustContain(t, txt, `"address":"Austin, TX 78704"`, `"tags":["Buyer","Pre-approved"]`, `"types":["Buyer"]`,
				`"score":78`, `"roles":[{"role":"Buyer Agent"`, `"stage":"Active"`, `"source":"Zillow"`)
			t.Logf("get_lead text for the full lead: %d bytes", len(txt))

			// Mark Lee has none of it.
			txt = h.ok(t, "get_lead", `{"leadId":`+markID+`}`, nil)
			var mark map[string]any
			if err := json.Unmarshal([]byte(txt), &mark); err != nil {
				t.Fatal(err)
			}
			for _, name := range newFields {
				if v, ok := mark[name]; ok && name != "city" {
					t.Errorf("Mark Lee has no %s, yet the record says %#v", name, v)
				}
			}
			if mark["city"] != "Round Rock" {
				t.Errorf("Mark's city %v", mark["city"])
			}

			// find_leads rows carry the price range and buying time frame.
			var found tools.FindLeadsResult
			h.ok(t, "find_leads", `{"key":"Jane"}`, &found)
			if len(found.Leads) != 1 || found.Leads[0].Price != want["price"] || found.Leads[0].BuyingTimeFrame != want["buyingTimeFrame"] ||
				found.Leads[0].City != "Austin" {
				t.Errorf("find_leads row %+v", found.Leads)
			}
			var marks tools.FindLeadsResult
			h.ok(t, "find_leads", `{"key":"Mark"}`, &marks)
			if len(marks.Leads) != 1 || marks.Leads[0].Price != "" || marks.Leads[0].BuyingTimeFrame != "" {
				t.Errorf("Mark's row %+v", marks.Leads)
			}
		})
	}
}

// TestGetLeadShapesLoftysValues: Lofty's values as they may come — unset
// as -1, 0 or "", numbers as strings, Yes/No in any case, booleans, lists
// in strings — become the compact shapes, and unset ones are left out.
func TestGetLeadShapesLoftysValues(t *testing.T) {
	h := newLK(t, mcpserver.Options{})
	cases := []struct {
		name, lead string
		want       map[string]any // nil value: absent
	}{
		{"unset everywhere", `"leadSource":-1,"leadInquiry":{"priceMin":-1,"priceMax":0,"bedroomsMin":-1,"bedroomsMax":-1,
			"bathroomsMin":"-1","bathroomsMax":"","propertyType":[""],"locations":[{}]},"buyingTimeFrame":"","mortgage":"",
			"preQual":"-1","opportunity":null,"language":"","leadPropertyList":[{"price":-1,"squareFeet":-1,"bedrooms":-1,"bathrooms":-1,"lotSize":-1}],
			"customAttributes":[{"attributeName":"Empty","value":""}]`,
			map[string]any{"price": nil, "bedrooms": nil, "bathrooms": nil, "propertyTypes": nil, "locations": nil,
				"buyingTimeFrame": nil, "mortgage": nil, "preQualified": nil, "opportunity": nil, "language": nil,
				"ownProperties": nil, "attributes": nil}},
		{"strings and one-sided ranges", `"leadInquiry":{"priceMin":"300000","bedroomsMax":"3","bathroomsMin":"1.5",
			"locations":[{"zipCode":"78704"},{"description":"near the lake"},{"city":"Austin","stateCode":"TX"},{"city":"Austin","stateCode":"TX"}]},
			"buyingTimeFrame":"12+","sellingTimeFrame":"Just Looking","mortgage":"YES","preQual":true,"fthb":"no","houseToSell":"maybe"`,
			map[string]any{"price": "$300,000+", "bedrooms": "up to 3", "bathrooms": "1.5+",
				"locations": []any{"78704", "near the lake", "Austin, TX"}, "buyingTimeFrame": "12+ months",
				"sellingTimeFrame": "Just Looking", "mortgage": true, "preQualified": true, "firstTimeBuyer": false, "houseToSell": nil}},
		{"equal bounds, multi-select as an array", `"leadInquiry":{"priceMin":500000,"priceMax":500000,"bedroomsMin":2,"bedroomsMax":2},
			"customAttributes":[{"attributeName":"Pets","attributeType":"multi_select","value":["Dog","Cat"]},{"attributeName":"Kids","value":0}]`,
			map[string]any{"price": "$500,000", "bedrooms": "2", "attributes": map[string]any{"Pets": "Dog, Cat", "Kids": "0"}}},
		{"mailing address stands in for the deprecated fields", `"leadPropertyList":[{"mailAddress":true,"streetAddress":"1 Main St",
			"city":"Austin","state":"TX","zipCode":"78701"},{"mailAddress":false,"county":"Hays","state":"TX","lotSize":2.5,"propertyType":"Vacant Land"}]`,
			map[string]any{"address": "1 Main St, Austin, TX 78701", "city": "Austin", "ownProperties": []any{"Hays, TX: Vacant Land, 2.5 acres"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.answer("/v1.0/leads/", 200, `{"lead":{"leadId":42,`+tc.lead+`}}`)
			txt := h.ok(t, "get_lead", `{"leadId":42}`, nil)
			var got map[string]any
			if err := json.Unmarshal([]byte(txt), &got); err != nil {
				t.Fatal(err)
			}
			for name, w := range tc.want {
				v, ok := got[name]
				if w == nil && ok || w != nil && !reflect.DeepEqual(v, w) {
					t.Errorf("%s = %#v, want %#v", name, v, w)
				}
			}
			for _, a := range liveArtifacts(txt) {
				t.Errorf("%s in %s", a, txt)
			}
		})
	}
}
