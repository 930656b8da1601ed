package mcpserver_test

// Tests that iterate the registry: every tool tools.All() returns gets them,
// with no tool named here. A new Spec value is covered as soon as
// `go generate ./...` has registered it.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/internal/toolgen"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/mcpserver"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// TestToolsListEqualsSnapshots: a server with every tool lists exactly the
// snapshots, in tools/list order (by name), byte for byte.
func TestToolsListEqualsSnapshots(t *testing.T) {
	raw, err := mcpserver.ToolsListResult(tools.All())
	if err != nil {
		t.Fatal(err)
	}
	names, snaps, err := toolgen.SplitToolsList(raw)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, tool := range tools.All() {
		want = append(want, tool.Info().Name)
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("tools/list order %v, want every tool by name %v", names, want)
	}
	for _, name := range names {
		path := filepath.Join(filepath.FromSlash("../"+toolgen.SnapshotDir), toolgen.SnapshotFile(name))
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s has no snapshot: %v; run: go generate ./...", name, err)
			continue
		}
		if !bytes.Equal(got, snaps[name]) {
			t.Errorf("%s's tools/list entry differs from %s; if intended, run: go generate ./... and review the diff", name, path)
		}
	}
	assembled, err := toolgen.ReadToolsList(filepath.FromSlash("../"+toolgen.SnapshotDir), names)
	if err != nil {
		t.Fatal(err)
	}
	var indented bytes.Buffer
	_ = json.Indent(&indented, raw, "", "  ")
	indented.WriteByte('\n')
	if !bytes.Equal(assembled, indented.Bytes()) {
		t.Error("the snapshots, assembled, are not the tools/list result")
	}
}

// TestEveryTool calls every tool on the demo fake and checks what every
// tool owes its users: a successful answer to its example that conforms to
// its outputSchema and came from its documented endpoint; words for bad
// arguments; a sentence for each Lofty error; and a conforming result (or a
// clear error) for every shape of answer Lofty may send.
//
// A write tool is called by a client whose person accepts every question
// (elicitation), so each write is confirmed as a real one would be: its
// example is asked once and then sent, on both protocols (the 2025-11-25
// elicitation/create request and the 2026-07-28 input_required round
// trip); declined, it sends nothing and says so without an error.
func TestEveryTool(t *testing.T) {
	for _, mode := range fakeModes {
		t.Run(mode.name, func(t *testing.T) { everyTool(t, mode) })
	}
}

