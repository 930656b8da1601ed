package lofty

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind classifies a failed Lofty request by what the caller can do about it.
type Kind int

const (
	// KindUnknown is any failure not covered below (an unexpected status).
	KindUnknown Kind = iota
	// KindNoCredentials: neither LOFTY_API_KEY nor LOFTY_ACCESS_TOKEN is configured.
	KindNoCredentials
	// KindBadRequest: HTTP 400, Lofty rejected a parameter.
	KindBadRequest
	// KindUnauthorized: HTTP 401, the credential was refused.
	KindUnauthorized
	// KindForbidden: HTTP 403, the credential has no access to the resource.
	KindForbidden
	// KindNotFound: HTTP 404.
	KindNotFound
	// KindRateLimited: HTTP 429.
	KindRateLimited
	// KindUnavailable: HTTP 5xx, a timeout or a network failure.
	KindUnavailable
	// KindBadResponse: Lofty answered 2xx with a body we could not use.
	KindBadResponse
	// KindNotDone: Lofty answered 2xx but said the operation did not
	// succeed (a write's "success": false): nothing was changed.
	KindNotDone
)

var kindNames = [...]string{"unknown", "no_credentials", "bad_request", "unauthorized",
	"forbidden", "not_found", "rate_limited", "unavailable", "bad_response", "not_done"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Error is a failed Lofty request. It never holds the credential.
type Error struct {
	Kind Kind
	// Method is the HTTP method ("GET" when empty).
	Method string
	// Status is the HTTP status, 0 when no response arrived.
	Status int
	// Code is Lofty's own error code from a JSON body, "" when absent.
	Code string
	// Message is Lofty's message (JSON "message" or the plain-text body), trimmed and shortened.
	Message string
	// Path is the request path (no query, no host).
	Path string
	// RetryAfter is how long Lofty asked us to wait (429/503), 0 when unknown.
	RetryAfter time.Duration
	// Credential names the credential's source (e.g. "LOFTY_API_KEY"), never its value.
	Credential string
	// BaseURL is set, redacted, when the request could not reach a base URL
	// that is not Lofty's own (LOFTY_BASE_URL was changed): the sentence then
	// points at that setting rather than at an outage.
	BaseURL string
	// NotSent reports that the request provably never reached Lofty (the
	// connection was refused, or lofty-mcp gave up before sending it).
	NotSent bool
	// Err is the underlying transport error, if any.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("lofty: ")
	if e.Path != "" {
		if e.Method == "" {
			b.WriteString("GET")
		} else {
			b.WriteString(e.Method)
		}
		b.WriteByte(' ')
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Kind.String())
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " code %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// cancelledError is the error of a call whose caller went away.
func cancelledError(path string) *Error {
	return &Error{Kind: KindUnavailable, Path: path, Message: "request cancelled", Err: context.Canceled, NotSent: true}
}

// deadlineError is the error of a call that reached its deadline before an answer.
func deadlineError(path, why string) *Error {
	return &Error{Kind: KindUnavailable, Path: path, Message: why, Err: context.DeadlineExceeded}
}

// badResponse is the error of a 2xx answer lofty-mcp cannot use.
func badResponse(status int, path, why string) *Error {
	return &Error{Kind: KindBadResponse, Status: status, Path: path, Message: why}
}

// IsCancelled reports whether err is a call given up because its caller
// cancelled it (not a Lofty outage).
func IsCancelled(err error) bool { return errors.Is(err, context.Canceled) }

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var le *Error
	ok := errors.As(err, &le)
	return le, ok
}

// KindOf returns the Kind of err, KindUnknown when err is not a Lofty error.
func KindOf(err error) Kind {
	if le, ok := AsError(err); ok {
		return le.Kind
	}
	return KindUnknown
}

func kindForStatus(status int) Kind {
	switch {
	case status == 400:
		return KindBadRequest
	case status == 401:
		return KindUnauthorized
	case status == 403:
		return KindForbidden
	case status == 404:
		return KindNotFound
	case status == 429:
		return KindRateLimited
	case status >= 500:
		return KindUnavailable
	default:
		return KindUnknown
	}
}

// maxMessageLen bounds how much of an error body is carried into messages.
const maxMessageLen = 300

// parseErrorBody extracts Lofty's code and message from an error body: a JSON
// object {"code":…, "message":…}, a JSON string, or plain text. HTML pages are
// reduced to a short note rather than echoed.
func parseErrorBody(body []byte) (code, message string) {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return "", ""
	}
	if trimmed[0] == '{' {
		var obj struct {
			Code    json.RawMessage `json:"code"`
			Message json.RawMessage `json:"message"`
			Msg     json.RawMessage `json:"msg"`
			Error   json.RawMessage `json:"error"`
		}
		if json.Unmarshal([]byte(trimmed), &obj) == nil {
			code = rawScalar(obj.Code)
			for _, m := range []json.RawMessage{obj.Message, obj.Msg, obj.Error} {
				if s := rawScalar(m); s != "" {
					message = s
					break
				}
			}
			return code, shorten(message)
		}
	}
	if trimmed[0] == '"' {
		var s string
		if json.Unmarshal([]byte(trimmed), &s) == nil {
			return "", shorten(s)
		}
	}
	lower := strings.ToLower(trimmed[:min(len(trimmed), 64)])
	if strings.HasPrefix(lower, "<!doctype html") || strings.HasPrefix(lower, "<html") {
		return "", "(an HTML error page)"
	}
	return "", shorten(trimmed)
}

// rawScalar renders a JSON string or number as text; anything else as "".
func rawScalar(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxMessageLen {
		// Cut on a rune boundary.
		cut := maxMessageLen
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
