// Package contract checks, in tests, every request a fake Lofty sees and
// every answer it gives against Lofty's OpenAPI document, with
// kin-openapi's openapi3filter. Install it with Check(t, fake) and any
// test that drives the fake (a client's, a tool's) fails on a request the
// document does not allow or an answer it does not describe.
//
// It is for tests only: kin-openapi would cost the product binary about
// 12 MB and every start several milliseconds, so nothing the binary
// imports may import this package (a test here holds that).
//
// Where the fake follows what Lofty really does rather than the document
// (see the fakelofty package doc), the answer is mapped back to the
// documented form before it is checked: "_metadata" is the document's
// "get_metadata" (and "_listingMetadata" its "get_listingMetadata"), and
// GET /v1.0/leads/{leadId} wraps its LeadResponse under "lead". Error
// answers are not held to the document's schemas, which give most of them
// as a bare string while Lofty sends {"code", "message"}: an error must be
// a status the operation documents, or one the fake gives every operation
// (400 from the request check, 401, 404, 405, 415, 429), with a JSON
// {"code", "message"} or plain-text body.
package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

// TB is the part of testing.TB Check uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// Check makes f report every exchange that breaks the document as an
// error of t. It chains any Observe already set. Call it before serving.
func Check(t TB, f *fakelofty.Fake) {
	t.Helper()
	c, err := load()
	if err != nil {
		t.Errorf("contract: %v", err)
		return
	}
	prev := f.Observe
	f.Observe = func(x fakelofty.Exchange) {
		for _, p := range c.Validate(x) {
			t.Errorf("contract: %s %s: %v", x.Request.Method, x.Request.URL.RequestURI(), p)
		}
		if prev != nil {
			prev(x)
		}
	}
}

// Checker validates exchanges against the document.
type Checker struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	once    sync.Once
	checker *Checker
	loadErr error
)

// DocumentPath is the vendored document, relative to this file.
func DocumentPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "lofty-openapi.json")
}

// load reads and indexes the document once.
func load() (*Checker, error) {
	once.Do(func() {
		raw, err := os.ReadFile(DocumentPath())
		if err != nil {
			loadErr = err
			return
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(raw)
		if err != nil {
			loadErr = fmt.Errorf("loading the OpenAPI document: %w", err)
			return
		}
		// The document's own examples do not all fit their schemas (Location's
		// is an array); they are documentation, not contract.
		if err := doc.Validate(loader.Context, openapi3.DisableExamplesValidation()); err != nil {
			loadErr = fmt.Errorf("the OpenAPI document is not valid: %w", err)
			return
		}
		doc.Servers = nil // match any host: the fake's is a loopback port
		fixIntegerEnums(doc)
		// As the fake's generator does (internal/opsgen): filterConditions
		// values are strings, arrays or objects, as its description says.
		// RoutingStrategy's memberWeights holds several members as a map of
		// member id to weight.
		for schema, prop := range map[string]string{"ListingQueryRequest": "filterConditions", "RoutingStrategy": "memberWeights"} {
			if s := doc.Components.Schemas[schema]; s != nil && s.Value.Properties[prop] != nil {
				s.Value.Properties[prop].Value.AdditionalProperties = openapi3.AdditionalProperties{Has: openapi3.Ptr(true)}
			}
		}
		// The one XML answer (GET /v1.0/getPublishedListings) is a string.
		openapi3filter.RegisterBodyDecoder("application/xml", openapi3filter.PlainBodyDecoder)
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			loadErr = err
			return
		}
		checker = &Checker{doc: doc, router: router}
	})
	return checker, loadErr
}

// New returns the document's checker.
func New() (*Checker, error) { return load() }

