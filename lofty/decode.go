package lofty

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"sync"
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
//     success;
//   - lists are bounded by count and by memory, so that no answer under
//     the body cap costs more than a few times its size (see below).
//
// The strict standard decoder is tried first, on the whole answer when
// that is safe, else item by item; the lenient path runs only where it
// fails, so a well-formed answer costs little reflection.
//
// Lists. Decoding a list of small items multiplies memory: "{}," is three
// bytes of JSON and a Lead is over 600 bytes of Go. So lists are walked
// item by item over the body held (scan.go), and:
//
//   - the answer's own lists (the answer itself when it is a list, else the
//     lists that are fields of it) keep at most what the request asked for:
//     its limit or pageSize plus ListMargin, or what the client method set
//     (FindLeads: a whole page Lofty may send, MaxLeadsPage);
//   - no list anywhere keeps more than MaxListItems;
//   - every list anywhere shares the answer's item budget (itemBudget): an
//     item is kept only while its memory fits in it;
//   - what is not kept is counted, not decoded, and an answer type that
//     embeds Truncation says how many items Lofty sent and how many it
//     kept.
//
// A new list answer type gets all of this by being decoded here; embedding
// Truncation lets it say so.

// MaxListItems is the most items any list of an answer keeps: Lofty's
// largest documented page size.
const MaxListItems = 1000

// ListMargin is how many items beyond the page size a request asked for are
// kept (Lofty has been seen to send a page larger than asked).
const ListMargin = 10

// Truncation is embedded in a list answer (LeadList, WorkingLeadList, …):
// it says whether lofty-mcp kept fewer items than Lofty sent. The decoder
// fills it; it is never part of the JSON.
type Truncation struct {
	// ItemsSent is how many items Lofty's list held when that was more than
	// were kept; 0 when the whole list was kept.
	ItemsSent int `json:"-"`
	// ItemsKept is how many items the answer holds when some were cut.
	ItemsKept int `json:"-"`
}

// Truncated reports whether Lofty sent more items than the answer holds.
func (t Truncation) Truncated() bool { return t.ItemsSent > t.ItemsKept }

func (t *Truncation) truncation() *Truncation { return t }

// truncating is implemented by answer types that embed Truncation.
type truncating interface{ truncation() *Truncation }

// identified is implemented by answer types that know what identifies them.
type identified interface {
	// identified reports whether the decoded answer has its identity.
	identified() bool
}

// itemBudget is the memory the items of an answer's lists may take: twice
// the answer's size, and at least 1 MiB so that a normal page of sparse
// items never comes near it.
func itemBudget(bodyLen int) int64 { return max(1<<20, 2*int64(bodyLen)) }

// decode decodes a successful answer to r into out (a pointer).
func (c *Client) decode(ctx context.Context, r *call, res *result, out any) error {
	return c.decodeBody(ctx, r.method, r.template, r.path, res.status, res.body, out, r.listCap())
}

// listCap is how many items the answer's own lists keep (see Lists
// above): what the method set, else the page size the request names in
// its query or, for a read sent as POST, at the top of its JSON body.
func (r *call) listCap() int {
	if r.listMax > 0 {
		return min(r.listMax, MaxListItems)
	}
	for _, name := range pageSizeNames {
		if n, err := strconv.Atoi(r.query.Get(name)); err == nil && n > 0 {
			return min(n+ListMargin, MaxListItems)
		}
	}
	size := 0
	if len(r.payload) > 0 && r.payload[0] == '{' {
		_ = eachMember(r.payload, func(key []byte, _ bool, val []byte) error {
			for _, name := range pageSizeNames {
				if string(key) == name {
					if n, err := strconv.Atoi(scalarText(val)); err == nil && n > 0 {
						size = n
					}
				}
			}
			return nil
		})
	}
	if size > 0 {
		return min(size+ListMargin, MaxListItems)
	}
	return MaxListItems
}

// pageSizeNames are the names Lofty's operations give a page's size.
var pageSizeNames = []string{"limit", "pageSize"}

