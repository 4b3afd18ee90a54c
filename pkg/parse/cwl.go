package parse

import (
	"fmt"
	"io"
)

// The message types of a CloudWatch Logs subscription payload: only data
// messages hold events; control messages (CloudWatch Logs checking that
// the destination is reachable) hold none.
const (
	dataMessage    = "DATA_MESSAGE"
	controlMessage = "CONTROL_MESSAGE"
)

// payload reads a CloudWatch Logs subscription payload whose { is at s.i:
// {"messageType", ..., "logEvents": [{"id", "timestamp", "message"}]},
// each message holding a record as a JSON string. The events of a payload
// whose messageType, read first, says it holds no data are skipped.
func (d *Reader) payload(fn func(*Event) error, n *int64) error {
	s := &d.s
	at := s.pos()
	s.i++
	kind, read := "", false
	for first := true; ; first = false {
		k, done, err := s.member(first)
		if err != nil {
			return err
		}
		if done {
			break
		}
		switch string(k) {
		case "messageType":
			if kind, err = d.messageType(); err != nil {
				return err
			}
			if read && kind != dataMessage {
				return fmt.Errorf("%w: the payload at byte %d is a %s after its logEvents", ErrNotCloudTrail, at, kind)
			}
		case "logEvents":
			if kind == controlMessage {
				err = s.skip(1)
			} else {
				read = true
				err = d.logEvents(fn, n)
			}
		default:
			err = s.skip(1)
		}
		if err != nil {
			return err
		}
	}
	if kind == "" {
		return fmt.Errorf("%w: the object at byte %d is no subscription payload: it has no messageType", ErrNotCloudTrail, at)
	}
	return nil
}

// messageType reads the value of a payload's messageType, which must be
// one of the two types CloudWatch Logs sends: another may hold events
// that a scan would silently miss.
func (d *Reader) messageType() (string, error) {
	s := &d.s
	c, err := s.nonSpace()
	if err != nil {
		return "", err
	}
	at := s.pos()
	if c != '"' {
		return "", fmt.Errorf("%w: messageType at byte %d is not a string", ErrNotCloudTrail, at)
	}
	s.i++
	d.mtype = d.mtype[:0]
	// Room for the type written in \u escapes, as encoding/json reads it.
	kept, escaped, err := s.keepStr(&d.mtype, 6*len(controlMessage))
	if err != nil {
		return "", err
	}
	t := string(d.mtype)
	if kept && escaped {
		if t, err = s.decode(d.mtype); err != nil {
			return "", err
		}
	}
	if !kept || t != dataMessage && t != controlMessage {
		return "", fmt.Errorf("%w: messageType at byte %d is neither %s nor %s", ErrNotCloudTrail, at, dataMessage, controlMessage)
	}
	return t, nil
}

// logEvents reads the array of a payload's log events, each holding its
// record in message.
func (d *Reader) logEvents(fn func(*Event) error, n *int64) error {
	s := &d.s
	c, err := s.nonSpace()
	if err != nil {
		return err
	}
	if c != '[' {
		return fmt.Errorf("%w: logEvents at byte %d is not an array", ErrNotCloudTrail, s.pos())
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
			return fmt.Errorf("%w: an element of logEvents at byte %d is not an object", ErrNotCloudTrail, s.pos())
		}
		if err := d.logEvent(fn, n); err != nil {
			return err
		}
	}
}

// logEvent reads one log event of a payload, whose { is at s.i; a message
// repeated replaces the one before, as in a full parse.
func (d *Reader) logEvent(fn func(*Event) error, n *int64) error {
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
		if string(k) != "message" {
			if err := s.skip(2); err != nil {
				return err
			}
			continue
		}
		c, err := s.nonSpace()
		if err != nil {
			return err
		}
		if c != '"' {
			return fmt.Errorf("%w: message at byte %d is not a string", ErrNotCloudTrail, s.pos())
		}
		if err := d.embedded(); err != nil {
			return err
		}
	}
	return d.emit(fn, n, at)
}

// exported reads a CloudWatch Logs export: one event a line, each a
// timestamp, a space and the record.
func (d *Reader) exported(fn func(*Event) error) (int64, error) {
	s := &d.s
	var n int64
	for {
		if _, err := s.nonSpace(); err != nil {
			if s.rerr == io.EOF {
				return n, nil
			}
			return n, err
		}
		at := s.pos()
		if err := s.timestamp(); err != nil {
			return n, err
		}
		if s.i >= s.n && !s.fill() {
			return n, s.eof()
		}
		if s.buf[s.i] != '{' {
			return n, fmt.Errorf("%w: the line at byte %d holds no record after its timestamp", ErrNotCloudTrail, at)
		}
		if err := d.record(1); err != nil {
			return n, err
		}
		d.setFields()
		if d.ev.EventID == "" {
			return n, fmt.Errorf("%w: the line at byte %d holds no record with an eventID", ErrNotCloudTrail, at)
		}
		n++
		if err := fn(&d.ev); err != nil {
			return n, err
		}
	}
}

// maxTimestamp is longer than any ISO 8601 time CloudWatch Logs writes.
const maxTimestamp = 40

// timestamp consumes the timestamp that starts a line of an export, and
// the one space after it.
func (s *scanner) timestamp() error {
	at := s.pos()
	for m := 0; ; m++ {
		if s.i >= s.n && !s.fill() {
			return s.eof()
		}
		c := s.buf[s.i]
		if c == ' ' && m > 0 {
			s.i++
			return nil
		}
		if m == maxTimestamp || !timestampByte(c, m == 0) {
			return fmt.Errorf("%w: the line at byte %d does not start with a timestamp and a space", ErrNotCloudTrail, at)
		}
		s.i++
	}
}

// timestampByte reports whether c may be in an ISO 8601 time (the first
// byte when first), as CloudWatch Logs writes one before each event of an
// export: 2026-10-01T12:00:00.000Z.
func timestampByte(c byte, first bool) bool {
	switch {
	case c >= '0' && c <= '9':
		return true
	case first:
		return false
	}
	return c == '-' || c == ':' || c == '.' || c == '+' || c == 'T' || c == 'Z'
}
