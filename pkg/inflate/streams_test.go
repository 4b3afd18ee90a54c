package inflate

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	kflate "github.com/klauspost/compress/flate"
	kgzip "github.com/klauspost/compress/gzip"
)

// The streams the tests and the fuzzer's seeds are made of: gzip from
// compressors at every level, and DEFLATE written bit by bit for what
// compressors do not write.

// bitWriter writes a DEFLATE bit stream.
type bitWriter struct {
	out  []byte
	acc  uint64
	nacc uint
}

// bits writes the low n bits of v, low bit first.
func (w *bitWriter) bits(v uint64, n uint) *bitWriter {
	w.acc |= v << w.nacc
	w.nacc += n
	for w.nacc >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nacc -= 8
	}
	return w
}

// code writes a Huffman codeword, first bit first.
func (w *bitWriter) code(c codeword) *bitWriter {
	for i := int(c.len) - 1; i >= 0; i-- {
		w.bits(uint64(c.bits>>uint(i)&1), 1)
	}
	return w
}

// align pads to a byte.
func (w *bitWriter) align() *bitWriter {
	if w.nacc > 0 {
		w.bits(0, 8-w.nacc)
	}
	return w
}

func (w *bitWriter) bytes() []byte {
	w.align()
	return w.out
}

type codeword struct {
	bits uint32
	len  uint8
}

// canonical returns the canonical codewords of lens, for writing streams:
// a second implementation, independent of build's.
func canonical(lens []uint8) []codeword {
	var count [16]uint32
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [16]uint32
	c := uint32(0)
	for l := 1; l < 16; l++ {
		c = (c + count[l-1]) << 1
		next[l] = c
	}
	cws := make([]codeword, len(lens))
	for s, l := range lens {
		if l > 0 {
			cws[s] = codeword{next[l], l}
			next[l]++
		}
	}
	return cws
}

// fixedCodes are the codes of fixed Huffman blocks.
var fixedLitCodes, fixedDistCodes = func() ([]codeword, []codeword) {
	lens := fixedLitLens()
	d := make([]uint8, 32)
	for i := range d {
		d[i] = 5
	}
	return canonical(lens[:]), canonical(d)
}()

// dynamicHeader writes the header of a dynamic block whose codes have the
// lengths lit and dist, sending each length with a 4-bit codeword (the
// code for code lengths gives symbols 0-15 four bits each), or with the
// raw code-length symbols pre when it is not nil.
func (w *bitWriter) dynamicHeader(final bool, lit, dist []uint8) *bitWriter {
	w.bits(b2u(final), 1).bits(2, 2)
	w.bits(uint64(len(lit)-257), 5).bits(uint64(len(dist)-1), 5).bits(19-4, 4)
	for _, s := range preOrder {
		if s < 16 {
			w.bits(4, 3)
		} else {
			w.bits(0, 3)
		}
	}
	pre := make([]uint8, 19)
	for i := range 16 {
		pre[i] = 4
	}
	pc := canonical(pre)
	for _, l := range append(append([]uint8{}, lit...), dist...) {
		w.code(pc[l])
	}
	return w
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// lengthCode returns the litlen symbol and extra bits of a match length.
func lengthCode(n int) (sym int, extra uint64, nextra uint) {
	base := []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	for i := len(base) - 1; i >= 0; i-- {
		if n >= base[i] {
			nb := uint(0)
			if i >= 8 && i < 28 {
				nb = uint(i-4) / 4
			}
			return 257 + i, uint64(n - base[i]), nb
		}
	}
	panic("bad length")
}

// distCode returns the distance symbol and extra bits of a distance.
func distCode(d int) (sym int, extra uint64, nextra uint) {
	for s := 29; s >= 0; s-- {
		e := distResults[s]
		if base := int(e >> 16); d >= base {
			return s, uint64(d - base), uint(e & 0xff)
		}
	}
	panic("bad distance")
}

// match writes a match with the codes given.
func (w *bitWriter) match(lit, dist []codeword, length, distance int) *bitWriter {
	s, x, nx := lengthCode(length)
	w.code(lit[s]).bits(x, nx)
	s, x, nx = distCode(distance)
	return w.code(dist[s]).bits(x, nx)
}

// gzipMember wraps DEFLATE data as a gzip member whose trailer matches
// what klauspost/compress inflates it to (whatever that is).
func gzipMember(deflate []byte) []byte {
	out, _ := io.ReadAll(kflate.NewReader(bytes.NewReader(deflate)))
	return gzipRaw(deflate, crc32.ChecksumIEEE(out), uint32(len(out)))
}

func gzipRaw(deflate []byte, crc, size uint32) []byte {
	b := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}
	b = append(b, deflate...)
	b = binary.LittleEndian.AppendUint32(b, crc)
	return binary.LittleEndian.AppendUint32(b, size)
}

