package parse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Shape is how a file holds its CloudTrail records. A Reader finds it from
// the content (after any gzip layer, which the caller removes, and an
// optional byte order mark), never from the file's name.
type Shape uint8

// The shapes a Reader reads.
const (
	// Delivered is a log file as CloudTrail delivers it: {"Records":[...]}.
	Delivered Shape = iota
	// Lines is one record per line (jq -c '.Records[]', trailscan's own
	// --events output, SIEM exports): any whitespace may separate them.
	Lines
	// Array is a bare JSON array of records.
	Array
	// EventBridge is EventBridge events, one per line, each holding its
	// record in detail.
	EventBridge
	// LookupEvents is the output of aws cloudtrail lookup-events: pages,
	// {"Events":[...]}, as the CLI prints them, or one Event a line; each
	// Event holds its record as a JSON string, CloudTrailEvent.
	LookupEvents
	// CWLSubscription is CloudWatch Logs subscription payloads as a
	// Firehose stream writes them, back to back: {"messageType", ...,
	// "logEvents":[...]}, each log event holding its record as a JSON
	// string, message.
	CWLSubscription
	// CWLExport is a CloudWatch Logs export (CreateExportTask): one event
	// a line, a timestamp, a space and the record.
	CWLExport
)

func (sh Shape) String() string {
	switch sh {
	case Lines:
		return "lines"
	case Array:
		return "array"
	case EventBridge:
		return "eventbridge"
	case LookupEvents:
		return "lookup-events"
	case CWLSubscription:
		return "cwl-subscription"
	case CWLExport:
		return "cwl-export"
	}
	return "delivered"
}

// Detect returns the shape of the document that starts with prefix, the
// first bytes of the decompressed stream. A prefix that shows no other
// shape is Delivered, so that reading it reports what is wrong with it.
func Detect(prefix []byte) Shape {
	sh, _ := detect(prefix)
	return sh
}

// Recognized reports whether prefix, the first bytes of a decompressed
// stream, shows CloudTrail records in one of the shapes, rather than
// being Delivered for want of another: a Records key, a record's keys in
// the first object (or array element, or line after a timestamp), an
// EventBridge event from CloudTrail, lookup-events output, or a
// subscription payload. A file found only for its .gz name is read when
// it is recognized, and is someone else's file when it is not.
func Recognized(prefix []byte) bool {
	_, ok := detect(prefix)
	return ok
}

// detect returns the shape of the document that starts with p, and
// whether p shows it rather than defaulting to Delivered.
func detect(p []byte) (Shape, bool) { return detectBy(p, firstKeys) }

// detectBy is detect reading the first object's keys with first, so that
// the tests can hold firstKeys to a reading by encoding/json's Decoder.
func detectBy(p []byte, first func([]byte) (Shape, keys)) (Shape, bool) {
	p = bytes.TrimPrefix(p, bom)
	p = bytes.TrimLeft(p, " \t\r\n")
	if len(p) == 0 {
		return Delivered, false
	}
	switch {
	case p[0] == '[':
		_, rec := first(p[1:])
		return Array, rec.record
	case timestampByte(p[0], true):
		// An export's line: a timestamp, a space, the record.
		i := 1
		for i < len(p) && i < maxTimestamp && timestampByte(p[i], false) {
			i++
		}
		if i+1 < len(p) && p[i] == ' ' && p[i+1] == '{' {
			if sh, k := first(p[i+1:]); sh == Lines && k.record {
				return CWLExport, true
			}
		}
		return Delivered, false
	case p[0] != '{':
		return Delivered, false
	}
	sh, k := first(p)
	switch sh {
	case Delivered, LookupEvents, CWLSubscription:
		return sh, k.decided
	case EventBridge:
		return sh, k.fromCloudTrail
	}
	return sh, k.record
}

// keys is what the top-level keys of an object show.
type keys struct {
	decided        bool // a key that names the shape by itself
	record         bool // a record's key
	fromCloudTrail bool // an EventBridge detail-type of CloudTrail's
}

// keyShapes tells the shapes apart from the top-level keys of an object,
// seen one at a time.
type keyShapes struct {
	keys
	detail, detailType bool
}

// see takes the next key, and returns the shape when the key names it by
// itself.
func (ks *keyShapes) see(name string) (Shape, bool) {
	switch name {
	case "Records":
		ks.decided = true
		return Delivered, true
	case "Events", "CloudTrailEvent":
		ks.decided = true
		return LookupEvents, true
	case "messageType", "logEvents":
		ks.decided = true
		return CWLSubscription, true
	case "detail":
		ks.detail = true
	case "detail-type":
		ks.detailType = true
	case "eventID", "eventVersion", "eventTime", "eventSource", "eventName":
		ks.record = true
	}
	return 0, false
}

