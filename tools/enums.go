package tools

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// enumCheck knows the allowed values of a tool's string arguments that have
// an enum in the input schema, so that a wrong value is reported in words
// (mcp-go's validator reports it in Go syntax).
type enumCheck struct {
	order []string
	enums map[string][]string
}

func newEnumCheck(inputSchema json.RawMessage) enumCheck {
	var doc struct {
		Properties map[string]struct {
			Enum []string `json:"enum"`
		} `json:"properties"`
	}
	var ordered struct {
		Properties orderedKeys `json:"properties"`
	}
	e := enumCheck{enums: map[string][]string{}}
	if json.Unmarshal(inputSchema, &doc) != nil || json.Unmarshal(inputSchema, &ordered) != nil {
		return e
	}
	for _, name := range ordered.Properties {
		if vals := doc.Properties[name].Enum; len(vals) > 0 {
			e.order = append(e.order, name)
			e.enums[name] = vals
		}
	}
	return e
}

// check reports the first string argument of raw outside its enum, or nil.
func (e enumCheck) check(raw json.RawMessage) error {
	if len(e.order) == 0 {
		return nil
	}
	var args map[string]json.RawMessage
	if json.Unmarshal(raw, &args) != nil {
		return nil
	}
	for _, name := range e.order {
		v, ok := args[name]
		if !ok {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) == nil && slices.Contains(e.enums[name], s) {
			continue
		}
		return fmt.Errorf("invalid arguments: %q must be one of %s; got %s", name, strings.Join(e.enums[name], ", "), shortJSON(v))
	}
	return nil
}
