package parse

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

const (
	bufSize = 256 << 10

	// maxDepth matches encoding/json, so both decoders reject the same
	// documents; the count starts at the record (or top-level value).
	maxDepth = 10000

	// maxField bounds a string trailscan keeps (eventName, an ARN, ...).
	// CloudTrail's own fields are far shorter; without a bound a hostile
	// log could make one field as large as the file.
	maxField = 1 << 20

	// maxKey is longer than any key trailscan looks for, even written
	// entirely in \u escapes; a longer key is kept no further.
	maxKey = 256
)

// ErrNotCloudTrail reports a well-formed JSON document that is not a
// CloudTrail log file (a digest, or something else entirely).
var ErrNotCloudTrail = errors.New("not a CloudTrail log")

// SyntaxError is malformed JSON, at an offset of the decompressed stream.
type SyntaxError struct {
	Offset int64
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.Msg)
}

// ReadError is a failure of the underlying stream (a truncated or corrupt
// gzip member, a dropped connection), at an offset of the decompressed
// stream.
type ReadError struct {
	Offset int64
	Err    error
}

func (e *ReadError) Error() string {
	return fmt.Sprintf("%v after %d bytes", e.Err, e.Offset)
}

func (e *ReadError) Unwrap() error { return e.Err }

// scanner is a streaming JSON reader that keeps only the few strings
// trailscan needs and skips everything else without buffering it, so memory
// stays at one buffer whatever the size of a record.
type scanner struct {
	r    io.Reader
	buf  []byte
	i, n int
	off  int64 // stream offset of buf[0]
	rerr error

	keep  []byte // the string being kept, with its quotes
	stack []byte // open containers while skipping
}

func newScanner(r io.Reader) *scanner {
	return &scanner{r: r, buf: make([]byte, bufSize)}
}

func (s *scanner) pos() int64 { return s.off + int64(s.i) }

// fill makes at least one unread byte available, or reports false at the
// end of the stream or on a read error.
func (s *scanner) fill() bool {
	if s.i < s.n {
		return true
	}
	if s.rerr != nil {
		return false
	}
	s.off += int64(s.n)
	s.i, s.n = 0, 0
	for tries := 0; s.n == 0 && s.rerr == nil; tries++ {
		if tries == 100 {
			s.rerr = io.ErrNoProgress
			break
		}
		s.n, s.rerr = s.r.Read(s.buf)
	}
	return s.n > 0
}

// eof is the error for input that ended where more was required.
func (s *scanner) eof() error {
	if s.rerr != nil && s.rerr != io.EOF {
		return &ReadError{Offset: s.pos(), Err: s.rerr}
	}
	return s.syntax("unexpected end of JSON input")
}

func (s *scanner) syntax(format string, args ...any) error {
	return &SyntaxError{Offset: s.pos(), Msg: fmt.Sprintf(format, args...)}
}

// nonSpace returns the next byte that is not JSON whitespace, unconsumed.
func (s *scanner) nonSpace() (byte, error) {
	for {
		for s.i < s.n {
			c := s.buf[s.i]
			if c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
				return c, nil
			}
			s.i++
		}
		if !s.fill() {
			return 0, s.eof()
		}
	}
}

// expect consumes the next non-space byte, which must be c.
func (s *scanner) expect(c byte) error {
	got, err := s.nonSpace()
	if err != nil {
		return err
	}
	if got != c {
		return s.syntax("want %q, found %q", c, got)
	}
	s.i++
	return nil
}

// special marks the bytes that end a plain run inside a string.
var special = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// str scans a string whose opening quote is consumed. With limit > 0 it
// keeps the raw string, quotes included, in s.keep, and reports false once
// the string grows past limit (the rest is still scanned).
func (s *scanner) str(limit int) (kept bool, err error) {
	kept = limit > 0
	if kept {
		s.keep = append(s.keep[:0], '"')
	}
	esc, hex := false, 0
	for {
		start := s.i
		for s.i < s.n {
			c := s.buf[s.i]
			if !esc && hex == 0 && !special[c] {
				s.i++
				continue
			}
			switch {
			case hex > 0:
				if !isHex(c) {
					return false, s.syntax("invalid character %q in \\u escape", c)
				}
				hex--
			case esc:
				esc = false
				switch c {
				case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				case 'u':
					hex = 4
				default:
					return false, s.syntax("invalid escape \\%c", c)
				}
			case c == '"':
				s.i++
				return s.keepSpan(start, limit, kept), nil
			case c == '\\':
				esc = true
			default:
				return false, s.syntax("control character %#x in string", c)
			}
			s.i++
		}
		kept = s.keepSpan(start, limit, kept)
		if !s.fill() {
			return false, s.eof()
		}
	}
}