// shape is the shape the keys seen show, when none named it by itself.
func (ks *keyShapes) shape() (Shape, keys) {
	switch {
	case ks.detail && ks.detailType:
		return EventBridge, ks.keys
	case ks.record:
		return Lines, ks.keys
	}
	return Delivered, ks.keys
}

// firstKeys returns the shape the keys of the object at the start of p
// show: a prefix cut inside the object still shows the keys before the
// cut. An object showing none is Delivered.
//
// It reads the object as encoding/json's Decoder does when asked for its
// tokens, a key (Token) and its value (Decode) at a time, and stops where
// the Decoder would fail: at a key, when what follows the last value is
// not a comma and a string; at a value, when what follows the key is not
// a colon and a whole, valid value (whatever comes after it), nested at
// most maxDepth deep. A key counts before its colon is read.
func firstKeys(p []byte) (Shape, keys) {
	var ks keyShapes
	w := walk{b: p}
	if !w.is('{') {
		return Delivered, ks.keys
	}
	for first := true; ; first = false {
		name, ok := w.key(first)
		if !ok {
			break
		}
		if sh, ok := ks.see(string(name)); ok {
			return sh, ks.keys
		}
		if !w.is(':') {
			break
		}
		at := w.i
		if !w.value() {
			break
		}
		if string(name) == "detail-type" {
			ks.fromCloudTrail = viaCloudTrail(p[at:w.i])
		}
	}
	return ks.shape()
}

// walk reads the JSON in b from i on, for firstKeys: each method reports
// false where b ends, or holds what JSON does not allow there.
type walk struct {
	b []byte
	i int
}

func (w *walk) space() {
	for w.i < len(w.b) && (w.b[w.i] == ' ' || w.b[w.i] == '\t' || w.b[w.i] == '\n' || w.b[w.i] == '\r') {
		w.i++
	}
}

// is consumes c, after any space, when it is next.
func (w *walk) is(c byte) bool {
	w.space()
	if w.i < len(w.b) && w.b[w.i] == c {
		w.i++
		return true
	}
	return false
}

// key consumes the comma before the key unless first, and the key,
// which it returns decoded but for invalid UTF-8, which decoding would
// replace: no key looked for holds any.
func (w *walk) key(first bool) ([]byte, bool) {
	if !first && !w.is(',') {
		return nil, false
	}
	w.space()
	at := w.i
	escaped, ok := w.str()
	if !ok {
		return nil, false
	}
	if escaped {
		var k string
		_ = json.Unmarshal(w.b[at:w.i], &k)
		return []byte(k), true
	}
	return w.b[at+1 : w.i-1], true
}

// member consumes the key, and its colon, of a member inside a value.
func (w *walk) member() bool {
	w.space()
	_, ok := w.str()
	return ok && w.is(':')
}

// str consumes the string at i, and reports whether it holds escapes.
func (w *walk) str() (escaped, ok bool) {
	if w.i >= len(w.b) || w.b[w.i] != '"' {
		return false, false
	}
	j := w.i + 1
	for {
		j += plain(w.b[j:])
		if j >= len(w.b) {
			return false, false
		}
		switch w.b[j] {
		case '"':
			w.i = j + 1
			return escaped, true
		case '\\':
			l, ok := escapeLen(w.b[j:])
			if !ok {
				return false, false
			}
			j += l
			escaped = true
		default:
			return false, false // a control character
		}
	}
}

// value consumes one value, its containers nested at most maxDepth deep,
// as the Decoder reads a value: whole, whatever follows it.
func (w *walk) value() bool {
	var open [64]byte
	stack := open[:0] // the containers open, each by its opening bracket
	for {
		w.space()
		if w.i >= len(w.b) {
			return false
		}
		switch c := w.b[w.i]; c {
		case '"':
			if _, ok := w.str(); !ok {
				return false
			}
		case '{', '[':
			if len(stack)+1 > maxDepth {
				return false
			}
			w.i++
			if w.is(c + 2) { // } or ], empty
				break
			}
			stack = append(stack, c)
			if c == '{' && !w.member() {
				return false
			}
			continue
		case 't', 'f', 'n':
			lit := "null"
			switch c {
			case 't':
				lit = "true"
			case 'f':
				lit = "false"
			}
			i, ok := literalAt(w.b, w.i, lit)
			if !ok {
				return false
			}
			w.i = i
		default:
			i, st := numberAt(w.b, w.i, numStart)
			if !st.whole() {
				return false
			}
			w.i = i
		}
		// After a value: close containers until one wants another.
		for {
			if len(stack) == 0 {
				return true
			}
			top := stack[len(stack)-1]
			if w.is(',') {
				if top == '{' && !w.member() {
					return false
				}
				break
			}
			if !w.is(top + 2) {
				return false
			}
			stack = stack[:len(stack)-1]
		}
	}
}

