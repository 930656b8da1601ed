package mcpserver_test

// What the assistant and the person see while it works: prompts,
// completions, progress, instructions, cache hints and a stable tools/list.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/jsonrpc"
	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// ---- prompts ----

// promptText is the text of prompts/get name with args (JSON), or the
// JSON-RPC error's message (failed).
func promptText(t *testing.T, srv *server.MCPServer, name, args string) (text string, failed bool) {
	t.Helper()
	out := rawMessage(t, srv, `{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"`+name+`","arguments":`+args+`}}`)
	var env struct {
		Result *struct {
			Messages []struct {
				Role    mcp.Role `json:"role"`
				Content struct {
					Type string `json:"type"`
					Text string `json:"text"`
				} `json:"content"`
			} `json:"messages"`
		} `json:"result"`
		Error *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(out, &env); err != nil {
		t.Fatalf("prompts/get %s: %v in %s", name, err, out)
	}
	if env.Error != nil {
		return env.Error.Message, true
	}
	var b strings.Builder
	for _, m := range env.Result.Messages {
		if m.Role != mcp.RoleUser || m.Content.Type != "text" {
			t.Errorf("%s: a message of role %q and type %q, want user text", name, m.Role, m.Content.Type)
		}
		b.WriteString(m.Content.Text)
	}
	return b.String(), false
}

// toolsNamed returns the tool names (of every tool lofty-mcp has) that text
// mentions as words.
func toolsNamed(text string) []string {
	var out []string
	for _, tl := range tools.All() {
		name := tl.Info().Name
		if regexp.MustCompile(`\b` + name + `\b`).MatchString(text) {
			out = append(out, name)
		}
	}
	return out
}

// TestPromptsNameOnlyServedTools: for each selection of toolsets (and
// --tools, --read-only), each prompt's messages name only tools that the
// server serves, name the tools of its workflow that are served, and say
// which toolsets would serve the rest.
func TestPromptsNameOnlyServedTools(t *testing.T) {
	selections := []struct {
		name string
		o    mcpserver.Options
	}{
		{"default", mcpserver.Options{}},
		{"leads", mcpserver.Options{Toolsets: []string{"leads"}}},
		{"sales_agents", mcpserver.Options{Toolsets: []string{"sales_agents"}}},
		{"all", mcpserver.Options{Toolsets: []string{"all"}}},
		{"all read-only", mcpserver.Options{Toolsets: []string{"all"}, ReadOnly: true}},
		{"sales_agent_actions only", mcpserver.Options{Toolsets: []string{"sales_agent_actions"}}},
		{"leads and lead_actions", mcpserver.Options{Toolsets: []string{"leads", "lead_actions"}}},
		{"two tools", mcpserver.Options{AllowTools: []string{"find_leads", "get_sales_agent_by_lead"}}},
		{"leads and messages", mcpserver.Options{Toolsets: []string{"leads", "messages"}}},
	}
	workflow := map[string][]string{
		"lead_briefing":      {"find_leads", "get_lead", "get_lead_timeline", "get_sales_agent_by_lead", "check_working_lead", "get_lead_mute_status", "list_plan_tasks_for_lead"},
		"sales_agent_review": {"get_sales_agent_quota", "list_working_leads", "list_plan_tasks_for_lead"},
		"take_over_lead":     {"find_leads", "get_lead", "get_lead_mute_status", "mute_sales_agent_for_lead", "add_lead_note"},
		"plan_my_day":        {"get_my_day", "list_tasks", "find_free_times", "update_task", "create_task"},
		"hand_off_lead":      {"find_leads", "get_lead", "get_team_members", "assign_lead"},
		"pipeline_review":    {"get_team_lists", "find_leads"},
		"follow_up_lead":     {"find_leads", "get_lead", "send_message_to_lead"},
	}
	promptArgs := map[string][]string{
		"hand_off_lead": {`{"lead":"Jane","to":"maria.garcia@example.com"}`,
			`{"lead":"563172647619608","to":"maria.garcia@example.com","role":"Lender"}`},
		"pipeline_review": {`{"stage":"Active"}`, `{"stage":"Active","agent":"john.doe@example.com","tag":"Buyer"}`},
	}
	for _, sel := range selections {
		t.Run(sel.name, func(t *testing.T) {
			srv, err := mcpserver.NewServer(nil, sel.o)
			if err != nil {
				t.Fatal(err)
			}
			served := map[string]bool{}
			var list struct {
				Tools []mcp.Tool `json:"tools"`
			}
			if err := json.Unmarshal(rawResult(t, srv, "tools/list", `{}`), &list); err != nil {
				t.Fatal(err)
			}
			for _, tl := range list.Tools {
				served[tl.Name] = true
			}
			var prompts struct {
				Prompts []mcp.Prompt `json:"prompts"`
			}
			if err := json.Unmarshal(rawResult(t, srv, "prompts/list", `{}`), &prompts); err != nil {
				t.Fatal(err)
			}
			if len(prompts.Prompts) != len(workflow) {
				t.Fatalf("prompts/list has %d prompts, want %d", len(prompts.Prompts), len(workflow))
			}
			for _, p := range prompts.Prompts {
				args := []string{`{}`}
				switch {
				case promptArgs[p.Name] != nil:
					args = promptArgs[p.Name]
				case slices.ContainsFunc(p.Arguments, func(a mcp.PromptArgument) bool { return a.Name == "lead" }):
					args = []string{`{"lead":"Jane"}`, `{"lead":"563172647619608"}`}
				}
				for _, a := range args {
					text, failed := promptText(t, srv, p.Name, a)
					if failed {
						t.Fatalf("%s %s: %s", p.Name, a, text)
					}
					named := toolsNamed(text)
					for _, n := range named {
						if !served[n] {
							t.Errorf("%s %s names %s, which this server does not serve:\n%s", p.Name, a, n, text)
						}
					}
					missingSets := map[string]bool{}
					for _, n := range workflow[p.Name] {
						if served[n] {
							// A lead ID needs no search.
							if !slices.Contains(named, n) && !(n == "find_leads" && strings.Contains(a, "5631")) {
								t.Errorf("%s %s does not name %s, which is served:\n%s", p.Name, a, n, text)
							}
						} else {
							missingSets[toolsetOf(t, n)] = true
						}
					}
					for ts := range missingSets {
						if ts == "leads" && (served["find_leads"] || served["get_lead"]) {
							continue // one of the two finds the lead
						}
						if !strings.Contains(text, ts) {
							t.Errorf("%s %s: %s is not served and the text does not name its toolset %s:\n%s", p.Name, a, strings.Join(workflow[p.Name], ","), ts, text)
						}
					}
					if p.Name == "take_over_lead" && sel.o.ReadOnly && !strings.Contains(text, "--read-only") {
						t.Errorf("take_over_lead under --read-only does not say so:\n%s", text)
					}
					if p.Name == "take_over_lead" && served["mute_sales_agent_for_lead"] && !strings.Contains(text, "confirm") {
						t.Errorf("take_over_lead does not say the person confirms each change:\n%s", text)
					}
				}
			}
		})
	}
}

func toolsetOf(t *testing.T, name string) string {
	for _, tl := range tools.All() {
		if tl.Info().Name == name {
			return tl.Info().Toolset
		}
	}
	t.Fatalf("no tool %s", name)
	return ""
}

// stageArgs is a prompt argument with an enum, for the enum paths (no
// prompt of lofty-mcp has one yet).
type stageArgs struct {
	Stage string `json:"stage" jsonschema:"enum=HIGH_PRIORITY,enum=AI_PROSPECTING,enum=AI_MONITORING,description=AI stage"`
	Note  string `json:"note,omitempty" jsonschema:"description=Anything to add"`
}

var stagePrompt = tools.PromptSpec[stageArgs]{
	Name: "stage_test", Title: "Stage", Description: "A test prompt with an enum argument.",
	Text: func(in stageArgs, _ tools.Served) string { return "stage=" + in.Stage + " note=" + in.Note },
}

// TestPromptArguments: prompts/list describes every argument and says
// which are required; prompts/get refuses a missing required argument, an
// unknown one, an over-long one and a value outside an enum, each naming
// what is expected; an enum value is read in any case.
func TestPromptArguments(t *testing.T) {
	srv, err := mcpserver.NewServer(nil, mcpserver.Options{Prompts: append(tools.Prompts(), stagePrompt)})
	if err != nil {
		t.Fatal(err)
	}
	var prompts struct {
		Prompts []mcp.Prompt `json:"prompts"`
	}
	if err := json.Unmarshal(rawResult(t, srv, "prompts/list", `{}`), &prompts); err != nil {
		t.Fatal(err)
	}
	byName := map[string]mcp.Prompt{}
	for _, p := range prompts.Prompts {
		byName[p.Name] = p
		if p.Title == "" || p.Description == "" {
			t.Errorf("%s: no title or description", p.Name)
		}
		for _, a := range p.Arguments {
			if a.Description == "" {
				t.Errorf("%s: argument %s is not described", p.Name, a.Name)
			}
		}
	}
	for _, name := range []string{"lead_briefing", "take_over_lead"} {
		args := byName[name].Arguments
		if len(args) != 1 || args[0].Name != "lead" || !args[0].Required || !strings.Contains(args[0].Description, "name, email, phone number or lead ID") {
			t.Errorf("%s arguments: %+v, want one required lead: name, email, phone or ID", name, args)
		}
	}
	if args := byName["sales_agent_review"].Arguments; len(args) != 0 {
		t.Errorf("sales_agent_review has arguments %+v, want none", args)
	}
	if a := byName["stage_test"].Arguments; len(a) != 2 || !a[0].Required || a[1].Required {
		t.Errorf("stage_test arguments %+v: want stage required, note not", a)
	}

	for _, tc := range []struct{ name, args, want string }{
		{"lead_briefing", `{}`, `needs the argument "lead": The lead: a name, email, phone number or lead ID`},
		{"lead_briefing", `{"lead":"   "}`, `needs the argument "lead"`},
		{"lead_briefing", `{"lead":"Jane","leadId":"1"}`, `has no argument "leadId"; it takes lead`},
		{"sales_agent_review", `{"x":"1"}`, `has no argument "x"; it takes no arguments`},
		{"take_over_lead", `{"lead":"` + strings.Repeat("j", 201) + `"}`, `longer than 200 characters`},
		{"stage_test", `{"stage":"HOT"}`, `"stage" must be one of HIGH_PRIORITY, AI_PROSPECTING, AI_MONITORING, got "HOT"`},
		{"no_such_prompt", `{}`, `prompt 'no_such_prompt' not found`},
	} {
		msg, failed := promptText(t, srv, tc.name, tc.args)
		if !failed || !strings.Contains(msg, tc.want) {
			t.Errorf("prompts/get %s %s: %q (error %v), want an error containing %q", tc.name, tc.args, msg, failed, tc.want)
		}
	}
	if text, failed := promptText(t, srv, "stage_test", `{"stage":"ai_monitoring"}`); failed || text != "stage=AI_MONITORING note=" {
		t.Errorf("an enum value in lower case: %q", text)
	}
	if text, _ := promptText(t, srv, "lead_briefing", `{"lead":"Jane \"J\" Smith"}`); !strings.Contains(text, `"Jane \"J\" Smith"`) {
		t.Errorf("the lead is not quoted in the text:\n%s", text)
	}
}

// ---- completions ----

// complete sends completion/complete for ref (JSON) and argument name with
// value, with ctx, and returns the completion.
func complete(t *testing.T, ctx context.Context, srv *server.MCPServer, ref, name, value string) mcp.Completion {
	t.Helper()
	v, _ := json.Marshal(value)
	msg := `{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{"ref":` + ref + `,"argument":{"name":"` + name + `","value":` + string(v) + `}}}`
	out, err := json.Marshal(srv.HandleMessage(ctx, []byte(msg)))
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Result *mcp.CompleteResult `json:"result"`
	}
	if err := json.Unmarshal(out, &env); err != nil || env.Result == nil {
		t.Fatalf("completion/complete %s %s=%q: %s", ref, name, value, out)
	}
	if env.Result.Completion.Values == nil {
		t.Fatalf("completion values null: %s", out)
	}
	return env.Result.Completion
}

