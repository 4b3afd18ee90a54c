package parse

import (
	"io"
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
			// The common case: a run of plain ASCII, copied as it is.
			j := s.i + s.plainAt(s.i, true)
			j = min(j, s.n, s.i+len(p)-n)
			if j > s.i {
				n += copy(p[n:], s.buf[s.i:j])
				s.i = j
				continue
			}
			// The escapes of a record in a string are mostly \" and \\:
			// written at once, past step.
			if s.buf[s.i] == '\\' && s.i+1 < s.n {
				if c := unescaped[s.buf[s.i+1]]; c != 0 {
					p[n] = c
					n++
					s.i += 2
					continue
				}
			}
		}
		u.step()
	}
	if n == 0 {
		if u.err != nil {
			return 0, u.err
		}
		if u.done {
			return 0, io.EOF
		}
	}
	return n, nil
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
	var r rune
	for _, c := range e[1:5] {
		r = r<<4 | rune(unhex(c))
	}
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