// jsonLike returns n bytes of text with the repetition of CloudTrail logs.
func jsonLike(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	names := []string{"GetObject", "AssumeRole", "DescribeInstances", "ListBuckets", "DescribeCases"}
	var b bytes.Buffer
	b.WriteString(`{"Records":[`)
	for b.Len() < n {
		fmt.Fprintf(&b, `{"eventVersion":"1.08","eventTime":"2026-10-0%dT%02d:%02d:%02dZ","eventName":"%s","awsRegion":"us-east-1","sourceIPAddress":"10.%d.%d.%d","eventID":"%08x-%04x"},`,
			r.IntN(9)+1, r.IntN(24), r.IntN(60), r.IntN(60), names[r.IntN(len(names))], r.IntN(256), r.IntN(256), r.IntN(256), r.Uint32(), r.IntN(1<<16))
	}
	return b.Bytes()[:n]
}

// namedStream is a test input.
type namedStream struct {
	name string
	data []byte
}

// compressed returns data gzipped by klauspost/compress and compress/gzip
// at every level.
func compressed(name string, data []byte) []namedStream {
	var s []namedStream
	for level := -3; level <= 9; level++ {
		gz := compress(data, func(w io.Writer) (io.WriteCloser, error) { return kgzip.NewWriterLevel(w, level) })
		s = append(s, namedStream{fmt.Sprintf("%s/klauspost%d", name, level), gz})
	}
	for level := -2; level <= 9; level++ {
		raw := compress(data, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, level) })
		s = append(s, namedStream{fmt.Sprintf("%s/stdlib%d", name, level), gzipMember(raw)})
	}
	return s
}

