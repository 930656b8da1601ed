package fakelofty_test

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/internal/opsgen"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

// TestOperationsTableIsCurrent: the generated table is what the generator
// makes of the vendored document (go generate ./... refreshes it).
func TestOperationsTableIsCurrent(t *testing.T) {
	doc, err := os.ReadFile("../testdata/lofty-openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := opsgen.Generate(doc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("zz_generated_operations.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("zz_generated_operations.go is stale (run go generate ./...)")
	}
}

// TestGeneratorRefusesWhatItCannotCheck: a schema keyword the checker does
// not enforce stops the generator.
func TestGeneratorRefusesWhatItCannotCheck(t *testing.T) {
	doc := `{"openapi": "3.0.1", "paths": {"/x": {"post": {"operationId": "x", "requestBody": {"content": {"application/json":
		{"schema": {"type": "object", "properties": {"a": {"type": "string", "pattern": "^a+$"}}}}}}, "responses": {}}}}}`
	if _, err := opsgen.Generate([]byte(doc)); err == nil || !strings.Contains(err.Error(), "pattern") {
		t.Errorf("a pattern keyword: err = %v, want a refusal naming it", err)
	}
}

// TestGenericOperations: an operation is answered generically exactly when
// no area of the world serves it; the count shows what is left to do.
func TestGenericOperations(t *testing.T) {
	f := fakelofty.New(nil)
	generic := fakelofty.GenericOperations()
	for _, op := range fakelofty.Operations() {
		if f.Served(op.ID) == slices.Contains(generic, op.ID) {
			t.Errorf("%s (%s): world-backed %t, generic %t", op.ID, op.Pattern(), f.Served(op.ID), slices.Contains(generic, op.ID))
		}
	}
	t.Logf("%d of %d operations answered generically: %v", len(generic), len(fakelofty.Operations()), generic)
}

// TestRequestsAreChecked: what the document does not allow is answered
// 400 with Lofty's INVALID_PARAMETER code and what was wrong.
func TestRequestsAreChecked(t *testing.T) {
	base := fakelofty.New(nil).Start(t)
	cases := []struct {
		name, method, path, body, want string
	}{
		{"undocumented query parameter", "GET", "/v1.0/notes?leadId=" + jane + "&page=2", "", "query parameter page is not documented"},
		{"integer as text", "GET", "/v1.0/notes?leadId=abc", "", `query parameter leadId: "abc" is not an integer`},
		{"missing required query parameter", "GET", "/v1.0/tasks", "", "query parameter leadId is required"},
		{"below minimum", "GET", "/v1.0/notes/0", "", `path parameter noteId: "0" is not at least 1`},
		{"bad enum", "GET", "/v1.0/logType?leadId=" + jane + "&logType=logFax", "", "not one of logCall, logEmail, logText"},
		{"int32 overflow", "GET", "/v1.0/calls?leadId=" + jane + "&limit=3000000000", "", "is not an integer (int32)"},
		{"missing body field", "POST", "/v2.0/tasks", `{"leadId":` + jane + `}`, "body field type is required"},
		{"string for integer", "POST", "/v1.0/notes", `{"leadId":"` + jane + `","content":"x","isPin":false}`, "body field leadId"},
		{"undocumented body field", "POST", "/v1.0/notes", `{"leadId":` + jane + `,"content":"x","isPin":false,"pinned":true}`, "body field pinned is not documented"},
		{"nested type", "POST", "/v1.0/leads", `{"firstName":"A","inquiry":{"priceMin":"cheap"}}`, "body field inquiry.priceMin"},
		{"array item type", "POST", "/v2.0/working-leads/add", `{"leadIds":[1,"2"]}`, "body field leadIds[1]"},
		{"read-only body field", "POST", "/v1.0/leads/" + jane + "/transaction", `{"transactionName":"x","transactionId":5}`, "transactionId is read-only"},
		{"body where none is documented", "POST", "/v2.0/tasks/860001/finish", `{"done":true}`, "a request body is not documented"},
		{"missing required body", "POST", "/v1.0/notes", "", "the request body is required"},
		{"not JSON", "POST", "/v1.0/notes", `{"leadId":`, "the request body"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := send(t, tc.method, base+tc.path, "token k", "application/json", tc.body)
			var e struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal(body, &e); err != nil || status != 400 || e.Code != 20012 ||
				!strings.HasPrefix(e.Message, "INVALID_PARAMETER: ") || !strings.Contains(e.Message, tc.want) {
				t.Errorf("status %d, body %s; want 400 with code 20012 and %q", status, body, tc.want)
			}
		})
	}
	// The missing header is checked too, and a documented request passes.
	if status, body := send(t, "DELETE", base+"/v1.0/notes/810001", "token k", "", ""); status != 400 || !strings.Contains(string(body), "header Content-Type is required") {
		t.Errorf("DELETE without Content-Type: %d %s", status, body)
	}
	if status, body := send(t, "GET", base+"/v1.0/logType?leadId="+jane+"&logType=logCall&limit=5&sort=id&order=desc", "token k", "", ""); status != 200 {
		t.Errorf("a documented request: %d %s", status, body)
	}
}

