package lofty

import (
	"net/url"
	"testing"
)

// A list keeps the page its request asked for, wherever the request says
// it: the method, the query, or the body of a read sent as POST.
func TestListCapFollowsThePageAskedFor(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    call
		want int
	}{
		{"nothing asked", call{}, MaxListItems},
		{"the method", call{request: request{listMax: 100, query: url.Values{"limit": {"10"}}}}, 100},
		{"limit", call{request: request{query: url.Values{"limit": {"20"}}}}, 20 + ListMargin},
		{"pageSize", call{request: request{query: url.Values{"pageSize": {"5"}}}}, 5 + ListMargin},
		{"beyond the cap", call{request: request{query: url.Values{"limit": {"5000"}}}}, MaxListItems},
		{"not a number", call{request: request{query: url.Values{"limit": {"ten"}}}}, MaxListItems},
		{"a POST body", call{payload: []byte(`{"pageNum":2,"pageSize":"25","x":{"limit":1}}`)}, 25 + ListMargin},
		{"a POST body's limit", call{payload: []byte(`{"limit":7}`)}, 7 + ListMargin},
		{"a POST body without one", call{payload: []byte(`[{"limit":7}]`)}, MaxListItems},
	} {
		if got := tc.r.listCap(); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}