// keepSpan appends buf[start:i] to the kept string while it fits in limit
// (plus its quotes).
func (s *scanner) keepSpan(start, limit int, kept bool) bool {
	if !kept || len(s.keep)+s.i-start > limit+2 {
		return false
	}
	s.keep = append(s.keep, s.buf[start:s.i]...)
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// unquote decodes the kept string. Plain ASCII needs no work; anything else
// goes through encoding/json so escapes and invalid UTF-8 decode exactly as
// a full parse decodes them.
func (s *scanner) unquote() (string, error) {
	raw := s.keep[1 : len(s.keep)-1]
	plain := true
	for _, c := range raw {
		if c == '\\' || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		return string(raw), nil
	}
	var v string
	if err := json.Unmarshal(s.keep, &v); err != nil {
		return "", s.syntax("%v", err)
	}
	return v, nil
}

// key reads an object key and the colon after it. A key too long to be one
// trailscan looks for comes back empty.
func (s *scanner) key() (string, error) {
	if err := s.expect('"'); err != nil {
		return "", err
	}
	kept, err := s.str(maxKey)
	if err != nil {
		return "", err
	}
	k := ""
	if kept {
		if k, err = s.unquote(); err != nil {
			return "", err
		}
	}
	return k, s.expect(':')
}

// text reads a string field; null reads as "".
func (s *scanner) text(field string) (string, error) {
	c, err := s.nonSpace()
	if err != nil {
		return "", err
	}
	switch c {
	case '"':
		s.i++
		kept, err := s.str(maxField)
		if err != nil {
			return "", err
		}
		if !kept {
			return "", s.syntax("%s is longer than %d bytes", field, maxField)
		}
		return s.unquote()
	case 'n':
		return "", s.literal("null")
	}
	return "", s.syntax("%s: want a string, found %q", field, c)
}

// boolean reads a boolean field; null reads as Unset.
func (s *scanner) boolean(field string) (Bool, error) {
	c, err := s.nonSpace()
	if err != nil {
		return Unset, err
	}
	switch c {
	case 't':
		return True, s.literal("true")
	case 'f':
		return False, s.literal("false")
	case 'n':
		return Unset, s.literal("null")
	}
	return Unset, s.syntax("%s: want a boolean, found %q", field, c)
}

// literal consumes the word lit (true, false or null).
func (s *scanner) literal(lit string) error {
	for j := 0; j < len(lit); j++ {
		if !s.fill() {
			return s.eof()
		}
		if s.buf[s.i] != lit[j] {
			return s.syntax("invalid literal, want %q", lit)
		}
		s.i++
	}
	return nil
}

// number consumes a JSON number: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
func (s *scanner) number() error {
	const (
		start = iota
		sign
		zero
		integer
		dot
		fraction
		exp
		expSign
		expDigits
	)
	state := start
	for {
		if !s.fill() {
			if s.rerr == io.EOF {
				break
			}
			return s.eof()
		}
		c := s.buf[s.i]
		digit := '0' <= c && c <= '9'
		next := -1
		switch state {
		case start:
			switch {
			case c == '-':
				next = sign
			case c == '0':
				next = zero
			case digit:
				next = integer
			}
		case sign:
			switch {
			case c == '0':
				next = zero
			case digit:
				next = integer
			}
		case zero, integer:
			switch {
			case digit && state == integer:
				next = integer
			case c == '.':
				next = dot
			case c == 'e' || c == 'E':
				next = exp
			}
		case dot, fraction:
			switch {
			case digit:
				next = fraction
			case state == fraction && (c == 'e' || c == 'E'):
				next = exp
			}
		case exp:
			switch {
			case c == '+' || c == '-':
				next = expSign
			case digit:
				next = expDigits
			}
		case expSign, expDigits:
			if digit {
				next = expDigits
			}
		}
		if next < 0 {
			break
		}
		state = next
		s.i++
	}
	switch state {
	case zero, integer, fraction, expDigits:
		return nil
	case start:
		if !s.fill() {
			return s.eof()
		}
		return s.syntax("invalid character %q looking for a value", s.buf[s.i])
	}
	if !s.fill() {
		return s.eof()
	}
	return s.syntax("invalid character %q in number", s.buf[s.i])
}
