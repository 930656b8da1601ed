package lofty

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
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

// A list type declared later — here a page of tasks through an Endpoint,
// as every new operation is — is bounded with no code of its own, and
// says what was cut by embedding Truncation.
func TestNewListTypesAreBounded(t *testing.T) {
	type task struct {
		ID   int64  `json:"id"`
		Done bool   `json:"done"`
		Name string `json:"name"`
	}
	type taskPage struct {
		Truncation
		Tasks []task `json:"tasks"`
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		b.WriteString(`{"code":0,"message":"ok","data":{"tasks":[`)
		for i := range 5000 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":"%d","done":"Yes","name":"t"}`, i+1)
		}
		b.WriteString(`]}}`)
		_, _ = io.WriteString(w, b.String())
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, Credential: Credential{Kind: APIKey, Secret: "lk_endpoint_test_key"}})
	if err != nil {
		t.Fatal(err)
	}
	tasks := Endpoint[NoBody, taskPage]{Operation{Method: http.MethodGet, Path: "/v2.0/tasks"}}
	page, err := tasks.Call(context.Background(), c, Params{Query: url.Values{"limit": {"20"}}}, NoBody{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(page.Tasks); n != 20+ListMargin || page.ItemsSent != 5000 || page.ItemsKept != n || page.Tasks[0].ID != 1 || !page.Tasks[0].Done {
		t.Errorf("kept %d (says %d of %d), first %+v", n, page.ItemsKept, page.ItemsSent, page.Tasks[0])
	}
}
