package oauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Paths served by Handler. ResourcePath is the protected MCP endpoint.
const (
	ResourcePath            = "/mcp"
	ProtectedResourcePath   = "/.well-known/oauth-protected-resource"
	AuthServerMetadataPath  = "/.well-known/oauth-authorization-server"
	AuthorizePath           = "/oauth/authorize"
	TokenPath               = "/oauth/token"
	RegisterPath            = "/oauth/register"
	RevokePath              = "/oauth/revoke"
	SignInPath              = "/oauth/signin"
	LoftyCallbackPath       = "/oauth/lofty/callback"
	AccountPath             = "/oauth/account"
	PrivacyPath             = "/privacy"
	protectedResourceForMCP = ProtectedResourcePath + ResourcePath
)

// Errors of Authenticate, for Challenge and errors.Is.
var (
	// ErrNoToken: the request carries no bearer token.
	ErrNoToken = errors.New("no bearer token")
	// ErrInvalidToken: the token is unknown, expired, revoked or for
	// another resource (the wrapping error says which).
	ErrInvalidToken = errors.New("invalid token")
	// ErrSignInAgain is returned by Grant.Credential when Lofty no longer
	// accepts the grant's refresh token: the grant is revoked, and the next
	// request is answered 401 so that the client signs in again.
	ErrSignInAgain = errors.New("the Lofty sign-in has expired or was revoked in Lofty; connect again to sign in")
)

// Server is the OAuth 2.1 authorization server and resource-server token
// check of lofty-mcp http. It is safe for concurrent use.
type Server struct {
	issuer   string // PublicURL
	resource string // issuer + ResourcePath
	cfg      Config
	store    Store
	ownStore bool
	keys     *keys
	log      *slog.Logger
	now      func() time.Time

	lofty     *lofty.Client // checks pasted API keys (GET /v1.0/me)
	loftyHTTP *http.Client  // Lofty's token endpoint
	clientDoc *clientDocFetcher
	limits    *limits
	// pending and unusedClients bound what strangers can store (quota).
	pending, unusedClients *quota
	refreshes              singleflight.Group
	lastUse                *lastUses
	handler                http.Handler
	// warnedProxy: the warning about an unlisted proxy was logged.
	warnedProxy atomic.Bool

	control   *controlServer // nil without the embedded store
	stopSweep chan struct{}
	sweepDone chan struct{}
	closeOnce sync.Once
}

// New validates cfg, opens the store and returns a Server. Close it when done.
func New(cfg Config) (*Server, error) {
	issuer, err := CheckPublicURL(cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.AccessTokenTTL <= 0 {
		cfg.AccessTokenTTL = DefaultAccessTokenTTL
	}
	if cfg.RefreshTokenTTL <= 0 {
		cfg.RefreshTokenTTL = DefaultRefreshTokenTTL
	}
	if cfg.GrantTTL <= 0 {
		cfg.GrantTTL = DefaultGrantTTL
	}
	l := &cfg.Lofty
	if (l.ClientID == "") != (l.ClientSecret == "") {
		return nil, errors.New("set both LOFTY_OAUTH_CLIENT_ID and LOFTY_OAUTH_CLIENT_SECRET (a Lofty vendor app) for \"Sign in with Lofty\", or neither for API keys only")
	}
	if l.AuthorizeURL == "" {
		l.AuthorizeURL = DefaultLoftyAuthorizeURL
	}
	if l.TokenURL == "" {
		l.TokenURL = DefaultLoftyTokenURL
	}
	if l.APIBaseURL == "" {
		l.APIBaseURL = DefaultLoftyAPIBaseURL
	}
	for name, raw := range map[string]string{"LOFTY_OAUTH_AUTHORIZE_URL": l.AuthorizeURL, "LOFTY_OAUTH_TOKEN_URL": l.TokenURL} {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && isLoopbackHost(u.Hostname()))) {
			return nil, fmt.Errorf("%s %q is not an absolute https URL (plain http only on a loopback host)", name, raw)
		}
	}
	if l.HTTPClient == nil {
		l.HTTPClient = &http.Client{Timeout: 15 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
	}
	lc, err := lofty.New(lofty.Config{BaseURL: l.APIBaseURL, HTTPClient: l.HTTPClient, Logger: cfg.Logger, UserAgent: "lofty-mcp oauth"})
	if err != nil {
		return nil, err
	}

	secret := cfg.SecretKey
	if secret == nil {
		var created bool
		secret, created, err = loadOrCreateSecretKey(cfg.StateDir)
		if err != nil {
			return nil, err
		}
		if created {
			cfg.Logger.Info("oauth: generated a secret key; back it up with the database, or set LOFTY_MCP_SECRET_KEY",
				"path", filepath.Join(cfg.StateDir, SecretKeyFile))
		}
	}
	k, err := deriveKeys(secret)
	if err != nil {
		return nil, fmt.Errorf("LOFTY_MCP_SECRET_KEY: %w", err)
	}

	s := &Server{
		issuer:        issuer,
		resource:      issuer + ResourcePath,
		cfg:           cfg,
		store:         cfg.Store,
		keys:          k,
		log:           cfg.Logger,
		now:           cfg.Now,
		lofty:         lc,
		loftyHTTP:     l.HTTPClient,
		limits:        newLimits(),
		pending:       newQuota(maxPending, DefaultSignInTTL, maxPendingPerAddress, maxPendingPerClient),
		unusedClients: newQuota(maxUnusedClients, clientRegistrationTTL, maxUnusedClientsPerAddress),
		stopSweep:     make(chan struct{}),
		sweepDone:     make(chan struct{}),
	}
	s.lastUse = newLastUses(s)
	s.clientDoc = newClientDocFetcher(cfg.AllowPrivateClientMetadata, cfg.ClientMetadataTLS, cfg.Now, cfg.Logger)
	if s.store == nil {
		if cfg.StateDir == "" {
			return nil, errors.New("--state-dir is required with --oauth: the directory where sign-ins are kept")
		}
		bs, err := OpenBoltStore(filepath.Join(cfg.StateDir, DBFile), cfg.Now)
		if err != nil {
			return nil, err
		}
		s.store, s.ownStore = bs, true
		// The running server holds oauth.db: `lofty-mcp grants` reaches
		// its grants through this socket.
		if path := controlPath(cfg.StateDir); path == "" {
			s.log.Warn("oauth: the state directory's path is too long for a control socket; stop the server to use lofty-mcp grants", "state_dir", cfg.StateDir)
		} else if s.control, err = s.serveControl(path); err != nil {
			s.log.Warn("oauth: cannot serve the control socket; stop the server to use lofty-mcp grants", "path", path, "error", err)
		}
	}
	s.handler = s.routes()
	go s.sweepLoop()
	return s, nil
}

