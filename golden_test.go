package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil/golden"
	"github.com/lofty-mcp/lofty-mcp/internal/toolgen"
)

// defaultApp is the app as the binary builds it with no flags and an empty
// environment.
func defaultApp(t *testing.T) *app {
	t.Helper()
	cfg, err := parseConfig(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatalf("default config: %v", err)
	}
	a, err := newApp(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("newApp: %v", err)
	}
	return a
}

// toolsListGoldenBytes is the default app's tools/list result, taken the way
// a client sees it (server.HandleMessage, then "result"), indented.
func toolsListGoldenBytes(t *testing.T, a *app) []byte {
	t.Helper()
	resp := a.server.HandleMessage(context.Background(), []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}`))
	raw, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(raw, &env); err != nil || len(env.Result) == 0 {
		t.Fatalf("tools/list gave no result: %s", raw)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, env.Result, "", "  "); err != nil {
		t.Fatal(err)
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// TestToolsListGolden: the default app's tools/list is exactly its tools'
// snapshots, in order. A change to a tool's listing is a reviewed one-file
// diff of its snapshot.
func TestToolsListGolden(t *testing.T) {
	got := toolsListGoldenBytes(t, defaultApp(t))
	if want := golden.ToolsList(t); !bytes.Equal(got, want) {
		t.Errorf("tools/list differs from the snapshots in %s at %s\n"+
			"If the change is intended, regenerate them and review the diff:\n"+
			"\tgo generate ./... && git diff %s",
			toolgen.SnapshotDir, golden.FirstDifference(want, got), toolgen.SnapshotDir)
	}
}

// TestToolsListGoldenIsWhatTheCLIPrints: `lofty-mcp tools --json` prints
// exactly the snapshot (the CLI path and the snapshot cannot drift apart).
func TestToolsListGoldenIsWhatTheCLIPrints(t *testing.T) {
	a := defaultApp(t)
	var stdout, stderr bytes.Buffer
	if code := runTools(context.Background(), a, true, &stdout, &stderr); code != exitOK {
		t.Fatalf("runTools exit %d: %s", code, stderr.String())
	}
	if want := toolsListGoldenBytes(t, a); !bytes.Equal(stdout.Bytes(), want) {
		t.Errorf("`tools --json` output differs from the tools/list result at %s", golden.FirstDifference(want, stdout.Bytes()))
	}
}
