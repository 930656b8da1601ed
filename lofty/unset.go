package lofty

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Lofty writes "unset" into numeric fields as -1 (and, in some, 0): a lead
// with no price range has priceMin -1, a property of unknown size has
// squareFeet -1. PositiveInt and PositiveFloat read such fields: a positive
// value is kept, anything else (-1, 0, "", null) is the zero value, which
// omitempty leaves out, so "unset" never reaches a result as a number. A
// value may come as a JSON number or a decimal string ("450000", "2.5").

// PositiveInt is an integer Lofty leaves unset with -1 or 0.
type PositiveInt int64

// PositiveFloat is a number Lofty leaves unset with -1 or 0.
type PositiveFloat float64

// UnmarshalJSON implements json.Unmarshaler.
func (n *PositiveInt) UnmarshalJSON(b []byte) error {
	s, ok := numberText(b)
	if !ok {
		return fmt.Errorf("lofty: %s is not a number", b)
	}
	if s == "" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// 450000.0 and the like: whole numbers written as decimals.
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
			return fmt.Errorf("lofty: %s is not an integer", b)
		}
		v = int64(f)
	}
	*n = PositiveInt(max(v, 0))
	return nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *PositiveFloat) UnmarshalJSON(b []byte) error {
	s, ok := numberText(b)
	if !ok {
		return fmt.Errorf("lofty: %s is not a number", b)
	}
	if s == "" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("lofty: %s is not a number", b)
	}
	*n = PositiveFloat(max(v, 0))
	return nil
}

// numberText is the text of a JSON number, or of a string holding one
// (commas dropped: "1,200"); "" for null and the empty string. ok is false
// for anything else (objects, arrays, booleans).
func numberText(b []byte) (string, bool) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0, string(b) == "null":
		return "", true
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", false
		}
		return strings.ReplaceAll(strings.TrimSpace(s), ",", ""), true
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		return string(b), true
	}
	return "", false
}
