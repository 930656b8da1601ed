package oauth

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

// TestGrantAdminThroughControlSocket: while the server holds oauth.db, an
// operator lists and revokes grants through its control socket — by
// person (id or email), client or grant id — and a revoked grant's token
// is refused at once. Nothing secret is in what is listed.
func TestGrantAdminThroughControlSocket(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	appA, appB := h.register(map[string]any{"client_name": "App A"}), h.register(map[string]any{"client_name": "App B"})
	alice, bob, aliceB := appA.login("api_key", goodKey), appA.login("api_key", otherKey), appB.login("api_key", goodKey)

	sock := filepath.Join(h.dir, ControlSocket)
	if fi, err := os.Stat(sock); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("control socket: %v, mode %v", err, fi.Mode())
	}
	admin, err := OpenGrantAdmin(GrantsConfig{StateDir: h.dir})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, ok := admin.(*controlClient); !ok {
		t.Fatalf("with the server running, the admin is %T, not its control socket", admin)
	}
	all, err := admin.List(ctx, GrantFilter{})
	if err != nil || len(all) != 3 {
		t.Fatalf("List: %d grants, %v", len(all), err)
	}
	raw, _ := json.Marshal(all)
	for _, secret := range []string{goodKey, otherKey, alice.AccessToken, alice.RefreshToken} {
		if strings.Contains(string(raw), secret) {
			t.Fatal("a secret is in the grant list")
		}
	}
	for _, g := range all {
		if g.ClientName == "" || g.Email == "" || g.PersonID == 0 || g.Scopes == "" || g.Created.IsZero() || g.Expires.IsZero() {
			t.Errorf("incomplete grant info: %+v", g)
		}
	}
	bobs, _ := admin.List(ctx, GrantFilter{Person: strings.ToUpper(otherPersonEmail)})
	if len(bobs) != 1 || bobs[0].Email != otherPersonEmail {
		t.Errorf("by Bob's email: %+v", bobs)
	}
	if got, _ := admin.List(ctx, GrantFilter{Person: "4242"}); len(got) != 1 {
		t.Errorf("by Bob's id: %d grants", len(got))
	}
	if got, _ := admin.List(ctx, GrantFilter{ClientID: appB.id}); len(got) != 1 {
		t.Errorf("by App B: %d grants", len(got))
	}
	if _, err := admin.List(ctx, GrantFilter{Person: "bob"}); err == nil || !strings.Contains(err.Error(), "neither a Lofty user id") {
		t.Errorf("a person that is neither: %v", err)
	}
	if _, err := admin.Revoke(ctx, GrantFilter{}); err == nil || !strings.Contains(err.Error(), "say which grants") {
		t.Errorf("revoke everything: %v", err)
	}

	// A departing Bob: every grant of his ends.
	gone, err := admin.Revoke(ctx, GrantFilter{Person: otherPersonEmail})
	if err != nil || len(gone) != 1 {
		t.Fatalf("revoke Bob: %+v %v", gone, err)
	}
	if status, _, _ := h.call(bob.AccessToken); status != 401 {
		t.Errorf("Bob's token after the revocation: HTTP %d", status)
	}
	if status, _, _ := h.call(alice.AccessToken); status != 200 {
		t.Errorf("Alice's token after Bob's revocation: HTTP %d", status)
	}
	// By grant id.
	_, r, _ := h.call(aliceB.AccessToken)
	if gone, _ := admin.Revoke(ctx, GrantFilter{ID: r.Grant}); len(gone) != 1 {
		t.Errorf("revoke by id: %d", len(gone))
	}
	if status, _, _ := h.call(aliceB.AccessToken); status != 401 {
		t.Errorf("the token of the grant revoked by id: HTTP %d", status)
	}
	if !strings.Contains(h.logs.String(), "revoked by the operator") {
		t.Error("the server did not log the operator's revocations")
	}

	// With the server stopped, the same through the file itself.
	h.srv().Close()
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("the control socket outlives the server: %v", err)
	}
	off, err := OpenGrantAdmin(GrantsConfig{StateDir: h.dir})
	if err != nil {
		t.Fatal(err)
	}
	defer off.Close()
	if _, ok := off.(*Grants); !ok {
		t.Fatalf("with the server stopped, the admin is %T", off)
	}
	left, err := off.List(ctx, GrantFilter{})
	if err != nil || len(left) != 1 || left[0].Email != fakeDemoEmail() {
		t.Fatalf("left: %+v %v", left, err)
	}
	if gone, err := off.Revoke(ctx, GrantFilter{ClientID: appA.id}); err != nil || len(gone) != 1 {
		t.Errorf("revoke by client with the server stopped: %v %v", gone, err)
	}
}

