package parse

import "math/bits"

// The scanner indexes each buffer as it is filled: one bit per byte marks
// the bytes that end a plain run inside a string (a quote, a backslash or a
// control character), and another marks bytes of 0x80 and above. Finding
// the end of a string is then a shift and a count of trailing zeros,
// whatever its length, instead of a loop whose exit the CPU mispredicts
// about once a string. The index costs a fraction of a cycle per byte in
// vector code (index_amd64.s).

// indexWords is the number of words of an index: one per 64 bytes of the
// buffer, and one more for the stop bit after a full buffer.
const indexWords = bufSize/64 + 1

// index fills spec and high for the bytes of b, 64 at a time: the last
// block may run past len(b) into the rest of the buffer, whose bits mean
// nothing and lie after the stop bit that marks len(b).
func (s *scanner) index(b []byte) {
	if blocks := (len(b) + 63) / 64; blocks > 0 {
		indexBlocks(b[:blocks*64], s.spec[:blocks], s.high[:blocks])
	}
	s.spec[len(b)/64] |= 1 << (len(b) % 64)
}

// indexGeneric is indexBlocks in plain Go, eight bytes at a time.
func indexGeneric(b []byte, spec, high []uint64) {
	const (
		lsb = 0x0101010101010101
		msb = 0x8080808080808080
		low = 0x7f7f7f7f7f7f7f7f
	)
	// zero marks with its high bit each zero byte of x, exactly.
	zero := func(x uint64) uint64 { return ^((x&low + low) | x) & msb }
	// gather moves the high bit of each byte of m to one bit of a byte.
	gather := func(m uint64) uint64 { return (m >> 7) * 0x0102040810204080 >> 56 }
	for k := range spec {
		var sp, hi uint64
		for j := 0; j < 64; j += 8 {
			w := le64(b[k*64+j:])
			ctrl := ^((w&low + lsb*(0x80-0x20)) | w) & msb
			m := ctrl | zero(w^lsb*'"') | zero(w^lsb*'\\')
			sp |= gather(m) << j
			hi |= gather(w&msb) << j
		}
		spec[k], high[k] = sp, hi
	}
}

func le64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// end returns the index of the first quote, backslash or control character
// at or after i (at most s.n) in the buffer, or s.n if there is none before
// it.
func (s *scanner) end(i int) int {
	k := uint(i) / 64
	if w := s.spec[k] >> (uint(i) % 64); w != 0 {
		return i + bits.TrailingZeros64(w)
	}
	for k++; k < uint(len(s.spec)); k++ {
		if w := s.spec[k]; w != 0 {
			return int(k*64) + bits.TrailingZeros64(w)
		}
	}
	return s.n
}

// endASCII is end that also stops at bytes of 0x80 and above.
func (s *scanner) endASCII(i int) int {
	k := uint(i) / 64
	if w := (s.spec[k] | s.high[k]) >> (uint(i) % 64); w != 0 {
		return i + bits.TrailingZeros64(w)
	}
	for k++; k < uint(len(s.spec)) && k < uint(len(s.high)); k++ {
		if w := s.spec[k] | s.high[k]; w != 0 {
			return int(k*64) + bits.TrailingZeros64(w)
		}
	}
	return s.n
}
