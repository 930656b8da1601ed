package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// refreshBefore is how long before its expiry a Lofty access token is renewed.
const refreshBefore = 2 * time.Minute

// refreshLockTTL bounds how long one process holds a grant's renewal lock
// (a shared store's Locker): longer than a renewal takes (Lofty's token
// endpoint has 15 s), short enough that a crashed holder delays the others
// only briefly.
const refreshLockTTL = 30 * time.Second

// Grant is a signed-in person's authorization, as Authenticate found it.
type Grant struct {
	s    *Server
	rec  grantRecord
	cred sealedCredential // rec.Sealed, opened
}

// errUnreadableGrant: the grant exists, but its Lofty credential does not
// open with this server's secret key. Nothing can be done with it, so it
// counts as ended: its access tokens are invalid_token and its refresh
// tokens invalid_grant, and the client signs in again. The record itself is
// kept until it expires, so that restoring the right key brings it back.
var errUnreadableGrant = errors.New("the grant's Lofty credential cannot be read")

// errTokenUnreadable is what a token of such a grant gets (see Challenge).
var errTokenUnreadable = fmt.Errorf("%w: no longer valid: the server can no longer read its sign-in", ErrInvalidToken)

// ID is the grant's stable, non-secret identifier (for logs, per-grant
// rate limits and cache separation).
func (g *Grant) ID() string { return g.rec.ID }

// ClientID is the OAuth client the grant was issued to.
func (g *Grant) ClientID() string { return g.rec.ClientID }

// Method is how the person signed in: MethodAPIKey or MethodLofty.
func (g *Grant) Method() string { return g.rec.Method }

// Scopes are the scopes the person granted (access.LegacyScopes for a
// grant recorded before scopes existed). They are read from the sealed
// record: no one who can only write the store can widen them.
func (g *Grant) Scopes() access.Scopes { return g.cred.scopes() }

// scopes reads the granted scopes of c; Read is always among them.
func (c sealedCredential) scopes() access.Scopes {
	if c.Scopes == "" {
		return access.LegacyScopes
	}
	known, _ := access.ParseScopes(c.Scopes)
	return known | access.Read
}

// String never reveals the credential.
func (g *Grant) String() string { return "oauth grant " + g.rec.ID }

func (s *Server) loadGrant(ctx context.Context, id string) (*Grant, error) {
	var rec grantRecord
	if err := getJSON(ctx, s.store, keyGrant+id, &rec); err != nil {
		return nil, err
	}
	if !s.now().Before(unixTime(rec.Expires)) {
		return nil, ErrNotFound
	}
	cred, err := s.openCredential(&rec)
	if err != nil {
		s.log.Warn("oauth: a grant's credential cannot be read; its tokens are refused", "grant", rec.ID, "client_id", rec.ClientID, "error", err)
		return nil, fmt.Errorf("%w: %w", errUnreadableGrant, err)
	}
	return &Grant{s: s, rec: rec, cred: cred}, nil
}

// newGrant seals cred (with the person and the scopes granted) into a new
// grant record, stored until expires.
func (s *Server) newGrant(ctx context.Context, p *pendingRecord, clientName, method string, cred sealedCredential, expires time.Time) (*grantRecord, error) {
	rec := &grantRecord{
		ID:         newID("g_"),
		ClientID:   p.ClientID,
		ClientName: clientName,
		Resource:   p.Resource,
		Scope:      p.Scope,
		Method:     method,
		Created:    s.now().Unix(),
		Expires:    expires.Unix(),
	}
	if err := s.sealInto(rec, cred); err != nil {
		return nil, err
	}
	return rec, putJSON(ctx, s.store, keyGrant+rec.ID, rec, expires)
}

func (s *Server) sealInto(rec *grantRecord, cred sealedCredential) error {
	pt, err := json.Marshal(cred)
	if err != nil {
		return err
	}
	rec.Sealed = s.keys.seal(pt, keyGrant+rec.ID)
	return nil
}

func (s *Server) openCredential(rec *grantRecord) (sealedCredential, error) {
	return openSealed(s.keys, rec)
}

// openSealed opens the sealed part of rec with k.
func openSealed(k *keys, rec *grantRecord) (sealedCredential, error) {
	var c sealedCredential
	pt, err := k.open(rec.Sealed, keyGrant+rec.ID)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(pt, &c); err != nil {
		return c, errors.New("sealed credential is damaged")
	}
	return c, nil
}

// revokeGrant ends a grant and so every token issued under it: deleting
// its record deletes the Lofty credential sealed in it.
func (s *Server) revokeGrant(ctx context.Context, id, why string) {
	if err := s.grants().revoke(ctx, id); err != nil {
		s.log.Error("oauth: revoking a grant failed", "grant", id, "reason", why, "error", err)
		return
	}
	s.log.Info("oauth: grant revoked", "grant", id, "reason", why)
}

