package oauth

import (
	"container/list"
	"sync"
	"time"
)

// quota bounds the records anyone can make the server store before signing
// in (pending sign-ins, registrations nobody has signed in with): at most
// max at once, and at most perKey[i] sharing their i-th key (an address, a
// client). Past a bound the oldest record over it is dropped, never the new
// one: a flood pushes out its own records first, and nobody is refused a new
// sign-in because others started many. Records live ttl; all the same, so
// the oldest is also the first to expire.
//
// It counts what this process stored since it started: replicas sharing a
// store each keep their own bound, and records from before a restart are
// left to expire.
type quota struct {
	max    int
	perKey []int
	ttl    time.Duration

	mu     sync.Mutex
	order  *list.List // of *quotaEntry, oldest first
	byID   map[string]*list.Element
	counts []map[string]int // per key index: key -> records
}

type quotaEntry struct {
	id    string
	keys  []string
	added time.Time
}

func newQuota(max int, ttl time.Duration, perKey ...int) *quota {
	q := &quota{max: max, perKey: perKey, ttl: ttl, order: list.New(), byID: map[string]*list.Element{}}
	for range perKey {
		q.counts = append(q.counts, map[string]int{})
	}
	return q
}

// add counts record id under keys (one per bound of perKey) and returns the
// ids of the records to drop to stay within every bound.
func (q *quota) add(id string, keys []string, now time.Time) (drop []string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for e := q.order.Front(); e != nil && !now.Before(e.Value.(*quotaEntry).added.Add(q.ttl)); e = q.order.Front() {
		q.removeLocked(e)
	}
	if old, ok := q.byID[id]; ok {
		q.removeLocked(old)
	}
	q.byID[id] = q.order.PushBack(&quotaEntry{id: id, keys: keys, added: now})
	for i, k := range keys {
		q.counts[i][k]++
		for e := q.order.Front(); e != nil && q.counts[i][k] > q.perKey[i]; {
			next := e.Next()
			if ent := e.Value.(*quotaEntry); ent.keys[i] == k {
				drop = append(drop, ent.id)
				q.removeLocked(e)
			}
			e = next
		}
	}
	for q.order.Len() > q.max {
		drop = append(drop, q.order.Front().Value.(*quotaEntry).id)
		q.removeLocked(q.order.Front())
	}
	return drop
}

// remove stops counting record id (used, or deleted).
func (q *quota) remove(id string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if e, ok := q.byID[id]; ok {
		q.removeLocked(e)
	}
}

func (q *quota) removeLocked(e *list.Element) {
	ent := q.order.Remove(e).(*quotaEntry)
	delete(q.byID, ent.id)
	for i, k := range ent.keys {
		if q.counts[i][k]--; q.counts[i][k] <= 0 {
			delete(q.counts[i], k)
		}
	}
}
