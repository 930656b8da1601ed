package mcpserver

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Confirmation of writes by the person, through MCP elicitation.
//
// A client declares that it can put questions to its user (the elicitation
// capability). With it, a write is asked first, in form mode:
//
//   - 2025-11-25 (initialize) clients get a server-initiated
//     elicitation/create request while the tools/call waits;
//   - 2026-07-28 (stateless) clients get an input_required result (SEP-2322)
//     carrying the elicitation and a request state; they ask, then call the
//     tool again with the answer and the state. The state is sealed (HMAC
//     with a key of this process) to this tool and these exact arguments,
//     expires, and is redeemed once: an answer cannot be reused for other
//     arguments, nor replayed to make the change twice. A server that does
//     not recognise a state (another replica, a restart) simply asks again.
//
// Over legacy HTTP+SSE, mcp-go cannot send a request to the client, so such
// a client cannot elicit whatever it declared.

// ConfirmMode says when the person is asked to confirm a write.
type ConfirmMode string

// Confirmation modes (--confirm-writes).
const (
	// ConfirmAuto asks through elicitation when the client can, and
	// otherwise relies on the client's own approval of tools that are not
	// read-only.
	ConfirmAuto ConfirmMode = "auto"
	// ConfirmAlways asks through elicitation, and refuses a write the client
	// cannot ask about.
	ConfirmAlways ConfirmMode = "always"
	// ConfirmNever never asks.
	ConfirmNever ConfirmMode = "never"
)

// ConfirmModes lists the modes, for messages.
var ConfirmModes = []ConfirmMode{ConfirmAuto, ConfirmAlways, ConfirmNever}

// ParseConfirmMode reads a mode; "" is ConfirmAuto.
func ParseConfirmMode(s string) (ConfirmMode, error) {
	switch m := ConfirmMode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return ConfirmAuto, nil
	case ConfirmAuto, ConfirmAlways, ConfirmNever:
		return m, nil
	}
	return "", fmt.Errorf("must be auto, always or never, got %q", s)
}

// confirmID is the key of the confirmation in input requests and responses.
const confirmID = "confirm"

// stateTTL bounds how long an unanswered question stays redeemable.
const stateTTL = 15 * time.Minute

// maxRedeemed bounds the answers remembered as used.
const maxRedeemed = 100_000

// confirmer puts writes to the person.
type confirmer struct {
	mode ConfirmMode
	key  []byte // seals request states; random per process
	now  func() time.Time

	mu       sync.Mutex
	redeemed map[string]time.Time // nonces of states acted on, until they expire
}

func newConfirmer(mode ConfirmMode) (*confirmer, error) {
	if mode == "" {
		mode = ConfirmAuto
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return &confirmer{mode: mode, key: key, now: time.Now, redeemed: map[string]time.Time{}}, nil
}

// verdict is what the confirmation decided.
type verdict int

const (
	proceed  verdict = iota // send the write
	declined                // the person said no: send nothing
	refused                 // nobody could be asked and the mode requires it: send nothing
	ask                     // return the question to the client (2026-07-28)
)

// decision is a verdict and what goes with it.
type decision struct {
	verdict verdict
	// how the write was confirmed, for the audit line: "person" (through
	// elicitation), "client" (the client's own approval), "not asked".
	how string
	// answer is the person's answer when declined: "decline", "cancel", or
	// "unconfirmed" (accepted the form with confirm unticked).
	answer string
	result *mcp.CallToolResult // the input_required result, for ask
	text   string              // the sentence, for refused
}

// elicitWay is how the client of a call can be asked.
type elicitWay int

const (
	cannotElicit elicitWay = iota
	elicitLegacy           // elicitation/create on the session (2025-11-25)
	elicitModern           // input_required result (2026-07-28)
)

// elicitWayOf says whether and how the client of the call in ctx can be
// asked: it declared the elicitation capability (form mode) for this
// request (2026-07-28) or at initialize, and its transport can carry the
// question.
func elicitWayOf(ctx context.Context) elicitWay {
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		if formCapable(info.ClientCapabilities) {
			return elicitModern
		}
		return cannotElicit
	}
	session := server.ClientSessionFromContext(ctx)
	withInfo, ok := session.(server.SessionWithClientInfo)
	if !ok {
		return cannotElicit
	}
	caps := withInfo.GetClientCapabilities()
	if !formCapable(&caps) {
		return cannotElicit
	}
	if _, ok := session.(server.SessionWithElicitation); !ok {
		return cannotElicit // legacy SSE: no way to send the request
	}
	return elicitLegacy
}

