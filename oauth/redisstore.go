package oauth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultRedisPrefix starts every key RedisStore writes.
const DefaultRedisPrefix = "lofty-mcp:oauth:"

// RedisStore is the shared Store: every replica of lofty-mcp pointed at the
// same Redis (or Valkey) sees every client, grant and token, so any of them
// accepts any token. Each value carries its expiry (as in BoltStore, checked
// against the server's clock) and Redis drops it at that time itself
// (SET … PXAT), so no sweep is needed. Take is GETDEL: atomic across
// replicas. It also implements Locker, so that only one replica at a time
// renews a grant's Lofty token.
//
// The Redis client belongs to the caller: Close does not close it.
type RedisStore struct {
	rdb    redis.UniversalClient
	prefix string
	now    func() time.Time
}

// NewRedisStore returns a Store in rdb under prefix ("" takes
// DefaultRedisPrefix); now is the clock deciding expiry (nil: time.Now).
func NewRedisStore(rdb redis.UniversalClient, prefix string, now func() time.Time) *RedisStore {
	if prefix == "" {
		prefix = DefaultRedisPrefix
	}
	if now == nil {
		now = time.Now
	}
	return &RedisStore{rdb: rdb, prefix: prefix, now: now}
}

func (s *RedisStore) key(k string) string { return s.prefix + k }

// redisErr names Redis in a failure, never a key (keys of tokens hold only
// hashes, but the message stays short either way).
func redisErr(op string, err error) error {
	return fmt.Errorf("oauth store (Redis) %s: %w", op, err)
}

// Put implements Store with SET key value [PXAT expires].
func (s *RedisStore) Put(ctx context.Context, key string, value []byte, expires time.Time) error {
	rec := encodeRecord(value, expires)
	var err error
	if expires.IsZero() {
		err = s.rdb.Do(ctx, "SET", s.key(key), rec).Err()
	} else {
		ms := expires.UnixMilli()
		if ms <= 0 {
			ms = 1 // PXAT needs a positive time; 1 ms after the epoch is long past
		}
		err = s.rdb.Do(ctx, "SET", s.key(key), rec, "PXAT", ms).Err()
	}
	if err != nil {
		return redisErr("put", err)
	}
	return nil
}

// Get implements Store.
func (s *RedisStore) Get(ctx context.Context, key string) ([]byte, error) {
	b, err := s.rdb.Get(ctx, s.key(key)).Bytes()
	return s.decode(b, err, "get")
}

// Delete implements Store.
func (s *RedisStore) Delete(ctx context.Context, key string) error {
	if err := s.rdb.Del(ctx, s.key(key)).Err(); err != nil {
		return redisErr("delete", err)
	}
	return nil
}

// Take implements Store with GETDEL: of two replicas taking one key at the
// same moment, one gets ErrNotFound.
func (s *RedisStore) Take(ctx context.Context, key string) ([]byte, error) {
	b, err := s.rdb.GetDel(ctx, s.key(key)).Bytes()
	return s.decode(b, err, "take")
}

func (s *RedisStore) decode(b []byte, err error, op string) ([]byte, error) {
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, redisErr(op, err)
	}
	v, ok := decodeRecord(b, s.now())
	if !ok {
		return nil, ErrNotFound
	}
	return v, nil
}

// scanBatch is how many keys one SCAN step asks Redis for.
const scanBatch = 500

// Scan implements Scanner with SCAN MATCH prefix* and MGET. Redis walks
// its whole key space to find them (the cache's keys too), a step of
// scanBatch keys at a time, so it suits what is done rarely: a person's
// account page, an operator's command.
func (s *RedisStore) Scan(ctx context.Context, prefix string, fn func(key string, value []byte) bool) error {
	pattern := globEscape(s.key(prefix)) + "*"
	var cursor uint64
	for {
		keys, next, err := s.rdb.Scan(ctx, cursor, pattern, scanBatch).Result()
		if err != nil {
			return redisErr("scan", err)
		}
		if len(keys) > 0 {
			vals, err := s.rdb.MGet(ctx, keys...).Result()
			if err != nil {
				return redisErr("scan", err)
			}
			now := s.now()
			for i, v := range vals {
				str, ok := v.(string)
				if !ok {
					continue // gone since SCAN found it
				}
				val, ok := decodeRecord([]byte(str), now)
				if !ok {
					continue
				}
				if !fn(strings.TrimPrefix(keys[i], s.prefix), val) {
					return nil
				}
			}
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// globEscape escapes the characters Redis's MATCH patterns give a meaning.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\^`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Close implements Store; the Redis client stays open (it is the caller's).
func (s *RedisStore) Close() error { return nil }

// unlockScript deletes the lock only if it still holds this holder's token,
// so a holder whose lock expired never releases another's.
var unlockScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`)

// lockPoll is how often a waiting Lock asks again.
const lockPoll = 25 * time.Millisecond

// Lock implements Locker with SET key token NX PX ttl, asking again every
// 25 ms until the lock is free or ctx ends. The lock lapses after ttl even
// if its holder dies; unlock releases it only while it is still this
// holder's.
func (s *RedisStore) Lock(ctx context.Context, name string, ttl time.Duration) (unlock func(), err error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	token, key := hex.EncodeToString(b), s.key("lock:"+name)
	t := time.NewTicker(lockPoll)
	defer t.Stop()
	for {
		ok, err := s.rdb.SetNX(ctx, key, token, ttl).Result()
		if err != nil {
			return nil, redisErr("lock", err)
		}
		if ok {
			return func() {
				// Released even when the caller's context has ended.
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
				defer cancel()
				_ = unlockScript.Run(ctx, s.rdb, []string{key}, token).Err()
			}, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the lock %q: %w", name, ctx.Err())
		case <-t.C:
		}
	}
}

var (
	_ Store   = (*RedisStore)(nil)
	_ Locker  = (*RedisStore)(nil)
	_ Scanner = (*RedisStore)(nil)
	_ Scanner = (*BoltStore)(nil)
)