// TestDemoWorldIsCoherent: the ids of Jane Smith's history agree across
// endpoints, the demo person is the agent her leads are assigned to, and
// the catalogs hold what the leads carry.
func TestDemoWorldIsCoherent(t *testing.T) {
	d := fakelofty.Demo()
	base := fakelofty.New(d).Start(t)
	me := okJSON(t, base, "/v1.0/me").(map[string]any)
	if me["id"] != json.Number(strconv.FormatInt(fakelofty.DemoUserID, 10)) || me["timeZoneId"] != fakelofty.DemoTimeZone {
		t.Errorf("/v1.0/me = %v, want the demo person %d in %s", me, fakelofty.DemoUserID, fakelofty.DemoTimeZone)
	}
	members := okJSON(t, base, "/v1.0/members").(map[string]any)["members"].([]any)
	ids := map[string]bool{}
	for _, m := range members {
		ids[m.(map[string]any)["id"].(json.Number).String()] = true
	}
	stages := map[string]bool{}
	for _, s := range okJSON(t, base, "/v1.0/teamFeatures/lead-pipelines?pageSize=100").(map[string]any)["pipelines"].([]any) {
		stages[s.(map[string]any)["id"].(json.Number).String()] = true
	}
	tags := map[string]bool{}
	for _, tag := range okJSON(t, base, "/v1.0/teamFeatures/listTag").([]any) {
		tags[tag.(map[string]any)["tagId"].(json.Number).String()] = true
	}
	for _, l := range okJSON(t, base, "/v1.0/leads?limit=100").(map[string]any)["leads"].([]any) {
		lead := l.(map[string]any)
		if id, ok := lead["assignedUserId"].(json.Number); ok && !ids[id.String()] {
			t.Errorf("lead %v is assigned to %s, not a team member", lead["leadId"], id)
		}
		if id, ok := lead["stageId"].(json.Number); ok && !stages[id.String()] {
			t.Errorf("lead %v is in stage %s, not a pipeline stage", lead["leadId"], id)
		}
		for _, tag := range lead["tags"].([]any) {
			if id := tag.(map[string]any)["tagId"].(json.Number).String(); !tags[id] {
				t.Errorf("lead %v has tag %s, not in the team's tags", lead["leadId"], id)
			}
		}
	}
	// Jane's history: every kind, each naming her.
	for path, key := range map[string]string{
		"/v1.0/notes?leadId=" + jane: "notes", "/v1.0/communication/call?leadId=" + jane: "calls",
		"/v1.0/communication/text?leadId=" + jane: "texts", "/v1.0/communication/email?leadId=" + jane: "emails",
		"/v1.0/logType?leadId=" + jane + "&logType=logCall": "logType", "/v1.0/tasks?leadId=" + jane: "taskList",
		"/v2.0/tasks?leadId=" + jane: "tasks", "/v2.0/leads/" + jane + "/activities?limit=100": "activities",
		"/v1.0/systemLogs?leadId=" + jane: "timeLines",
	} {
		items, _ := okJSON(t, base, path).(map[string]any)[key].([]any)
		if len(items) == 0 {
			t.Errorf("GET %s: no %s for Jane", path, key)
		}
		for _, it := range items {
			if it.(map[string]any)["leadId"] != json.Number(jane) {
				t.Errorf("GET %s: an item of another lead: %v", path, it)
			}
		}
	}
	for _, path := range []string{"/v1.0/appts?leadId=" + jane, "/v1.0/leads/" + jane + "/transactions", "/v1.0/leads/" + jane + "/activities"} {
		if items, _ := okJSON(t, base, path).([]any); len(items) == 0 {
			t.Errorf("GET %s: nothing for Jane", path)
		}
	}
	texts := okJSON(t, base, "/v1.0/communication/text?leadId="+jane+"&limit=100").(map[string]any)["texts"].([]any)
	if !slices.ContainsFunc(texts, func(x any) bool { return x.(map[string]any)["textContent"] == fakelofty.AdversarialText }) {
		t.Error("Jane's texts lack the adversarial one")
	}
	if !strings.ContainsRune(fakelofty.AdversarialText, '\u202e') || !strings.Contains(fakelofty.AdversarialText, "\n") {
		t.Error("the adversarial text lacks its bidi override or its newlines")
	}
	// Listings match her inquiry: Austin 78704, $450k-$600k, 3+ beds.
	status, body := send(t, "POST", base+"/v2.0/listings/search", "token k", "application/json",
		`{"searchScope":"all","filterConditions":{"location":{"zipCode":["78704"]},"price":"450000,600000","beds":"3,"}}`)
	var found struct{ Listing []map[string]any }
	if json.Unmarshal(body, &found); status != 200 || len(found.Listing) < 2 {
		t.Errorf("listings for Jane's inquiry: %d %s", status, body)
	}
	// A call seen in a lead's list is the one its id finds.
	if c := okJSON(t, base, "/v1.0/calls/820001").(map[string]any)["calls"].(map[string]any); c["leadId"] != json.Number(jane) {
		t.Errorf("call 820001 = %v", c)
	}
}

