package lofty

import (
	"context"
	"errors"
	"time"
)

// Per-call options carried by the context: a read answered from the cache
// alone, a read that skips it, and the HTTP status of a call's answer, for callers that report it
// (the audit line of a write).

type cacheOnlyKey struct{}

// ErrNotCached is the cause of a call made with a CacheOnly context that the
// cache could not answer.
var ErrNotCached = errors.New("not in the cache")

// CacheOnly returns a context whose calls never reach Lofty: a read is
// answered from the cache (the credential's own entries, as fresh as any
// read's) or fails at once with an Error whose Err is ErrNotCached and
// NotSent is true; a write fails the same way. It lets a caller use what it
// already knows (a lead's name for a question put to the person) without
// spending a request of the credential's rate limit.
func CacheOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, cacheOnlyKey{}, true)
}

func isCacheOnly(ctx context.Context) bool {
	v, _ := ctx.Value(cacheOnlyKey{}).(bool)
	return v
}

// cachedOnly answers a CacheOnly call: a fresh cached read, or ErrNotCached.
func (c *Client) cachedOnly(r *call) (*result, error) {
	if r.reads() && c.cache != nil {
		if res, err, ok := c.cache.get(r.credKey, r.key, time.Now()); ok {
			if err != nil {
				return nil, err
			}
			return res, nil
		}
	}
	return nil, &Error{Kind: KindUnknown, Method: r.method, Path: r.path, Message: ErrNotCached.Error(), Err: ErrNotCached, NotSent: true}
}

type freshKey struct{}

// Fresh returns a context whose reads skip the cache: each asks Lofty (or
// joins the identical read already in flight), and its answer refreshes
// the cache. It is for a read that waits for something to change, such as
// an AI generation's status, which a cached answer would hide.
func Fresh(ctx context.Context) context.Context {
	return context.WithValue(ctx, freshKey{}, true)
}

func isFresh(ctx context.Context) bool {
	v, _ := ctx.Value(freshKey{}).(bool)
	return v
}

type statusKey struct{}

// RecordStatus returns a context whose calls store the HTTP status of
// their answer in *status: the 2xx of a success (a cached read's too), the
// status of an error answer, 0 when no answer arrived. The caller owns
// *status and reads it after the call returns; a context carries one call
// at a time.
func RecordStatus(ctx context.Context, status *int) context.Context {
	return context.WithValue(ctx, statusKey{}, status)
}

// recordStatus stores the status of a call's outcome where RecordStatus asked.
func recordStatus(ctx context.Context, res *result, err error) {
	p, _ := ctx.Value(statusKey{}).(*int)
	if p == nil {
		return
	}
	switch {
	case res != nil:
		*p = res.status
	default:
		*p = 0
		if le, ok := AsError(err); ok {
			*p = le.Status
		}
	}
}
