package lofty

import (
	"bytes"
	"errors"
)

// A JSON scanner over an answer already held in memory. Lofty's answers are
// read whole (bounded by MaxBodyBytes, shared by coalesced callers and the
// cache), so streaming them means walking the bytes held, element by
// element, without copying them: a list is decoded one item at a time and
// what is not kept is only counted. The scanner checks the structure
// (strings, brackets, separators); the scalars it skips are not checked
// (exchange refused any answer that is not valid JSON).

// errScan is the error of a span that is not the JSON value it should be.
var errScan = errors.New("lofty: malformed JSON")

// maxDepth bounds nesting, as encoding/json does.
const maxDepth = 10000

// shape is what scanning a value learned about its lists.
type shape struct {
	// items counts the elements of every array in the value, nested ones too.
	items int
	// longest is the element count of the longest list the value holds
	// directly: the value itself if it is an array, else the arrays that
	// are members of it (an object).
	longest int
}

// isSpace reports whether c is JSON whitespace.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipSpace returns the index of the first byte at or after i that is not
// whitespace (len(b) if none).
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// trimSpace is b without leading and trailing JSON whitespace.
func trimSpace(b []byte) []byte {
	i, j := skipSpace(b, 0), len(b)
	for j > i && isSpace(b[j-1]) {
		j--
	}
	return b[i:j]
}

// stringEnd returns the index just after the string that starts at b[i]
// (a '"'), and whether it holds escapes.
func stringEnd(b []byte, i int) (end int, escaped bool, err error) {
	j := i + 1
	for {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, false, errScan
		}
		q := j + k
		// The quote ends the string unless an odd run of backslashes escapes it.
		n := 0
		for p := q - 1; p > i && b[p] == '\\'; p-- {
			n++
		}
		if !escaped && bytes.IndexByte(b[j:q], '\\') >= 0 {
			escaped = true
		}
		if n%2 == 0 {
			return q + 1, escaped, nil
		}
		j = q + 1
	}
}

// scalarEnd returns the index just after the number or literal at b[i].
func scalarEnd(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ',', ']', '}', ':', '"', '[', '{', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// container is an array or object being scanned.
type container struct {
	open   byte // '[' or '{'
	n      int  // elements so far (arrays)
	direct bool // a list the scanned value holds directly
}

// scanValue returns the end of the JSON value that starts at b[i] (no
// whitespace before it) and the shape of its lists.
func scanValue(b []byte, i int) (int, shape, error) {
	var sh shape
	if i >= len(b) {
		return 0, sh, errScan
	}
	switch b[i] {
	case '"':
		end, _, err := stringEnd(b, i)
		return end, sh, err
	case '[', '{':
	case ',', ']', '}', ':':
		return 0, sh, errScan
	default:
		return scalarEnd(b, i), sh, nil
	}
	var small [16]container
	stack := small[:0]
	for j := i; j < len(b); {
		c := b[j]
		switch c {
		case '"':
			end, _, err := stringEnd(b, j)
			if err != nil {
				return 0, sh, err
			}
			countElement(stack)
			j = end
			continue
		case '[', '{':
			countElement(stack)
			if len(stack) >= maxDepth {
				return 0, sh, errScan
			}
			direct := c == '[' && (len(stack) == 0 || (len(stack) == 1 && stack[0].open == '{'))
			stack = append(stack, container{open: c, direct: direct})
		case ']', '}':
			if len(stack) == 0 {
				return 0, sh, errScan
			}
			top := stack[len(stack)-1]
			if (c == ']') != (top.open == '[') {
				return 0, sh, errScan
			}
			if top.open == '[' {
				sh.items += top.n
				if top.direct {
					sh.longest = max(sh.longest, top.n)
				}
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return j + 1, sh, nil
			}
		case ',', ' ', '\t', '\n', '\r', ':':
		default:
			countElement(stack)
			j = scalarEnd(b, j)
			continue
		}
		j++
	}
	return 0, sh, errScan
}

// countElement notes that a value starts in the innermost container: if
// that is an array, one more element. (Separators are checked where a
// value is walked, by eachElement and eachMember.)
func countElement(stack []container) {
	if len(stack) > 0 && stack[len(stack)-1].open == '[' {
		stack[len(stack)-1].n++
	}
}

// eachElement calls f with each element of the array raw (a whole array
// value) until f returns false, and returns how many elements it holds.
func eachElement(raw []byte, f func(i int, elem []byte) bool) (int, error) {
	if len(raw) == 0 || raw[0] != '[' {
		return 0, errScan
	}
	n, calling := 0, true
	i := skipSpace(raw, 1)
	if i < len(raw) && raw[i] == ']' {
		return 0, nil
	}
	for {
		end, _, err := scanValue(raw, i)
		if err != nil {
			return n, err
		}
		if calling {
			calling = f(n, raw[i:end])
		}
		n++
		i = skipSpace(raw, end)
		if i >= len(raw) {
			return n, errScan
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case ']':
			return n, nil
		default:
			return n, errScan
		}
	}
}

// eachMember calls f with each member of the object raw (a whole object
// value): its key as written (quotes removed, escapes kept, escaped says
// whether there are any) and its value.
func eachMember(raw []byte, f func(key []byte, escaped bool, val []byte) error) error {
	if len(raw) == 0 || raw[0] != '{' {
		return errScan
	}
	i := skipSpace(raw, 1)
	if i < len(raw) && raw[i] == '}' {
		return nil
	}
	for {
		if i >= len(raw) || raw[i] != '"' {
			return errScan
		}
		kend, escaped, err := stringEnd(raw, i)
		if err != nil {
			return err
		}
		key := raw[i+1 : kend-1]
		i = skipSpace(raw, kend)
		if i >= len(raw) || raw[i] != ':' {
			return errScan
		}
		i = skipSpace(raw, i+1)
		end, _, err := scanValue(raw, i)
		if err != nil {
			return err
		}
		if err := f(key, escaped, raw[i:end]); err != nil {
			return err
		}
		i = skipSpace(raw, end)
		if i >= len(raw) {
			return errScan
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case '}':
			return nil
		default:
			return errScan
		}
	}
}
