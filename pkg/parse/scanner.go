package parse

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"unicode/utf8"
	"unsafe"
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
//
// Its hot paths work on the bytes already in buf and fall back to fill only
// at the end of the buffer, so a token split across two reads is handled by
// the same code, only more slowly.
type scanner struct {
	r    io.Reader
	buf  []byte
	i, n int
	off  int64 // stream offset of buf[0]
	rerr error

	keyBuf []byte // a key that could not be used in place in buf
	stack  []byte // open containers while skipping
	quote  []byte // scratch for decoding escaped strings
	esc    []byte // scratch for an escape cut by the buffer's end

	// vals holds the kept strings of the current record, back to back, and
	// spans locates each string field in it: one allocation per record
	// makes all of its strings. bools holds the boolean fields.
	vals  []byte
	spans [numFields]span
	bools [numFields]Bool
	inBuf bool     // the spans are in buf (the fast path), not in vals
	odd   FieldSet // the fields whose values had another type

	// items holds the spans of the fields of the list's first elements
	// (in itemFields' order), and nItems counts all its elements.
	items  [MaxResources][len(itemFields)]span
	nItems int
	// The values kept as JSON (Raw): those present, those cut, and the
	// size of each as written. The slow path gathers one in capt.
	rawSet, cut FieldSet
	sizes       [numFields]int64
	capt        capture

	// later holds where the fast path found each detail (see details)
	// that it left unread, the last if the member repeats, with a bit of
	// pending for each, by the level of its object. eventSet says that
	// the Event, set to ask Options.Details about the record, is as fn
	// will see it: setFields has nothing left to do.
	later    [len(levelPaths)]detail
	pending  uint32
	eventSet bool

	// The index of buf (see index.go): where the quotes that delimit
	// strings lie and where escapes start, below lim, with cursors.
	quotes, escs []int32
	high         []uint64 // per block of 64 bytes, its bytes of 0x80 and above
	escapeBlocks []int32  // blocks of 64 bytes holding a backslash or control
	lim, qc, ec  int
	nextEsc      int  // escs[ec], or -1 when escaped is to read it again
	indexing     bool // the index is built: vector code, and not Options.NoIndex
	stale        bool // the buffer was filled since it was indexed
	noAVX512     bool // the index is built with AVX2 even where AVX-512 is there
}

type span struct{ start, end int32 }

// detail is a member of details whose value starts at buf[i], its
// opening quote (if any) quotes[q], where the escape cursor was ec.
type detail struct {
	a        *action
	i, q, ec int
}

// A bit of scanner.pending for each level.
var _ [32 - len(levelPaths)]struct{}

func (s *scanner) reset(r io.Reader) {
	if s.buf == nil {
		// Eight bytes past what fill reads let plainAt read whole words
		// up to the end of the data; the index reads whole blocks.
		s.buf = make([]byte, bufSize+64)
	}
	s.index(0)
	s.stale = false
	s.r, s.i, s.n, s.off, s.rerr = r, 0, 0, 0, nil
	s.capt.on = false
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
	if s.capt.on {
		s.capt.take(s.buf[s.capt.from:s.n])
		s.capt.from, s.capt.moved = 0, true
	}
	s.off += int64(s.n)
	s.i, s.n = 0, 0
	// Fill the whole buffer when the reader allows (a gzip reader returns
	// at most its window at a time): records cut by the buffer's end take
	// the slow path.
	for empty := 0; s.n < bufSize && s.rerr == nil; {
		m, err := s.r.Read(s.buf[s.n:bufSize])
		s.n, s.rerr = s.n+m, err
		if m == 0 && err == nil {
			if empty++; empty == 100 {
				s.rerr = io.ErrNoProgress
			}
		}
	}
	// Indexed when the fast path first asks: a buffer only the slow path
	// reads (the pages around the records of lookup-events, all escapes)
	// is never indexed.
	s.lim, s.stale = 0, true
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
	if i := s.i; uint(i) < uint(len(s.buf)) && i < s.n {
		if c := s.buf[i]; c > ' ' {
			return c, nil
		}
	}
	return s.nonSpaceSlow()
}

