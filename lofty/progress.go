package lofty

import "context"

// Progress receives sentences a person understands about what a call is
// waiting for ("Lofty's rate limit: waiting 8 s", "Lofty answered 503;
// retrying (2 of 3)"). It must not block.
type Progress func(message string)

type progressKey struct{}

// WithProgress returns a context whose Lofty calls report their waits and
// retries to p (an MCP server turns them into notifications/progress).
func WithProgress(ctx context.Context, p Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

func progressOf(ctx context.Context) Progress {
	p, _ := ctx.Value(progressKey{}).(Progress)
	return p
}
