package e2e

// End-to-end tests of messages to leads (send_message_to_lead): the real
// binary over stdio and Streamable HTTP, on both protocols, with a client
// whose person approves, declines, cancels or never answers, and clients
// that cannot ask; what Lofty gets is compared with what the person was
// shown, byte for byte.
//
//	go test -race -run TestMessages ./e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the lead's zone, wherever the tests run

	"github.com/mark3labs/mcp-go/client"
	mcptransport "github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
)

// messagesSent are the texts and emails the credential key sent, decoded.
func messagesSent(t *testing.T, f *fakelofty.Fake, key string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range requestsBy(f, key) {
		if r.Method == http.MethodPost && strings.HasPrefix(r.Path, "/v1.0/message/") {
			var m map[string]any
			if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
	}
	return out
}

// shownText is the message a question shows: all after its "(N
// characters):" line.
func shownText(t *testing.T, question string) string {
	t.Helper()
	_, text, ok := strings.Cut(question, " characters):\n")
	if !ok {
		t.Fatalf("the question shows no message:\n%s", question)
	}
	return text
}

func textTo(lead int64, text, extra string) string {
	b, _ := json.Marshal(text)
	return fmt.Sprintf(`{"leadId": %d, "channel": "text", "text": %s%s}`, lead, b, extra)
}

func TestMessagesE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	stdioBin(t)
	fake := faults.New(nil)
	base := fake.Start(t)
	jane := fakelofty.DemoLeadWithAgent

	for i, tr := range e2eTransports {
		t.Run(tr.name, func(t *testing.T) {
			key := fmt.Sprintf("e2e-messages-key-%d", i)
			secret := fmt.Sprintf("MSG-SECRET-%d: Hi Jane, the open house moved to 2pm.\nSee you there! \"John\" <3 & 🙂", i)
			person := &e2ePerson{action: mcp.ElicitationResponseActionAccept}
			s := startActions(t, tr, base, key, []string{"--toolsets", "leads,messages", "--log-level", "debug", "--rate-limit", "0"},
				client.WithElicitationHandler(person))

			// Approved: sent once, exactly as shown, to the number shown.
			mustHave(t, s.ok(t, "send_message_to_lead", textTo(jane, secret, "")), `"status":"done"`, `"to":"+14155551234"`)
			sent, asked := messagesSent(t, fake.Fake, key), person.asked()
			if len(sent) != 1 || len(asked) != 1 {
				t.Fatalf("%d sent, %d asked; want 1 and 1", len(sent), len(asked))
			}
			if shown := shownText(t, asked[0]); shown != secret || sent[0]["content"] != shown {
				t.Errorf("shown %q, sent %q, want both %q", shown, sent[0]["content"], secret)
			}
			mustHave(t, asked[0], `To: "Jane Smith" (lead 563172647619608), at +14155551234`,
				`From: "John Doe" <john.doe@example.com>, from your Lofty virtual number +14155550123`)

			// The same again: refused as a repeat, before anyone is asked.
			txt, isErr := s.call(t, "send_message_to_lead", textTo(jane, secret, ""))
			if !isErr || !strings.Contains(txt, "Not sent: The same text was sent to lead 563172647619608") || len(person.asked()) != 1 {
				t.Errorf("a repeat: %v %s", isErr, txt)
			}
			// Confirmed as a repeat: the question says so, and it goes.
			mustHave(t, s.ok(t, "send_message_to_lead", textTo(jane, secret, `, "repeat": true`)), `"status":"done"`)
			if q := person.asked(); len(q) != 2 || !strings.Contains(q[1], "Repeat: The same text was sent to this lead") {
				t.Errorf("questions %q", q)
			}

			// Declined or cancelled: nothing sent, not an error.
			for _, a := range []mcp.ElicitationResponseAction{mcp.ElicitationResponseActionDecline, mcp.ElicitationResponseActionCancel} {
				person.answer(a)
				mustHave(t, s.ok(t, "send_message_to_lead", textTo(jane, secret+" (declined)", "")), `"status":"declined"`)
			}
			person.answer(mcp.ElicitationResponseActionAccept)

			// What Lofty's record says must not go is refused before asking.
			before := len(person.asked())
			for _, tc := range []struct{ args, want string }{
				{fmt.Sprintf(`{"leadId": %d, "channel": "email", "subject": "Hi", "text": "Hello"}`, fakelofty.DemoLeadUnsubscribed),
					"unsubscribed from email"},
				{textTo(fakelofty.DemoLeadDNCNumber, "Hello", ""), "as Do Not Call (phone status 4, DNC number)"},
				{textTo(fakelofty.DemoLeadInvalidNumber, "Hello", ""), "as an invalid number (phone status 1)"},
				{textTo(fakelofty.DemoLeadBeyond53Bits, "Hello", ""), "Lofty has no phone number for lead 9007199254740993"},
				{textTo(jane, "Hello", `, "to": "+1 212 555 0000"`), "is not one of the phone numbers Lofty has for lead"},
			} {
				if txt, isErr := s.call(t, "send_message_to_lead", tc.args); !isErr || !strings.HasPrefix(txt, "Not sent: ") ||
					!strings.Contains(txt, tc.want) {
					t.Errorf("%s: %v %s; want a refusal saying %q", tc.args, isErr, txt, tc.want)
				}
			}
			if len(person.asked()) != before {
				t.Error("the person was asked about a message that must not go")
			}

			// An email: subject and body as shown, to the address shown.
			email := fmt.Sprintf(`{"leadId": %d, "channel": "email", "subject": "Saturday", "text": %q}`, jane, secret)
			mustHave(t, s.ok(t, "send_message_to_lead", email), `"status":"done"`, `"to":"jane.smith@example.com"`)
			sent = messagesSent(t, fake.Fake, key)
			q := person.asked()[len(person.asked())-1]
			if len(sent) != 3 || sent[2]["subject"] != "Saturday" || sent[2]["content"] != shownText(t, q) || sent[2]["toEmail"] != "jane.smith@example.com" {
				t.Errorf("Lofty got %v for the email asked as:\n%s", sent, q)
			}

			// Eleven calls, each one audit line (the last may still be on
			// its way through the pipe).
			auditLine := regexp.MustCompile(`(?m)^.*"?msg"?[=:]"lofty write".*"?tool"?[=:]"?send_message_to_lead.*$`)
			testutil.WaitFor(t, "eleven audit lines", 5*time.Second, func() bool {
				return len(auditLine.FindAllString(s.logs.String(), -1)) >= 11
			})
			logs := s.logs.String()
			for _, secretWord := range []string{secret, "MSG-SECRET", "open house", "Saturday", key} {
				if strings.Contains(logs, secretWord) {
					t.Errorf("the server's log (debug level) holds %q", secretWord)
				}
			}
			audit := auditLine.FindAllString(logs, -1)
			if len(audit) != 11 {
				t.Errorf("%d audit lines for 11 calls:\n%s", len(audit), strings.Join(audit, "\n"))
			}
			for _, want := range []string{`channel"?[=:]"?text`, `channel"?[=:]"?email`, `content_sha256"?[=:]"?[0-9a-f]{16}\b`,
				`sender_user_id"?[=:]67890\b`, `text_length"?[=:]` + fmt.Sprint(len([]rune(secret))) + `\b`, `outcome"?[=:]"?refused`} {
				if !regexp.MustCompile(want).MatchString(strings.Join(audit, "\n")) {
					t.Errorf("no audit line matches %s:\n%s", want, strings.Join(audit, "\n"))
				}
			}
		})
	}
}

