package lofty

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// cacheStore keeps successful reads (and, briefly, 404s). Keys are call
// keys: a SHA-256 of the credential and the URL, so two credentials never
// share an answer and the secret is not held as a key. 401, 403, 429, 5xx,
// bad responses and failures are never stored. A write drops every read of
// its credential: entries remember when the read that filled them began,
// and one that began before the credential's last write is stale.
type cacheStore interface {
	// get returns key's answer if it is cached, fresh at now and not older
	// than the credential's last write. A cached error is a copy of its own.
	get(credKey, key string, now time.Time) (*result, *Error, bool)
	// put stores an answer read from fetched on, until expires.
	put(credKey, key string, res *result, err *Error, fetched, expires time.Time)
	// invalidate makes every entry of the credential read before now stale.
	invalidate(credKey string, now time.Time)
}

// localCache is the in-memory cacheStore: a bounded LRU.
type localCache struct {
	mu       sync.Mutex
	lru      *simplelru.LRU[string, cacheEntry]
	bytes    int64 // approximate memory held by entries
	maxBytes int64
	// writes is the time of each credential's last write, so that a read
	// begun before it and finished after it is not stored. Entries already
	// stored are removed at the write itself.
	writes *simplelru.LRU[string, time.Time]
}

type cacheEntry struct {
	res     *result
	err     *Error // a 404
	credKey string
	fetched time.Time
	expires time.Time
	size    int64
}

// entryOverhead approximates an entry's memory besides its body.
const entryOverhead = 256

func newLocalCache(entries int, maxBytes int64) *localCache {
	c := &localCache{maxBytes: maxBytes}
	// The eviction callback runs inside lru calls, which hold c.mu.
	c.lru, _ = simplelru.NewLRU(entries, func(_ string, e cacheEntry) { c.bytes -= e.size })
	c.writes, _ = simplelru.NewLRU[string, time.Time](max(entries, 1024), nil)
	return c
}

func (c *localCache) get(credKey, key string, now time.Time) (*result, *Error, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.lru.Get(key)
	if !ok {
		return nil, nil, false
	}
	if !now.Before(e.expires) || c.staleLocked(credKey, e.fetched) {
		c.lru.Remove(key)
		return nil, nil, false
	}
	if e.err != nil {
		cp := *e.err
		return nil, &cp, true
	}
	return e.res, nil, true
}

// staleLocked reports whether a read begun at fetched predates the
// credential's last write.
func (c *localCache) staleLocked(credKey string, fetched time.Time) bool {
	w, ok := c.writes.Peek(credKey)
	return ok && !fetched.After(w)
}

// put stores an answer until expires. Bodies too large to share the cache
// fairly (over an eighth of it) are not stored, nor answers read before the
// credential's last write.
func (c *localCache) put(credKey, key string, res *result, err *Error, fetched, expires time.Time) {
	size := int64(entryOverhead + len(key))
	if res != nil {
		size += int64(len(res.body))
	}
	if size > c.maxBytes/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.staleLocked(credKey, fetched) {
		return
	}
	c.lru.Remove(key) // a replaced entry is not an eviction: account for it here
	c.bytes += size
	c.lru.Add(key, cacheEntry{res: res, err: err, credKey: credKey, fetched: fetched, expires: expires, size: size})
	for c.bytes > c.maxBytes && c.lru.Len() > 0 {
		c.lru.RemoveOldest()
	}
}

func (c *localCache) invalidate(credKey string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes.Add(credKey, now)
	for _, key := range c.lru.Keys() {
		if e, ok := c.lru.Peek(key); ok && e.credKey == credKey {
			c.lru.Remove(key)
		}
	}
}
