package lofty

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode"
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
	} {
		for i := range answerTypes {
			f.Add(i, []byte(seed))
		}
	}
	c, err := New(Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which int, body []byte) {
		if which < 0 {
			which = -which
		}
		out := answerTypes[which%len(answerTypes)]()
		err := c.decodeBody(context.Background(), http.MethodGet, "/x", "/x", 200, body, out)
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
	})
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
