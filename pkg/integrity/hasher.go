package integrity

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
)

// Hasher computes the SHA-256 of what is read through it, so that a scan
// hashes a log file's uncompressed content as it decodes it, without a
// second read. Wrap the decompressed reader; after the decoder is done,
// Sum reads what it left (a trailing newline, say, or all of it when
// nothing decodes) and returns the hash.
type Hasher struct {
	r   io.Reader
	h   hash.Hash
	buf []byte // what Sum reads through, kept from file to file
}

// sumBuffer is what Sum reads at a time: large, so that a Hasher read
// by nothing else (trailscan verify reads no events) feeds SHA-256 in a
// few large writes, and allocated once per Hasher, not per file.
const sumBuffer = 256 << 10

// NewHasher returns a Hasher reading from r.
func NewHasher(r io.Reader) *Hasher { return &Hasher{r: r, h: sha256.New()} }

// Reset makes h read from r with a new hash, reusing its state.
func (h *Hasher) Reset(r io.Reader) {
	h.r = r
	h.h.Reset()
}

func (h *Hasher) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n]) // a hash.Hash never fails to write
	return n, err
}

// Sum reads the rest of the stream and returns the hex SHA-256 of all of
// it, as a digest's hashValue holds it.
func (h *Hasher) Sum() (string, error) {
	if h.buf == nil {
		h.buf = make([]byte, sumBuffer)
	}
	for empty := 0; ; {
		n, err := h.r.Read(h.buf)
		h.h.Write(h.buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		if n > 0 {
			empty = 0
		} else if empty++; empty == 100 {
			return "", io.ErrNoProgress
		}
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.h.Sum(sum[:0])), nil
}
