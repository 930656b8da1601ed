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
//   - A team name (a prompt argument tagged complete:"member", "tag" or
//     "stage") completes from the team's lists: account emails (what
//     assign_lead takes; typing part of a name finds them too), lead tags,
//     the pipeline's stages. Each list is read once per credential and
//     kept for teamNamesTTL, without waiting for the rate limit
//     (lofty.NoWait): a list Lofty cannot give at once offers nothing.
//
// MCP completes only prompt and resource arguments, never a tool's. For a
// tool's arguments "complete" means two things here: the team toolset's
// tools list the names Lofty expects (get_team_members, get_team_lists,
// get_lead_routing), and a write refuses, before anything is sent, a name
// Lofty would not know, naming those it would (assign_lead with an email
// that is no team member's, update_lead_routing with a member routing
// cannot assign, manage_agent with a role that is no permission profile).

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
	// teamNamesTTL is how long a team list is reused: members, tags and
	// stages change seldom, and a person types many characters.
	teamNamesTTL = 5 * time.Minute
	// maxTeamNameLists bounds the team lists remembered (three a credential).
	maxTeamNameLists = 3000
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
	team     *lru.Cache[string, teamNames] // credential and kind -> the team's names
	now      func() time.Time
}

// teamNames is a remembered team list, until when.
type teamNames struct {
	names   []tools.TeamName
	expires time.Time
}

// search is a remembered lead search: the IDs it offered, until when.
type search struct {
	ids     []string
	total   int
	expires time.Time
}

func newCompleter(c *lofty.Client, recent *recentLeads, log *slog.Logger) *completer {
	searches, _ := lru.New[string, search](maxCompletionSearches)
	team, _ := lru.New[string, teamNames](maxTeamNameLists)
	return &completer{lofty: c, recent: recent, log: log, prompts: map[string]map[string]tools.PromptArgument{},
		searches: searches, team: team, now: time.Now}
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
	case a.Names != "":
		return cp.teamNames(ctx, a.Names, arg.Value), nil
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

// teamNames completes a team name of kind from what the person typed:
// those whose text starts with it first, then those that contain it,
// ignoring case, in the team's order.
func (cp *completer) teamNames(ctx context.Context, kind, typed string) *mcp.Completion {
	credKey := cp.lofty.CredentialKey(ctx)
	if credKey == "" {
		return &mcp.Completion{Values: []string{}}
	}
	key := credKey + "\x00" + kind
	now := cp.now()
	list, ok := cp.team.Get(key)
	if !ok || !now.Before(list.expires) {
		ctx, cancel := context.WithTimeout(lofty.NoWait(ctx), completionTimeout)
		defer cancel()
		names, err := tools.TeamNames(ctx, cp.lofty, kind)
		if err != nil {
			cp.log.LogAttrs(ctx, slog.LevelDebug, "completion of team names failed", slog.String("names", kind),
				slog.String("kind", lofty.KindOf(err).String()))
			return &mcp.Completion{Values: []string{}}
		}
		list = teamNames{names: names, expires: now.Add(teamNamesTTL)}
		cp.team.Add(key, list)
	}
	typed = strings.ToLower(strings.TrimSpace(typed))
	var first, then []string
	for _, n := range list.names {
		match := strings.ToLower(n.Match)
		switch {
		case strings.HasPrefix(strings.ToLower(n.Value), typed) || strings.HasPrefix(match, typed):
			first = append(first, n.Value)
		case strings.Contains(match, typed):
			then = append(then, n.Value)
		}
	}
	all := append(first, then...)
	values := all
	if len(values) > maxCompletions {
		values = values[:maxCompletions]
	}
	if values == nil {
		values = []string{}
	}
	return &mcp.Completion{Values: values, Total: len(all), HasMore: len(all) > len(values)}
}