// Credential returns the signed-in person's Lofty credential: their API
// key (sent as "token <key>"), or their Lofty access token (sent as
// "Bearer <token>"), renewed with Lofty's refresh token shortly before it
// expires — one renewal at a time per grant, saved for every later request.
// Its Source names the grant, never the secret. ErrSignInAgain: Lofty no
// longer accepts the sign-in, the grant is revoked; ErrInvalidToken: this
// server can no longer read it (its secret key changed). Pass either to
// Challenge.
func (g *Grant) Credential(ctx context.Context) (lofty.Credential, error) {
	s := g.s
	c := g.cred
	if c.APIKey != "" {
		return lofty.Credential{Kind: lofty.APIKey, Secret: c.APIKey, Source: g.source("Lofty API key"), ID: g.rec.ID}, nil
	}
	if c.Expiry.IsZero() || s.now().Add(refreshBefore).Before(c.Expiry) {
		return lofty.Credential{Kind: lofty.AccessToken, Secret: c.AccessToken, Source: g.source("Sign in with Lofty"), ID: g.rec.ID}, nil
	}
	// One renewal per grant at a time; the renewal outlives a caller that
	// gives up, so that the others still get its result.
	v, err, _ := s.refreshes.Do(g.rec.ID, func() (any, error) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		return s.refreshLoftyCredential(rctx, g.rec.ID)
	})
	if err != nil {
		return lofty.Credential{}, err
	}
	fresh := v.(*grantRecord)
	if c, err = s.openCredential(fresh); err != nil {
		s.log.Warn("oauth: a grant's renewed credential cannot be read", "grant", g.rec.ID, "error", err)
		return lofty.Credential{}, errTokenUnreadable
	}
	g.rec, g.cred = *fresh, c
	return lofty.Credential{Kind: lofty.AccessToken, Secret: c.AccessToken, Source: g.source("Sign in with Lofty"), ID: g.rec.ID}, nil
}

func (g *Grant) source(method string) string {
	return fmt.Sprintf("the Lofty sign-in of OAuth grant %s (%s)", g.rec.ID, method)
}

// refreshLoftyCredential renews a grant's Lofty access token unless the
// stored grant was renewed meanwhile, and saves it. With a shared store
// (Locker), it does so under the grant's lock, so that of several replicas
// one renews and the others read what it saved: Lofty accepts each refresh
// token once, and a second renewal with the same one would end the sign-in.
func (s *Server) refreshLoftyCredential(ctx context.Context, grantID string) (*grantRecord, error) {
	var lockErr error
	if l, ok := s.store.(Locker); ok {
		unlock, err := l.Lock(ctx, "refresh:"+grantID, refreshLockTTL)
		if err != nil {
			s.log.Warn("oauth: waiting to renew a grant's Lofty access token failed", "grant", grantID, "error", err)
			lockErr = err
		} else {
			defer unlock()
		}
	}
	var rec grantRecord
	if err := getJSON(ctx, s.store, keyGrant+grantID, &rec); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, ErrSignInAgain
		}
		return nil, err
	}
	c, err := s.openCredential(&rec)
	if err != nil {
		return nil, errTokenUnreadable
	}
	now := s.now()
	if c.APIKey != "" || c.Expiry.IsZero() || now.Add(refreshBefore).Before(c.Expiry) {
		return &rec, nil // renewed meanwhile (or nothing to renew)
	}
	if lockErr != nil {
		// Another replica may be renewing it: never renew without the lock.
		if now.Before(c.Expiry) {
			return &rec, nil // still valid for a moment: use it, retry next time
		}
		return nil, fmt.Errorf("renewing the Lofty access token of OAuth grant %s: %w", grantID, lockErr)
	}
	if c.RefreshToken == "" {
		s.revokeGrant(ctx, grantID, "Lofty access token expired and Lofty gave no refresh token")
		return nil, ErrSignInAgain
	}
	tok, err := s.loftyToken(ctx, map[string]string{"grant_type": "refresh_token", "refresh_token": c.RefreshToken})
	if err != nil {
		var refused *loftyRefusedError
		if errors.As(err, &refused) {
			s.log.Warn("oauth: Lofty refused to renew a grant's access token", "grant", grantID, "status", refused.Status, "lofty_error", refused.Code)
			s.revokeGrant(ctx, grantID, "Lofty refused the refresh token")
			return nil, ErrSignInAgain
		}
		s.log.Warn("oauth: renewing a grant's Lofty access token failed", "grant", grantID, "error", err)
		if now.Before(c.Expiry) {
			return &rec, nil // still valid for a moment: use it, retry next time
		}
		return nil, fmt.Errorf("renewing the Lofty access token of OAuth grant %s: %w", grantID, err)
	}
	c.AccessToken = tok.AccessToken
	if tok.RefreshToken != "" {
		c.RefreshToken = tok.RefreshToken
	}
	c.Expiry = now.Add(tok.ExpiresIn)
	if err := s.sealInto(&rec, c); err != nil {
		return nil, err
	}
	if err := putJSON(ctx, s.store, keyGrant+grantID, &rec, unixTime(rec.Expires)); err != nil {
		return nil, fmt.Errorf("saving the renewed Lofty access token of OAuth grant %s: %w", grantID, err)
	}
	s.log.Info("oauth: renewed a grant's Lofty access token", "grant", grantID, "expires_in", tok.ExpiresIn.String())
	return &rec, nil
}
