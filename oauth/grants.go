package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GrantInfo describes a stored grant — one person's sign-in for one app —
// without anything secret: what an operator lists and a person sees on the
// account page.
type GrantInfo struct {
	ID         string `json:"id"`
	ClientID   string `json:"client_id"`
	ClientName string `json:"client_name,omitempty"`
	// Resource is the URL the grant is for (/mcp, or a selection of it).
	Resource string `json:"resource"`
	// Method is how the person signed in: MethodAPIKey or MethodLofty.
	Method string `json:"method"`
	// Scopes are the scopes granted, space-separated.
	Scopes string `json:"scopes"`
	// PersonID, Email and Name are who signed in, as Lofty said (empty in
	// a grant recorded before they were).
	PersonID int64     `json:"person_id,omitempty"`
	Email    string    `json:"email,omitempty"`
	Name     string    `json:"name,omitempty"`
	Created  time.Time `json:"created"`
	Expires  time.Time `json:"expires"`
	// LastUsed is when its tokens were last used, to the minute (zero: not
	// since last use was recorded).
	LastUsed time.Time `json:"last_used,omitzero"`
	// Unreadable: its sealed part does not open with this secret key, so
	// who signed in is unknown (it cannot be used either).
	Unreadable bool `json:"unreadable,omitempty"`
}

// GrantFilter selects grants; every field given must match, and at least
// one must be given to revoke.
type GrantFilter struct {
	// ID is a grant id (g_...).
	ID string
	// ClientID is the app's client id.
	ClientID string
	// Person is a Lofty user id (digits) or an email address (any case).
	Person string
}

// IsZero reports whether f selects every grant.
func (f GrantFilter) IsZero() bool { return f == GrantFilter{} }

// check says what is wrong with f, if anything.
func (f GrantFilter) check() error {
	if f.Person != "" && !isDigits(f.Person) && !strings.Contains(f.Person, "@") {
		return fmt.Errorf("the person %q is neither a Lofty user id (digits) nor an email address", clip(f.Person))
	}
	return nil
}

func (f GrantFilter) matches(g *GrantInfo) bool {
	switch {
	case f.ID != "" && g.ID != f.ID,
		f.ClientID != "" && g.ClientID != f.ClientID:
		return false
	case f.Person == "":
		return true
	case isDigits(f.Person):
		return g.PersonID != 0 && strconv.FormatInt(g.PersonID, 10) == f.Person
	}
	return g.Email != "" && strings.EqualFold(g.Email, f.Person)
}

