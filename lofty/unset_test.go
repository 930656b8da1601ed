package lofty_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

func TestPositiveNumbersReadUnsetAsZero(t *testing.T) {
	ints := map[string]int64{`450000`: 450000, `"450000"`: 450000, `"1,200"`: 1200, `450000.0`: 450000, `-1`: 0, `"-1"`: 0,
		`0`: 0, `""`: 0, `null`: 0, `-250`: 0, `9223372036854775807`: 9223372036854775807}
	for in, want := range ints {
		var n lofty.PositiveInt
		if err := json.Unmarshal([]byte(in), &n); err != nil || int64(n) != want {
			t.Errorf("PositiveInt %s = %d, %v; want %d", in, n, err, want)
		}
	}
	floats := map[string]float64{`2.5`: 2.5, `"2.5"`: 2.5, `-1`: 0, `"-1.0"`: 0, `""`: 0, `3`: 3}
	for in, want := range floats {
		var n lofty.PositiveFloat
		if err := json.Unmarshal([]byte(in), &n); err != nil || float64(n) != want {
			t.Errorf("PositiveFloat %s = %v, %v; want %v", in, n, err, want)
		}
	}
	for _, bad := range []string{`"abc"`, `true`, `[1]`, `{}`, `"NaN"`, `1.5`, `"Inf"`} {
		var n lofty.PositiveInt
		if err := json.Unmarshal([]byte(bad), &n); err == nil {
			t.Errorf("PositiveInt accepted %s as %d", bad, n)
		}
	}
	for _, bad := range []string{`"abc"`, `false`, `"NaN"`, `"-Inf"`} {
		var n lofty.PositiveFloat
		if err := json.Unmarshal([]byte(bad), &n); err == nil {
			t.Errorf("PositiveFloat accepted %s as %v", bad, n)
		}
	}
}

func TestAttributeValues(t *testing.T) {
	for in, want := range map[string]string{
		`"Hill Country"`:          "Hill Country",
		`"[\"Garage\",\"Yard\"]"`: "Garage, Yard",
		`["Dog", "Cat", ""]`:      "Dog, Cat",
		`[1, 2]`:                  "1, 2",
		`12.5`:                    "12.5",
		`true`:                    "true",
		`null`:                    "",
		`" [not json "`:           "[not json",
	} {
		var v lofty.AttributeValue
		if err := json.Unmarshal([]byte(in), &v); err != nil || string(v) != want {
			t.Errorf("%s = %q, %v; want %q", in, v, err, want)
		}
	}
	for _, bad := range []string{`{"a":1}`, `[{"a":1}]`} {
		var v lofty.AttributeValue
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("accepted %s as %q", bad, v)
		}
	}
}

// TestLeadReadsLiveSentinels: a lead as the live API sends it — -1 for
// unset numbers, strings for numbers, a field that does not fit — decodes
// with the unset numbers zero and the rest kept.
func TestLeadReadsLiveSentinels(t *testing.T) {
	c, _ := scripted(t, 200, `{"lead":{"leadId":7,"leadSource":-1,"createTime":"2026-04-15T14:00:00GMT",
		"leadInquiry":{"priceMin":-1,"priceMax":"600000","bedroomsMin":-1,"bedroomsMax":4,"bathroomsMin":"-1","propertyType":["Condo"],
		"locations":[{"city":"Austin","stateCode":"TX"}]},
		"leadPropertyList":[{"price":-1,"squareFeet":"-1","bathrooms":-1,"lotSize":0.5,"bedrooms":"x","mailAddress":"false"}],
		"customAttributes":[{"attributeName":"Pets","value":["Dog"]}],"preQual":"Yes","fthb":true}}`)
	l, err := c.Lead(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	in := l.LeadInquiry
	if l.LeadSource != 0 || l.CreateTime != "2026-04-15T14:00:00Z" || in == nil || in.PriceMin != 0 || in.PriceMax != 600000 ||
		in.BedroomsMin != 0 || in.BedroomsMax != 4 || in.BathroomsMin != "-1" || len(in.Locations) != 1 || in.Locations[0].City != "Austin" {
		t.Errorf("lead %+v, inquiry %+v", l, in)
	}
	if len(l.LeadPropertyList) != 1 {
		t.Fatalf("properties %+v", l.LeadPropertyList)
	}
	p := l.LeadPropertyList[0]
	if p.Price != 0 || p.SquareFeet != 0 || p.Bathrooms != 0 || p.LotSize != 0.5 || p.Bedrooms != 0 || p.MailAddress == nil || *p.MailAddress {
		t.Errorf("property %+v", p)
	}
	if len(l.CustomAttributes) != 1 || l.CustomAttributes[0].Value != "Dog" || l.PreQual != "Yes" || l.FTHB != "true" {
		t.Errorf("attributes %+v preQual %q fthb %q", l.CustomAttributes, l.PreQual, l.FTHB)
	}
}
