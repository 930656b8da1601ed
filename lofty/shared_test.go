package lofty_test

// Shared state through a real Redis (redis-server on a free loopback port):
// replicas share one rate limit, Lofty's holds, the cache and write
// invalidation, and go on alone when Redis is gone.

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
)

type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

func init() { redis.SetLogger(quietRedis{}) } // dial failures are expected here

// replicas returns n clients of base that share one Redis, each logging to logs.
func replicas(t *testing.T, n int, base string, rs *testutil.Redis, logs *testutil.SyncBuffer, edit func(*lofty.Config)) []*lofty.Client {
	t.Helper()
	var out []*lofty.Client
	for range n {
		rdb := redis.NewClient(&redis.Options{Addr: rs.Addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
		t.Cleanup(func() { rdb.Close() })
		out = append(out, resClient(t, base, func(cfg *lofty.Config) {
			cfg.Shared = &lofty.Shared{Redis: rdb, Retry: 100 * time.Millisecond}
			if logs != nil {
				cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
			}
			if edit != nil {
				edit(cfg)
			}
		}))
	}
	return out
}

func TestReplicasShareOneLimit(t *testing.T) {
	rs := testutil.StartRedis(t)
	f, base := resFake(t)
	cs := replicas(t, 2, base, rs, nil, func(cfg *lofty.Config) { cfg.Resilience.RateLimit = 10 })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	var limited atomic.Int32
	for i := range 30 {
		wg.Go(func() {
			if _, err := cs[i%2].SalesAgentByLead(ctx, 10_000+int64(i)); lofty.KindOf(err) == lofty.KindRateLimited {
				limited.Add(1)
			}
		})
	}
	wg.Wait()
	if n := f.RequestCount(); n != 10 || limited.Load() != 20 {
		t.Errorf("two replicas sent %d requests (%d held back), want 10 (20): one limit across replicas", n, limited.Load())
	}
	// Another credential has a budget of its own.
	if _, err := cs[1].SalesAgentByLead(lofty.WithCredential(ctx, resToken), resLead); err != nil {
		t.Errorf("another credential: %v", err)
	}
}

func TestHoldSeenByOneReplicaHoldsTheOther(t *testing.T) {
	rs := testutil.StartRedis(t)
	f, base := resFake(t)
	reset := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second)
	f.Script(faults.Pass(faults.RateLimitHeaders(100, 0, reset)...))
	cs := replicas(t, 2, base, rs, nil, func(cfg *lofty.Config) { cfg.Resilience.RateLimit = 100 })
	if _, err := cs[0].SalesAgentByLead(context.Background(), resLead); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := cs[1].SalesAgentByLead(context.Background(), fakelofty.DemoLeadBeyond53Bits); err != nil {
		t.Fatal(err)
	}
	reqs := f.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	if waited := time.Since(start); time.Now().Before(reset.Add(-100*time.Millisecond)) || waited < 500*time.Millisecond {
		t.Errorf("replica B sent after %v, before A's reset at %v", waited, reset)
	}
}

func TestReplicasShareTheCacheAndWrites(t *testing.T) {
	rs := testutil.StartRedis(t)
	f, base := muteFake(t)
	cs := replicas(t, 2, base, rs, nil, func(cfg *lofty.Config) { cfg.Resilience.CacheTTL = time.Minute })
	ctx := context.Background()
	a, err := cs[0].SalesAgentByLead(ctx, resLead)
	if err != nil {
		t.Fatal(err)
	}
	b, err := cs[1].SalesAgentByLead(ctx, resLead)
	if err != nil || *b.ID != *a.ID || f.RequestCount() != 1 || cs[1].Stats().CacheHits != 1 {
		t.Errorf("B: %v, %d requests, %d hits; want A's answer from the shared cache", err, f.RequestCount(), cs[1].Stats().CacheHits)
	}
	// 404s are shared briefly too, and credentials never share an entry.
	if _, err := cs[1].SalesAgentByLead(lofty.WithCredential(ctx, resToken), resLead); err != nil {
		t.Fatal(err)
	}
	if n := f.RequestCount(); n != 2 {
		t.Errorf("%d requests, want 2: another credential must not hit A's entry", n)
	}
	// A write through A drops B's view of the credential's cached reads.
	if m, _ := cs[1].LeadMuteStatus(ctx, resLead); m {
		t.Fatal("muted before the mute")
	}
	if _, err := cs[0].MuteSalesAgentForLead(ctx, resLead); err != nil {
		t.Fatal(err)
	}
	if m, err := cs[1].LeadMuteStatus(ctx, resLead); err != nil || !m {
		t.Errorf("B after A's mute: %v %v, want muted at once", m, err)
	}
}

// Redis gone mid-flood: no call fails, one warning is logged, and once it
// is back the replicas share again.
func TestRedisOutage(t *testing.T) {
	rs := testutil.StartRedis(t)
	_, base := resFake(t)
	var logs testutil.SyncBuffer
	cs := replicas(t, 2, base, rs, &logs, func(cfg *lofty.Config) {
		cfg.Resilience.RateLimit = 100_000
		cfg.Resilience.CacheTTL = time.Minute
	})
	ctx := context.Background()
	var failed atomic.Int32
	flood := func(from, n int) {
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				if _, err := cs[i%2].SalesAgentByLead(ctx, resLead); err != nil {
					failed.Add(1)
				}
				_, _ = cs[i%2].SalesAgentByLead(ctx, int64(20_000+from+i)) // 404s: fine
			})
		}
		wg.Wait()
	}
	flood(0, 50)
	rs.Stop()
	if err := cs[0].Ready(ctx); err == nil {
		t.Error("Ready with Redis down")
	}
	flood(100, 100)
	if failed.Load() != 0 {
		t.Errorf("%d calls failed while Redis was down, want 0", failed.Load())
	}
	if n := strings.Count(logs.String(), "Redis (--redis-url) does not answer"); n < 1 || n > 2 {
		t.Errorf("%d outage warnings, want one per replica:\n%s", n, logs.String())
	}
	rs.Start()
	// go-redis's pool redials about once a second after a run of failed dials.
	for _, c := range cs {
		testutil.WaitFor(t, "Ready after Redis came back", 10*time.Second, func() bool { return c.Ready(ctx) == nil })
	}
	// Sharing resumes: a read cached by one replica is a hit on the other.
	// On a loaded machine one Redis round trip can still time out (and the
	// replica then leaves Redis alone for Shared.Retry): an attempt where
	// either replica saw a shared error is tried again with another lead;
	// one without any must be a shared hit.
	errs := func() uint64 { return cs[0].Stats().SharedErrors + cs[1].Stats().SharedErrors }
	for i, lead := range []int64{fakelofty.DemoLeadMaxInt64, fakelofty.DemoLeadBeyond53Bits} {
		time.Sleep(150 * time.Millisecond) // past Shared.Retry
		before := errs()
		if _, err := cs[0].SalesAgentByLead(ctx, lead); err != nil {
			t.Fatal(err)
		}
		hits := cs[1].Stats().CacheHits
		_, err := cs[1].SalesAgentByLead(ctx, lead)
		if errs() != before && i == 0 {
			continue
		}
		if err != nil || cs[1].Stats().CacheHits != hits+1 {
			t.Errorf("after the outage: %v, hits %d -> %d, shared errors %d -> %d; want a shared hit",
				err, hits, cs[1].Stats().CacheHits, before, errs())
		}
		break
	}
}