// formCapable reports whether caps declare form-mode elicitation (an empty
// elicitation object means form mode).
func formCapable(caps *mcp.ClientCapabilities) bool {
	if caps == nil || caps.Elicitation == nil {
		return false
	}
	return caps.Elicitation.Form != nil || caps.Elicitation.URL == nil
}

// elicitation is the form put to the person: the question and one
// checkbox, ticked by default, that they can untick.
func elicitation(question, title string) mcp.ElicitationParams {
	return mcp.ElicitationParams{
		Message: question,
		RequestedSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"confirm": map[string]any{
					"type":        "boolean",
					"title":       title,
					"description": "Accept to go ahead; decline, or untick this, to change nothing.",
					"default":     true,
				},
			},
			"required": []string{"confirm"},
		},
	}
}

// answerOf reads the person's answer: yes, or why not. Only the shape the
// question asks for confirms — action "accept" with content an object
// whose confirm is true — so that a malformed answer ("no", null, [false],
// a missing box) is never taken for consent.
func answerOf(res *mcp.ElicitationResult) (yes bool, answer string) {
	if res == nil {
		return false, "cancel"
	}
	switch res.Action {
	case mcp.ElicitationResponseActionAccept:
		m, ok := res.Content.(map[string]any)
		if !ok {
			return false, "malformed"
		}
		switch v, present := m["confirm"]; {
		case !present:
			return false, "malformed"
		case v != true:
			return false, "unconfirmed"
		}
		return true, "accept"
	case mcp.ElicitationResponseActionDecline:
		return false, "decline"
	}
	return false, "cancel"
}

// confirmation is what confirm puts to the person about one write.
type confirmation struct {
	tool     string
	args     []byte // the canonical arguments the answer is sealed to
	question string
	title    string
	// must: the person is asked whatever the mode, and a client that
	// cannot ask is refused.
	must bool
}

// confirm decides whether a write may go ahead, asking the person when it
// should and can.
func (cf *confirmer) confirm(ctx context.Context, req mcp.CallToolRequest, q confirmation) decision {
	tool, args, question, title := q.tool, q.args, q.question, q.title
	if cf.mode == ConfirmNever && !q.must {
		return decision{verdict: proceed, how: "not asked"}
	}
	// A call again with the person's answer (2026-07-28).
	if res := server.ElicitationResponse(req.Params.InputResponses, confirmID); res != nil {
		yes, answer := answerOf(res)
		if !yes {
			return decision{verdict: declined, how: "person", answer: answer}
		}
		if cf.redeem(req.Params.RequestState, tool, args) {
			return decision{verdict: proceed, how: "person"}
		}
		// Not an answer to a question of ours for this call: ask again.
	}
	params := elicitation(question, title)
	switch elicitWayOf(ctx) {
	case elicitModern:
		state, err := cf.seal(tool, args)
		if err != nil {
			return decision{verdict: refused, text: "lofty-mcp could not prepare the question to the person (" + err.Error() + "). Nothing was sent to Lofty."}
		}
		return decision{verdict: ask, result: server.NewInputRequestBuilder(state).Elicit(confirmID, params).ToolResult()}
	case elicitLegacy:
		srv := server.ServerFromContext(ctx)
		if srv == nil {
			break
		}
		res, err := srv.RequestElicitation(ctx, mcp.ElicitationRequest{
			Request: mcp.Request{Method: string(mcp.MethodElicitationCreate)},
			Params:  params,
		})
		if err != nil {
			return decision{verdict: refused, how: "unanswered",
				text: "lofty-mcp could not ask the person to confirm (" + err.Error() + "). Nothing was sent to Lofty."}
		}
		if yes, answer := answerOf(res); !yes {
			return decision{verdict: declined, how: "person", answer: answer}
		}
		return decision{verdict: proceed, how: "person"}
	}
	if q.must {
		return decision{verdict: refused, how: "not asked",
			text: "The person must confirm this change themselves, but this MCP client cannot ask them: it did not " +
				"declare the elicitation capability, or its transport cannot carry the question (legacy HTTP+SSE). " +
				"Nothing was sent to Lofty. Use a client that supports elicitation (most desktop and IDE assistants do) " +
				"and try again; no server setting skips this question."}
	}
	if cf.mode == ConfirmAlways {
		return decision{verdict: refused, how: "not asked",
			text: "This lofty-mcp server confirms every change with the person (--confirm-writes always), but this MCP client " +
				"cannot ask them: it did not declare the elicitation capability, or its transport cannot carry the question " +
				"(legacy HTTP+SSE). Nothing was sent to Lofty. Use a client that supports elicitation, or ask the " +
				"server's operator to set --confirm-writes auto."}
	}
	return decision{verdict: proceed, how: "client"}
}

