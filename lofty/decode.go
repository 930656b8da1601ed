package lofty

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
)

// Decoding Lofty's answers. Lofty's documents are not exact, and it cannot
// be reached from the tests, so an answer is read the way a careful person
// would, and the same way for every endpoint:
//
//   - Lofty's common envelope {"code": 0, "message": "…", "data": …} is
//     unwrapped wherever it comes, unless the answer's own type has a "data"
//     field;
//   - an integer may come as a decimal string ("12345"), a boolean as
//     "true"/"false" (or "Yes"/"No"), and a field that still does not fit
//     is dropped (and logged at debug level) instead of failing the answer;
//   - an answer type that knows what identifies it (a sales agent its id, a
//     lead its leadId; see identified) is checked: a 200 without it is "not
//     found" when it is empty, and unreadable otherwise — never an empty
//     success.
//
// The strict standard decoder is tried first; the lenient path runs only
// when it fails, so a well-formed answer costs no reflection.

// identified is implemented by answer types that know what identifies them.
type identified interface {
	// identified reports whether the decoded answer has its identity.
	identified() bool
}

// decode decodes a successful answer into out (a pointer).
func (c *Client) decode(ctx context.Context, r *call, res *result, out any) error {
	return c.decodeBody(ctx, r.method, r.template, r.path, res.status, res.body, out)
}

// decodeBody decodes body, a status answer of method template (path), into out.
func (c *Client) decodeBody(ctx context.Context, method, template, path string, status int, body []byte, out any) error {
	if len(body) == 0 {
		return nil // a write answered with no body
	}
	if inner, ok := unwrapEnvelope(body, out); ok {
		body = inner
	}
	if err := json.Unmarshal(body, out); err != nil {
		var dropped []string
		v := reflect.ValueOf(out).Elem()
		v.SetZero() // forget what the strict decoder filled before it failed
		if err := decodeLenient(body, v, "", &dropped); err != nil {
			return badResponse(status, path, notLoftyJSON)
		}
		c.log.LogAttrs(ctx, slog.LevelDebug, "lofty answer: fields dropped", slog.String("endpoint", template),
			slog.String("fields", strings.Join(dropped, ",")))
	}
	if id, ok := out.(identified); ok && !id.identified() {
		if isEmptyJSON(body) {
			return &Error{Kind: KindNotFound, Method: method, Status: status, Path: path,
				Message: "Lofty answered with nothing"}
		}
		return badResponse(status, path, "the answer lacks the field that identifies it")
	}
	return nil
}

// unwrapEnvelope returns the "data" of Lofty's common envelope
// {"code":…,"message":…,"data":…}, unless out's own type has a "data" field.
func unwrapEnvelope(body []byte, out any) ([]byte, bool) {
	if len(body) == 0 || body[0] != '{' || !bytes.Contains(body, []byte(`"data"`)) {
		return nil, false
	}
	var env struct {
		Data    json.RawMessage `json:"data"`
		Code    json.RawMessage `json:"code"`
		Message json.RawMessage `json:"message"`
	}
	if json.Unmarshal(body, &env) != nil || len(env.Data) == 0 || (len(env.Code) == 0 && len(env.Message) == 0) {
		return nil, false
	}
	if hasJSONField(reflect.TypeOf(out), "data") {
		return nil, false
	}
	return env.Data, true
}

// hasJSONField reports whether t (or what it points to) is a struct with a
// field named name in JSON.
func hasJSONField(t reflect.Type, name string) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := range t.NumField() {
		if n, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// isEmptyJSON reports whether raw is null, {} or [].
func isEmptyJSON(raw []byte) bool {
	switch string(bytes.Join(bytes.Fields(raw), nil)) {
	case "null", "{}", "[]", "":
		return true
	}
	return false
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// decodeLenient decodes raw into v field by field, coercing decimal
// strings to integers and "true"/"false"/"yes"/"no" to booleans, and
// dropping what still does not fit (its path goes into dropped). It fails
// only when raw is not JSON or its top level is not the kind v needs.
func decodeLenient(raw json.RawMessage, v reflect.Value, path string, dropped *[]string) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if v.CanAddr() && v.Addr().Type().Implements(unmarshalerType) {
		return v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw)
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		if err := decodeLenient(raw, elem.Elem(), path, dropped); err != nil {
			return err
		}
		v.Set(elem)
		return nil
	case reflect.Struct:
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return err
		}
		decodeStruct(fields, v, path, dropped)
		return nil
	case reflect.Slice:
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return err
		}
		out := reflect.MakeSlice(v.Type(), 0, len(items))
		for i, item := range items {
			elem := reflect.New(v.Type().Elem()).Elem()
			if err := decodeLenient(item, elem, path+"["+strconv.Itoa(i)+"]", dropped); err != nil {
				*dropped = append(*dropped, path+"["+strconv.Itoa(i)+"]")
				continue
			}
			out = reflect.Append(out, elem)
		}
		v.Set(out)
		return nil
	case reflect.String:
		var s string
		if json.Unmarshal(raw, &s) == nil {
			v.SetString(s)
			return nil
		}
		if raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9') || string(raw) == "true" || string(raw) == "false" {
			v.SetString(string(raw)) // a number or boolean where text was expected
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, err := strconv.ParseInt(scalarText(raw), 10, 64); err == nil && !v.OverflowInt(n) {
			v.SetInt(n)
			return nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, err := strconv.ParseUint(scalarText(raw), 10, 64); err == nil && !v.OverflowUint(n) {
			v.SetUint(n)
			return nil
		}
	case reflect.Float32, reflect.Float64:
		if f, err := strconv.ParseFloat(scalarText(raw), 64); err == nil && !v.OverflowFloat(f) {
			v.SetFloat(f)
			return nil
		}
	case reflect.Bool:
		switch strings.ToLower(scalarText(raw)) {
		case "true", "yes", "y", "1":
			v.SetBool(true)
			return nil
		case "false", "no", "n", "0":
			v.SetBool(false)
			return nil
		}
	default:
		return json.Unmarshal(raw, v.Addr().Interface())
	}
	return &json.UnmarshalTypeError{Value: string(raw), Type: v.Type(), Field: path}
}

// decodeStruct fills v's fields from fields, as encoding/json matches them
// (exact name first, then case-insensitively), dropping those that do not fit.
func decodeStruct(fields map[string]json.RawMessage, v reflect.Value, path string, dropped *[]string) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if sf.Anonymous && name == "" {
			decodeStruct(fields, v.Field(i), path, dropped)
			continue
		}
		if name == "" {
			name = sf.Name
		}
		raw, ok := fields[name]
		if !ok {
			for k, r := range fields {
				if strings.EqualFold(k, name) {
					raw, ok = r, true
					break
				}
			}
		}
		if !ok {
			continue
		}
		fv := reflect.New(sf.Type).Elem()
		p := name
		if path != "" {
			p = path + "." + name
		}
		if err := decodeLenient(raw, fv, p, dropped); err != nil {
			*dropped = append(*dropped, p)
			continue
		}
		v.Field(i).Set(fv)
	}
}

// scalarText is a JSON scalar as text: a string's contents, else the literal.
func scalarText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	return string(raw)
}