// everyTool is TestEveryTool against a fake behaving as mode says.
func everyTool(t *testing.T, mode fakeMode) {
	for _, tool := range tools.All() {
		info := tool.Info()
		t.Run(info.Name, func(t *testing.T) {
			person := &personAnswers{action: mcp.ElicitationResponseActionAccept}
			var copts []client.ClientOption
			if info.Effect.Writes {
				copts = append(copts, client.WithElicitationHandler(person))
			}
			h := newLKMode(t, mode, mcpserver.Options{Tools: []tools.Tool{tool}}, copts...)
			upstream := upstreamPatterns(t, info.Upstream)

			t.Run("example", func(t *testing.T) {
				h := h
				if info.Effect.Writes {
					// A write's example changes its fake (a delete leaves
					// nothing to delete again): the other subtests get
					// the world as it was.
					h = newLKMode(t, mode, mcpserver.Options{Tools: []tools.Tool{tool}}, copts...)
				}
				before := len(h.fake.Requests())
				asked := person.count()
				txt := h.ok(t, info.Name, info.Example, nil)
				reqs := h.fake.Requests()[before:]
				if len(reqs) == 0 {
					t.Fatal("no request reached the fake")
				}
				for _, r := range reqs {
					if !upstream(r.Method, r.Path) {
						t.Errorf("request %s %s, want one of the documented upstream operations %v", r.Method, r.Path, info.Upstream)
					}
				}
				if !info.Effect.Writes {
					return
				}
				if n := person.count() - asked; n != 1 {
					t.Errorf("the person was asked %d times, want once", n)
				}
				writes := map[string]int{}
				for _, r := range reqs {
					if r.Method != http.MethodGet {
						writes[r.Method+" "+r.Path+" "+r.Body]++
					}
				}
				if len(writes) == 0 {
					t.Error("no write request reached Lofty")
				}
				for w, n := range writes {
					if n > 1 {
						t.Errorf("the same write was sent %d times: %s", n, w)
					}
				}
				var out struct{ Status, Summary string }
				if err := json.Unmarshal([]byte(txt), &out); err != nil || out.Status != tools.StatusDone || out.Summary == "" {
					t.Errorf("result %s: want status done and a summary", txt)
				}
			})

			if info.Effect.Writes {
				t.Run("both protocols", func(t *testing.T) {
					for _, p := range lkProtocols {
						person := &personAnswers{action: mcp.ElicitationResponseActionAccept}
						hp := newLK(t, mcpserver.Options{Tools: []tools.Tool{tool}}, append(p.opts, client.WithElicitationHandler(person))...)
						hp.ok(t, info.Name, info.Example, nil)
						if person.count() != 1 || writeRequests(hp.fake.Requests()) == 0 {
							t.Errorf("%s: asked %d times, %d write requests; want 1 and some", p.name, person.count(), writeRequests(hp.fake.Requests()))
						}
					}
				})
				t.Run("declined", func(t *testing.T) {
					// On the demo world as it was: the example, once made,
					// may be nothing to change or gone (a delete).
					person := &personAnswers{}
					h := newLKMode(t, mode, mcpserver.Options{Tools: []tools.Tool{tool}}, client.WithElicitationHandler(person))
					for _, action := range []mcp.ElicitationResponseAction{mcp.ElicitationResponseActionDecline, mcp.ElicitationResponseActionCancel} {
						person.set(action)
						before := writeRequests(h.fake.Requests())
						txt := h.ok(t, info.Name, info.Example, nil)
						var out map[string]any
						if err := json.Unmarshal([]byte(txt), &out); err != nil || out["status"] != tools.StatusDeclined ||
							!strings.Contains(fmt.Sprint(out["summary"]), "Nothing was changed") || len(out) != 2 {
							t.Errorf("%s: result %s, want only status declined and a summary saying nothing was changed", action, txt)
						}
						if n := writeRequests(h.fake.Requests()) - before; n != 0 {
							t.Errorf("%s: %d write requests reached Lofty", action, n)
						}
					}
				})
			}

			t.Run("bad arguments", func(t *testing.T) {
				var args map[string]json.RawMessage
				if err := json.Unmarshal([]byte(info.Example), &args); err != nil {
					t.Fatal(err)
				}
				args["noSuchArgument"] = json.RawMessage("true")
				withUnknown, _ := json.Marshal(args)
				before := h.fake.RequestCount()
				mustContain(t, h.fails(t, info.Name, string(withUnknown)), `unknown argument "noSuchArgument"`, "this tool accepts only")
				mustContain(t, h.fails(t, info.Name, `[]`), "invalid arguments: expected a JSON object")
				if n := h.fake.RequestCount() - before; n != 0 {
					t.Errorf("bad arguments reached Lofty %d times", n)
				}
			})

			errorCases := []struct {
				status  int
				body    string
				headers []string
				want    *regexp.Regexp
			}{
				{400, `{"code":100002,"message":"Invalid parameter"}`, nil, regexp.MustCompile(`^Lofty rejected the request for \S.*\. Check the arguments\. \(HTTP 400, code 100002: Invalid parameter\)$`)},
				{401, "Missing or invalid authentication token.", nil, regexp.MustCompile(`^Lofty refused the credentials\. Check LOFTY_API_KEY: .* \(HTTP 401: Missing or invalid authentication token\.\)$`)},
				{403, "Caller does not have access.", nil, regexp.MustCompile(`^These Lofty credentials \(LOFTY_API_KEY\) have no access to \S.*\. \(HTTP 403: Caller does not have access\.\)$`)},
				// 404: the spec's own sentence, or one naming its subject.
				{404, `{"code":20006,"message":"Not found"}`, nil, regexp.MustCompile(`^\S.*\S\. \(HTTP 404, code 20006: Not found\)$`)},
				{429, `{"message":"Too Many Requests"}`, []string{"Retry-After", "7"}, regexp.MustCompile(`^Lofty's rate limit was reached\. Retry after 7 seconds\. \(HTTP 429: Too Many Requests\)$`)},
				{500, "Internal server error.", nil, regexp.MustCompile(`^Lofty is unavailable right now\. Try again in a minute\. \(HTTP 500: Internal server error\.\)$`)},
			}
			for _, ec := range errorCases {
				t.Run(fmt.Sprintf("HTTP %d", ec.status), func(t *testing.T) {
					var mu sync.Mutex
					wrote := false // a write reached the failing Lofty, not only a write's reads
					h.setScript(func(w http.ResponseWriter, r *http.Request) bool {
						mu.Lock()
						wrote = wrote || r.Method != http.MethodGet
						mu.Unlock()
						for i := 0; i+1 < len(ec.headers); i += 2 {
							w.Header().Set(ec.headers[i], ec.headers[i+1])
						}
						if strings.HasPrefix(ec.body, "{") {
							w.Header().Set("Content-Type", "application/json")
						}
						w.WriteHeader(ec.status)
						_, _ = w.Write([]byte(ec.body))
						return true
					})
					defer h.setScript(nil)
					msg := h.fails(t, info.Name, info.Example)
					want := ec.want
					mu.Lock()
					switch {
					case info.Effect.Writes && wrote:
						want = writeErrorPattern(ec.status, ec.want)
					case info.Effect.Writes:
						// The read a write makes first (Write.Lookup) failed:
						// said as a read says it, and nothing was sent.
						want = regexp.MustCompile(strings.TrimSuffix(ec.want.String(), "$") + ` Nothing was changed in Lofty\.$`)
					}
					mu.Unlock()
					if !want.MatchString(msg) || strings.HasPrefix(msg, "Lofty found nothing.") {
						t.Errorf("error text %q\nwant it to match %s", msg, want)
					}
				})
			}

			t.Run("answer shapes", func(t *testing.T) {
				checkAnswerShapes(t, h, info, mode)
			})
		})
	}
}

