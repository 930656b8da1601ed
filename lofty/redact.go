package lofty

import (
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
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

// redactBytes is redact for a response body: b itself when it holds no
// part of the secret (the common case: nothing is copied), else a copy
// with every part replaced.
func redactBytes(b []byte, cred Credential) []byte {
	if cred.Secret == "" || len(b) == 0 {
		return b
	}
	// A read-only view of b: the scan neither keeps nor changes it.
	spans := secretSpans(unsafe.String(unsafe.SliceData(b), len(b)), cred.Secret)
	if len(spans) == 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	last := 0
	for _, sp := range spans {
		out = append(append(out, b[last:sp.start]...), redactedMark...)
		last = sp.end
	}
	return append(out, b[last:]...)
}

// redactSecret returns s with every stretch that spells minFragment or more
// consecutive characters of secret (ignoring case, whitespace, %XX and
// \uXXXX escapes) replaced by "[redacted]". A secret shorter than
// minFragment is removed only where it appears whole.
func redactSecret(s, secret string) string {
	spans := secretSpans(s, secret)
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.start])
		b.WriteString(redactedMark)
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// span is a stretch of a text, by byte offsets.
type span struct{ start, end int }

// unit is one character of the text as read through its encodings, and
// where it stands in the original.
type unit struct {
	r          rune
	start, end int // byte offsets in the original text
}

// nextUnit reads the character at s[i] through its encodings, lower-cased:
// a %XX or \uXXXX escape, else one UTF-8 character. space reports
// whitespace, which is no unit of its own.
func nextUnit(s string, i int) (u unit, space bool) {
	switch {
	case s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
		return unit{lower(rune(unhex(s[i+1])<<4 | unhex(s[i+2]))), i, i + 3}, false
	case s[i] == '\\' && i+5 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U') && isHex(s[i+2]) && isHex(s[i+3]) && isHex(s[i+4]) && isHex(s[i+5]):
		r := rune(unhex(s[i+2]))<<12 | rune(unhex(s[i+3]))<<8 | rune(unhex(s[i+4]))<<4 | rune(unhex(s[i+5]))
		return unit{lower(r), i, i + 6}, false
	case s[i] < utf8.RuneSelf:
		c := s[i]
		return unit{lower(rune(c)), i, i + 1}, c == ' ' || ('\t' <= c && c <= '\r')
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	return unit{lower(r), i, i + size}, unicode.IsSpace(r)
}

// lower is unicode.ToLower with a fast path for ASCII.
func lower(r rune) rune {
	switch {
	case 'A' <= r && r <= 'Z':
		return r + 'a' - 'A'
	case r < utf8.RuneSelf:
		return r
	}
	return unicode.ToLower(r)
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

// hashBase is the base of the rolling hash over windows of characters.
const hashBase = 0x100000001b3

// secretSpans returns, in order and merged, the stretches of s that spell
// n = min(minFragment, len(secret)) or more consecutive characters of
// secret as read through nextUnit. One pass, no copy of s: a rolling hash
// of the last n characters is checked against the secret's windows (a bit
// set first, the characters themselves on a hit). A secret shorter than 4
// characters is looked for loosely only where it appears whole.
func secretSpans(s, secret string) []span {
	if secret == "" || s == "" {
		return nil
	}
	want := []rune(strings.ToLower(secret))
	n := min(minFragment, len(want))
	if n < 4 && !strings.Contains(strings.ToLower(s), string(want)) {
		return nil // too short to match loosely, and absent
	}
	var pow uint64 = 1 // hashBase^n, to drop the character leaving the window
	for range n {
		pow *= hashBase
	}
	type window [minFragment]rune
	windows := make(map[window]struct{}, len(want))
	var bits [1 << 10]uint64 // 2^16 bits, by the hash's top 16 bits
	for i := 0; i+n <= len(want); i++ {
		var w window
		var h uint64
		for j := range n {
			w[j] = want[i+j]
			h = h*hashBase + uint64(w[j])
		}
		windows[w] = struct{}{}
		bits[h>>54] |= 1 << (h >> 48 & 63)
	}

	var (
		runes   [minFragment]rune // the last n characters, oldest at slot
		starts  [minFragment]int  // where each begins in s
		slot    int
		count   int // characters read
		h       uint64
		out     []span
		covered = -1 // index of the last character covered so far
	)
	for i := 0; i < len(s); {
		start := i
		var r rune
		if c := s[i]; c < utf8.RuneSelf && c != '%' && c != '\\' {
			// Plain ASCII, most of any answer: read inline.
			i++
			if c == ' ' || ('\t' <= c && c <= '\r') {
				continue
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			r = rune(c)
		} else {
			u, space := nextUnit(s, i)
			i = u.end
			if space {
				continue
			}
			r = u.r
		}
		h = h*hashBase + uint64(r)
		if count >= n {
			h -= uint64(runes[slot]) * pow // the character leaving the window
		}
		runes[slot], starts[slot] = r, start
		if slot++; slot == n {
			slot = 0
		}
		count++
		if count < n || bits[h>>54]&(1<<(h>>48&63)) == 0 {
			continue
		}
		var w window
		for j := range n {
			w[j] = runes[(slot+j)%n]
		}
		if _, ok := windows[w]; !ok {
			continue
		}
		if first := count - n; len(out) > 0 && first <= covered+1 {
			out[len(out)-1].end = i
		} else {
			out = append(out, span{starts[slot], i})
		}
		covered = count - 1
	}
	return out
}
