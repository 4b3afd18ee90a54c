package integrity

import (
	"encoding/hex"
	"io"

	"github.com/trailscan/trailscan/pkg/multisha"
)

// Hasher computes the SHA-256 of what is read through it, so that a scan
// hashes a log file's uncompressed content as it decodes it, without a
// second read. Wrap the decompressed reader; after the decoder is done,
// Sum reads what it left (a trailing newline, say, or all of it when
// nothing decodes) and hands over the hash.
//
// The hashing is its multisha.Pool's: the Hasher copies what it reads
// into a Job, and the pool hashes many files at once, later.
type Hasher struct {
	pool *multisha.Pool
	r    io.Reader
	job  *multisha.Job // nil once summed
	buf  []byte        // what Sum reads through, kept from file to file
}

// sumBuffer is what Sum reads at a time: large, so that a Hasher read
// by nothing else (trailscan verify reads no events) copies in a few
// large writes, and allocated once per Hasher, not per file.
const sumBuffer = 256 << 10

// NewHasher returns a Hasher reading from r, hashing in p.
func NewHasher(p *multisha.Pool, r io.Reader) *Hasher {
	h := &Hasher{pool: p}
	h.Reset(r)
	return h
}

// Reset makes h read from r with a new hash. A hash not summed is
// dropped.
func (h *Hasher) Reset(r io.Reader) {
	if h.job != nil {
		h.job.Discard()
	}
	h.r, h.job = r, h.pool.Begin()
}

func (h *Hasher) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.job.Write(p[:n]) // a Job never fails to write
	return n, err
}

// Sum reads the rest of the stream and gives done the hex SHA-256 of all
// of it, as a digest's hashValue holds it, once the pool has hashed it: at
// once, or later on another goroutine, and before the pool's Flush
// returns. When the rest cannot be read, Sum returns why, and done is
// never called.
func (h *Hasher) Sum(done func(sum string)) error {
	if h.buf == nil {
		h.buf = make([]byte, sumBuffer)
	}
	for empty := 0; ; {
		n, err := h.r.Read(h.buf)
		h.job.Write(h.buf[:n])
		if err == io.EOF {
			break
		}
		if err == nil && n == 0 {
			if empty++; empty == 100 {
				err = io.ErrNoProgress
			}
		} else {
			empty = 0
		}
		if err != nil {
			h.job.Discard()
			h.job = nil
			return err
		}
	}
	h.job.End(func(sum [multisha.Size]byte) { done(hex.EncodeToString(sum[:])) })
	h.job = nil
	return nil
}
