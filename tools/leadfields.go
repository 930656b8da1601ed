package tools

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Compact, model-friendly forms of a Lofty lead's fields. Lofty writes
// "unset" as -1, 0 or "": none of them reaches a result.

// unsetText is s trimmed, or "" when it is one of Lofty's "unset" values.
func unsetText(s string) string {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "-1", "0", "null", "none", "n/a":
		return ""
	}
	return s
}

// nonEmpty returns the set values of list, in order, or nil.
func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s = unsetText(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// yesNo reads Lofty's "Yes"/"No" strings (and true/false) as a boolean;
// nil when unset or unreadable.
func yesNo(s string) *bool {
	var v bool
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "y", "true", "1":
		v = true
	case "no", "n", "false":
		v = false
	default:
		return nil
	}
	return &v
}

var (
	monthsRange = regexp.MustCompile(`^(\d+)\s*-\s*(\d+)$`)
	monthsPlus  = regexp.MustCompile(`^(\d+)\s*\+$`)
)

// timeFrame says Lofty's buying or selling time frame in words: "1-3" is
// "1–3 months", "12+" "12+ months"; "Just Looking" and "Refinancing" stay.
func timeFrame(s string) string {
	s = unsetText(s)
	if m := monthsRange.FindStringSubmatch(s); m != nil {
		return m[1] + "–" + m[2] + " months"
	}
	if m := monthsPlus.FindStringSubmatch(s); m != nil {
		return m[1] + "+ months"
	}
	return s
}

// money is a whole amount with thousands separators: $450,000.
func money(n int64) string { return "$" + count(n) }

// count is a whole number with thousands separators: 1,850.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// rangeText is a min–max range in words; a bound that is not positive is
// unset: "3–4", "3+", "up to 4", "3"; "" when neither is set.
func rangeText(lo, hi int64, format func(int64) string) string {
	switch {
	case lo > 0 && hi > 0 && lo == hi:
		return format(lo)
	case lo > 0 && hi > 0:
		return format(lo) + "–" + format(hi)
	case lo > 0:
		return format(lo) + "+"
	case hi > 0:
		return "up to " + format(hi)
	}
	return ""
}

// floatRangeText is rangeText for counts Lofty sends as strings ("2.5").
func floatRangeText(lo, hi string) string {
	parse := func(s string) float64 {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || v <= 0 {
			return 0
		}
		return v
	}
	format := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	a, b := parse(lo), parse(hi)
	switch {
	case a > 0 && b > 0 && a == b:
		return format(a)
	case a > 0 && b > 0:
		return format(a) + "–" + format(b)
	case a > 0:
		return format(a) + "+"
	case b > 0:
		return "up to " + format(b)
	}
	return ""
}

// joinParts joins the set parts with ", ".
func joinParts(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = unsetText(strings.Join(strings.Fields(p), " ")); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// locationText is an area a lead wants as one short string: "Austin, TX
// 78704", "Travis County, TX", or Lofty's description of it.
func locationText(l lofty.Location) string {
	place := unsetText(l.City)
	if place == "" {
		place = unsetText(l.County)
	}
	if s := joinParts(l.StreetAddress, place, l.StateCode+" "+l.ZipCode); s != "" {
		return s
	}
	return unsetText(l.Description)
}

// propertyAddress is a property's address on one line.
func propertyAddress(p lofty.LeadProperty) string {
	place := unsetText(p.City)
	if place == "" {
		place = unsetText(p.County)
	}
	return joinParts(p.StreetAddress, place, p.State+" "+p.ZipCode)
}

// propertyText is a property on one line: "12 Oak St, Austin, TX 78704:
// Single Family Home, 3 bd, 2 ba, 1,850 sq ft, 0.2 acres, $450,000".
func propertyText(p lofty.LeadProperty) string {
	var facts []string
	if t := unsetText(p.PropertyType); t != "" {
		facts = append(facts, t)
	}
	if p.Bedrooms > 0 {
		facts = append(facts, count(int64(p.Bedrooms))+" bd")
	}
	if p.Bathrooms > 0 {
		facts = append(facts, strconv.FormatFloat(float64(p.Bathrooms), 'f', -1, 64)+" ba")
	}
	if p.SquareFeet > 0 {
		facts = append(facts, count(int64(p.SquareFeet))+" sq ft")
	}
	if p.LotSize > 0 {
		facts = append(facts, strconv.FormatFloat(float64(p.LotSize), 'f', -1, 64)+" acres")
	}
	if p.Price > 0 {
		facts = append(facts, money(int64(p.Price)))
	}
	addr, details := propertyAddress(p), strings.Join(facts, ", ")
	switch {
	case addr != "" && details != "":
		return addr + ": " + details
	case addr != "":
		return addr
	}
	return details
}

// leadCity is the lead's city: Lofty's (deprecated) city field, else the
// city of the mailing address or of the first property on record.
func leadCity(l lofty.Lead) string {
	if c := unsetText(l.City); c != "" {
		return c
	}
	for _, mail := range []bool{true, false} {
		for _, p := range l.LeadPropertyList {
			if (p.MailAddress != nil && *p.MailAddress) == mail {
				if c := unsetText(p.City); c != "" {
					return c
				}
			}
		}
	}
	return ""
}

// plural is one or many, by n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// isDigits reports whether s is empty or only decimal digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
