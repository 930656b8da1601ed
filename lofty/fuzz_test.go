package lofty

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// answerTypes are the types Lofty's answers decode into, each with a
// fresh value for the fuzzer to fill.
var answerTypes = []func() any{
	func() any { return new(SalesAgent) }, func() any { return new(Lead) }, func() any { return new(LeadList) },
	func() any { return new(SalesAgentQuota) }, func() any { return new(WorkingLeadList) }, func() any { return new([]PlanTask) },
	func() any { return new(SalesAgentSettings) }, func() any { return new(Member) }, func() any { return new(NoteID) },
	func() any { return new(Message) }, func() any { return new(LeadIDAnswer) },
}

// FuzzDecodeAnswer: no answer body makes decoding panic; an answer type
// that knows its identity is never a success without it; what decodes
// encodes again as JSON.
func FuzzDecodeAnswer(f *testing.F) {
	for _, seed := range []string{
		`{}`, `null`, `[]`, `""`, `{"code":0,"message":"success","data":{"id":12345}}`, `{"code":0,"message":"success","data":null}`,
		`{"id":"12345","hasQuotaSeat":"true"}`, `{"id":12345,"createdAt":"2026-04-15T14:00:00GMT","updatedAt":1776261600000}`,
		`{"leadId":9223372036854775807,"leadSource":-1,"leadInquiry":{"priceMin":-1,"priceMax":500000}}`,
		`{"leads":[{"leadId":"1"},{"leadId":{}}],"_metadata":{"scrollId":"x","total":"25"}}`,
		`{"id":1,"borrowId":{"x":1},"status":7}`, `[{"id":1,"dueAt":"soon"},{"id":"x"}]`, `{"data":{"mute":"Yes"}}`,
		`{"workingLeads":[{"leadId":1e400}],"metadata":{"total":-5}}`, `{"id":` + strings.Repeat("[", 100) + `}`,
		`{"leads":[{},{},{},{},{},{}],"_metadata":{"total":6}}`, `[{"id":1},{"id":2},{"id":3},{"id":"4"},{"id":5}]`,
		`{"code":0,"message":"ok","data":{"workingLeads":[{"leadId":1},{"leadId":2},{"leadId":3},{"leadId":4}]}}`,
		`{"leads":[{"leadId":1,"tags":[{},{},{}],"leadPropertyList":[{},{},{},{}]}],"LEADS":[{"leadId":2}]}`,
		`{"l\u0065ads":[{"leadId":1,"emails":["a","b"]}],"activeDays":[1,2,3,4,5],"id":7}`,
	} {
		for i := range answerTypes {
			f.Add(i, uint8(3), []byte(seed))
		}
	}
	c, err := New(Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which int, listCap uint8, body []byte) {
		if which < 0 {
			which = -which
		}
		kind := which % len(answerTypes)
		out := answerTypes[kind]()
		capped := int(listCap%20) + 1
		err := c.decodeBody(context.Background(), http.MethodGet, "/x", "/x", 200, body, out, capped)
		checkLenientMatchesStrict(t, answerTypes[kind], body)
		if err != nil {
			if _, ok := AsError(err); !ok {
				t.Fatalf("decoding %q: %v is not a *lofty.Error", body, err)
			}
			return
		}
		if id, ok := out.(identified); ok && len(body) > 0 && !id.identified() {
			t.Fatalf("%T decoded from %q without its identity", out, body)
		}
		if _, err := json.Marshal(out); err != nil {
			t.Fatalf("%T decoded from %q does not encode: %v", out, body, err)
		}
		checkTimes(t, reflect.ValueOf(out), string(body))
		checkListsBounded(t, reflect.ValueOf(out).Elem(), capped, true, string(body))
	})
}