const templateRef = `{"type":"ref/resource","uri":"lofty://leads/{leadId}/sales-agent"}`

// TestCompletionOfLeads: the resource template's leadId completes "Jan" to
// Jane's ID (a search through find_leads' path, demo data); digits complete
// to the IDs this credential's results contained, and only after a result
// contained them; another credential sees none of them; a prompt's lead
// argument completes the same way; a search is cached; what is not a
// template of ours, or too short to search, completes to nothing.
func TestCompletionOfLeads(t *testing.T) {
	h := newLK(t, mcpserver.Options{})
	ctx := context.Background()
	if c := complete(t, ctx, h.server, templateRef, "leadId", "Jan"); !slices.Equal(c.Values, []string{janeID}) {
		t.Errorf(`"Jan": %v, want [%s] (Jane Smith)`, c.Values, janeID)
	}
	before := h.fake.RequestCount()
	if c := complete(t, ctx, h.server, templateRef, "leadId", "jan"); !slices.Equal(c.Values, []string{janeID}) || h.fake.RequestCount() != before {
		t.Errorf(`"jan" again: %v with %d more requests, want Jane from the cache`, c.Values, h.fake.RequestCount()-before)
	}
	if c := complete(t, ctx, h.server, templateRef, "leadId", "5631"); len(c.Values) != 0 {
		t.Errorf(`"5631" before any result: %v, want none (only IDs results contained)`, c.Values)
	}
	h.ok(t, "find_leads", `{"key":"Jane"}`, nil)
	c := complete(t, ctx, h.server, templateRef, "leadId", "5631")
	if !slices.Contains(c.Values, janeID) {
		t.Errorf(`"5631" after find_leads returned Jane: %v, want %s among them`, c.Values, janeID)
	}
	for _, v := range c.Values {
		if !strings.HasPrefix(v, "5631") {
			t.Errorf(`"5631" offered %s`, v)
		}
	}
	h.ok(t, "get_lead", `{"leadId":`+markID+`}`, nil)
	if c := complete(t, ctx, h.server, templateRef, "leadId", ""); !slices.Equal(c.Values, []string{markID, janeID}) {
		t.Errorf(`"": %v, want the recent IDs, most recent first: [%s %s]`, c.Values, markID, janeID)
	}
	if c := complete(t, ctx, h.server, templateRef, "leadId", "99"); len(c.Values) != 0 {
		t.Errorf(`"99": %v`, c.Values)
	}
	other := lofty.WithCredential(ctx, lofty.Credential{Kind: lofty.APIKey, Secret: "another-key"})
	if c := complete(t, other, h.server, templateRef, "leadId", "5631"); len(c.Values) != 0 {
		t.Errorf("another credential sees %v", c.Values)
	}
	promptRef := `{"type":"ref/prompt","name":"lead_briefing"}`
	if c := complete(t, ctx, h.server, promptRef, "lead", "5631"); !slices.Contains(c.Values, janeID) {
		t.Errorf("lead_briefing's lead: %v", c.Values)
	}
	if c := complete(t, ctx, h.server, promptRef, "lead", "Mark"); !slices.Equal(c.Values, []string{markID}) {
		t.Errorf(`lead_briefing's lead "Mark": %v`, c.Values)
	}
	for _, tc := range []struct{ ref, name, value string }{
		{templateRef, "leadId", "J"},   // too short to search
		{templateRef, "other", "5631"}, // not an argument of the template
		{`{"type":"ref/resource","uri":"lofty://other/{leadId}"}`, "leadId", "5631"},
		{`{"type":"ref/prompt","name":"sales_agent_review"}`, "lead", "5631"},
		{`{"type":"ref/prompt","name":"no_such_prompt"}`, "lead", "5631"},
		{templateRef, "leadId", "Nobody Here"},
	} {
		if c := complete(t, ctx, h.server, tc.ref, tc.name, tc.value); len(c.Values) != 0 {
			t.Errorf("%s %s=%q: %v, want none", tc.ref, tc.name, tc.value, c.Values)
		}
	}
}

