package parse

import (
	"fmt"
	"io"
	"math/bits"
	"unsafe"
)

// Records reads one CloudTrail log document, {"Records":[...]}, from r
// (already decompressed) and calls fn for each record in order. It returns
// the number of records read, including those before an error.
//
// The *Event passed to fn is reused for the next record: copy what you keep.
// An error from fn stops the read and is returned as is.
func Records(r io.Reader, fn func(*Event) error) (int64, error) {
	return NewReader(r, Options{}).Records(fn)
}

// Options choose how a Reader reads. The zero Options reads every field
// of every record, by the fastest path the CPU allows, and trailscan sets
// only Details; the others let tests and benchmarks hold each path to the
// answer and time it.
type Options struct {
	// Path is which of the paths read records.
	Path Path
	// NoIndex leaves the buffer unindexed, as on a CPU without the vector
	// indexer: the slow path then reads every record, and records in
	// strings are decoded without vector code too.
	NoIndex bool
	// NoAVX512 builds the index, and decodes records in strings, with
	// AVX2 even on a CPU with AVX-512, as on one without it.
	NoAVX512 bool
	// Details, when set, says which records need their details: the
	// fields read from requestParameters, responseElements and resources
	// (RequestParameters, the Request and Response IDs, Resources and
	// ResourceCount). It is called once a record is read, with every
	// other field set, its strings valid only during the call; the
	// details may be set or not yet, and it must not look at them. A
	// record it turns away has them absent (and their bits of Odd
	// clear), and costs less to read: its details are only checked to be
	// valid JSON. A scan keeps few records, and a record's details are
	// most of what it names.
	Details func(*Event) bool
}

// Path names the ways a Reader may read records.
type Path uint8

const (
	// Auto reads a record by the fast path where the CPU and the record
	// allow, and by the slow path elsewhere.
	Auto Path = iota
	// Slow reads every record by the slow path. The buffer is still
	// indexed, unless NoIndex says otherwise.
	Slow
)

// Reader reads CloudTrail log documents with Records' contract, keeping
// its buffers from one document to the next: a worker that reads many
// files holds one Reader and Resets it for each.
type Reader struct {
	s         scanner
	ev        Event
	opts      Options
	transient bool
	shape     Shape
	unq       unquoter               // reads the record in a string
	inner     *Reader                // parses it
	mtype     []byte                 // a subscription payload's messageType
	fast      int64                  // records read by the fast path, for tests
	resources [MaxResources]Resource // a transient event's
}

// NewReader returns a Reader of the document in r that reads as opts say.
func NewReader(r io.Reader, opts Options) *Reader {
	d := &Reader{opts: opts}
	d.s.indexing = vector && !opts.NoIndex
	d.s.noAVX512 = opts.NoAVX512
	d.Reset(r)
	return d
}

// Reset makes d read the document in r, as if new, keeping its buffers.
func (d *Reader) Reset(r io.Reader) { d.s.reset(r) }

// Records reads the document, calling fn for each record, as the function
// Records does. Call it once per Reset.
func (d *Reader) Records(fn func(*Event) error) (int64, error) {
	d.transient = false
	return d.read(fn)
}

// RecordsTransient is Records, except that the strings of the *Event
// passed to fn are valid only until fn returns: they share the Reader's
// buffer. A caller that keeps anything of an event (the rare record that
// matches) copies it with Event.Clone. In return, reading a record
// allocates nothing.
func (d *Reader) RecordsTransient(fn func(*Event) error) (int64, error) {
	d.transient = true
	return d.read(fn)
}

func (d *Reader) document(fn func(*Event) error) (int64, error) {
	s := &d.s
	c, err := s.nonSpace()
	if err == nil && c != '{' {
		return 0, fmt.Errorf("%w: the document is not a JSON object", ErrNotCloudTrail)
	}
	if err != nil {
		if s.pos() == 0 && s.rerr == io.EOF {
			return 0, fmt.Errorf("%w: the file is empty", ErrNotCloudTrail)
		}
		return 0, err
	}
	s.i++
	var n int64
	seen := false
	for first := true; ; first = false {
		k, done, err := s.member(first)
		if err != nil {
			return n, err
		}
		if done {
			break
		}
		if string(k) != "Records" {
			if err := s.skip(0); err != nil {
				return n, err
			}
			continue
		}
		if seen {
			return n, s.syntax("duplicate Records key")
		}
		seen = true
		if n, err = d.records(fn); err != nil {
			return n, err
		}
	}
	if !seen {
		return n, fmt.Errorf("%w: no Records key", ErrNotCloudTrail)
	}
	if _, err := s.nonSpace(); err == nil {
		return n, s.syntax("data after the end of the document")
	} else if s.rerr != io.EOF {
		return n, err
	}
	return n, nil
}