func fakeDemoEmail() string {
	s, _ := fakelofty.DemoMe["email"].(string)
	return strings.ToLower(s)
}

// TestOpenGrantsRefusals: what an operator gets wrong is said plainly.
func TestOpenGrantsRefusals(t *testing.T) {
	dir := t.TempDir()
	if _, err := OpenGrants(GrantsConfig{StateDir: dir, SecretKey: make([]byte, 32)}); err == nil || !strings.Contains(err.Error(), "no sign-in database") {
		t.Errorf("no oauth.db: %v", err)
	}
	os.WriteFile(filepath.Join(dir, DBFile), nil, 0o600)
	if _, err := OpenGrants(GrantsConfig{StateDir: dir}); err == nil || !strings.Contains(err.Error(), "secret key") {
		t.Errorf("no secret.key: %v", err)
	}
}

// TestRedisAccountRevokeAll: with Redis, the account page's "disconnect
// every app" leaves no record of the person's grants in Redis, and the
// operator's commands work on it directly.
func TestRedisAccountRevokeAll(t *testing.T) {
	rdb := newRedisClient(t)
	h := newHarness(t, func(c *Config) { c.Store = NewRedisStore(rdb, "", nil) })
	ctx := context.Background()
	c := h.register(nil)
	alice, bob := c.login("api_key", goodKey), c.login("api_key", otherKey)
	_, r, _ := h.call(alice.AccessToken)
	if n, _ := rdb.Exists(ctx, DefaultRedisPrefix+keyGrant+r.Grant).Result(); n != 1 {
		t.Fatal("Alice's grant is not in Redis")
	}
	b := h.accountBrowser()
	done := b.post(b.signIn(goodKey), map[string]string{"method": "revoke_all"})
	if !strings.Contains(done.body, "1 app is disconnected") {
		t.Fatalf("revoke all: HTTP %d", done.status)
	}
	if n, _ := rdb.Exists(ctx, DefaultRedisPrefix+keyGrant+r.Grant, DefaultRedisPrefix+keyLastUse+r.Grant).Result(); n != 0 {
		t.Errorf("%d of Alice's records are still in Redis", n)
	}
	if status, _, _ := h.call(alice.AccessToken); status != 401 {
		t.Errorf("Alice's token: HTTP %d", status)
	}
	// The operator, on the same Redis.
	g, err := OpenGrants(GrantsConfig{Store: NewRedisStore(rdb, "", nil), SecretKey: mustSecret(t, h)})
	if err != nil {
		t.Fatal(err)
	}
	if gone, err := g.Revoke(ctx, GrantFilter{Person: "4242"}); err != nil || len(gone) != 1 {
		t.Fatalf("operator revoke on Redis: %v %v", gone, err)
	}
	if status, _, _ := h.call(bob.AccessToken); status != 401 {
		t.Errorf("Bob's token after the operator's revocation: HTTP %d", status)
	}
	if keys, _ := rdb.Keys(ctx, DefaultRedisPrefix+keyGrant+"*").Result(); len(keys) != 0 {
		t.Errorf("grants left in Redis: %q", keys)
	}
}

// mustSecret reads the harness server's generated secret key.
func mustSecret(t *testing.T, h *harness) []byte {
	raw, err := os.ReadFile(filepath.Join(h.dir, SecretKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseSecretKey(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestScanExpiresAndStops: Scan skips expired records and stops when asked.
func TestScanExpiresAndStops(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	for name, st := range map[string]Store{
		"bolt":  mustBolt(t, clk.Now),
		"redis": NewRedisStore(newRedisClient(t), "te*st[x]:", clk.Now),
	} {
		st.Put(ctx, "p:a", []byte("1"), clk.Now().Add(time.Hour))
		st.Put(ctx, "p:b", []byte("2"), time.Time{})
		st.Put(ctx, "p:old", []byte("3"), clk.Now().Add(time.Second))
		st.Put(ctx, "q:c", []byte("4"), time.Time{})
		clk.Advance(2 * time.Second)
		got := map[string]string{}
		if err := st.(Scanner).Scan(ctx, "p:", func(k string, v []byte) bool { got[k] = string(v); return true }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got["p:a"] != "1" || got["p:b"] != "2" {
			t.Errorf("%s: Scan(p:) = %v", name, got)
		}
		n := 0
		st.(Scanner).Scan(ctx, "", func(string, []byte) bool { n++; return false })
		if n != 1 {
			t.Errorf("%s: Scan went on after false (%d calls)", name, n)
		}
	}
}

func mustBolt(t *testing.T, now func() time.Time) Store {
	st, err := OpenBoltStore(filepath.Join(t.TempDir(), DBFile), now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
