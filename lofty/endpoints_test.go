package lofty_test

import (
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Every endpoint the client declares (lofty.Endpoints: each a package-level
// get/post/put/del value) is checked against Lofty's OpenAPI document with
// no line to add per endpoint: the operation exists and is not deprecated,
// the request body type fits the documented request schema, the answer
// type fits the documented 2xx schema (inside Lofty's {code, message, data}
// envelope where the document has one), and every time is a lofty.Time.

var timeName = regexp.MustCompile(`(?i)(time|date|At)$`)

var loftyTime = reflect.TypeFor[lofty.Time]()

// notTimes are properties whose names end like a time's but are not one.
var notTimes = map[string]bool{"timeZone": true, "buyingTimeFrame": true, "sellingTimeFrame": true}

func TestEveryEndpointMatchesTheDocument(t *testing.T) {
	doc := loftyOpenAPI(t)
	aliasMetadata(doc)
	for _, e := range lofty.Endpoints() {
		t.Run(e.String(), func(t *testing.T) {
			op := doc.Paths[e.Path][strings.ToLower(e.Method)]
			if op == nil {
				t.Fatalf("%s is not an operation of the OpenAPI document", e)
			}
			if op.Deprecated {
				t.Errorf("%s is deprecated by Lofty", e)
			}
			if e.Read && e.Method == http.MethodGet {
				t.Errorf("%s: Read is for POSTs that only read", e)
			}
			var out []string
			if e.Request != nil {
				s := op.jsonBody()
				if s == nil {
					t.Errorf("%s sends a %s body, but the document gives it none", e, e.Request)
				} else {
					doc.compare("request", e.Request, s, &out)
				}
			}
			resp := op.success()
			switch {
			case e.Response == reflect.TypeFor[lofty.XML]():
				if resp != nil || !op.answersXML() {
					t.Errorf("%s decodes XML, but the document's answer is not XML", e)
				}
			case resp == nil && e.Response != reflect.TypeFor[lofty.NoBody]():
				t.Errorf("%s decodes a %s, but the document gives no JSON answer", e, e.Response)
			case resp != nil:
				s := doc.resolve(resp)
				if data := s.Properties["data"]; data != nil && !hasField(e.Response, "data") &&
					(s.Properties["code"] != nil || s.Properties["message"] != nil) {
					s = data // the client unwraps Lofty's envelope
				}
				doc.compare("answer", e.Response, s, &out)
				doc.checkTimes("answer", e.Response, s, &out)
			}
			for _, m := range out {
				t.Errorf("%s: %s", e, m)
			}
		})
	}
}

// jsonBody is the request body's JSON schema, nil when there is none.
func (op *oaOperation) jsonBody() *oaSchema {
	if op.RequestBody == nil {
		return nil
	}
	for ct, c := range op.RequestBody.Content {
		if strings.Contains(ct, "json") && c.Schema != nil {
			return c.Schema
		}
	}
	return nil
}

// success is the JSON schema of the first documented 2xx answer.
func (op *oaOperation) success() *oaSchema {
	for _, status := range []string{"200", "201", "202", "204"} {
		for ct, c := range op.Responses[status].Content {
			if strings.Contains(ct, "json") && c.Schema != nil {
				return c.Schema
			}
		}
	}
	return nil
}

// answersXML reports whether the first documented 2xx answer is XML.
func (op *oaOperation) answersXML() bool {
	for _, status := range []string{"200", "201", "202", "204"} {
		for ct := range op.Responses[status].Content {
			if strings.Contains(ct, "xml") {
				return true
			}
		}
	}
	return false
}

// hasField reports whether t (or what it points to) has a JSON field name.
func hasField(t reflect.Type, name string) bool {
	t = deref(t)
	if t.Kind() != reflect.Struct {
		return false
	}
	for _, f := range jsonFields(t) {
		if f.name == name {
			return true
		}
	}
	return false
}

// aliasMetadata gives every schema with a "get_X" property an "_X" alias:
// the document names paging metadata get_metadata, and Lofty sends
// _metadata.
func aliasMetadata(doc *openAPI) {
	for _, s := range doc.Components.Schemas {
		for name, p := range s.Properties {
			if rest, ok := strings.CutPrefix(name, "get_"); ok {
				s.Properties["_"+rest] = p
			}
		}
	}
}

// checkTimes requires a lofty.Time for every documented date-time, and
// for every property named like a time (…Time, …Date, …At) that holds a
// string or an integer.
func (d *openAPI) checkTimes(path string, typ reflect.Type, s *oaSchema, out *[]string) {
	s = d.resolve(s)
	typ = deref(typ)
	switch typ.Kind() {
	case reflect.Slice, reflect.Array:
		if s.Items != nil {
			d.checkTimes(path+"[]", typ.Elem(), s.Items, out)
		}
	case reflect.Struct:
		for _, f := range jsonFields(typ) {
			p := s.Properties[f.name]
			if p == nil {
				continue // compare reports it
			}
			p = d.resolve(p)
			fpath := path + "." + f.name
			kind := p.typ()
			isTime := p.Format == "date-time" || p.Format == "date" ||
				(timeName.MatchString(f.name) && !notTimes[f.name] && (kind == "string" || kind == "integer"))
			if isTime && deref(f.typ) != loftyTime {
				*out = append(*out, fmt.Sprintf("%s: a time (%s%s) decoded as %s; use lofty.Time (RFC 3339 whatever Lofty sends)",
					fpath, kind, formatSuffix(p.Format), f.typ))
				continue
			}
			d.checkTimes(fpath, f.typ, p, out)
		}
	}
}

func formatSuffix(format string) string {
	if format == "" {
		return ""
	}
	return "/" + format
}
