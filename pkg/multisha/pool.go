package multisha

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"sync"
)

// Size is the size of a SHA-256 hash in bytes.
const Size = sha256.Size

const (
	lanes = 16 // streams hashed at once: 32-bit lanes of a 512-bit register

	// chunkSize is what a Job holds its bytes in: a multiple of the block
	// size, so that a lane reads whole blocks from a chunk.
	chunkSize = 64 << 10

	// maxLaned is the longest stream a Job holds for the lanes. One that
	// grows longer is written into crypto/sha256 from then on, so that a
	// Job never holds more, however long its stream: a log file is a few
	// hundred kilobytes.
	maxLaned = 1 << 20

	// maxQueued is how many bytes of ended Jobs may wait for a lane before
	// End waits for the lanes too, rather than leave them to a goroutine
	// already running them: it bounds what a Pool holds when its jobs come
	// faster than it hashes them.
	maxQueued = 16 << 20
)

// kernel runs n blocks of SHA-256 in each of 16 lanes: lane i's state is
// column i of state, its blocks the n*64 bytes at ptrs[i]. Every lane
// runs, so every pointer must have n blocks to read.
type kernel func(state *[8][lanes]uint32, ptrs *[lanes]*byte, n int)

// Pool hashes the Jobs begun from it, 16 at a time where the CPU can. It
// is safe for concurrent use.
type Pool struct {
	kernel kernel // nil: Jobs stream into crypto/sha256

	mu      sync.Mutex
	queue   []*Job // ended, waiting for a lane
	queued  int    // their bytes
	pending int    // Jobs ended and not yet hashed: queued or in a lane

	chunks sync.Pool // of *[chunkSize]byte

	// run is held by the goroutine that runs the lanes: one at a time,
	// while the others go on with their own work.
	run sync.Mutex
	l   laneSet // guarded by run
}

// NewPool returns a Pool that hashes with AVX-512 where the CPU has it,
// and with crypto/sha256 elsewhere.
func NewPool() *Pool { return newPool(vectorKernel) }

func newPool(k kernel) *Pool { return &Pool{kernel: k} }

// Job is one stream to hash: Write it whole, then End it. A Job is not
// safe for concurrent use, and must not be used after End or Discard.
type Job struct {
	p      *Pool
	h      hash.Hash // set once the stream goes to crypto/sha256
	chunks []*[chunkSize]byte
	n      int // bytes in chunks: the stream's, then padded by End
	done   func([Size]byte)
	at     int // the chunk a lane hashes
}

// Begin starts a Job.
func (p *Pool) Begin() *Job {
	if p.kernel == nil {
		return &Job{h: sha256.New()}
	}
	return &Job{p: p}
}

// Write adds b to the stream; it never fails.
func (j *Job) Write(b []byte) (int, error) {
	if j.h == nil && j.n+len(b) > maxLaned {
		j.stream()
	}
	if j.h != nil {
		return j.h.Write(b)
	}
	j.append(b)
	return len(b), nil
}

func (j *Job) append(b []byte) {
	for len(b) > 0 {
		if j.n == len(j.chunks)*chunkSize {
			j.chunks = append(j.chunks, j.p.chunk())
		}
		c := copy(j.chunks[len(j.chunks)-1][j.n%chunkSize:], b)
		j.n += c
		b = b[c:]
	}
}

// stream moves the Job to crypto/sha256.
func (j *Job) stream() {
	j.h = sha256.New()
	for i, c := range j.chunks {
		j.h.Write(c[:min(chunkSize, j.n-i*chunkSize)])
	}
	j.release()
}

// release gives the Job's chunks back to the pool.
func (j *Job) release() {
	for _, c := range j.chunks {
		if c != nil {
			j.p.chunks.Put(c)
		}
	}
	j.chunks, j.n = nil, 0
}

func (p *Pool) chunk() *[chunkSize]byte {
	if c, ok := p.chunks.Get().(*[chunkSize]byte); ok {
		return c
	}
	return new([chunkSize]byte)
}

// Discard drops the Job unhashed.
func (j *Job) Discard() {
	if j.h == nil {
		j.release()
	}
}

// End ends the stream. done receives its hash once it is known: at once,
// or later, on whichever goroutine hashes it, Flush at the latest. done
// must not call p's methods.
func (j *Job) End(done func(sum [Size]byte)) {
	if j.h != nil {
		var sum [Size]byte
		j.h.Sum(sum[:0])
		done(sum)
		return
	}
	j.pad()
	j.done = done
	j.p.end(j)
}

