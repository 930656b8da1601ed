package oauth

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"go.uber.org/goleak"
)

// testStore checks the Store contract; the second implementation (Redis)
// runs the same function.
func testStore(t *testing.T, open func(t *testing.T, now func() time.Time) Store) {
	ctx := context.Background()
	clk := newClock()
	st := open(t, clk.Now)

	if _, err := st.Get(ctx, "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get missing: %v", err)
	}
	if err := st.Put(ctx, "k", []byte("v1"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, "k", []byte("v2"), clk.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if v, err := st.Get(ctx, "k"); err != nil || string(v) != "v2" {
		t.Fatalf("Get after replace: %q %v", v, err)
	}
	clk.Advance(time.Minute)
	if _, err := st.Get(ctx, "k"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after expiry: %v", err)
	}
	if _, err := st.Take(ctx, "k"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Take after expiry: %v", err)
	}
	st.Put(ctx, "d", []byte("x"), time.Time{})
	if err := st.Delete(ctx, "d"); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, "d"); err != nil {
		t.Fatalf("Delete of a missing key: %v", err)
	}
	if _, err := st.Get(ctx, "d"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}

	// Take is atomic: of many concurrent takers exactly one wins.
	for round := range 20 {
		key := fmt.Sprintf("once-%d", round)
		st.Put(ctx, key, []byte("secret"), clk.Now().Add(time.Hour))
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if v, err := st.Take(ctx, key); err == nil && string(v) == "secret" {
					wins.Add(1)
				} else if err != nil && !errors.Is(err, ErrNotFound) {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("round %d: %d takers won, want 1", round, wins.Load())
		}
	}
}