// What was sent while Redis answered still counts when it stops: the
// replica's own limiter takes over with the minute's spent budget, not a
// full one (20 requests in a second at a limit of 10).
func TestRedisOutageKeepsTheLimitSpent(t *testing.T) {
	rs := testutil.StartRedis(t)
	f, base := resFake(t)
	c := replicas(t, 1, base, rs, nil, func(cfg *lofty.Config) { cfg.Resilience.RateLimit = 10 })[0]
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	call := func(lead int64) error { _, err := c.SalesAgentByLead(ctx, lead); return err }
	for i := range 10 {
		if err := call(30_000 + int64(i)); lofty.KindOf(err) == lofty.KindRateLimited {
			t.Fatalf("call %d held back while Redis answers: %v", i+1, err)
		}
	}
	rs.Stop()
	for i := range 10 {
		if err := call(40_000 + int64(i)); lofty.KindOf(err) != lofty.KindRateLimited {
			t.Errorf("call %d after Redis stopped: %v, want held back by the limit", i+11, err)
		}
	}
	if n := f.RequestCount(); n != 10 {
		t.Errorf("%d requests reached Lofty within the minute, want 10", n)
	}
}

// Redis that refuses writes (out of memory under noeviction) still serves
// reads: a write whose invalidation it refused must not leave the old
// answer readable from it. The replica stops reading the credential's
// entries from Redis until the invalidation goes through, which it tries
// again; then every replica sees it.
func TestRefusedInvalidationStopsTheSharedCache(t *testing.T) {
	rs := testutil.StartRedis(t)
	_, base := muteFake(t)
	admin := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { admin.Close() })
	cs := replicas(t, 2, base, rs, nil, func(cfg *lofty.Config) { cfg.Resilience.CacheTTL = time.Minute })
	ctx := context.Background()
	if m, err := cs[0].LeadMuteStatus(ctx, resLead); err != nil || m {
		t.Fatalf("before: %v %v", m, err)
	}
	if err := admin.ConfigSet(ctx, "maxmemory-policy", "noeviction").Err(); err != nil {
		t.Fatal(err)
	}
	if err := admin.ConfigSet(ctx, "maxmemory", "1").Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := cs[0].MuteSalesAgentForLead(ctx, resLead); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		time.Sleep(150 * time.Millisecond) // past Shared.Retry: Redis is asked again
		if m, err := cs[0].LeadMuteStatus(ctx, resLead); err != nil || !m {
			t.Fatalf("after the mute, Redis refusing writes: muted %v, %v; want true", m, err)
		}
	}
	if err := admin.ConfigSet(ctx, "maxmemory", "0").Err(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	if m, err := cs[0].LeadMuteStatus(ctx, resLead); err != nil || !m {
		t.Fatalf("Redis taking writes again: muted %v, %v; want true", m, err)
	}
	// The invalidation went through: the other replica no longer reads the
	// entry cached before the mute.
	if m, err := cs[1].LeadMuteStatus(ctx, resLead); err != nil || !m {
		t.Errorf("the other replica: muted %v, %v; want true", m, err)
	}
}
