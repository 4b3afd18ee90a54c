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
// Sum reads what it left (a trailing newline, say) and returns the hash.
type Hasher struct {
	r io.Reader
	h hash.Hash
}

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
	if _, err := io.Copy(h.h, h.r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.h.Sum(nil)), nil
}
