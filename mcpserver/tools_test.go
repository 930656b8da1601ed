package mcpserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

const (
	toolName  = "get_sales_agent_by_lead"
	testKey   = "lk_tools_test_0123456789abcdef0123456789"
	testToken = "at_tools_test_fedcba9876543210fedcba98"
)

var (
	apiKey      = lofty.Credential{Kind: lofty.APIKey, Secret: testKey}
	accessToken = lofty.Credential{Kind: lofty.AccessToken, Secret: testToken}
)

// protocol is one way an MCP client connects.
type protocol struct {
	name string
	opts []client.ClientOption
	want string // the protocol version the connection must end up on
}

var protocols = []protocol{
	{name: "default", want: mcp.LATEST_PROTOCOL_VERSION},
	{name: "2025-11-25", opts: []client.ClientOption{client.WithProtocolVersion(mcp.ProtocolVersion20251125)}, want: mcp.ProtocolVersion20251125},
}

// forEachProtocol runs f once per protocol, as subtests.
func forEachProtocol(t *testing.T, f func(t *testing.T, p protocol)) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) { f(t, p) })
	}
}

// harness is a fake Lofty on loopback, the lofty client, the MCP server
// built by mcpserver.NewServer, and an initialized in-process MCP client.
type harness struct {
	fake   *fakelofty.Fake
	script atomic.Pointer[http.HandlerFunc] // when set, answers every request
	lofty  *lofty.Client
	server *server.MCPServer
	client *client.Client
	init   *mcp.InitializeResult
	output outputSchemas
}

// newHarness builds a harness; cfg's BaseURL is filled in, and a zero
// Timeout becomes 5s.
func newHarness(t *testing.T, p protocol, cfg lofty.Config, opts ...func(*mcpserver.Options)) *harness {
	t.Helper()
	h := &harness{fake: fakelofty.New(nil)}
	h.fake.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		if s := h.script.Load(); s != nil {
			(*s)(w, r)
			return true
		}
		return false
	}
	cfg.BaseURL = h.fake.Start(t)
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	var err error
	if h.lofty, err = lofty.New(cfg); err != nil {
		t.Fatal(err)
	}
	o := mcpserver.Options{Version: "test"}
	for _, f := range opts {
		f(&o)
	}
	if h.server, err = mcpserver.NewServer(h.lofty, o); err != nil {
		t.Fatal(err)
	}
	if h.client, err = client.NewInProcessClientWithOptions(h.server, p.opts...); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := h.client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.client.Close() })
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "tools-test", Version: "0"}
	if h.init, err = h.client.Initialize(ctx, req); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if h.init.ProtocolVersion != p.want {
		t.Fatalf("negotiated protocol %q, want %q", h.init.ProtocolVersion, p.want)
	}
	return h
}

// answerWith makes the fake answer every request with f.
func (h *harness) answerWith(f http.HandlerFunc) { h.script.Store(&f) }

func answer(status int, contentType, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// call calls tool with args given as raw JSON (sent exactly as written); a
// successful result must conform to the tool's outputSchema.
func (h *harness) call(t *testing.T, tool, args string) *mcp.CallToolResult {
	t.Helper()
	res := callTool(t, h.client, tool, args)
	h.output.check(t, h.server, tool, res)
	return res
}

// callTool calls tool through c with args given as raw JSON (sent exactly as
// written); a protocol error fails t.
func callTool(t *testing.T, c *client.Client, tool, args string) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	if args != "" {
		req.Params.Arguments = json.RawMessage(args)
	}
	res, err := c.CallTool(context.Background(), req)
	if err != nil {
		t.Fatalf("tools/call %s %s: %v (want a result, isError or not, never a protocol error)", tool, args, err)
	}
	return res
}

// text is the result's single text block; it fails t when there is not exactly one.
func text(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	if len(res.Content) != 1 {
		t.Fatalf("result has %d content blocks, want 1: %+v", len(res.Content), res.Content)
	}
	tc, ok := mcp.AsTextContent(res.Content[0])
	if !ok {
		t.Fatalf("content block is %T, want text", res.Content[0])
	}
	return tc.Text
}

