package lofty

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// cache keeps successful reads (and, briefly, 404s) in a bounded LRU. Keys
// are call keys: a SHA-256 of the credential and the URL, so two
// credentials never share an answer and the secret is not held as a key.
// 401, 403, 429, 5xx, bad responses and failures are never stored.
type cache struct {
	mu       sync.Mutex
	lru      *simplelru.LRU[string, cacheEntry]
	bytes    int64 // approximate memory held by entries
	maxBytes int64
}

type cacheEntry struct {
	res     *result
	err     *Error // a 404
	expires time.Time
	size    int64
}

// entryOverhead approximates an entry's memory besides its body.
const entryOverhead = 256

func newCache(entries int, maxBytes int64) *cache {
	c := &cache{maxBytes: maxBytes}
	// The eviction callback runs inside lru calls, which hold c.mu.
	c.lru, _ = simplelru.NewLRU(entries, func(_ string, e cacheEntry) { c.bytes -= e.size })
	return c
}

// get returns key's answer if it is cached and fresh at now. A cached error
// is returned as a copy of its own.
func (c *cache) get(key string, now time.Time) (*result, error, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.lru.Get(key)
	if !ok {
		return nil, nil, false
	}
	if !now.Before(e.expires) {
		c.lru.Remove(key)
		return nil, nil, false
	}
	if e.err != nil {
		cp := *e.err
		return nil, &cp, true
	}
	return e.res, nil, true
}

// put stores an answer until expires. Bodies too large to share the cache
// fairly (over an eighth of it) are not stored.
func (c *cache) put(key string, res *result, err *Error, expires time.Time) {
	size := int64(entryOverhead + len(key))
	if res != nil {
		size += int64(len(res.body))
	}
	if size > c.maxBytes/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Remove(key) // a replaced entry is not an eviction: account for it here
	c.bytes += size
	c.lru.Add(key, cacheEntry{res: res, err: err, expires: expires, size: size})
	for c.bytes > c.maxBytes && c.lru.Len() > 0 {
		c.lru.RemoveOldest()
	}
}