// TestMessagesE2ECannotAsk: a client that cannot ask the person (no
// elicitation capability), or whose person never answers, sends nothing,
// whatever --confirm-writes says.
func TestMessagesE2ECannotAsk(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	stdioBin(t)
	fake := faults.New(nil)
	base := fake.Start(t)
	args := textTo(fakelofty.DemoLeadWithAgent, "Hello from a client that cannot ask", "")
	for i, tr := range e2eTransports {
		for _, mode := range []string{"auto", "never"} {
			t.Run(tr.name+" "+mode, func(t *testing.T) {
				key := fmt.Sprintf("e2e-cannot-ask-%d-%s", i, mode)
				s := startActions(t, tr, base, key, []string{"--toolsets", "messages", "--confirm-writes", mode})
				txt, isErr := s.call(t, "send_message_to_lead", args)
				if !isErr || !strings.Contains(txt, "this MCP client cannot ask them") || !strings.Contains(txt, "no server setting skips this question") {
					t.Errorf("%v %s", isErr, txt)
				}
				if n := len(messagesSent(t, fake.Fake, key)); n != 0 {
					t.Errorf("%d messages sent", n)
				}
			})
		}
	}

	// The person never answers: the client gives up, and nothing is sent,
	// even when an answer comes after.
	for i, tr := range e2eTransports {
		t.Run(tr.name+" unanswered", func(t *testing.T) {
			key := fmt.Sprintf("e2e-unanswered-%d", i)
			late := &latePerson{release: make(chan struct{}), asked: make(chan struct{})}
			s := startActions(t, tr, base, key, []string{"--toolsets", "messages", "--log-level", "debug"}, client.WithElicitationHandler(late))
			// The client gives up once the person has been asked, however
			// long the loaded machine takes to get there.
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				<-late.asked
				cancel()
			}()
			req := mcp.CallToolRequest{}
			req.Params.Name, req.Params.Arguments = "send_message_to_lead", json.RawMessage(args)
			res, err := s.client.CallTool(ctx, req)
			cancel()
			if err == nil && !res.IsError {
				t.Errorf("an unanswered question: %s", resultText(res))
			}
			// The person answers, too late: accept. (The client says it gave
			// up with a notifications/cancelled it sends on its own
			// goroutine; an answer that reached the server first would count.)
			time.Sleep(300 * time.Millisecond)
			close(late.release)
			time.Sleep(500 * time.Millisecond)
			if n := len(messagesSent(t, fake.Fake, key)); n != 0 {
				t.Errorf("%d messages sent after the client gave up; server log:\n%s", n, s.logs.String())
			}
			if late.count() == 0 {
				t.Error("the person was never asked")
			}
		})
	}
}