// errorText asserts res is an isError result and returns its sentence.
func errorText(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	if !res.IsError {
		t.Fatalf("isError = false, want an error result; content %+v", res.Content)
	}
	if res.StructuredContent != nil {
		t.Errorf("an error result carries structuredContent %v", res.StructuredContent)
	}
	s := text(t, res)
	if strings.Contains(s, "&{") || strings.Contains(s, "Got:") {
		t.Errorf("error text shows Go syntax instead of words: %q", s)
	}
	return s
}

func decodeExact(t *testing.T, raw []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, raw)
	}
	return v
}

// rawMessage sends one JSON-RPC message straight to the server (no client
// decoding in between) and returns the response as raw JSON.
func rawMessage(t *testing.T, srv *server.MCPServer, msg string) []byte {
	t.Helper()
	out, err := json.Marshal(srv.HandleMessage(context.Background(), []byte(msg)))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rawResult is the "result" of a raw JSON-RPC exchange.
func rawResult(t *testing.T, srv *server.MCPServer, method, params string) json.RawMessage {
	t.Helper()
	out := rawMessage(t, srv, `{"jsonrpc":"2.0","id":1,"method":"`+method+`","params":`+params+`}`)
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(out, &env); err != nil || len(env.Result) == 0 {
		t.Fatalf("%s: no result in %s", method, out)
	}
	return env.Result
}

// ---- tools/list ----

func TestToolsList(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, p protocol) {
		h := newHarness(t, p, lofty.Config{Credential: apiKey})
		list, err := h.client.ListTools(context.Background(), mcp.ListToolsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		var tool *mcp.Tool
		seen := map[string]bool{}
		for i := range list.Tools {
			name := list.Tools[i].Name
			if seen[name] {
				t.Errorf("tool %s listed twice", name)
			}
			seen[name] = true
			if name == toolName {
				tool = &list.Tools[i]
			}
		}
		if tool == nil {
			t.Fatalf("%s is not listed; got %v", toolName, seen)
		}
		// Its title only re-cases the name: left out, the client shows the name.
		if tool.Title != "" || tool.Description == "" {
			t.Errorf("title %q, description %q", tool.Title, tool.Description)
		}
		// A read-only tool says so, and nothing MCP defines as meaningless
		// for it (destructiveHint, idempotentHint) or as the default
		// (openWorldHint true); its title is the tool's own.
		a := tool.Annotations
		if a.Title != "" || !isTrue(a.ReadOnlyHint) || a.DestructiveHint != nil || a.IdempotentHint != nil || a.OpenWorldHint != nil {
			t.Errorf("annotations = title %q readOnly %v destructive %v idempotent %v openWorld %v; want only readOnlyHint true",
				a.Title, deref(a.ReadOnlyHint), deref(a.DestructiveHint), deref(a.IdempotentHint), deref(a.OpenWorldHint))
		}

		in := tool.InputSchema
		if in.Type != "object" {
			t.Errorf("inputSchema type = %q, want object", in.Type)
		}
		if !reflect.DeepEqual(in.Required, []string{"leadId"}) {
			t.Errorf("inputSchema required = %v, want [leadId]", in.Required)
		}
		if in.AdditionalProperties != false {
			t.Errorf("inputSchema additionalProperties = %v, want false", in.AdditionalProperties)
		}
		if len(in.Properties) != 1 {
			t.Errorf("inputSchema has %d properties, want only leadId", len(in.Properties))
		}
		lead, _ := in.Properties["leadId"].(map[string]any)
		if lead["type"] != "integer" || lead["minimum"] != float64(1) || lead["description"] == "" || lead["description"] == nil {
			t.Errorf("leadId = %v, want type integer, minimum 1 and a description", lead)
		}

		out := tool.OutputSchema
		if out.Type != "object" || len(out.Properties) != 17 {
			t.Errorf("outputSchema: type %q with %d properties, want an object with the 17 Sales Agent fields", out.Type, len(out.Properties))
		}
		// Output properties are described where the name does not say it all.
		for _, name := range []string{"agentName", "followUpRole", "status", "borrowLevel"} {
			if d, _ := out.Properties[name].(map[string]any)["description"].(string); d == "" {
				t.Errorf("outputSchema property %s has no description", name)
			}
		}
	})
}

