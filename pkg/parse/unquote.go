package parse

import (
	"encoding/binary"
	"io"
	"math/bits"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// unquoter reads the contents of the JSON string whose opening quote the
// scanner has consumed, decoded as encoding/json decodes a string (escapes
// resolved, invalid UTF-8 and lone surrogates made U+FFFD), and consumes
// its closing quote: the record inside a string is parsed from it as it is
// decoded, never held whole.
type unquoter struct {
	s    *scanner
	pend []byte // decoded bytes not yet returned
	hi   rune   // a high surrogate waiting for its low half, or 0
	done bool
	err  error
	esc  []byte

	// scalar is no vector code, as on a CPU without AVX2; noAVX512 is
	// AVX2 where AVX-512 is there too.
	scalar, noAVX512 bool
}

func (u *unquoter) reset(s *scanner) {
	u.s, u.pend, u.hi, u.done, u.err = s, u.pend[:0], 0, false, nil
}

func (u *unquoter) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(u.pend) > 0 {
			c := copy(p[n:], u.pend)
			u.pend = u.pend[:copy(u.pend, u.pend[c:])]
			n += c
			continue
		}
		if u.done || u.err != nil {
			break
		}
		s := u.s
		if s.i >= s.n && !s.fill() {
			u.err = s.eof()
			break
		}
		if u.hi == 0 {
			m := u.run(p[n:])
			if n += m; m > 0 || u.done {
				continue
			}
		}
		u.step()
	}
	if u.err != nil && n == 0 {
		return 0, u.err
	}
	if u.done && len(u.pend) == 0 {
		// The end comes with the last bytes, which saves the reader a
		// call. The rest of p, which Read may use as scratch space,
		// starts with spaces: the inner reader's index reads whole blocks
		// of 64, and would look for escapes in whatever its buffer held
		// past the record.
		copy(p[n:], spaces)
		return n, io.EOF
	}
	return n, nil
}

var spaces = strings.Repeat(" ", 64)

// run decodes into dst what the scanner's buffer holds from s.i on, up to
// the closing quote, which it consumes, or the first token it leaves to
// step (a control character, an escape or rune cut by the buffer's end, a
// surrogate, an invalid byte), or the end of dst, and returns how many
// bytes it wrote.
//
// A record in a string has an escape every few bytes (each of its quotes
// is \"), so stepping from one to the next would cost more than parsing
// the record: the common case is decoded 64 bytes at a time by vector
// code where there is, else a word at a time, and only what that leaves
// goes token by token.
func (u *unquoter) run(dst []byte) int {
	s := u.s
	buf, i, end := s.buf[:s.n], s.i, s.n
	o := 0
	vector := unquoteVector && !u.scalar
	for {
		// The vector code decodes as far as the words would, but for the
		// last 64 bytes of dst, which it leaves to them.
		words := !vector
		if vector {
			r, w := unquoteBlocks(dst[o:], buf[i:], u.noAVX512)
			i, o = i+r, o+w
			words = o+64 >= len(dst)
		}
		// Whole words of plain ASCII and escapes that only drop their
		// backslash (\" \\ \/), as a record in a string is made of. A
		// word takes the same steps wherever its escapes lie, so that the
		// branches are predicted, and the next word is the next eight
		// bytes, so that its load waits for nothing: the word is stored,
		// then the part after each of up to four escapes, a byte lower
		// each time (an escape that is not there stores past what the
		// word writes). An escape cut by the word's end carries its
		// backslash's state into the next.
		carry := 0
		for words && i+8 <= end && o+16 <= len(dst) {
			w := binary.LittleEndian.Uint64(buf[i:])
			bs, qs := zeroBytes(w^lsb*'\\'), zeroBytes(w^lsb*'"')
			stop := controlBytes(w) | w&msb
			e := escapeStarts[carry<<8|int(gatherBytes(bs))]
			esc := spreadBits[e<<1|uint8(carry)]
			if esc&^(qs|bs|zeroBytes(w^lsb*'/')) != 0 || qs&^esc|stop != 0 {
				break
			}
			d := dst[o : o+16]
			binary.LittleEndian.PutUint64(d, w)
			e16 := uint16(e)
			p := bits.TrailingZeros16(e16 | 1<<8)
			binary.LittleEndian.PutUint64(d[p:], w>>(8*(p+1)))
			e16 &= e16 - 1
			p = bits.TrailingZeros16(e16 | 1<<9)
			binary.LittleEndian.PutUint64(d[p-1:], w>>(8*(p+1)))
			e16 &= e16 - 1
			p = bits.TrailingZeros16(e16 | 1<<10)
			binary.LittleEndian.PutUint64(d[p-2:], w>>(8*(p+1)))
			e16 &= e16 - 1
			p = bits.TrailingZeros16(e16 | 1<<11)
			binary.LittleEndian.PutUint64(d[p-3:], w>>(8*(p+1)))
			i, o = i+8, o+8-bits.OnesCount8(e)
			carry = int(e >> 7)
		}
		// The backslash of a cut escape is not written: it is read again.
		i -= carry
		if i+8 <= end && o+8 <= len(dst) {
			w := binary.LittleEndian.Uint64(buf[i:])
			binary.LittleEndian.PutUint64(dst[o:], w)
			m := nonPlainBytes(w) | w&msb
			if m == 0 {
				i, o = i+8, o+8
				continue
			}
			k := bits.TrailingZeros64(m) >> 3
			i, o = i+k, o+k
		} else {
			for i < end && o < len(dst) && !nonPlain[buf[i]] && buf[i] < utf8.RuneSelf {
				dst[o] = buf[i]
				i, o = i+1, o+1
			}
			if i >= end || o >= len(dst) {
				break
			}
		}
		c := buf[i]
		if c == '\\' {
			if i+1 >= end {
				break
			}
			if e := unescaped[buf[i+1]]; e != 0 {
				if o >= len(dst) {
					break
				}
				dst[o] = e
				i, o = i+2, o+1
				continue
			}
			// \uXXXX, not a surrogate, whole in the buffer; the rest
			// (and any invalid escape) is step's.
			if buf[i+1] != 'u' || i+6 > end || o+utf8.UTFMax > len(dst) {
				break
			}
			r, ok := hex4(buf[i+2 : i+6])
			if !ok || utf16.IsSurrogate(r) {
				break
			}
			o += utf8.EncodeRune(dst[o:], r)
			i += 6
			continue
		}
		if c == '"' {
			i++
			u.done = true
			break
		}
		if c < utf8.RuneSelf {
			break // a control character
		}
		// Non-ASCII: a whole, valid rune is copied; what is invalid or
		// cut by the buffer's end is step's.
		r, size := utf8.DecodeRune(buf[i:])
		if r == utf8.RuneError && size == 1 || o+size > len(dst) {
			break
		}
		copy(dst[o:], buf[i:i+size])
		i, o = i+size, o+size
	}
	s.i = i
	return o
}

