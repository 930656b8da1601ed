// Package oauth makes `lofty-mcp http` an OAuth 2.1 protected resource with
// its own authorization server, so that people connect a client (Claude.ai,
// Claude Desktop, any MCP client that signs in) by pasting the server's URL
// and signing in with Lofty or with a Lofty API key. Each tool call then runs
// with that person's own Lofty credential.
//
// # Use
//
//	srv, err := oauth.New(oauth.Config{
//		PublicURL: "https://mcp.example.com", // LOFTY_MCP_PUBLIC_URL
//		StateDir:  "/var/lib/lofty-mcp",      // --state-dir
//		SecretKey: key,                       // oauth.ParseSecretKey(LOFTY_MCP_SECRET_KEY), or nil
//		Lofty:     oauth.LoftyConfig{ClientID: id, ClientSecret: secret, APIBaseURL: baseURL},
//		Logger:    logger,
//	})
//	defer srv.Close()
//	srv.Mount(mux) // or mux.Handle(p, srv.Handler()) for each p in oauth.Patterns
//
//	// In front of /mcp, its selections (/mcp/x/leads/readonly ...) and /sse:
//	grant, err := srv.Authenticate(r) // the token must be for r's resource
//	if err != nil {
//		srv.Challenge(w, r, err) // 401 + WWW-Authenticate: Bearer resource_metadata="…", scope="…"
//		return
//	}
//	cred, err := grant.Credential(ctx) // lofty.Credential; ErrSignInAgain -> srv.Challenge
//	ctx = lofty.WithCredential(ctx, cred) // grant.ID() keys rate limits and caches
//	// grant.Scopes() is what the person allowed; a call needing more:
//	srv.InsufficientScope(w, r, tool, need, grant.Scopes()) // 403 insufficient_scope (step-up)
//
// # Scopes and resources
//
// The scopes are lofty:read (every sign-in has it), lofty:write,
// lofty:messages and lofty:admin (internal/access). The sign-in page offers
// those the client asked for, of those its resource's tools can use, each
// ticked; the person unticks what they do not allow, and the grant seals
// what is left (so no one who can write the store can widen it). A grant
// recorded before scopes existed allows lofty:read and lofty:write, what
// it could do then. Every selection of /mcp (Config.ResourceScopes says
// which exist) is a resource of its own, with its own metadata at the
// well-known path followed by its path, and tokens bound to it.
//
// # Endpoints (Handler)
//
//	GET  /.well-known/oauth-protected-resource[/mcp]  RFC 9728 metadata (mcp-go's handler): resource PublicURL/mcp, authorization server PublicURL
//	GET  /.well-known/oauth-authorization-server      RFC 8414 metadata: S256 only, iss in responses (RFC 9207), CIMD supported
//	POST /oauth/register                              Dynamic Client Registration (RFC 7591): public (none) and confidential clients
//	GET  /oauth/authorize                             authorization code request: PKCE S256 required, resource (RFC 8707) bound
//	GET  /oauth/signin, POST /oauth/signin            the one sign-in page: "Sign in with Lofty" and "Paste a Lofty API key"
//	GET  /oauth/lofty/callback                        Lofty's vendor OAuth returns here (register this URL with the Lofty app)
//	POST /oauth/token                                 authorization_code and refresh_token grants; refresh tokens rotate
//	POST /oauth/revoke                                RFC 7009 revocation
//	GET  /oauth/account, POST /oauth/account          a person's connected apps: sign in as on the sign-in page, see each with its last use, disconnect one or all
//	GET  /privacy                                     what is stored, how long, sealed how, how to delete it
//
// An operator lists and revokes grants (`lofty-mcp grants`) with
// OpenGrantAdmin: on the store itself (Redis, or a stopped server's
// oauth.db), or through a running server's control socket (control.sock
// in the state directory, mode 0600), since bbolt lets one process open
// the file.
//
// A client_id that is an https URL is a Client ID Metadata Document: it is
// fetched (https only; the address actually dialled must be public unless
// Config.AllowPrivateClientMetadata; 64 KB, 5 s, no redirects; cached 10
// minutes) and must name itself as client_id. Redirect URIs match what was
// registered exactly; they are https, or http on a loopback host.
//
// # What is stored, and how
//
// Everything lives in a Store (key-value with expiry and an atomic take):
// by default the bbolt file StateDir/oauth.db, so that a restart keeps
// everyone signed in; RedisStore (Config.Store, with --redis-url) shares it
// between replicas, so that any of them accepts any token, and its Locker
// makes one replica at a time renew a grant's Lofty token. A grant holds the person's Lofty credential (API key,
// or Lofty's access and refresh tokens), who they are (Lofty's user id, name
// and email) and the scopes they granted, sealed with AES-256-GCM under a key
// derived (HKDF-SHA-256) from the 32-byte secret key, with a random nonce per
// record and the grant id as additional data; beside it, when its tokens
// were last used (written at most once a minute). Issued access tokens, refresh
// tokens, authorization codes and client secrets are 256-bit random values
// stored only as SHA-256 hashes. Expired records are swept every 10 minutes.
//
// What a stranger can make it store before signing in is bounded: state
// and scope at most 1 KB each, a client's metadata at most 10 redirect
// URIs of 1 KB and 4 KB in all; pending sign-ins at most 1,000 (20 per
// address, 500 per client) and registrations nobody has signed in with at
// most 500 (20 per address), the oldest dropped past a bound; authorization
// requests and registrations are rate limited per address (Config.
// TrustedProxies says whose address a proxied request is). The sweep then
// compacts the bbolt file when most of it is room no record uses, since
// bbolt never gives that room back.
//
// Lifetimes: authorization codes 1 minute, used once (a replay revokes the
// grant); access tokens 1 hour; refresh tokens 30 days, rotated on each use
// (a rotated-out token used again revokes the grant); a grant 90 days, then
// the person signs in again. Lofty's access token is renewed 2 minutes
// before it expires, one renewal per grant at a time (across replicas with
// a Locker store), and saved.
//
// Nothing secret is logged: log lines carry client ids, grant ids and
// outcomes.
package oauth
