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
func detect(p []byte) (Shape, bool) {
	p = bytes.TrimPrefix(p, bom)
	p = bytes.TrimLeft(p, " \t\r\n")
	if len(p) == 0 {
		return Delivered, false
	}
	switch {
	case p[0] == '[':
		_, rec := firstKeys(p[1:])
		return Array, rec.record
	case timestampByte(p[0], true):
		// An export's line: a timestamp, a space, the record.
		i := 1
		for i < len(p) && i < maxTimestamp && timestampByte(p[i], false) {
			i++
		}
		if i+1 < len(p) && p[i] == ' ' && p[i+1] == '{' {
			if sh, k := firstKeys(p[i+1:]); sh == Lines && k.record {
				return CWLExport, true
			}
		}
		return Delivered, false
	case p[0] != '{':
		return Delivered, false
	}
	sh, k := firstKeys(p)
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

// firstKeys returns the shape the keys of the object at the start of p
// show: a prefix cut inside the object still shows the keys before the
// cut. An object showing none is Delivered.
func firstKeys(p []byte) (Shape, keys) {
	var k keys
	d := json.NewDecoder(bytes.NewReader(p))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return Delivered, k
	}
	var detail, detailType bool
	for d.More() {
		t, err := d.Token()
		if err != nil {
			break
		}
		name, _ := t.(string)
		k.decided = true
		switch name {
		case "Records":
			return Delivered, k
		case "Events", "CloudTrailEvent":
			return LookupEvents, k
		case "messageType", "logEvents":
			return CWLSubscription, k
		}
		k.decided = false
		switch name {
		case "detail":
			detail = true
		case "detail-type":
			detailType = true
		case "eventID", "eventVersion", "eventTime", "eventSource", "eventName":
			k.record = true
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			break
		}
		if name == "detail-type" {
			var dt string
			_ = json.Unmarshal(v, &dt)
			k.fromCloudTrail = strings.HasSuffix(dt, "via CloudTrail")
		}
	}
	switch {
	case detail && detailType:
		return EventBridge, k
	case k.record:
		return Lines, k
	}
	return Delivered, k
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
		if err := d.emit(fn, &n, "object", at); err != nil {
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
