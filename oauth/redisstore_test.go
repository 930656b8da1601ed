package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

// Tests of RedisStore against a real redis-server on a free loopback port.

func newRedisClient(t testing.TB) *redis.Client {
	t.Helper()
	r := testutil.StartRedis(t)
	rdb := redis.NewClient(&redis.Options{Addr: r.Addr})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// withRedisStore keeps the harness's grants in a fresh Redis.
func withRedisStore(t testing.TB) harnessOption {
	rdb := newRedisClient(t)
	return func(c *Config) { c.Store = NewRedisStore(rdb, "", nil) }
}

// TestRedisStore runs the Store contract (the one BoltStore passes) on Redis.
func TestRedisStore(t *testing.T) {
	rdb := newRedisClient(t)
	testStore(t, func(t *testing.T, now func() time.Time) Store {
		return NewRedisStore(rdb, "test:", now)
	})
}

// TestRedisStoreKeysAndExpiry: every key is under the prefix, Redis itself
// expires a record at its expiry (no sweep), a record with no expiry has
// none, and a record put already expired is gone.
func TestRedisStoreKeysAndExpiry(t *testing.T) {
	ctx := context.Background()
	rdb := newRedisClient(t)
	st := NewRedisStore(rdb, "", nil)
	if err := st.Put(ctx, "at:abc", []byte("v"), time.Now().Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, "client:x", []byte("v"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, "code:old", []byte("v"), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	keys, err := rdb.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Fatalf("keys %q: want the two live records", keys)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, DefaultRedisPrefix) {
			t.Errorf("key %q is not under %q", k, DefaultRedisPrefix)
		}
	}
	if ttl := rdb.PTTL(ctx, DefaultRedisPrefix+"at:abc").Val(); ttl <= 8*time.Second || ttl > 10*time.Second {
		t.Errorf("TTL of a record expiring in 10s: %s", ttl)
	}
	if ttl := rdb.PTTL(ctx, DefaultRedisPrefix+"client:x").Val(); ttl != -1 {
		t.Errorf("TTL of a record without expiry: %s, want none (-1)", ttl)
	}
	// Replaced without expiry: the old TTL goes.
	st.Put(ctx, "at:abc", []byte("w"), time.Time{})
	if ttl := rdb.PTTL(ctx, DefaultRedisPrefix+"at:abc").Val(); ttl != -1 {
		t.Errorf("TTL after replacing without expiry: %s, want none", ttl)
	}
	// A Redis that does not answer is an error, not "not found".
	down := NewRedisStore(redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond}), "", nil)
	if _, err := down.Get(ctx, "at:abc"); err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "Redis") {
		t.Errorf("Get with Redis down: %v", err)
	}
}