// writeErrorPattern is what a write says for Lofty's answer status: a
// refusal (4xx) as a read says it, then that nothing was changed; a 5xx,
// that the change may have been made and what to do.
func writeErrorPattern(status int, read *regexp.Regexp) *regexp.Regexp {
	if status < 500 {
		return regexp.MustCompile(strings.TrimSuffix(read.String(), "$") + ` Nothing was changed in Lofty\.$`)
	}
	return regexp.MustCompile(`^Lofty did not confirm that it did \S.*: it answered with an error\. \(HTTP 500: Internal server error\.\) ` +
		`The change may or may not have been made\. (Repeating it is safe|Do not simply repeat it)\S.*\.$`)
}

// personAnswers is the person behind a client's elicitation handler: it
// answers every question with action, and counts and keeps the questions.
type personAnswers struct {
	mu        sync.Mutex
	action    mcp.ElicitationResponseAction
	content   any  // the form's content when accepting; nil: {"confirm": true}
	raw       bool // send content as it is, even nil
	questions []mcp.ElicitationParams
}

func (p *personAnswers) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.questions = append(p.questions, req.Params)
	res := &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: p.action}}
	if p.action == mcp.ElicitationResponseActionAccept {
		res.Content = p.content
		if res.Content == nil && !p.raw {
			res.Content = map[string]any{"confirm": true}
		}
	}
	return res, nil
}

func (p *personAnswers) set(a mcp.ElicitationResponseAction) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.action = a
}

func (p *personAnswers) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.questions)
}

func (p *personAnswers) last() mcp.ElicitationParams {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.questions) == 0 {
		return mcp.ElicitationParams{}
	}
	return p.questions[len(p.questions)-1]
}

// script sets the fake's scripted answers (nil: the fake's own).
func (h *lk) setScript(f func(w http.ResponseWriter, r *http.Request) bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.script = f
}

// upstreamPatterns matches a request against a tool's operations ("GET
// /v2.0/x/{leadId}": the method, and the path with any value for each
// parameter).
func upstreamPatterns(t *testing.T, upstream []string) func(method, path string) bool {
	t.Helper()
	type op struct {
		method string
		path   *regexp.Regexp
	}
	var ops []op
	for _, u := range upstream {
		method, path, ok := strings.Cut(u, " ")
		if !ok {
			t.Fatalf("upstream %q: want \"METHOD /path\"", u)
		}
		quoted := regexp.QuoteMeta(path)
		ops = append(ops, op{method, regexp.MustCompile(`^` + regexp.MustCompile(`\\\{[^}]*\\\}`).ReplaceAllString(quoted, `[^/]+`) + `$`)})
	}
	return func(method, path string) bool {
		for _, o := range ops {
			if o.method == method && o.path.MatchString(path) {
				return true
			}
		}
		return false
	}
}

// writeRequests counts the requests among reqs that may change Lofty.
func writeRequests(reqs []fakelofty.Request) int {
	n := 0
	for _, r := range reqs {
		if r.Method != http.MethodGet {
			n++
		}
	}
	return n
}

