package parse

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// The scanner indexes each buffer as it is filled, for the fast path (see
// fast.go): it lists where the quotes that delimit strings lie, every
// quote not escaped by a backslash, up to the first byte the list cannot
// vouch for (lim). Below lim there is no control character and every
// escape is valid, so a string whose closing quote is below lim is a valid
// JSON string, and the fast path steps over it by reading that quote from
// the list. Those reads do not depend on one another, so the CPU overlaps
// them, where finding each end from the last is a chain of dependent
// steps.
//
// Vector code (index_amd64.s, AVX-512 or else AVX2; index_arm64.s, NEON)
// lists the quotes 64 bytes at a time, marks the bytes of 0x80 and above,
// and lists the blocks of 64 bytes that hold a backslash or a control
// character, which are rare; index then reads those blocks to set lim and
// list the escapes. Without vector code (amd64 CPUs without AVX2, other
// architectures) nothing is indexed (lim is 0) and the slow path reads
// every record: an index built in Go costs more than the fast path saves.

// noQuote ends the quote and escape lists.
const noQuote = math.MaxInt32

// quoteSlack is the room the indexer needs past the last quote: it writes
// the positions of a block's quotes sixteen at a time.
const quoteSlack = 64

// index indexes the buffer's first n bytes.
func (s *scanner) index(n int) { s.indexFrom(0, n) }

// indexer is a vector indexer: indexBlocks for blocks of 64 bytes from b.
type indexer func(b *byte, blocks int, quotes, escapeBlocks *int32, high *uint64) (nq, ns int)

// indexBlocks lists, for the blocks of 64 bytes of b, the positions of the
// quotes not escaped by a backslash (one is when an odd run of backslashes
// precedes it) into quotes, and the blocks that hold a backslash or a
// control character into escapeBlocks, and returns how many of each; it marks
// the bytes of 0x80 and above of each block in high. With AVX-512 unless
// noAVX512 says not to. Only where vector.
func indexBlocks(b []byte, quotes, escapeBlocks []int32, high []uint64, noAVX512 bool) (nq, ns int) {
	blocks := len(b) / 64
	if blocks == 0 {
		return 0, 0
	}
	// The vector code writes up to 64 positions for the last block (NEON
	// only those it finds).
	_, _, _ = quotes[blocks*64+quoteSlack-1], escapeBlocks[blocks-1], high[blocks-1]
	return vectorIndexer(noAVX512)(&b[0], blocks, &quotes[0], &escapeBlocks[0], &high[0])
}

// indexFrom indexes the buffer's first n bytes for a fast path that reads
// from the byte at from on, which lies outside any string: the bytes
// before it, the end of a record cut by the last fill, which the slow path
// has read, may start inside a string and so make no index, and are not
// looked at.
func (s *scanner) indexFrom(from, n int) {
	s.lim, s.qc, s.ec, s.nextEsc = 0, 0, 0, -1
	if !s.indexing {
		return
	}
	blocks := (n + 63) / 64
	// The lists grow to what the largest fill needs: a small document
	// does not pay for a full buffer's.
	if need := blocks*64 + quoteSlack + 2; cap(s.quotes) < need {
		s.quotes = make([]int32, 0, need)
		s.escapeBlocks = make([]int32, 0, blocks)
		s.high = make([]uint64, blocks+1)
	}
	q, sp := s.quotes[:cap(s.quotes)], s.escapeBlocks[:cap(s.escapeBlocks)]
	nq, ns := indexBlocks(s.buf[:blocks*64], q, sp, s.high, s.noAVX512)
	s.quotes, s.escapeBlocks = q[:nq], sp[:ns]
	s.lim = n
	s.escapes(from, n)
	s.nextEsc = int(s.escs[0])
	for len(s.quotes) > 0 && int(s.quotes[len(s.quotes)-1]) >= s.lim {
		s.quotes = s.quotes[:len(s.quotes)-1]
	}
	// Two ends, so that the fast path may read the closing quote of any
	// opening quote it finds.
	s.quotes = append(s.quotes, noQuote, noQuote)
}

