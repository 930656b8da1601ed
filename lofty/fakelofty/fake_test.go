package fakelofty_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

const salesAgentPath = "/v2.0/sales-agents/by-lead"

// get sends GET path to base with the Authorization header auth ("" for none).
func get(t *testing.T, base, path, auth string) (status int, header http.Header, body []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

func byLead(id int64) string { return salesAgentPath + "?leadId=" + strconv.FormatInt(id, 10) }

// TestSalesAgentAnswersConformToDocument: the 200 body for every seeded lead
// with an agent validates against SalesAgentResponseV2, strictly (no extra
// properties, exact JSON types, 64-bit integers within range).
func TestSalesAgentAnswersConformToDocument(t *testing.T) {
	doc := loadOpenAPI(t)
	schemaName := doc.responseRef(t, salesAgentPath, "get", "200")
	if schemaName != "SalesAgentResponseV2" {
		t.Fatalf("200 schema = %q, want SalesAgentResponseV2", schemaName)
	}
	data := fakelofty.Demo()
	base := fakelofty.New(data).Start(t)
	var checked int
	for id, lead := range data.Leads {
		if lead.SalesAgent == nil || lead.Forbidden {
			continue
		}
		t.Run(strconv.FormatInt(id, 10), func(t *testing.T) {
			status, h, body := get(t, base, byLead(id), "token any-key")
			if status != 200 {
				t.Fatalf("status %d, body %s", status, body)
			}
			if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			v := decodeNumbers(t, body)
			for _, p := range doc.validate(v, doc.Components.Schemas[schemaName], schemaName) {
				t.Error(p)
			}
			obj, _ := v.(map[string]any)
			if len(obj) != 17 {
				t.Errorf("answer has %d properties, want all 17 of SalesAgentResponseV2: %s", len(obj), body)
			}
		})
		checked++
	}
	if checked < 2 {
		t.Errorf("only %d seeded leads have a visible sales agent; the demo needs several", checked)
	}
}

// TestValidatorCatchesNonConformingBodies proves the validator used above.
func TestValidatorCatchesNonConformingBodies(t *testing.T) {
	doc := loadOpenAPI(t)
	s := doc.Components.Schemas["SalesAgentResponseV2"]
	cases := map[string]string{
		"extra property":        `{"id": 1, "leadName": "x"}`,
		"string for integer":    `{"id": "1"}`,
		"fraction for integer":  `{"userId": 1.5}`,
		"beyond int64":          `{"borrowId": 9223372036854775808}`,
		"number for string":     `{"agentName": 7}`,
		"string for boolean":    `{"hasQuotaSeat": "true"}`,
		"null for non-nullable": `{"email": null}`,
		"array for object":      `[{"id": 1}]`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			if p := doc.validate(decodeNumbers(t, []byte(body)), s, "SalesAgentResponseV2"); len(p) == 0 {
				t.Errorf("%s validated", body)
			}
		})
	}
	if p := doc.validate(decodeNumbers(t, []byte(`{"id": 9223372036854775807, "status": "ACTIVE", "hasQuotaSeat": false}`)), s, "x"); len(p) > 0 {
		t.Errorf("a conforming body failed: %v", p)
	}
}