func TestBoltStore(t *testing.T) {
	testStore(t, func(t *testing.T, now func() time.Time) Store {
		st, err := OpenBoltStore(filepath.Join(t.TempDir(), "db"), now)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

func TestBoltStoreSweep(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	st, err := OpenBoltStore(filepath.Join(t.TempDir(), "db"), clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range 1300 {
		exp := clk.Now().Add(time.Minute)
		if i%13 == 0 {
			exp = time.Time{} // never expires
		}
		st.Put(ctx, fmt.Sprintf("k%05d", i), []byte("v"), exp)
	}
	if n, err := st.Sweep(ctx, clk.Now()); err != nil || n != 0 {
		t.Fatalf("sweep before expiry: %d %v", n, err)
	}
	clk.Advance(time.Minute)
	if n, err := st.Sweep(ctx, clk.Now()); err != nil || n != 1200 {
		t.Fatalf("sweep: removed %d (%v), want 1200", n, err)
	}
	if _, err := st.Get(ctx, "k00000"); err != nil {
		t.Fatalf("a record without expiry was swept: %v", err)
	}
}

func TestBoltStoreLockedByAnotherServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	st, err := OpenBoltStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := OpenBoltStore(path, nil); err == nil || !strings.Contains(err.Error(), "another process") {
		t.Fatalf("second open: %v", err)
	}
}

func TestParseSecretKey(t *testing.T) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i * 7)
	}
	for _, s := range []string{
		hex.EncodeToString(key), base64.StdEncoding.EncodeToString(key), base64.RawStdEncoding.EncodeToString(key),
		base64.URLEncoding.EncodeToString(key), " " + base64.RawURLEncoding.EncodeToString(key) + "\n",
	} {
		got, err := ParseSecretKey(s)
		if err != nil || string(got) != string(key) {
			t.Errorf("ParseSecretKey(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "short", base64.StdEncoding.EncodeToString(key[:16]), "not base64 !!!"} {
		_, err := ParseSecretKey(s)
		if err == nil || (s != "" && strings.Contains(err.Error(), s)) {
			t.Errorf("ParseSecretKey(%q) = %v: want an error that does not repeat the value", s, err)
		}
	}
}

// TestCloseLeavesNoGoroutine: New starts the sweeper; Close stops it.
func TestCloseLeavesNoGoroutine(t *testing.T) {
	before := goleak.IgnoreCurrent()
	s, err := New(Config{PublicURL: "https://mcp.example.com", StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	goleak.VerifyNone(t, before)
}

func TestConfigRefusals(t *testing.T) {
	dir := t.TempDir()
	for name, cfg := range map[string]Config{
		"no public URL":       {StateDir: dir},
		"public URL http":     {PublicURL: "http://mcp.example.com", StateDir: dir},
		"public URL path":     {PublicURL: "https://mcp.example.com/lofty", StateDir: dir},
		"public URL relative": {PublicURL: "mcp.example.com", StateDir: dir},
		"no state dir":        {PublicURL: "https://mcp.example.com"},
		"half a vendor app":   {PublicURL: "https://mcp.example.com", StateDir: dir, Lofty: LoftyConfig{ClientID: "x"}},
		"short key":           {PublicURL: "https://mcp.example.com", StateDir: dir, SecretKey: []byte("short")},
		"http token URL":      {PublicURL: "https://mcp.example.com", StateDir: dir, Lofty: LoftyConfig{TokenURL: "http://crm.example.com/token"}},
	} {
		s, err := New(cfg)
		if err == nil {
			s.Close()
			t.Errorf("%s: accepted", name)
			continue
		}
		t.Logf("%s: %v", name, err)
	}
	for _, ok := range []string{"https://mcp.example.com", "https://mcp.example.com/", "http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:9"} {
		s, err := New(Config{PublicURL: ok, StateDir: t.TempDir()})
		if err != nil {
			t.Errorf("%s: %v", ok, err)
			continue
		}
		if strings.HasSuffix(s.Issuer(), "/") {
			t.Errorf("issuer %q ends with a slash", s.Issuer())
		}
		s.Close()
	}
}

// TestBoltStoreCompact: bbolt keeps a file at its peak size; Compact gives
// back the room of deleted records, keeps every live one, and the store
// goes on working, also for whoever used it meanwhile.
func TestBoltStoreCompact(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := OpenBoltStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// A small file is left alone.
	if before, after, err := st.Compact(ctx); err != nil || before != after {
		t.Fatalf("small file: %d -> %d, %v", before, after, err)
	}
	// 8 MB of records (one transaction, for speed), then deleted.
	err = st.db.Update(func(tx *bolt.Tx) error {
		for i := range 800 {
			if err := tx.Bucket(kvBucket).Put(fmt.Appendf(nil, "flood:%04d", i), encodeRecord(make([]byte, 10<<10), time.Time{})); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, "keep", []byte("kept"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Live records worth keeping: no compaction.
	if before, after, err := st.Compact(ctx); err != nil || before != after {
		t.Fatalf("a full file: %d -> %d, %v", before, after, err)
	}
	err = st.db.Update(func(tx *bolt.Tx) error {
		for i := range 800 {
			if err := tx.Bucket(kvBucket).Delete(fmt.Appendf(nil, "flood:%04d", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Used meanwhile from other goroutines.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var uses atomic.Int64
	for g := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("use:%d:%d", g, i%10)
				if err := st.Put(ctx, key, []byte("v"), time.Time{}); err != nil {
					t.Errorf("Put during compaction: %v", err)
					return
				}
				if _, err := st.Get(ctx, key); err != nil {
					t.Errorf("Get during compaction: %v", err)
					return
				}
				uses.Add(1)
			}
		})
	}
	before, after, err := st.Compact(ctx)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("compacted %d -> %d bytes; %d uses meanwhile", before, after, uses.Load())
	if before < 8<<20 || after > 256<<10 {
		t.Fatalf("compacted %d -> %d bytes, want from over 8 MB to under 256 KB", before, after)
	}
	if v, err := st.Get(ctx, "keep"); err != nil || string(v) != "kept" {
		t.Fatalf("a live record after compaction: %q %v", v, err)
	}
	if err := st.Put(ctx, "after", []byte("x"), time.Time{}); err != nil {
		t.Fatalf("Put after compaction: %v", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the compacted file: %v, %v", fi.Mode(), err)
	}
	if _, err := os.Stat(path + ".compact"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file is left behind: %v", err)
	}
	// Reopened, it holds the same records.
	st.Close()
	st2, err := OpenBoltStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if v, err := st2.Get(ctx, "keep"); err != nil || string(v) != "kept" {
		t.Fatalf("after reopening: %q %v", v, err)
	}
}

// TestBoltStoreShred: bbolt frees a deleted record's page without clearing
// it; Shred rewrites the file, so the record's bytes are gone from it.
func TestBoltStoreShred(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), DBFile)
	st, err := OpenBoltStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range 100 {
		st.Put(ctx, fmt.Sprintf("grant:filler-%03d", i), bytes.Repeat([]byte{'f'}, 2000), time.Time{})
	}
	marker := []byte("sealed-credential-marker-5b0e7c")
	st.Put(ctx, "grant:gone", append(marker, bytes.Repeat([]byte{'x'}, 3000)...), time.Time{})
	st.Delete(ctx, "grant:gone")
	raw, _ := os.ReadFile(path)
	t.Logf("before Shred, the deleted record's bytes are in the file: %v", bytes.Contains(raw, marker))
	if err := st.Shred(ctx); err != nil {
		t.Fatal(err)
	}
	if raw, _ := os.ReadFile(path); bytes.Contains(raw, marker) {
		t.Error("after Shred the deleted record's bytes are still in the file")
	}
	if v, err := st.Get(ctx, "grant:filler-042"); err != nil || len(v) != 2000 {
		t.Errorf("a record kept through Shred: %d bytes, %v", len(v), err)
	}
}
