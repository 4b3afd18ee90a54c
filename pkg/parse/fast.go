package parse

import (
	"math/bits"
	"unicode/utf8"
	"unsafe"
)

// The fast path reads a whole record in one pass over the buffer's index
// (see index.go), for records as CloudTrail writes them: compact, whole in
// the buffer, below lim. It steps over each string by reading its closing
// quote from the list, takes every other token in place, without the
// scanner's method calls, error values or refills, and leaves the values it
// keeps where they are in the buffer.
//
// It gives up at the first thing it does not expect (space between tokens,
// an escaped name where names matter, a kept value with escapes or invalid
// UTF-8, a wrong type, anything invalid, the end of what the index vouches
// for), and the slow path then reads the record again from its start: it
// handles everything and reports errors. So the fast path only answers for
// records the slow path reads the same way; the tests hold the two equal,
// and both to encoding/json.

// fastRecord reads the record whose { is at s.i, keeping its fields as
// object does, and reports whether it could. When it cannot, s.i is
// unchanged and the fields are left for the slow path to reset.
func (d *Reader) fastRecord() bool {
	s := &d.s
	if s.stale {
		s.indexFrom(s.i, s.n)
		s.stale = false
	}
	if d.opts.Path == Slow || s.i >= s.lim {
		return false
	}
	q := s.qc
	for int(s.quotes[q]) < s.i {
		q++
	}
	s.qc = q
	i, q, ok := d.fastObject(lvRecord, s.i, q)
	if !ok {
		return false
	}
	ascii := s.ascii(s.i, i)
	if !ascii && !s.validUTF8() {
		return false
	}
	s.inBuf = true
	if s.pending != 0 && !d.fastDetails(ascii) {
		return false
	}
	s.i, s.qc = i, q
	return true
}

// fastDetails finishes a record whose details fastObject left unread:
// Options.Details, asked once every other field is known (a duplicate
// userIdentity, or one after resources, decides as much as one before),
// says whether to read them now. ascii says that the record is all
// ASCII. When it reports false, the slow path reads the record again.
func (d *Reader) fastDetails(ascii bool) bool {
	s := &d.s
	d.setFrom(unsafe.String(unsafe.SliceData(s.buf), len(s.buf)), true)
	if !d.opts.Details(&d.ev) {
		// As fn will see it if it is transient; if not, setFields makes
		// the strings again, its own.
		s.eventSet = d.transient
		return true
	}
	for lvs := s.pending; lvs != 0; lvs &= lvs - 1 {
		at := &s.later[bits.TrailingZeros32(lvs)]
		// The escape cursor only moves on: take it back to where the
		// value was found.
		s.ec, s.nextEsc = at.ec, -1
		if _, _, ok := d.fastValue(at.a, at.i, at.q); !ok {
			return false
		}
	}
	return ascii || s.validUTF8()
}

// validUTF8 reports whether the values the fast path kept are valid
// UTF-8, and so need no decoding.
func (s *scanner) validUTF8() bool {
	for f := range s.spans {
		if sp := s.spans[f]; !utf8.Valid(s.buf[sp.start:sp.end]) {
			return false
		}
	}
	for k := range min(s.nItems, MaxResources) {
		for _, sp := range s.items[k] {
			if !utf8.Valid(s.buf[sp.start:sp.end]) {
				return false
			}
		}
	}
	return true
}

// fastKey returns the position of the closing quote of the key at i, whose
// opening quote is quotes[q], when a colon follows it, or -1.
func fastKey(buf []byte, quotes []int32, i, q int) int {
	// The index lists quotes only, below len(buf): no need to look at
	// buf[i] too.
	if int(quotes[q]) == i {
		if c := int(quotes[q+1]); c+1 < len(buf) && buf[c+1] == ':' {
			return c
		}
	}
	return -1
}

// fastObject reads the object at i, whose opening quote (if any) is
// quotes[q], with the members of lv, and returns the positions after it.
func (d *Reader) fastObject(lv level, i, q int) (int, int, bool) {
	s := &d.s
	buf, quotes := s.buf[:s.lim], s.quotes
	if i++; i < len(buf) && buf[i] == '}' {
		return i + 1, q, true
	}
	for {
		c := fastKey(buf, quotes, i, q)
		if c < 0 {
			return i, q, false
		}
		// The names have no escapes: a name that matches has none, one
		// that does not may be a name written with escapes.
		a := actionOf(lv, buf[i+1:c])
		if a.kind == doSkip && s.escaped(i+1, c) {
			return i, q, false
		}
		i, q = c+2, q+2
		var ok bool
		switch {
		case a.kind == doSkip:
			// Most values skipped here are strings: no call for those.
			if int(quotes[q]) == i && int(quotes[q+1]) < len(buf) {
				i, q, ok = int(quotes[q+1])+1, q+2, true
				break
			}
			i, q, ok = s.fastSkip(i, q)
		case a.detail && d.opts.Details != nil:
			// Read at the end, if the record wants it: checked only to
			// be valid JSON here.
			s.later[a.sub] = detail{a, i, q, s.ec}
			s.pending |= 1 << a.sub
			i, q, ok = s.fastSkip(i, q)
		default:
			i, q, ok = d.fastValue(a, i, q)
		}
		if !ok || i >= len(buf) {
			return i, q, false
		}
		switch buf[i] {
		case ',':
			i++
		case '}':
			return i + 1, q, true
		default:
			return i, q, false
		}
	}
}

