package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/oauth"
	"github.com/lofty-mcp/lofty-mcp/transport"
)

// runHTTP serves a's MCP server over HTTP (Streamable HTTP at /mcp, legacy
// SSE at /sse and /message) until ctx ends (SIGINT, SIGTERM), then shuts
// down gracefully and exits 0.
func runHTTP(ctx context.Context, a *app, stderr io.Writer) int {
	tc := a.cfg.http.transportConfig()
	tc.Logger = a.log
	tc.Catalog = a.catalog
	if a.redis != nil {
		// /readyz answers 503 while Redis does not: with --oauth, sign-ins
		// live there.
		tc.Ready = a.lofty.Ready
	}
	if a.cfg.oauth.enabled {
		o, handlers, err := a.newOAuthServer()
		if err != nil {
			fmt.Fprintf(stderr, "lofty-mcp: %v\n", err)
			return exitUsage
		}
		defer o.Close()
		tc.OAuth, tc.Handlers = o, handlers
	}
	srv, err := transport.New(a.server, tc)
	if err != nil {
		fmt.Fprintf(stderr, "lofty-mcp: %v\n", err)
		return exitUsage
	}
	a.transport.Store(srv)
	switch {
	case a.cfg.demo:
	case tc.OAuth != nil:
		if tc.AuthToken != "" && a.cfg.credential.IsZero() {
			a.log.Info("--oauth with --auth-token: requests bearing the static token need an " +
				transport.HeaderLoftyAPIKey + " or " + transport.HeaderLoftyAccessToken + " header to reach Lofty")
		}
	case a.cfg.credential.IsZero() && !tc.RequireRequestCredentials:
		a.log.Warn("no server Lofty credential (LOFTY_API_KEY or LOFTY_ACCESS_TOKEN): only requests carrying " +
			transport.HeaderLoftyAPIKey + " or " + transport.HeaderLoftyAccessToken + " can reach Lofty; the others get an error result")
	case !a.cfg.credential.IsZero() && tc.RequireRequestCredentials:
		a.log.Info("--require-request-credentials: the server's own Lofty credential is never used")
	}
	// Listening is the last start-up step that can fail: its error is a
	// start-up error like the others, before anything says it is serving.
	ln, err := srv.Listen()
	if err != nil {
		fmt.Fprintf(stderr, "lofty-mcp: %v\n", err)
		return exitUsage
	}
	a.log.Info("serving MCP over HTTP", "version", buildVersion(), "demo", a.cfg.demo, "credential", a.cfg.credential)
	if err := srv.Serve(ctx, ln); err != nil {
		a.log.Error("http server stopped", "error", err)
		return exitError
	}
	return exitOK
}

// resourceScopes describes the protected resources for the authorization
// server: /mcp and its selections (/mcp/x/TOOLSETS[/readonly],
// /mcp/readonly), within what the server serves, and the scopes the tools
// at each can use.
func (a *app) resourceScopes(path string) (access.Scopes, error) {
	sel, ok, err := access.ParsePath(path)
	if !ok {
		return 0, fmt.Errorf("%s is not an MCP endpoint of this server (%s and its selections are)", path, access.BasePath)
	}
	if err != nil {
		return 0, err
	}
	if sel, err = a.catalog.Resolve(sel); err != nil {
		return 0, err
	}
	return a.catalog.ScopesFor(sel), nil
}

// demoSignInNote is what the sign-in page of --demo --oauth says first.
const demoSignInNote = "This is lofty-mcp's demo, with its built-in sample data. Paste the demo API key, " +
	demoAPIKey + ", or use Sign in with Lofty, which goes to the demo Lofty's own page."

// demoAuthorizePath is where --demo --oauth serves the demo Lofty's vendor
// authorization page ("Sign in with Lofty" sends the browser there).
const demoAuthorizePath = "/demo/lofty/authorize"

// newOAuthServer builds the authorization server of `http --oauth`: grants
// in Redis with --redis-url (every replica accepts every token), else in
// the state directory's database. Under --demo, the in-process demo Lofty
// checks API keys and plays Lofty's vendor OAuth; its authorization page is
// one of the returned handlers, for the transport to serve.
func (a *app) newOAuthServer() (*oauth.Server, map[string]http.Handler, error) {
	o := a.cfg.oauth
	cfg := oauth.Config{
		PublicURL:      o.publicURL,
		StateDir:       o.stateDir,
		SecretKey:      o.secretKey,
		AccessTokenTTL: o.accessTokenTTL,
		TrustedProxies: o.trustedProxies,
		ResourceScopes: a.resourceScopes,
		PrivacyContact: o.privacyContact,
		CacheTTL:       a.cfg.resilience.loftyResilience().CacheTTL,
		Lofty: oauth.LoftyConfig{
			ClientID:     o.loftyClientID,
			ClientSecret: o.loftyClientSecret,
			AuthorizeURL: o.loftyAuthorizeURL,
			TokenURL:     o.loftyTokenURL,
			APIBaseURL:   a.cfg.baseURL,
		},
		Logger: a.log,
	}
	store := "database " + filepath.Join(o.stateDir, oauth.DBFile)
	if a.redis != nil {
		cfg.Store = oauth.NewRedisStore(a.redis, "", nil)
		store = "Redis (--redis-url)"
	}
	var handlers map[string]http.Handler
	if a.demoFake != nil {
		if o.loftyClientID != "" || o.loftyAuthorizeURL != "" || o.loftyTokenURL != "" {
			a.log.Info("--demo: ignoring the LOFTY_OAUTH_* settings; \"Sign in with Lofty\" goes to the demo Lofty")
		}
		cfg.Lofty = oauth.LoftyConfig{
			ClientID:     demoVendorClientID,
			ClientSecret: demoVendorClientSecret,
			AuthorizeURL: o.publicURL + demoAuthorizePath,
			// https so that it passes the check for real token URLs; the
			// fake answers in-process, nothing is dialled.
			TokenURL:   "https://demo.lofty.invalid" + fakelofty.TokenPath,
			APIBaseURL: demoBaseURL,
			HTTPClient: a.demoFake.Client(),
		}
		handlers = map[string]http.Handler{"GET " + demoAuthorizePath: http.HandlerFunc(a.demoFake.ServeVendorAuth)}
		cfg.SignInNote = demoSignInNote
	}
	srv, err := oauth.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	a.log.Info("oauth: people sign in to connect", "mcp", srv.Resource(), "issuer", srv.Issuer(),
		"sign_in_with_lofty", cfg.Lofty.ClientID != "", "store", store, "access_token_ttl", o.accessTokenTTL.String(), "trusted_proxies", len(o.trustedProxies))
	if a.demoFake != nil {
		a.log.Info("--demo --oauth: paste the demo API key \"" + demoAPIKey + "\", or use Sign in with Lofty (the demo Lofty's page)")
	}
	return srv, handlers, nil
}
