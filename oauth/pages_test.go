package oauth

import (
	"strings"
	"testing"
)

// Every value a page shows is escaped, in text and in attributes alike:
// a client that names itself with markup cannot change the page.
func TestPagesEscapeEveryValue(t *testing.T) {
	hostile := `"><script>alert(1)</script><a href='x'>&amp;`
	page := signInPage(signInView{Nonce: hostile, ClientName: hostile, ServerHost: hostile, RedirectHost: hostile,
		Message: hostile, Note: hostile, Action: hostile, RequestID: hostile, CSRF: hostile, Unverified: true, LoftyEnabled: true})
	if strings.Contains(page, "<script>") || strings.Contains(page, `"><`) || strings.Contains(page, "'x'") {
		t.Fatalf("a value reached the page unescaped:\n%s", page)
	}
	if n := strings.Count(page, "&lt;script&gt;"); n < 10 {
		t.Errorf("%d escaped copies of the value, want one per placeholder (10 or more)", n)
	}
	for _, want := range []string{`id="lofty"`, `class="secondary"`, `class="note">The app named itself`, `id="message"`, `id="note"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	plain := signInPage(signInView{ClientName: "App"})
	for _, absent := range []string{`id="lofty"`, `id="message"`, `id="note"`, "named itself"} {
		if strings.Contains(plain, absent) {
			t.Errorf("a page without that section has %q", absent)
		}
	}
	if strings.Contains(plain, "{{") {
		t.Errorf("a placeholder was left unfilled:\n%s", plain)
	}
	defer func() {
		if recover() == nil {
			t.Error("render filled a placeholder it had no value for")
		}
	}()
	render("<p>{{Missing}}</p>", map[string]string{})
}