// checkListsBounded fails when a list in v holds more than MaxListItems
// items, or one of the answer's own lists (top) more than listCap.
func checkListsBounded(t *testing.T, v reflect.Value, listCap int, top bool, body string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			checkListsBounded(t, v.Elem(), listCap, top, body)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			ft := v.Type().Field(i).Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			checkListsBounded(t, v.Field(i), listCap, top && ft.Kind() == reflect.Slice, body)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		if n := v.Len(); n > MaxListItems || (top && n > listCap) {
			t.Fatalf("a list of %d items (cap %d, the answer's own: %v) from %q", n, listCap, top, body)
		}
		for i := range v.Len() {
			checkListsBounded(t, v.Index(i), listCap, false, body)
		}
	}
}

// checkLenientMatchesStrict: where the standard decoder reads body whole,
// the lenient decoder reads it the same (unless a list was cut, or a
// name repeats: encoding/json merges repeated objects, lenient keeps the last).
func checkLenientMatchesStrict(t *testing.T, fresh func() any, body []byte) {
	strict, lenient := fresh(), fresh()
	raw := trimSpace(body)
	if json.Unmarshal(raw, strict) != nil || repeatsAName(raw) {
		return
	}
	d := decoder{budget: itemBudget(len(raw))}
	if err := d.lenient(raw, reflect.ValueOf(lenient).Elem(), "", MaxListItems, true); err != nil {
		t.Fatalf("%T: the standard decoder reads %q, the lenient one fails: %v", strict, raw, err)
	}
	if len(d.cut) == 0 && len(d.dropped) == 0 && !reflect.DeepEqual(strict, lenient) {
		t.Fatalf("%T from %q:\nstrict  %+v\nlenient %+v", strict, raw, strict, lenient)
	}
}

// repeatsAName reports whether an object in raw (valid JSON) has two
// members whose names fold to the same.
func repeatsAName(raw []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var walk func() bool
	walk = func() bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, _ := dec.Token()
				key := foldName(k.(string))
				if seen[key] || walk() {
					return true
				}
				seen[key] = true
			}
			_, _ = dec.Token()
		case json.Delim('['):
			for dec.More() {
				if walk() {
					return true
				}
			}
			_, _ = dec.Token()
		}
		return false
	}
	return walk()
}

