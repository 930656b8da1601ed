package e2e

// End-to-end tests of lofty-mcp over stdio and of its command line: the real
// binary (built once, with -race when the tests run with -race), driven by
// mcp-go's stdio client (pinned to 2025-11-25 and with its default, the
// stateless 2026-07-28 protocol) and by raw pipes, against the fake Lofty on
// loopback.
//
//	go test -race -run 'TestStdio|TestCLI' .

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/internal/testutil/golden"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

const (
	// stdioVersion is stamped into the test binary.
	stdioVersion = testutil.BinaryVersion
	// stdioSecret is the API key the binary is given; it must never appear
	// on its stdout or stderr.
	stdioSecret = "lk_e2e_SECRET_7d3f9a1c5e2b8d4f6a0c"
	// stdioExitWait bounds how long a test waits for the process to exit.
	// It is below stdio.go's 10s drain timeout, so a server that exits only
	// after giving up on draining fails the test.
	stdioExitWait = 5 * time.Second
)

// stdioBin is lofty-mcp built once for every test of the package.
func stdioBin(t *testing.T) string { return testutil.Binary(t) }

// stdioEnv is a clean environment plus the given NAME=value pairs. A data
// race in the child makes it exit 66; atexit_sleep_ms=0 spares the race
// runtime's one-second pause at every exit.
func stdioEnv(vars ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "GORACE=exitcode=66 atexit_sleep_ms=0"}, vars...)
}

// stdioProc is a running lofty-mcp with its pipes.
type stdioProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.Reader // everything read from it is also recorded in out
	pipe   *os.File  // the read end of the child's stdout
	out    *testutil.SyncBuffer
	stderr *testutil.SyncBuffer
	exited chan struct{}
	code   int
}

// startStdio starts the binary with env and args. Its stdout is an OS pipe
// the test reads (and records); stderr is captured.
func startStdio(t *testing.T, env []string, args ...string) *stdioProc {
	t.Helper()
	p := &stdioProc{out: &testutil.SyncBuffer{}, stderr: &testutil.SyncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(stdioBin(t), args...)
	p.cmd.Env = env
	p.cmd.Stderr = p.stderr
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout = pw
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_ = pw.Close() // the child holds the write end now
	p.stdout = io.TeeReader(pr, p.out)
	p.pipe = pr
	go func() {
		_ = p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		_ = pr.Close()
		if strings.Contains(p.stderr.String(), "WARNING: DATA RACE") {
			t.Errorf("the server had a data race:\n%s", p.stderr.String())
		}
	})
	return p
}

// wait returns the exit code, failing t if the process is still running
// after stdioExitWait.
func (p *stdioProc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.code
	case <-time.After(stdioExitWait):
		t.Fatalf("lofty-mcp did not exit within %s\nstderr:\n%s", stdioExitWait, p.stderr.String())
		return -1
	}
}

func (p *stdioProc) send(t *testing.T, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if _, err := io.WriteString(p.stdin, l+"\n"); err != nil {
			t.Fatalf("writing to stdin: %v", err)
		}
	}
}

// readLine reads one line from stdout, failing t if none comes within
// stdioExitWait. Its buffering may swallow what follows the line: use it
// only when that line is the last thing read.
func (p *stdioProc) readLine(t *testing.T) string {
	t.Helper()
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		line, err := bufio.NewReader(p.stdout).ReadString('\n')
		done <- result{line, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("reading stdout: %v\nstderr:\n%s", r.err, p.stderr.String())
		}
		return r.line
	case <-time.After(stdioExitWait):
		t.Fatalf("no line on stdout within %s\nstderr:\n%s", stdioExitWait, p.stderr.String())
		return ""
	}
}

