package lofty_test

import (
	"context"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// Available counts what the budget allows now; a NoWait call that meets
// the limit fails at once instead of waiting.
func TestAvailableAndNoWait(t *testing.T) {
	_, base := resFake(t)
	c := resClient(t, base, func(cfg *lofty.Config) {
		cfg.Resilience.RateLimit = 3
		cfg.Resilience.MaxWait = time.Minute
	})
	ctx := context.Background()
	if n, known := c.Available(ctx); !known || n != 3 {
		t.Fatalf("Available = %d, %v; want 3, true", n, known)
	}
	for i := range 3 {
		if _, err := c.SalesAgentByLead(ctx, 8000+int64(i)); err != nil && lofty.KindOf(err) != lofty.KindNotFound {
			t.Fatal(err)
		}
	}
	if n, _ := c.Available(ctx); n != 0 {
		t.Errorf("Available after 3 requests = %d, want 0", n)
	}
	start := time.Now()
	_, err := c.SalesAgentByLead(lofty.NoWait(ctx), 8100)
	if lofty.KindOf(err) != lofty.KindRateLimited || time.Since(start) > 5*time.Second {
		t.Errorf("NoWait call: %v after %s; want KindRateLimited at once", err, time.Since(start))
	}
	if le, ok := lofty.AsError(err); !ok || le.RetryAfter <= 0 {
		t.Errorf("NoWait error %v says no wait", err)
	}
}