// latePerson answers "accept" only once released, unless the client gives
// up first.
type latePerson struct {
	mu      sync.Mutex
	n       int
	release chan struct{}
	asked   chan struct{} // closed when first asked
}

func (p *latePerson) Elicit(ctx context.Context, _ mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	p.mu.Lock()
	p.n++
	if p.n == 1 {
		close(p.asked)
	}
	p.mu.Unlock()
	select {
	case <-p.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept,
		Content: map[string]any{"confirm": true}}}, nil
}

func (p *latePerson) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// TestMessagesE2EQuietHours: inside LOFTY_QUIET_HOURS of the lead's zone
// (Jane lives in Texas), a text is refused before asking; said to go
// anyway, the question says so and it goes once confirmed.
func TestMessagesE2EQuietHours(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	stdioBin(t)
	fake := faults.New(nil)
	base := fake.Start(t)
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(chicago)
	window := now.Add(-time.Hour).Format("15:04") + "-" + now.Add(time.Hour).Format("15:04")
	for i, tr := range []e2eTransport{e2eTransports[1], e2eTransports[2]} {
		t.Run(tr.name, func(t *testing.T) {
			key := fmt.Sprintf("e2e-quiet-%d", i)
			person := &e2ePerson{action: mcp.ElicitationResponseActionAccept}
			s := startActions(t, tr, base, key, []string{"--toolsets", "messages", "--quiet-hours", window}, client.WithElicitationHandler(person))
			txt, isErr := s.call(t, "send_message_to_lead", textTo(fakelofty.DemoLeadWithAgent, "Late news", ""))
			if !isErr || !strings.Contains(txt, "from the lead's state TX), within the quiet hours "+window+" (LOFTY_QUIET_HOURS)") ||
				len(person.asked()) != 0 {
				t.Errorf("in quiet hours: %v %s", isErr, txt)
			}
			mustHave(t, s.ok(t, "send_message_to_lead", textTo(fakelofty.DemoLeadWithAgent, "Late news", `, "outsideQuietHours": true`)), `"status":"done"`)
			// The hour may have turned since now was read.
			if q := person.asked(); len(q) != 1 || !strings.Contains(q[0], "Quiet hours: it is "+now.Format("15")) &&
				!strings.Contains(q[0], "Quiet hours: it is "+now.Add(time.Hour).Format("15")) {
				t.Errorf("questions %q", q)
			}
			if n := len(messagesSent(t, fake.Fake, key)); n != 1 {
				t.Errorf("%d sent, want 1", n)
			}
		})
	}
}