// readAll reads stdout to EOF (the process closed it) and returns the lines.
func (p *stdioProc) readAll(t *testing.T) []string {
	t.Helper()
	done := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(p.stdout)
		done <- b
	}()
	select {
	case b := <-done:
		return nonEmptyLines(string(b))
	case <-time.After(stdioExitWait):
		t.Fatalf("stdout not closed within %s\nstderr:\n%s", stdioExitWait, p.stderr.String())
		return nil
	}
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// jsonrpcMessage is any JSON-RPC 2.0 message, with the result kept raw.
type jsonrpcMessage struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Result  json.RawMessage `json:"result"`
	Error   json.RawMessage `json:"error"`
}

// requireJSONRPC fails t unless every line is one JSON-RPC 2.0 message; it
// returns the responses by id.
func requireJSONRPC(t *testing.T, lines []string) map[string]jsonrpcMessage {
	t.Helper()
	byID := map[string]jsonrpcMessage{}
	for i, l := range lines {
		var m jsonrpcMessage
		dec := json.NewDecoder(strings.NewReader(l))
		if err := dec.Decode(&m); err != nil || dec.More() {
			t.Errorf("stdout line %d is not one JSON object: %q", i+1, l)
			continue
		}
		isResponse := len(m.ID) > 0 && m.Method == "" && (len(m.Result) > 0) != (len(m.Error) > 0)
		isRequestOrNotification := m.Method != "" && len(m.Result) == 0 && len(m.Error) == 0
		if m.JSONRPC != "2.0" || (!isResponse && !isRequestOrNotification) {
			t.Errorf("stdout line %d is not a JSON-RPC 2.0 message: %q", i+1, l)
			continue
		}
		if isResponse {
			byID[string(m.ID)] = m
		}
	}
	return byID
}

const (
	initializeLine  = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw-e2e","version":"0"}}}`
	initializedLine = `{"jsonrpc":"2.0","method":"notifications/initialized"}`
)

func callLine(id int, args string) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_sales_agent_by_lead","arguments":%s}}`, id, args)
}

// toolResult decodes a tools/call result exactly (numbers as json.Number).
type toolResult struct {
	IsError bool `json:"isError"`
	Content []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content"`
	StructuredContent map[string]any `json:"structuredContent"`
}

func decodeToolResult(t *testing.T, m jsonrpcMessage) toolResult {
	t.Helper()
	if len(m.Result) == 0 {
		t.Fatalf("response %s has no result (error %s)", m.ID, m.Error)
	}
	var r toolResult
	dec := json.NewDecoder(bytes.NewReader(m.Result))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil {
		t.Fatal(err)
	}
	if len(r.Content) != 1 || r.Content[0].Type != "text" {
		t.Fatalf("result %s: want exactly one text block", m.Result)
	}
	return r
}

// ---- mcp-go's stdio client ----

