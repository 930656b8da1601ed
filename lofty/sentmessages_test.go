package lofty_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lofty-mcp/lofty-mcp/internal/testutil"
	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// The memory of messages sent, through a real Redis: what one replica sent
// (or is sending) is a repeat for the other, of one credential only; of
// many replicas claiming one message at once, one wins; Redis holds the
// digest and a state, never the message; without Redis, each replica
// remembers alone.
func TestReplicasShareSentMessages(t *testing.T) {
	rs := testutil.StartRedis(t)
	_, base := resFake(t)
	cs := replicas(t, 4, base, rs, nil, nil)
	ctx := context.Background()
	const digest = "6f1d0c1e5b3f2a9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d"
	window := time.Minute

	if m := cs[1].RecallMessage(ctx, digest); m.State != lofty.SentNothing {
		t.Fatalf("remembered before any send: %+v", m)
	}
	if _, ok := cs[0].ClaimMessage(ctx, digest, window, false); !ok {
		t.Fatal("the first claim failed")
	}
	if m := cs[1].RecallMessage(ctx, digest); m.State != lofty.SentSending || time.Since(m.At) > 5*time.Second {
		t.Errorf("B sees %+v, want A's send in progress", m)
	}
	if prior, ok := cs[1].ClaimMessage(ctx, digest, window, false); ok || prior.State != lofty.SentSending {
		t.Errorf("B claimed A's message: %v %+v", ok, prior)
	}
	cs[0].SettleMessage(ctx, digest, window, lofty.SentDone)
	if m := cs[2].RecallMessage(ctx, digest); m.State != lofty.SentDone {
		t.Errorf("C sees %+v, want sent", m)
	}
	if m := cs[2].RecallMessage(lofty.WithCredential(ctx, resToken), digest); m.State != lofty.SentNothing {
		t.Errorf("another credential sees %+v", m)
	}
	// A confirmed repeat claims it again; a message not sent is forgotten.
	if _, ok := cs[3].ClaimMessage(ctx, digest, window, true); !ok {
		t.Error("a confirmed repeat was not claimed")
	}
	cs[3].SettleMessage(ctx, digest, window, lofty.SentNothing)
	if m := cs[0].RecallMessage(ctx, digest); m.State != lofty.SentNothing {
		t.Errorf("after a send that did not go: %+v", m)
	}

	// Eight calls on four replicas claim one message at once: one wins.
	raced := "aa" + digest[2:]
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if _, ok := cs[i%4].ClaimMessage(ctx, raced, window, false); ok {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Errorf("%d claims won, want 1", wins.Load())
	}

	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr})
	defer rdb.Close()
	keys, err := rdb.Keys(ctx, "*sent:*").Result()
	if err != nil || len(keys) != 1 || !strings.HasSuffix(keys[0], ":sent:"+raced) {
		t.Fatalf("keys %v, %v", keys, err)
	}
	if v, _ := rdb.Get(ctx, keys[0]).Result(); len(v) > 16 || v[0] != byte(lofty.SentSending) {
		t.Errorf("Redis holds %q for a message", v)
	}
	if ttl := rdb.PTTL(ctx, keys[0]).Val(); ttl <= 0 || ttl > window {
		t.Errorf("TTL %v, want within the window", ttl)
	}

	// Redis gone: each replica remembers what it sent itself.
	rs.Stop()
	alone := "bb" + digest[2:]
	if _, ok := cs[0].ClaimMessage(ctx, alone, window, false); !ok {
		t.Fatal("no claim without Redis")
	}
	cs[0].SettleMessage(ctx, alone, window, lofty.SentPossibly)
	if m := cs[0].RecallMessage(ctx, alone); m.State != lofty.SentPossibly {
		t.Errorf("A without Redis: %+v", m)
	}
	if m := cs[1].RecallMessage(ctx, alone); m.State != lofty.SentNothing {
		t.Errorf("B without Redis: %+v", m)
	}
}

// Without Redis, a client remembers per credential until the window ends.
func TestSentMessagesAlone(t *testing.T) {
	_, base := resFake(t)
	c := resClient(t, base, nil)
	ctx := context.Background()
	if _, ok := c.ClaimMessage(ctx, "d1", 50*time.Millisecond, false); !ok {
		t.Fatal("first claim")
	}
	if _, ok := c.ClaimMessage(ctx, "d1", 50*time.Millisecond, false); ok {
		t.Error("claimed twice")
	}
	if _, ok := c.ClaimMessage(lofty.WithCredential(ctx, resToken), "d1", time.Minute, false); !ok {
		t.Error("another credential could not claim its own")
	}
	time.Sleep(80 * time.Millisecond)
	if m := c.RecallMessage(ctx, "d1"); m.State != lofty.SentNothing {
		t.Errorf("remembered past the window: %+v", m)
	}
	if _, ok := c.ClaimMessage(ctx, "d2", 0, false); !ok || c.RecallMessage(ctx, "d2").State != lofty.SentNothing {
		t.Error("a zero window remembers")
	}
}