func isDigits(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// grantBook reads and revokes the grants of a store: the account page's
// and the operator's view of them.
type grantBook struct {
	store Store
	keys  *keys
	now   func() time.Time
}

func (s *Server) grants() grantBook { return grantBook{store: s.store, keys: s.keys, now: s.now} }

// errCannotList: the store has no Scan.
var errCannotList = errors.New("this sign-in store cannot list its grants")

// each calls fn with every unexpired grant's record, its info and (when
// it opens) its credential, until fn returns false.
func (b grantBook) each(ctx context.Context, fn func(rec *grantRecord, info *GrantInfo, cred *sealedCredential) bool) error {
	sc, ok := b.store.(Scanner)
	if !ok {
		return errCannotList
	}
	now := b.now()
	return sc.Scan(ctx, keyGrant, func(_ string, v []byte) bool {
		var rec grantRecord
		if json.Unmarshal(v, &rec) != nil || !now.Before(unixTime(rec.Expires)) {
			return true
		}
		info := &GrantInfo{ID: rec.ID, ClientID: rec.ClientID, ClientName: rec.ClientName, Resource: rec.Resource,
			Method: rec.Method, Created: unixTime(rec.Created), Expires: unixTime(rec.Expires)}
		var lu lastUseRecord
		if getJSON(ctx, b.store, keyLastUse+rec.ID, &lu) == nil {
			info.LastUsed = unixTime(lu.At)
		}
		cred, err := openSealed(b.keys, &rec)
		if err != nil {
			info.Unreadable = true
			return fn(&rec, info, nil)
		}
		info.Scopes = cred.scopes().String()
		if p := cred.Person; p != nil {
			info.PersonID, info.Email, info.Name = p.ID, p.Email, p.Name
		}
		return fn(&rec, info, &cred)
	})
}

// list returns the grants f selects, oldest first.
func (b grantBook) list(ctx context.Context, f GrantFilter) ([]GrantInfo, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	var out []GrantInfo
	err := b.each(ctx, func(_ *grantRecord, info *GrantInfo, _ *sealedCredential) bool {
		if f.matches(info) {
			out = append(out, *info)
		}
		return true
	})
	sortGrants(out)
	return out, err
}

func sortGrants(gs []GrantInfo) {
	slices.SortFunc(gs, func(a, b GrantInfo) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// revoke deletes grant id — and with it the Lofty credential sealed in it
// — and its last-use record. Its tokens, which name it, are refused from
// then on; a missing grant is not an error.
func (b grantBook) revoke(ctx context.Context, id string) error {
	if err := b.store.Delete(ctx, keyGrant+id); err != nil {
		return err
	}
	return b.store.Delete(ctx, keyLastUse+id)
}

// shred rewrites a store that keeps deleted records' bytes (bbolt), so
// that the credentials of revoked grants are no longer in its file.
func (b grantBook) shred(ctx context.Context) error {
	if sh, ok := b.store.(Shredder); ok {
		return sh.Shred(ctx)
	}
	return nil
}

// Grants is the operator's view of the stored grants, for `lofty-mcp
// grants list|revoke`: a departing employee's sign-ins end at once.
type Grants struct {
	book     grantBook
	own      Store // closed by Close
	onRevoke func(info GrantInfo)
	closed   bool
}

// GrantsConfig says where the grants are: the same store and key the
// server uses.
type GrantsConfig struct {
	// StateDir holds oauth.db and, without SecretKey, secret.key.
	StateDir string
	// SecretKey opens the sealed part of grants (LOFTY_MCP_SECRET_KEY);
	// nil: StateDir/secret.key, which must exist.
	SecretKey []byte
	// Store is the store (RedisStore with --redis-url); nil: the bbolt
	// file StateDir/oauth.db, which must exist and not be held by a
	// running server (ask the server through its control socket then: see
	// DialControl).
	Store Store
	// Now is the clock; nil: time.Now.
	Now func() time.Time
}

// OpenGrants opens the grants cfg names. Close it when done.
func OpenGrants(cfg GrantsConfig) (*Grants, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	dbPath := filepath.Join(cfg.StateDir, DBFile)
	if cfg.Store == nil {
		if _, err := os.Stat(dbPath); err != nil {
			return nil, fmt.Errorf("no sign-in database at %s (%v): give the server's --state-dir, or --redis-url when it keeps sign-ins in Redis", dbPath, err)
		}
	}
	secret := cfg.SecretKey
	if secret == nil {
		path := filepath.Join(cfg.StateDir, SecretKeyFile)
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("reading the secret key %s: %w (set LOFTY_MCP_SECRET_KEY, or --state-dir to the server's state directory)", path, err)
		}
		if secret, err = ParseSecretKey(string(raw)); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	k, err := deriveKeys(secret)
	if err != nil {
		return nil, fmt.Errorf("LOFTY_MCP_SECRET_KEY: %w", err)
	}
	g := &Grants{}
	st := cfg.Store
	if st == nil {
		bs, err := OpenBoltStore(dbPath, cfg.Now)
		if err != nil {
			return nil, err
		}
		st, g.own = bs, bs
	}
	g.book = grantBook{store: st, keys: k, now: cfg.Now}
	return g, nil
}

// AdminGrants is the operator's view of the grants of this running server
// (its control socket serves it).
func (s *Server) AdminGrants() *Grants {
	return &Grants{book: s.grants(), onRevoke: func(info GrantInfo) {
		s.log.Info("oauth: grant revoked", "grant", info.ID, "client_id", info.ClientID, "reason", "revoked by the operator")
	}}
}

// List returns the grants f selects (every grant when f is zero), oldest first.
func (g *Grants) List(ctx context.Context, f GrantFilter) ([]GrantInfo, error) {
	return g.book.list(ctx, f)
}

// Revoke revokes the grants f selects and returns them. f must select
// something (an id, a client or a person): revoking every grant at once is
// changing the secret key.
func (g *Grants) Revoke(ctx context.Context, f GrantFilter) ([]GrantInfo, error) {
	if f.IsZero() {
		return nil, errors.New("say which grants to revoke: a grant id, a client id or a person (to end every sign-in at once, change LOFTY_MCP_SECRET_KEY)")
	}
	found, err := g.book.list(ctx, f)
	if err != nil {
		return nil, err
	}
	var done []GrantInfo
	for _, info := range found {
		if err := g.book.revoke(ctx, info.ID); err != nil {
			return done, fmt.Errorf("revoking grant %s: %w", info.ID, err)
		}
		if g.onRevoke != nil {
			g.onRevoke(info)
		}
		done = append(done, info)
	}
	if len(done) > 0 {
		if err := g.book.shred(ctx); err != nil {
			return done, fmt.Errorf("the grants are revoked, but rewriting the store without their bytes failed: %w", err)
		}
	}
	return done, nil
}

// Close releases the store OpenGrants opened.
func (g *Grants) Close() error {
	if g.own == nil || g.closed {
		return nil
	}
	g.closed = true
	return g.own.Close()
}
