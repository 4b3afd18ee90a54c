package multisha_test

import (
	"crypto/sha256"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/trailscan/trailscan/pkg/multisha"
)

// results gathers the hashes of a test's Jobs, which their callbacks
// give from whichever goroutine hashes them.
type results struct {
	mu   sync.Mutex
	sums map[int][multisha.Size]byte
	dups []int
}

func newResults() *results { return &results{sums: map[int][multisha.Size]byte{}} }

// done is the callback of Job id.
func (r *results) done(id int) func([multisha.Size]byte) {
	return func(sum [multisha.Size]byte) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if _, ok := r.sums[id]; ok {
			r.dups = append(r.dups, id)
		}
		r.sums[id] = sum
	}
}

func (r *results) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sums)
}

// check fails t unless job i's hash is that of msgs[i], for every i,
// each given once.
func (r *results) check(t testing.TB, msgs [][]byte) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.dups) > 0 {
		t.Errorf("callbacks called twice for jobs %v", r.dups)
	}
	bad := 0
	for i, m := range msgs {
		got, ok := r.sums[i]
		switch want := sha256.Sum256(m); {
		case !ok:
			t.Errorf("job %d (%d bytes): no hash", i, len(m))
		case got != want:
			t.Errorf("job %d (%d bytes): %x, want %x", i, len(m), got, want)
		default:
			continue
		}
		if bad++; bad == 10 {
			t.Fatal("and more")
		}
	}
	if len(r.sums) != len(msgs) {
		t.Errorf("%d hashes for %d jobs", len(r.sums), len(msgs))
	}
}

// hashAll hashes msgs as one Job each, written in pieces of at most
// piece bytes, and flushes.
func hashAll(t testing.TB, p *multisha.Pool, msgs [][]byte, piece int) {
	t.Helper()
	r := newResults()
	for i, m := range msgs {
		j := p.Begin()
		write(t, j, m, piece)
		j.End(r.done(i))
	}
	p.Flush()
	r.check(t, msgs)
}

// write writes m to j in pieces of at most piece bytes (all at once when
// 0).
func write(t testing.TB, j *multisha.Job, m []byte, piece int) {
	if piece == 0 {
		piece = len(m) + 1
	}
	for len(m) > 0 {
		n := min(piece, len(m))
		if k, err := j.Write(m[:n]); k != n || err != nil {
			t.Errorf("Write of %d bytes: %d, %v", n, k, err)
			return
		}
		m = m[n:]
	}
}

func random(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// TestLengths hashes every length up to 1100 bytes, across every way of
// padding and block count: jobs of different lengths share the lanes,
// so lanes finish at different blocks and go idle at the end.
func TestLengths(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	var msgs [][]byte
	for n := range 1101 {
		msgs = append(msgs, random(rng, n))
	}
	for _, w := range multisha.Ways() {
		t.Run(w.Name, func(t *testing.T) {
			for _, piece := range []int{0, 1, 63} {
				hashAll(t, w.New(), msgs, piece)
			}
		})
	}
}

// TestEdges hashes lengths at the edges of the chunks a Job holds its
// bytes in, and of the longest Job the lanes take, past which it
// streams: one byte either side of each, and the padding's own edges
// (56 bytes short of a block, or 64) near them.
func TestEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	var msgs [][]byte
	for _, at := range []int{multisha.ChunkSize, 2 * multisha.ChunkSize, 3*multisha.ChunkSize + 64, multisha.MaxLaned} {
		for _, d := range []int{-73, -72, -65, -64, -57, -56, -55, -9, -8, -1, 0, 1, 8, 9, 55, 56, 64} {
			msgs = append(msgs, random(rng, at+d))
		}
	}
	for _, w := range multisha.Ways() {
		t.Run(w.Name, func(t *testing.T) {
			for _, piece := range []int{0, 1000, multisha.ChunkSize} {
				hashAll(t, w.New(), msgs, piece)
			}
		})
	}
}

