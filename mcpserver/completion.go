package mcpserver

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

// Completion (completion/complete): what a person types where the client
// asks for a lead or a prompt's argument.
//
//   - A lead (the leadId of SalesAgentResourceTemplate, a prompt's lead
//     argument): digits complete to the lead IDs that this credential's
//     recent tool results contained (recentLeads), most recent first;
//     anything else of two characters or more (a name, an email, a phone
//     number) searches leads through find_leads' own path, one page of at
//     most 100 leads, and offers the first ten matches' IDs. Searches are
//     cached briefly per credential and never wait long: a completion
//     answers within completionTimeout, with nothing rather than late.
//   - An enum argument of a prompt completes from its enum.

const (
	// maxCompletions is how many values a completion offers.
	maxCompletions = 10
	// completionSearchPage is the page size of a completion's lead search:
	// one request looks through as many leads as Lofty gives at once.
	completionSearchPage = 100
	// completionSearchTTL is how long a search's answer is reused.
	completionSearchTTL = 30 * time.Second
	// maxCompletionSearches bounds the searches remembered.
	maxCompletionSearches = 1000
	// completionTimeout bounds a completion's search, waits included: a
	// rate-limit wait longer than that answers at once, with no values.
	completionTimeout = 2 * time.Second
)

// completer answers completion/complete for the resource template and the
// prompts of one server.
type completer struct {
	lofty    *lofty.Client
	recent   *recentLeads
	log      *slog.Logger
	template bool                                       // the resource template is served
	prompts  map[string]map[string]tools.PromptArgument // prompt -> argument name -> argument
	searches *lru.Cache[string, search]
	now      func() time.Time
}

// search is a remembered lead search: the IDs it offered, until when.
type search struct {
	ids     []string
	total   int
	expires time.Time
}

func newCompleter(c *lofty.Client, recent *recentLeads, log *slog.Logger) *completer {
	searches, _ := lru.New[string, search](maxCompletionSearches)
	return &completer{lofty: c, recent: recent, log: log, prompts: map[string]map[string]tools.PromptArgument{},
		searches: searches, now: time.Now}
}

// CompleteResourceArgument implements server.ResourceCompletionProvider.
func (cp *completer) CompleteResourceArgument(ctx context.Context, uri string, arg mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	if !cp.template || uri != SalesAgentResourceTemplate || arg.Name != "leadId" {
		return &mcp.Completion{Values: []string{}}, nil
	}
	return cp.leads(ctx, arg.Value), nil
}

// CompletePromptArgument implements server.PromptCompletionProvider.
func (cp *completer) CompletePromptArgument(ctx context.Context, prompt string, arg mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	a, ok := cp.prompts[prompt][arg.Name]
	switch {
	case !ok:
		return &mcp.Completion{Values: []string{}}, nil
	case a.Lead:
		return cp.leads(ctx, arg.Value), nil
	case len(a.Enum) > 0:
		return enumCompletion(a.Enum, arg.Value), nil
	}
	return &mcp.Completion{Values: []string{}}, nil
}

// enumCompletion offers the values of enum that start with typed, ignoring
// case, in the enum's order.
func enumCompletion(enum []string, typed string) *mcp.Completion {
	typed = strings.ToLower(strings.TrimSpace(typed))
	values := []string{}
	for _, v := range enum {
		if strings.HasPrefix(strings.ToLower(v), typed) {
			values = append(values, v)
		}
	}
	return &mcp.Completion{Values: values, Total: len(values)}
}

// leads completes a lead ID from what the person typed.
func (cp *completer) leads(ctx context.Context, typed string) *mcp.Completion {
	typed = strings.TrimSpace(typed)
	credKey := cp.lofty.CredentialKey(ctx)
	var ids []string
	total := 0
	switch {
	case isDigits(typed):
		ids, total = cp.recent.matching(credKey, typed, maxCompletions)
	case len([]rune(typed)) >= 2 && credKey != "":
		ids, total = cp.search(ctx, credKey, typed)
	}
	if ids == nil {
		ids = []string{}
	}
	return &mcp.Completion{Values: ids, Total: total, HasMore: total > len(ids)}
}

// isDigits reports whether s is empty or only decimal digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// search looks leads up by name, email or phone through find_leads' path
// (findLeads: every lead checked against the key), remembered per
// credential for completionSearchTTL.
func (cp *completer) search(ctx context.Context, credKey, typed string) ([]string, int) {
	key := credKey + "\x00" + strings.ToLower(typed)
	now := cp.now()
	if s, ok := cp.searches.Get(key); ok && now.Before(s.expires) {
		return s.ids, s.total
	}
	ctx, cancel := context.WithTimeout(ctx, completionTimeout)
	defer cancel()
	leads, err := tools.SearchLeads(ctx, cp.lofty, typed, completionSearchPage)
	if err != nil {
		cp.log.LogAttrs(ctx, slog.LevelDebug, "completion search failed", slog.String("kind", lofty.KindOf(err).String()))
		return nil, 0
	}
	var ids []string
	for _, l := range leads {
		if len(ids) < maxCompletions {
			ids = append(ids, strconv.FormatInt(l.LeadID, 10))
		}
	}
	total := len(leads)
	cp.searches.Add(key, search{ids: ids, total: total, expires: now.Add(completionSearchTTL)})
	return ids, total
}