// TestWorldWritesArePerCredential: a task, a text, a webhook and a
// trashed lead are seen by the credential that wrote them, by no other.
func TestWorldWritesArePerCredential(t *testing.T) {
	base := fakelofty.New(nil).Start(t)
	const a, b = "token writer", "token reader"
	count := func(auth, path, key string) int {
		status, _, body := get(t, base, path, auth)
		if status != 200 {
			t.Fatalf("GET %s: %d %s", path, status, body)
		}
		var m map[string][]any
		if key == "" {
			var list []any
			json.Unmarshal(body, &list)
			return len(list)
		}
		json.Unmarshal(body, &m)
		return len(m[key])
	}
	tasks := "/v2.0/tasks?leadId=" + jane
	before := count(a, tasks, "tasks")
	if status, body := send(t, "POST", base+"/v2.0/tasks", a, "application/json",
		`{"type":"Call","leadId":`+jane+`,"content":"Call about the inspection","startAt":"2026-03-04T10:00:00-06:00"}`); status != 200 {
		t.Fatalf("add task: %d %s", status, body)
	}
	if got := count(a, tasks, "tasks"); got != before+1 {
		t.Errorf("writer's tasks: %d, want %d", got, before+1)
	}
	if got := count(b, tasks, "tasks"); got != before {
		t.Errorf("reader's tasks: %d, want %d", got, before)
	}
	if status, body := send(t, "POST", base+"/v2.0/tasks/860001/finish", a, "application/json", ""); status != 200 {
		t.Fatalf("finish: %d %s", status, body)
	}
	if _, _, body := get(t, base, "/v2.0/tasks/860001", a); !strings.Contains(string(body), `"finishFlag":true`) {
		t.Errorf("writer's finished task: %s", body)
	}
	texts := "/v1.0/communication/text?leadId=" + jane + "&limit=100"
	n := count(a, texts, "texts")
	if status, body := send(t, "POST", base+"/v1.0/message/sms/send", a, "application/json", `{"leadId":`+jane+`,"content":"Booked for Thursday."}`); status != 200 {
		t.Fatalf("send text: %d %s", status, body)
	}
	if count(a, texts, "texts") != n+1 || count(b, texts, "texts") != n {
		t.Error("the sent text is not the writer's alone")
	}
	if status, body := send(t, "POST", base+"/v1.0/webhook", a, "application/json", `{"listId":10,"callbackUrl":"https://hooks.example.com/tasks"}`); status != 200 {
		t.Fatalf("add webhook: %d %s", status, body)
	}
	if count(a, "/v1.0/webhooks", "") != 2 || count(b, "/v1.0/webhooks", "") != 1 {
		t.Error("the webhook is not the writer's alone")
	}
	if status, body := send(t, "DELETE", base+"/v1.0/leads/"+jane+"?reason=duplicate", a, "application/json", ""); status != 200 {
		t.Fatalf("trash: %d %s", status, body)
	}
	if status, _, _ := get(t, base, "/v1.0/leads/"+jane, a); status != 404 {
		t.Errorf("writer reads a trashed lead: %d, want 404", status)
	}
	if status, _, _ := get(t, base, "/v1.0/leads/"+jane+"?withTrash=true", a); status != 200 {
		t.Errorf("writer reads a trashed lead withTrash: %d, want 200", status)
	}
	if status, _, _ := get(t, base, "/v1.0/leads/"+jane, b); status != 200 {
		t.Errorf("reader reads the lead another trashed: %d, want 200", status)
	}
}

// TestDemoTimesAreFixed: the world's history does not move with the real
// clock, so facts hold on any day; zoned times are in the demo zone.
func TestDemoTimesAreFixed(t *testing.T) {
	base := fakelofty.New(nil).Start(t)
	task := okJSON(t, base, "/v2.0/tasks/860001").(map[string]any)["task"].(map[string]any)
	if task["startAt"] != "2026-03-03T14:00:00-06:00" || task["timeZoneCode"] != fakelofty.DemoTimeZone {
		t.Errorf("task 860001 starts %v in %v, want 2026-03-03T14:00:00-06:00 in %s", task["startAt"], task["timeZoneCode"], fakelofty.DemoTimeZone)
	}
	appt := okJSON(t, base, "/v2.0/calendar?leadId="+jane+"&includeFinished=false&startTime=2026-03-01T00:00:00-06:00").(map[string]any)["data"].(map[string]any)
	if appt["total"] == json.Number("0") {
		t.Errorf("Jane's open calendar items: %v", appt)
	}
}
