package parse

import (
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// The pieces of JSON's grammar the parser reads tokens with. Literals,
// numbers and escapes are read by the same code on both paths: the fast
// path and the index (escapes) on a buffer known whole, the slow path on
// what is in the buffer before it reads on. The plain runs of strings are
// the slow path's.

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// nonPlain marks the bytes that end a plain run inside a string: a quote,
// a backslash, or a control character.
var nonPlain = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// nonPlainBytes marks with its high bit each byte of w (eight bytes, the
// first in the low bits) that nonPlain marks. Each of the three terms
// marks the first byte that matches exactly (bytes after it may be marked
// wrongly by the borrow, but only the first counts). A byte of 0x80 and
// above matches none, and the three terms share that test (&^ w), as w,
// w^'"' and w^'\\' have the same high bits.
func nonPlainBytes(w uint64) uint64 {
	q := w ^ (lsb * '"')
	e := w ^ (lsb * '\\')
	return ((w - lsb*0x20) | (q - lsb) | (e - lsb)) &^ w & msb
}

// plain returns the length of the run of bytes at the start of b that a
// string holds as they are.
func plain(b []byte) int {
	j := 0
	for ; j+8 <= len(b); j += 8 {
		if m := nonPlainBytes(binary.LittleEndian.Uint64(b[j:])); m != 0 {
			return j + bits.TrailingZeros64(m)>>3
		}
	}
	for ; j < len(b); j++ {
		if nonPlain[b[j]] {
			return j
		}
	}
	return j
}

// plainAt is plain(s.buf[i:s.n]) made quicker for short strings: it reads
// whole words past s.n, up to the end of the buffer, where the bytes are
// stale but harmless, so only the buffer's last few bytes go one by one.
// With ascii it also stops at bytes 0x80 and above.
func (s *scanner) plainAt(i int, ascii bool) int {
	var hi uint64
	if ascii {
		hi = msb
	}
	j, n := i, s.n
	if last := len(s.buf) - 8; n <= last {
		// Every word that starts before n lies inside buf.
		p := unsafe.Pointer(unsafe.SliceData(s.buf))
		for j < n {
			w := binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, j))[:])
			if m := nonPlainBytes(w) | w&hi; m != 0 {
				return min(j+bits.TrailingZeros64(m)>>3, n) - i
			}
			j += 8
		}
		return n - i
	}
	b := s.buf[:n]
	for ; j+8 <= n; j += 8 {
		w := binary.LittleEndian.Uint64(b[j:])
		if m := nonPlainBytes(w) | w&hi; m != 0 {
			return j + bits.TrailingZeros64(m)>>3 - i
		}
	}
	for ; j < n; j++ {
		if nonPlain[b[j]] || ascii && b[j] >= 0x80 {
			return j - i
		}
	}
	return n - i
}

// plainEnd is start+plainAt(start, false), looking first at the two words
// at start in place, where most strings and keys end. member and keep
// have this look-ahead written out.
func (s *scanner) plainEnd(start int) int {
	if start+16 <= s.n && s.n <= len(s.buf)-8 {
		p := unsafe.Add(unsafe.Pointer(unsafe.SliceData(s.buf)), start)
		if m := nonPlainBytes(load64(p, 0)); m != 0 {
			return start + bits.TrailingZeros64(m)>>3
		}
		if m := nonPlainBytes(load64(p, 8)); m != 0 {
			return start + 8 + bits.TrailingZeros64(m)>>3
		}
		start += 16
	}
	return start + s.plainAt(start, false)
}

// escapeLen reads the escape at the start of b, its backslash first. It
// returns the escape's length and true when it is valid; when it is not,
// the length of its longest valid start (b ends there, or the next byte
// is wrong) and false.
func escapeLen(b []byte) (int, bool) {
	if len(b) < 2 {
		return len(b), false
	}
	switch b[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, true
	case 'u':
		for n := 2; n < 6; n++ {
			if n == len(b) || !isHex(b[n]) {
				return n, false
			}
		}
		return 6, true
	}
	return 1, false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// literalAt reports whether b holds the literal lit at i, and the position
// after it.
func literalAt(b []byte, i int, lit string) (int, bool) {
	if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
		return i + len(lit), true
	}
	return i, false
}

// numState is how far numberAt has read a number.
type numState uint8

const (
	numStart     numState = iota // nothing yet
	numSign                      // -
	numZero                      // a leading 0
	numInt                       // the integer's digits
	numDot                       // .
	numFrac                      // the fraction's digits
	numExp                       // e or E
	numExpSign                   // the exponent's sign
	numExpDigits                 // the exponent's digits
)

// whole reports whether a number read up to st is a whole one.
func (st numState) whole() bool {
	return st == numZero || st == numInt || st == numFrac || st == numExpDigits
}

// numberAt reads on, from state st, the number at b[i:]:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. It returns where it
// stopped, at the first byte that cannot go on the number or at the end
// of b, and the state there, from which a number cut by the end of a
// buffer goes on in the next.
func numberAt(b []byte, i int, st numState) (int, numState) {
	for ; i < len(b); i++ {
		c := b[i]
		digit := c-'0' < 10
		switch st {
		case numStart:
			if c == '-' {
				st = numSign
				continue
			}
			fallthrough
		case numSign:
			if c == '0' {
				st = numZero
				continue
			}
			if digit {
				st = numInt
				continue
			}
		case numInt:
			if digit {
				continue
			}
			fallthrough
		case numZero:
			if c == '.' {
				st = numDot
				continue
			}
			if c|0x20 == 'e' {
				st = numExp
				continue
			}
		case numDot, numFrac:
			if digit {
				st = numFrac
				continue
			}
			if st == numFrac && c|0x20 == 'e' {
				st = numExp
				continue
			}
		case numExp:
			if c == '+' || c == '-' {
				st = numExpSign
				continue
			}
			fallthrough
		case numExpSign, numExpDigits:
			if digit {
				st = numExpDigits
				continue
			}
		}
		return i, st
	}
	return i, st
}

// load64 reads the little-endian word at p+i, which the caller knows to
// lie inside its slice.
func load64(p unsafe.Pointer, i int) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, i))[:])
}
