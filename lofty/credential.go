package lofty

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
)

// CredentialKind says how a credential is presented to Lofty.
type CredentialKind int

const (
	// NoCredential means none is configured.
	NoCredential CredentialKind = iota
	// APIKey is a personal API key, sent as "Authorization: token <key>".
	APIKey
	// AccessToken is an OAuth access token, sent as "Authorization: Bearer <token>".
	AccessToken
)

// Credential is a Lofty secret and how to present it. It prints as
// "[redacted]" through fmt and slog so it cannot leak into logs by accident.
type Credential struct {
	Kind   CredentialKind
	Secret string
	// Source names where the credential came from, for error messages
	// ("LOFTY_API_KEY", "X-Lofty-Api-Key header"). Never the secret itself.
	Source string
	// ID, when set, identifies the credential across changes of its secret
	// (an OAuth sign-in whose Lofty token is renewed): its rate limit and
	// cached answers follow the ID rather than the secret.
	ID string
}

// SourceName is Source, or the environment variable of Kind when unset.
func (c Credential) SourceName() string {
	switch {
	case c.Source != "":
		return c.Source
	case c.Kind == AccessToken:
		return "LOFTY_ACCESS_TOKEN"
	default:
		return "LOFTY_API_KEY"
	}
}

// IsZero reports whether no usable credential is present.
func (c Credential) IsZero() bool { return c.Kind == NoCredential || c.Secret == "" }

// authorization is the Authorization header value for c.
func (c Credential) authorization() string {
	if c.Kind == AccessToken {
		return "Bearer " + c.Secret
	}
	return "token " + c.Secret
}

// String never reveals the secret.
func (c Credential) String() string {
	switch {
	case c.IsZero():
		return "none"
	case c.Kind == AccessToken:
		return "access token [redacted]"
	default:
		return "API key [redacted]"
	}
}

// GoString never reveals the secret.
func (c Credential) GoString() string { return "lofty.Credential{" + c.String() + "}" }

// LogValue never reveals the secret.
func (c Credential) LogValue() slog.Value { return slog.StringValue(c.String()) }

type credentialKey struct{}

// WithCredential returns a context whose Lofty requests use cred instead of
// the client's own credential (per-request credentials of a shared server).
func WithCredential(ctx context.Context, cred Credential) context.Context {
	return context.WithValue(ctx, credentialKey{}, cred)
}

// credential is the credential for a request made with ctx.
func (c *Client) credential(ctx context.Context) Credential {
	if cred, ok := ctx.Value(credentialKey{}).(Credential); ok && !cred.IsZero() {
		return cred
	}
	return c.cred
}

// key is a hash of the credential that identifies it without holding the
// secret: the rate limiter, the cache and shared state are keyed by it.
func (c Credential) key() string {
	h := sha256.New()
	if c.ID != "" {
		h.Write([]byte("id\x00" + c.ID))
	} else {
		h.Write([]byte{byte(c.Kind)})
		h.Write([]byte(c.Secret))
	}
	return hex.EncodeToString(h.Sum(nil))
}
