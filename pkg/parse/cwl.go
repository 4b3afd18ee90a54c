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
	err := s.eachMember(func(k []byte) error {
		var err error
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
				err = d.wrappers("logEvents", "message", fn, n)
			}
		default:
			err = s.skip(1)
		}
		return err
	})
	if err != nil {
		return err
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
		if err := d.emit(fn, &n, &d.ev, "line", at); err != nil {
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
