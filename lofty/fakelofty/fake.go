// Package fakelofty is a fake Lofty Open API for tests and demo mode. It
// answers every operation of Lofty's published OpenAPI document as the
// document says (field names, status codes, error bodies), from one demo
// world, records what it was asked, and lets a test script any answer.
//
// Routing and request checking come from zz_generated_operations.go, a
// table generated from the document (go generate ./...; a test fails when
// it is stale). Every request is checked against its operation before any
// handler (check.go): what the document does not allow is answered 400
// {"code": 20012, "message": "INVALID_PARAMETER: <what>"}.
//
// The world is Data: the leads (data.go) and one field per Lofty area,
// each area in a file of its own (team.go, features.go, notes.go,
// communications.go, logs.go, activities.go, tasks.go, calendar.go,
// transactions.go, listings.go, webhooks.go, routing.go, org.go,
// leadwrites.go) holding its types, its part of Demo (an areaSeeds entry)
// and its handlers (an areaRoutes entry). To give an operation a
// world-backed answer: add the data to the area's type and seed, register
// the handler by its operation's pattern ("GET /v2.0/tasks/{taskId}"; a
// pattern the document lacks panics), read with f.dataFor(r), write with
// f.update(r, ...) replacing slices rather than changing them in place.
// An operation no area serves is answered from the document alone
// (GenericOperations, generic.go). The contract package's test then checks
// its answers against the document with no line to add.
//
// Decisions where the document is wrong, ambiguous or not what Lofty does:
//
//   - Times: Demo dates the world's history from a fixed DemoNow (Tuesday
//     3 March 2026), in line with the leads' own dates, and its clock
//     (Data.Clock: what is overdue, what "later than now" means) is
//     DemoNow, so no fact a test checks moves with the real clock or at
//     midnight. A world a person looks at (--demo) is moved to the real
//     today instead, with the real clock (Data.MoveTo): every time it holds
//     moves by the same whole number of days, keeping its time of day, so
//     "what do I have today?" finds the day DemoNow's facts describe, on
//     any day. A handler judges what "now" decides (overdue, later than
//     now, the default window) by the data's clock (Data.now), never by
//     DemoNow or time.Now; what a write creates is stamped with the real
//     time. V1
//     answers give wall times ("2026-03-03 11:00:00") and V2 ones ISO 8601
//     with the offset, in the request's timeZoneCode or the demo person's
//     zone (DemoTimeZone, computed by US rules: the container image has no
//     zone database).
//   - Paging metadata is sent as "_metadata" (and "_listingMetadata"),
//     which Lofty sends, where the document says "get_metadata"; GET
//     /v1.0/leads/{leadId} wraps its lead under "lead", as Lofty does.
//   - Errors the document gives as bare strings are plain text, or with
//     CodedErrors Lofty's {"code", "message"}.
//   - A 200 the document gives no body (PUT and DELETE of notes and V1
//     tasks, DELETE of logs and webhooks) has none.
//   - Body fields the document does not name are refused, though Lofty
//     ignores them: a misspelt field should fail a client's test. A string
//     beyond its maxLength is cut, as Lofty cuts a note's content.
//   - ListingQueryRequest's filterConditions values are typed as objects;
//     its description, which the fake follows, shows strings and arrays.
//   - RoutingStrategy's memberWeights is one {memberId, weight} object,
//     which cannot hold a round robin's members: the fake sends and takes
//     a map of member id to weight.
//   - The Brokermint syncs act only on what Lofty's UI linked to
//     Brokermint; in the demo world every lead (by email) and every
//     transaction is linked.
//   - An office is read back only in its members' records ("group"), as
//     Lofty has no read of one office.
//   - listIng and soldListing (GET /v1.0/listing) are free-form objects in
//     the document; the fake puts its ListingItems under "data".
package fakelofty

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Request is what the fake recorded of one request.
type Request struct {
	Method        string
	Path          string
	RawQuery      string
	Authorization string
	UserAgent     string
	ContentType   string
	Body          string // a write's body
}