// TestToolsListRaw checks every listed tool's schemas as the server sends
// them, byte for byte: flat, described, closed, and no $ref anywhere.
func TestToolsListRaw(t *testing.T) {
	h := newHarness(t, protocols[0], lofty.Config{Credential: apiKey})
	raw := rawResult(t, h.server, "tools/list", "{}")
	for _, banned := range []string{`"$ref"`, `"$defs"`, `"$schema"`, `"$id"`, `"definitions"`} {
		if bytes.Contains(raw, []byte(banned)) {
			t.Errorf("tools/list contains %s: %s", banned, raw)
		}
	}
	var list struct {
		Tools []map[string]json.RawMessage `json:"tools"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Tools) == 0 {
		t.Fatal("no tools listed")
	}
	described := map[string]string{} // property name and description -> where first given
	for _, tool := range list.Tools {
		var name string
		_ = json.Unmarshal(tool["name"], &name)
		for _, key := range []string{"inputSchema", "outputSchema"} {
			s, ok := tool[key]
			if !ok {
				t.Errorf("%s: no %s", name, key)
				continue
			}
			var schema map[string]any
			if err := json.Unmarshal(s, &schema); err != nil {
				t.Fatal(err)
			}
			// Inputs refuse unknown arguments; outputs leave additionalProperties
			// out (they describe what we produce, and every byte is context).
			wantAP := any(false)
			if key == "outputSchema" {
				wantAP = nil
			}
			if schema["type"] != "object" || schema["additionalProperties"] != wantAP {
				t.Errorf("%s %s: type %v additionalProperties %v, want object and %v", name, key, schema["type"], schema["additionalProperties"], wantAP)
			}
			// Arguments are all described; results only where the name
			// does not say it all, and each description once.
			if key == "inputSchema" {
				for _, u := range undescribed(schema, name+"."+key) {
					t.Errorf("no description: %s", u)
				}
			} else {
				repeatedDescriptions(t, schema, name+"."+key, described)
			}
		}
	}
}

// repeatedDescriptions fails t for every output property description that
// a property of the same name was already given, in this schema or in an
// earlier one (described).
func repeatedDescriptions(t *testing.T, s map[string]any, path string, described map[string]string) {
	t.Helper()
	props, _ := s["properties"].(map[string]any)
	for name, v := range props {
		p, _ := v.(map[string]any)
		if d, _ := p["description"].(string); d != "" {
			if first, ok := described[name+"\x00"+d]; ok {
				t.Errorf("%s.%s repeats the description %q given at %s", path, name, d, first)
			}
			described[name+"\x00"+d] = path + "." + name
		}
		repeatedDescriptions(t, p, path+"."+name, described)
	}
	if items, ok := s["items"].(map[string]any); ok {
		repeatedDescriptions(t, items, path+"[]", described)
	}
}

func undescribed(s map[string]any, path string) []string {
	var out []string
	props, _ := s["properties"].(map[string]any)
	for name, v := range props {
		p, _ := v.(map[string]any)
		if d, _ := p["description"].(string); d == "" {
			out = append(out, path+"."+name)
		}
		out = append(out, undescribed(p, path+"."+name)...)
	}
	if items, ok := s["items"].(map[string]any); ok {
		out = append(out, undescribed(items, path+"[]")...)
	}
	return out
}

func isTrue(b *bool) bool  { return b != nil && *b }
func isFalse(b *bool) bool { return b != nil && !*b }
func deref(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// TestOutputSchemaMatchesOpenAPI: the declared outputSchema has exactly
// SalesAgentResponseV2's property names and JSON types.
func TestOutputSchemaMatchesOpenAPI(t *testing.T) {
	raw, err := os.ReadFile("../../shared/lofty-openapi.json")
	if errors.Is(err, fs.ErrNotExist) {
		raw, err = os.ReadFile("../lofty/testdata/lofty-openapi.json")
	}
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Type string `json:"type"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for name, p := range doc.Components.Schemas["SalesAgentResponseV2"].Properties {
		want[name] = p.Type
	}

	h := newHarness(t, protocols[0], lofty.Config{Credential: apiKey})
	var list struct {
		Tools []struct {
			Name         string `json:"name"`
			OutputSchema struct {
				Properties map[string]struct {
					Type string `json:"type"`
				} `json:"properties"`
			} `json:"outputSchema"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(rawResult(t, h.server, "tools/list", "{}"), &list); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tool := range list.Tools {
		if tool.Name == toolName {
			for name, p := range tool.OutputSchema.Properties {
				got[name] = p.Type
			}
		}
	}
	if len(want) != 17 || !reflect.DeepEqual(got, want) {
		t.Errorf("outputSchema properties\n%v\nwant SalesAgentResponseV2's\n%v", got, want)
	}
}

// ---- a successful call ----

// seededAgent is the fake's answer for lead id, as exact JSON.
func seededAgent(t *testing.T, id int64) any {
	t.Helper()
	raw, err := json.Marshal(fakelofty.Demo().Leads[id].SalesAgent)
	if err != nil {
		t.Fatal(err)
	}
	return decodeExact(t, raw)
}

func TestCallSuccess(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, p protocol) {
		h := newHarness(t, p, lofty.Config{Credential: apiKey, UserAgent: "lofty-mcp/test"})
		for _, id := range []int64{fakelofty.DemoLeadWithAgent, fakelofty.DemoLeadBeyond53Bits, fakelofty.DemoLeadMaxInt64} {
			t.Run(strconv.FormatInt(id, 10), func(t *testing.T) {
				res := h.call(t, toolName, fmt.Sprintf(`{"leadId": %d}`, id))
				if res.IsError {
					t.Fatalf("isError: %s", text(t, res))
				}
				body := text(t, res)
				want := seededAgent(t, id)
				if got := decodeExact(t, []byte(body)); !reflect.DeepEqual(got, want) {
					t.Errorf("text block\n%s\nwant the fake's answer exactly\n%v", body, want)
				}
				// structuredContent: the same object under Lofty's field names.
				// mcp-go's client decodes it through float64, so compare with the
				// text decoded the same way; exactness is checked on raw JSON below.
				var plain any
				_ = json.Unmarshal([]byte(body), &plain)
				if !reflect.DeepEqual(res.StructuredContent, plain) {
					t.Errorf("structuredContent\n%v\ndiffers from the text block\n%v", res.StructuredContent, plain)
				}
				sc, _ := res.StructuredContent.(map[string]any)
				for _, name := range []string{"id", "userId", "agentName", "assistantName", "virtualNumber", "followUpRole", "hasQuotaSeat", "borrowId"} {
					if _, ok := sc[name]; !ok {
						t.Errorf("structuredContent lacks Lofty's field %q", name)
					}
				}
			})
		}
		reqs := h.fake.Requests()
		if len(reqs) != 3 || reqs[0].Authorization != "token "+testKey || reqs[0].UserAgent != "lofty-mcp/test" {
			t.Errorf("fake saw %+v", reqs)
		}
	})
}

// TestCallResultRawJSONExact: structuredContent as the server sends it keeps
// 64-bit IDs exact and equals the text block.
func TestCallResultRawJSONExact(t *testing.T) {
	h := newHarness(t, protocols[1], lofty.Config{Credential: apiKey})
	raw := rawResult(t, h.server, "tools/call", `{"name":"`+toolName+`","arguments":{"leadId":9007199254740993}}`)
	var res struct {
		IsError bool `json:"isError"`
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
		StructuredContent json.RawMessage `json:"structuredContent"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	if res.IsError || len(res.Content) != 1 || res.Content[0].Type != "text" {
		t.Fatalf("result %s", raw)
	}
	structured := decodeExact(t, res.StructuredContent)
	if !reflect.DeepEqual(structured, decodeExact(t, []byte(res.Content[0].Text))) {
		t.Errorf("structuredContent %s differs from text %s", res.StructuredContent, res.Content[0].Text)
	}
	if !reflect.DeepEqual(structured, seededAgent(t, fakelofty.DemoLeadBeyond53Bits)) {
		t.Errorf("structuredContent %s is not the fake's answer", res.StructuredContent)
	}
	m := structured.(map[string]any)
	if m["id"] != json.Number("9007199254740995") || m["userId"] != json.Number("9007199254740997") {
		t.Errorf("64-bit IDs not exact: id %v userId %v", m["id"], m["userId"])
	}
}

// TestCallPartialAnswer: a Lofty answer with fields missing and extra ones
// still conforms to the output schema (h.call validates it) and omits the
// missing fields rather than inventing zeros.
func TestCallPartialAnswer(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, p protocol) {
		h := newHarness(t, p, lofty.Config{Credential: apiKey})
		h.answerWith(answer(200, "application/json", `{"id": 9223372036854775807, "assistantName": "Ava", "somethingNew": [1, 2]}`))
		res := h.call(t, toolName, `{"leadId": 5}`)
		if res.IsError {
			t.Fatalf("isError: %s", text(t, res))
		}
		got := decodeExact(t, []byte(text(t, res)))
		want := map[string]any{"id": json.Number("9223372036854775807"), "assistantName": "Ava"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}

// ---- error paths ----

func TestErrorPaths(t *testing.T) {
	lead := fakelofty.DemoLeadWithAgent
	leadArgs := fmt.Sprintf(`{"leadId": %d}`, lead)
	leadName := fmt.Sprintf("lead %d", lead)
	cases := []struct {
		name    string
		cred    lofty.Credential
		timeout time.Duration
		script  http.HandlerFunc // nil: the fake's own seeded answer
		args    string
		want    []string
		notWant []string
	}{
		{name: "404 seeded lead without agent", cred: apiKey, args: fmt.Sprintf(`{"leadId": %d}`, fakelofty.DemoLeadWithoutAgent),
			want: []string{fmt.Sprintf("Lead %d has no AI sales agent", fakelofty.DemoLeadWithoutAgent), "HTTP 404", "Sales Agent not found for the lead."}},
		{name: "404 scripted", cred: apiKey, script: answer(404, "application/json", "Sales Agent not found for the lead."),
			want: []string{fmt.Sprintf("Lead %d has no AI sales agent", lead), "HTTP 404"}},
		{name: "401 API key", cred: apiKey, script: answer(401, "text/plain", "Missing or invalid authentication token."),
			want:    []string{"refused the credentials", "LOFTY_API_KEY", "HTTP 401", "Missing or invalid authentication token."},
			notWant: []string{"LOFTY_ACCESS_TOKEN"}},
		{name: "401 access token", cred: accessToken, script: answer(401, "text/plain", "Missing or invalid authentication token."),
			want:    []string{"refused the credentials", "LOFTY_ACCESS_TOKEN", "HTTP 401"},
			notWant: []string{"LOFTY_API_KEY"}},
		{name: "403 seeded forbidden lead", cred: apiKey, args: fmt.Sprintf(`{"leadId": %d}`, fakelofty.DemoLeadForbidden),
			want: []string{fmt.Sprintf("no access to lead %d", fakelofty.DemoLeadForbidden), "LOFTY_API_KEY", "HTTP 403", "Caller does not have access to this lead."}},
		{name: "400", cred: apiKey, script: answer(400, "application/json", `{"code":100002,"message":"Invalid lead ID parameter."}`),
			want: []string{"rejected the request for " + leadName, "HTTP 400", "code 100002", "Invalid lead ID parameter."}},
		{name: "400 code 200058 API key", cred: apiKey, script: answer(400, "application/json", `{"code":200058,"message":"Invalid access token"}`),
			want: []string{"credential format", "LOFTY_API_KEY", "LOFTY_ACCESS_TOKEN", "code 200058", "check LOFTY_API_KEY"}},
		{name: "400 code 200058 access token", cred: accessToken, script: answer(400, "application/json", `{"code":"200058","message":"Invalid access token"}`),
			want: []string{"credential format", "check LOFTY_ACCESS_TOKEN", "code 200058"}},
		{name: "429 Retry-After", cred: apiKey, script: answer(429, "application/json", `{"message":"Too Many Requests"}`, "Retry-After", "30"),
			want: []string{"rate limit", "Retry after 30 seconds", "HTTP 429", "Too Many Requests"}},
		{name: "429 Retry-After 1", cred: apiKey, script: answer(429, "application/json", `{"message":"Too Many Requests"}`, "Retry-After", "1"),
			want: []string{"Retry after 1 second."}},
		{name: "429 X-RateLimit-Reset", cred: apiKey, script: func(w http.ResponseWriter, r *http.Request) {
			answer(429, "application/json", `{"message":"Too Many Requests"}`,
				"X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(45*time.Second).Unix(), 10))(w, r)
		}, want: []string{"rate limit", "Retry after ", " seconds."}},
		{name: "429 no hint", cred: apiKey, script: answer(429, "application/json", `{"message":"Too Many Requests"}`),
			want: []string{"rate limit", "about a minute"}},
		{name: "500", cred: apiKey, script: answer(500, "application/json", "Internal server error."),
			want: []string{"unavailable", "Try again", "HTTP 500"}},
		{name: "502 HTML", cred: apiKey, script: answer(502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"),
			want: []string{"unavailable", "Try again", "HTTP 502"}, notWant: []string{"<html", "<h1>"}},
		{name: "503", cred: apiKey, script: answer(503, "text/plain", "Service Unavailable"),
			want: []string{"unavailable", "Try again", "HTTP 503"}},
		{name: "timeout", cred: apiKey, timeout: 100 * time.Millisecond, script: func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}, want: []string{"unavailable", "Try again", "100ms"}},
		{name: "malformed 200", cred: apiKey, script: answer(200, "application/json", `{"id": 1, "agentName": `),
			want: []string{"could not read"}},
		{name: "empty 200", cred: apiKey, script: answer(200, "application/json", ""),
			want: []string{"could not read", "empty response body"}},
		{name: "no credentials", args: leadArgs,
			want: []string{"No Lofty credentials", "LOFTY_API_KEY", "LOFTY_ACCESS_TOKEN", "--demo"}},
	}
	forEachProtocol(t, func(t *testing.T, p protocol) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				h := newHarness(t, p, lofty.Config{Credential: tc.cred, Timeout: tc.timeout})
				if tc.script != nil {
					h.answerWith(tc.script)
				}
				args := tc.args
				if args == "" {
					args = leadArgs
				}
				msg := errorText(t, h.call(t, toolName, args))
				for _, w := range tc.want {
					if !strings.Contains(msg, w) {
						t.Errorf("error text %q does not contain %q", msg, w)
					}
				}
				for _, w := range tc.notWant {
					if strings.Contains(msg, w) {
						t.Errorf("error text %q contains %q", msg, w)
					}
				}
				if tc.cred.IsZero() && h.fake.RequestCount() != 0 {
					t.Errorf("fake saw %d requests without credentials", h.fake.RequestCount())
				}
			})
		}
	})
}

// TestCredentialNeverInToolResults: even when Lofty echoes the credential
// back, the model never sees it.
func TestCredentialNeverInToolResults(t *testing.T) {
	for _, cred := range []lofty.Credential{apiKey, accessToken} {
		for _, status := range []int{400, 401, 403, 404, 429, 500} {
			t.Run(fmt.Sprintf("%v/%d", cred, status), func(t *testing.T) {
				h := newHarness(t, protocols[1], lofty.Config{Credential: cred})
				h.answerWith(func(w http.ResponseWriter, r *http.Request) {
					auth := r.Header.Get("Authorization")
					answer(status, "application/json", `{"code":"`+auth+`","message":"you sent `+auth+`"}`)(w, r)
				})
				msg := errorText(t, h.call(t, toolName, `{"leadId": 1}`))
				if strings.Contains(msg, cred.Secret) {
					t.Errorf("error text contains the credential: %s", msg)
				}
			})
		}
	}
}

func TestConcurrentCalls(t *testing.T) {
	h := newHarness(t, protocols[0], lofty.Config{Credential: apiKey})
	ids := []int64{fakelofty.DemoLeadWithAgent, fakelofty.DemoLeadWithoutAgent, fakelofty.DemoLeadBeyond53Bits, fakelofty.DemoLeadForbidden}
	var wg sync.WaitGroup
	results := make([]*mcp.CallToolResult, 40)
	errs := make([]error, 40)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := mcp.CallToolRequest{}
			req.Params.Name = toolName
			req.Params.Arguments = json.RawMessage(fmt.Sprintf(`{"leadId": %d}`, ids[i%len(ids)]))
			results[i], errs[i] = h.client.CallTool(context.Background(), req)
		}()
	}
	wg.Wait()
	for i, res := range results {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		h.output.check(t, h.server, toolName, res)
		wantErr := ids[i%len(ids)] == fakelofty.DemoLeadWithoutAgent || ids[i%len(ids)] == fakelofty.DemoLeadForbidden
		if res.IsError != wantErr {
			t.Errorf("call %d (lead %d): isError %v, want %v", i, ids[i%len(ids)], res.IsError, wantErr)
		}
	}
	// Identical reads in flight together share a request.
	if n := h.fake.RequestCount(); n < len(ids) || n > 40 {
		t.Errorf("fake saw %d requests, want from %d (one per lead) to 40", n, len(ids))
	}
}