// TestMessagesE2EUnknownOutcome: a text whose answer never comes (a
// timeout) or is cut off is sent once, never again, reported as possibly
// sent, and the same text after it is refused as a repeat.
func TestMessagesE2EUnknownOutcome(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	stdioBin(t)
	fake := faults.New(nil)
	key := "e2e-unknown-outcome"
	person := &e2ePerson{action: mcp.ElicitationResponseActionAccept}
	s := startActions(t, e2eTransports[0], fake.Start(t), key, []string{"--toolsets", "messages", "--call-timeout", "2s"},
		client.WithElicitationHandler(person))
	for _, tc := range []struct {
		name   string
		answer faults.Answer
	}{
		{"timeout", faults.Hang()},
		{"connection cut", faults.ResetMidBody()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := textTo(fakelofty.DemoLeadWithAgent, "Are you free Thursday? ("+tc.name+")", "")
			// Declined first: the lead and the profile are read, and cached.
			person.answer(mcp.ElicitationResponseActionDecline)
			s.ok(t, "send_message_to_lead", args)
			person.answer(mcp.ElicitationResponseActionAccept)
			before := len(messagesSent(t, fake.Fake, key))
			fake.Script(tc.answer)
			txt, isErr := s.call(t, "send_message_to_lead", args)
			if !isErr || !strings.Contains(txt, "The message was possibly sent") || !strings.Contains(txt, "Do not simply repeat it") {
				t.Errorf("%v %s", isErr, txt)
			}
			if n := len(messagesSent(t, fake.Fake, key)) - before; n != 1 {
				t.Errorf("%d requests to send, want 1: never retried", n)
			}
			if fake.Pending() != 0 {
				t.Error("the scripted answer was not used by the send")
			}
			txt, isErr = s.call(t, "send_message_to_lead", args)
			if !isErr || !strings.Contains(txt, "Not sent: The same text was possibly sent to lead 563172647619608") {
				t.Errorf("after an unknown outcome: %v %s", isErr, txt)
			}
			if n := len(messagesSent(t, fake.Fake, key)) - before; n != 1 {
				t.Errorf("%d requests to send after the repeat, want 1", n)
			}
		})
	}
	if strings.Contains(s.logs.String(), "Are you free") {
		t.Errorf("the server's log holds a message's text:\n%s", s.logs.String())
	}
}

// TestMessagesE2EReplicas: two replicas sharing Redis share the memory of
// messages sent: a text sent through one is a repeat on the other.
func TestMessagesE2EReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	rs := testutil.StartRedis(t)
	fake := faults.New(nil)
	env := append(e2eEnv(fake.Start(t), "replicas-key"), "LOFTY_REDIS_URL=redis://"+rs.Addr+"/0", "LOFTY_TOOLSETS=messages")
	args := textTo(fakelofty.DemoLeadWithAgent, "One text, two replicas", "")
	var conns []*actionsConn
	for range 2 {
		p := startHTTPE2E(t, stdioBin(t), env)
		c := client.NewClient(mustStreamable(t, p.base), client.WithElicitationHandler(&e2ePerson{action: mcp.ElicitationResponseActionAccept}))
		if err := c.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if _, err := c.Initialize(context.Background(), mcp.InitializeRequest{}); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, &actionsConn{client: c, logs: p.stderr})
	}
	mustHave(t, conns[0].ok(t, "send_message_to_lead", args), `"status":"done"`)
	txt, isErr := conns[1].call(t, "send_message_to_lead", args)
	if !isErr || !strings.Contains(txt, "Not sent: The same text was sent to lead 563172647619608") {
		t.Errorf("the other replica: %v %s", isErr, txt)
	}
	if n := len(messagesSent(t, fake.Fake, "replicas-key")); n != 1 {
		t.Errorf("%d sent, want 1", n)
	}
}

func mustStreamable(t *testing.T, base string) *mcptransport.StreamableHTTP {
	t.Helper()
	tr, err := mcptransport.NewStreamableHTTP(base + "/mcp")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
