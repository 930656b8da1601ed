package mcpserver_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// TestLeadIDAccepted: every valid leadId reaches Lofty exactly, digit for
// digit, whether sent as a JSON integer or a decimal string.
func TestLeadIDAccepted(t *testing.T) {
	cases := []struct {
		args  string
		query string
	}{
		{`{"leadId": 1}`, "leadId=1"},
		{`{"leadId": 563172647619608}`, "leadId=563172647619608"},
		{`{"leadId": 9007199254740993}`, "leadId=9007199254740993"}, // 2^53+1: a float64 would send ...992
		{`{"leadId": 9223372036854775807}`, "leadId=9223372036854775807"},
		{`{"leadId": "123"}`, "leadId=123"},
		{`{"leadId": "9007199254740993"}`, "leadId=9007199254740993"},
		{`{"leadId": "9223372036854775807"}`, "leadId=9223372036854775807"},
		{`{"leadId": "007"}`, "leadId=7"},
		{`  {"leadId":42}  `, "leadId=42"},
	}
	forEachProtocol(t, func(t *testing.T, p protocol) {
		h := newHarness(t, p, lofty.Config{Credential: apiKey})
		for _, tc := range cases {
			t.Run(tc.args, func(t *testing.T) {
				before := h.fake.RequestCount()
				res := h.call(t, toolName, tc.args)
				reqs := h.fake.Requests()
				if len(reqs) != before+1 {
					t.Fatalf("fake saw %d new requests, want 1 (result %+v)", len(reqs)-before, res.Content)
				}
				if got := reqs[len(reqs)-1].RawQuery; got != tc.query {
					t.Errorf("Lofty got %q, want %q", got, tc.query)
				}
				if res.IsError {
					// Leads the fake does not know are 404s; that is still a
					// Lofty answer, not an argument error.
					if msg := text(t, res); strings.Contains(msg, "invalid arguments") {
						t.Errorf("valid arguments rejected: %s", msg)
					}
				}
			})
		}
	})
}

// TestLeadIDRejected: anything else is an isError result that names the
// argument and what is expected, and Lofty is never asked.
func TestLeadIDRejected(t *testing.T) {
	const integer = "integer from 1 to 9223372036854775807"
	cases := []struct {
		name string
		args string
		want []string
	}{
		{"zero", `{"leadId": 0}`, []string{`"leadId"`, integer, "got 0"}},
		{"negative", `{"leadId": -1}`, []string{`"leadId"`, integer, "got -1"}},
		{"fraction", `{"leadId": 1.5}`, []string{`"leadId"`, integer, "got 1.5"}},
		{"2^63", `{"leadId": 9223372036854775808}`, []string{`"leadId"`, integer, "9223372036854775808"}},
		{"far beyond int64", `{"leadId": 123456789012345678901234567890}`, []string{`"leadId"`, integer}},
		{"exponent", `{"leadId": 1e3}`, []string{`"leadId"`, integer}},
		{"non-numeric string", `{"leadId": "abc"}`, []string{`"leadId"`, integer, `"abc"`}},
		{"negative string", `{"leadId": "-5"}`, []string{`"leadId"`, integer}},
		{"zero string", `{"leadId": "0"}`, []string{`"leadId"`, integer}},
		{"2^63 string", `{"leadId": "9223372036854775808"}`, []string{`"leadId"`, integer}},
		{"fraction string", `{"leadId": "1.5"}`, []string{`"leadId"`, integer}},
		{"padded string", `{"leadId": " 12"}`, []string{`"leadId"`, integer}},
		{"empty string", `{"leadId": ""}`, []string{`"leadId"`, integer}},
		{"boolean", `{"leadId": true}`, []string{`"leadId"`, integer, "got true"}},
		{"null", `{"leadId": null}`, []string{`"leadId"`, integer, "got null"}},
		{"array", `{"leadId": [1]}`, []string{`"leadId"`, integer}},
		{"object", `{"leadId": {"id": 1}}`, []string{`"leadId"`, integer}},
		{"missing", `{}`, []string{"missing required argument", `"leadId"`, integer}},
		{"no arguments", ``, []string{"missing required argument", `"leadId"`}},
		{"null arguments", `null`, []string{"missing required argument", `"leadId"`}},
		{"extra property", `{"leadId": 1, "includeLead": true}`, []string{"unknown argument", `"includeLead"`, "accepts only: leadId"}},
		{"misspelt property", `{"leadID": 1}`, []string{`"leadID"`, "leadId"}},
		{"array arguments", `[1]`, []string{"JSON object", "leadId"}},
		{"string arguments", `"563172647619608"`, []string{"JSON object", "leadId"}},
		{"number arguments", `563172647619608`, []string{"JSON object", "leadId"}},
		{"boolean arguments", `true`, []string{"JSON object", "leadId"}},
	}
	forEachProtocol(t, func(t *testing.T, p protocol) {
		h := newHarness(t, p, lofty.Config{Credential: apiKey})
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				msg := errorText(t, h.call(t, toolName, tc.args))
				for _, w := range tc.want {
					if !strings.Contains(msg, w) {
						t.Errorf("error text %q does not contain %q", msg, w)
					}
				}
			})
		}
		if n := h.fake.RequestCount(); n != 0 {
			t.Errorf("invalid arguments reached Lofty %d times: %+v", n, h.fake.Requests())
		}
	})
}