// Close stops the background sweep and closes the store New opened.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.stopSweep)
		<-s.sweepDone
		if s.control != nil {
			s.control.stop()
		}
		s.lofty.Close()
		s.clientDoc.http.CloseIdleConnections()
		if s.ownStore {
			err = s.store.Close()
		}
	})
	return err
}

// Issuer is the authorization server's issuer identifier (PublicURL).
func (s *Server) Issuer() string { return s.issuer }

// Resource is the protected resource's identifier (PublicURL + "/mcp"),
// the audience of every token.
func (s *Server) Resource() string { return s.resource }

// ResourceMetadataURL is the protected-resource metadata URL named in
// every challenge.
func (s *Server) ResourceMetadataURL() string { return s.issuer + protectedResourceForMCP }

// Handler serves every OAuth endpoint, the well-known documents and the
// sign-in page (the paths of Patterns), and 404 for anything else.
func (s *Server) Handler() http.Handler { return s.handler }

// Patterns are the http.ServeMux patterns Handler answers; Mount registers them.
var Patterns = []string{
	ProtectedResourcePath,
	ProtectedResourcePath + "/",
	AuthServerMetadataPath,
	AuthServerMetadataPath + "/",
	"/oauth/",
	PrivacyPath,
}

// Mount registers Handler on mux for every pattern of Patterns.
func (s *Server) Mount(mux *http.ServeMux) {
	for _, p := range Patterns {
		mux.Handle(p, s.handler)
	}
}

func (s *Server) sweepLoop() {
	defer close(s.sweepDone)
	_, sweeps := s.store.(Sweeper)
	_, compacts := s.store.(Compactor)
	if !sweeps && !compacts {
		return
	}
	sweep := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		s.maintain(ctx)
	}
	sweep()
	t := time.NewTicker(DefaultSweepInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stopSweep:
			return
		case <-t.C:
			sweep()
		}
	}
}

// maintain deletes the expired records of a store that does not expire
// them itself, then compacts a store whose file would otherwise keep the
// room they took.
func (s *Server) maintain(ctx context.Context) {
	s.lastUse.prune(s.now())
	if sw, ok := s.store.(Sweeper); ok {
		n, err := sw.Sweep(ctx, s.now())
		if err != nil {
			s.log.Warn("oauth: sweeping expired records failed", "error", err)
		} else if n > 0 {
			s.log.Debug("oauth: swept expired records", "count", n)
		}
	}
	if c, ok := s.store.(Compactor); ok {
		before, after, err := c.Compact(ctx)
		if err != nil {
			s.log.Error("oauth: compacting the sign-in store failed", "error", err)
		} else if after < before {
			s.log.Info("oauth: compacted the sign-in store", "bytes_before", before, "bytes_after", after)
		}
	}
}