// foldName maps every rune of s to the least of its case-folding orbit.
func foldName(s string) string {
	var b strings.Builder
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

// FuzzScanJSON: the scanner reads valid JSON as encoding/json does — a
// value's end, its arrays' element counts, an array's elements and an
// object's members — and never panics or loops on anything else.
func FuzzScanJSON(f *testing.F) {
	for _, seed := range []string{
		`[]`, `{}`, `[{},{},{}]`, `{"a":[1,2,[3,4,5]],"b":{"c":[]},"d":"x\"]"}`, `"\\"`, `[1, "two", true, null, {"x": [ ]}]`,
		`{"l\u0065ads":[{"leadId":1}]}`, `[[[[]]]]`, `[1,]`, `{"a" 1}`, `[`, `"abc`, `{"a":1}}`, ` 12 `, `[,1]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		raw := trimSpace(body)
		if len(raw) == 0 {
			return
		}
		end, sh, err := scanValue(raw, 0)
		if err == nil && (end <= 0 || end > len(raw)) {
			t.Fatalf("scanValue(%q) ended at %d", raw, end)
		}
		_, _ = eachElement(raw, func(int, []byte) bool { return true })
		_ = eachMember(raw, func([]byte, bool, []byte) error { return nil })
		if !json.Valid(raw) {
			return
		}
		if err != nil || end != len(raw) {
			t.Fatalf("scanValue(%q) = %d, %v; want the whole value", raw, end, err)
		}
		var v any
		_ = json.Unmarshal(raw, &v)
		items, longest := jsonShape(v, true)
		// (A map keeps one of repeated names: its counts are not the text's.)
		if (sh.items != items || sh.longest != longest) && !repeatsAName(raw) {
			t.Fatalf("shape of %q = %+v, want items %d longest %d", raw, sh, items, longest)
		}
		switch raw[0] {
		case '[':
			var want []json.RawMessage
			_ = json.Unmarshal(raw, &want)
			n, err := eachElement(raw, func(i int, elem []byte) bool {
				if i >= len(want) || !bytes.Equal(elem, bytes.TrimSpace(want[i])) {
					t.Fatalf("element %d of %q = %q", i, raw, elem)
				}
				return true
			})
			if err != nil || n != len(want) {
				t.Fatalf("eachElement(%q) = %d, %v; want %d", raw, n, err, len(want))
			}
		case '{':
			dec := json.NewDecoder(bytes.NewReader(raw))
			_, _ = dec.Token()
			err := eachMember(raw, func(key []byte, escaped bool, val []byte) error {
				k, _ := dec.Token()
				var want json.RawMessage
				_ = dec.Decode(&want)
				// As encoding/json reads it: escapes decoded, and invalid
				// UTF-8 replaced (no field name holds either).
				var got string
				_ = json.Unmarshal([]byte(`"`+string(key)+`"`), &got)
				if !escaped && utf8.Valid(key) && got != string(key) {
					t.Fatalf("key %q of %q said to hold no escape", key, raw)
				}
				if got != k.(string) || !bytes.Equal(val, bytes.TrimSpace(want)) {
					t.Fatalf("member of %q = %q: %q, want %q: %q", raw, got, val, k, want)
				}
				return nil
			})
			if err != nil || dec.More() {
				t.Fatalf("eachMember(%q): %v, members left %v", raw, err, dec.More())
			}
		}
	})
}

// jsonShape is the shape (see scan.go) of v as encoding/json decoded it.
func jsonShape(v any, top bool) (items, longest int) {
	switch v := v.(type) {
	case []any:
		items = len(v)
		if top {
			longest = len(v)
		}
		for _, e := range v {
			n, _ := jsonShape(e, false)
			items += n
		}
	case map[string]any:
		for _, e := range v {
			n, _ := jsonShape(e, false)
			items += n
			if a, ok := e.([]any); ok && top {
				longest = max(longest, len(a))
			}
		}
	}
	return items, longest
}

// checkTimes fails when a Time in v is not empty or RFC 3339.
func checkTimes(t *testing.T, v reflect.Value, body string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkTimes(t, v.Elem(), body)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			checkTimes(t, v.Field(i), body)
		}
	case reflect.Slice:
		for i := range v.Len() {
			checkTimes(t, v.Index(i), body)
		}
	case reflect.String:
		if v.Type() == reflect.TypeFor[Time]() && v.String() != "" {
			if _, ok := ParseTime(v.String()); !ok || !strings.Contains(v.String(), "T") || strings.Contains(v.String(), "GMT") {
				t.Fatalf("time %q from %q is not RFC 3339", v.String(), body)
			}
		}
	}
}

// encodings are the ways an echo of a secret may come back from Lofty.
var encodings = []func(s string, k int) string{
	func(s string, _ int) string { return s },
	func(s string, _ int) string { return strings.ToUpper(s) },
	func(s string, _ int) string { return strings.ToLower(s) },
	func(s string, _ int) string {
		var b strings.Builder
		for _, r := range s {
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		return b.String()
	},
	func(s string, _ int) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			fmt.Fprintf(&b, "%%%02X", s[i])
		}
		return b.String()
	},
	func(s string, _ int) string { return url.QueryEscape(s) },
	func(s string, k int) string { k %= len(s) + 1; return s[:k] + "\n" + s[k:] },
	func(s string, k int) string { k %= len(s) + 1; return s[:k] + " \r\n\t" + strings.ToUpper(s[k:]) },
	func(s string, _ int) string { return strings.Join(strings.Split(s, ""), " ") },
}

// FuzzRedactSecret: no 8-character fragment of a secret survives in a
// message, however the echo was encoded (as the redactor reads it: case,
// whitespace, %XX and \uXXXX folded away).
func FuzzRedactSecret(f *testing.F) {
	for i := range encodings {
		f.Add("lk_Live_7Qm2xR9vKp4Ts8Wz", "bad key ", " for user", i, 10)
		f.Add("eyJhbGciOiJIUzI1NiJ9.tok", `{"message":"`, `"}`, i, 3)
	}
	f.Fuzz(func(t *testing.T, secret, prefix, suffix string, enc, k int) {
		if len(secret) < minFragment || len(secret) > 200 || strings.ContainsFunc(secret, func(r rune) bool {
			return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_-.~", r)))
		}) {
			return // credentials are printable ASCII without spaces, % or \
		}
		if enc < 0 {
			enc = -enc
		}
		if k < 0 {
			k = -k
		}
		text := prefix + encodings[enc%len(encodings)](secret, k) + suffix
		out := redactSecret(text, secret)
		view := folded(out)
		want := strings.ToLower(secret)
		for i := 0; i+minFragment <= len(want); i++ {
			if strings.Contains(view, want[i:i+minFragment]) {
				t.Fatalf("%q of the secret survives in %q (from %q)", want[i:i+minFragment], out, text)
			}
		}
	})
}

// folded is s as the redactor reads it, by an independent route: escapes
// decoded, whitespace removed, lower case.
func folded(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := url.PathUnescape(s[i : i+3]); err == nil {
				b.WriteString(v)
				i += 3
				continue
			}
		}
		if s[i] == '\\' && i+5 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U') {
			var r rune
			if _, err := fmt.Sscanf(s[i+2:i+6], "%04x", &r); err == nil && !strings.ContainsAny(s[i+2:i+6], " +-") {
				b.WriteRune(r)
				i += 6
				continue
			}
		}
		if !unicode.IsSpace(rune(s[i])) {
			b.WriteByte(s[i])
		}
		i++
	}
	return strings.ToLower(b.String())
}

// FuzzRetryAfter: whatever Retry-After and X-RateLimit-Reset say, the wait
// is between 0 and MaxHold, a count of seconds is read exactly up to it,
// and no hold ends past MaxHold from now.
func FuzzRetryAfter(f *testing.F) {
	for _, seed := range []string{"0", "1", "30", "3600", "3601", "18446744074", "9223372036", "9223372036854775807",
		"99999999999999999999999", "-1", "+5", " 7 ", "1.5", "Fri, 31 Dec 9999 23:59:59 GMT", "Wed, 21 Oct 2015 07:28:00 GMT", "soon", ""} {
		f.Add(seed, seed)
	}
	now := time.Unix(1_800_000_000, 0)
	f.Fuzz(func(t *testing.T, after, reset string) {
		h := http.Header{}
		h.Set("Retry-After", after)
		h.Set("X-RateLimit-Reset", reset)
		for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
			d := retryAfter(h, status, now)
			if d < 0 || d > MaxHold {
				t.Fatalf("Retry-After %q, X-RateLimit-Reset %q, %d: a wait of %v", after, reset, status, d)
			}
			if n, err := strconv.ParseInt(strings.TrimSpace(after), 10, 64); err == nil && n >= 0 && strings.Trim(strings.TrimSpace(after), "0123456789") == "" {
				if want := time.Duration(min(n, int64(MaxHold/time.Second))) * time.Second; d != want {
					t.Fatalf("Retry-After %q: a wait of %v, want %v", after, d, want)
				}
			}
			b := readBudget(h, status, d, now)
			if b.holdUntil.After(now.Add(MaxHold)) || b.reset.After(now.Add(MaxHold)) {
				t.Fatalf("Retry-After %q, X-RateLimit-Reset %q: held until %v, reset %v", after, reset, b.holdUntil, b.reset)
			}
		}
	})
}
