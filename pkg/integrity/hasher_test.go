package integrity_test

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"

	"github.com/trailscan/trailscan/pkg/integrity"
)

func TestHasher(t *testing.T) {
	content := bytes.Repeat([]byte(`{"Records":[]}`+"\n"), 5000)
	h := integrity.NewHasher(nil)
	for _, read := range []int{0, 100, len(content)} {
		// A decoder stops where it likes: what it leaves is hashed too.
		h.Reset(iotest.HalfReader(bytes.NewReader(content)))
		if _, err := io.ReadFull(h, make([]byte, read)); err != nil {
			t.Fatal(err)
		}
		if got, err := h.Sum(); err != nil || got != sha(content) {
			t.Errorf("after reading %d bytes: %s, %v; want %s", read, got, err, sha(content))
		}
	}
	for _, c := range []struct {
		name string
		r    io.Reader
		want error
	}{
		{"a failing reader", iotest.ErrReader(io.ErrUnexpectedEOF), io.ErrUnexpectedEOF},
		{"a reader that never gives anything", stuck{}, io.ErrNoProgress},
	} {
		h.Reset(c.r)
		if _, err := h.Sum(); err != c.want {
			t.Errorf("Sum of %s: %v; want %v", c.name, err, c.want)
		}
	}
}

// stuck reads nothing and no error, forever.
type stuck struct{}

func (stuck) Read([]byte) (int, error) { return 0, nil }

// BenchmarkHasher is the cost --verify adds to each byte a scan inflates.
func BenchmarkHasher(b *testing.B) {
	content := bytes.Repeat([]byte(`{"eventVersion":"1.08","eventSource":"ec2.amazonaws.com"},`), 1<<14)
	buf := make([]byte, 32<<10)
	h := integrity.NewHasher(nil)
	r := bytes.NewReader(content)
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(content)
		h.Reset(r)
		for {
			if _, err := h.Read(buf); err == io.EOF {
				break
			}
		}
		if s, err := h.Sum(); err != nil || len(s) != 64 {
			b.Fatal(s, err)
		}
	}
}