// decodeBody decodes body, a status answer of method template (path), into
// out, keeping at most listCap items in each of the answer's own lists.
func (c *Client) decodeBody(ctx context.Context, method, template, path string, status int, body []byte, out any, listCap int) error {
	if len(body) == 0 {
		return nil // a write answered with no body
	}
	body = trimSpace(body)
	if inner, ok := unwrapEnvelope(body, out); ok {
		body = inner
	}
	d := decoder{budget: itemBudget(len(body))}
	if t, ok := out.(truncating); ok {
		d.report = t.truncation()
	}
	v := reflect.ValueOf(out).Elem()
	if err := d.value(body, v, "", listCap, true); err != nil {
		return badResponse(status, path, notLoftyJSON)
	}
	if len(d.dropped) > 0 {
		c.log.LogAttrs(ctx, slog.LevelDebug, "lofty answer: fields dropped", slog.String("endpoint", template),
			slog.String("fields", strings.Join(d.dropped, ",")))
	}
	if len(d.cut) > 0 {
		c.log.LogAttrs(ctx, slog.LevelDebug, "lofty answer: lists cut", slog.String("endpoint", template),
			slog.String("lists", strings.Join(d.cut, ",")))
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
	if len(body) == 0 || body[0] != '{' {
		return nil, false
	}
	var data []byte
	codeOrMessage := false
	err := eachMember(body, func(key []byte, _ bool, val []byte) error {
		switch string(key) {
		case "data":
			data = val
		case "code", "message":
			codeOrMessage = true
		}
		return nil
	})
	if err != nil || data == nil || !codeOrMessage || hasJSONField(reflect.TypeOf(out), "data") {
		return nil, false
	}
	return data, true
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
	for _, f := range infoOf(t).fields {
		if strings.EqualFold(f.name, name) {
			return true
		}
	}
	return false
}

// isEmptyJSON reports whether raw is null, {} or [] (or nothing).
func isEmptyJSON(raw []byte) bool {
	raw = trimSpace(raw)
	switch {
	case len(raw) == 0, string(raw) == "null":
		return true
	case len(raw) >= 2 && ((raw[0] == '{' && raw[len(raw)-1] == '}') || (raw[0] == '[' && raw[len(raw)-1] == ']')):
		return len(trimSpace(raw[1:len(raw)-1])) == 0
	}
	return false
}

// decoder decodes one answer.
type decoder struct {
	budget  int64       // memory list items may still take
	report  *Truncation // where the answer's own lists say what was cut; nil: nowhere
	dropped []string    // fields and items that did not fit their type
	cut     []string    // lists not kept whole
}

// value decodes raw (one JSON value) into v, a fresh zero value. listCap
// bounds v's own lists: v itself if it is one, else its fields that are;
// top says they are the answer's own.
func (d *decoder) value(raw []byte, v reflect.Value, path string, listCap int, top bool) error {
	info := infoOf(v.Type())
	if !info.list || d.fits(raw, info, listCap) {
		if json.Unmarshal(raw, v.Addr().Interface()) == nil {
			d.budget -= d.listsCost(v)
			return nil
		}
		v.SetZero() // forget what the strict decoder filled before it failed
	}
	return d.lenient(raw, v, path, listCap, top)
}

// fits reports whether raw can be decoded by the standard decoder in one
// go: its own lists within listCap, and every item of every list within the
// item budget even at the costliest item type.
func (d *decoder) fits(raw []byte, info *typeInfo, listCap int) bool {
	_, sh, err := scanValue(raw, 0)
	return err == nil && sh.longest <= listCap && int64(sh.items)*info.itemCost <= d.budget
}

// listsCost is the memory the items of v's lists take.
func (d *decoder) listsCost(v reflect.Value) int64 {
	info := infoOf(v.Type())
	if !info.list {
		return 0
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			return d.listsCost(v.Elem())
		}
	case reflect.Struct:
		var n int64
		for _, f := range info.fields {
			if infoOf(f.typ).list {
				n += d.listsCost(v.FieldByIndex(f.index))
			}
		}
		return n
	case reflect.Slice:
		n := int64(v.Len()) * infoOf(v.Type().Elem()).cost
		if infoOf(v.Type().Elem()).list {
			for i := range v.Len() {
				n += d.listsCost(v.Index(i))
			}
		}
		return n
	}
	return 0
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// lenient decodes raw into v field by field and item by item, coercing
// decimal strings to integers and "true"/"false"/"yes"/"no" to booleans,
// dropping what still does not fit (its path goes into d.dropped) and
// keeping lists within their bounds. It fails only when raw is not JSON or
// its top level is not the kind v needs.
func (d *decoder) lenient(raw []byte, v reflect.Value, path string, listCap int, top bool) error {
	raw = trimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if v.CanAddr() && v.Addr().Type().Implements(unmarshalerType) {
		return v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw)
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		if err := d.lenient(raw, elem.Elem(), path, listCap, top); err != nil {
			return err
		}
		v.Set(elem)
		return nil
	case reflect.Struct:
		return d.object(raw, v, path, listCap, top)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return json.Unmarshal(raw, v.Addr().Interface()) // base64, as encoding/json reads []byte
		}
		return d.list(raw, v, path, listCap, top)
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

// object fills struct v's fields from the object raw, matched as
// encoding/json matches them (exactly, else ignoring case; the last of
// repeated names wins), dropping those that do not fit.
func (d *decoder) object(raw []byte, v reflect.Value, path string, listCap int, top bool) error {
	info := infoOf(v.Type())
	return eachMember(raw, func(key []byte, escaped bool, val []byte) error {
		if escaped {
			var k string
			if json.Unmarshal(append(append([]byte{'"'}, key...), '"'), &k) != nil {
				return nil
			}
			key = []byte(k)
		}
		f := info.field(key)
		if f == nil {
			return nil
		}
		fv := reflect.New(f.typ).Elem()
		p := f.name
		if path != "" {
			p = path + "." + f.name
		}
		// listCap and top are about v's own lists, not about lists deeper in.
		fcap, ftop := MaxListItems, false
		if f.isList {
			fcap, ftop = listCap, top
		}
		if err := d.value(val, fv, p, fcap, ftop); err != nil {
			d.dropped = append(d.dropped, p)
			return nil
		}
		v.FieldByIndex(f.index).Set(fv)
		return nil
	})
}

// list decodes the array raw into slice v item by item, keeping at most
// listCap items and only while they fit the item budget; the rest are
// counted, not decoded.
func (d *decoder) list(raw []byte, v reflect.Value, path string, listCap int, top bool) error {
	et := v.Type().Elem()
	cost := infoOf(et).cost
	out := reflect.MakeSlice(v.Type(), 0, 0)
	zero := reflect.Zero(et)
	kept, cut := 0, 0
	sent, err := eachElement(raw, func(i int, item []byte) bool {
		if kept >= listCap || d.budget < cost {
			cut++
			return true
		}
		// Decoded in place: the slice's own storage, nothing copied.
		out = reflect.Append(out, zero)
		if err := d.value(item, out.Index(kept), path+"["+strconv.Itoa(i)+"]", MaxListItems, false); err != nil {
			d.dropped = append(d.dropped, path+"["+strconv.Itoa(i)+"]")
			out.Index(kept).SetZero()
			out = out.Slice(0, kept)
			return true
		}
		d.budget -= cost
		kept++
		return true
	})
	if err != nil {
		return err
	}
	v.Set(out)
	if cut > 0 {
		d.cut = append(d.cut, path+"["+strconv.Itoa(kept)+" of "+strconv.Itoa(sent)+"]")
		if top && d.report != nil {
			d.report.ItemsSent += sent
			d.report.ItemsKept += kept
		}
	}
	return nil
}

// scalarText is a JSON scalar as text: a string's contents, else the literal.
func scalarText(raw []byte) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	return string(raw)
}