// eachMember reads the members of an object whose { is consumed, calling
// fn with each key, valid until the scanner reads on, to read its value.
func (s *scanner) eachMember(fn func(key []byte) error) error {
	for first := true; ; first = false {
		k, done, err := s.member(first)
		if err != nil || done {
			return err
		}
		if err := fn(k); err != nil {
			return err
		}
	}
}

// member reads up to the next key of an object whose { is consumed (first)
// or whose last value is: it reports done at the closing }, or returns the
// key, valid until the scanner reads on, with its colon consumed.
func (s *scanner) member(first bool) (key []byte, done bool, err error) {
	if !first && s.i < s.n && s.buf[s.i] == ',' {
		s.i++
		// key's fast path, with plainEnd's look-ahead written out: a
		// comma, then a whole plain key of up to 16 bytes and its colon.
		// Most members take it; calling key instead costs BenchmarkReader's
		// slow path some 4% more instructions.
		if i := s.i; i+17 < s.n && s.n <= len(s.buf)-8 && s.buf[i] == '"' {
			p := unsafe.Add(unsafe.Pointer(unsafe.SliceData(s.buf)), i+1)
			j := -1
			if m := nonPlainBytes(load64(p, 0)); m != 0 {
				j = i + 1 + bits.TrailingZeros64(m)>>3
			} else if m := nonPlainBytes(load64(p, 8)); m != 0 {
				j = i + 9 + bits.TrailingZeros64(m)>>3
			}
			if j >= 0 && s.buf[j] == '"' && s.buf[j+1] == ':' {
				s.i = j + 2
				return s.buf[i+1 : j], false, nil
			}
		}
		key, err = s.key()
		return key, false, err
	}
	c, err := s.nonSpace()
	if err != nil {
		return nil, false, err
	}
	if c == '}' {
		if first {
			s.i++
			return nil, true, nil
		}
	} else if !first && c != ',' {
		return nil, false, s.syntax("invalid character %q after object value", c)
	}
	if !first {
		s.i++
		if c == '}' {
			return nil, true, nil
		}
	}
	key, err = s.key()
	return key, false, err
}

// open reads a value that must be an object or null, reporting whether it
// is an object (its { consumed); depth is the nesting of the container
// holding the value. Any other value is left unread, with errOdd.
func (s *scanner) open(depth int) (bool, error) {
	c, err := s.nonSpace()
	if err != nil {
		return false, err
	}
	switch c {
	case '{':
		if depth+1 > maxDepth {
			return false, s.syntax("exceeded max depth")
		}
		s.i++
		return true, nil
	case 'n':
		return false, s.literal("null")
	}
	return false, errOdd
}

func (d *Reader) records(fn func(*Event) error) (int64, error) {
	s := &d.s
	c, err := s.nonSpace()
	if err != nil {
		return 0, err
	}
	if c != '[' {
		return 0, fmt.Errorf("%w: Records is not an array", ErrNotCloudTrail)
	}
	s.i++
	if c, err = s.nonSpace(); err != nil {
		return 0, err
	}
	if c == ']' {
		s.i++
		return 0, nil
	}
	var n int64
	for {
		if c, err = s.nonSpace(); err != nil {
			return n, err
		}
		if c != '{' {
			return n, fmt.Errorf("%w: record %d is not an object", ErrNotCloudTrail, n+1)
		}
		if err := d.record(1); err != nil {
			return n, err
		}
		d.setFields()
		n++
		if err := fn(&d.ev); err != nil {
			return n, err
		}
		if c, err = s.nonSpace(); err != nil {
			return n, err
		}
		s.i++
		switch c {
		case ',':
		case ']':
			return n, nil
		default:
			s.i--
			return n, s.syntax("invalid character %q after array element", c)
		}
	}
}

// clearRecord empties the fields a record's reading keeps.
func (s *scanner) clearRecord() {
	s.vals = s.vals[:0]
	s.spans = [numFields]span{}
	s.bools = [numFields]Bool{}
	s.inBuf = false
	s.odd = 0
	s.nItems, s.rawSet, s.cut = 0, 0, 0
	s.pending, s.eventSet = 0, false
}

// setFields sets the fields of the Event from what reading the record
// kept, its strings from one allocation holding them all.
func (d *Reader) setFields() {
	s := &d.s
	if s.eventSet {
		return
	}
	base := s.vals
	if s.inBuf {
		if d.transient {
			base = s.buf
		} else {
			s.gather()
		}
	}
	var all string
	if d.transient {
		all = unsafe.String(unsafe.SliceData(base), len(base))
	} else {
		all = string(s.vals)
	}
	d.setFrom(all, d.transient)
}