// zeroBytes marks with its high bit each zero byte of w, exactly.
func zeroBytes(w uint64) uint64 {
	const low = 0x7f7f7f7f7f7f7f7f
	return ^((w&low + low) | w) & msb
}

// controlBytes marks with its high bit each byte of w below 0x20.
func controlBytes(w uint64) uint64 {
	const low = 0x7f7f7f7f7f7f7f7f
	return ^((w&low + lsb*(0x80-0x20)) | w) & msb
}

// gatherBytes packs the high bit of each byte of m into a bit each.
func gatherBytes(m uint64) uint8 { return uint8((m >> 7) * 0x0102040810204080 >> 56) }

// escapeStarts holds, for each set of backslashes among eight bytes (a
// bit each, the first byte's lowest), those that start an escape, when
// the first byte is not escaped and, at 256 on, when it is: a run of
// backslashes is pairs, and an odd one escapes the byte after the run.
var escapeStarts = func() (t [512]uint8) {
	for m := range t {
		escaped := m >= 256
		for p := range 8 {
			if m&(1<<p) != 0 && !escaped {
				t[m] |= 1 << p
				escaped = true
				continue
			}
			escaped = false
		}
	}
	return t
}()

// spreadBits is gatherBytes undone: a high bit per byte for each bit.
var spreadBits = func() (t [256]uint64) {
	for m := range t {
		for p := range 8 {
			if m&(1<<p) != 0 {
				t[m] |= 0x80 << (8 * p)
			}
		}
	}
	return t
}()

// hex4 reads the four hex digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b[:4] {
		if !isHex(c) {
			return 0, false
		}
		r = r<<4 | rune(unhex(c))
	}
	return r, true
}

// step decodes the one token at s.i that is not plain ASCII into pend.
func (u *unquoter) step() {
	s := u.s
	c := s.buf[s.i]
	if c != '\\' && u.hi != 0 {
		u.pend = utf8.AppendRune(u.pend, utf8.RuneError)
		u.hi = 0
	}
	switch {
	case c == '"':
		s.i++
		u.done = true
	case c == '\\':
		s.i++
		u.esc = u.esc[:0]
		if err := s.escape(&u.esc); err != nil {
			u.err = err
			return
		}
		u.escape(u.esc)
	case c < 0x20:
		u.err = s.syntax("control character %#x in string", c)
	case c < utf8.RuneSelf:
		u.pend = append(u.pend, c)
		s.i++
	default:
		// A rune, perhaps cut by the buffer's end: its continuation
		// bytes, which begin nothing else, are taken across a fill.
		var b [utf8.UTFMax]byte
		b[0] = c
		s.i++
		m := 1
		for m < utf8.UTFMax && !utf8.FullRune(b[:m]) {
			if s.i >= s.n && !s.fill() {
				break
			}
			if d := s.buf[s.i]; d&0xc0 == 0x80 {
				b[m] = d
				s.i++
				m++
				continue
			}
			break
		}
		for g := b[:m]; len(g) > 0; {
			r, size := utf8.DecodeRune(g)
			u.pend = utf8.AppendRune(u.pend, r)
			g = g[size:]
		}
	}
}

// escape decodes one escape, given without its backslash.
func (u *unquoter) escape(e []byte) {
	if e[0] != 'u' {
		if u.hi != 0 {
			u.pend = utf8.AppendRune(u.pend, utf8.RuneError)
			u.hi = 0
		}
		u.pend = append(u.pend, unescaped[e[0]])
		return
	}
	r, _ := hex4(e[1:5]) // escapeLen has checked the digits
	if u.hi != 0 {
		if rr := utf16.DecodeRune(u.hi, r); rr != utf8.RuneError {
			u.pend = utf8.AppendRune(u.pend, rr)
			u.hi = 0
			return
		}
		u.pend = utf8.AppendRune(u.pend, utf8.RuneError)
		u.hi = 0
	}
	if utf16.IsSurrogate(r) && r < 0xdc00 {
		u.hi = r
		return
	}
	// A lone low surrogate is U+FFFD, as AppendRune writes it.
	u.pend = utf8.AppendRune(u.pend, r)
}

var unescaped = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
