package inflate

import "math/bits"

// Decode tables, in libdeflate's layout: one lookup of the next bits gives
// what a codeword stands for and how many bits it takes, extra bits
// included, so that the fast loop neither walks a tree nor looks a symbol
// up a second time. Codewords longer than a main table's bits go through
// one subtable, stored after the main table.
//
// An entry is a uint32:
//
//	bits 0-7    bits to consume: codeword length, plus the extra bits of a
//	            length or distance; for a subtable pointer, the main bits
//	bits 8-11   codeword length; for a subtable pointer, its index bits
//	bit 12      bad: no codeword, or a symbol DEFLATE forbids
//	bit 13      end of block
//	bit 14      subtable pointer
//	bit 15      exceptional: bad, end of block or subtable pointer
//	bits 16-30  literal byte, length or distance base, or subtable start
//	bit 31      literal
const (
	eLiteral     = 1 << 31
	eExceptional = 1 << 15
	eSubtable    = 1 << 14
	eEnd         = 1 << 13
	eBad         = 1 << 12
)

const (
	llBits  = 11 // main litlen table bits, as libdeflate
	llMask  = 1<<llBits - 1
	llSize  = 4096 // main table and subtables: 2342 would do (zlib's enough 288 11 15); a power of two lets a masked index go unchecked
	dBits   = 8
	dMask   = 1<<dBits - 1
	dSize   = 512 // 402 would do (enough 32 8 15)
	preBits = 7   // the code length code: 19 symbols of at most 7 bits, no subtables
	preSize = 1 << preBits

	maxLit  = 286 // litlen symbols a dynamic block may define
	maxDist = 30
)

var (
	litlenResults [288]uint32
	distResults   [32]uint32
	preResults    [19]uint32

	fixedLit  [llSize]uint32
	fixedDist [dSize]uint32
)

