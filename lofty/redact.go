package lofty

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redaction. Lofty may echo a credential back in an error body, and not
// always verbatim: JSON \u escapes, percent-encoding, another case, a line
// break in the middle. redactSecret removes from a text every stretch that
// spells minFragment or more consecutive characters of the secret, read
// through those encodings, so that no usable part of a credential reaches a
// message, a result or a log.

// minFragment is the shortest part of a secret that is removed wherever it
// appears; shorter secrets are removed only whole.
const minFragment = 8

const redactedMark = "[redacted]"

// redact removes the credential's secret from s (see redactSecret).
func redact(s string, cred Credential) string { return redactSecret(s, cred.Secret) }

// redactBytes is redact for a response body.
func redactBytes(b []byte, cred Credential) []byte {
	if cred.Secret == "" || len(b) == 0 {
		return b
	}
	return []byte(redactSecret(string(b), cred.Secret))
}

// unit is one character of the text as read through its encodings, and
// where it stands in the original.
type unit struct {
	r          rune
	start, end int // byte offsets in the original text
}

// decodeUnits reads s as a sequence of lower-cased characters, decoding
// %XX and \uXXXX escapes and skipping whitespace.
func decodeUnits(s string) []unit {
	units := make([]unit, 0, len(s))
	for i := 0; i < len(s); {
		switch {
		case s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			units = append(units, unit{unicode.ToLower(rune(unhex(s[i+1])<<4 | unhex(s[i+2]))), i, i + 3})
			i += 3
			continue
		case s[i] == '\\' && i+5 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U') && isHex(s[i+2]) && isHex(s[i+3]) && isHex(s[i+4]) && isHex(s[i+5]):
			r := rune(unhex(s[i+2]))<<12 | rune(unhex(s[i+3]))<<8 | rune(unhex(s[i+4]))<<4 | rune(unhex(s[i+5]))
			units = append(units, unit{unicode.ToLower(r), i, i + 6})
			i += 6
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			units = append(units, unit{unicode.ToLower(r), i, i + size})
		}
		i += size
	}
	return units
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// redactSecret returns s with every stretch that spells minFragment or more
// consecutive characters of secret (ignoring case, whitespace, %XX and
// \uXXXX escapes) replaced by "[redacted]". A secret shorter than
// minFragment is removed only where it appears whole.
func redactSecret(s, secret string) string {
	if secret == "" || s == "" {
		return s
	}
	want := []rune(strings.ToLower(secret))
	n := min(minFragment, len(want))
	if n < 4 && !strings.Contains(strings.ToLower(s), string(want)) {
		return s // too short to match loosely, and absent
	}
	// Every n-character window of the secret.
	windows := make(map[string]struct{}, len(want))
	for i := 0; i+n <= len(want); i++ {
		windows[string(want[i:i+n])] = struct{}{}
	}
	units := decodeUnits(s)
	if len(units) < n {
		return s
	}
	covered := make([]bool, len(units))
	found := false
	buf := make([]rune, n)
	for i := 0; i+n <= len(units); i++ {
		for j := range n {
			buf[j] = units[i+j].r
		}
		if _, ok := windows[string(buf)]; ok {
			found = true
			for j := i; j < i+n; j++ {
				covered[j] = true
			}
		}
	}
	if !found {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(units); {
		if !covered[i] {
			i++
			continue
		}
		j := i
		for j < len(units) && covered[j] {
			j++
		}
		b.WriteString(s[last:units[i].start])
		b.WriteString(redactedMark)
		last = units[j-1].end
		i = j
	}
	b.WriteString(s[last:])
	return b.String()
}
