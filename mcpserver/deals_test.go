package mcpserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/contract"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// aiDelay is how long the fake's AI takes in the generation tests: 6 s,
// or LOFTY_TEST_AI_DELAY (e.g. 20s, to measure as BENCHMARKS.md reports).
func aiDelay(t *testing.T) time.Duration {
	d := 6 * time.Second
	if s := os.Getenv("LOFTY_TEST_AI_DELAY"); s != "" {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			t.Fatalf("LOFTY_TEST_AI_DELAY: %v", err)
		}
	}
	return d
}

// aiServer is a server with every toolset (writes confirmed by no one: the
// session cannot ask) on a fake whose AI takes delay, with a call timeout.
func aiServer(t *testing.T, delay, callTimeout time.Duration) (*lk, *progressSession) {
	t.Helper()
	f := fakelofty.New(nil)
	contract.Check(t, f)
	f.AIDelay = delay
	res := lofty.DefaultResilience()
	res.RateLimit, res.CallTimeout = 0, callTimeout
	h := newLKWith(t, f, lofty.Config{Timeout: 2 * time.Second, Resilience: res,
		Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "ai-key"}},
		mcpserver.Options{Toolsets: []string{tools.AllToolsets}, ConfirmWrites: "never"})
	return h, &progressSession{ch: make(chan mcp.JSONRPCNotification, 100)}
}

// callWithProgress calls tool with a progress token on sess and returns
// the result's text, whether it is an error, the progress messages sent
// and how long it took.
func callWithProgress(t *testing.T, h *lk, sess *progressSession, id int, tool, args string) (string, bool, []string, time.Duration) {
	t.Helper()
	msg := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":%s,"_meta":{"progressToken":%d}}}`,
		id, tool, args, id)
	start := time.Now()
	out := h.server.HandleMessage(h.server.WithContext(context.Background(), sess), []byte(msg))
	took := time.Since(start)
	raw, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Result mcp.CallToolResult `json:"result"`
	}
	if err := json.Unmarshal(raw, &resp); err != nil || len(resp.Result.Content) == 0 {
		t.Fatalf("%s: %s (%v)", tool, raw, err)
	}
	var messages []string
	for _, n := range sess.drain() {
		if p, ok := n.Params.AdditionalFields["message"].(string); ok {
			messages = append(messages, p)
		}
	}
	return resp.Result.Content[0].(mcp.TextContent).Text, resp.Result.IsError, messages, took
}

// TestGenerationReportsProgress: a call script the AI takes long over
// arrives (it outlasts --timeout, within --call-timeout), and the caller
// hears every few seconds that it is being written.
func TestGenerationReportsProgress(t *testing.T) {
	delay := aiDelay(t)
	h, sess := aiServer(t, delay, delay+10*time.Second)
	text, isErr, progress, took := callWithProgress(t, h, sess, 1, "ask_lofty_ai", `{"leadId":563172647619608,"taskId":860001}`)
	if isErr || !strings.Contains(text, `"points":["Objectives: `) {
		t.Fatalf("call script: %s", text)
	}
	want := 1 + int(delay/(5*time.Second)) // at the start, then every 5 s
	if took < delay || len(progress) < want || !strings.HasPrefix(progress[0], "Lofty's AI is writing the call script") {
		t.Errorf("after %s, %d progress notifications %q; want the AI's %s and at least %d", took, len(progress), progress, delay, want)
	}
	t.Logf("call script from an AI that takes %s: %s wall time, %d progress notifications: %q", delay, took.Round(time.Millisecond), len(progress), progress)
}