// TestErrorStatusesAreDocumented: every error the fake gives on by-lead is a
// status the document lists for that path, and a 400 body is the documented
// ApiCommonResponse.
func TestErrorStatusesAreDocumented(t *testing.T) {
	doc := loadOpenAPI(t)
	documented := doc.operation(t, salesAgentPath, "get").Responses
	data := fakelofty.Demo()
	data.APIKeys = []string{"good-key"}
	base := fakelofty.New(data).Start(t)
	cases := []struct {
		name   string
		path   string
		auth   string
		status int
	}{
		{"lead without a sales agent", byLead(fakelofty.DemoLeadWithoutAgent), "token good-key", 404},
		{"unknown lead", byLead(42), "token good-key", 404},
		{"forbidden lead", byLead(fakelofty.DemoLeadForbidden), "token good-key", 403},
		{"missing leadId", salesAgentPath, "token good-key", 400},
		{"non-numeric leadId", salesAgentPath + "?leadId=abc", "token good-key", 400},
		{"leadId beyond int64", salesAgentPath + "?leadId=9223372036854775808", "token good-key", 400},
		{"no Authorization", byLead(fakelofty.DemoLeadWithAgent), "", 401},
		{"wrong key", byLead(fakelofty.DemoLeadWithAgent), "token bad-key", 401},
		{"key sent as Bearer", byLead(fakelofty.DemoLeadWithAgent), "Bearer good-key", 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := get(t, base, tc.path, tc.auth)
			if status != tc.status {
				t.Fatalf("status = %d (%s), want %d", status, body, tc.status)
			}
			resp, ok := documented[strconv.Itoa(status)]
			if !ok {
				t.Fatalf("status %d is not documented for GET %s", status, salesAgentPath)
			}
			if len(bytes.TrimSpace(body)) == 0 {
				t.Errorf("empty %d body; Lofty sends a message", status)
			}
			if status == 400 {
				ref := ""
				for _, c := range resp.Content {
					if c.Schema != nil {
						ref = strings.TrimPrefix(c.Schema.Ref, "#/components/schemas/")
					}
				}
				for _, p := range doc.validate(decodeNumbers(t, body), doc.Components.Schemas[ref], ref) {
					t.Error(p)
				}
			}
		})
	}
}

func TestAuth(t *testing.T) {
	data := fakelofty.Demo()
	data.APIKeys = []string{"key-1"}
	data.AccessTokens = []string{"token-1"}
	base := fakelofty.New(data).Start(t)
	cases := []struct {
		auth   string
		status int
		code   json.Number // for JSON error bodies
	}{
		{"token key-1", 200, ""},
		{"Bearer token-1", 200, ""},
		{"Bearer key-1", 400, "200058"}, // a key sent as Bearer
		{"token token-1", 401, ""},      // an access token sent as a key
		{"token key-2", 401, ""},
		{"Bearer token-2", 401, ""},
		{"Basic a2V5LTE=", 401, ""},
		{"token", 401, ""},
		{"key-1", 401, ""},
		{"", 401, ""},
	}
	for _, tc := range cases {
		t.Run(tc.auth, func(t *testing.T) {
			status, _, body := get(t, base, byLead(fakelofty.DemoLeadWithAgent), tc.auth)
			if status != tc.status {
				t.Fatalf("status = %d (%s), want %d", status, body, tc.status)
			}
			if tc.code != "" {
				var e struct {
					Code    json.Number `json:"code"`
					Message string      `json:"message"`
				}
				if err := json.Unmarshal(body, &e); err != nil || e.Code != tc.code || e.Message == "" {
					t.Errorf("body = %s, want {\"code\": %s, \"message\": …}", body, tc.code)
				}
			}
		})
	}

	t.Run("no credentials configured: any well-formed one works", func(t *testing.T) {
		base := fakelofty.New(nil).Start(t)
		for _, auth := range []string{"token whatever", "Bearer whatever"} {
			if status, _, body := get(t, base, byLead(fakelofty.DemoLeadWithAgent), auth); status != 200 {
				t.Errorf("%s: status %d (%s), want 200", auth, status, body)
			}
		}
		if status, _, _ := get(t, base, byLead(fakelofty.DemoLeadWithAgent), "Bearer "); status != 401 {
			t.Errorf("empty Bearer: status %d, want 401", status)
		}
	})
}

