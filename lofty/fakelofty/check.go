package fakelofty

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Request checking: before any handler, a request is checked against its
// operation in the generated table, as Lofty's own framework checks it. An
// undocumented query parameter, a missing required parameter, header or
// body field, a value of the wrong type, out of its bounds or not one of
// its enum, an undocumented or read-only body field, or a body where none
// is documented is answered 400 {"code": 20012, "message":
// "INVALID_PARAMETER: <what was wrong>"}; a body that is not JSON is 415.
// The fake is stricter than Lofty in one way on purpose: Lofty ignores
// body fields it does not know, the fake refuses them, so that a misspelt
// field in a client fails its test instead of being silently dropped. A
// string beyond its documented maxLength is not refused: Lofty cuts it
// (recorded for a note's content), and so do the fake's handlers.

// Problem is what is wrong with a request, as the checker found it.
type Problem struct {
	Kind  ProblemKind
	Where string // "query parameter limit", "body field leadIds[2]", ...
	Name  string // the parameter or field name
	Value string // the value sent, when there was one
	Want  string // what the document asks for
}

// ProblemKind says what kind of thing is wrong.
type ProblemKind uint8

// Kinds of problems.
const (
	Undocumented ProblemKind = iota + 1 // a parameter or field the document does not name
	Missing                             // a required parameter, header, body or field is absent
	WrongType                           // a value of another type or format
	OutOfRange                          // a value beyond its bounds or not one of its enum
	ReadOnly                            // a field the document says is never sent
)

func (p *Problem) Error() string {
	switch p.Kind {
	case Undocumented:
		return p.Where + " is not documented for this operation"
	case Missing:
		return p.Where + " is required"
	case ReadOnly:
		return p.Where + " is read-only"
	}
	if p.Value != "" {
		return fmt.Sprintf("%s: %s is not %s", p.Where, p.Value, p.Want)
	}
	return p.Where + " is not " + p.Want
}

// writeProblem answers a problem as Lofty answers an invalid parameter.
func writeProblem(w http.ResponseWriter, p *Problem) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"code": 20012, "message": "INVALID_PARAMETER: " + p.Error()})
}

// maxBody bounds a request body the fake reads.
const maxBody = 1 << 20

// checkRequest checks r against op. It reads the body (leaving r.Body
// readable again) and returns the problem found, or nil; unsupported is
// true for a body that is not JSON (415).
func checkRequest(op *Operation, r *http.Request, ignoredQuery []string) (p *Problem, unsupported bool) {
	query := r.URL.Query()
	for name, vals := range query {
		param := op.param(name, InQuery)
		if param == nil {
			if slices.Contains(ignoredQuery, name) {
				continue
			}
			return &Problem{Kind: Undocumented, Where: "query parameter " + name, Name: name}, false
		}
		if p := checkParamValues(param, vals); p != nil {
			return p, false
		}
	}
	for i := range op.Params {
		param := &op.Params[i]
		switch param.In {
		case InQuery:
			if param.Required && query.Get(param.Name) == "" {
				return &Problem{Kind: Missing, Where: "query parameter " + param.Name, Name: param.Name}, false
			}
		case InPath:
			if p := checkParamValues(param, []string{r.PathValue(param.Name)}); p != nil {
				return p, false
			}
		}
	}

	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(r.Body, maxBody))
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	hasBody := len(bytes.TrimSpace(body)) > 0
	if hasBody && op.Body != 0 {
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			return nil, true
		}
	}
	for i := range op.Params {
		// Authorization is the credential check's; the other headers must be present.
		if param := &op.Params[i]; param.In == InHeader && param.Required && param.Name != "Authorization" && r.Header.Get(param.Name) == "" {
			return &Problem{Kind: Missing, Where: "header " + param.Name, Name: param.Name}, false
		}
	}
	if !hasBody {
		if op.Body != 0 && op.BodyRequired {
			return &Problem{Kind: Missing, Where: "the request body", Name: "body"}, false
		}
		return nil, false
	}
	if op.Body == 0 {
		return &Problem{Kind: Undocumented, Where: "a request body", Name: "body"}, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return &Problem{Kind: WrongType, Where: "the request body", Name: "body", Want: "JSON"}, false
	}
	return checkValue(v, op.Body, "body", "body field "), false
}

// param returns op's parameter name in in, or nil.
func (o *Operation) param(name string, in In) *Param {
	for i := range o.Params {
		if p := &o.Params[i]; p.Name == name && p.In == in {
			return p
		}
	}
	return nil
}

// checkParamValues checks a parameter's values as sent (query strings
// or a path segment). An array parameter takes repeated or comma-separated
// values.
func checkParamValues(param *Param, vals []string) *Problem {
	s := &schemas[param.Schema]
	where := param.In.String() + " parameter " + param.Name
	if s.Type != TypeArray && len(vals) > 1 {
		return &Problem{Kind: WrongType, Where: where, Name: param.Name, Value: strconv.Quote(strings.Join(vals, ",")), Want: "one value"}
	}
	for _, v := range vals {
		if s.Type == TypeArray {
			for _, item := range strings.Split(v, ",") {
				if p := checkString(item, &schemas[s.Items], where, param.Name); p != nil {
					return p
				}
			}
			continue
		}
		if p := checkString(v, s, where, param.Name); p != nil {
			return p
		}
	}
	return nil
}

