package inflate

import (
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
)

const (
	window = 32 << 10 // the farthest a match reaches back

	inSize = 64 << 10 // input read ahead
	inMask = inSize - 1

	outSize  = 512 << 10 // window and output not yet read; a power of two so that masked indexes go unchecked
	outMask  = outSize - 1
	outLimit = outSize - 512 // decoding stops past it: the fast loop writes at most 3 literals, or 258+39 bytes, past a check
)

// Reader inflates a gzip stream of one or more members, checking each
// member's CRC-32 and size. A zero Reader is ready for Reset; NewReader
// allocates one. It holds its buffers (about 600 KiB) for reuse.
type Reader struct {
	r    io.Reader
	rerr error // the first error r returned; r is not read after it

	in     [inSize + 8]byte // 8 more: a word load at any masked index is in bounds
	inLen  int              // in[:inLen] holds input
	ip     int              // the next byte of in to take into the bit buffer
	inBase int64            // the stream offset of in[0]

	// The bit buffer: its low bl bits are the next bits of the stream.
	// Between calls the bits above bl are zero.
	bb uint64
	bl uint

	out    [outSize + 8]byte
	op     int // out[:op] is decoded
	rp     int // out[:rp] has been read
	lo     int // where the member's output starts in out, or 0 once out holds a window of it
	crcPos int // out[crcPos:op] is not yet in crc
	crc    uint32
	size   uint32

	state      state
	final      bool // the block being decoded is the member's last
	storedLeft int  // bytes of a stored block still to copy
	err        error

	deflateStart int64 // the stream offset of the member's DEFLATE data
	offsetBias   int64 // what klauspost/compress adds to its offsets: see storedHeader

	// The current block's tables, and how many bits klauspost/compress
	// takes before looking a codeword up (see lookup).
	lt        *[llSize]uint32
	dt        *[dSize]uint32
	llMaxRead uint
	dMaxRead  uint

	lit  [llSize]uint32
	dist [dSize]uint32
	pre  [preSize]uint32
	lens [maxLit + maxDist]uint8

	// Whether klauspost/compress's decoders for code lengths and
	// literal/lengths (one decoder) and for distances would hold a code
	// since Reset: an empty code then decodes with the old table there,
	// and is corrupt here. preStale and distStale say so of the current
	// block's codes; stale is set when a corrupt error is such a
	// departure, for the tests.
	built1, built2             bool
	preStale, distStale, stale bool

	loop loop // the tests choose it
}

// loop is the way a Reader decodes the bulk of a Huffman block.
type loop uint8

const (
	loopBest  loop = iota // fastAsm where the CPU runs it, or else fastGo
	loopGo                // fastGo, on any CPU
	loopExact             // the exact decoder alone
)

type state uint8

const (
	stBlock   state = iota // a block header is next
	stStored               // inside a stored block
	stHuffman              // inside a Huffman block
	stTrailer              // the member's last block is done
)

// NewReader returns a Reader of the gzip stream r, having read the first
// member's header; like klauspost/compress/gzip, it returns io.EOF for an
// empty stream.
func NewReader(r io.Reader) (*Reader, error) {
	z := new(Reader)
	if err := z.Reset(r); err != nil {
		return nil, err
	}
	return z, nil
}

// Reset makes z read the gzip stream r, keeping its buffers, and reads the
// first member's header.
func (z *Reader) Reset(r io.Reader) error {
	z.r, z.rerr = r, nil
	z.inLen, z.ip, z.inBase = 0, 0, 0
	z.bb, z.bl = 0, 0
	z.op, z.rp, z.lo, z.crcPos = 0, 0, 0, 0
	z.built1, z.built2, z.stale = false, false, false
	z.err = z.member()
	return z.err
}

// Read reads inflated bytes. Like klauspost/compress/gzip, it returns the
// bytes decoded before an error along with it, or before it.
func (z *Reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		if z.rp == z.op {
			return 0, z.err
		}
		return 0, nil
	}
	for z.rp == z.op {
		if z.err != nil {
			return 0, z.err
		}
		if z.op >= outLimit {
			z.slide()
		}
		z.decode()
	}
	n := copy(p, z.out[z.rp:z.op])
	z.rp += n
	if z.rp == z.op {
		return n, z.err
	}
	return n, nil
}

// slide moves the last window of output to the front of out.
func (z *Reader) slide() {
	k := z.op - window
	copy(z.out[:], z.out[k:z.op])
	z.op -= k
	z.rp -= k
	z.crcPos -= k
	z.lo = max(z.lo-k, 0)
}

// decode inflates until out is full, the stream ends or fails.
func (z *Reader) decode() {
	for z.op < outLimit && z.err == nil {
		switch z.state {
		case stBlock:
			z.err = z.block()
		case stStored:
			z.err = z.stored()
		case stHuffman:
			z.err = z.huffman()
		case stTrailer:
			z.sum()
			if z.err = z.trailer(); z.err == nil {
				z.err = z.member()
			}
		}
	}
	z.sum()
}

// sum adds the output decoded since the last call to the member's CRC-32
// and size.
func (z *Reader) sum() {
	z.crc = crc32.Update(z.crc, crc32.IEEETable, z.out[z.crcPos:z.op])
	z.size += uint32(z.op - z.crcPos)
	z.crcPos = z.op
}

