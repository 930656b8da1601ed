package lofty_test

import (
	"context"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// TestCredentialKey: the key is the request's credential's when it has one,
// else the client's; it differs between credentials, follows a credential's
// ID across changes of its secret, never contains the secret, and is empty
// without a credential.
func TestCredentialKey(t *testing.T) {
	own := lofty.Credential{Kind: lofty.APIKey, Secret: "own-secret-key"}
	c, err := lofty.New(lofty.Config{BaseURL: "http://127.0.0.1:1", Credential: own})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	base := c.CredentialKey(ctx)
	if len(base) != 64 || strings.Contains(base, own.Secret) {
		t.Fatalf("key %q: want a 64-character hash without the secret", base)
	}
	if again := c.CredentialKey(ctx); again != base {
		t.Errorf("not stable: %q then %q", base, again)
	}
	other := c.CredentialKey(lofty.WithCredential(ctx, lofty.Credential{Kind: lofty.APIKey, Secret: "other-key"}))
	if other == base || other == "" {
		t.Errorf("a request's own credential gave %q (client's %q)", other, base)
	}
	token := c.CredentialKey(lofty.WithCredential(ctx, lofty.Credential{Kind: lofty.AccessToken, Secret: "own-secret-key"}))
	if token == base {
		t.Error("the same secret as a token and as a key gave the same key")
	}
	a := c.CredentialKey(lofty.WithCredential(ctx, lofty.Credential{Kind: lofty.AccessToken, Secret: "t1", ID: "grant-1"}))
	b := c.CredentialKey(lofty.WithCredential(ctx, lofty.Credential{Kind: lofty.AccessToken, Secret: "t2", ID: "grant-1"}))
	if a != b {
		t.Error("a renewed token of the same grant changed the key")
	}
	if k := c.CredentialKey(lofty.WithCredential(ctx, lofty.Credential{})); k != base {
		t.Error("an empty request credential did not fall back to the client's")
	}
	none, err := lofty.New(lofty.Config{BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if k := none.CredentialKey(ctx); k != "" {
		t.Errorf("no credential: key %q, want empty", k)
	}
	var nilClient *lofty.Client
	if k := nilClient.CredentialKey(ctx); k != "" {
		t.Errorf("nil client: key %q", k)
	}
}