func TestUnknownTool(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, p protocol) {
		h := newHarness(t, p, lofty.Config{Credential: apiKey})
		req := mcp.CallToolRequest{}
		req.Params.Name = "no_such_tool"
		req.Params.Arguments = json.RawMessage(`{}`)
		res, err := h.client.CallTool(context.Background(), req)
		if err == nil && (res == nil || !res.IsError) {
			t.Errorf("calling an unknown tool succeeded: %+v", res)
		}
		if h.fake.RequestCount() != 0 {
			t.Error("an unknown tool reached Lofty")
		}
	})
}

// ---- server options ----

func TestServerOptions(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, p protocol) {
		h := newHarness(t, p, lofty.Config{Credential: apiKey})
		if h.init.ServerInfo.Name != "lofty-mcp" || h.init.ServerInfo.Version != "test" {
			t.Errorf("serverInfo = %+v, want lofty-mcp test", h.init.ServerInfo)
		}
		if h.init.Instructions != mcpserver.DefaultInstructions {
			t.Errorf("instructions = %q, want the default", h.init.Instructions)
		}
		if h.init.Capabilities.Tools == nil {
			t.Error("the tools capability is not declared")
		}

		custom := newHarness(t, p, lofty.Config{Credential: apiKey}, func(o *mcpserver.Options) {
			o.Name = "custom"
			o.Instructions = "DEMO MODE: sample data."
			o.Tools = []tools.Tool{tools.GetSalesAgentByLead}
		})
		if custom.init.ServerInfo.Name != "custom" || custom.init.Instructions != "DEMO MODE: sample data." {
			t.Errorf("custom server: %+v %q", custom.init.ServerInfo, custom.init.Instructions)
		}
		list, err := custom.client.ListTools(context.Background(), mcp.ListToolsRequest{})
		if err != nil || len(list.Tools) != 1 || list.Tools[0].Name != toolName {
			t.Errorf("Options.Tools: listed %+v, %v", list, err)
		}
	})
}