func TestRecordsRequests(t *testing.T) {
	f := fakelofty.New(nil)
	base := f.Start(t)
	req, _ := http.NewRequest(http.MethodGet, base+salesAgentPath+"?leadId=9007199254740993", nil)
	req.Header.Set("Authorization", "token k")
	req.Header.Set("User-Agent", "lofty-mcp/test")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	get(t, base, "/v1.0/unknown", "token k")

	reqs := f.Requests()
	if f.RequestCount() != 2 || len(reqs) != 2 {
		t.Fatalf("RequestCount = %d, Requests = %d, want 2", f.RequestCount(), len(reqs))
	}
	want := fakelofty.Request{Method: "GET", Path: salesAgentPath, RawQuery: "leadId=9007199254740993",
		Authorization: "token k", UserAgent: "lofty-mcp/test"}
	if reqs[0] != want {
		t.Errorf("recorded %+v, want %+v", reqs[0], want)
	}
	if reqs[1].Path != "/v1.0/unknown" {
		t.Errorf("second request path = %q", reqs[1].Path)
	}
	reqs[0].Path = "changed"
	if f.Requests()[0].Path != salesAgentPath {
		t.Error("Requests() returned the fake's own slice, not a copy")
	}
}

func TestUnknownPathAndMethod(t *testing.T) {
	f := fakelofty.New(nil)
	base := f.Start(t)
	if status, _, _ := get(t, base, "/v2.0/sales-agents/by-lead/extra?leadId=1", "token k"); status != 404 {
		t.Errorf("unknown path: status %d, want 404", status)
	}
	req, _ := http.NewRequest(http.MethodPost, base+byLead(fakelofty.DemoLeadWithAgent), nil)
	req.Header.Set("Authorization", "token k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", resp.StatusCode)
	}
}

