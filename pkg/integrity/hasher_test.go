package integrity_test

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/multisha"
)

// sums collects the hashes Sum hands over, by name, from whichever
// goroutine hashes.
type sums struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *sums) add(name string) func(string) {
	return func(sum string) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.m[name]; ok {
			sum = "given twice"
		}
		s.m[name] = sum
	}
}

func TestHasher(t *testing.T) {
	// More files than the pool hashes at once, so that some are hashed
	// as others end and some only by Flush.
	var contents [][]byte
	for i := range 40 {
		contents = append(contents, bytes.Repeat([]byte(fmt.Sprintf(`{"Records":[%d]}`+"\n", i)), 300*i))
	}
	p := multisha.NewPool()
	h := integrity.NewHasher(p, nil)
	got := sums{m: map[string]string{}}
	want := map[string]string{}
	for i, content := range contents {
		for _, read := range []int{0, 100, len(content)} {
			// A decoder stops where it likes: what it leaves is hashed too.
			name := fmt.Sprintf("file %d (%d bytes) after reading %d", i, len(content), read)
			if _, ok := want[name]; ok || read > len(content) {
				continue
			}
			h.Reset(iotest.HalfReader(bytes.NewReader(content)))
			if _, err := io.ReadFull(h, make([]byte, read)); err != nil {
				t.Fatal(err)
			}
			if err := h.Sum(got.add(name)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			want[name] = sha(content)
		}
	}
	for _, c := range []struct {
		name string
		r    io.Reader
		want error
	}{
		{"a failing reader", io.MultiReader(bytes.NewReader(contents[9]), iotest.ErrReader(io.ErrUnexpectedEOF)), io.ErrUnexpectedEOF},
		{"a reader that never gives anything", stuck{}, io.ErrNoProgress},
	} {
		h.Reset(c.r)
		if err := h.Sum(got.add(c.name)); err != c.want {
			t.Errorf("Sum of %s: %v; want %v", c.name, err, c.want)
		}
	}
	// Reset drops a file not summed, whose hash is never given.
	h.Reset(bytes.NewReader(contents[5]))
	h.Read(make([]byte, 10))
	h.Reset(bytes.NewReader(contents[7]))
	if err := h.Sum(got.add("file 7 after a dropped one")); err != nil {
		t.Fatal(err)
	}
	want["file 7 after a dropped one"] = sha(contents[7])
	p.Flush()
	for name, sum := range want {
		if got.m[name] != sum {
			t.Errorf("%s: %q; want %s", name, got.m[name], sum)
		}
	}
	if len(got.m) != len(want) {
		t.Errorf("%d hashes given, want %d", len(got.m), len(want))
	}
}

// stuck reads nothing and no error, forever.
type stuck struct{}

func (stuck) Read([]byte) (int, error) { return 0, nil }

// BenchmarkHasher is the cost --verify adds to each byte a scan inflates.
func BenchmarkHasher(b *testing.B) {
	content := bytes.Repeat([]byte(`{"eventVersion":"1.08","eventSource":"ec2.amazonaws.com"},`), 1<<14)
	buf := make([]byte, 32<<10)
	p := multisha.NewPool()
	h := integrity.NewHasher(p, nil)
	r := bytes.NewReader(content)
	var hashed int
	count := func(s string) {
		if len(s) == 64 {
			hashed++
		}
	}
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
		if err := h.Sum(count); err != nil {
			b.Fatal(err)
		}
	}
	p.Flush()
	if hashed != b.N {
		b.Fatalf("%d hashes of %d files", hashed, b.N)
	}
}