// Fake is an http.Handler that behaves like Lofty. The zero value is not
// usable; call New.
type Fake struct {
	// CodedErrors answers the errors Lofty's document gives as plain text
	// the way the live API answers errors: {"code": …, "message": …} with
	// Lofty's business codes (400: 20012 INVALID_PARAMETER, 403: 20017
	// PERMISSION_DENIED, 404: 20007 RESOURCE_NOT_EXIST), so --demo shows
	// what a real error looks like. Set it before serving.
	CodedErrors bool

	// NoRecord turns request recording off (demo mode: a long-running
	// server must not keep every request, nor a caller's credential).
	NoRecord bool

	mu       sync.Mutex
	data     *Data
	requests []Request

	// Intercept, when set, sees every request first, after it is recorded:
	// it answers (true), or returns the writer the fake's own answer goes
	// through (a test's scripted faults: package faults). Set it before
	// serving.
	Intercept func(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, bool)

	// Hook, when set, sees every request after Intercept; returning true
	// means it has answered and the fake does nothing more. Set it before
	// serving.
	Hook func(w http.ResponseWriter, r *http.Request) bool

	// Observe, when set, sees every request the fake itself answers (not
	// those Intercept or Hook answer) with its answer, once written: the
	// contract package checks both against the OpenAPI document. Set it
	// before serving.
	Observe func(Exchange)

	oauth oauthState // vendor OAuth (oauth.go)
	live  liveState  // behaving as the live API was recorded (live.go)
	views viewState  // each credential's writes (actions.go)

	mux    *http.ServeMux              // the Lofty endpoints, after the credential check
	served map[string]http.HandlerFunc // world-backed handlers, by operation pattern
}

// New returns a fake serving data. A nil data serves Demo().
func New(data *Data) *Fake {
	if data == nil {
		data = Demo()
	}
	f := &Fake{data: data}
	f.mux = f.routes()
	return f
}

// routes returns the Lofty endpoints: every operation of the generated
// table, as a method pattern. A request is checked against its operation
// (check.go) before its handler runs; an operation without a world-backed
// handler gets the generic answer (generic.go). A known path asked with
// another method is answered 405, an unknown path 404.
func (f *Fake) routes() *http.ServeMux {
	rt := &router{handlers: map[string]http.HandlerFunc{}, badParams: map[string]func(http.ResponseWriter, *Problem){}}
	rt.HandleFunc("GET /v2.0/sales-agents/by-lead", f.salesAgentByLead)
	rt.badParams["GET /v2.0/sales-agents/by-lead"] = leadIDProblem
	rt.HandleFunc("GET /v1.0/me", f.ServeMe)
	f.leadRoutes(rt)
	f.actionRoutes(rt)
	for _, add := range areaRoutes {
		add(f, rt)
	}
	mux := http.NewServeMux()
	for i := range operations {
		op := &operations[i]
		mux.Handle(op.Pattern(), f.operationHandler(op, rt.handlers[op.Pattern()], rt.badParams[op.Pattern()]))
	}
	f.served = rt.handlers
	return mux
}

// areaRoutes add each Lofty area's world-backed handlers; an area's file
// appends its function in an init, so that areas never edit a shared list.
var areaRoutes []func(*Fake, *router)

// router collects world-backed handlers by operation pattern
// ("GET /v1.0/notes"); a pattern that is not an operation of the document
// panics, so a typo cannot leave a handler unused.
type router struct {
	handlers  map[string]http.HandlerFunc
	badParams map[string]func(http.ResponseWriter, *Problem) // an operation's own answer to a bad parameter
}

// HandleFunc registers h for the operation pattern names.
func (rt *router) HandleFunc(pattern string, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	if OperationFor(method, path) == nil {
		panic("fakelofty: " + pattern + " is not an operation of Lofty's OpenAPI document")
	}
	if _, dup := rt.handlers[pattern]; dup {
		panic("fakelofty: two handlers for " + pattern)
	}
	rt.handlers[pattern] = h
}