func TestHook(t *testing.T) {
	f := fakelofty.New(nil)
	var seen []string
	f.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		seen = append(seen, r.URL.RawQuery)
		if r.URL.Query().Get("leadId") == "1" {
			w.Header().Set("Retry-After", "5")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"message":"Too Many Requests"}`))
			return true
		}
		return false // let the fake answer
	}
	base := f.Start(t)
	status, h, _ := get(t, base, byLead(1), "token k")
	if status != 429 || h.Get("Retry-After") != "5" {
		t.Errorf("hooked answer: status %d Retry-After %q, want 429 and 5", status, h.Get("Retry-After"))
	}
	if status, _, _ := get(t, base, byLead(fakelofty.DemoLeadWithAgent), "token k"); status != 200 {
		t.Errorf("unhooked answer: status %d, want 200", status)
	}
	if len(seen) != 2 || f.RequestCount() != 2 {
		t.Errorf("hook saw %v and fake recorded %d requests, want both requests in both", seen, f.RequestCount())
	}
}

// TestInProcessClient: Client() answers without a listener, through the real
// lofty client, the way --demo uses it.
func TestInProcessClient(t *testing.T) {
	f := fakelofty.New(nil)
	c, err := lofty.New(lofty.Config{
		BaseURL:    "http://demo.lofty.invalid",
		Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "demo"},
		HTTPClient: f.Client(),
		UserAgent:  "lofty-mcp/test",
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.SalesAgentByLead(context.Background(), fakelofty.DemoLeadMaxInt64)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID == nil || *got.ID != 9223372036854775806 {
		t.Errorf("ID = %v, want 9223372036854775806", got.ID)
	}
	_, err = c.SalesAgentByLead(context.Background(), fakelofty.DemoLeadWithoutAgent)
	if lofty.KindOf(err) != lofty.KindNotFound {
		t.Errorf("lead without agent: %v", err)
	}
	reqs := f.Requests()
	if len(reqs) != 2 || reqs[0].Authorization != "token demo" || reqs[0].UserAgent != "lofty-mcp/test" ||
		reqs[0].RawQuery != "leadId=9223372036854775807" {
		t.Errorf("recorded %+v", reqs)
	}

	// A cancelled context is refused before the fake sees anything.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://demo.lofty.invalid"+byLead(1), nil)
	if _, err := f.Client().Do(req); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled request: err = %v, want context.Canceled", err)
	}
	if f.RequestCount() != 2 {
		t.Errorf("cancelled request reached the fake")
	}
}

func TestDemoData(t *testing.T) {
	d := fakelofty.Demo()
	with, without := 0, 0
	for id, l := range d.Leads {
		if l.ID != id {
			t.Errorf("lead keyed %d has ID %d", id, l.ID)
		}
		if l.SalesAgent == nil {
			without++
		} else if !l.Forbidden {
			with++
		}
	}
	if with == 0 || without == 0 {
		t.Errorf("demo data has %d leads with a sales agent and %d without; want at least one of each", with, without)
	}
	for _, id := range []int64{fakelofty.DemoLeadWithAgent, fakelofty.DemoLeadWithoutAgent, fakelofty.DemoLeadForbidden,
		fakelofty.DemoLeadBeyond53Bits, fakelofty.DemoLeadMaxInt64} {
		if _, ok := d.Leads[id]; !ok {
			t.Errorf("demo lead %d is not seeded", id)
		}
	}
	if d.Leads[fakelofty.DemoLeadWithoutAgent].SalesAgent != nil {
		t.Error("DemoLeadWithoutAgent has a sales agent")
	}
	if !d.Leads[fakelofty.DemoLeadForbidden].Forbidden {
		t.Error("DemoLeadForbidden is not forbidden")
	}
	if len(d.APIKeys)+len(d.AccessTokens) != 0 {
		t.Error("demo data restricts credentials; --demo must accept any")
	}
	if fakelofty.New(nil).Data() == nil || fakelofty.New(d).Data() != d {
		t.Error("Data() does not return the fake's data")
	}
	if fakelofty.Demo() == d || fakelofty.Demo().Leads[fakelofty.DemoLeadWithAgent] == d.Leads[fakelofty.DemoLeadWithAgent] {
		t.Error("Demo() shares state between calls; tests that change it would leak into each other")
	}
}

func TestConcurrentUse(t *testing.T) {
	f := fakelofty.New(nil)
	base := f.Start(t)
	c := f.Client()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, base+byLead(fakelofty.DemoLeadWithAgent), nil)
			req.Header.Set("Authorization", "token k"+strconv.Itoa(i))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("status %d, want 200", resp.StatusCode)
			}
		}()
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, "http://x.invalid"+byLead(fakelofty.DemoLeadForbidden), nil)
			req.Header.Set("Authorization", "Bearer t")
			resp, err := c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 403 {
				t.Errorf("status %d, want 403", resp.StatusCode)
			}
			_ = f.Requests()
		}()
	}
	wg.Wait()
	if n := f.RequestCount(); n != 40 {
		t.Errorf("RequestCount = %d, want 40", n)
	}
}

// ---- Lofty's OpenAPI document, and a strict validator for JSON values ----

type openAPI struct {
	Paths map[string]map[string]*struct {
		Responses map[string]struct {
			Content map[string]struct {
				Schema *oaSchema `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]*oaSchema `json:"schemas"`
	} `json:"components"`
}

type oaSchema struct {
	Ref                  string               `json:"$ref"`
	Type                 string               `json:"type"`
	Format               string               `json:"format"`
	Nullable             bool                 `json:"nullable"`
	Properties           map[string]*oaSchema `json:"properties"`
	Items                *oaSchema            `json:"items"`
	AllOf                []*oaSchema          `json:"allOf"`
	AdditionalProperties json.RawMessage      `json:"additionalProperties"`
	Enum                 []any                `json:"enum"`
}

var (
	docOnce sync.Once
	doc     *openAPI
	docErr  error
)

