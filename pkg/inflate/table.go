package inflate

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
	build(fixedLit[:], lens[:], litlenResults[:], llBits)
	for i := range 32 {
		lens[i] = 5
	}
	build(fixedDist[:], lens[:32], distResults[:], dBits)
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
func build(t []uint32, lens []uint8, results []uint32, bits uint) code {
	var count [16]int
	for _, l := range lens {
		count[l&15]++
	}
	count[0] = 0
	var c code
	max := 0
	for l := 1; l < 16; l++ {
		if count[l] > 0 {
			if c.min == 0 {
				c.min = uint8(l)
			}
			max = l
		}
	}
	main := t[:1<<bits]
	if max == 0 {
		c.ok, c.empty = true, true
		for i := range main {
			main[i] = eExceptional | eBad
		}
		return c
	}
	space := 0 // the Kraft sum, in units of 2^-max
	for l := 1; l <= max; l++ {
		space += count[l] << (max - l)
	}
	if space != 1<<max && !(space == 1 && max == 1) {
		return c
	}
	c.ok = true
	if space != 1<<max {
		for i := range main {
			main[i] = eExceptional | eBad
		}
	}

	// Symbols in canonical order: by length, then by value.
	var offs [17]int
	for l := 1; l < 16; l++ {
		offs[l+1] = offs[l] + count[l]
	}
	var sorted [288]uint16
	for s, l := range lens {
		if l != 0 {
			sorted[offs[l]] = uint16(s)
			offs[l]++
		}
	}
	n := offs[max] // offs[l] has moved to the end of length l

	// Canonical codewords, in that order.
	var cws [288]uint32
	for i := 1; i < n; i++ {
		cws[i] = (cws[i-1] + 1) << (lens[sorted[i]] - lens[sorted[i-1]])
	}
	top := func(i int) uint32 { return cws[i] >> (uint(lens[sorted[i]]) - bits) } // first bits, read from the left

	subNext := uint(1) << bits // where the next subtable goes
	var subStart, subBits uint
	for i := range n {
		s := sorted[i]
		l := uint(lens[s])
		rev := reverse(cws[i], l)
		if l <= bits {
			e := results[s] + uint32(l)<<8 + uint32(l)
			for j := rev; j < 1<<bits; j += 1 << l {
				main[j] = e
			}
			continue
		}
		// A long codeword: those sharing its first bits share a subtable,
		// sized for the longest of them, which comes last in canonical
		// order.
		if i == 0 || uint(lens[sorted[i-1]]) <= bits || top(i-1) != top(i) {
			j := i
			for j+1 < n && top(j+1) == top(i) {
				j++
			}
			subStart, subBits = subNext, uint(lens[sorted[j]])-bits
			subNext += 1 << subBits
			main[rev&(1<<bits-1)] = eExceptional | eSubtable | uint32(subStart)<<16 | uint32(subBits)<<8 | uint32(bits)
		}
		rem := l - bits
		e := results[s] + uint32(rem)<<8 + uint32(rem)
		sub := t[subStart : subStart+1<<subBits]
		for j := rev >> bits; j < 1<<subBits; j += 1 << rem {
			sub[j] = e
		}
	}
	return c
}

// reverse returns the low n bits of v in reverse order: DEFLATE packs
// codewords from their first bit, tables are indexed from the stream's.
func reverse(v uint32, n uint) uint32 {
	r := uint32(0)
	for range n {
		r = r<<1 | v&1
		v >>= 1
	}
	return r
}
