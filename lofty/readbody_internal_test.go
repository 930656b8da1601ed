package lofty

import (
	"bytes"
	"io"
	"runtime"
	"testing"
	"testing/iotest"
)

// A body is read whole, in pieces of any size, with or without its length,
// and cut one byte past the limit; with its length it takes one buffer.
func TestReadBody(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 100_000) // 1 MB
	for _, tc := range []struct {
		name   string
		length int64
		r      func() io.Reader
	}{
		{"known length", int64(len(body)), func() io.Reader { return bytes.NewReader(body) }},
		{"unknown length", -1, func() io.Reader { return bytes.NewReader(body) }},
		{"unknown length, a byte at a time", -1, func() io.Reader { return iotest.OneByteReader(bytes.NewReader(body[:70_000])) }},
		{"length announced short", 10, func() io.Reader { return bytes.NewReader(body) }},
	} {
		want := body
		if tc.name == "unknown length, a byte at a time" {
			want = body[:70_000]
		}
		got, err := readBody(tc.r(), tc.length, int64(len(body))+1)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes, %v; want %d", tc.name, len(got), err, len(want))
		}
		got, err = readBody(tc.r(), tc.length, 5000)
		if err != nil || !bytes.Equal(got, want[:5000]) {
			t.Errorf("%s, limit 5000: %d bytes, %v", tc.name, len(got), err)
		}
	}
	if _, err := readBody(iotest.ErrReader(io.ErrUnexpectedEOF), -1, 100); err != io.ErrUnexpectedEOF {
		t.Errorf("a failed read: %v", err)
	}
	var before, after runtime.MemStats
	r := bytes.NewReader(body)
	runtime.ReadMemStats(&before)
	_, _ = readBody(r, int64(len(body)), int64(len(body))+1)
	runtime.ReadMemStats(&after)
	if spent := after.TotalAlloc - before.TotalAlloc; spent > uint64(len(body))+64<<10 {
		t.Errorf("a body of %d bytes, its length known, took %d bytes to read", len(body), spent)
	}
}
