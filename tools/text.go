package tools

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text that a lead or an outsider wrote — a name, a note from a web form, a
// text message, an email — reaches the model and the person's confirmation
// questions. It is data, never instructions: a tool puts it in fields of
// its own (never into its sentences), cleaned and bounded by these
// functions; a confirmation question shows it only quoted, on one line.

// Bounds of untrusted text, in characters.
const (
	// MaxNameLength bounds a person's name in a question or a result.
	MaxNameLength = 80
	// MaxSummaryLength bounds a summary of a message or a note in a list.
	MaxSummaryLength = 280
	// MaxBodyLength bounds a whole message or note read by itself.
	MaxBodyLength = 8000
)

// invisible reports whether r is a character that changes how text reads
// without being seen: C0/C1 controls, bidirectional embeddings, overrides
// and isolates, zero-width characters, the BOM, and other format
// characters (Unicode category Cf).
func invisible(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return true
	case unicode.IsControl(r):
		return true
	case unicode.Is(unicode.Cf, r): // U+200B-200F, U+202A-202E, U+2060-2069, U+FEFF, ...
		return true
	}
	return false
}

// CleanLine returns s as one line of at most max characters: invisible
// characters removed, every run of white space (newlines included) one
// space, trimmed; a cut is marked with an ellipsis.
func CleanLine(s string, max int) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case invisible(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return truncate(b.String(), max)
}

// CleanText returns s with invisible characters removed, line breaks kept
// (as \n; at most two in a row), other white space runs one space, each
// line trimmed, at most max characters; a cut is marked with an ellipsis.
func CleanText(s string, max int) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(s, "\n")
	var out []string
	blank := 0
	for _, l := range lines {
		l = CleanLine(l, max)
		if l == "" {
			blank++
			if blank > 1 || len(out) == 0 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return truncate(strings.TrimSpace(strings.Join(out, "\n")), max)
}

// Quote shows untrusted text inside a sentence put to the person: one
// clean line of at most max characters, in double quotes, its own double
// quotes turned into single ones so that it cannot close the quote.
func Quote(s string, max int) string {
	return `"` + strings.ReplaceAll(CleanLine(s, max), `"`, "'") + `"`
}

// truncate cuts s to at most max characters, marking a cut with "…".
func truncate(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}