// TestCompletionOfEnums: an enum argument of a prompt completes from its
// enum, ignoring case; a free-text argument completes to nothing.
func TestCompletionOfEnums(t *testing.T) {
	srv, err := mcpserver.NewServer(nil, mcpserver.Options{Prompts: []tools.Prompt{stagePrompt}})
	if err != nil {
		t.Fatal(err)
	}
	ref := `{"type":"ref/prompt","name":"stage_test"}`
	for value, want := range map[string][]string{
		"":    {"HIGH_PRIORITY", "AI_PROSPECTING", "AI_MONITORING"},
		"ai_": {"AI_PROSPECTING", "AI_MONITORING"},
		"Hi":  {"HIGH_PRIORITY"},
		"x":   {},
	} {
		if c := complete(t, context.Background(), srv, ref, "stage", value); !slices.Equal(c.Values, want) {
			t.Errorf("stage %q: %v, want %v", value, c.Values, want)
		}
	}
	if c := complete(t, context.Background(), srv, ref, "note", "a"); len(c.Values) != 0 {
		t.Errorf("a free-text argument: %v", c.Values)
	}
}

// TestCompletionNeverWaitsForTheRateLimit: when the credential's rate-limit
// budget is spent, a search answers at once with nothing, and sends nothing.
func TestCompletionNeverWaitsForTheRateLimit(t *testing.T) {
	res := lofty.DefaultResilience()
	res.RateLimit = 1 // one request a minute
	h := newLKWith(t, faults.New(nil).Fake, lofty.Config{Timeout: 5 * time.Second, Resilience: res,
		Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "rl-key"}}, mcpserver.Options{})
	h.ok(t, "get_lead", `{"leadId":`+janeID+`}`, nil) // spends the budget
	n := h.fake.RequestCount()
	start := time.Now()
	c := complete(t, context.Background(), h.server, templateRef, "leadId", "Jan")
	if took := time.Since(start); len(c.Values) != 0 || took > 2*time.Second || h.fake.RequestCount() != n {
		t.Errorf("with no budget: %v after %s and %d requests; want nothing, at once, none sent", c.Values, took, h.fake.RequestCount()-n)
	}
	if c := complete(t, context.Background(), h.server, templateRef, "leadId", "5631"); !slices.Equal(c.Values, []string{janeID}) {
		t.Errorf("digits need no request: %v", c.Values)
	}
}

