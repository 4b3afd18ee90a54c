package parse

import (
	"fmt"
	"io"
)

// Lookup-events output and CloudWatch Logs subscription payloads both hold
// each record as a JSON string in a member of a wrapper object (an Event's
// CloudTrailEvent, a log event's message), the wrappers in an array (a
// page's Events, a payload's logEvents). What follows reads both.

// wrappers reads the array of wrapper objects in the member named what,
// each holding its record in the string in key.
func (d *Reader) wrappers(what, key string, fn func(*Event) error, n *int64) error {
	return d.s.eachObject(what, func() error { return d.wrapped(key, fn, n) })
}

// wrapped reads a wrapper object whose { is at s.i and passes on the
// record in the string in key: the last one if key repeats, as in a full
// parse.
func (d *Reader) wrapped(key string, fn func(*Event) error, n *int64) error {
	s := &d.s
	at := s.pos()
	s.i++
	var ev *Event
	err := s.eachMember(func(k []byte) error {
		if string(k) == key {
			var err error
			ev, err = d.embedded(key)
			return err
		}
		return s.skip(2)
	})
	if err != nil {
		return err
	}
	return d.emit(fn, n, ev, "object", at)
}

// emit passes on ev, the event read from the object (or line, as what
// says) at byte at, if any, counting it in n.
func (d *Reader) emit(fn func(*Event) error, n *int64, ev *Event, what string, at int64) error {
	if ev == nil || ev.EventID == "" {
		return fmt.Errorf("%w: the %s at byte %d holds no record with an eventID", ErrNotCloudTrail, what, at)
	}
	*n++
	return fn(ev)
}

// eachObject reads the array in the member named what, calling each with
// s.i at the { of each element, which must be an object.
func (s *scanner) eachObject(what string, each func() error) error {
	c, err := s.nonSpace()
	if err != nil {
		return err
	}
	if c != '[' {
		return fmt.Errorf("%w: %s at byte %d is not an array", ErrNotCloudTrail, what, s.pos())
	}
	s.i++
	for first := true; ; first = false {
		if c, err = s.nonSpace(); err != nil {
			return err
		}
		if c == ']' && first {
			s.i++
			return nil
		}
		if !first {
			s.i++
			switch c {
			case ']':
				return nil
			case ',':
			default:
				s.i--
				return s.syntax("invalid character %q after array element", c)
			}
			if c, err = s.nonSpace(); err != nil {
				return err
			}
		}
		if c != '{' {
			return fmt.Errorf("%w: an element of %s at byte %d is not an object", ErrNotCloudTrail, what, s.pos())
		}
		if err := each(); err != nil {
			return err
		}
	}
}

// embedded reads the record in the string at s.i, the value of key,
// decoding the string as it parses it, and locates the string: evidence
// decodes it again from there. The event it returns is the inner
// reader's, not copied: the next record in a string overwrites it, as the
// next record overwrites d.ev.
func (d *Reader) embedded(key string) (*Event, error) {
	s := &d.s
	c, err := s.nonSpace()
	if err != nil {
		return nil, err
	}
	start := s.pos()
	if c != '"' {
		return nil, fmt.Errorf("%w: %s at byte %d is not a string", ErrNotCloudTrail, key, start)
	}
	s.i++
	d.unq.reset(s)
	// The string is decoded by the vector code the buffer is indexed
	// with, or, without an index, as on a CPU without one, by none.
	d.unq.scalar, d.unq.noAVX512 = d.opts.NoIndex, d.opts.NoAVX512
	if d.inner == nil {
		d.inner = NewReader(&d.unq, d.opts)
	} else {
		d.inner.Reset(&d.unq)
	}
	in := d.inner
	in.transient = d.transient
	if err := in.one(); err != nil {
		return nil, fmt.Errorf("the record in the string at byte %d: %w", start, err)
	}
	ev := &in.ev
	ev.Offset, ev.Length, ev.Embedded = start, s.pos()-start, true
	return ev, nil
}

// one reads a document holding one record.
func (d *Reader) one() error {
	s := &d.s
	c, err := s.nonSpace()
	if err != nil {
		if s.rerr == io.EOF {
			return fmt.Errorf("%w: no record", ErrNotCloudTrail)
		}
		return err
	}
	if c != '{' {
		return fmt.Errorf("%w: not an object", ErrNotCloudTrail)
	}
	if err := d.record(1); err != nil {
		return err
	}
	d.setFields()
	return s.end("data after the record")
}

// end checks that only space is left of the stream, reporting what else
// is there as msg. The end it looks for is no error, and costs none.
func (s *scanner) end(msg string) error {
	for {
		for ; s.i < s.n; s.i++ {
			if c := s.buf[s.i]; c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				return s.syntax("%s", msg)
			}
		}
		if !s.fill() {
			if s.rerr != io.EOF {
				return s.eof()
			}
			return nil
		}
	}
}
