package contract_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/contract"
)

// worldIDs are the demo world's ids, by the parameter or body field name
// that carries them: a valid request takes them from here.
var worldIDs = map[string]string{
	"leadId": strconv.FormatInt(fakelofty.DemoLeadWithAgent, 10), "taskId": "860001", "noteId": "810001",
	"callId": "820001", "transactionId": "10001", "logTypeId": "850001", "calendarId": "860001-task",
	"account": "john.doe@example.com", "userId": strconv.FormatInt(fakelofty.DemoUserID, 10), "agentId": "67892",
	"id": "401", "subscribeId": "5001", "callRecordId": "820001", "appointmentId": "870001",
	"reason": "duplicate", "startTime": "1767225600000", "endTime": "1798761600000",
	"assignee": "maria.garcia@example.com",
}

// proseRequired are the query parameters and body fields that operations
// require in their descriptions rather than their schemas, which the fake
// refuses to go without as Lofty does, by operation pattern; the times are
// later than the demo world's now, as these operations require.
var proseRequired = map[string]map[string]any{
	"GET /v2.0/calendar":                    {"startTime": "2026-03-01T00:00:00-06:00", "endTime": "2026-03-31T00:00:00-05:00"},
	"GET /v2.0/calendar/meetings/available": {"startTime": "2027-01-04T00:00:00-06:00", "endTime": "2027-01-09T00:00:00-06:00"},
	"POST /v2.0/calendar":                   {"startAt": "2027-01-05T10:00:00-06:00", "endAt": "2027-01-05T11:00:00-06:00", "taskWay": "Call"},
	"PUT /v2.0/tasks/{taskId}":              {"content": "Call Jane about the inspection"},
}

// bodyIDs are the world's ids of body fields named "id", by operation:
// the routing rule, the office and the transaction an edit names.
var bodyIDs = map[string]string{"editRule": "601", "updateOffice": "201", "updateTransactionFromBrokermint": "10001"}

// communicationIDs are the ids of a call, a text and an email.
var communicationIDs = map[string]string{"call": "820001", "text": "830001", "email": "840001"}