// escapes lists where escapes start below lim, from from on, and lowers
// lim to the first control character in a string or the first escape that
// is invalid or not whole in the first n bytes. A backslash outside a
// string is read as an escape too: it makes the document invalid, which the
// slow path reports.
func (s *scanner) escapes(from, n int) {
	s.escs = s.escs[:0]
	next := from // the first byte not part of an escape already read
	q0 := 0      // the first quote from from on
	for q0 < len(s.quotes) && int(s.quotes[q0]) < from {
		q0++
	}
	qi := q0 // the quotes before the control character looked at
	for _, k := range s.escapeBlocks {
		base := int(k) * 64
		if base+64 <= from {
			continue
		}
		backslash, control := masks(s.buf[base : base+64])
		if base+64 > n {
			backslash &= 1<<(n-base) - 1
			control &= 1<<(n-base) - 1
		}
		if base < from {
			backslash &^= 1<<(from-base) - 1
			control &^= 1<<(from-base) - 1
		}
		// Escapes before the first control character, which ends lim;
		// but not the space between tokens that records a line apart
		// (JSON Lines) or printed with indents hold: a line break or tab
		// with an even count of quotes before it lies outside strings.
		stop := n
		for ; control != 0; control &= control - 1 {
			p := base + bits.TrailingZeros64(control)
			if c := s.buf[p]; c != '\n' && c != '\r' && c != '\t' {
				stop = p
				break
			}
			for qi < len(s.quotes) && int(s.quotes[qi]) < p {
				qi++
			}
			if (qi-q0)%2 == 1 {
				stop = p
				break
			}
		}
		for ; backslash != 0; backslash &= backslash - 1 {
			p := base + bits.TrailingZeros64(backslash)
			if p >= stop {
				break
			}
			if p < next {
				continue
			}
			l, ok := escapeLen(s.buf[p:n])
			if !ok {
				stop = p
				break
			}
			s.escs = append(s.escs, int32(p))
			next = p + l
		}
		if stop < n {
			s.lim = stop
			break
		}
	}
	s.escs = append(s.escs, noQuote)
}

// ascii reports whether buf[i:j] (i < j, below lim) is all ASCII.
func (s *scanner) ascii(i, j int) bool {
	first, last := i/64, (j-1)/64
	lo, hi := ^uint64(0)<<(i%64), ^uint64(0)>>((64-j%64)%64)
	if first == last {
		return s.high[first]&lo&hi == 0
	}
	or := s.high[first]&lo | s.high[last]&hi
	for k := first + 1; k < last; k++ {
		or |= s.high[k]
	}
	return or == 0
}

// escaped reports whether an escape starts in [i, j).
func (s *scanner) escaped(i, j int) bool {
	// Most keys and values end before the next escape.
	if s.nextEsc >= j {
		return false
	}
	e := s.ec
	for int(s.escs[e]) < i {
		e++
	}
	s.ec, s.nextEsc = e, int(s.escs[e])
	return s.nextEsc < j
}

// masks returns a bit for each backslash and control character of the 64
// bytes of b, eight bytes at a time.
func masks(b []byte) (backslash, control uint64) {
	const (
		lsb = 0x0101010101010101
		msb = 0x8080808080808080
		low = 0x7f7f7f7f7f7f7f7f
	)
	// zero marks with its high bit each zero byte of x, exactly.
	zero := func(x uint64) uint64 { return ^((x&low + low) | x) & msb }
	// gather moves the high bit of each byte of m to one bit of a byte.
	gather := func(m uint64) uint64 { return (m >> 7) * 0x0102040810204080 >> 56 }
	for j := 0; j < 64; j += 8 {
		w := binary.LittleEndian.Uint64(b[j:])
		backslash |= gather(zero(w^lsb*'\\')) << j
		control |= gather(^((w&low+lsb*(0x80-0x20))|w)&msb) << j
	}
	return backslash, control
}
