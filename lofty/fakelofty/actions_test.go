package fakelofty_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

// send makes a request with a JSON body (contentType "" for none) and returns the answer.
func send(t *testing.T, method, url, auth, contentType, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

var (
	jane    = strconv.FormatInt(fakelofty.DemoLeadWithAgent, 10)
	omar    = "563172647619613" // not in the working pool
	bigLead = strconv.FormatInt(fakelofty.DemoLeadBeyond53Bits, 10)
)

// TestWriteAnswersConformToDocument: each write endpoint, and the settings,
// answer 200 with the schema the document gives.
func TestWriteAnswersConformToDocument(t *testing.T) {
	d := loadOpenAPI(t)
	base := fakelofty.New(nil).Start(t)
	cases := []struct {
		method, op, path, body string
	}{
		{"get", "/v2.0/sales-agent/settings", "/v2.0/sales-agent/settings", ""},
		{"put", "/v2.0/sales-agents/working-lead/{leadId}/mute", "/v2.0/sales-agents/working-lead/" + jane + "/mute", ""},
		{"post", "/v2.0/working-leads/add", "/v2.0/working-leads/add", `{"leadIds":[` + omar + `],"createPlanTask":true}`},
		{"post", "/v2.0/plan-tasks/create", "/v2.0/plan-tasks/create", `{"leadIds":[` + jane + `,42]}`},
		{"post", "/v2.0/sales-agent/ai-number/send-sms-to-agent", "/v2.0/sales-agent/ai-number/send-sms-to-agent", `{"content":"hi"}`},
		{"post", "/v1.0/notes", "/v1.0/notes", `{"leadId":` + bigLead + `,"content":"Called","isPin":false}`},
		{"post", "/v1.0/leads/{leadId}/assignment", "/v1.0/leads/" + jane + "/assignment", `[{"role":"Agent","assignee":"maria.garcia@example.com"}]`},
	}
	for _, tc := range cases {
		t.Run(strings.ToUpper(tc.method)+" "+tc.op, func(t *testing.T) {
			status, body := send(t, strings.ToUpper(tc.method), base+tc.path, "token k", "application/json", tc.body)
			if status != 200 {
				t.Fatalf("status %d: %s", status, body)
			}
			schema := d.responseRef(t, tc.op, tc.method, "200")
			for _, p := range d.validate(decodeNumbers(t, body), d.Components.Schemas[schema], schema) {
				t.Error(p)
			}
		})
	}
}

// TestWriteErrorsAreDocumented: bad bodies, leads the caller cannot reach
// and unknown team members get the statuses the document lists; a body
// without Content-Type: application/json gets 415.
func TestWriteErrorsAreDocumented(t *testing.T) {
	d := loadOpenAPI(t)
	data := fakelofty.Demo()
	data.Settings = nil
	noSettings := fakelofty.New(data).Start(t)
	base := fakelofty.New(nil).Start(t)
	forbidden := strconv.FormatInt(fakelofty.DemoLeadForbidden, 10)
	cases := []struct {
		name, method, op, path, body string
		status                       int
		base                         string
	}{
		{"mute bad id", "put", "/v2.0/sales-agents/working-lead/{leadId}/mute", "/v2.0/sales-agents/working-lead/abc/mute", "", 400, ""},
		{"mute forbidden", "put", "/v2.0/sales-agents/working-lead/{leadId}/mute", "/v2.0/sales-agents/working-lead/" + forbidden + "/mute", "", 403, ""},
		{"add no leads", "post", "/v2.0/working-leads/add", "/v2.0/working-leads/add", `{"leadIds":[]}`, 400, ""},
		{"add 101 leads", "post", "/v2.0/working-leads/add", "/v2.0/working-leads/add", `{"leadIds":[` + strings.Repeat("1,", 100) + `1]}`, 400, ""},
		{"add not JSON", "post", "/v2.0/working-leads/add", "/v2.0/working-leads/add", `leadIds=1`, 400, ""},
		{"plan tasks no leads", "post", "/v2.0/plan-tasks/create", "/v2.0/plan-tasks/create", `{}`, 400, ""},
		{"sms blank", "post", "/v2.0/sales-agent/ai-number/send-sms-to-agent", "/v2.0/sales-agent/ai-number/send-sms-to-agent", `{"content":"  "}`, 400, ""},
		{"sms without a virtual number", "post", "/v2.0/sales-agent/ai-number/send-sms-to-agent", "/v2.0/sales-agent/ai-number/send-sms-to-agent", `{"content":"hi"}`, 400, noSettings},
		{"settings without an agent", "get", "/v2.0/sales-agent/settings", "/v2.0/sales-agent/settings", "", 404, noSettings},
		{"note blank", "post", "/v1.0/notes", "/v1.0/notes", `{"leadId":` + jane + `,"content":" ","isPin":false}`, 400, ""},
		{"note without isPin", "post", "/v1.0/notes", "/v1.0/notes", `{"leadId":` + jane + `,"content":"x"}`, 400, ""},
		{"note on another team's lead", "post", "/v1.0/notes", "/v1.0/notes", `{"leadId":` + forbidden + `,"content":"x","isPin":false}`, 404, ""},
		{"note on no lead", "post", "/v1.0/notes", "/v1.0/notes", `{"leadId":42,"content":"x","isPin":false}`, 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := base
			if tc.base != "" {
				b = tc.base
			}
			status, body := send(t, strings.ToUpper(tc.method), b+tc.path, "token k", "application/json", tc.body)
			if status != tc.status {
				t.Fatalf("status %d (%s), want %d", status, body, tc.status)
			}
			if _, ok := d.operation(t, tc.op, tc.method).Responses[strconv.Itoa(status)]; !ok {
				t.Errorf("status %d is not documented for %s %s", status, tc.method, tc.op)
			}
			if len(strings.TrimSpace(string(body))) == 0 {
				t.Error("empty error body")
			}
		})
	}
	// Assignment documents only its 200; the fake refuses what Lofty would.
	for name, body := range map[string]string{
		"unknown role":   `[{"role":"Boss","assignee":"maria.garcia@example.com"}]`,
		"unknown member": `[{"role":"Agent","assignee":"nobody@example.com"}]`,
		"empty list":     `[]`,
		"not a list":     `{"role":"Agent"}`,
	} {
		if status, got := send(t, "POST", base+"/v1.0/leads/"+jane+"/assignment", "token k", "application/json", body); status != 400 {
			t.Errorf("assignment, %s: status %d (%s), want 400", name, status, got)
		}
	}
	if status, _ := send(t, "POST", base+"/v1.0/leads/"+forbidden+"/assignment", "token k", "application/json",
		`[{"role":"Agent","assignee":"maria.garcia@example.com"}]`); status != 404 {
		t.Errorf("assignment of another team's lead: status %d, want 404", status)
	}
	if status, _ := send(t, "POST", base+"/v1.0/notes", "token k", "", `{"leadId":1,"content":"x","isPin":false}`); status != 415 {
		t.Errorf("note without Content-Type: status %d, want 415", status)
	}
	if status, _ := send(t, "POST", base+"/v1.0/notes", "", "application/json", `{"leadId":1,"content":"x","isPin":false}`); status != 401 {
		t.Errorf("note without Authorization: status %d, want 401", status)
	}
	if status, _ := send(t, "GET", base+"/v2.0/working-leads/add", "token k", "", ""); status != 405 {
		t.Errorf("GET on a POST-only endpoint: status %d, want 405", status)
	}
}

