package tools_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/lofty-mcp/lofty-mcp/tools"
)

func TestCleanLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Jane  Smith", "Jane Smith"},
		{"  Jane\n\n\tSmith \r\n", "Jane Smith"},
		{"\u202eevil\u202c \u2066name\u2069", "evil name"},
		{"zero\u200bwidth\u200d\ufeff", "zerowidth"},
		{"bell\a and nul\x00", "bell and nul"},
		{"bad \xff utf8", "bad utf8"},
		{"", ""},
	} {
		if got := tools.CleanLine(tc.in, 100); got != tc.want {
			t.Errorf("CleanLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := tools.CleanLine(strings.Repeat("a", 50), 10); got != "aaaaaaaaa…" {
		t.Errorf("cut: %q", got)
	}
}

func TestCleanTextKeepsLines(t *testing.T) {
	in := "Hi Jane,\r\n\r\n\r\n\r\nSee you at 2pm.\u202e\n  Thanks  "
	if got, want := tools.CleanText(in, 100), "Hi Jane,\n\nSee you at 2pm.\nThanks"; got != want {
		t.Errorf("CleanText = %q, want %q", got, want)
	}
}

func TestQuote(t *testing.T) {
	if got := tools.Quote(`Say "yes"`+"\nnow", 50); got != `"Say 'yes' now"` {
		t.Errorf("Quote = %q", got)
	}
}

// FuzzCleanText: whatever a lead writes, the cleaned text has no invisible
// or control characters but line breaks (none at all on one line), is
// valid UTF-8 and within its bound.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", "Jane", "a\u202eb", "x\r\ny", strings.Repeat("é\n", 100), "\xff\xfe", "\u200b\u2066"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []struct {
			out   string
			lines bool
		}{{tools.CleanLine(s, 40), false}, {tools.CleanText(s, 40), true}, {tools.Quote(s, 40), false}} {
			if !utf8.ValidString(c.out) || utf8.RuneCountInString(c.out) > 42 {
				t.Fatalf("%q -> %q: invalid or too long", s, c.out)
			}
			for _, r := range c.out {
				if r == '\n' && c.lines {
					continue
				}
				if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
					t.Fatalf("%q -> %q keeps %U", s, c.out, r)
				}
			}
		}
	})
}