// typeInfo is what decoding needs to know about a Go type.
type typeInfo struct {
	// list reports whether a list (a slice other than []byte) is, or is
	// inside, a value of the type, outside types that decode themselves.
	list bool
	// cost estimates the memory of one value: its size and what its
	// pointers point to (strings and lists not counted).
	cost int64
	// itemCost is the largest cost of an item of any list inside.
	itemCost int64
	// fields are a struct's JSON fields, embedded structs' promoted.
	fields []fieldInfo
	byName map[string]int
}

type fieldInfo struct {
	name   string
	index  []int
	typ    reflect.Type
	isList bool // a slice (or a pointer to one) other than []byte
}

// field returns the field named key in JSON: exactly, else ignoring case.
func (t *typeInfo) field(key []byte) *fieldInfo {
	if i, ok := t.byName[string(key)]; ok {
		return &t.fields[i]
	}
	for i := range t.fields {
		if bytes.EqualFold([]byte(t.fields[i].name), key) {
			return &t.fields[i]
		}
	}
	return nil
}

var typeInfos sync.Map // reflect.Type -> *typeInfo

// infoOf returns t's typeInfo, computed once.
func infoOf(t reflect.Type) *typeInfo {
	if ti, ok := typeInfos.Load(t); ok {
		return ti.(*typeInfo)
	}
	ti := computeInfo(t, map[reflect.Type]bool{})
	actual, _ := typeInfos.LoadOrStore(t, ti)
	return actual.(*typeInfo)
}

// computeInfo computes t's typeInfo; seen holds the types being computed,
// so that a type holding itself ends.
func computeInfo(t reflect.Type, seen map[reflect.Type]bool) *typeInfo {
	ti := &typeInfo{cost: int64(t.Size())}
	if seen[t] || reflect.PointerTo(t).Implements(unmarshalerType) {
		return ti
	}
	seen[t] = true
	defer delete(seen, t)
	switch t.Kind() {
	case reflect.Pointer:
		e := computeInfo(t.Elem(), seen)
		ti.list, ti.cost, ti.itemCost = e.list, ti.cost+e.cost, e.itemCost
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return ti
		}
		e := computeInfo(t.Elem(), seen)
		ti.list, ti.itemCost = true, max(e.cost, e.itemCost)
	case reflect.Struct:
		ti.fields = jsonFieldsOf(t, nil)
		ti.byName = make(map[string]int, len(ti.fields))
		for i, f := range ti.fields {
			if _, dup := ti.byName[f.name]; !dup {
				ti.byName[f.name] = i
			}
			e := computeInfo(f.typ, seen)
			ti.list = ti.list || e.list
			ti.itemCost = max(ti.itemCost, e.itemCost)
			ti.cost += e.cost - int64(f.typ.Size()) // what the field points to
		}
	}
	return ti
}

// jsonFieldsOf lists struct t's fields as encoding/json names them:
// exported, not "-", embedded structs without a name promoted.
func jsonFieldsOf(t reflect.Type, index []int) []fieldInfo {
	var out []fieldInfo
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		idx := append(append([]int(nil), index...), i)
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			out = append(out, jsonFieldsOf(sf.Type, idx)...)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		ft := sf.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		isList := ft.Kind() == reflect.Slice && ft.Elem().Kind() != reflect.Uint8
		out = append(out, fieldInfo{name: name, index: idx, typ: sf.Type, isList: isList})
	}
	return out
}