// compress returns data written through the compressor newWriter makes.
func compress(data []byte, newWriter func(io.Writer) (io.WriteCloser, error)) []byte {
	var buf bytes.Buffer
	w, err := newWriter(&buf)
	if err != nil {
		panic(err)
	}
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

// validStreams are gzip streams that inflate cleanly.
func validStreams(t testing.TB) []namedStream {
	var s []namedStream
	s = append(s, compressed("json", jsonLike(200<<10, 1))...)
	s = append(s, compressed("small", jsonLike(3000, 2))...)
	s = append(s, compressed("empty", nil)...)
	random := make([]byte, 100<<10)
	rand.NewChaCha8([32]byte{3}).Read(random)
	s = append(s, compressed("random", random)...) // stored blocks of 65,535 bytes, at low levels

	// Matches reaching the whole window back: random bytes, then the
	// same again, 32768 back; long enough that out slides under them.
	far := make([]byte, 0, 700<<10)
	for len(far) < 700<<10 {
		far = append(far, random[:window]...)
	}
	s = append(s, compressed("window", far)...)
	// Long runs: distance 1 and short overlapping distances.
	var runs bytes.Buffer
	for i := range 200 {
		runs.Write(bytes.Repeat([]byte{byte(i)}, i*7))
		runs.Write(bytes.Repeat([]byte("ab"[:1+i%2]+"xyz"[:i%4]), 50))
	}
	s = append(s, compressed("runs", runs.Bytes())...)

	// Multi-member: members of every kind back to back, and an empty one.
	var multi []byte
	for _, name := range []string{"small/klauspost1", "random/stdlib0", "runs/stdlib9", "empty/klauspost6", "json/klauspost-2"} {
		for _, m := range s {
			if m.name == name {
				multi = append(multi, m.data...)
			}
		}
	}
	s = append(s, namedStream{"multi", multi})

	// The sample archive: files as the generator writes them.
	files, _ := filepath.Glob("../../testdata/sample/archive/*/AWSLogs/*/CloudTrail/*/2026/10/01/*.json.gz")
	for i, f := range files {
		if i%4 != 0 {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s = append(s, namedStream{"sample/" + filepath.Base(f), data})
	}
	return append(s, craftedValid()...)
}

// craftedValid are valid streams compressors do not write.
func craftedValid() []namedStream {
	var s []namedStream
	add := func(name string, deflate []byte) {
		s = append(s, namedStream{name, gzipMember(deflate)})
	}
	lit, dist := fixedLitCodes, fixedDistCodes

	// Fixed blocks: every length code, a length of 258 two ways, the
	// largest distance, many empty blocks.
	w := new(bitWriter).bits(1, 1).bits(1, 2)
	for i := range 64 {
		w.code(lit['a'+i%26])
	}
	for n := 3; n <= 258; n++ {
		w.match(lit, dist, n, 1+n%60)
	}
	w.code(lit[284]).bits(31, 5).code(dist[0]) // 227+31 = 258, as zlib never writes
	w.code(lit[256])
	add("fixed/lengths", w.bytes())

	w = new(bitWriter)
	for range 300 {
		w.bits(0, 1).bits(1, 2).code(lit[256])
	}
	w.bits(1, 1).bits(1, 2).code(lit['z']).code(lit[256])
	add("fixed/empty blocks", w.bytes())

	w = new(bitWriter).bits(1, 1).bits(1, 2)
	for i := range window {
		w.code(lit[i*7%256])
	}
	w.match(lit, dist, 258, window).match(lit, dist, 258, window-1).code(lit[256])
	add("fixed/farthest", w.bytes())

	// Matches at distances 1 to 9, that overlap what they copy, of
	// lengths around the fast loops' word and copy sizes.
	w = new(bitWriter).bits(1, 1).bits(1, 2)
	for i := range 16 {
		w.code(lit['A'+i])
	}
	for d := 1; d <= 9; d++ {
		for _, n := range []int{3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 39, 40, 41, 64, 100, 257, 258} {
			w.match(lit, dist, n, d).code(lit['a'+d])
		}
	}
	w.code(lit[256])
	add("fixed/overlaps", w.bytes())

	// Over a MB of long matches after a few literals, so that the output
	// buffer fills and slides under matches of every kind.
	w = new(bitWriter).bits(1, 1).bits(1, 2)
	for i := range 64 {
		w.code(lit['a'+i%26])
	}
	for k := 0; k < 4300; k++ {
		for i := range 1 + k%5 {
			w.code(lit['0'+i])
		}
		w.match(lit, dist, 258-k%7, 1+k%40)
	}
	w.code(lit[256])
	add("fixed/output limit", w.bytes())

	// Stored blocks after bits that leave a byte half used, and of zero
	// length.
	w = new(bitWriter).bits(0, 1).bits(1, 2).code(lit['q']).code(lit[256])
	w.bits(0, 1).bits(0, 2).align().bits(5, 16).bits(0xffff^5, 16)
	w.bits('h', 8).bits('e', 8).bits('l', 8).bits('l', 8).bits('o', 8)
	w.bits(0, 1).bits(0, 2).align().bits(0, 16).bits(0xffff, 16)
	w.bits(1, 1).bits(1, 2).match(lit, dist, 10, 5).code(lit[256])
	add("stored/after fixed", w.bytes())

	// Stored blocks as long as they come, 65,535 bytes, between
	// Huffman blocks reaching back into them.
	w = new(bitWriter)
	for i := range 3 {
		w.bits(0, 1).bits(0, 2).align().bits(0xffff, 16).bits(0, 16)
		for j := range 0xffff {
			w.bits(uint64(j*(i+3)>>3&0xff), 8)
		}
		w.bits(b2u(i == 2), 1).bits(1, 2).match(lit, dist, 258, window).code(lit['s']).code(lit[256])
	}
	add("stored/full", w.bytes())

	// A dynamic block with codewords of up to 15 bits (subtables) in
	// both codes, every length and distance code, an end of block of 15
	// bits.
	var litSyms []int
	for c := 'a'; c <= 'p'; c++ {
		litSyms = append(litSyms, int(c))
	}
	for sym := 257; sym < 286; sym++ {
		litSyms = append(litSyms, sym)
	}
	litSyms = append(litSyms, 'z', 256)
	distSyms := []int{0, 3, 1, 2}
	for sym := 29; sym >= 4; sym-- {
		distSyms = append(distSyms, sym)
	}
	litLens, distLens := deepLengths(286, litSyms), deepLengths(30, distSyms)
	lc, dc := canonical(litLens), canonical(distLens)
	r := rand.New(rand.NewPCG(7, 7))
	w = new(bitWriter).dynamicHeader(true, litLens, distLens)
	size := 0
	for size < 200<<10 {
		if size < 100 || r.IntN(3) == 0 {
			c := 'z'
			if r.IntN(50) > 0 {
				c = rune(litSyms[r.IntN(16)])
			}
			w.code(lc[c])
			size++
			continue
		}
		n := 3 + r.IntN(256)
		if r.IntN(4) == 0 {
			n = 258
		}
		w.match(lc, dc, n, 1+r.IntN(min(size, window)))
		size += n
	}
	w.code(lc[256])
	add("dynamic/deep", w.bytes())

	one := make([]uint8, 286)
	one['x'], one[256], one[257] = 1, 2, 2
	oneDist := make([]uint8, 30)
	oneDist[0] = 1 // a single codeword of length 1
	lc, dc = canonical(one), canonical(oneDist)
	w = new(bitWriter).dynamicHeader(true, one, oneDist)
	w.code(lc['x']).code(lc[257]).code(dc[0]).code(lc['x']).code(lc[256])
	add("dynamic/single distance codeword", w.bytes())

	noDist := make([]uint8, 286)
	noDist['x'], noDist[256] = 1, 1
	lc = canonical(noDist)
	w = new(bitWriter).dynamicHeader(false, noDist, make([]uint8, 1))
	w.code(lc['x']).code(lc['x']).code(lc[256])
	w.bits(1, 1).bits(1, 2).code(lit['y']).code(lit[256])
	add("dynamic/no distance code", w.bytes())
	return s
}

// deepLengths returns codeword lengths for n symbols giving syms, in that
// order, codewords as short as they may be and the last ones of 15 bits:
// a complete code as deep as DEFLATE allows.
func deepLengths(n int, syms []int) []uint8 {
	lens := make([]uint8, n)
	total := 0 // in units of 2^-15
	for _, s := range syms {
		lens[s] = 15
		total++
	}
	for total < 1<<15 {
		for _, s := range syms {
			if lens[s] > 1 && total+1<<(15-lens[s]) <= 1<<15 {
				total += 1 << (15 - lens[s])
				lens[s]--
			}
		}
	}
	return lens
}

// crafted are streams compressors never write, valid or not, each checked
// against klauspost/compress.
func crafted() []namedStream {
	var s []namedStream
	add := func(name string, deflate []byte) {
		s = append(s, namedStream{name, gzipMember(deflate)})
	}
	lit, dist := fixedLitCodes, fixedDistCodes
	fixed := func(final bool) *bitWriter { return new(bitWriter).bits(b2u(final), 1).bits(1, 2) }

	add("type 3", new(bitWriter).bits(1, 1).bits(3, 2).bytes())
	add("type 3 after a block", fixed(false).code(lit['a']).code(lit[256]).bits(1, 1).bits(3, 2).bits(0, 20).bytes())
	add("litlen 286", fixed(true).code(lit['a']).code(lit[286]).code(dist[0]).code(lit[256]).bytes())
	add("litlen 287", fixed(true).code(lit['a']).code(lit[287]).bytes())
	add("distance 30", fixed(true).code(lit['a']).code(lit[257]).code(dist[30]).code(lit[256]).bytes())
	add("distance 31", fixed(true).code(lit['a']).code(lit[260]).code(dist[31]).bits(0, 30).bytes())
	add("distance too far", fixed(true).code(lit['a']).code(lit['b']).match(lit, dist, 3, 3).code(lit[256]).bytes())
	add("distance at the start", fixed(true).match(lit, dist, 3, 1).code(lit[256]).bytes())
	add("stored length mismatch", new(bitWriter).bits(1, 1).bits(0, 2).align().bits(5, 16).bits(5, 16).bits(0, 40).bytes())
	add("stored mismatch after half a byte", fixed(false).code(lit['a']).code(lit[256]).bits(1, 1).bits(0, 2).align().bits(5, 16).bits(5, 16).bytes())
	add("bad after stored", new(bitWriter).bits(0, 1).bits(1, 2).code(lit['a']).code(lit[256]).
		bits(0, 1).bits(0, 2).align().bits(1, 16).bits(0xfffe, 16).bits('b', 8).
		bits(1, 1).bits(1, 2).match(lit, dist, 3, 9).bytes())
	add("no end", fixed(true).code(lit['a']).code(lit['b']).bytes())

	// Dynamic headers klauspost/compress rejects, or accepts oddly.
	lens := func(n int, set map[int]uint8) []uint8 {
		l := make([]uint8, n)
		for k, v := range set {
			l[k] = v
		}
		return l
	}
	ok := lens(286, map[int]uint8{'a': 1, 256: 2, 257: 2})
	okDist := lens(30, map[int]uint8{0: 1, 1: 1})
	lc, dc := canonical(ok), canonical(okDist)
	add("dynamic/over-subscribed", new(bitWriter).dynamicHeader(true, lens(286, map[int]uint8{'a': 1, 'b': 1, 256: 1}), okDist).bits(0, 16).bytes())
	add("dynamic/incomplete", new(bitWriter).dynamicHeader(true, lens(286, map[int]uint8{'a': 2, 256: 2}), okDist).bits(0, 16).bytes())
	add("dynamic/no end of block", new(bitWriter).dynamicHeader(true, lens(286, map[int]uint8{'a': 1, 'b': 1}), okDist).bits(0x55, 8).bytes())
	add("dynamic/empty litlen code", new(bitWriter).dynamicHeader(false, lens(286, nil), okDist).bits(0x5a5a5a, 24).bytes())
	add("dynamic/empty litlen code, final", new(bitWriter).dynamicHeader(true, lens(286, nil), okDist).bits(0x5a5a5a, 24).bytes())
	add("dynamic/distance 1-codeword, other bit", new(bitWriter).dynamicHeader(true, ok, lens(30, map[int]uint8{0: 1})).
		code(lc['a']).code(lc[257]).bits(1, 1).code(lc[256]).bytes())
	add("dynamic/no distance code used", new(bitWriter).dynamicHeader(true, ok, lens(1, nil)).code(lc['a']).code(lc[257]).bits(0, 16).bytes())
	add("dynamic/used after a distance code", new(bitWriter).dynamicHeader(false, ok, okDist).code(lc['a']).code(lc[257]).code(dc[0]).code(lc[256]).
		dynamicHeader(true, ok, lens(1, nil)).code(lc['a']).code(lc[257]).bits(0, 16).bytes())

	// Headers whose fields are out of range, and bad repeats: written raw.
	hdr := func(hlit, hdist uint64) *bitWriter {
		return new(bitWriter).bits(1, 1).bits(2, 2).bits(hlit, 5).bits(hdist, 5).bits(15, 4)
	}
	add("dynamic/hlit 30", hdr(30, 0).bits(0, 60).bytes())
	add("dynamic/hlit 31", hdr(31, 0).bits(0, 60).bytes())
	add("dynamic/hdist 30", hdr(0, 30).bits(0, 60).bytes())
	add("dynamic/hdist 31", hdr(0, 31).bits(0, 60).bytes())
	// A code for code lengths giving 16, 17 and 18 two bits each and 0
	// two: repeat first, repeat past the end, no code at all.
	preHdr := func(hlit uint64) *bitWriter {
		w := new(bitWriter).bits(1, 1).bits(2, 2).bits(hlit, 5).bits(0, 5).bits(0, 4)
		return w.bits(2, 3).bits(2, 3).bits(2, 3).bits(2, 3) // 16, 17, 18, 0
	}
	pc := canonical([]uint8{0: 2, 16: 2, 17: 2, 18: 2})
	add("dynamic/repeat first", preHdr(0).code(pc[16]).bits(0, 2).bytes())
	add("dynamic/repeat past the end", preHdr(0).code(pc[18]).bits(127, 7).code(pc[18]).bits(127, 7).code(pc[18]).bits(127, 7).bytes())
	add("dynamic/zero repeats to the end", preHdr(0).code(pc[18]).bits(127, 7).code(pc[18]).bits(109, 7).bits(0, 20).bytes())
	add("dynamic/empty code for code lengths", new(bitWriter).bits(1, 1).bits(2, 2).bits(0, 14).bits(0, 12).bits(0, 30).bytes())
	add("dynamic/over-subscribed code for code lengths", new(bitWriter).bits(1, 1).bits(2, 2).bits(0, 14).bits(1, 3).bits(1, 3).bits(1, 3).bits(1, 3).bits(0, 30).bytes())

	// Gzip framing.
	member := gzipMember(new(bitWriter).bits(1, 1).bits(1, 2).code(lit['g']).code(lit[256]).bytes())
	body := member[10:]
	head := func(flg byte, fields ...[]byte) []byte {
		h := []byte{0x1f, 0x8b, 8, flg, 1, 2, 3, 4, 0, 3}
		for _, f := range fields {
			h = append(h, f...)
		}
		return h
	}
	withCRC := func(h []byte) []byte {
		return binary.LittleEndian.AppendUint16(h, uint16(crc32.ChecksumIEEE(h)))
	}
	frame := func(name string, data []byte) { s = append(s, namedStream{"gzip/" + name, data}) }
	frame("extra name comment", append(head(4|8|16, []byte{3, 0, 'a', 'b', 'c'}, []byte("name\x00"), []byte("comment\x00")), body...))
	frame("header crc", append(withCRC(head(2|8, []byte("n\x00"))), body...))
	frame("bad header crc", append(binary.LittleEndian.AppendUint16(head(2), 0), body...))
	frame("reserved flag", append(head(32), body...))
	frame("not deflate", append([]byte{0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 0}, body...))
	frame("bad magic", append([]byte{0x1f, 0x8c, 8, 0, 0, 0, 0, 0, 0, 0}, body...))
	frame("long name", append(head(8, bytes.Repeat([]byte("n"), 600), []byte{0}), body...))
	frame("name of 511", append(head(8, bytes.Repeat([]byte("n"), 511), []byte{0}), body...))
	frame("name of 512", append(head(8, bytes.Repeat([]byte("n"), 512), []byte{0}), body...))
	frame("big extra", append(head(4, []byte{0xff, 0xff}, bytes.Repeat([]byte("x"), 65535)), body...))
	frame("bad crc", append(member[:len(member)-8:len(member)-8], 1, 2, 3, 4, 1, 0, 0, 0))
	frame("bad size", append(member[:len(member)-4:len(member)-4], 9, 0, 0, 0))
	frame("trailing zeros", append(append([]byte{}, member...), make([]byte, 20)...))
	frame("trailing garbage", append(append([]byte{}, member...), "garbage"...))
	frame("trailing 3 bytes", append(append([]byte{}, member...), 0x1f, 0x8b, 8))
	frame("two members", append(append([]byte{}, member...), member...))
	frame("empty", nil)
	frame("one byte", []byte{0x1f})
	return s
}

// streamOK guards the helpers: the valid streams inflate with
// klauspost/compress, and crafted ones are not all rejected the same way.
func TestStreamsAreWhatTheySay(t *testing.T) {
	for _, s := range validStreams(t) {
		if r := reference(s.data); r.err != nil {
			t.Errorf("%s: klauspost: %v", s.name, r.err)
		}
	}
	kinds := map[string]bool{}
	for _, s := range crafted() {
		r := reference(s.data)
		var ce kflate.CorruptInputError
		switch {
		case errors.As(r.err, &ce):
			kinds["corrupt"] = true
		case r.err == nil:
			kinds["none"] = true
		default:
			kinds[r.err.Error()] = true
		}
		if strings.HasPrefix(s.name, "gzip/two") && r.err != nil {
			t.Errorf("%s: %v", s.name, r.err)
		}
	}
	if len(kinds) < 5 {
		t.Errorf("crafted streams fail in too few ways: %v", kinds)
	}
}