// statePayload is what a request state seals.
type statePayload struct {
	Tool    string `json:"t"`
	Args    string `json:"a"` // SHA-256 of the canonical arguments, hex
	Nonce   string `json:"n"`
	Expires int64  `json:"e"` // Unix seconds
}

// seal returns a request state for a question about tool with args.
func (cf *confirmer) seal(tool string, args []byte) (string, error) {
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	sum := sha256.Sum256(args)
	payload, err := json.Marshal(statePayload{Tool: tool, Args: hex.EncodeToString(sum[:]), Nonce: hex.EncodeToString(nonce),
		Expires: cf.now().Add(stateTTL).Unix()})
	if err != nil {
		return "", err
	}
	p := base64.RawURLEncoding.EncodeToString(payload)
	return p + "." + base64.RawURLEncoding.EncodeToString(cf.mac(p)), nil
}

func (cf *confirmer) mac(p string) []byte {
	h := hmac.New(sha256.New, cf.key)
	h.Write([]byte("lofty-mcp confirm v1\x00"))
	h.Write([]byte(p))
	return h.Sum(nil)
}

// errStale is any reason a request state is not redeemable.
var errStale = errors.New("not a redeemable request state")

// open checks a state's seal and returns what it holds.
func (cf *confirmer) open(state string) (statePayload, error) {
	var sp statePayload
	p, sig, ok := strings.Cut(state, ".")
	if !ok {
		return sp, errStale
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, cf.mac(p)) {
		return sp, errStale
	}
	raw, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil || json.Unmarshal(raw, &sp) != nil {
		return sp, errStale
	}
	return sp, nil
}

// redeem reports whether state is a sealed, unexpired, unused question about
// tool with args, and marks it used.
func (cf *confirmer) redeem(state, tool string, args []byte) bool {
	sp, err := cf.open(state)
	if err != nil {
		return false
	}
	sum := sha256.Sum256(args)
	now := cf.now()
	if sp.Tool != tool || !hmac.Equal([]byte(sp.Args), []byte(hex.EncodeToString(sum[:]))) || now.Unix() >= sp.Expires {
		return false
	}
	cf.mu.Lock()
	defer cf.mu.Unlock()
	for n, until := range cf.redeemed {
		if !now.Before(until) {
			delete(cf.redeemed, n)
		}
	}
	if _, used := cf.redeemed[sp.Nonce]; used || len(cf.redeemed) >= maxRedeemed {
		return false
	}
	cf.redeemed[sp.Nonce] = time.Unix(sp.Expires, 0)
	return true
}
