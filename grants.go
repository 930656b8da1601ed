package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lofty-mcp/lofty-mcp/oauth"
)

// runGrants lists or revokes the grants (sign-ins) of `http --oauth`, for
// an operator: a departing employee's sign-ins end at once. It reads the
// store the server uses — Redis with --redis-url, else the state
// directory's oauth.db, through the running server's control socket when
// one answers — and prints nothing secret: grant and client ids, people,
// apps, scopes and times.
func runGrants(ctx context.Context, cfg config, stdout, stderr io.Writer) int {
	gc := oauth.GrantsConfig{StateDir: cfg.oauth.stateDir, SecretKey: cfg.oauth.secretKey}
	where := "the state directory " + cfg.oauth.stateDir
	if opts := cfg.service.redis; opts != nil {
		rdb := redis.NewClient(opts)
		defer rdb.Close()
		gc.Store = oauth.NewRedisStore(rdb, "", nil)
		where = "Redis (--redis-url)"
	}
	admin, err := oauth.OpenGrantAdmin(gc)
	if err != nil {
		fmt.Fprintf(stderr, "lofty-mcp: grants: %v\n", err)
		return exitError
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	f := cfg.grants.filter()
	switch cfg.commandArgs[0] {
	case "list":
		gs, err := admin.List(ctx, f)
		if err != nil {
			fmt.Fprintf(stderr, "lofty-mcp: grants list (%s): %v\n", where, err)
			return exitError
		}
		if cfg.jsonOutput {
			return printJSON(stdout, stderr, gs)
		}
		if len(gs) == 0 {
			fmt.Fprintf(stdout, "no grant matches (%s)\n", where)
			return exitOK
		}
		printGrants(stdout, gs)
		return exitOK
	case "revoke":
		gs, err := admin.Revoke(ctx, f)
		if len(gs) > 0 {
			if cfg.jsonOutput {
				printJSON(stdout, stderr, gs)
			} else {
				fmt.Fprintf(stdout, "revoked %d grant(s): their tokens are refused from now on, and the Lofty credentials they held are deleted\n", len(gs))
				printGrants(stdout, gs)
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "lofty-mcp: grants revoke (%s): %v\n", where, err)
			return exitError
		}
		if len(gs) == 0 {
			if cfg.jsonOutput {
				return printJSON(stdout, stderr, gs)
			}
			fmt.Fprintf(stdout, "no grant matches: nothing was revoked (%s)\n", where)
		}
		return exitOK
	}
	return exitUsage // checkCommand allows nothing else
}

func printJSON(stdout, stderr io.Writer, v []oauth.GrantInfo) int {
	if v == nil {
		v = []oauth.GrantInfo{}
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(stderr, "lofty-mcp: %v\n", err)
		return exitError
	}
	return exitOK
}

// printGrants prints one line a grant.
func printGrants(w io.Writer, gs []oauth.GrantInfo) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "GRANT\tPERSON\tAPP\tSIGNED IN WITH\tSCOPES\tCREATED\tLAST USED\tEXPIRES")
	for _, g := range gs {
		who := g.Email
		switch {
		case g.Unreadable:
			who = "(unreadable: another secret key)"
		case who == "" && g.PersonID != 0:
			who = fmt.Sprintf("user %d", g.PersonID)
		case who == "":
			who = "(not recorded)"
		}
		app := g.ClientName
		if app == "" {
			app = g.ClientID
		}
		if path := resourcePath(g.Resource); path != "" && path != "/mcp" {
			app += " at " + path
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", g.ID, who, oneLine(app), g.Method, strings.ReplaceAll(g.Scopes, "lofty:", ""),
			day(g.Created), day(g.LastUsed), day(g.Expires))
	}
	_ = tw.Flush()
}

// resourcePath is the path of a resource URL.
func resourcePath(resource string) string {
	if i := strings.Index(resource, "://"); i >= 0 {
		if j := strings.Index(resource[i+3:], "/"); j >= 0 {
			return resource[i+3+j:]
		}
	}
	return ""
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}

// oneLine keeps a name an app chose from breaking the table.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
