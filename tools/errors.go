package tools

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// ErrorText is the one place where a failed Lofty call becomes the sentence
// a model reads: what happened, Lofty's own code and message, and what to do.
// subject names what the call was about ("lead 42"); notFound is the tool's
// sentence for a 404. Both are optional.
func ErrorText(err error, subject, notFound string) string {
	var r refusal
	if errors.As(err, &r) {
		return string(r)
	}
	le, ok := lofty.AsError(err)
	if !ok {
		return "The Lofty request failed: " + err.Error()
	}
	about := ""
	if subject != "" {
		about = " to " + subject
	}
	var s string
	switch le.Kind {
	case lofty.KindNoCredentials:
		return "No Lofty credentials are configured. Set LOFTY_API_KEY (a personal API key) or " +
			"LOFTY_ACCESS_TOKEN (an OAuth access token) in the lofty-mcp server's environment and restart it. " +
			"Over HTTP, a request may instead carry an X-Lofty-Api-Key or X-Lofty-Access-Token header. " +
			"To try lofty-mcp without a Lofty account, start it with --demo."
	case lofty.KindNotFound:
		s = notFound
		if s == "" {
			s = "Lofty found nothing"
			if subject != "" {
				s += " for " + subject
			}
			s += "."
		}
	case lofty.KindUnauthorized:
		s = fmt.Sprintf("Lofty refused the credentials. Check %s: it may be mistyped, revoked or expired.", le.Credential)
	case lofty.KindForbidden:
		s = fmt.Sprintf("These Lofty credentials (%s) have no access%s.", le.Credential, about)
	case lofty.KindBadRequest:
		if le.Code == "200058" {
			s = fmt.Sprintf("Lofty refused the credential format. A personal API key belongs in LOFTY_API_KEY (sent as \"token\"), an OAuth access token in LOFTY_ACCESS_TOKEN (sent as \"Bearer\"); check %s.", le.Credential)
		} else {
			s = "Lofty rejected the request"
			if subject != "" {
				s += " for " + subject
			}
			s += ". Check the arguments."
		}
	case lofty.KindRateLimited:
		s = "Lofty's rate limit was reached. " + retryHint(le.RetryAfter)
	case lofty.KindUnavailable:
		switch {
		case lofty.IsCancelled(le):
			return "The call was cancelled before Lofty answered."
		case le.BaseURL != "":
			return fmt.Sprintf("lofty-mcp could not connect to LOFTY_BASE_URL (%s): %s. Check LOFTY_BASE_URL: it is set to something other than Lofty's own API (%s).",
				le.BaseURL, le.Message, lofty.DefaultBaseURL)
		case le.RetryAfter > 0: // a 503 with Retry-After that did not fit the call's deadline
			s = "Lofty is unavailable right now. " + retryHint(le.RetryAfter)
		default:
			s = "Lofty is unavailable right now. Try again in a minute."
		}
	case lofty.KindNotDone:
		s = "Lofty answered that it did not do it"
		if subject != "" {
			s += " (" + subject + ")"
		}
		s += "."
	case lofty.KindBadResponse:
		s = "Lofty sent a response lofty-mcp could not read. Try again later; if it persists, report it."
	default:
		s = "The Lofty request failed."
	}
	if d := detail(le); d != "" {
		s += " (" + d + ")"
	}
	return s
}

// retryHint says when to retry after a 429.
func retryHint(after time.Duration) string {
	if after <= 0 {
		return "Wait about a minute before retrying: Lofty limits requests per minute."
	}
	secs := int64(math.Ceil(after.Seconds()))
	unit := "seconds"
	if secs == 1 {
		unit = "second"
	}
	return fmt.Sprintf("Retry after %d %s.", secs, unit)
}

// detail renders Lofty's status, code and message: "HTTP 404, code 7: text".
func detail(le *lofty.Error) string {
	var parts []string
	if le.Status != 0 {
		parts = append(parts, fmt.Sprintf("HTTP %d", le.Status))
	}
	if le.Code != "" {
		parts = append(parts, "code "+le.Code)
	}
	d := strings.Join(parts, ", ")
	if le.Message != "" {
		if d != "" {
			d += ": "
		}
		d += le.Message
	}
	return d
}

// refusal is a call lofty-mcp refused itself, for what it read of Lofty
// (a change to a time that would end before it starts): its text is the
// sentence the model reads, and nothing was sent that changes Lofty.
type refusal string

func (r refusal) Error() string { return string(r) }

// Refuse makes a refusal of a call's arguments, for what lofty-mcp read of
// Lofty (a name Lofty would not know, something already there): its
// sentence is the model's to read, and nothing is sent.
func Refuse(format string, args ...any) error { return refusal(fmt.Sprintf(format, args...)) }

// IsRefusal reports whether err is a refusal of lofty-mcp's own.
func IsRefusal(err error) bool {
	var r refusal
	return errors.As(err, &r)
}
