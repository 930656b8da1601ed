package e2e

import (
	"bytes"
	"context"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
)

// TestDeletesE2E, through the binary: the deletes toolset is served only
// when named; a delete is asked of the person even with --confirm-writes
// never, on every transport and protocol, and refused to a client that
// cannot ask; `lofty-mcp call` asks on the terminal.
func TestDeletesE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	stdioBin(t)
	fake := faults.New(nil)
	base := fake.Start(t)
	deletes := func(key string) int {
		n := 0
		for _, r := range requestsBy(fake.Fake, key) {
			if r.Method == http.MethodDelete {
				n++
			}
		}
		return n
	}

	all := startActions(t, e2eTransports[0], base, "deletes-all", []string{"--toolsets", "all"})
	for _, name := range all.listed(t) {
		if strings.HasPrefix(name, "delete_") {
			t.Errorf("--toolsets all serves %s", name)
		}
	}

	for _, tr := range e2eTransports {
		t.Run(tr.name, func(t *testing.T) {
			key := "deletes-" + tr.name
			person := &e2ePerson{action: mcp.ElicitationResponseActionDecline}
			s := startActions(t, tr, base, key, []string{"--toolsets", "deletes", "--confirm-writes", "never"},
				client.WithElicitationHandler(person))
			txt := s.ok(t, "delete_timeline_entry", `{"kind": "note", "id": 810005}`)
			if q := person.asked(); len(q) != 1 || !strings.Contains(txt, `"declined"`) || deletes(key) != 0 ||
				!strings.Contains(q[0], `Note: "Maria covered the Kinney Ave follow-up while I was at closing."`) {
				t.Fatalf("declined: %s, asked %q, %d deletes", txt, q, deletes(key))
			}
			person.answer(mcp.ElicitationResponseActionAccept)
			if txt := s.ok(t, "delete_timeline_entry", `{"kind": "log", "id": 850002}`); !strings.Contains(txt, `"done"`) || deletes(key) != 1 {
				t.Errorf("accepted: %s, %d deletes", txt, deletes(key))
			}
		})
	}

	mute := startActions(t, e2eTransports[1], base, "deletes-mute", []string{"--toolsets", "deletes", "--confirm-writes", "never"})
	txt, isErr := mute.call(t, "delete_lead", `{"leadId": 563172647619611, "reason": "Duplicate"}`)
	if !isErr || !strings.Contains(txt, "The person must confirm this change themselves, but this MCP client cannot ask them") ||
		deletes("deletes-mute") != 0 {
		t.Errorf("a client that cannot ask: %s", txt)
	}

	// The command line asks on the terminal.
	for answer, want := range map[string]string{"y\n": `"status": "done"`, "": `"status": "declined"`} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cmd := exec.CommandContext(ctx, stdioBin(t), "--demo", "--toolsets", "deletes", "call", "delete_timeline_entry", `{"kind": "note", "id": 810004}`)
		cmd.Env = stdioEnv()
		cmd.Stdin = strings.NewReader(answer)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		cancel()
		if err != nil || !strings.Contains(out.String(), want) || !strings.Contains(errb.String(), "Delete this note from the lead's timeline?") ||
			!strings.Contains(errb.String(), "Confirm? [y/N]") {
			t.Errorf("answer %q: %v\nstdout %s\nstderr %s", answer, err, out.String(), errb.String())
		}
	}
}