// trailer checks the member's CRC-32 and size, in the 8 bytes after its
// DEFLATE data.
func (z *Reader) trailer() error {
	// The DEFLATE data ends with its last byte: give back the whole bytes
	// the bit buffer holds.
	z.ip -= int(z.bl >> 3)
	z.bb, z.bl = 0, 0
	b, err := z.readFull(8)
	if err != nil {
		return noEOF(err)
	}
	if binary.LittleEndian.Uint32(b) != z.crc || binary.LittleEndian.Uint32(b[4:]) != z.size {
		return gzip.ErrChecksum
	}
	return nil
}

const (
	flagHdrCrc  = 1 << 1
	flagExtra   = 1 << 2
	flagName    = 1 << 3
	flagComment = 1 << 4
)

// member reads a member's header and readies the decoder for its DEFLATE
// data. io.EOF is a clean end, before any byte of a header.
func (z *Reader) member() error {
	b, err := z.readFull(10)
	if err != nil {
		return err
	}
	if b[0] != 0x1f || b[1] != 0x8b || b[2] != 8 {
		return gzip.ErrHeader
	}
	flg := b[3]
	crc := crc32.ChecksumIEEE(b)
	if flg&flagExtra != 0 {
		b, err := z.readFull(2)
		if err != nil {
			return noEOF(err)
		}
		crc = crc32.Update(crc, crc32.IEEETable, b)
		for n := int(binary.LittleEndian.Uint16(b)); n > 0; {
			b, err := z.readFull(min(n, 4096))
			if err != nil {
				return noEOF(err)
			}
			crc = crc32.Update(crc, crc32.IEEETable, b)
			n -= len(b)
		}
	}
	if flg&flagName != 0 {
		if crc, err = z.skipString(crc); err != nil {
			return err
		}
	}
	if flg&flagComment != 0 {
		if crc, err = z.skipString(crc); err != nil {
			return err
		}
	}
	if flg&flagHdrCrc != 0 {
		b, err := z.readFull(2)
		if err != nil {
			return noEOF(err)
		}
		if binary.LittleEndian.Uint16(b) != uint16(crc) {
			return gzip.ErrHeader
		}
	}
	if flg>>5 != 0 {
		return gzip.ErrHeader
	}
	z.state, z.final = stBlock, false
	z.crc, z.size = 0, 0
	z.lo = z.op
	z.deflateStart, z.offsetBias = z.inBase+int64(z.ip), 0
	return nil
}

// skipString reads a NUL-terminated header string into the header's
// CRC-32. As in klauspost/compress/gzip, one of 512 bytes or more is a
// header error and a read error is returned as it is: io.EOF inside a
// name ends the stream cleanly.
func (z *Reader) skipString(crc uint32) (uint32, error) {
	for i := 0; i < 512; i++ {
		if z.ip == z.inLen && !z.fill() {
			return crc, z.rerr
		}
		c := z.in[z.ip]
		z.ip++
		crc = ^(crc32.IEEETable[byte(^crc)^c] ^ ^crc>>8)
		if c == 0 {
			return crc, nil
		}
	}
	return crc, gzip.ErrHeader
}

// readFull returns the next n bytes of input (n at most inSize/2) with the
// errors of io.ReadFull.
func (z *Reader) readFull(n int) ([]byte, error) {
	for z.inLen-z.ip < n {
		if !z.fill() {
			got := z.inLen - z.ip
			z.ip = z.inLen
			switch {
			case z.rerr != io.EOF:
				return nil, z.rerr
			case got > 0:
				return nil, io.ErrUnexpectedEOF
			}
			return nil, io.EOF
		}
	}
	b := z.in[z.ip : z.ip+n]
	z.ip += n
	return b, nil
}

var errCount = errors.New("inflate: reader returned an invalid count")

// fill reads more input, first moving what is left to the front of in,
// with the 8 bytes before it: the bit buffer may give those back. It
// reports whether it read any.
func (z *Reader) fill() bool {
	if z.rerr != nil {
		return false
	}
	if keep := min(z.ip, 8); z.ip > keep {
		n := copy(z.in[:], z.in[z.ip-keep:z.inLen])
		z.inBase += int64(z.ip - keep)
		z.ip, z.inLen = keep, n
	}
	for range 100 {
		n, err := z.r.Read(z.in[z.inLen:inSize])
		if n < 0 || n > inSize-z.inLen {
			n, err = 0, errCount
		}
		z.inLen += n
		if err != nil {
			z.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	z.rerr = io.ErrNoProgress
	return false
}

// need makes the bit buffer hold at least n bits, taking a byte at a time
// as klauspost/compress does, so that the bytes taken match its offsets.
func (z *Reader) need(n uint) error {
	if z.bl >= n {
		return nil
	}
	return z.take(n)
}

func (z *Reader) take(n uint) error {
	if z.inLen-z.ip >= 8 {
		k := (n - z.bl + 7) >> 3 // whole bytes, at most 4
		z.bb |= loadIn(&z.in, uint(z.ip)) & (1<<(k<<3) - 1) << z.bl
		z.ip += int(k)
		z.bl += k << 3
		return nil
	}
	for z.bl < n {
		if z.ip == z.inLen && !z.fill() {
			return noEOF(z.rerr)
		}
		z.bb |= uint64(z.in[z.ip]) << z.bl
		z.ip++
		z.bl += 8
	}
	return nil
}

func (z *Reader) consume(n uint) {
	z.bb >>= n
	z.bl -= n
}

// corrupt returns the error for corrupt DEFLATE data, at the offset
// klauspost/compress gives: the bytes of DEFLATE data it has taken.
func (z *Reader) corrupt() error {
	return flate.CorruptInputError(z.inBase + int64(z.ip) - z.deflateStart + z.offsetBias)
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