// operationHandler checks a request against op, then answers it with h,
// or generically without one.
func (f *Fake) operationHandler(op *Operation, h http.HandlerFunc, bad func(http.ResponseWriter, *Problem)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, unsupported := checkRequest(op, r, f.ignoredQuery(op))
		switch {
		case unsupported:
			writeText(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
			return
		case p != nil && bad != nil:
			bad(w, p)
			return
		case p != nil:
			writeProblem(w, p)
			return
		case h == nil:
			f.serveGeneric(w, r, op)
			return
		}
		h(w, r)
	})
}

// Served reports whether operation op (an operationId) has a world-backed
// handler, rather than the generic answer.
func (f *Fake) Served(op string) bool {
	for i := range operations {
		if operations[i].ID == op {
			_, ok := f.served[operations[i].Pattern()]
			return ok
		}
	}
	return false
}

// Start serves f on a loopback port until the test ends; it returns the base URL.
func (f *Fake) Start(t interface{ Cleanup(func()) }) string {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv.URL
}

// Client returns an *http.Client whose requests f answers in-process, with
// no listener (used by --demo).
func (f *Fake) Client() *http.Client {
	return &http.Client{Transport: inProcess{f}}
}

type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// Requests returns a copy of every request recorded so far.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// RequestCount returns how many requests reached the fake.
func (f *Fake) RequestCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

// ServeHTTP implements http.Handler.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !f.NoRecord {
		var body []byte
		if r.Body != nil && r.Method != http.MethodGet {
			body, _ = io.ReadAll(io.LimitReader(r.Body, 1<<20))
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		f.mu.Lock()
		f.requests = append(f.requests, Request{
			Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
			Authorization: r.Header.Get("Authorization"), UserAgent: r.UserAgent(),
			ContentType: r.Header.Get("Content-Type"), Body: string(body),
		})
		f.mu.Unlock()
	}

	if f.Intercept != nil {
		var answered bool
		if w, answered = f.Intercept(w, r); answered {
			return
		}
	}
	if f.Hook != nil && f.Hook(w, r) {
		return
	}
	if f.Observe != nil {
		x := Exchange{Request: r}
		if r.Body != nil {
			x.RequestBody, _ = io.ReadAll(io.LimitReader(r.Body, maxBody))
			r.Body = io.NopCloser(bytes.NewReader(x.RequestBody))
		}
		tee := &teeWriter{ResponseWriter: w}
		f.serve(tee, r)
		x.Status, x.Header, x.Body = tee.status, w.Header().Clone(), tee.body.Bytes()
		if x.Status == 0 {
			x.Status = http.StatusOK
		}
		x.Request.Body = io.NopCloser(bytes.NewReader(x.RequestBody))
		f.Observe(x)
		return
	}
	f.serve(w, r)
}

// Exchange is a request the fake answered and its answer.
type Exchange struct {
	Request     *http.Request // its Body reads RequestBody again
	RequestBody []byte
	Status      int
	Header      http.Header
	Body        []byte
}

// teeWriter keeps a copy of what passes through it.
type teeWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (t *teeWriter) WriteHeader(status int) {
	if t.status == 0 {
		t.status = status
	}
	t.ResponseWriter.WriteHeader(status)
}

func (t *teeWriter) Write(p []byte) (int, error) {
	if t.status == 0 {
		t.status = http.StatusOK
	}
	t.body.Write(p)
	return t.ResponseWriter.Write(p)
}

// serve answers r: Lofty's OAuth pages, the live checks, then the API.
func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if f.serveOAuth(w, r) {
		return
	}
	if f.serveLive(w, r) {
		return
	}
	if h, pattern := f.mux.Handler(r); pattern == "" {
		h.ServeHTTP(w, r) // 404, or 405 for a known path, before the credential check
		return
	}
	if f.CodedErrors {
		w = &codedErrors{ResponseWriter: w}
	}
	if !f.authorized(w, r) {
		return
	}
	f.mux.ServeHTTP(w, r)
}