// TestRandom hashes jobs of random lengths, a few past the longest the
// lanes take, from goroutines that write, end and discard jobs at once,
// through one Pool, flushing it only at the end.
func TestRandom(t *testing.T) {
	const workers, perWorker = 4, 60
	rng := rand.New(rand.NewPCG(3, 3))
	msgs := make([][]byte, workers*perWorker)
	for i := range msgs {
		switch n := rng.IntN(20); {
		case n == 0:
			msgs[i] = random(rng, multisha.MaxLaned+rng.IntN(3<<20))
		case n < 5:
			msgs[i] = random(rng, rng.IntN(200))
		default:
			msgs[i] = random(rng, rng.IntN(600<<10))
		}
	}
	for _, w := range multisha.Ways() {
		t.Run(w.Name, func(t *testing.T) {
			p, r := w.New(), newResults()
			var wg sync.WaitGroup
			for k := range workers {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(4, uint64(k)))
					for i := k * perWorker; i < (k+1)*perWorker; i++ {
						// A discarded job's chunks go back to the pool,
						// to hold another job's bytes: they must be no
						// longer read.
						if rng.IntN(4) == 0 {
							j := p.Begin()
							write(t, j, msgs[rng.IntN(len(msgs))], 0)
							j.Discard()
						}
						j := p.Begin()
						write(t, j, msgs[i], 1+rng.IntN(100<<10))
						j.End(r.done(i))
					}
				})
			}
			wg.Wait()
			p.Flush()
			r.check(t, msgs)
		})
	}
}

// TestFlush ends fewer jobs than there are lanes, which wait for Flush
// (or are hashed at once, by crypto/sha256), and then reuses the Pool.
func TestFlush(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, w := range multisha.Ways() {
		t.Run(w.Name, func(t *testing.T) {
			p := w.New()
			for n := 1; n < multisha.Lanes; n++ {
				msgs := make([][]byte, n)
				r := newResults()
				for i := range msgs {
					msgs[i] = random(rng, rng.IntN(3*multisha.ChunkSize))
					j := p.Begin()
					write(t, j, msgs[i], 0)
					j.End(r.done(i))
				}
				if got, want := r.len(), map[bool]int{false: n, true: 0}[w.Lanes]; got != want {
					t.Errorf("%d jobs: %d hashed before Flush; want %d", n, got, want)
				}
				p.Flush()
				r.check(t, msgs)
			}
			p.Flush() // nothing left: returns
		})
	}
}

// FuzzPool hashes the jobs its input describes: each byte of lens, times
// 97, is a job's length, and the jobs' bytes are drawn from seed; piece
// is the most each write gives.
func FuzzPool(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3}, uint64(1), uint16(0))
	f.Add([]byte{255, 0, 255, 17, 200, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, uint64(2), uint16(7))
	f.Add([]byte("sixteen lanes, and then some more"), uint64(3), uint16(4096))
	ways := multisha.Ways()
	f.Fuzz(func(t *testing.T, lens []byte, seed uint64, piece uint16) {
		rng := rand.New(rand.NewPCG(seed, seed))
		msgs := make([][]byte, len(lens))
		for i, n := range lens {
			msgs[i] = random(rng, int(n)*97)
		}
		for _, w := range ways {
			hashAll(t, w.New(), msgs, int(piece))
		}
	})
}

// BenchmarkPool hashes 64 log-sized jobs at a time, as a scan ends them,
// against crypto/sha256 hashing them one after the other.
func BenchmarkPool(b *testing.B) {
	const jobs, size = 64, 270 << 10
	rng := rand.New(rand.NewPCG(6, 6))
	msgs := make([][]byte, jobs)
	for i := range msgs {
		msgs[i] = random(rng, size)
	}
	for _, w := range multisha.Ways() {
		b.Run(w.Name, func(b *testing.B) {
			p := w.New()
			var hashed int
			count := func([multisha.Size]byte) { hashed++ }
			b.SetBytes(jobs * size)
			b.ReportAllocs()
			for b.Loop() {
				for _, m := range msgs {
					j := p.Begin()
					j.Write(m[:size/2])
					j.Write(m[size/2:])
					j.End(count)
				}
				p.Flush()
			}
			if hashed != b.N*jobs {
				b.Fatalf("%d hashes for %d jobs", hashed, b.N*jobs)
			}
		})
	}
}