// loadOpenAPI reads ../shared/lofty-openapi.json (relative to the repo root)
// when present, else the vendored lofty/testdata copy.
func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	docOnce.Do(func() {
		raw, err := os.ReadFile("../../../shared/lofty-openapi.json")
		if errors.Is(err, fs.ErrNotExist) {
			raw, err = os.ReadFile("../testdata/lofty-openapi.json")
		}
		if err != nil {
			docErr = err
			return
		}
		doc = &openAPI{}
		docErr = json.Unmarshal(raw, doc)
	})
	if docErr != nil {
		t.Fatal(docErr)
	}
	return doc
}

func (d *openAPI) operation(t *testing.T, path, method string) *struct {
	Responses map[string]struct {
		Content map[string]struct {
			Schema *oaSchema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
} {
	t.Helper()
	op := d.Paths[path][method]
	if op == nil {
		t.Fatalf("no %s %s in the document", method, path)
	}
	return op
}

func (d *openAPI) responseRef(t *testing.T, path, method, status string) string {
	t.Helper()
	for _, c := range d.operation(t, path, method).Responses[status].Content {
		if c.Schema != nil && c.Schema.Ref != "" {
			return strings.TrimPrefix(c.Schema.Ref, "#/components/schemas/")
		}
	}
	t.Fatalf("%s %s %s has no schema reference", method, path, status)
	return ""
}

func (d *openAPI) resolve(s *oaSchema) *oaSchema {
	for s != nil && s.Ref != "" {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	if s != nil && len(s.AllOf) > 0 {
		merged := *s
		merged.Properties = map[string]*oaSchema{}
		for k, v := range s.Properties {
			merged.Properties[k] = v
		}
		for _, part := range s.AllOf {
			for k, v := range d.resolve(part).Properties {
				merged.Properties[k] = v
			}
		}
		if merged.Type == "" {
			merged.Type = "object"
		}
		return &merged
	}
	return s
}

// decodeNumbers decodes body keeping numbers as json.Number.
func decodeNumbers(t *testing.T, body []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, body)
	}
	return v
}

// validate lists the ways v does not conform to s. Objects may carry only
// the schema's properties (unless it allows additional ones).
func (d *openAPI) validate(v any, s *oaSchema, path string) []string {
	s = d.resolve(s)
	if s == nil {
		return []string{path + ": no schema"}
	}
	var out []string
	bad := func(format string, args ...any) { out = append(out, path+": "+fmt.Sprintf(format, args...)) }
	if v == nil {
		if !s.Nullable && s.Type != "" {
			bad("null, but the schema (%s) is not nullable", s.Type)
		}
		return out
	}
	switch s.Type {
	case "":
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			bad("%T %v, want an integer", v, v)
			break
		}
		bits := 64
		if s.Format == "int32" {
			bits = 32
		}
		if _, err := strconv.ParseInt(n.String(), 10, bits); err != nil {
			bad("%s is not an int%d", n, bits)
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			bad("%T %v, want a number", v, v)
		}
	case "string":
		if _, ok := v.(string); !ok {
			bad("%T %v, want a string", v, v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("%T %v, want a boolean", v, v)
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			bad("%T, want an array", v)
			break
		}
		for i, e := range arr {
			if s.Items != nil {
				out = append(out, d.validate(e, s.Items, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("%T, want an object", v)
			break
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p, ok := s.Properties[k]
			if !ok {
				if len(s.AdditionalProperties) > 0 && string(s.AdditionalProperties) != "false" {
					continue
				}
				if s.Properties == nil && len(s.AdditionalProperties) == 0 {
					continue // a free-form object
				}
				bad("property %q is not in the schema", k)
				continue
			}
			out = append(out, d.validate(obj[k], p, path+"."+k)...)
		}
	default:
		bad("unhandled schema type %q", s.Type)
	}
	if len(s.Enum) > 0 && len(out) == 0 {
		found := false
		for _, e := range s.Enum {
			if fmt.Sprint(e) == fmt.Sprint(v) {
				found = true
			}
		}
		if !found {
			bad("%v is not one of %v", v, s.Enum)
		}
	}
	return out
}
