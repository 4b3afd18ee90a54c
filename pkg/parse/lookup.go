package parse

import (
	"fmt"
	"io"
)

// lookup reads a top-level object of `aws cloudtrail lookup-events`
// output whose { is at s.i: a page, {"Events":[...],"NextToken":...}, or
// one Event, as written one a line. Each Event holds its record as a
// string, CloudTrailEvent.
func (d *Reader) lookup(fn func(*Event) error, n *int64) error {
	s := &d.s
	at := s.pos()
	s.i++
	d.ev = Event{}
	page, event := false, false
	for first := true; ; first = false {
		k, done, err := s.member(first)
		if err != nil {
			return err
		}
		if done {
			break
		}
		switch string(k) {
		case "Events":
			page = true
			err = d.page(fn, n)
		case "CloudTrailEvent":
			event = true
			err = d.embedded()
		default:
			err = s.skip(1)
		}
		if err != nil {
			return err
		}
		if page && event {
			return fmt.Errorf("%w: the object at byte %d is both a page of events and an event", ErrNotCloudTrail, at)
		}
	}
	if page {
		return nil
	}
	return d.emit(fn, n, at)
}

// emit passes on the event embedded in the object at byte at.
func (d *Reader) emit(fn func(*Event) error, n *int64, at int64) error {
	if d.ev.EventID == "" {
		return fmt.Errorf("%w: the object at byte %d holds no record with an eventID", ErrNotCloudTrail, at)
	}
	*n++
	return fn(&d.ev)
}

// page reads the array of Events of a page.
func (d *Reader) page(fn func(*Event) error, n *int64) error {
	s := &d.s
	c, err := s.nonSpace()
	if err != nil {
		return err
	}
	if c != '[' {
		return fmt.Errorf("%w: Events at byte %d is not an array", ErrNotCloudTrail, s.pos())
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
			return fmt.Errorf("%w: an element of Events at byte %d is not an object", ErrNotCloudTrail, s.pos())
		}
		if err := d.event(fn, n); err != nil {
			return err
		}
	}
}

// event reads one Event of a page, whose { is at s.i.
func (d *Reader) event(fn func(*Event) error, n *int64) error {
	s := &d.s
	at := s.pos()
	s.i++
	d.ev = Event{}
	for first := true; ; first = false {
		k, done, err := s.member(first)
		if err != nil {
			return err
		}
		if done {
			break
		}
		if string(k) == "CloudTrailEvent" {
			err = d.embedded()
		} else {
			err = s.skip(2)
		}
		if err != nil {
			return err
		}
	}
	return d.emit(fn, n, at)
}

// embedded reads the record in the string at s.i into d.ev, decoding the
// string as it parses it, and locates the string: evidence decodes it
// again from there.
func (d *Reader) embedded() error {
	s := &d.s
	c, err := s.nonSpace()
	if err != nil {
		return err
	}
	start := s.pos()
	if c != '"' {
		return fmt.Errorf("%w: CloudTrailEvent at byte %d is not a string", ErrNotCloudTrail, start)
	}
	s.i++
	d.unq.reset(s)
	if d.inner == nil {
		d.inner = NewReader(&d.unq, d.opts)
	} else {
		d.inner.Reset(&d.unq)
	}
	in := d.inner
	in.transient = d.transient
	if err := in.one(); err != nil {
		return fmt.Errorf("the record in the string at byte %d: %w", start, err)
	}
	d.ev = in.ev
	d.ev.Offset, d.ev.Length, d.ev.Embedded = start, s.pos()-start, true
	return nil
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