func TestNewServerRejectsDuplicates(t *testing.T) {
	c, _ := lofty.New(lofty.Config{})
	_, err := mcpserver.NewServer(c, mcpserver.Options{Tools: []tools.Tool{tools.GetSalesAgentByLead, tools.GetSalesAgentByLead}})
	if err == nil || !strings.Contains(err.Error(), toolName) {
		t.Errorf("duplicate tool: err = %v, want one naming %s", err, toolName)
	}
}

// ---- ErrorText, the one place errors become sentences ----

func TestErrorText(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"not a Lofty error", errors.New("boom"), []string{"The Lofty request failed: boom"}},
		{"404 without a tool sentence", &lofty.Error{Kind: lofty.KindNotFound, Status: 404}, []string{"Lofty found nothing for lead 7.", "(HTTP 404)"}},
		{"wrapped", fmt.Errorf("ctx: %w", &lofty.Error{Kind: lofty.KindForbidden, Status: 403, Credential: "X-Lofty-Api-Key header"}),
			[]string{"(X-Lofty-Api-Key header) have no access to lead 7."}},
		{"retry rounds up", &lofty.Error{Kind: lofty.KindRateLimited, Status: 429, RetryAfter: 1500 * time.Millisecond}, []string{"Retry after 2 seconds."}},
		{"unknown status", &lofty.Error{Kind: lofty.KindUnknown, Status: 418, Message: "teapot"}, []string{"The Lofty request failed.", "(HTTP 418: teapot)"}},
		{"code only", &lofty.Error{Kind: lofty.KindBadRequest, Status: 400, Code: "9"}, []string{"(HTTP 400, code 9)"}},
		{"bad request without subject", &lofty.Error{Kind: lofty.KindBadRequest, Status: 400}, []string{"Lofty rejected the request. Check the arguments."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			subject := "lead 7"
			if tc.name == "bad request without subject" {
				subject = ""
			}
			got := tools.ErrorText(tc.err, subject, "")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("ErrorText = %q, want it to contain %q", got, w)
				}
			}
		})
	}
}
