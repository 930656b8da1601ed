package lofty

import (
	"context"
	"time"
)

// What a caller that makes several Lofty requests for one answer (a search
// that looks through pages) needs of the client's own machinery.

// ReportProgress tells the progress reporter of ctx (WithProgress), if any,
// msg: a sentence a person understands ("Looking through page 2 of 4").
func ReportProgress(ctx context.Context, msg string) {
	if p := progressOf(ctx); p != nil {
		p(msg)
	}
}

// CallTimeout is the most time one call to Lofty may take, waits and
// retries included, when its context sets no earlier deadline
// (Resilience.CallTimeout, with its default filled in). A caller making
// several calls for one answer bounds them all with it.
func (c *Client) CallTimeout() time.Duration {
	if c.res.CallTimeout <= 0 {
		return DefaultCallTimeout
	}
	return c.res.CallTimeout
}