// Authenticate checks the request's "Authorization: Bearer <token>": the
// token must be one this server issued, unexpired, of a grant not revoked,
// and for the resource the request's path belongs to (/mcp, or the
// selection such as /mcp/x/leads/readonly it was obtained for). Errors wrap
// ErrNoToken or ErrInvalidToken (pass them to Challenge), or are storage
// failures. It notes, at most once a minute per grant, that the grant was
// used.
func (s *Server) Authenticate(r *http.Request) (*Grant, error) {
	token, ok := bearerToken(r.Header.Get("Authorization"))
	if !ok {
		return nil, ErrNoToken
	}
	ctx := r.Context()
	var rec tokenRecord
	if err := getJSON(ctx, s.store, keyAccess+hashSecret(token), &rec); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("%w: unknown, expired or revoked", ErrInvalidToken)
		}
		return nil, err
	}
	if !s.now().Before(unixTime(rec.Expires)) {
		return nil, fmt.Errorf("%w: expired", ErrInvalidToken)
	}
	if rec.Resource != s.resourceFor(r.URL.Path) {
		return nil, fmt.Errorf("%w: issued for another resource", ErrInvalidToken)
	}
	g, err := s.loadGrant(ctx, rec.GrantID)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, fmt.Errorf("%w: revoked", ErrInvalidToken)
	case errors.Is(err, errUnreadableGrant):
		return nil, errTokenUnreadable
	case err != nil:
		return nil, err
	}
	s.lastUse.touch(ctx, g.rec.ID, unixTime(g.rec.Expires))
	return g, nil
}

// bearerToken reads "Bearer <token>" (scheme case-insensitive).
func bearerToken(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" || strings.ContainsAny(tok, " \t") {
		return "", false
	}
	return tok, true
}

// Challenge answers a request Authenticate refused: 401 with
// WWW-Authenticate naming the metadata of the request's resource and the
// scopes to ask for (and error="invalid_token" for a bad token), or 503 for
// a storage failure.
func (s *Server) Challenge(w http.ResponseWriter, r *http.Request, err error) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	params := fmt.Sprintf(`Bearer resource_metadata=%q`, s.metadataURLFor(r.URL.Path))
	if scopes, serr := s.resourceScopes(resourcePath(r.URL.Path)); serr == nil {
		params += fmt.Sprintf(`, scope=%q`, scopes.String())
	}
	switch {
	case errors.Is(err, ErrInvalidToken), errors.Is(err, ErrSignInAgain):
		desc := "The Lofty sign-in behind this access token has ended"
		if errors.Is(err, ErrInvalidToken) {
			reason := strings.TrimPrefix(strings.TrimPrefix(err.Error(), ErrInvalidToken.Error()), ": ")
			if reason == "" {
				reason = "invalid"
			}
			desc = "The access token is " + reason
		}
		h.Set("WWW-Authenticate", fmt.Sprintf(`%s, error="invalid_token", error_description=%q`, params, desc))
		w.WriteHeader(http.StatusUnauthorized)
		writeJSONBody(w, map[string]string{"error": "invalid_token", "message": desc + "; sign in again."})
	case err == nil || errors.Is(err, ErrNoToken):
		h.Set("WWW-Authenticate", params)
		w.WriteHeader(http.StatusUnauthorized)
		writeJSONBody(w, map[string]string{"error": "unauthorized", "message": "Sign in: this server needs an OAuth access token (Authorization: Bearer <token>)."})
	default:
		s.log.Error("oauth: checking an access token failed", "error", err)
		h.Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		writeJSONBody(w, map[string]string{"error": "temporarily_unavailable", "message": "The sign-in store is unavailable; try again shortly."})
	}
}

// InsufficientScope answers a call that needs scopes the request's sign-in
// did not grant, as the MCP authorization specification's step-up asks:
// 403 with WWW-Authenticate: Bearer error="insufficient_scope", naming in
// scope what to ask for — what was granted and what is needed, so that a
// new sign-in loses nothing — and the resource's metadata. The client can
// then ask the person to sign in again and allow more.
func (s *Server) InsufficientScope(w http.ResponseWriter, r *http.Request, what string, need, granted access.Scopes) {
	missing := need &^ granted
	ask := granted | need | access.Read
	desc := fmt.Sprintf("%s needs %s, which this sign-in did not allow", what, strings.Join(missing.Names(), " and "))
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="insufficient_scope", scope=%q, resource_metadata=%q, error_description=%q`,
		ask.String(), s.metadataURLFor(r.URL.Path), desc))
	w.WriteHeader(http.StatusForbidden)
	writeJSONBody(w, map[string]string{"error": "insufficient_scope", "scope": ask.String(),
		"message": desc + "; sign in again and allow it (the app asks you to)."})
}
