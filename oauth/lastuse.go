package oauth

import (
	"context"
	"sync"
	"time"
)

// lastUseEvery is how often, at most, a grant's last use is written: the
// account page shows it to the minute, and a token used many times a
// second costs one small write a minute.
const lastUseEvery = time.Minute

// lastUses records when each grant's tokens were last used (lastUseRecord,
// beside the grant), writing at most once a minute per grant from this
// process. A failed write is logged and costs the request nothing.
type lastUses struct {
	s       *Server
	mu      sync.Mutex
	written map[string]time.Time // grant id -> when this process last wrote it
}

func newLastUses(s *Server) *lastUses {
	return &lastUses{s: s, written: map[string]time.Time{}}
}

// touch notes a use of grant id, which expires at expires.
func (l *lastUses) touch(ctx context.Context, id string, expires time.Time) {
	now := l.s.now()
	l.mu.Lock()
	if last, ok := l.written[id]; ok && now.Sub(last) < lastUseEvery {
		l.mu.Unlock()
		return
	}
	if len(l.written) >= maxLastUses {
		l.pruneLocked(now)
	}
	l.written[id] = now
	l.mu.Unlock()
	// The request's cancellation does not cut the write short.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := putJSON(wctx, l.s.store, keyLastUse+id, lastUseRecord{At: now.Unix()}, expires); err != nil {
		l.s.log.Warn("oauth: recording a grant's last use failed", "grant", id, "error", err)
	}
}

// maxLastUses: past this many grants remembered, touch forgets those not
// written for a minute (a store without a sweep never calls prune).
const maxLastUses = 4096

// prune forgets the grants not written for a minute (the sweep calls it),
// so that the map holds only those in use.
func (l *lastUses) prune(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pruneLocked(now)
}

func (l *lastUses) pruneLocked(now time.Time) {
	for id, t := range l.written {
		if now.Sub(t) >= lastUseEvery {
			delete(l.written, id)
		}
	}
}