// validRequest builds a request for op that the document allows: path
// parameters and required query parameters from the world, and a body of
// its required fields.
func validRequest(t *testing.T, base string, op *fakelofty.Operation) *http.Request {
	t.Helper()
	path := op.Path
	q := url.Values{}
	for _, p := range op.Params {
		v := worldIDs[p.Name]
		if p.Name == "communicationId" {
			v = communicationIDs[strings.Split(op.Path, "/")[3]]
		}
		if s := fakelofty.SchemaAt(p.Schema); len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
			v = s.Enum[0]
		}
		switch {
		case p.In == fakelofty.InPath:
			if v == "" {
				t.Fatalf("%s: no world value for path parameter %s", op.Pattern(), p.Name)
			}
			path = strings.Replace(path, "{"+p.Name+"}", url.PathEscape(v), 1)
		case p.In == fakelofty.InQuery && p.Required:
			if v == "" {
				t.Fatalf("%s: no world value for query parameter %s", op.Pattern(), p.Name)
			}
			q.Set(p.Name, v)
		}
	}
	extra := proseRequired[op.Pattern()]
	for _, p := range op.Params {
		if v, ok := extra[p.Name]; ok && p.In == fakelofty.InQuery {
			q.Set(p.Name, v.(string))
		}
	}
	var body io.Reader
	if op.Body != 0 {
		v := requiredValue(op.Body, "")
		if obj, ok := v.(map[string]any); ok {
			for _, p := range fakelofty.SchemaAt(op.Body).Props {
				if x, ok := extra[p.Name]; ok {
					obj[p.Name] = x
				}
			}
		}
		if obj, ok := v.(map[string]any); ok && bodyIDs[op.ID] != "" {
			obj["id"], _ = strconv.ParseInt(bodyIDs[op.ID], 10, 64)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	u := base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequest(op.Method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}

// requiredValue is a value of schema idx with its required fields and
// those that name something of the world (leadId, assignee, ...).
func requiredValue(idx int32, name string) any {
	s := fakelofty.SchemaAt(idx)
	if v, ok := worldIDs[name]; ok {
		switch s.Type {
		case fakelofty.TypeInteger:
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		case fakelofty.TypeString:
			return v
		}
	}
	if s.Example != "" && s.Type != fakelofty.TypeObject {
		return json.RawMessage(s.Example)
	}
	if len(s.Enum) > 0 {
		if s.Type == fakelofty.TypeString {
			return s.Enum[0]
		}
		return json.RawMessage(s.Enum[0])
	}
	switch s.Type {
	case fakelofty.TypeObject:
		obj := map[string]any{}
		for _, p := range s.Props {
			if fakelofty.SchemaAt(p.Schema).ReadOnly {
				continue
			}
			if _, world := worldIDs[p.Name]; world || slices.Contains(s.Required, p.Name) {
				obj[p.Name] = requiredValue(p.Schema, p.Name)
			}
		}
		return obj
	case fakelofty.TypeArray:
		return []any{requiredValue(s.Items, "")}
	case fakelofty.TypeString:
		return "x"
	case fakelofty.TypeInteger, fakelofty.TypeNumber:
		return 1
	case fakelofty.TypeBoolean:
		return false
	}
	return nil
}

// TestEveryOperationConforms: for every operation of the document, a
// valid request built from the table and the world is answered 200, and
// both the request and the answer pass kin-openapi's validation against
// the document. Each operation writes as its own credential, so that one
// operation's write (a delete) does not change another's read.
func TestEveryOperationConforms(t *testing.T) {
	f := fakelofty.New(nil)
	contract.Check(t, f)
	base := f.Start(t)
	ops := fakelofty.Operations()
	if len(ops) != 123 {
		t.Errorf("%d operations in the table, want the document's 123", len(ops))
	}
	for i := range ops {
		op := &ops[i]
		t.Run(op.Method+" "+op.Path, func(t *testing.T) {
			req := validRequest(t, base, op)
			req.Header.Set("Authorization", "token op-"+op.ID)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d: %s", resp.StatusCode, b)
			}
		})
	}
	generic := 0
	for i := range ops {
		if !f.Served(ops[i].ID) {
			generic++
		}
	}
	t.Logf("%d of %d operations are world-backed; %d answered generically: %v", len(ops)-generic, len(ops), generic, fakelofty.GenericOperations())
}

// recorder is a TB that keeps the errors reported to it.
type recorder struct{ errs []string }

func (r *recorder) Helper()                           {}
func (r *recorder) Errorf(format string, args ...any) { r.errs = append(r.errs, format) }

// TestCheckCatchesAWrongRequest: Check reports a request the document does
// not allow (the fake refuses it too), and nothing for a valid one.
func TestCheckCatchesAWrongRequest(t *testing.T) {
	f := fakelofty.New(nil)
	rec := &recorder{}
	contract.Check(rec, f)
	base := f.Start(t)
	get := func(path string) int {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", "token k")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if status := get("/v1.0/notes?leadId=" + worldIDs["leadId"]); status != 200 || len(rec.errs) != 0 {
		t.Fatalf("a valid request: status %d, contract errors %v", status, rec.errs)
	}
	for _, path := range []string{"/v1.0/notes?leadId=abc", "/v1.0/notes?leadId=1&page=2", "/v1.0/no-such-path"} {
		rec.errs = nil
		if status := get(path); status == 200 || len(rec.errs) == 0 {
			t.Errorf("GET %s: status %d, contract errors %v; want a refusal and a report", path, status, rec.errs)
		}
	}
}

// TestCheckCatchesAWrongAnswer: an answer that breaks its schema is
// reported (here, a scripted Hook that the fake's own Observe never sees is
// not: so the fake's answer itself is altered through SetMe).
func TestCheckCatchesAWrongAnswer(t *testing.T) {
	f := fakelofty.New(nil)
	f.SetMe(map[string]any{"id": "not a number"})
	rec := &recorder{}
	contract.Check(rec, f)
	base := f.Start(t)
	req, _ := http.NewRequest(http.MethodGet, base+"/v1.0/me", nil)
	req.Header.Set("Authorization", "token k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(rec.errs) == 0 {
		t.Error("a UserResponse with a string id passed the contract check")
	}
}

// TestProductBinaryDoesNotImportContract: the contract checks (and
// kin-openapi) stay out of the product binary.
func TestProductBinaryDoesNotImportContract(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "github.com/lofty-mcp/lofty-mcp").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v: %s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasSuffix(pkg, "/fakelofty/contract") || strings.HasPrefix(pkg, "github.com/getkin/") {
			t.Errorf("the product binary imports %s", pkg)
		}
	}
}
