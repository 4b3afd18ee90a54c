package parse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
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
	}
	return "delivered"
}

// Detect returns the shape of the document that starts with prefix, the
// first bytes of the decompressed stream. A prefix that shows no other
// shape is Delivered, so that reading it reports what is wrong with it.
func Detect(prefix []byte) Shape {
	p := bytes.TrimPrefix(prefix, bom)
	p = bytes.TrimLeft(p, " \t\r\n")
	if len(p) == 0 {
		return Delivered
	}
	if p[0] == '[' {
		return Array
	}
	if p[0] != '{' {
		return Delivered
	}
	// The top-level keys of the first object tell the shapes apart; a
	// prefix cut inside the object still shows the keys before the cut.
	d := json.NewDecoder(bytes.NewReader(p))
	if _, err := d.Token(); err != nil {
		return Delivered
	}
	var detail, detailType, record bool
	for d.More() {
		t, err := d.Token()
		if err != nil {
			break
		}
		k, _ := t.(string)
		switch k {
		case "Records":
			return Delivered
		case "Events", "CloudTrailEvent":
			return LookupEvents
		case "detail":
			detail = true
		case "detail-type":
			detailType = true
		case "eventID", "eventVersion", "eventTime", "eventSource", "eventName":
			record = true
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			break
		}
	}
	switch {
	case detail && detailType:
		return EventBridge
	case record:
		return Lines
	}
	return Delivered
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
	case Lines, EventBridge, LookupEvents:
		return d.objects(fn)
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
		if d.shape == LookupEvents {
			if err := d.lookup(fn, &n); err != nil {
				return n, err
			}
			continue
		}
		if d.shape == EventBridge {
			err = d.bridged()
		} else {
			err = d.record(1)
		}
		if err != nil {
			return n, err
		}
		d.setFields()
		if d.ev.EventID == "" {
			return n, fmt.Errorf("%w: the object at byte %d holds no record with an eventID", ErrNotCloudTrail, at)
		}
		n++
		if err := fn(&d.ev); err != nil {
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
		s.clearRecord()
		s.i++
		if err := d.object(lvRecord, depth); err != nil {
			return err
		}
	}
	d.ev.Length = s.pos() - start
	return nil
}

// event reads an EventBridge event whose { is at s.i: its record is the
// object in detail, the last one if detail repeats, as in a full parse.
func (d *Reader) bridged() error {
	s := &d.s
	s.i++
	seen := false
	for first := true; ; first = false {
		k, done, err := s.member(first)
		if err != nil {
			return err
		}
		if done {
			break
		}
		if string(k) != "detail" {
			if err := s.skip(1); err != nil {
				return err
			}
			continue
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
	}
	if !seen {
		s.clearRecord()
		d.ev.Offset, d.ev.Length = 0, 0
	}
	return nil
}