// setFrom sets the fields of the Event from what reading the record kept,
// its strings slices of all; lend says that its resources may be lent
// from the Reader too.
func (d *Reader) setFrom(all string, lend bool) {
	s := &d.s
	s.setEvent(&d.ev, all)
	d.ev.Odd = s.odd
	d.ev.ResourceCount = s.nItems
	d.ev.Resources = nil
	if n := min(s.nItems, MaxResources); n > 0 {
		// A transient event lends its resources from the Reader too; a
		// kept one owns them, as it does its strings.
		var rs []Resource
		if lend {
			rs = d.resources[:n]
		} else {
			rs = make([]Resource, n)
		}
		for k := range rs {
			s.setItem(&rs[k], k, all)
		}
		d.ev.Resources = rs
	}
}

// slowDetails drops the details the slow path read of a record that
// Options.Details does not want, so that what a record holds does not
// depend on the path that read it.
func (d *Reader) slowDetails() {
	s := &d.s
	d.setFrom(unsafe.String(unsafe.SliceData(s.vals), len(s.vals)), true)
	if !d.opts.Details(&d.ev) {
		s.clear(detailFields)
		s.rawSet &^= detailFields
		s.nItems = 0
		clearDetails(&d.ev)
		d.ev.Odd = s.odd
		d.ev.Resources, d.ev.ResourceCount = nil, 0
	}
	// Set from vals and lending its resources, the event is as setFields
	// would make a transient one.
	s.eventSet = d.transient
}

// gather copies the values the fast path left in buf to vals.
func (s *scanner) gather() {
	s.vals = s.vals[:0]
	for f := range s.spans {
		sp, start := s.spans[f], len(s.vals)
		s.vals = append(s.vals, s.buf[sp.start:sp.end]...)
		s.spans[f] = span{int32(start), int32(len(s.vals))}
	}
	for k := range min(s.nItems, MaxResources) {
		for j, sp := range s.items[k] {
			start := len(s.vals)
			s.vals = append(s.vals, s.buf[sp.start:sp.end]...)
			s.items[k][j] = span{int32(start), int32(len(s.vals))}
		}
	}
	s.inBuf, s.eventSet = false, false
}

// clear empties the fields fs: a later duplicate of an object key
// replaces the whole object, as in a full parse.
func (s *scanner) clear(fs FieldSet) {
	s.odd &^= fs
	for ; fs != 0; fs &= fs - 1 {
		f := bits.TrailingZeros64(uint64(fs))
		s.spans[f], s.bools[f] = span{}, Unset
	}
}

// object reads the members of an object at lv whose { is consumed, at
// depth (the nesting of its members), keeping what actionOf says. Later
// duplicates of a key replace earlier ones, as in a full parse into a map.
func (d *Reader) object(lv level, depth int) error {
	s := &d.s
	for first := true; ; first = false {
		k, done, err := s.member(first)
		if err != nil {
			return err
		}
		if done {
			if lv == lvRecord && d.opts.Details != nil {
				d.slowDetails()
			}
			return nil
		}
		switch a := actionOf(lv, k); a.kind {
		case doString:
			err = s.keep(a.f, depth)
		case doBool:
			err = s.boolean(a.f, depth)
		case doObject:
			s.clear(a.clear)
			var start int64
			if a.raw {
				if start, err = s.beginRaw(); err != nil {
					return err
				}
			}
			var ok bool
			if ok, err = s.open(depth); ok && err == nil {
				err = d.object(a.sub, depth+1)
			} else if err == errOdd {
				s.odd |= a.clear
				err = s.skip(depth)
			}
			if a.raw && err == nil {
				s.endRaw(a.f, start)
			}
		case doList:
			err = d.list(a, depth)
		case doRaw:
			var start int64
			if start, err = s.beginRaw(); err == nil {
				if err = s.skip(depth); err == nil {
					s.endRaw(a.f, start)
				}
			}
		default:
			err = s.skip(depth)
		}
		if err != nil {
			return err
		}
	}
}