// checkString checks a parameter value, which arrives as text.
func checkString(v string, s *Schema, where, name string) *Problem {
	bad := func(kind ProblemKind, want string) *Problem {
		return &Problem{Kind: kind, Where: where, Name: name, Value: strconv.Quote(v), Want: want}
	}
	switch s.Type {
	case TypeInteger:
		n, err := strconv.ParseInt(v, 10, intBits(s))
		if err != nil {
			return bad(WrongType, "an integer ("+intFormat(s)+")")
		}
		if p := checkBounds(float64(n), s, where, name, strconv.Quote(v)); p != nil {
			return p
		}
	case TypeNumber:
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
			return bad(WrongType, "a number")
		}
		if p := checkBounds(n, s, where, name, strconv.Quote(v)); p != nil {
			return p
		}
	case TypeBoolean:
		if v != "true" && v != "false" {
			return bad(WrongType, "true or false")
		}
	}
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
		return bad(OutOfRange, "one of "+strings.Join(s.Enum, ", "))
	}
	return nil
}

func intBits(s *Schema) int {
	if s.Format == "int32" {
		return 32
	}
	return 64
}

func intFormat(s *Schema) string {
	if s.Format == "int32" {
		return "int32"
	}
	return "int64"
}

func checkBounds(n float64, s *Schema, where, name, shown string) *Problem {
	switch {
	case s.Bounds&HasMin != 0 && n < s.Min:
		return &Problem{Kind: OutOfRange, Where: where, Name: name, Value: shown, Want: "at least " + strconv.FormatFloat(s.Min, 'g', -1, 64)}
	case s.Bounds&HasMax != 0 && n > s.Max:
		return &Problem{Kind: OutOfRange, Where: where, Name: name, Value: shown, Want: "at most " + strconv.FormatFloat(s.Max, 'g', -1, 64)}
	}
	return nil
}

// checkValue checks a JSON value (numbers as json.Number) against schema
// idx; path names it in messages.
func checkValue(v any, idx int32, path, prefix string) *Problem {
	s := &schemas[idx]
	where := prefix + path
	if path == "body" {
		where = "the request body"
	}
	bad := func(kind ProblemKind, want string) *Problem {
		shown, _ := json.Marshal(v)
		if len(shown) > 40 {
			shown = append(shown[:37], "..."...)
		}
		return &Problem{Kind: kind, Where: where, Name: path, Value: string(shown), Want: want}
	}
	if v == nil {
		if s.Type == TypeAny || s.Nullable {
			return nil
		}
		return bad(WrongType, s.Type.String())
	}
	switch s.Type {
	case TypeAny:
		return nil
	case TypeInteger:
		n, ok := v.(json.Number)
		if !ok {
			return bad(WrongType, "an integer ("+intFormat(s)+")")
		}
		i, err := strconv.ParseInt(n.String(), 10, intBits(s))
		if err != nil {
			return bad(WrongType, "an integer ("+intFormat(s)+")")
		}
		if p := checkBounds(float64(i), s, where, path, n.String()); p != nil {
			return p
		}
	case TypeNumber:
		n, ok := v.(json.Number)
		if !ok {
			return bad(WrongType, "a number")
		}
		f, _ := n.Float64()
		if p := checkBounds(f, s, where, path, n.String()); p != nil {
			return p
		}
	case TypeString:
		if _, ok := v.(string); !ok {
			return bad(WrongType, "a string")
		}
	case TypeBoolean:
		if _, ok := v.(bool); !ok {
			return bad(WrongType, "a boolean")
		}
	case TypeArray:
		arr, ok := v.([]any)
		if !ok {
			return bad(WrongType, "an array")
		}
		for i, e := range arr {
			if p := checkValue(e, s.Items, path+"["+strconv.Itoa(i)+"]", prefix); p != nil {
				return p
			}
		}
	case TypeObject:
		obj, ok := v.(map[string]any)
		if !ok {
			return bad(WrongType, "an object ("+s.label()+")")
		}
		for _, name := range s.Required {
			if _, ok := obj[name]; !ok {
				return &Problem{Kind: Missing, Where: "body field " + join(path, name), Name: join(path, name)}
			}
		}
		for _, name := range sortedNames(obj) {
			sub := join(path, name)
			prop := s.prop(name)
			if prop == nil {
				if !s.Open {
					return &Problem{Kind: Undocumented, Where: "body field " + sub, Name: sub}
				}
				if p := checkValue(obj[name], s.Extra, sub, "body field "); p != nil {
					return p
				}
				continue
			}
			if schemas[prop.Schema].ReadOnly {
				return &Problem{Kind: ReadOnly, Where: "body field " + sub, Name: sub}
			}
			if p := checkValue(obj[name], prop.Schema, sub, "body field "); p != nil {
				return p
			}
		}
	}
	if len(s.Enum) > 0 {
		text := fmt.Sprint(v)
		if !slices.Contains(s.Enum, text) {
			return bad(OutOfRange, "one of "+strings.Join(s.Enum, ", "))
		}
	}
	return nil
}

// join names a field inside path ("body" is the root).
func join(path, name string) string {
	if path == "body" {
		return name
	}
	return path + "." + name
}

func sortedNames(m map[string]any) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