// viaCloudTrail reports whether the JSON value v, an EventBridge event's
// detail-type, is a string that ends "via CloudTrail", decoded. Without
// escapes a string is its bytes, but for invalid UTF-8, which decoding
// replaces a byte at a time and never with ASCII: the suffix is the same.
func viaCloudTrail(v []byte) bool {
	const suffix = "via CloudTrail"
	v = bytes.TrimLeft(v, " \t\r\n")
	if len(v) < 2 || v[0] != '"' {
		return false
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return bytes.HasSuffix(v[:len(v)-1], []byte(suffix))
	}
	var s string
	_ = json.Unmarshal(v, &s)
	return strings.HasSuffix(s, suffix)
}

var bom = []byte{0xef, 0xbb, 0xbf}

// read reads the document in whichever shape it has.
func (d *Reader) read(fn func(*Event) error) (int64, error) {
	s := &d.s
	d.ev.Embedded = false
	if !s.fill() {
		return d.document(fn)
	}
	s.skipBOM()
	d.shape = Detect(s.buf[s.i:s.n])
	switch d.shape {
	case Array:
		return d.array(fn)
	case Lines, EventBridge, LookupEvents, CWLSubscription:
		return d.objects(fn)
	case CWLExport:
		return d.exported(fn)
	}
	return d.document(fn)
}

// Shape returns the shape of the document last read.
func (d *Reader) Shape() Shape { return d.shape }

// array reads a bare array of records.
func (d *Reader) array(fn func(*Event) error) (int64, error) {
	s := &d.s
	n, err := d.records(func(ev *Event) error {
		if ev.EventID == "" {
			return fmt.Errorf("%w: element at byte %d has no eventID", ErrNotCloudTrail, ev.Offset)
		}
		return fn(ev)
	})
	if err != nil {
		return n, err
	}
	if _, err := s.nonSpace(); err == nil {
		return n, s.syntax("data after the end of the document")
	} else if s.rerr != io.EOF {
		return n, err
	}
	return n, nil
}

// objects reads a stream of objects, records or EventBridge events as
// d.shape says, separated by any whitespace.
func (d *Reader) objects(fn func(*Event) error) (int64, error) {
	s := &d.s
	var n int64
	for {
		c, err := s.nonSpace()
		if err != nil {
			if s.rerr == io.EOF {
				return n, nil
			}
			return n, err
		}
		if c != '{' {
			return n, fmt.Errorf("%w: the value at byte %d is not an object", ErrNotCloudTrail, s.pos())
		}
		at := s.pos()
		switch d.shape {
		case LookupEvents:
			// Its records, and a payload's, are in strings, each passed
			// on as it is read.
			if err := d.lookup(fn, &n); err != nil {
				return n, err
			}
			continue
		case CWLSubscription:
			if err := d.payload(fn, &n); err != nil {
				return n, err
			}
			continue
		case EventBridge:
			err = d.bridged()
		default:
			err = d.record(1)
		}
		if err != nil {
			return n, err
		}
		d.setFields()
		if err := d.emit(fn, &n, &d.ev, "object", at); err != nil {
			return n, err
		}
	}
}

// record reads the record whose { is at s.i, at depth (the nesting of
// its members), by the fast path where it can, and locates it.
func (d *Reader) record(depth int) error {
	s := &d.s
	start := s.pos()
	d.ev.Offset = start
	s.clearRecord()
	if d.fastRecord() {
		d.fast++
	} else {
		s.clearRecord() // what the fast path set before it gave up
		s.i++
		if err := d.object(lvRecord, depth); err != nil {
			return err
		}
	}
	d.ev.Length = s.pos() - start
	return nil
}

// bridged reads an EventBridge event whose { is at s.i: its record is the
// object in detail, the last one if detail repeats, as in a full parse.
func (d *Reader) bridged() error {
	s := &d.s
	s.i++
	seen := false
	err := s.eachMember(func(k []byte) error {
		if string(k) != "detail" {
			return s.skip(1)
		}
		c, err := s.nonSpace()
		if err != nil {
			return err
		}
		if c != '{' {
			return fmt.Errorf("%w: detail at byte %d is not an object", ErrNotCloudTrail, s.pos())
		}
		if err := d.record(2); err != nil {
			return err
		}
		// The fast path leaves the fields in the buffer, which the
		// members after detail may refill.
		if s.inBuf {
			s.gather()
		}
		seen = true
		return nil
	})
	if err != nil {
		return err
	}
	if !seen {
		s.clearRecord()
		d.ev.Offset, d.ev.Length = 0, 0
	}
	return nil
}