// TestRedisLock: one holder at a time; a waiter gets the lock when it is
// released; a lock whose holder vanished lapses after its TTL; a holder
// whose lock lapsed does not release the next holder's.
func TestRedisLock(t *testing.T) {
	ctx := context.Background()
	rdb := newRedisClient(t)
	a, b := NewRedisStore(rdb, "", nil), NewRedisStore(rdb, "", nil) // two replicas

	unlockA, err := a.Lock(ctx, "refresh:g1", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 150*time.Millisecond)
	_, err = b.Lock(short, "refresh:g1", 5*time.Second)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second holder while the first holds it: %v", err)
	}
	if _, err := b.Lock(ctx, "refresh:other", time.Second); err != nil {
		t.Fatalf("another grant's lock: %v", err)
	}
	got := make(chan error, 1)
	go func() {
		unlockB, err := b.Lock(ctx, "refresh:g1", 5*time.Second)
		if err == nil {
			unlockB()
		}
		got <- err
	}()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-got:
		t.Fatalf("the waiter got the lock while it was held: %v", err)
	default:
	}
	unlockA()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiter did not get the released lock")
	}

	// A holder that never unlocks: the lock lapses after its TTL.
	if _, err := a.Lock(ctx, "refresh:g2", 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	unlockB, err := b.Lock(ctx, "refresh:g2", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 200*time.Millisecond {
		t.Fatalf("got a held lock after %s", waited)
	}
	// The first holder's late unlock (its lock lapsed) leaves b's in place.
	unlockLate, err := a.Lock(ctx, "refresh:g3", 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	unlockC, err := b.Lock(ctx, "refresh:g3", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	unlockLate()
	if n := rdb.Exists(ctx, DefaultRedisPrefix+"lock:refresh:g3").Val(); n != 1 {
		t.Fatal("a lapsed holder's unlock released the next holder's lock")
	}
	unlockC()
	unlockB()
	if n := rdb.Exists(ctx, DefaultRedisPrefix+"lock:refresh:g2", DefaultRedisPrefix+"lock:refresh:g3").Val(); n != 0 {
		t.Fatalf("%d locks left after unlocking", n)
	}
}

// TestRedisReplicasShareGrants: two servers (replicas) on one Redis with the
// same secret key: a person signs in through one, and the other accepts the
// access token, refreshes it, and runs calls with the person's credential.
// When Lofty's access token expires, concurrent calls through both replicas
// renew it at Lofty exactly once (Lofty's refresh tokens are used once: a
// second renewal would end the sign-in), and every call succeeds.
func TestRedisReplicasShareGrants(t *testing.T) {
	rdb := newRedisClient(t)
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i + 1)
	}
	h := newHarness(t, withLoftyOAuth(), func(c *Config) {
		c.Store = NewRedisStore(rdb, "", nil)
		c.SecretKey = key
		c.AccessTokenTTL = 24 * time.Hour
	})
	// Lofty's token endpoint is slow, so that renewals overlap.
	var tokenCalls atomic.Int32
	h.fake.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == fakelofty.TokenPath {
			tokenCalls.Add(1)
			time.Sleep(200 * time.Millisecond)
		}
		return false
	}
	replica2, err := New(h.cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { replica2.Close() })
	replica1 := h.srv()

	c := h.register(nil)
	tok := c.login("lofty", "")

	authenticate := func(s *Server) (*Grant, error) {
		req, _ := http.NewRequest(http.MethodGet, h.ts.URL+ResourcePath, nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		return s.Authenticate(req)
	}
	g2, err := authenticate(replica2)
	if err != nil {
		t.Fatalf("the other replica refused the token: %v", err)
	}
	if _, err := replica2.Authenticate(&http.Request{Header: http.Header{"Authorization": {"Bearer lmcp_at_unknown"}}}); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("unknown token on the other replica: %v", err)
	}
	cred, err := g2.Credential(context.Background())
	if err != nil || !strings.HasPrefix(cred.Secret, "lofty-at-") || cred.ID != g2.ID() {
		t.Fatalf("credential on the other replica: %v (id %q, grant %q)", err, cred.ID, g2.ID())
	}
	first := cred.Secret

	// The refresh token issued by replica 1 is redeemed at replica 2, and
	// the rotated-out one is then refused at replica 1.
	refresh := func(s *Server, rt string) (int, map[string]any) {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {c.id}, "resource": {s.Resource()}}
		req := httptest.NewRequest(http.MethodPost, h.ts.URL+TokenPath, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		var m map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &m)
		if at, _ := m["access_token"].(string); at != "" {
			h.addSecret(at, m["refresh_token"].(string))
		}
		return rec.Code, m
	}
	status, m := refresh(replica2, tok.RefreshToken)
	if status != http.StatusOK || m["access_token"] == nil {
		t.Fatalf("refresh at the other replica: HTTP %d %v", status, m["error"])
	}
	tok.AccessToken, tok.RefreshToken = m["access_token"].(string), m["refresh_token"].(string)
	if status, m := refresh(replica1, tok.RefreshToken); status != http.StatusOK {
		t.Fatalf("refresh back at the first replica: HTTP %d %v", status, m["error"])
	} else {
		tok.AccessToken = m["access_token"].(string)
	}

	// Lofty's token expires; 8 calls through each replica at once.
	h.clock.Advance(time.Hour)
	h.fake.ExpireAccessTokens()
	before := h.fake.TokenGrants("refresh_token")
	var wg sync.WaitGroup
	secrets := make(chan string, 16)
	for i := range 16 {
		s := replica1
		if i%2 == 1 {
			s = replica2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			g, err := authenticate(s)
			if err != nil {
				t.Errorf("authenticate: %v", err)
				return
			}
			cred, err := g.Credential(context.Background())
			if err != nil {
				t.Errorf("credential: %v", err)
				return
			}
			secrets <- cred.Secret
		}()
	}
	wg.Wait()
	close(secrets)
	if got := h.fake.TokenGrants("refresh_token") - before; got != 1 {
		t.Fatalf("16 calls through 2 replicas renewed Lofty's token %d times, want 1 (token endpoint asked %d times)", got, tokenCalls.Load())
	}
	var renewed string
	for s := range secrets {
		if s == first {
			t.Fatal("a call used the expired Lofty token")
		}
		if renewed != "" && s != renewed {
			t.Fatal("calls used different renewed tokens")
		}
		renewed = s
	}
	// The renewed token works at Lofty, and the grant was not revoked.
	if status, reply, _ := h.call(tok.AccessToken); status != http.StatusOK || reply.Kind != "access_token" {
		t.Fatalf("after the renewal: HTTP %d %+v", status, reply)
	}
	if got := h.lastAuthorization(); got != "Bearer "+renewed {
		t.Fatal("Lofty did not see the renewed token")
	}
}
