package main

import (
	"errors"
	"flag"
	"strings"

	"github.com/lofty-mcp/lofty-mcp/oauth"
)

// grantsConfig holds what `lofty-mcp grants list|revoke` selects: the
// grants of `http --oauth` (sign-ins), by grant id, client or person.
type grantsConfig struct {
	grant, client, person string
}

// addFlags registers --grant, --client and --person.
func (g *grantsConfig) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&g.grant, "grant", "", "grants: the grant `ID` (g_…) to list or revoke")
	fs.StringVar(&g.client, "client", "", "grants: the grants of the app whose client id is `ID`")
	fs.StringVar(&g.person, "person", "", "grants: the grants of a person, by Lofty user id or email (`WHO`), e.g. a departing employee")
}

// filter is the selection as oauth takes it.
func (g grantsConfig) filter() oauth.GrantFilter {
	return oauth.GrantFilter{ID: strings.TrimSpace(g.grant), ClientID: strings.TrimSpace(g.client), Person: strings.TrimSpace(g.person)}
}

// validate checks the selection against the grants subcommand.
func (g grantsConfig) validate(command string, args []string) error {
	f := g.filter()
	if command != "grants" {
		if !f.IsZero() {
			return errors.New("--grant, --client and --person go with the grants command (lofty-mcp grants list|revoke)")
		}
		return nil
	}
	if args[0] == "revoke" && f.IsZero() {
		return errors.New("grants revoke needs --grant ID, --client ID or --person WHO (a Lofty user id or email): it never revokes every grant at once (to end every sign-in, change LOFTY_MCP_SECRET_KEY)")
	}
	return nil
}