// businessCodes are Lofty's codes for the errors its document gives as text.
var businessCodes = map[int]struct {
	code int
	name string
}{
	http.StatusBadRequest: {20012, "INVALID_PARAMETER"},
	http.StatusForbidden:  {20017, "PERMISSION_DENIED"},
	http.StatusNotFound:   {20007, "RESOURCE_NOT_EXIST"},
}

// codedErrors turns a plain-text error answer into Lofty's coded JSON form.
type codedErrors struct {
	http.ResponseWriter
	status int
}

func (c *codedErrors) WriteHeader(status int) {
	if _, ok := businessCodes[status]; ok && strings.HasPrefix(c.Header().Get("Content-Type"), "text/plain") {
		c.status = status
		return // written with the body
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *codedErrors) Write(p []byte) (int, error) {
	if c.status == 0 {
		return c.ResponseWriter.Write(p)
	}
	bc := businessCodes[c.status]
	status := c.status
	c.status = 0
	writeJSON(c.ResponseWriter, status, map[string]any{"code": bc.code, "message": bc.name + ": " + string(p)})
	return len(p), nil
}

// authorized checks the Authorization header as Lofty does: "token <key>"
// for API keys, "Bearer <token>" for OAuth access tokens. A key sent as
// Bearer gets Lofty's 400 with code 200058.
func (f *Fake) authorized(w http.ResponseWriter, r *http.Request) bool {
	scheme, secret, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	secret = strings.TrimSpace(secret)
	if secret == "" || (scheme != "token" && scheme != "Bearer") {
		writeText(w, http.StatusUnauthorized, "Missing or invalid authentication token.")
		return false
	}
	if scheme == "Bearer" {
		if valid, known := f.bearerStatus(secret); known {
			if !valid {
				writeText(w, http.StatusUnauthorized, "Missing or invalid authentication token.")
			}
			return valid
		}
	}
	d := f.data
	if len(d.APIKeys) == 0 && len(d.AccessTokens) == 0 {
		return true
	}
	isKey, isToken := contains(d.APIKeys, secret), contains(d.AccessTokens, secret)
	switch {
	case scheme == "token" && isKey, scheme == "Bearer" && isToken:
		return true
	case scheme == "Bearer" && isKey:
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 200058, "message": "Invalid access token"})
	default:
		writeText(w, http.StatusUnauthorized, "Missing or invalid authentication token.")
	}
	return false
}

func (f *Fake) salesAgentByLead(w http.ResponseWriter, r *http.Request) {
	id := queryInt(r, "leadId")
	lead, found := f.dataFor(r).Leads[id]
	switch {
	case !found || lead.SalesAgent == nil:
		writeText(w, http.StatusNotFound, "Sales Agent not found for the lead.")
	case lead.Forbidden:
		writeText(w, http.StatusForbidden, "Caller does not have access to this lead.")
	default:
		writeJSON(w, http.StatusOK, lead.SalesAgent)
	}
}

// Data returns the fake's seeded data, as every credential sees it before
// its first write (see DataFor).
func (f *Fake) Data() *Data { return f.data }

// leadIDProblem answers a bad leadId the way Lofty's sales agent
// framework does: an ApiCommonResponse with its own codes.
func leadIDProblem(w http.ResponseWriter, p *Problem) {
	if p.Kind == Missing && p.Name == "leadId" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 100001, "message": "Required parameter 'leadId' is not present"})
		return
	}
	if p.Name == "leadId" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 100002, "message": "Invalid lead ID parameter: " + p.Value})
		return
	}
	writeProblem(w, p)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeText answers as Lofty documents most errors: a plain string body.
func writeText(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg))
}