func init() {
	for i := range 256 {
		litlenResults[i] = eLiteral | uint32(i)<<16
	}
	litlenResults[256] = eExceptional | eEnd
	lengthBase := [29]uint32{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra := [29]uint32{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	for i := range lengthBase {
		litlenResults[257+i] = lengthBase[i]<<16 | lengthExtra[i]
	}
	litlenResults[286] = eExceptional | eBad
	litlenResults[287] = eExceptional | eBad
	for i := range maxDist {
		extra := uint32(0)
		if i >= 4 {
			extra = uint32(i-2) / 2
		}
		base := uint32(1)
		if i < 4 {
			base += uint32(i)
		} else {
			base += (2 | uint32(i)&1) << extra
		}
		distResults[i] = base<<16 | extra
	}
	distResults[30] = eExceptional | eBad
	distResults[31] = eExceptional | eBad
	for i := range preResults {
		preResults[i] = uint32(i) << 16
	}

	lens := fixedLitLens()
	build(fixedLit[:], lens[:], litlenResults[:], llBits)
	for i := range 32 {
		lens[i] = 5
	}
	build(fixedDist[:], lens[:32], distResults[:], dBits)
}

// fixedLitLens are the codeword lengths of the fixed Huffman code for
// literals and lengths (RFC 1951, 3.2.6); every distance has 5 bits.
func fixedLitLens() [288]uint8 {
	var lens [288]uint8
	for i := range lens {
		switch {
		case i < 144:
			lens[i] = 8
		case i < 256:
			lens[i] = 9
		case i < 280:
			lens[i] = 7
		default:
			lens[i] = 8
		}
	}
	return lens
}

// code is what build learns of a code besides its table.
type code struct {
	ok    bool  // klauspost/compress accepts the lengths
	empty bool  // no symbol has a codeword
	min   uint8 // the shortest codeword
}

// build fills t with the decode table of the canonical code whose codeword
// lengths are lens, the entries of symbol s starting from results[s], and
// tells whether the lengths are acceptable. Acceptable means what
// klauspost/compress accepts: a complete code, a single codeword of length
// 1 (as zlib), or no codeword at all (an error only when a codeword is
// read). Every entry a bit string has no codeword for is bad.
//
// It works as libdeflate's build_decode_table: codewords in canonical
// order, kept bit-reversed as the table is indexed, each written once in
// the part of the main table its length spans, that part doubled as the
// length grows.
func build(t []uint32, lens []uint8, results []uint32, tableBits uint) code {
	var count [16]uint32
	for _, l := range lens {
		count[l&15]++
	}
	count[0] = 0
	var c code
	maxLen := uint(0)
	for l := uint(1); l < 16; l++ {
		if count[l] > 0 {
			if c.min == 0 {
				c.min = uint8(l)
			}
			maxLen = l
		}
	}
	main := t[:1<<tableBits]
	if maxLen == 0 {
		c.ok, c.empty = true, true
		fill(main, eExceptional|eBad)
		return c
	}
	space := uint32(0) // the Kraft sum, in units of 2^-maxLen
	for l := uint(1); l <= maxLen; l++ {
		space += count[l] << (maxLen - l)
	}
	if space != 1<<maxLen {
		if space != 1 || maxLen != 1 {
			return c
		}
		// A single codeword, 0: the bit strings starting with 1 have none.
		c.ok = true
		for s, l := range lens {
			if l != 0 {
				fill(main, eExceptional|eBad)
				e := results[s] + 1<<8 + 1
				for j := 0; j < len(main); j += 2 {
					main[j] = e
				}
			}
		}
		return c
	}
	c.ok = true

	// Symbols in canonical order: by length, then by value.
	var offs [16]uint32
	for l := 1; l < 15; l++ {
		offs[l+1] = offs[l] + count[l]
	}
	var sorted [288]uint16
	for s, l := range lens {
		if l != 0 {
			sorted[offs[l]] = uint16(s)
			offs[l]++
		}
	}

	syms := sorted[:]
	codeword := uint32(0) // bit-reversed
	l := uint(c.min)
	end := uint32(1) << l // the part of the main table filled so far
	left := count[l]
	for l <= tableBits {
		main[codeword] = results[syms[0]] + uint32(l)<<8 + uint32(l)
		syms = syms[1:]
		if codeword == end-1 { // the last codeword, all ones
			for ; l < tableBits; l++ {
				copy(main[end:], main[:end])
				end <<= 1
			}
			return c
		}
		codeword = next(codeword, l)
		for left--; left == 0; left = count[l] {
			if l++; l <= tableBits {
				copy(main[end:], main[:end])
				end <<= 1
			}
		}
	}

	// Longer codewords go in subtables: those sharing their first tableBits
	// share one, as long as the longest of them needs.
	end = 1 << tableBits
	prefix, start, subBits := ^uint32(0), uint32(0), uint(0)
	for {
		if p := codeword & (1<<tableBits - 1); p != prefix {
			prefix, start = p, end
			subBits = l - tableBits
			for used := left; used < 1<<subBits; {
				subBits++
				used = used<<1 + count[tableBits+subBits]
			}
			end = start + 1<<subBits
			main[p] = eExceptional | eSubtable | start<<16 | uint32(subBits)<<8 | uint32(tableBits)
		}
		e := results[syms[0]] + uint32(l-tableBits)<<8 + uint32(l-tableBits)
		syms = syms[1:]
		sub := t[start:end]
		for j := codeword >> tableBits; j < uint32(len(sub)); j += 1 << (l - tableBits) {
			sub[j] = e
		}
		if codeword == 1<<l-1 {
			return c
		}
		codeword = next(codeword, l)
		for left--; left == 0; left = count[l&15] {
			l++
		}
	}
}

// next returns the codeword after the bit-reversed codeword cw of length l,
// bit-reversed: add one at the first end, carrying towards the other.
func next(cw uint32, l uint) uint32 {
	bit := uint32(1) << (bits.Len32(cw^(1<<l-1)) - 1)
	return cw&(bit-1) | bit
}

func fill(t []uint32, e uint32) {
	for i := range t {
		t[i] = e
	}
}