func TestStdioE2E(t *testing.T) {
	for _, p := range []struct {
		name string
		opts []client.ClientOption
		want string
	}{
		{"2025-11-25", []client.ClientOption{client.WithProtocolVersion(mcp.ProtocolVersion20251125)}, mcp.ProtocolVersion20251125},
		{"default", nil, mcp.LATEST_PROTOCOL_VERSION},
	} {
		t.Run(p.name, func(t *testing.T) {
			fake := fakelofty.New(nil)
			base := fake.Start(t)
			proc := startStdio(t, stdioEnv("LOFTY_BASE_URL="+base, "LOFTY_API_KEY="+stdioSecret), "--log-level", "debug")

			// The client reads the process's stdout through proc.stdout, so
			// every byte it sees is recorded for the JSON-RPC check.
			c := client.NewClient(transport.NewIO(proc.stdout, proc.stdin, nil), p.opts...)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := c.Start(ctx); err != nil {
				t.Fatal(err)
			}
			init := mcp.InitializeRequest{}
			init.Params.ClientInfo = mcp.Implementation{Name: "e2e", Version: "0"}
			res, err := c.Initialize(ctx, init)
			if err != nil {
				t.Fatalf("initialize: %v\nstderr:\n%s", err, proc.stderr.String())
			}
			if res.ProtocolVersion != p.want {
				t.Errorf("protocol %q, want %q", res.ProtocolVersion, p.want)
			}
			if res.ServerInfo.Name != "lofty-mcp" || res.ServerInfo.Version != stdioVersion {
				t.Errorf("serverInfo %+v, want lofty-mcp %s", res.ServerInfo, stdioVersion)
			}

			list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			var listed bool
			for _, tool := range list.Tools {
				if tool.Name == "get_sales_agent_by_lead" {
					listed = true
					if tool.InputSchema.Type != "object" || tool.OutputSchema.Type != "object" {
						t.Errorf("schemas: input %q output %q", tool.InputSchema.Type, tool.OutputSchema.Type)
					}
				}
			}
			if !listed {
				t.Errorf("tools/list lacks get_sales_agent_by_lead: %+v", list.Tools)
			}

			call := func(args string) *mcp.CallToolResult {
				req := mcp.CallToolRequest{}
				req.Params.Name = "get_sales_agent_by_lead"
				req.Params.Arguments = json.RawMessage(args)
				r, err := c.CallTool(ctx, req)
				if err != nil {
					t.Fatalf("tools/call %s: %v", args, err)
				}
				return r
			}
			ok := call(`{"leadId": 9007199254740993}`)
			if ok.IsError || len(ok.Content) != 1 {
				t.Fatalf("call: %+v", ok)
			}
			if txt, _ := mcp.AsTextContent(ok.Content[0]); txt == nil || !strings.Contains(txt.Text, `"id":9007199254740995`) {
				t.Errorf("text block %v lacks the exact id 9007199254740995", ok.Content[0])
			}
			reqs := fake.Requests()
			if len(reqs) != 1 {
				t.Fatalf("fake saw %d requests, want 1", len(reqs))
			}
			if reqs[0].RawQuery != "leadId=9007199254740993" {
				t.Errorf("Lofty got %q, want leadId=9007199254740993", reqs[0].RawQuery)
			}
			if reqs[0].Authorization != "token "+stdioSecret || reqs[0].UserAgent != "lofty-mcp/"+stdioVersion {
				t.Errorf("Lofty got Authorization %q, User-Agent %q", reqs[0].Authorization, reqs[0].UserAgent)
			}

			notFound := call(fmt.Sprintf(`{"leadId": %d}`, fakelofty.DemoLeadWithoutAgent))
			if txt, _ := mcp.AsTextContent(notFound.Content[0]); !notFound.IsError || txt == nil || !strings.Contains(txt.Text, "has no AI sales agent") {
				t.Errorf("404 call: %+v", notFound)
			}
			invalid := call(`{"leadId": 0}`)
			if txt, _ := mcp.AsTextContent(invalid.Content[0]); !invalid.IsError || txt == nil || !strings.Contains(txt.Text, `"leadId"`) {
				t.Errorf("invalid call: %+v", invalid)
			}
			if n := fake.RequestCount(); n != 2 {
				t.Errorf("fake saw %d requests, want 2 (the invalid call must not reach Lofty)", n)
			}

			_ = c.Close() // closes stdin
			if code := proc.wait(t); code != 0 {
				t.Errorf("exit code %d after stdin closed, want 0\nstderr:\n%s", code, proc.stderr.String())
			}
			requireJSONRPC(t, nonEmptyLines(proc.out.String()))
			if strings.Contains(proc.stderr.String()+proc.out.String(), stdioSecret) {
				t.Error("the API key appeared on stdout or stderr")
			}
		})
	}
}

// ---- raw pipes ----