// fixIntegerEnums corrects a mistake of the document: the lead routing
// type is an integer parameter whose enum lists strings ("1", "2", "4"),
// which no integer can equal. The fake compares enums as text.
func fixIntegerEnums(doc *openapi3.T) {
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range op.Parameters {
				s := p.Value.Schema.Value
				if s == nil || !s.Type.Is(openapi3.TypeInteger) {
					continue
				}
				for i, e := range s.Enum {
					// kin-openapi decodes an int32 parameter as int32, an
					// int64 one as int64, and compares enums by value and type.
					if str, ok := e.(string); ok {
						if n, err := strconv.ParseInt(str, 10, 64); err == nil {
							if s.Format == "int32" {
								s.Enum[i] = int32(n)
							} else {
								s.Enum[i] = n
							}
						}
					}
				}
			}
		}
	}
}

// commonErrors are the statuses the fake may give any operation.
var commonErrors = map[int]bool{400: true, 401: true, 404: true, 405: true, 415: true, 429: true}

// Validate returns what is wrong with an exchange, if anything.
func (c *Checker) Validate(x fakelofty.Exchange) []error {
	r := x.Request
	if !strings.HasPrefix(r.URL.Path, "/v1.0/") && !strings.HasPrefix(r.URL.Path, "/v2.0/") {
		return nil // Lofty's OAuth pages are not part of the document
	}
	req := r.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(x.RequestBody))
	req.URL.Scheme, req.URL.Host = "http", r.Host
	route, pathParams, err := c.router.FindRoute(req)
	if err != nil {
		return []error{fmt.Errorf("the document has no such operation: %v", err)}
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	var problems []error
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		problems = append(problems, fmt.Errorf("request: %w", err))
	}
	// OpenAPI lets a request carry query parameters an operation does not
	// name; Lofty's framework, and the fake, refuse them.
	for name := range req.URL.Query() {
		if route.Operation.Parameters.GetByInAndName(openapi3.ParameterInQuery, name) == nil {
			problems = append(problems, fmt.Errorf("request: query parameter %q is not documented", name))
		}
	}
	if x.Status >= 400 {
		if _, documented := route.Operation.Responses.Map()[strconv.Itoa(x.Status)]; !documented && !commonErrors[x.Status] {
			problems = append(problems, fmt.Errorf("answered %d, which the operation does not document", x.Status))
		}
		if err := errorBody(x); err != nil {
			problems = append(problems, err)
		}
		return problems
	}
	body, err := documentedForm(route.Operation.OperationID, x.Body)
	if err != nil {
		return append(problems, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: x.Status, Header: x.Header,
		Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true}}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		problems = append(problems, fmt.Errorf("answer %d: %w", x.Status, err))
	}
	return problems
}

// errorBody checks an error answer is Lofty's {"code", "message"} or text.
func errorBody(x fakelofty.Exchange) error {
	body := bytes.TrimSpace(x.Body)
	if len(body) == 0 {
		return fmt.Errorf("answered %d with an empty body; Lofty says why", x.Status)
	}
	if strings.HasPrefix(x.Header.Get("Content-Type"), "text/plain") {
		return nil
	}
	var e struct {
		Code    json.RawMessage `json:"code"`
		Message *string         `json:"message"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Message == nil {
		return fmt.Errorf("answered %d with %s, neither text nor {\"code\", \"message\"}", x.Status, body)
	}
	return nil
}

// renames map what Lofty sends to the document's names for it.
var renames = map[string]string{"_metadata": "get_metadata", "_listingMetadata": "get_listingMetadata"}

// documentedForm maps an answer Lofty really sends to the form the
// document describes (see the package doc).
func documentedForm(operationID string, body []byte) ([]byte, error) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return body, nil
	}
	changed := false
	if operationID == "get" { // GET /v1.0/leads/{leadId}
		lead, ok := obj["lead"]
		if !ok || len(obj) != 1 {
			return nil, errors.New(`GET /v1.0/leads/{leadId} answers {"lead": LeadResponse}, as Lofty does`)
		}
		return lead, nil
	}
	for from, to := range renames {
		if v, ok := obj[from]; ok {
			delete(obj, from)
			obj[to] = v
			changed = true
		}
	}
	if !changed {
		return body, nil
	}
	return json.Marshal(obj)
}