// list reads the value of a list a, at depth (the nesting of the container
// holding it): an array whose first MaxResources elements are objects read
// as a.sub, or null. An element of another type, or a value other than an
// array, marks the elements' fields odd.
func (d *Reader) list(a *action, depth int) error {
	s := &d.s
	s.clear(a.clear)
	s.nItems = 0
	c, err := s.nonSpace()
	if err != nil {
		return err
	}
	switch c {
	case 'n':
		return s.literal("null")
	case '[':
	default:
		s.odd |= a.clear
		return s.skip(depth)
	}
	if depth+1 > maxDepth {
		return s.syntax("exceeded max depth")
	}
	s.i++
	var odd FieldSet
	for first := true; ; first = false {
		if c, err = s.nonSpace(); err != nil {
			return err
		}
		if !first || c == ']' {
			s.i++
			switch {
			case c == ']':
				s.odd |= odd
				return nil
			case first || c != ',':
				s.i--
				return s.syntax("invalid character %q after array element", c)
			}
			if c, err = s.nonSpace(); err != nil {
				return err
			}
		}
		k := s.nItems
		switch {
		case k >= MaxResources:
			err = s.skip(depth + 1)
		case c == '{':
			if depth+2 > maxDepth {
				return s.syntax("exceeded max depth")
			}
			s.i++
			if err = d.object(a.sub, depth+2); err == nil {
				odd |= s.odd & a.clear
				s.takeItem(k, a.clear)
			}
		case c == 'n':
			s.items[k] = [len(itemFields)]span{}
			err = s.literal("null")
		default:
			odd |= a.clear
			s.items[k] = [len(itemFields)]span{}
			err = s.skip(depth + 1)
		}
		if err != nil {
			return err
		}
		s.nItems++
	}
}

// skip consumes one value of any kind without keeping it. depth is the
// nesting of the container holding the value.
func (s *scanner) skip(depth int) error {
	// Most values skipped are strings: no stack needed.
	if i := s.i; i < s.n && s.buf[i] == '"' {
		i++
		if j := i + s.plainAt(i, false); j < s.n && s.buf[j] == '"' {
			s.i = j + 1
			return nil
		}
		s.i = i
		return s.skipStr()
	}
	return s.skipAny(depth)
}

func (s *scanner) skipAny(depth int) error {
	stack := s.stack[:0]
	defer func() { s.stack = stack[:0] }()
	// The loop keeps the position in a local and handles strings and
	// brackets in place; anything else (keys, a token split by the
	// buffer's end, space, escapes, numbers, literals) goes through the
	// methods, after which the locals are loaded again.
	buf, i, n := s.buf, s.i, s.n
	for {
		// A value.
		if i >= n || buf[i] <= ' ' {
			s.i = i
			if _, err := s.nonSpaceSlow(); err != nil {
				return err
			}
			buf, i, n = s.buf, s.i, s.n
		}
		switch c := buf[i]; c {
		case '"':
			i++
			i += s.plainAt(i, false)
			if i < n && buf[i] == '"' {
				i++
				break
			}
			s.i = i
			if err := s.skipStr(); err != nil {
				return err
			}
			buf, i, n = s.buf, s.i, s.n
		case '{', '[':
			if depth+len(stack)+1 > maxDepth {
				s.i = i
				return s.syntax("exceeded max depth")
			}
			i++
			if i >= n || buf[i] <= ' ' {
				s.i = i
				if _, err := s.nonSpaceSlow(); err != nil {
					return err
				}
				buf, i, n = s.buf, s.i, s.n
			}
			if buf[i] == c+2 { // } or ], empty
				i++
				break
			}
			stack = append(stack, c)
			if c == '{' {
				s.i = i
				if _, err := s.key(); err != nil {
					return err
				}
				buf, i, n = s.buf, s.i, s.n
			}
			continue
		default:
			s.i = i
			var err error
			switch c {
			case 't':
				err = s.literal("true")
			case 'f':
				err = s.literal("false")
			case 'n':
				err = s.literal("null")
			default:
				err = s.number()
			}
			if err != nil {
				return err
			}
			buf, i, n = s.buf, s.i, s.n
		}
		// After a value: close containers until one wants another element.
		for {
			if len(stack) == 0 {
				s.i = i
				return nil
			}
			if i >= n || buf[i] <= ' ' {
				s.i = i
				if _, err := s.nonSpaceSlow(); err != nil {
					return err
				}
				buf, i, n = s.buf, s.i, s.n
			}
			c, top := buf[i], stack[len(stack)-1]
			if c == ',' {
				i++
				if top == '{' {
					s.i = i
					if _, err := s.key(); err != nil {
						return err
					}
					buf, i, n = s.buf, s.i, s.n
				}
				break
			}
			if c != top+2 {
				s.i = i
				return s.syntax("invalid character %q after %s element", c, containerName(top))
			}
			i++
			stack = stack[:len(stack)-1]
		}
	}
}

func containerName(c byte) string {
	if c == '{' {
		return "object"
	}
	return "array"
}