// pad appends SHA-256's padding, so that the lanes only ever read whole
// blocks: a 1 bit, zeros, and the stream's length in bits, to a multiple
// of 64 bytes.
func (j *Job) pad() {
	var tail [64 + 8]byte
	n := (j.n+9+63)/64*64 - j.n
	tail[0] = 0x80
	binary.BigEndian.PutUint64(tail[n-8:], uint64(j.n)<<3)
	j.append(tail[:n])
}

// end queues j, and runs the lanes when they can all be kept busy (and
// no other goroutine runs them), or waits for them when too much waits.
func (p *Pool) end(j *Job) {
	p.mu.Lock()
	p.queue = append(p.queue, j)
	p.queued += j.n
	p.pending++
	p.mu.Unlock()
	// The lanes are looked at again once let go: a Job ended while this
	// goroutine ran them may have found them taken, and left 16 waiting.
	for {
		p.mu.Lock()
		full, ready := p.queued > maxQueued, p.pending >= lanes
		p.mu.Unlock()
		switch {
		case full:
			p.run.Lock()
		case !ready || !p.run.TryLock():
			return
		}
		p.hash(false)
		p.run.Unlock()
	}
}

// Flush hashes every Job ended before it, partly empty lanes and all, and
// returns once their callbacks have returned.
func (p *Pool) Flush() {
	if p.kernel == nil {
		return
	}
	p.run.Lock()
	defer p.run.Unlock()
	p.hash(true)
}

// laneSet is the lanes' state: which Job each hashes, and where in it.
type laneSet struct {
	state  [8][lanes]uint32
	ptrs   [lanes]*byte
	jobs   [lanes]*Job // nil: the lane is idle
	off    [lanes]int  // where in its chunk the lane's next block is
	left   [lanes]int  // the blocks left in its chunk
	active int
}

// iv is SHA-256's initial state.
var iv = [8]uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}

// hash runs the lanes, with p.run held, as long as they are all busy, or
// until no Job is left when all is set.
func (p *Pool) hash(all bool) {
	l := &p.l
	finished := 0
	for {
		p.fill(finished)
		if l.active == 0 || l.active < lanes && !all {
			return
		}
		n := l.ready()
		p.kernel(&l.state, &l.ptrs, n)
		finished = l.advance(n, &p.chunks)
	}
}

// ready returns how many blocks every lane is to run: as many as the
// active lane with the fewest left in its chunk has. Idle lanes are
// pointed at an active one's blocks, to be hashed and ignored.
func (l *laneSet) ready() int {
	n, first := 0, -1
	for i, j := range l.jobs {
		if j == nil {
			continue
		}
		if first < 0 || l.left[i] < n {
			n = l.left[i]
		}
		if first < 0 {
			first = i
		}
	}
	for i, j := range l.jobs {
		if j == nil {
			l.ptrs[i] = l.ptrs[first]
		}
	}
	return n
}

// advance moves each active lane n blocks on: to its chunk's next block,
// to its Job's next chunk (giving the one done back to chunks), or, at
// its Job's end, to idle, with the Job's callback called. It returns how
// many Jobs ended.
func (l *laneSet) advance(n int, chunks *sync.Pool) (finished int) {
	for i, j := range l.jobs {
		if j == nil {
			continue
		}
		l.off[i] += n * 64
		l.left[i] -= n
		if l.left[i] > 0 {
			l.ptrs[i] = &j.chunks[j.at][l.off[i]]
			continue
		}
		chunks.Put(j.chunks[j.at])
		j.chunks[j.at] = nil
		if j.at++; j.at < len(j.chunks) {
			l.start(i, j)
			continue
		}
		l.jobs[i] = nil
		l.active--
		finished++
		j.done(l.sum(i))
	}
	return finished
}

// fill puts queued Jobs in the idle lanes, and counts those finished out
// of pending.
func (p *Pool) fill(finished int) {
	l := &p.l
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pending -= finished
	for i := 0; i < lanes && len(p.queue) > 0; i++ {
		if l.jobs[i] != nil {
			continue
		}
		j := p.queue[0]
		copy(p.queue, p.queue[1:])
		p.queue[len(p.queue)-1] = nil
		p.queue = p.queue[:len(p.queue)-1]
		p.queued -= j.n
		for w := range iv {
			l.state[w][i] = iv[w]
		}
		l.jobs[i] = j
		l.active++
		l.start(i, j)
	}
}

// start points lane i at the start of j's chunk j.at.
func (l *laneSet) start(i int, j *Job) {
	l.off[i] = 0
	l.left[i] = min(chunkSize, j.n-j.at*chunkSize) / 64
	l.ptrs[i] = &j.chunks[j.at][0]
}

// sum is lane i's hash.
func (l *laneSet) sum(i int) [Size]byte {
	var sum [Size]byte
	for w := range l.state {
		binary.BigEndian.PutUint32(sum[4*w:], l.state[w][i])
	}
	return sum
}