// TestArgumentErrorsBeforeCredentials: with no credentials configured, bad
// arguments are still reported as bad arguments (the model can fix those).
func TestArgumentErrorsBeforeCredentials(t *testing.T) {
	h := newHarness(t, protocols[0], lofty.Config{})
	if msg := errorText(t, h.call(t, toolName, `{"leadId": 0}`)); !strings.Contains(msg, `"leadId"`) {
		t.Errorf("error text %q does not name leadId", msg)
	}
	if msg := errorText(t, h.call(t, toolName, `{"leadId": "12"}`)); !strings.Contains(msg, "LOFTY_API_KEY") {
		t.Errorf("error text %q does not name LOFTY_API_KEY", msg)
	}
}

// ---- the generic adapter with other argument types ----

type searchInput struct {
	Query  string   `json:"query" jsonschema:"description=Search text"`
	Limit  *int64   `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,description=Page size (1-100)"`
	Offset int64    `json:"offset,omitempty" jsonschema:"minimum=0,description=Items to skip"`
	Exact  bool     `json:"exact,omitempty" jsonschema:"description=Exact match only"`
	Tags   []string `json:"tags,omitempty" jsonschema:"description=Tags to filter by"`
}

type searchOutput struct {
	Query string   `json:"query" jsonschema:"description=The query"`
	Limit *int64   `json:"limit,omitempty" jsonschema:"description=The limit"`
	IDs   []int64  `json:"ids,omitempty" jsonschema:"description=Matching IDs"`
	Tags  []string `json:"tags,omitempty" jsonschema:"description=The tags"`
}

// searchSpec is a test tool that records the input it was called with.
func searchSpec(mu *sync.Mutex, got *[]searchInput) tools.Spec[searchInput, searchOutput] {
	return tools.Spec[searchInput, searchOutput]{
		Name:        "search_things",
		Title:       "Search things",
		Description: "A test tool.",
		Toolset:     "test",
		Call: func(_ context.Context, _ *lofty.Client, in searchInput) (searchOutput, error) {
			mu.Lock()
			*got = append(*got, in)
			mu.Unlock()
			return searchOutput{Query: in.Query, Limit: in.Limit, IDs: []int64{9007199254740993, 9223372036854775807}, Tags: in.Tags}, nil
		},
	}
}

func TestAdapterDecodesEveryArgumentType(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, p protocol) {
		var mu sync.Mutex
		var got []searchInput
		h := newHarness(t, p, lofty.Config{}, func(o *mcpserver.Options) {
			o.Tools = []tools.Tool{searchSpec(&mu, &got)}
		})

		ten := int64(10)
		ok := []struct {
			args string
			want searchInput
		}{
			{`{"query": "x"}`, searchInput{Query: "x"}},
			{`{"query": "x", "limit": 10, "offset": 0, "exact": true, "tags": ["a", "b"]}`,
				searchInput{Query: "x", Limit: &ten, Exact: true, Tags: []string{"a", "b"}}},
			{`{"query": "x", "limit": "10", "offset": "9007199254740993"}`,
				searchInput{Query: "x", Limit: &ten, Offset: 9007199254740993}},
		}
		for _, tc := range ok {
			t.Run(tc.args, func(t *testing.T) {
				mu.Lock()
				got = got[:0]
				mu.Unlock()
				res := h.call(t, "search_things", tc.args)
				if res.IsError {
					t.Fatalf("isError: %s", text(t, res))
				}
				mu.Lock()
				defer mu.Unlock()
				if len(got) != 1 || !reflect.DeepEqual(got[0], tc.want) {
					t.Errorf("the tool got %+v, want %+v", got, tc.want)
				}
				var out struct {
					IDs []json.Number `json:"ids"`
				}
				dec := json.NewDecoder(strings.NewReader(text(t, res)))
				dec.UseNumber()
				if err := dec.Decode(&out); err != nil || len(out.IDs) != 2 || out.IDs[0] != "9007199254740993" || out.IDs[1] != "9223372036854775807" {
					t.Errorf("text block %s lost 64-bit precision", text(t, res))
				}
			})
		}

		bad := []struct {
			name, args string
			want       []string
		}{
			{"string given a number", `{"query": 5}`, []string{`"query"`, "a string"}},
			{"missing required string", `{"limit": 5}`, []string{"missing required argument", `"query"`}},
			{"integer above maximum", `{"query": "x", "limit": 101}`, []string{`"limit"`, "integer from 1 to 100"}},
			{"integer below minimum", `{"query": "x", "offset": -1}`, []string{`"offset"`, "integer from 0 to 9223372036854775807"}},
			{"boolean given a string", `{"query": "x", "exact": "yes"}`, []string{`"exact"`, "true or false"}},
			{"array given a string", `{"query": "x", "tags": "a"}`, []string{`"tags"`, "an array"}},
			{"array of the wrong items", `{"query": "x", "tags": ["a", 1]}`, []string{`"tags" must be an array of strings`}},
			{"null for a string", `{"query": null}`, []string{`"query"`, "a string", "got null"}},
			{"unknown argument", `{"query": "x", "page": 2}`, []string{`"page"`, "accepts only: query, limit, offset, exact, tags"}},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				mu.Lock()
				got = got[:0]
				mu.Unlock()
				msg := errorText(t, h.call(t, "search_things", tc.args))
				for _, w := range tc.want {
					if !strings.Contains(msg, w) {
						t.Errorf("error text %q does not contain %q", msg, w)
					}
				}
				mu.Lock()
				defer mu.Unlock()
				if len(got) != 0 {
					t.Errorf("the tool was called with %+v despite invalid arguments", got)
				}
			})
		}
	})
}