// TestStdioAnswersAfterStdinCloses: a client that writes its request and
// closes stdin at once still gets the answer, every stdout line is
// JSON-RPC, and the process exits 0.
func TestStdioAnswersAfterStdinCloses(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	var arrivedOnce, releaseOnce sync.Once
	releaseAll := func() { releaseOnce.Do(func() { close(release) }) }
	fake := fakelofty.New(nil)
	fake.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		arrivedOnce.Do(func() { close(arrived) })
		select { // hold Lofty's answer until stdin is surely closed
		case <-release:
		case <-r.Context().Done():
		}
		return false
	}
	base := fake.Start(t)
	t.Cleanup(releaseAll) // registered after Start, so it runs before the fake's server is closed
	proc := startStdio(t, stdioEnv("LOFTY_BASE_URL="+base, "LOFTY_API_KEY="+stdioSecret))
	proc.send(t, initializeLine, initializedLine, callLine(2, `{"leadId": 9007199254740993}`))
	_ = proc.stdin.Close()
	select {
	case <-arrived:
	case <-time.After(stdioExitWait):
		t.Fatalf("the call never reached Lofty\nstderr:\n%s", proc.stderr.String())
	}
	releaseAll()

	lines := proc.readAll(t)
	if code := proc.wait(t); code != 0 {
		t.Errorf("exit code %d, want 0\nstderr:\n%s", code, proc.stderr.String())
	}
	byID := requireJSONRPC(t, lines)
	if _, ok := byID["1"]; !ok {
		t.Errorf("initialize not answered; stdout:\n%s", strings.Join(lines, "\n"))
	}
	m, ok := byID["2"]
	if !ok {
		t.Fatalf("tools/call not answered after stdin closed; stdout:\n%s\nstderr:\n%s", strings.Join(lines, "\n"), proc.stderr.String())
	}
	r := decodeToolResult(t, m)
	if r.IsError {
		t.Fatalf("isError: %s", r.Content[0].Text)
	}
	if r.StructuredContent["id"] != json.Number("9007199254740995") {
		t.Errorf("structuredContent id = %v, want exactly 9007199254740995", r.StructuredContent["id"])
	}
	if got := fake.Requests()[0].RawQuery; got != "leadId=9007199254740993" {
		t.Errorf("Lofty got %q", got)
	}
}

func TestStdioSignalWhileIdle(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			proc := startStdio(t, stdioEnv("LOFTY_API_KEY="+stdioSecret, "LOFTY_BASE_URL=http://127.0.0.1:9"))
			proc.send(t, initializeLine)
			requireJSONRPC(t, []string{proc.readLine(t)})
			if err := proc.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if code := proc.wait(t); code != 0 {
				t.Errorf("exit code %d after %v, want 0\nstderr:\n%s", code, sig, proc.stderr.String())
			}
		})
	}
}

