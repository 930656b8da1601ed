package lofty_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty/faults"
)

// CacheOnly answers from the credential's own cache and never reaches
// Lofty: not before a read, not for another credential, not after a write,
// and never for a write.
func TestCacheOnly(t *testing.T) {
	f, base := resFake(t)
	f.Hook = answerWrites
	c := resClient(t, base, func(cfg *lofty.Config) { cfg.Resilience.CacheTTL = time.Minute })
	ctx := context.Background()
	peek := func(cx context.Context) (lofty.Lead, error) { return c.Lead(lofty.CacheOnly(cx), resLead) }

	if _, err := peek(ctx); !errors.Is(err, lofty.ErrNotCached) || !resErr(t, err).NotSent {
		t.Fatalf("before any read: %v, want ErrNotCached, not sent", err)
	}
	if n := f.RequestCount(); n != 0 {
		t.Fatalf("a cache-only read reached Lofty: %d requests", n)
	}
	want, err := c.Lead(ctx, resLead)
	if err != nil {
		t.Fatal(err)
	}
	got, err := peek(ctx)
	if err != nil || got.FirstName != want.FirstName || got.LeadID != resLead {
		t.Errorf("after a read: %+v, %v; want the cached lead %s", got, err, want.FirstName)
	}
	if _, err := peek(lofty.WithCredential(ctx, resToken)); !errors.Is(err, lofty.ErrNotCached) {
		t.Errorf("another credential: %v, want ErrNotCached", err)
	}
	if _, err := c.MuteSalesAgentForLead(lofty.CacheOnly(ctx), resLead); !errors.Is(err, lofty.ErrNotCached) {
		t.Errorf("a cache-only write: %v, want ErrNotCached", err)
	}
	if n := f.RequestCount(); n != 1 {
		t.Errorf("%d requests, want only the one read", n)
	}
	if _, err := c.MuteSalesAgentForLead(ctx, resLead); err != nil {
		t.Fatal(err)
	}
	if _, err := peek(ctx); !errors.Is(err, lofty.ErrNotCached) {
		t.Errorf("after a write: %v, want ErrNotCached (the write made the lead stale)", err)
	}
}

// RecordStatus reports the status of the answer a call got.
func TestRecordStatus(t *testing.T) {
	f, base := resFake(t)
	f.Hook = answerWrites
	c := resClient(t, base, func(cfg *lofty.Config) {
		cfg.Resilience.CacheTTL = time.Minute
		cfg.Resilience.MaxRetries = 0
	})
	status := -1
	ctx := lofty.RecordStatus(context.Background(), &status)
	if _, err := c.AddLeadNote(ctx, resLead, "x", false); err != nil || status != 200 {
		t.Errorf("write: status %d, %v; want 200", status, err)
	}
	status = -1
	if _, err := c.Lead(ctx, resLead); err != nil || status != 200 {
		t.Errorf("read: status %d, %v; want 200", status, err)
	}
	status = -1
	if _, err := c.Lead(ctx, resLead); err != nil || status != 200 {
		t.Errorf("cached read: status %d, %v; want 200", status, err)
	}
	f.Script(faults.ServerError(503))
	if _, err := c.AddLeadNote(ctx, resLead, "x", false); err == nil || status != 503 {
		t.Errorf("503: status %d, %v", status, err)
	}
	refused, err := faults.RefusedURL()
	if err != nil {
		t.Fatal(err)
	}
	c2 := resClient(t, refused, func(cfg *lofty.Config) { cfg.Resilience.MaxRetries = 0 })
	if _, err := c2.AddLeadNote(ctx, resLead, "x", false); err == nil || status != 0 {
		t.Errorf("refused connection: status %d, %v; want 0", status, err)
	}
}

// An idempotent write whose first attempt reached Lofty (503) and whose
// retry never left (429) may have been applied: the error must not say
// "not sent", and the credential's cached reads are dropped.
func TestRetriedWriteThatReachedLoftyIsNotNotSent(t *testing.T) {
	f, base := resFake(t)
	c := resClient(t, base, func(cfg *lofty.Config) {
		cfg.Resilience.MaxRetries = 1
		cfg.Resilience.CacheTTL = time.Minute
	})
	ctx := context.Background()
	if _, err := c.Lead(ctx, resLead); err != nil {
		t.Fatal(err)
	}
	f.Script(faults.ServerError(503), faults.TooManyRequests())
	_, err := c.MuteSalesAgentForLead(ctx, resLead)
	le := resErr(t, err)
	if le.Status != 429 || le.NotSent {
		t.Errorf("error %v: status %d, not sent %v; want the 429, with NotSent false (the 503 attempt may have muted)", err, le.Status, le.NotSent)
	}
	if f.RequestCount() != 3 {
		t.Fatalf("%d requests, want the read and two attempts", f.RequestCount())
	}
	if _, err := c.Lead(lofty.CacheOnly(ctx), resLead); !errors.Is(err, lofty.ErrNotCached) {
		t.Errorf("the cached read survived a write that may have been applied: %v", err)
	}
}
