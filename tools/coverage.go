package tools

// Uncovered names the documented Lofty operations no tool calls, each with
// the reason, as README's coverage table shows them. Every other operation
// of Lofty's OpenAPI document is in some tool's Upstream; the coverage test
// fails on an operation that is neither.
var Uncovered = map[string]string{
	"GET /v1.0/tasks":             "superseded by Tasks V2 (`GET /v2.0/tasks`, `GET /v2.0/tasks/my-tasks`)",
	"POST /v1.0/tasks":            "superseded by Tasks V2 (`POST /v2.0/tasks`)",
	"GET /v1.0/tasks/{taskId}":    "superseded by Tasks V2 (`GET /v2.0/tasks/{taskId}`)",
	"PUT /v1.0/tasks/{taskId}":    "superseded by Tasks V2 (`PUT /v2.0/tasks/{taskId}`)",
	"DELETE /v1.0/tasks/{taskId}": "superseded by Tasks V2 (`DELETE /v2.0/tasks/{taskId}`)",
	"GET /v1.0/users/{userId}":    "deprecated by Lofty; members are read by account (`GET /v1.0/members/{account}`)",
	"GET /v1.0/communication/call/v2": "a lead's call events with only time, direction and number; get_lead_timeline reads the " +
		"whole call records (`GET /v1.0/calls`, or `GET /v1.0/communication/call` without manage permission)",
}
