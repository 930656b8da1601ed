// Package bench holds Go benchmarks of lofty-mcp's hot paths; the load
// driver that measures the real binary is ./driver.
package bench

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/schema"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

var callLine = []byte(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_sales_agent_by_lead","arguments":{"leadId":` +
	strconv.FormatInt(fakelofty.DemoLeadWithAgent, 10) + `}}}`)

// newServer is the MCP server over a Lofty client answered in-process by
// fake, with resilience r (the zero value: every call reaches the fake).
func newServer(b *testing.B, fake *fakelofty.Fake, r lofty.Resilience) *server.MCPServer {
	s, err := mcpserver.NewServer(newClientWith(b, fake, r), mcpserver.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func newClientWith(b *testing.B, fake *fakelofty.Fake, r lofty.Resilience) *lofty.Client {
	c, err := lofty.New(lofty.Config{
		BaseURL:    "http://fake.lofty.invalid",
		Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "bench"},
		HTTPClient: fake.Client(),
		Resilience: r,
	})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkToolCall is one tools/call through the MCP server, the adapter
// and the Lofty client, with the fake Lofty answering in-process (no
// network): the server's own overhead per call.
func BenchmarkToolCall(b *testing.B) {
	s := newServer(b, fakelofty.New(nil), lofty.Resilience{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		resp := s.HandleMessage(ctx, callLine)
		if _, ok := resp.(mcp.JSONRPCResponse); !ok {
			b.Fatalf("unexpected response %#v", resp)
		}
	}
}

// BenchmarkToolCallCacheHit is a tools/call answered from the Lofty
// client's cache (the product defaults): the fake sees one request in all.
func BenchmarkToolCallCacheHit(b *testing.B) {
	fake := fakelofty.New(nil)
	r := lofty.DefaultResilience()
	r.RateLimit = 0
	s := newServer(b, fake, r)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := s.HandleMessage(ctx, callLine).(mcp.JSONRPCResponse); !ok {
			b.Fatal("unexpected response")
		}
	}
	if n := fake.RequestCount(); n != 1 {
		b.Fatalf("fake saw %d requests, want 1 (cache hits)", n)
	}
}

// BenchmarkCacheHit is a Lofty client read answered from its cache.
func BenchmarkCacheHit(b *testing.B) {
	fake := fakelofty.New(nil)
	r := lofty.DefaultResilience()
	r.RateLimit = 0
	c := newClientWith(b, fake, r)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.SalesAgentByLead(ctx, fakelofty.DemoLeadWithAgent); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkToolCallEncoded adds the JSON encoding of the response, as a
// transport writes it.
func BenchmarkToolCallEncoded(b *testing.B) {
	s := newServer(b, fakelofty.New(nil), lofty.Resilience{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		out, err := json.Marshal(s.HandleMessage(ctx, callLine))
		if err != nil || !strings.Contains(string(out), "structuredContent") {
			b.Fatalf("bad response %s %v", out, err)
		}
	}
}

// BenchmarkSchemaReflection reflects the input and output schemas of the
// first tool (what `go generate` does, and a start would without the
// precomputed schemas).
func BenchmarkSchemaReflection(b *testing.B) {
	stop := schema.Record() // reflect, not look up
	defer stop()
	benchmarkSchemas(b)
}

// BenchmarkSchemaPrecomputed is BenchmarkSchemaReflection as a start does
// it: from the schemas `go generate` compiled in.
func BenchmarkSchemaPrecomputed(b *testing.B) { benchmarkSchemas(b) }

func benchmarkSchemas(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := schema.Of[tools.GetSalesAgentByLeadInput](); err != nil {
			b.Fatal(err)
		}
		if _, err := schema.OutputOf[lofty.SalesAgent](); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResultEncoding encodes a Sales Agent result as the adapter does.
func BenchmarkResultEncoding(b *testing.B) {
	id, user := int64(12345), int64(67890)
	seat := true
	agent := lofty.SalesAgent{ID: &id, UserID: &user, AgentName: "John Doe", AssistantName: "John's AI Assistant",
		Email: "a@example.com", Status: "ACTIVE", HasQuotaSeat: &seat, FollowUpRole: "buyer_agent"}
	b.ReportAllocs()
	for b.Loop() {
		body, err := json.Marshal(agent)
		if err != nil {
			b.Fatal(err)
		}
		res := mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent(string(body))}, StructuredContent: json.RawMessage(body)}
		if _, err := json.Marshal(res); err != nil {
			b.Fatal(err)
		}
	}
}
