package oauth

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrNotFound is returned by a Store for a key that is absent or expired.
var ErrNotFound = errors.New("oauth store: not found")

// Store is the key-value storage of the authorization server: registered
// clients, grants (with their encrypted Lofty credential), token hashes and
// pending sign-ins. Values are opaque bytes; keys are short ASCII strings
// such as "grant:<id>" or "at:<sha-256 hex>". A value is never returned
// after its expiry. It must be safe for concurrent use.
//
// It is small on purpose so that a shared implementation (Redis: SET PXAT,
// GET, DEL, GETDEL) is a few lines.
type Store interface {
	// Put stores value under key until expires (zero: no expiry),
	// replacing any value.
	Put(ctx context.Context, key string, value []byte, expires time.Time) error
	// Get returns the value under key, or ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// Take returns the value under key and removes it, atomically: of two
	// concurrent Takes of one key, one gets ErrNotFound. For codes and
	// refresh tokens, which are used once.
	Take(ctx context.Context, key string) ([]byte, error)
	// Close releases the store.
	Close() error
}

// Sweeper is implemented by stores that must delete expired records
// themselves (a store with native expiry need not).
type Sweeper interface {
	// Sweep deletes the records expired at now and reports how many.
	Sweep(ctx context.Context, now time.Time) (int, error)
}

// Locker is implemented by stores that several processes share (Redis):
// what one process at a time may do — renewing a grant's Lofty token, whose
// refresh token Lofty accepts once — is done under a lock of the store, not
// only of the process.
type Locker interface {
	// Lock waits until the lock named name is free or ctx ends, then holds
	// it for at most ttl (it lapses by itself if the holder dies). unlock
	// releases it.
	Lock(ctx context.Context, name string, ttl time.Duration) (unlock func(), err error)
}

// Compactor is implemented by stores whose file keeps the room of deleted
// records: bbolt reuses it, but never gives it back, so after a flood has
// expired the file would stay at its peak size.
type Compactor interface {
	// Compact rewrites the store without the room of deleted records, when
	// that room is most of its file, and reports the file's size before and
	// after (the same when nothing was worth doing).
	Compact(ctx context.Context) (before, after int64, err error)
}

// Scanner is implemented by stores that list their records by key prefix:
// the account page and `lofty-mcp grants` find grants this way (both
// stores lofty-mcp ships implement it).
type Scanner interface {
	// Scan calls fn with the key and value of each unexpired record whose
	// key starts with prefix, in no particular order, until fn returns
	// false. fn may use the store.
	Scan(ctx context.Context, prefix string, fn func(key string, value []byte) bool) error
}

// Shredder is implemented by stores whose file keeps the bytes of deleted
// records (bbolt frees their pages but does not clear them): when a person
// or an operator deletes a sign-in, Shred rewrites the store so that what
// the sign-in held is no longer in it.
type Shredder interface {
	Shred(ctx context.Context) error
}

// BoltStore is the embedded Store: one bbolt database file.
type BoltStore struct {
	path string
	now  func() time.Time

	// mu is held for writing only while Compact swaps the file; every
	// other use shares it (bbolt orders those itself).
	mu sync.RWMutex
	db *bolt.DB
}

// compactMinBytes: a file smaller than this is never worth compacting.
const compactMinBytes = 1 << 20

var kvBucket = []byte("kv")

// OpenBoltStore opens (creating it, mode 0600) the database file at path.
// now is the clock deciding expiry (nil: time.Now). A file held by another
// process is an error after one second.
func OpenBoltStore(path string, now func() time.Time) (*BoltStore, error) {
	if now == nil {
		now = time.Now
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the state directory: %w", err)
	}
	db, err := openBolt(path)
	if err != nil {
		return nil, err
	}
	return &BoltStore{path: path, db: db, now: now}, nil
}

func openBolt(path string) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("opening %s: another process (a second lofty-mcp?) holds it; give each server its own --state-dir, or share state through Redis", path)
		}
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(kvBucket)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("initialising %s: %w", path, err)
	}
	return db, nil
}

// encodeRecord prefixes value with its expiry (unix nanoseconds, 0: none).
func encodeRecord(value []byte, expires time.Time) []byte {
	b := make([]byte, 8+len(value))
	if !expires.IsZero() {
		binary.BigEndian.PutUint64(b, uint64(expires.UnixNano()))
	}
	copy(b[8:], value)
	return b
}

// decodeRecord splits a record; ok is false when it is malformed or expired at now.
func decodeRecord(b []byte, now time.Time) (value []byte, ok bool) {
	if len(b) < 8 {
		return nil, false
	}
	exp := int64(binary.BigEndian.Uint64(b))
	if exp != 0 && now.UnixNano() >= exp {
		return nil, false
	}
	return append([]byte(nil), b[8:]...), true
}

// Put implements Store.
func (s *BoltStore) Put(_ context.Context, key string, value []byte, expires time.Time) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(kvBucket).Put([]byte(key), encodeRecord(value, expires))
	})
}