// TestStdioNeverLogsTheCredential: at debug level, in both log formats, with
// Lofty echoing the Authorization header back in error bodies, the API key
// appears neither on stderr nor on stdout.
func TestStdioNeverLogsTheCredential(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			fake := fakelofty.New(nil)
			fake.Hook = func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Query().Get("leadId") != "1" {
					return false
				}
				auth := r.Header.Get("Authorization")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"code":"%s","message":"bad credential %s"}`, auth, auth)
				return true
			}
			base := fake.Start(t)
			proc := startStdio(t, stdioEnv("LOFTY_BASE_URL="+base, "LOFTY_API_KEY="+stdioSecret),
				"--log-level", "debug", "--log-format", format)
			proc.send(t, initializeLine, initializedLine,
				callLine(2, fmt.Sprintf(`{"leadId": %d}`, fakelofty.DemoLeadWithAgent)),
				callLine(3, `{"leadId": 1}`),
				callLine(4, `{"leadId": "abc"}`),
				callLine(5, fmt.Sprintf(`{"leadId": %d}`, fakelofty.DemoLeadForbidden)))
			_ = proc.stdin.Close()
			lines := proc.readAll(t)
			if code := proc.wait(t); code != 0 {
				t.Errorf("exit code %d", code)
			}
			byID := requireJSONRPC(t, lines)
			if len(byID) != 5 {
				t.Errorf("%d responses, want 5", len(byID))
			}
			if r := decodeToolResult(t, byID["3"]); !r.IsError || !strings.Contains(r.Content[0].Text, "LOFTY_API_KEY") {
				t.Errorf("401 result: %+v", r)
			}
			stderr := proc.stderr.String()
			if !strings.Contains(stderr, "lofty request") {
				t.Errorf("no debug log of Lofty requests on stderr; is --log-level debug honoured?\n%s", stderr)
			}
			for name, s := range map[string]string{"stderr": stderr, "stdout": proc.out.String()} {
				if strings.Contains(s, stdioSecret) {
					t.Errorf("the API key appears on %s:\n%s", name, s)
				}
			}
		})
	}
}

func TestStdioBothCredentialsRefused(t *testing.T) {
	proc := startStdio(t, stdioEnv("LOFTY_API_KEY="+stdioSecret, "LOFTY_ACCESS_TOKEN=at_other_secret_123"))
	_ = proc.stdin.Close()
	lines := proc.readAll(t)
	if code := proc.wait(t); code == 0 {
		t.Error("exit code 0 with both credentials set, want non-zero")
	}
	stderr := proc.stderr.String()
	if !strings.Contains(stderr, "LOFTY_API_KEY") || !strings.Contains(stderr, "LOFTY_ACCESS_TOKEN") {
		t.Errorf("stderr does not name both variables:\n%s", stderr)
	}
	if strings.Contains(stderr, stdioSecret) || strings.Contains(stderr, "at_other_secret_123") {
		t.Errorf("stderr shows a secret:\n%s", stderr)
	}
	if len(lines) != 0 {
		t.Errorf("stdout is not empty: %q", lines)
	}
}

func TestStdioNoCredentials(t *testing.T) {
	fake := fakelofty.New(nil)
	base := fake.Start(t)
	proc := startStdio(t, stdioEnv("LOFTY_BASE_URL="+base))
	proc.send(t, initializeLine, initializedLine, callLine(2, fmt.Sprintf(`{"leadId": %d}`, fakelofty.DemoLeadWithAgent)))
	_ = proc.stdin.Close()
	lines := proc.readAll(t)
	if code := proc.wait(t); code != 0 {
		t.Errorf("exit code %d, want 0: the server starts without credentials\nstderr:\n%s", code, proc.stderr.String())
	}
	byID := requireJSONRPC(t, lines)
	r := decodeToolResult(t, byID["2"])
	if !r.IsError || !strings.Contains(r.Content[0].Text, "LOFTY_API_KEY") || !strings.Contains(r.Content[0].Text, "LOFTY_ACCESS_TOKEN") {
		t.Errorf("result %+v, want isError naming LOFTY_API_KEY and LOFTY_ACCESS_TOKEN", r)
	}
	if fake.RequestCount() != 0 {
		t.Error("a request reached Lofty without credentials")
	}
	if !strings.Contains(proc.stderr.String(), "LOFTY_API_KEY") {
		t.Errorf("no start-up warning naming LOFTY_API_KEY on stderr:\n%s", proc.stderr.String())
	}
}

func TestStdioDemoInstructions(t *testing.T) {
	proc := startStdio(t, stdioEnv(), "--demo")
	proc.send(t, initializeLine, initializedLine, callLine(2, fmt.Sprintf(`{"leadId": %d}`, fakelofty.DemoLeadWithAgent)))
	_ = proc.stdin.Close()
	lines := proc.readAll(t)
	if code := proc.wait(t); code != 0 {
		t.Errorf("exit code %d", code)
	}
	byID := requireJSONRPC(t, lines)
	var init struct {
		Instructions string `json:"instructions"`
	}
	_ = json.Unmarshal(byID["1"].Result, &init)
	if !strings.Contains(init.Instructions, "DEMO") || !strings.Contains(strings.ToLower(init.Instructions), "sample data") {
		t.Errorf("demo instructions %q do not say the data is demo data", init.Instructions)
	}
	if r := decodeToolResult(t, byID["2"]); r.IsError || r.StructuredContent["assistantName"] != "John's AI Assistant" {
		t.Errorf("demo call: %+v", r)
	}
}

// ---- the command line ----

// runCLI runs the binary to completion and returns its exit code and output.
func runCLI(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	bin := stdioBin(t) // built (once) before the clock starts
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("running %v: %v", args, err)
	}
	if strings.Contains(errb.String(), "WARNING: DATA RACE") {
		t.Errorf("data race in %v:\n%s", args, errb.String())
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

func TestCLIVersion(t *testing.T) {
	code, out, _ := runCLI(t, stdioEnv(), "--version")
	if code != 0 || out != "lofty-mcp "+stdioVersion+"\n" {
		t.Errorf("--version: exit %d, stdout %q; want 0 and %q", code, out, "lofty-mcp "+stdioVersion+"\n")
	}
}

func TestCLICall(t *testing.T) {
	t.Run("demo lead with an agent", func(t *testing.T) {
		code, out, stderr := runCLI(t, stdioEnv(), "--demo", "call", "get_sales_agent_by_lead", fmt.Sprintf(`{"leadId": %d}`, fakelofty.DemoLeadWithAgent))
		if code != 0 {
			t.Fatalf("exit %d, stderr %s", code, stderr)
		}
		// --demo moves the demo world to today: so does the agent expected.
		demo := fakelofty.Demo()
		demo.MoveTo(time.Now)
		want, _ := json.Marshal(demo.Leads[fakelofty.DemoLeadWithAgent].SalesAgent)
		if !sameJSON(t, []byte(out), want) {
			t.Errorf("stdout\n%s\nwant the demo agent\n%s", out, want)
		}
	})
	t.Run("64-bit ids printed exactly", func(t *testing.T) {
		code, out, stderr := runCLI(t, stdioEnv(), "call", "--demo", "get_sales_agent_by_lead", `{"leadId": "9007199254740993"}`)
		if code != 0 || !strings.Contains(out, `"id": 9007199254740995`) {
			t.Errorf("exit %d, stdout %s, stderr %s", code, out, stderr)
		}
	})
	t.Run("demo lead without an agent", func(t *testing.T) {
		code, out, stderr := runCLI(t, stdioEnv(), "--demo", "call", "get_sales_agent_by_lead", fmt.Sprintf(`{"leadId": %d}`, fakelofty.DemoLeadWithoutAgent))
		if code != 1 || out != "" || !strings.Contains(stderr, "has no AI sales agent") {
			t.Errorf("exit %d, stdout %q, stderr %q; want 1, nothing, the sentence", code, out, stderr)
		}
	})
	t.Run("invalid arguments", func(t *testing.T) {
		code, _, stderr := runCLI(t, stdioEnv(), "--demo", "call", "get_sales_agent_by_lead", `{"leadId": 0}`)
		if code != 1 || !strings.Contains(stderr, `"leadId"`) {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("against Lofty with an API key", func(t *testing.T) {
		fake := fakelofty.New(nil)
		base := fake.Start(t)
		code, out, stderr := runCLI(t, stdioEnv("LOFTY_BASE_URL="+base, "LOFTY_API_KEY="+stdioSecret),
			"call", "get_sales_agent_by_lead", `{"leadId": 9223372036854775807}`)
		if code != 0 || !strings.Contains(out, `"id": 9223372036854775806`) {
			t.Errorf("exit %d, stdout %s, stderr %s", code, out, stderr)
		}
		if reqs := fake.Requests(); len(reqs) != 1 || reqs[0].RawQuery != "leadId=9223372036854775807" || reqs[0].Authorization != "token "+stdioSecret {
			t.Errorf("fake saw %+v", reqs)
		}
		if strings.Contains(out+stderr, stdioSecret) {
			t.Error("the API key was printed")
		}
	})
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	for _, p := range []struct {
		raw []byte
		v   *any
	}{{a, &x}, {b, &y}} {
		dec := json.NewDecoder(bytes.NewReader(p.raw))
		dec.UseNumber()
		if err := dec.Decode(p.v); err != nil {
			t.Errorf("not JSON: %s", p.raw)
			return false
		}
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}

func TestCLITools(t *testing.T) {
	code, out, stderr := runCLI(t, stdioEnv(), "--demo", "tools")
	if code != 0 || !strings.Contains(out, "TOOL") || !strings.Contains(out, "get_sales_agent_by_lead") ||
		!strings.Contains(out, "Get sales agent by lead") || !strings.Contains(out, "sales_agents") {
		t.Errorf("tools: exit %d, stdout %q, stderr %q", code, out, stderr)
	}

	code, out, stderr = runCLI(t, stdioEnv(), "tools", "--json")
	if code != 0 {
		t.Fatalf("tools --json: exit %d, stderr %s", code, stderr)
	}
	if want := golden.ToolsList(t); out != string(want) {
		t.Errorf("`tools --json` differs from the tool snapshots at %s", golden.FirstDifference(want, []byte(out)))
	}
}

func TestCLIUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		env  []string
		args []string
		want string // in stderr
	}{
		{"unknown flag", nil, []string{"--nope"}, "nope"},
		{"bad log level", nil, []string{"--log-level", "loud"}, "--log-level"},
		{"bad log format", nil, []string{"--log-format", "xml"}, "--log-format"},
		{"unknown command", nil, []string{"frobnicate"}, "frobnicate"},
		{"tools with arguments", nil, []string{"tools", "extra"}, "tools takes no arguments"},
		{"call without a tool", nil, []string{"call"}, "call needs a tool name"},
		{"call with too many arguments", nil, []string{"call", "a", "{}", "more"}, "call needs a tool name"},
		{"call with invalid JSON", nil, []string{"--demo", "call", "get_sales_agent_by_lead", "{not json"}, "not valid JSON"},
		{"bad LOFTY_TIMEOUT", []string{"LOFTY_TIMEOUT=soon"}, nil, "LOFTY_TIMEOUT"},
		{"bad LOFTY_BASE_URL", []string{"LOFTY_BASE_URL=ftp://api.lofty.com", "LOFTY_API_KEY=k"}, []string{"tools"}, "LOFTY_BASE_URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, stdioEnv(tc.env...), tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2\nstderr: %s", code, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q does not contain %q", stderr, tc.want)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"http", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, stderr := runCLI(t, stdioEnv(), args...)
			if code != 0 || stderr != "" {
				t.Errorf("exit %d, stderr %q; want 0 and nothing on stderr", code, stderr)
			}
			for _, want := range []string{"LOFTY_API_KEY", "-demo", "Usage:", `--demo call get_sales_agent_by_lead '{"leadId": 563172647619608}'`} {
				if !strings.Contains(out, want) {
					t.Errorf("stdout does not contain %q:\n%s", want, out)
				}
			}
		})
	}
}

// A last request without a trailing newline, and request ids that mcp-go
// would write back differently ("a<b" as "a\u003cb", 1.0 as 1), are
// answered with their ids exactly as sent, and the server exits promptly at
// EOF instead of waiting for answers it thinks are missing.
func TestStdioEOFEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name  string
		input string
		ids   []string
	}{
		{"last line without newline", `{"jsonrpc":"2.0","id":1,"method":"ping"}`, []string{"1"}},
		{"ids mcp-go would re-encode", `{"jsonrpc":"2.0","id":"a<b","method":"ping"}` + "\n" + `{"jsonrpc":"2.0","id":1.0,"method":"ping"}` + "\n", []string{`"a<b"`, "1.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proc := startStdio(t, stdioEnv(), "--demo")
			if _, err := io.WriteString(proc.stdin, tc.input); err != nil {
				t.Fatal(err)
			}
			_ = proc.stdin.Close()
			start := time.Now()
			lines := proc.readAll(t)
			if code := proc.wait(t); code != 0 {
				t.Errorf("exit code %d, want 0", code)
			}
			// The drain wait is 10s; an answered request must not wait for it.
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("took %v to exit after EOF: a request looked unanswered", took)
			}
			byID := requireJSONRPC(t, lines)
			for _, id := range tc.ids {
				if _, ok := byID[id]; !ok {
					t.Errorf("no answer with id %s; stdout:\n%s", id, strings.Join(lines, "\n"))
				}
			}
		})
	}
}