// TestLongSummaryNeitherBlocksNorIsLost: a summary asked for with
// start_lofty_ai that the AI takes longer over than a call may last is
// answered pending by ask_lofty_ai before the deadline, with how to fetch
// it; fetched once made, it is there.
func TestLongSummaryNeitherBlocksNorIsLost(t *testing.T) {
	delay := aiDelay(t)
	callTimeout := delay / 2
	h, sess := aiServer(t, delay, callTimeout)
	asked := time.Now()
	text, isErr, _, _ := callWithProgress(t, h, sess, 1, "start_lofty_ai", `{"leadId":563172647619608,"callId":820002}`)
	if isErr || !strings.Contains(text, `"status":"done"`) || !strings.Contains(text, "ask_lofty_ai with callId 820002") {
		t.Fatalf("summary asked for: %s", text)
	}
	text, isErr, progress, took := callWithProgress(t, h, sess, 2, "ask_lofty_ai", `{"callId":820002}`)
	if isErr || !strings.Contains(text, `"state":"processing"`) || !strings.Contains(text, "ask_lofty_ai with callId 820002") {
		t.Fatalf("summary read while made: %s", text)
	}
	if took > callTimeout {
		t.Errorf("answered after %s, past the call timeout of %s", took, callTimeout)
	}
	if len(progress) == 0 || !strings.Contains(progress[0], "Lofty's AI is summarising the call") {
		t.Errorf("progress %q: want the summary's state while waiting", progress)
	}
	t.Logf("summary from an AI that takes %s, --call-timeout %s: answered pending after %s with %d progress notifications",
		delay, callTimeout, took.Round(time.Millisecond), len(progress))

	time.Sleep(time.Until(asked.Add(delay)))
	text, isErr, _, took = callWithProgress(t, h, sess, 3, "ask_lofty_ai", `{"callId":820002}`)
	if isErr || !strings.Contains(text, `"state":"finished"`) || !strings.Contains(text, "Jane called back with her pre-approval letter") {
		t.Errorf("the summary once made: %s", text)
	}
	t.Logf("fetched when made: %s", took.Round(time.Millisecond))
}

// TestListingSearchIsServedReadOnly: the listing search, a POST, is
// annotated read-only and served under --read-only, where the writes of
// its neighbours are not.
func TestListingSearchIsServedReadOnly(t *testing.T) {
	h := newLK(t, mcpserver.Options{Toolsets: []string{tools.AllToolsets}, ReadOnly: true})
	list, err := h.client.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]mcp.Tool{}
	for _, tl := range list.Tools {
		served[tl.Name] = tl
	}
	for _, name := range []string{"search_listings", "list_transactions", "ask_lofty_ai"} {
		if tl, ok := served[name]; !ok || !isTrue(tl.Annotations.ReadOnlyHint) {
			t.Errorf("%s under --read-only: served %v, annotations %+v; want served read-only", name, ok, tl.Annotations)
		}
	}
	for _, name := range []string{"save_transaction", "start_lofty_ai"} {
		if _, ok := served[name]; ok {
			t.Errorf("%s served under --read-only", name)
		}
	}
	var res tools.ListingResults
	h.ok(t, "search_listings", `{"locations":["78704"],"bedsMin":3}`, &res)
	if len(res.Listings) == 0 {
		t.Errorf("search under --read-only: %+v", res)
	}
}

// TestDealsListingsAIShareOfToolsList holds the shares of the
// every-toolset tools/list that the deals, deal_actions, listings and ai
// toolsets were given, and ai_actions after them: the 45,000 bytes are
// shared by every area.
func TestDealsListingsAIShareOfToolsList(t *testing.T) {
	all, err := mcpserver.ToolsListResult(tools.All())
	if err != nil {
		t.Fatal(err)
	}
	for _, share := range []struct {
		toolsets []string
		bytes    int
	}{
		{[]string{tools.ToolsetDeals, tools.ToolsetDealActions, tools.ToolsetListings, tools.ToolsetAI}, 5000},
		{[]string{tools.ToolsetAIActions}, 450},
	} {
		var rest []tools.Tool
		for _, tl := range tools.All() {
			if !slices.Contains(share.toolsets, tl.Info().Toolset) {
				rest = append(rest, tl)
			}
		}
		without, err := mcpserver.ToolsListResult(rest)
		if err != nil {
			t.Fatal(err)
		}
		n := len(all) - len(without)
		t.Logf("%s: %d bytes of the every-toolset tools/list (share %d)", strings.Join(share.toolsets, ", "), n, share.bytes)
		if n > share.bytes {
			t.Errorf("%s take %d bytes of tools/list, over their share of %d", strings.Join(share.toolsets, ", "), n, share.bytes)
		}
	}
}