// Get implements Store.
func (s *BoltStore) Get(_ context.Context, key string) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		v, ok := decodeRecord(tx.Bucket(kvBucket).Get([]byte(key)), s.now())
		if !ok {
			return ErrNotFound
		}
		out = v
		return nil
	})
	return out, err
}

// Delete implements Store.
func (s *BoltStore) Delete(_ context.Context, key string) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(kvBucket).Delete([]byte(key))
	})
}

// Take implements Store: bbolt has one writer at a time, so the read and
// the delete in one update transaction are atomic.
func (s *BoltStore) Take(_ context.Context, key string) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []byte
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(kvBucket)
		raw := b.Get([]byte(key))
		if raw == nil {
			return ErrNotFound
		}
		v, ok := decodeRecord(raw, s.now())
		if err := b.Delete([]byte(key)); err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		out = v
		return nil
	})
	return out, err
}

// Scan implements Scanner. The records are read in one transaction, then
// handed to fn, which may write to the store.
func (s *BoltStore) Scan(ctx context.Context, prefix string, fn func(key string, value []byte) bool) error {
	type kv struct {
		k string
		v []byte
	}
	var found []kv
	s.mu.RLock()
	now := s.now()
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(kvBucket).Cursor()
		p := []byte(prefix)
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			if val, ok := decodeRecord(v, now); ok {
				found = append(found, kv{string(k), val})
			}
		}
		return ctx.Err()
	})
	s.mu.RUnlock()
	if err != nil {
		return err
	}
	for _, r := range found {
		if !fn(r.k, r.v) {
			break
		}
	}
	return nil
}

// Sweep implements Sweeper, deleting at most 1000 records per transaction
// so that writers are not held up long.
func (s *BoltStore) Sweep(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		var expired [][]byte
		s.mu.RLock()
		err := s.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(kvBucket).Cursor()
			for k, v := c.First(); k != nil && len(expired) < 1000; k, v = c.Next() {
				if _, ok := decodeRecord(v, now); !ok {
					expired = append(expired, append([]byte(nil), k...))
				}
			}
			return nil
		})
		if err == nil && len(expired) > 0 {
			err = s.db.Update(func(tx *bolt.Tx) error {
				b := tx.Bucket(kvBucket)
				for _, k := range expired {
					// Re-check: the key may have been written again since.
					if _, ok := decodeRecord(b.Get(k), now); ok {
						continue
					}
					if err := b.Delete(k); err != nil {
						return err
					}
					total++
				}
				return nil
			})
		}
		s.mu.RUnlock()
		if err != nil || len(expired) < 1000 {
			return total, err
		}
	}
}

// Compact implements Compactor: when the file is at least 1 MiB and more
// than half of it is room no record uses, the records are copied to a new
// file, which then replaces the old one (a rename: a crash leaves one or
// the other whole). Every other use of the store waits meanwhile; with
// what the sign-in limits let strangers store, that is milliseconds.
func (s *BoltStore) Compact(ctx context.Context) (before, after int64, err error) {
	return s.compact(ctx, false)
}

// Shred implements Shredder: the records are copied to a new file, which
// replaces the old one, whatever the sizes, so that no deleted record's
// bytes are left in the database file.
func (s *BoltStore) Shred(ctx context.Context) error {
	_, _, err := s.compact(ctx, true)
	return err
}

func (s *BoltStore) compact(ctx context.Context, always bool) (before, after int64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if before, err = fileSize(s.path); err != nil {
		return 0, 0, err
	}
	if before < compactMinBytes && !always {
		return before, before, nil
	}
	var live int64
	err = s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(kvBucket).ForEach(func(k, v []byte) error {
			live += int64(len(k) + len(v))
			return ctx.Err()
		})
	})
	// A compacted file takes its records and about as much again in pages
	// and their headers.
	if err != nil || (4*live > before && !always) {
		return before, before, err
	}
	tmp := s.path + ".compact"
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return before, before, fmt.Errorf("compacting %s: %w", s.path, err)
	}
	err = bolt.Compact(dst, s.db, 4<<20)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return before, before, fmt.Errorf("compacting %s: %w", s.path, err)
	}
	// Swap the files: close the old one, rename the new one over it, open
	// it. If the rename fails, the old file opens again.
	if err := s.db.Close(); err != nil {
		_ = os.Remove(tmp)
		return before, before, fmt.Errorf("compacting %s: closing it: %w", s.path, err)
	}
	renameErr := os.Rename(tmp, s.path)
	if renameErr == nil {
		syncDir(filepath.Dir(s.path))
	} else {
		_ = os.Remove(tmp)
	}
	db, err := openBolt(s.path)
	if err != nil {
		// Unusable until restarted: every use now fails (503), which the
		// operator sees in the log.
		return before, before, fmt.Errorf("compacting %s: reopening it: %w", s.path, err)
	}
	s.db = db
	if renameErr != nil {
		return before, before, fmt.Errorf("compacting %s: %w", s.path, renameErr)
	}
	after, err = fileSize(s.path)
	return before, after, err
}

func fileSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// syncDir makes a rename in dir durable (best effort: not every system
// can sync a directory).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// Close implements Store.
func (s *BoltStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db.Close()
}