// TestWritesArePerCredential: what one credential writes, it reads back at
// once; another credential, and the seeded data, see nothing of it.
func TestWritesArePerCredential(t *testing.T) {
	f := fakelofty.New(nil)
	base := f.Start(t)
	const a, b = "token key-a", "Bearer token-b"
	muted := func(auth, lead string) string {
		status, _, body := get(t, base, "/v2.0/sales-agent/lead/mute-status?leadId="+lead, auth)
		if status != 200 {
			t.Fatalf("mute status: %d %s", status, body)
		}
		return string(body)
	}
	if got := muted(a, jane); !strings.Contains(got, `"false"`) {
		t.Fatalf("before: %s", got)
	}
	if status, body := send(t, "PUT", base+"/v2.0/sales-agents/working-lead/"+jane+"/mute", a, "application/json", ""); status != 200 {
		t.Fatalf("mute: %d %s", status, body)
	}
	if got := muted(a, jane); !strings.Contains(got, `"true"`) {
		t.Errorf("a after its mute: %s, want true", got)
	}
	if got := muted(b, jane); !strings.Contains(got, `"false"`) {
		t.Errorf("b after a's mute: %s, want false", got)
	}

	if status, body := send(t, "POST", base+"/v2.0/working-leads/add", a, "application/json", `{"leadIds":[`+omar+`]}`); status != 200 {
		t.Fatalf("add: %d %s", status, body)
	}
	for auth, want := range map[string]string{a: `"leadId":` + omar, b: `{}`} {
		if _, _, body := get(t, base, "/v2.0/sales-agents/working-lead/"+omar, auth); !strings.Contains(string(body), want) {
			t.Errorf("%s: working lead %s, want %s", auth, body, want)
		}
	}

	status, body := send(t, "POST", base+"/v1.0/notes", a, "application/json",
		`{"leadId":`+bigLead+`,"content":"`+strings.Repeat("é", 2100)+`","isPin":true}`)
	if status != 200 || !strings.Contains(string(body), `"noteId":9007199254741`) {
		t.Fatalf("note: %d %s, want a note ID above 2^53", status, body)
	}
	notes := f.Notes(a, fakelofty.DemoLeadBeyond53Bits)
	if len(notes) != 1 || len([]rune(notes[0].Content)) != 2000 || !notes[0].Pinned {
		t.Errorf("a's notes %+v, want one pinned note cut to 2000 characters", notes)
	}
	if n := f.Notes(b, fakelofty.DemoLeadBeyond53Bits); len(n) != 0 {
		t.Errorf("b has a's notes: %+v", n)
	}

	if status, body := send(t, "POST", base+"/v1.0/leads/"+jane+"/assignment", a, "application/json",
		`[{"role":"Agent","assignee":"Maria.Garcia@example.com"},{"role":"Lender","assignee":"sam.lee@example.com"}]`); status != 200 {
		t.Fatalf("assign: %d %s", status, body)
	}
	if got := f.DataFor(a).Leads[fakelofty.DemoLeadWithAgent]; got.AssignedUser != "Maria Garcia" || got.Roles["Internal LO"].Name != "Sam Lee" {
		t.Errorf("a's lead after the assignment: owner %q, roles %v", got.AssignedUser, got.Roles)
	}
	if got := f.DataFor(b).Leads[fakelofty.DemoLeadWithAgent]; got.AssignedUser != "John Doe" {
		t.Errorf("b's lead owner %q, want John Doe", got.AssignedUser)
	}
	if f.Data().Leads[fakelofty.DemoLeadWithAgent].Muted || f.Data().Leads[fakelofty.DemoLeadWithAgent].AssignedUser != "John Doe" {
		t.Error("the seeded data changed")
	}

	status, body = send(t, "POST", base+"/v2.0/plan-tasks/create", b, "application/json", `{"leadIds":[`+jane+`,`+omar+`]}`)
	if status != 200 || !strings.Contains(string(body), `"succeededLeadIds":[`+jane+`]`) || !strings.Contains(string(body), `"failedLeadIds":[`+omar+`]`) {
		t.Errorf("b's plan tasks (Omar is in a's pool only): %d %s", status, body)
	}
	if _, _, body := get(t, base, "/v2.0/plan-tasks/lead/"+jane, b); strings.Count(string(body), `"id"`) != 4 {
		t.Errorf("b's tasks for Jane: %s, want the 3 seeded and 1 new", body)
	}
	if _, _, body := get(t, base, "/v2.0/plan-tasks/lead/"+jane, a); strings.Count(string(body), `"id"`) != 3 {
		t.Errorf("a's tasks for Jane: %s, want the 3 seeded", body)
	}

	if status, _ := send(t, "POST", base+"/v2.0/sales-agent/ai-number/send-sms-to-agent", b, "application/json", `{"content":"summary"}`); status != 200 {
		t.Fatal(status)
	}
	if got := f.Texts(b); len(got) != 1 || got[0] != "summary" || len(f.Texts(a)) != 0 {
		t.Errorf("texts: b %v, a %v", got, f.Texts(a))
	}
}

// TestConcurrentWritesAndReads: writes and reads by several credentials at
// once (run with -race).
func TestConcurrentWritesAndReads(t *testing.T) {
	f := fakelofty.New(nil)
	base := f.Start(t)
	var wg sync.WaitGroup
	for i := range 8 {
		auth := "token k" + strconv.Itoa(i%3)
		wg.Go(func() {
			for range 5 {
				send(t, "POST", base+"/v1.0/notes", auth, "application/json", `{"leadId":`+jane+`,"content":"x","isPin":false}`)
				send(t, "PUT", base+"/v2.0/sales-agents/working-lead/"+jane+"/mute", auth, "application/json", "")
				get(t, base, "/v1.0/leads/"+jane, auth)
				get(t, base, "/v2.0/working-leads", auth)
			}
		})
	}
	wg.Wait()
	total := 0
	for i := range 3 {
		total += len(f.Notes("token k"+strconv.Itoa(i), fakelofty.DemoLeadWithAgent))
	}
	if total != 40 {
		t.Errorf("%d notes stored, want 40", total)
	}
}