// fastValue reads the value at i, whose opening quote (if any) is
// quotes[q], of a member whose action a is not to skip it, and returns
// the positions after it.
func (d *Reader) fastValue(a *action, i, q int) (int, int, bool) {
	s := &d.s
	buf := s.buf[:s.lim]
	ok := false
	switch a.kind {
	case doString:
		i, q, ok = s.fastKeep(a.f, i, q)
	case doBool:
		s.bools[a.f], i, ok = fastBool(buf, i)
	case doObject:
		s.clear(a.clear)
		start := i
		switch {
		case i < len(buf) && buf[i] == '{':
			i, q, ok = d.fastObject(a.sub, i, q)
		default:
			i, ok = literalAt(buf, i, "null")
		}
		if a.raw && ok {
			s.fastRaw(a.f, start, i)
		}
	case doList:
		i, q, ok = d.fastList(a, i, q)
	case doRaw:
		start := i
		if i, q, ok = s.fastSkip(i, q); ok {
			s.fastRaw(a.f, start, i)
		}
	}
	return i, q, ok
}

// fastRaw keeps buf[start:end], a compact value, as the Raw field f.
func (s *scanner) fastRaw(f field, start, end int) {
	if s.buf[start] == 'n' {
		s.rawSet &^= 1 << f
		s.spans[f] = span{}
		return
	}
	kept, cut := cutRaw(s.buf[start:end])
	s.spans[f] = span{int32(start), int32(start + len(kept))}
	s.setRaw(f, int64(end-start), cut)
}

// fastList reads the list a at i: an array of objects, or null, as list
// does.
func (d *Reader) fastList(a *action, i, q int) (int, int, bool) {
	s := &d.s
	buf := s.buf[:s.lim]
	s.clear(a.clear)
	s.nItems = 0
	if i >= len(buf) || buf[i] != '[' {
		i, ok := literalAt(buf, i, "null")
		return i, q, ok
	}
	if i++; i < len(buf) && buf[i] == ']' {
		return i + 1, q, true
	}
	for {
		if i >= len(buf) {
			return i, q, false
		}
		ok := true
		switch k := s.nItems; {
		case k >= MaxResources:
			i, q, ok = s.fastSkip(i, q)
		case buf[i] == '{':
			// A wrong type in an element makes fastKeep give up, so
			// nothing here is odd.
			if i, q, ok = d.fastObject(a.sub, i, q); ok {
				s.takeItem(k, a.clear)
			}
		case buf[i] == 'n':
			s.items[k] = [len(itemFields)]span{}
			i, ok = literalAt(buf, i, "null")
		default:
			return i, q, false
		}
		if !ok || i >= len(buf) {
			return i, q, false
		}
		s.nItems++
		switch buf[i] {
		case ',':
			i++
		case ']':
			return i + 1, q, true
		default:
			return i, q, false
		}
	}
}

// fastKeep keeps the string (or null) at i as field f.
func (s *scanner) fastKeep(f field, i, q int) (int, int, bool) {
	buf, quotes := s.buf[:s.lim], s.quotes
	if int(quotes[q]) == i {
		c := int(quotes[q+1])
		if c >= len(buf) || c-i-1 > maxField || s.escaped(i+1, c) {
			return i, q, false
		}
		s.spans[f] = span{int32(i + 1), int32(c)}
		return c + 1, q + 2, true
	}
	s.spans[f] = span{}
	i, ok := literalAt(buf, i, "null")
	return i, q, ok
}

// fastBool reads true, false or null at i.
func fastBool(buf []byte, i int) (Bool, int, bool) {
	if i < len(buf) {
		switch buf[i] {
		case 't':
			i, ok := literalAt(buf, i, "true")
			return True, i, ok
		case 'f':
			i, ok := literalAt(buf, i, "false")
			return False, i, ok
		}
	}
	i, ok := literalAt(buf, i, "null")
	return Unset, i, ok
}

// fastSkip steps over the value at i, of any kind, keeping nothing.
// Containers nest at most 64 deep here (a bit each of open); deeper ones
// take the slow path.
func (s *scanner) fastSkip(i, q int) (int, int, bool) {
	buf, quotes := s.buf[:s.lim], s.quotes
	var open uint64 // a bit per open container, 1 for an object
	depth := 0
	for {
		// A value.
		if i >= len(buf) {
			return i, q, false
		}
		switch c := buf[i]; c {
		case '"':
			if int(quotes[q]) != i || int(quotes[q+1]) >= len(buf) {
				return i, q, false
			}
			i, q = int(quotes[q+1])+1, q+2
		case '{', '[':
			if i++; i < len(buf) && buf[i] == c+2 {
				i++
				break
			}
			if depth == 64 {
				return i, q, false
			}
			depth++
			open <<= 1
			if c == '{' {
				open |= 1
				k := fastKey(buf, quotes, i, q)
				if k < 0 {
					return i, q, false
				}
				i, q = k+2, q+2
			}
			continue
		case 't':
			var ok bool
			if i, ok = literalAt(buf, i, "true"); !ok {
				return i, q, false
			}
		case 'f':
			var ok bool
			if i, ok = literalAt(buf, i, "false"); !ok {
				return i, q, false
			}
		case 'n':
			var ok bool
			if i, ok = literalAt(buf, i, "null"); !ok {
				return i, q, false
			}
		default:
			var st numState
			if i, st = numberAt(buf, i, numStart); !st.whole() {
				return i, q, false
			}
		}
		// After a value: close containers until one wants another element.
		for {
			if depth == 0 {
				return i, q, true
			}
			if i >= len(buf) {
				return i, q, false
			}
			c := buf[i]
			if c == ',' {
				i++
				if open&1 == 1 {
					k := fastKey(buf, quotes, i, q)
					if k < 0 {
						return i, q, false
					}
					i, q = k+2, q+2
				}
				break
			}
			if want := byte(']'); open&1 == 1 && c != '}' || open&1 == 0 && c != want {
				return i, q, false
			}
			i++
			open >>= 1
			depth--
		}
	}
}