// ---- progress ----

// progressSession is an initialized client session whose notifications the
// test reads: a handler's notifications are queued before it returns.
type progressSession struct{ ch chan mcp.JSONRPCNotification }

func (s *progressSession) SessionID() string                                   { return "progress-test" }
func (s *progressSession) NotificationChannel() chan<- mcp.JSONRPCNotification { return s.ch }
func (s *progressSession) Initialize()                                         {}
func (s *progressSession) Initialized() bool                                   { return true }

// drain returns the notifications queued so far.
func (s *progressSession) drain() []mcp.JSONRPCNotification {
	var out []mcp.JSONRPCNotification
	for {
		select {
		case n := <-s.ch:
			out = append(out, n)
		default:
			return out
		}
	}
}

// TestProgressNotifications: a call with a progressToken gets one
// notifications/progress per wait or retry and per page looked through,
// with the token exactly as sent (also beyond 2^53, and a string),
// progress rising by one, and a sentence; a call without a token, none;
// nothing is sent once the call has returned.
func TestProgressNotifications(t *testing.T) {
	res := lofty.DefaultResilience()
	res.RateLimit = 0
	res.RetryBaseDelay, res.RetryMaxDelay = time.Millisecond, 5*time.Millisecond
	scripted := faults.New(nil)
	h := newLKWith(t, scripted.Fake, lofty.Config{Timeout: 5 * time.Second, Resilience: res,
		Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "progress-key"}}, mcpserver.Options{})
	sess := &progressSession{ch: make(chan mcp.JSONRPCNotification, 100)}
	call := func(id int, tool, args, meta string, transportToken string) (json.RawMessage, []mcp.JSONRPCNotification) {
		t.Helper()
		params := `{"name":"` + tool + `","arguments":` + args
		if meta != "" {
			params += `,"_meta":` + meta
		}
		msg := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":%s}}`, id, params)
		ctx := h.server.WithContext(context.Background(), sess)
		if transportToken != "" {
			m := jsonrpc.Parse([]byte(msg))
			ctx = jsonrpc.WithProgressToken(ctx, &m)
		}
		out, err := json.Marshal(h.server.HandleMessage(ctx, []byte(msg)))
		if err != nil {
			t.Fatal(err)
		}
		return out, sess.drain()
	}
	check := func(name string, got []mcp.JSONRPCNotification, token string, messages ...string) {
		t.Helper()
		if len(got) != len(messages) {
			t.Fatalf("%s: %d notifications %+v, want %d", name, len(got), got, len(messages))
		}
		for i, n := range got {
			raw, _ := json.Marshal(n)
			var p struct {
				Method string `json:"method"`
				Params struct {
					Token    json.RawMessage `json:"progressToken"`
					Progress json.Number     `json:"progress"`
					Total    *json.Number    `json:"total"`
					Message  string          `json:"message"`
				} `json:"params"`
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			if err := dec.Decode(&p); err != nil {
				t.Fatal(err)
			}
			if p.Method != "notifications/progress" || string(p.Params.Token) != token || p.Params.Progress.String() != fmt.Sprint(i+1) ||
				p.Params.Total != nil || !strings.Contains(p.Params.Message, messages[i]) {
				t.Errorf("%s: notification %d is %s; want token %s, progress %d, no total, a message containing %q", name, i+1, raw, token, i+1, messages[i])
			}
		}
	}

	scripted.Script(faults.ServerError(503), faults.RetryAfter(1))
	start := time.Now()
	out, got := call(1, "get_sales_agent_by_lead", `{"leadId":`+janeID+`}`, `{"progressToken":9007199254740993}`, "transport")
	if !bytes.Contains(out, []byte(`"agentName"`)) {
		t.Fatalf("call failed: %s", out)
	}
	if time.Since(start) < time.Second {
		t.Errorf("the Retry-After: 1 was not waited")
	}
	check("503 then 429", got, "9007199254740993", "Lofty answered 503; retrying", "retrying in 1 s (2 of 3)")

	scripted.Script(faults.ServerError(503))
	_, got = call(2, "get_lead", `{"leadId":`+markID+`}`, `{"progressToken":"tok-\u00e9"}`, "")
	check("string token", got, `"tok-é"`, "Lofty answered 503; retrying")

	scripted.Script(faults.ServerError(503))
	_, got = call(3, "get_lead", `{"leadId":`+otherID+`}`, ``, "")
	check("no token", got, "")
	scripted.Script(faults.ServerError(503))
	_, got = call(4, "get_lead", `{"leadId":`+otherID+`}`, `{"other":1}`, "")
	check("_meta without a token", got, "")
	_, got = call(5, "get_lead", `{"leadId":`+otherID+`}`, `{"progressToken":{"not":"a token"}}`, "")
	check("an object token", got, "")

	// Pages: find_leads on a Lofty that ignores its filters.
	lv := newLKMode(t, live, mcpserver.Options{})
	lsess := &progressSession{ch: make(chan mcp.JSONRPCNotification, 100)}
	ctx := lv.server.WithContext(context.Background(), lsess)
	out, err := json.Marshal(lv.server.HandleMessage(ctx, []byte(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"find_leads","arguments":{"key":"zzz-nobody"},"_meta":{"progressToken":7}}}`)))
	if err != nil || !bytes.Contains(out, []byte(`"scanned"`)) {
		t.Fatalf("find_leads: %s %v", out, err)
	}
	m := regexp.MustCompile(`\((\d) pages\)`).FindSubmatch(out)
	if m == nil || m[1][0] < '2' {
		t.Fatalf("find_leads looked through fewer than 2 pages: %s", out)
	}
	var pages []string
	for p := '2'; p <= rune(m[1][0]); p++ {
		pages = append(pages, fmt.Sprintf("checking page %c of at most 4", p))
	}
	check("pages", lsess.drain(), "7", pages...)
}

// ---- instructions, cache hints, tools/list order ----

// TestInstructionsSayHowTheToolsFit: the instructions are at most four
// sentences before the paragraph about writes, and say to find first, that
// IDs are integers or strings of digits, what isError means; the write
// paragraph, only when writes are served, says the person confirms them.
func TestInstructionsSayHowTheToolsFit(t *testing.T) {
	init := func(o mcpserver.Options) string {
		srv, err := mcpserver.NewServer(nil, o)
		if err != nil {
			t.Fatal(err)
		}
		return rawMessageResult[mcp.InitializeResult](t, srv, "initialize",
			`{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"1"}}`).Instructions
	}
	read := init(mcpserver.Options{})
	if n := strings.Count(read, ". "); n > 4 || strings.Contains(read, "\n") {
		t.Errorf("default instructions: %d sentences or several paragraphs:\n%s", n+1, read)
	}
	for _, want := range []string{"find_leads", "leadId", "strings of digits", "isError", "read-only"} {
		if !strings.Contains(read, want) {
			t.Errorf("default instructions lack %q:\n%s", want, read)
		}
	}
	if strings.Contains(read, "confirm") {
		t.Errorf("read-only instructions speak of confirming writes:\n%s", read)
	}
	writes := init(mcpserver.Options{Toolsets: []string{"all"}})
	if !strings.Contains(writes, "confirm") || strings.Contains(writes, "read-only access") {
		t.Errorf("instructions with writes served:\n%s", writes)
	}
}

// rawMessageResult decodes the result of method with params.
func rawMessageResult[T any](t *testing.T, srv *server.MCPServer, method, params string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rawResult(t, srv, method, params), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// modernMeta is the _meta of a 2026-07-28 request.
const modernMeta = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}`

// TestListCacheHints: on protocol 2026-07-28, the list results carry the
// cache hints (public, five minutes: they hold nothing of a credential);
// a resource read stays private; 2025-11-25 results carry none.
func TestListCacheHints(t *testing.T) {
	h := newLK(t, mcpserver.Options{})
	for _, m := range []string{"tools/list", "prompts/list", "resources/list", "resources/templates/list"} {
		var r struct {
			TTL   *int64 `json:"ttlMs"`
			Scope string `json:"cacheScope"`
		}
		if err := json.Unmarshal(rawResult(t, h.server, m, `{`+modernMeta+`}`), &r); err != nil {
			t.Fatal(err)
		}
		if r.TTL == nil || *r.TTL != 300000 || r.Scope != "public" {
			t.Errorf("%s: ttlMs %v, cacheScope %q; want 300000, public", m, r.TTL, r.Scope)
		}
		legacy := rawResult(t, h.server, m, `{}`)
		if bytes.Contains(legacy, []byte("ttlMs")) || bytes.Contains(legacy, []byte("cacheScope")) {
			t.Errorf("%s on 2025-11-25 carries cache hints: %s", m, legacy)
		}
	}
	read := rawResult(t, h.server, "resources/read", `{"uri":"lofty://leads/`+janeID+`/sales-agent",`+modernMeta+`}`)
	var r struct {
		TTL   *int64 `json:"ttlMs"`
		Scope string `json:"cacheScope"`
	}
	if err := json.Unmarshal(read, &r); err != nil || r.Scope != "private" || r.TTL == nil {
		t.Errorf("resources/read: %s, want cacheScope private", read)
	}
}

// TestToolsListOrderIsStable: tools/list (and prompts/list) give the same
// bytes on every call, from every server built with the same options, on
// both protocols, tools in name order.
func TestToolsListOrderIsStable(t *testing.T) {
	for _, sel := range [][]string{nil, {"all"}} {
		var first []byte
		var firstPrompts []byte
		for i := range 5 {
			srv, err := mcpserver.NewServer(nil, mcpserver.Options{Toolsets: sel})
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				got := rawResult(t, srv, "tools/list", `{}`)
				prompts := rawResult(t, srv, "prompts/list", `{}`)
				if first == nil {
					first, firstPrompts = got, prompts
				} else if !bytes.Equal(got, first) || !bytes.Equal(prompts, firstPrompts) {
					t.Fatalf("toolsets %v: server %d gave a different tools/list or prompts/list", sel, i)
				}
			}
			modern := rawMessageResult[mcp.ListToolsResult](t, srv, "tools/list", `{`+modernMeta+`}`)
			var names []string
			for _, tl := range modern.Tools {
				names = append(names, tl.Name)
			}
			legacy := rawMessageResult[mcp.ListToolsResult](t, srv, "tools/list", `{}`)
			var legacyNames []string
			for _, tl := range legacy.Tools {
				legacyNames = append(legacyNames, tl.Name)
			}
			if !slices.IsSorted(names) || !slices.Equal(names, legacyNames) {
				t.Errorf("toolsets %v: order %v (2026-07-28) and %v (2025-11-25); want the same, by name", sel, names, legacyNames)
			}
		}
	}
}