// checkAnswerShapes answers the tool's example call with every variant of
// the demo fake's own answer that answerShapes makes: each result must
// conform to the tool's outputSchema (h.call checks it), or be an error whose
// sentence is about Lofty's 200 answer (could not be read, or means not
// found). The answer as sent must succeed.
func checkAnswerShapes(t *testing.T, h *lk, info tools.Info, mode fakeMode) {
	// Every call is answered by a pristine demo world: a write's example,
	// made once, may be nothing to change or gone when made again. A write
	// gets a world of its own for each shape.
	pristine := mode.new()
	// Each write is answered by a world of its own, so that what it
	// changes (a delete) is there again for the next shape.
	replay := func(f *fakelofty.Fake, r *http.Request) *httptest.ResponseRecorder {
		if r.Method != http.MethodGet {
			f = mode.new()
		}
		return replay(f, r)
	}
	var first any
	h.setScript(func(w http.ResponseWriter, r *http.Request) bool {
		rec := replay(pristine, r)
		if first == nil && rec.Code == http.StatusOK && json.Valid(rec.Body.Bytes()) {
			first = decodeNumbers(t, rec.Body.Bytes())
		}
		copyAnswer(w, rec)
		return true
	})
	h.ok(t, info.Name, info.Example, nil)
	h.setScript(nil)
	if first == nil {
		t.Fatal("the fake sent no 200 answer to the example")
	}

	shapes := answerShapes(first)
	succeeded := 0
	for _, sh := range shapes {
		if info.Effect.Writes {
			pristine = mode.new()
		}
		h.setScript(func(w http.ResponseWriter, r *http.Request) bool {
			rec := replay(pristine, r)
			if rec.Code != http.StatusOK || !json.Valid(rec.Body.Bytes()) {
				copyAnswer(w, rec) // an error, or a write's empty answer: as sent
				return true
			}
			body, err := json.Marshal(sh.mutate(decodeNumbers(t, rec.Body.Bytes())))
			if err != nil {
				t.Error(err)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body)
			return true
		})
		res := h.call(t, info.Name, info.Example) // a success is validated against the outputSchema
		if res.IsError {
			// Refused: a typed error's sentence about this answer, never the
			// generic one, never Go syntax.
			msg := lkText(t, res)
			if sh.name == "as sent" || strings.HasPrefix(msg, "The Lofty request failed") || !strings.Contains(msg, "HTTP 200") {
				t.Errorf("answer %s: error %q", sh.name, msg)
			}
			continue
		}
		succeeded++
	}
	h.setScript(nil)
	t.Logf("%d answer shapes: %d conforming results, %d refused", len(shapes), succeeded, len(shapes)-succeeded)
}

// copyAnswer writes rec's answer to w.
func copyAnswer(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// replay has f answer a copy of r, leaving r's body for the next reader.
func replay(f *fakelofty.Fake, r *http.Request) *httptest.ResponseRecorder {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	cp := r.Clone(r.Context())
	cp.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, cp)
	return rec
}

func decodeNumbers(t *testing.T, raw []byte) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("fake answer is not JSON: %v: %s", err, raw)
	}
	return v
}

// shape is one variant of a Lofty answer.
type shape struct {
	name   string
	mutate func(doc any) any // returns the changed copy
}

// maxShapes bounds the variants per tool.
const maxShapes = 400

// answerShapes returns variants of a JSON answer: as sent; {} or [] at the
// top; then, for every member (in the first two items of each array), the
// answer without it, with it null, and with an array emptied or an object
// emptied.
func answerShapes(doc any) []shape {
	shapes := []shape{
		{"as sent", func(d any) any { return d }},
		{"empty object", func(any) any { return map[string]any{} }},
	}
	var walk func(path []any, v any)
	walk = func(path []any, v any) {
		if len(shapes) >= maxShapes {
			return
		}
		p := slices.Clone(path)
		name := pathName(p)
		if len(p) > 0 {
			if _, isKey := p[len(p)-1].(string); isKey {
				shapes = append(shapes, shape{"without " + name, func(d any) any { return edit(d, p, nil, true) }})
			}
			shapes = append(shapes, shape{name + " null", func(d any) any { return edit(d, p, nil, false) }})
		}
		switch v := v.(type) {
		case map[string]any:
			if len(p) > 0 {
				shapes = append(shapes, shape{name + " empty object", func(d any) any { return edit(d, p, map[string]any{}, false) }})
			}
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				walk(append(p, k), v[k])
			}
		case []any:
			shapes = append(shapes, shape{name + " empty array", func(d any) any { return edit(d, p, []any{}, false) }})
			for i := 0; i < len(v) && i < 2; i++ {
				walk(append(p, i), v[i])
			}
		}
	}
	walk(nil, doc)
	return shapes
}

func pathName(path []any) string {
	if len(path) == 0 {
		return "the answer"
	}
	var b strings.Builder
	for _, p := range path {
		fmt.Fprintf(&b, "/%v", p)
	}
	return b.String()
}

// edit returns a deep copy of doc with the value at path replaced by v, or
// removed (object members only).
func edit(doc any, path []any, v any, remove bool) any {
	if len(path) == 0 {
		return v
	}
	switch d := doc.(type) {
	case map[string]any:
		k, ok := path[0].(string)
		if !ok {
			return doc
		}
		out := make(map[string]any, len(d))
		for key, val := range d {
			out[key] = val
		}
		if _, present := d[k]; !present {
			return out
		}
		if len(path) == 1 && remove {
			delete(out, k)
		} else {
			out[k] = edit(d[k], path[1:], v, remove)
		}
		return out
	case []any:
		i, ok := path[0].(int)
		if !ok || i >= len(d) {
			return doc
		}
		out := slices.Clone(d)
		out[i] = edit(d[i], path[1:], v, remove)
		return out
	}
	return doc
}
