package lofty

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
)

// Operation is one documented Lofty API operation, named as the OpenAPI
// document names it: a method and a path template.
type Operation struct {
	Method string // GET, POST, PUT or DELETE
	Path   string // the documented template: "/v1.0/leads/{leadId}"
	// Read marks a POST that only reads (the listing search, communication
	// by agent): it is cached, coalesced and retried as a GET is.
	Read bool
	// Idempotent marks a POST that replaces what it sets (an assignment):
	// it is retried as a PUT is, never cached.
	Idempotent bool
}

// String is the operation as docs name it: "GET /v1.0/leads/{leadId}".
func (o Operation) String() string { return o.Method + " " + o.Path }

// Endpoint is an Operation whose request body is Req (NoBody: none) and
// whose successful answer decodes into Resp. Each is declared once, as a
// package-level value (get, post, postRead, put, del), and so registered: the
// contract tests check every registered Req and Resp against the schemas
// the document gives the operation, with no line to remember per endpoint.
type Endpoint[Req, Resp any] struct{ Operation }

// NoBody is the Req of an operation sent without a body.
type NoBody struct{}

// Params are what one request fills in: the path template's parameters in
// the order they appear, and the query.
type Params struct {
	Path  []string
	Query url.Values
}

// Call makes the request and decodes the answer; body is sent as JSON
// unless Req is NoBody.
func (e Endpoint[Req, Resp]) Call(ctx context.Context, c *Client, p Params, body Req) (Resp, error) {
	var out Resp
	rq := request{method: e.Method, template: e.Path, path: fillPath(e.Path, p.Path), query: p.Query, read: e.Read,
		idempotent: e.Idempotent}
	if _, none := any(body).(NoBody); !none {
		rq.body = body
	}
	err := c.send(ctx, rq, &out)
	return out, err
}

// fillPath puts values into template's {parameters}, in order, each
// escaped as one path segment. A missing value leaves its placeholder,
// which Lofty (and the fake) refuse as not found.
func fillPath(template string, values []string) string {
	if len(values) == 0 {
		return template
	}
	var b strings.Builder
	rest := template
	for _, v := range values {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 || j < i {
			break
		}
		b.WriteString(rest[:i])
		b.WriteString(url.PathEscape(v))
		rest = rest[j+1:]
	}
	b.WriteString(rest)
	return b.String()
}

// EndpointInfo describes a registered endpoint for the contract tests.
type EndpointInfo struct {
	Operation
	Request  reflect.Type // nil: no body
	Response reflect.Type
}

var registry struct {
	mu        sync.Mutex
	endpoints []EndpointInfo
}

func register[Req, Resp any](o Operation) Endpoint[Req, Resp] {
	info := EndpointInfo{Operation: o, Response: reflect.TypeFor[Resp]()}
	if rt := reflect.TypeFor[Req](); rt != reflect.TypeFor[NoBody]() {
		info.Request = rt
	}
	registry.mu.Lock()
	registry.endpoints = append(registry.endpoints, info)
	registry.mu.Unlock()
	return Endpoint[Req, Resp]{o}
}

// get declares a GET endpoint answering Resp.
func get[Resp any](path string) Endpoint[NoBody, Resp] {
	return register[NoBody, Resp](Operation{Method: http.MethodGet, Path: path})
}

// post declares a POST endpoint taking Req and answering Resp.
func post[Req, Resp any](path string) Endpoint[Req, Resp] {
	return register[Req, Resp](Operation{Method: http.MethodPost, Path: path})
}

// postRead declares a POST that only reads: cached, coalesced and retried
// as a GET is.
func postRead[Req, Resp any](path string) Endpoint[Req, Resp] {
	return register[Req, Resp](Operation{Method: http.MethodPost, Path: path, Read: true})
}

// postIdempotent declares a POST that replaces what it sets: retried as a
// PUT is.
func postIdempotent[Req, Resp any](path string) Endpoint[Req, Resp] {
	return register[Req, Resp](Operation{Method: http.MethodPost, Path: path, Idempotent: true})
}

// put declares a PUT endpoint taking Req and answering Resp.
func put[Req, Resp any](path string) Endpoint[Req, Resp] {
	return register[Req, Resp](Operation{Method: http.MethodPut, Path: path})
}

// del declares a DELETE endpoint answering Resp.
func del[Resp any](path string) Endpoint[NoBody, Resp] {
	return register[NoBody, Resp](Operation{Method: http.MethodDelete, Path: path})
}

// Endpoints returns every declared endpoint, in declaration order.
func Endpoints() []EndpointInfo {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	return append([]EndpointInfo(nil), registry.endpoints...)
}