func (s *scanner) nonSpaceSlow() (byte, error) {
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

// next consumes and returns one byte.
func (s *scanner) next() (byte, error) {
	if s.i >= s.n && !s.fill() {
		return 0, s.eof()
	}
	c := s.buf[s.i]
	s.i++
	return c, nil
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

// skipStr consumes a string whose opening quote is consumed.
func (s *scanner) skipStr() error {
	if j := s.plainEnd(s.i); j < s.n && s.buf[j] == '"' {
		s.i = j + 1
		return nil
	}
	for {
		s.i += plain(s.buf[s.i:s.n])
		if s.i < s.n {
			c := s.buf[s.i]
			s.i++
			switch c {
			case '"':
				return nil
			case '\\':
				if err := s.escape(nil); err != nil {
					return err
				}
				continue
			}
			s.i--
			return s.syntax("control character %#x in string", c)
		}
		if !s.fill() {
			return s.eof()
		}
	}
}

// escape consumes the rest of an escape sequence whose backslash is
// consumed, appending its bytes to dst when dst is not nil.
func (s *scanner) escape(dst *[]byte) error {
	start := s.i - 1 // the backslash, read from this buffer
	esc := s.buf[start:s.n]
	l, ok := escapeLen(esc)
	if ok || l < len(esc) {
		s.i = start + l
	} else {
		// Cut by the buffer's end: read on byte by byte, so that no byte
		// after the escape is consumed.
		esc = append(s.esc[:0], esc...)
		s.i = s.n
		for !ok && l == len(esc) {
			c, err := s.next()
			if err != nil {
				return err
			}
			esc = append(esc, c)
			l, ok = escapeLen(esc)
		}
		s.esc = esc[:0]
		if !ok {
			s.i-- // the byte that is wrong
		}
	}
	switch {
	case !ok && l == 1:
		return s.syntax("invalid escape \\%c", esc[1])
	case !ok:
		return s.syntax("invalid character %q in \\u escape", esc[l])
	}
	if dst != nil {
		*dst = append(*dst, esc[1:l]...)
	}
	return nil
}

// keepStr consumes a string whose opening quote is consumed and appends
// its raw bytes (escapes as written, without quotes) to dst. Once the raw
// string outgrows limit, it reports kept false and appends no more (the
// rest is still scanned). escaped reports a backslash in the string.
func (s *scanner) keepStr(dst *[]byte, limit int) (kept, escaped bool, err error) {
	kept = true
	base := len(*dst)
	for {
		start := s.i
		s.i += plain(s.buf[s.i:s.n])
		if kept {
			if len(*dst)-base+s.i-start > limit {
				kept = false
			} else {
				*dst = append(*dst, s.buf[start:s.i]...)
			}
		}
		if s.i < s.n {
			c := s.buf[s.i]
			s.i++
			switch c {
			case '"':
				return kept, escaped, nil
			case '\\':
				escaped = true
				var d *[]byte
				if kept {
					*dst = append(*dst, '\\')
					d = dst
				}
				if err := s.escape(d); err != nil {
					return false, false, err
				}
				continue
			}
			s.i--
			return false, false, s.syntax("control character %#x in string", c)
		}
		if !s.fill() {
			return false, false, s.eof()
		}
	}
}

// decode turns raw string bytes (no quotes) that need it into what
// encoding/json makes of them: escapes decoded, invalid UTF-8 replaced. The
// scan has already validated raw.
func (s *scanner) decode(raw []byte) (string, error) {
	s.quote = append(append(append(s.quote[:0], '"'), raw...), '"')
	var v string
	if err := json.Unmarshal(s.quote, &v); err != nil {
		return "", s.syntax("%v", err)
	}
	return v, nil
}

// key reads an object key, whose opening quote is next, and the colon
// after it. The key is valid until the scanner reads on. A key too long to
// be one trailscan looks for comes back empty.
func (s *scanner) key() ([]byte, error) {
	// Fast path: the whole key and its colon are in the buffer, unescaped.
	if i := s.i; i < s.n && s.buf[i] == '"' {
		start := i + 1
		if j := s.plainEnd(start); j+1 < s.n && s.buf[j] == '"' && s.buf[j+1] == ':' {
			s.i = j + 2
			return s.buf[start:j], nil
		}
	}
	return s.keySlow()
}

func (s *scanner) keySlow() ([]byte, error) {
	if err := s.expect('"'); err != nil {
		return nil, err
	}
	kept, escaped, err := s.keepStr(&s.keyBuf, maxKey)
	k := s.keyBuf
	s.keyBuf = s.keyBuf[:0]
	if err != nil {
		return nil, err
	}
	switch {
	case !kept:
		k = k[:0]
	case escaped:
		// Unescaped non-ASCII needs no decoding: no key trailscan looks for
		// holds any, decoded or not.
		d, err := s.decode(k)
		if err != nil {
			return nil, err
		}
		k = append(k[:0], d...)
	}
	s.keyBuf = k[:0]
	return k, s.expect(':')
}

// errOdd is a kept value of a type its field does not take, left unread.
var errOdd = errors.New("a value of another type")

// skipBOM steps over a UTF-8 byte order mark at the start of the document,
// which some exports write and JSON does not allow.
func (s *scanner) skipBOM() {
	const bom = "\xef\xbb\xbf"
	// The first fill reads a whole buffer (or the whole stream), so the
	// mark, when there is one, is in it whole.
	if s.fill() && bytes.HasPrefix(s.buf[s.i:s.n], []byte(bom)) {
		s.i += len(bom)
	}
}

// oddValue marks field f as holding a value of another type and steps over the
// value, checking only that it is valid JSON.
func (s *scanner) oddValue(f field, depth int) error {
	s.spans[f], s.bools[f] = span{}, Unset
	s.odd |= 1 << f
	return s.skip(depth)
}

// keep reads a string field (null reads as "") into the record's values;
// depth is the nesting of the container holding it.
func (s *scanner) keep(f field, depth int) error {
	var c byte
	if s.i < s.n && s.buf[s.i] == '"' {
		c = '"'
	} else {
		var err error
		if c, err = s.nonSpaceSlow(); err != nil {
			return err
		}
	}
	switch c {
	case '"':
		// Fast path: a plain ASCII string, whole in the buffer, found by
		// plainEnd's look-ahead (stopping at non-ASCII too) written out:
		// calling plainEnd for each kept value costs BenchmarkReader's
		// slow path some 2% more instructions.
		start := s.i + 1
		var j int
		if start+16 <= s.n && s.n <= len(s.buf)-8 {
			p := unsafe.Add(unsafe.Pointer(unsafe.SliceData(s.buf)), start)
			if w := load64(p, 0); nonPlainBytes(w)|w&msb != 0 {
				j = start + bits.TrailingZeros64(nonPlainBytes(w)|w&msb)>>3
			} else if w := load64(p, 8); nonPlainBytes(w)|w&msb != 0 {
				j = start + 8 + bits.TrailingZeros64(nonPlainBytes(w)|w&msb)>>3
			} else {
				j = start + 16 + s.plainAt(start+16, true)
			}
		} else {
			j = start + s.plainAt(start, true)
		}
		if j < s.n && s.buf[j] == '"' && j-start <= maxField {
			s.put(f, start, j)
			s.odd &^= 1 << f
			s.i = j + 1
			return nil
		}
		s.i++
	case 'n':
		s.spans[f] = span{}
		s.odd &^= 1 << f
		return s.literal("null")
	default:
		return s.oddValue(f, depth)
	}
	if len(s.vals) > 4*maxField {
		s.compact()
	}
	start := len(s.vals)
	kept, escaped, err := s.keepStr(&s.vals, maxField)
	if err != nil {
		return err
	}
	if !kept {
		return s.syntax("%s is longer than %d bytes", keptFields[f].Path, maxField)
	}
	if raw := s.vals[start:]; escaped || !utf8.Valid(raw) {
		d, err := s.decode(raw)
		if err != nil {
			return err
		}
		s.vals = append(s.vals[:start], d...)
	}
	s.spans[f] = span{int32(start), int32(len(s.vals))}
	s.odd &^= 1 << f
	return nil
}

// put keeps buf[start:end], a plain string of at most maxField bytes, as
// field f.
func (s *scanner) put(f field, start, end int) {
	if len(s.vals) > 4*maxField {
		s.compact()
	}
	v, l := len(s.vals), end-start
	if l <= 32 && cap(s.vals)-v >= 32 && start+32 <= len(s.buf) {
		// Most kept strings are short: copy four words rather than call
		// memmove, whose branches on the size often mispredict. The bytes
		// past the string are within vals' capacity and are overwritten by
		// the next value.
		dst, src := s.vals[v:v+32:v+32], s.buf[start:start+32:start+32]
		binary.LittleEndian.PutUint64(dst[0:8], binary.LittleEndian.Uint64(src[0:8]))
		binary.LittleEndian.PutUint64(dst[8:16], binary.LittleEndian.Uint64(src[8:16]))
		binary.LittleEndian.PutUint64(dst[16:24], binary.LittleEndian.Uint64(src[16:24]))
		binary.LittleEndian.PutUint64(dst[24:32], binary.LittleEndian.Uint64(src[24:32]))
		s.vals = s.vals[:v+l]
	} else {
		s.vals = append(s.vals, s.buf[start:end]...)
	}
	s.spans[f] = span{int32(v), int32(len(s.vals))}
}

// compact drops the values that later duplicates of their keys replaced,
// so a record repeating a key cannot grow vals without bound.
func (s *scanner) compact() {
	var live []byte
	move := func(sp *span) {
		start := len(live)
		live = append(live, s.vals[sp.start:sp.end]...)
		*sp = span{int32(start), int32(len(live))}
	}
	for f := range s.spans {
		move(&s.spans[f])
	}
	for k := range min(s.nItems, MaxResources) {
		for j := range itemFields {
			move(&s.items[k][j])
		}
	}
	s.vals = append(s.vals[:0], live...)
}

// capture gathers a value kept as JSON as the slow path reads it, without
// the space between its tokens, across the refills of the buffer. It
// holds at most MaxRaw+1 bytes: one more than a Raw keeps says the value
// is cut, and the rest is only read.
type capture struct {
	on         bool
	moved      bool // the buffer moved on since the value began
	from       int  // where in buf the bytes not yet gathered start
	inStr, esc bool
	dst        []byte
}

// take gathers b, the next bytes of the value (valid JSON, as the scanner
// checks it), a run of bytes at a time: values as CloudTrail writes them
// hold no space, and strings hold few escapes.
func (c *capture) take(b []byte) {
	for len(b) > 0 && len(c.dst) <= MaxRaw {
		j := 0
		if c.inStr {
			// Strings are most of a value: find their ends by memchr.
			if j = bytes.IndexByte(b, '"'); j < 0 {
				j = len(b)
			}
			if k := bytes.IndexByte(b[:j], '\\'); k >= 0 {
				j = k
			}
		} else {
			for j < len(b) && !outside[b[j]] {
				j++
			}
		}
		if c.esc && j > 0 {
			c.esc = false // the escaped byte, never a stop inside a string
		}
		c.dst = append(c.dst, b[:j]...)
		if j == len(b) {
			break
		}
		switch ch := b[j]; {
		case c.inStr && c.esc:
			c.esc = false
			c.dst = append(c.dst, ch)
		case ch == '\\':
			c.esc = true
			c.dst = append(c.dst, ch)
		case ch == '"':
			c.inStr = !c.inStr
			c.dst = append(c.dst, ch)
		}
		b = b[j+1:]
	}
	if len(c.dst) > MaxRaw+1 {
		c.dst = c.dst[:MaxRaw+1]
	}
}

// outside are the bytes that take stops at out of strings: space to
// drop, and the quote that opens a string. (In strings it stops at the
// quote that closes one and the backslash of an escape.)
var outside = func() (out [256]bool) {
	for _, c := range " \t\n\r\"" {
		out[c] = true
	}
	return out
}()

// hasSpace reports whether b holds JSON whitespace, by memchr: most
// values hold none.
func hasSpace(b []byte) bool {
	for _, c := range []byte{' ', '\n', '\t', '\r'} {
		if bytes.IndexByte(b, c) >= 0 {
			return true
		}
	}
	return false
}

// beginRaw starts gathering the value at the next non-space byte, and
// returns its offset.
func (s *scanner) beginRaw() (int64, error) {
	if _, err := s.nonSpace(); err != nil {
		return 0, err
	}
	s.capt = capture{on: true, from: s.i, dst: s.capt.dst[:0]}
	return s.pos(), nil
}

// endRaw keeps the value gathered since beginRaw, which began at start
// and was read whole, as field f.
func (s *scanner) endRaw(f field, start int64) {
	rest := s.buf[s.capt.from:s.i]
	if !s.capt.moved && !hasSpace(rest) {
		// Read in one buffer, and compact already (JSON strings hold no
		// raw tab or line break, and here no space), as CloudTrail writes
		// its values: no need to look at each byte.
		s.capt.dst = append(s.capt.dst, rest[:min(len(rest), MaxRaw+1)]...)
	} else {
		s.capt.take(rest)
	}
	s.capt.on = false
	if string(s.capt.dst) == "null" {
		s.rawSet &^= 1 << f
		s.spans[f] = span{}
		return
	}
	if len(s.vals) > 4*maxField {
		s.compact()
	}
	kept, cut := cutRaw(s.capt.dst)
	v := len(s.vals)
	s.vals = append(s.vals, kept...)
	s.spans[f] = span{int32(v), int32(len(s.vals))}
	s.setRaw(f, s.pos()-start, cut)
}

// setRaw records that the value kept as JSON as field f, whose span is
// set, was size bytes as written, and whether it was cut.
func (s *scanner) setRaw(f field, size int64, cut bool) {
	s.rawSet |= 1 << f
	s.sizes[f] = size
	if cut {
		s.cut |= 1 << f
	} else {
		s.cut &^= 1 << f
	}
}

// raw returns the value kept as JSON as field f, its string a slice of
// all.
func (s *scanner) raw(f field, all string) Raw {
	if s.rawSet&(1<<f) == 0 {
		return Raw{}
	}
	return Raw{JSON: all[s.spans[f].start:s.spans[f].end], Size: s.sizes[f], Cut: s.cut&(1<<f) != 0}
}

// takeItem moves the fields of the element just read out of spans, as
// element k of the list, and empties them for the next element.
func (s *scanner) takeItem(k int, fields FieldSet) {
	for j, f := range itemFields {
		s.items[k][j] = s.spans[f]
	}
	s.clear(fields)
}

// boolean reads a boolean field f; null reads as Unset, and the strings
// "true" and "false" in any case, as exports write them, as the boolean.
// depth is the nesting of the container holding it.
func (s *scanner) boolean(f field, depth int) error {
	c, err := s.nonSpace()
	if err != nil {
		return err
	}
	var b Bool
	var lit string
	switch c {
	case 't':
		b, lit = True, "true"
	case 'f':
		b, lit = False, "false"
	case 'n':
		b, lit = Unset, "null"
	}
	if lit != "" {
		s.bools[f] = b
		s.odd &^= 1 << f
		return s.literal(lit)
	}
	if c != '"' {
		return s.oddValue(f, depth)
	}
	s.i++
	// Longer than any spelling of a boolean, even in escapes.
	var a [64]byte
	v := a[:0]
	kept, escaped, err := s.keepStr(&v, len(a))
	if err != nil {
		return err
	}
	b = Unset
	if kept {
		str := string(v)
		if escaped || !utf8.Valid(v) {
			if str, err = s.decode(v); err != nil {
				return err
			}
		}
		b = BoolOf(str)
	}
	s.bools[f] = b
	if b == Unset {
		s.odd |= 1 << f
	} else {
		s.odd &^= 1 << f
	}
	return nil
}

// literal consumes the word lit (true, false or null).
func (s *scanner) literal(lit string) error {
	if i, ok := literalAt(s.buf[:s.n], s.i, lit); ok {
		s.i = i
		return nil
	}
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

// number consumes a JSON number.
func (s *scanner) number() error {
	st := numStart
	for {
		s.i, st = numberAt(s.buf[:s.n], s.i, st)
		if s.i < s.n {
			break
		}
		if !s.fill() {
			if s.rerr != io.EOF {
				return s.eof()
			}
			break
		}
	}
	if st.whole() {
		return nil
	}
	if !s.fill() {
		return s.eof()
	}
	if st == numStart {
		return s.syntax("invalid character %q looking for a value", s.buf[s.i])
	}
	return s.syntax("invalid character %q in number", s.buf[s.i])
}
