package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestCallAsksAtTheTerminal: lofty-mcp call puts the question of a tool
// the person must confirm (administration, deletes) on stderr and reads
// the answer from stdin: "y" makes the change; no answer declines it, and
// nothing is changed.
func TestCallAsksAtTheTerminal(t *testing.T) {
	args := []string{"--demo", "--toolsets", "admin,deletes", "call", "delete_webhook", `{"webhookId": 5001}`}
	for _, tc := range []struct {
		stdin, status string
	}{
		{"", `"status": "declined"`},
		{"no\n", `"status": "declined"`},
		{"y\n", `"status": "done"`},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(tc.stdin), &out, &errOut, func(string) string { return "" })
		if code != exitOK || !strings.Contains(out.String(), tc.status) {
			t.Errorf("answer %q: exit %d, %s; want %s", tc.stdin, code, out.String(), tc.status)
		}
		if !strings.Contains(errOut.String(), "Delete this webhook? Lofty stops posting Note events") ||
			!strings.Contains(errOut.String(), "Confirm? [y/N]") {
			t.Errorf("answer %q: the question on stderr: %q", tc.stdin, errOut.String())
		}
	}
	// A write the person need not confirm is made at once: whoever typed
	// the command asked for it.
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"--demo", "--toolsets", "lead_actions", "call", "add_lead_note",
		`{"leadId": 563172647619608, "content": "Called her"}`}, strings.NewReader(""), &out, &errOut, func(string) string { return "" })
	if code != exitOK || !strings.Contains(out.String(), `"status": "done"`) || strings.Contains(errOut.String(), "Confirm?") {
		t.Errorf("add_lead_note: exit %d, %s, %s", code, out.String(), errOut.String())
	}
}
