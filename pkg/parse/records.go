package parse

import (
	"fmt"
	"io"
)

// Records reads one CloudTrail log document, {"Records":[...]}, from r
// (already decompressed) and calls fn for each record in order. It returns
// the number of records read, including those before an error.
//
// The *Event passed to fn is reused for the next record: copy what you keep.
// An error from fn stops the read and is returned as is.
func Records(r io.Reader, fn func(*Event) error) (int64, error) {
	s := newScanner(r)
	return s.document(fn)
}

func (s *scanner) document(fn func(*Event) error) (int64, error) {
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
	err = s.members(func(k string) error {
		if k != "Records" {
			return s.skip(0)
		}
		if seen {
			return s.syntax("duplicate Records key")
		}
		seen = true
		var err error
		n, err = s.records(fn)
		return err
	})
	if err != nil {
		return n, err
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

// members reads the members of an object whose { is consumed, calling fn
// after each key; fn must consume the value.
func (s *scanner) members(fn func(key string) error) error {
	c, err := s.nonSpace()
	if err != nil {
		return err
	}
	if c == '}' {
		s.i++
		return nil
	}
	for {
		k, err := s.key()
		if err != nil {
			return err
		}
		if err := fn(k); err != nil {
			return err
		}
		c, err := s.nonSpace()
		if err != nil {
			return err
		}
		s.i++
		switch c {
		case ',':
		case '}':
			return nil
		default:
			s.i--
			return s.syntax("invalid character %q after object value", c)
		}
	}
}

// object reads a value that must be an object or null, calling fn for each
// key; depth is the nesting of the container holding the value.
func (s *scanner) object(depth int, field string, fn func(key string) error) error {
	c, err := s.nonSpace()
	if err != nil {
		return err
	}
	switch c {
	case '{':
		if depth+1 > maxDepth {
			return s.syntax("exceeded max depth")
		}
		s.i++
		return s.members(fn)
	case 'n':
		return s.literal("null")
	}
	return s.syntax("%s: want an object, found %q", field, c)
}

func (s *scanner) records(fn func(*Event) error) (int64, error) {
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
	var ev Event
	var n int64
	field := func(k string) error { return s.field(&ev, k) }
	for {
		if c, err = s.nonSpace(); err != nil {
			return n, err
		}
		if c != '{' {
			return n, fmt.Errorf("%w: record %d is not an object", ErrNotCloudTrail, n+1)
		}
		start := s.pos()
		s.i++
		ev = Event{Offset: start}
		if err := s.members(field); err != nil {
			return n, err
		}
		ev.Length = s.pos() - start
		n++
		if err := fn(&ev); err != nil {
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

// field reads the value of one record member. Later duplicates of a key
// replace earlier ones, as in a full parse into a map.
func (s *scanner) field(ev *Event, k string) (err error) {
	switch k {
	case "eventTime":
		ev.EventTime, err = s.text(k)
	case "eventSource":
		ev.EventSource, err = s.text(k)
	case "eventName":
		ev.EventName, err = s.text(k)
	case "eventType":
		ev.EventType, err = s.text(k)
	case "awsRegion":
		ev.AWSRegion, err = s.text(k)
	case "recipientAccountId":
		ev.RecipientAccountID, err = s.text(k)
	case "eventID":
		ev.EventID, err = s.text(k)
	case "readOnly":
		ev.ReadOnly, err = s.boolean(k)
	case "errorCode":
		ev.ErrorCode, err = s.text(k)
	case "errorMessage":
		ev.ErrorMessage, err = s.text(k)
	case "sourceIPAddress":
		ev.SourceIPAddress, err = s.text(k)
	case "userAgent":
		ev.UserAgent, err = s.text(k)
	case "userIdentity":
		ev.UserIdentity = Identity{}
		err = s.object(1, k, func(k string) error { return s.identity(&ev.UserIdentity, k) })
	case "serviceEventDetails":
		ev.CaseID, ev.PermitRequestARN = "", ""
		err = s.object(1, k, func(k string) error { return s.details(ev, k) })
	default:
		err = s.skip(1)
	}
	return err
}

func (s *scanner) identity(id *Identity, k string) (err error) {
	switch k {
	case "type":
		id.Type, err = s.text("userIdentity.type")
	case "arn":
		id.ARN, err = s.text("userIdentity.arn")
	case "accountId":
		id.AccountID, err = s.text("userIdentity.accountId")
	case "principalId":
		id.PrincipalID, err = s.text("userIdentity.principalId")
	case "invokedBy":
		id.InvokedBy, err = s.text("userIdentity.invokedBy")
	case "sessionContext":
		id.Issuer = Issuer{}
		err = s.object(2, "userIdentity.sessionContext", func(k string) error {
			if k != "sessionIssuer" {
				return s.skip(3)
			}
			id.Issuer = Issuer{}
			return s.object(3, "sessionIssuer", func(k string) error { return s.issuer(&id.Issuer, k) })
		})
	default:
		err = s.skip(2)
	}
	return err
}

func (s *scanner) issuer(is *Issuer, k string) (err error) {
	switch k {
	case "type":
		is.Type, err = s.text("sessionIssuer.type")
	case "arn":
		is.ARN, err = s.text("sessionIssuer.arn")
	case "userName":
		is.UserName, err = s.text("sessionIssuer.userName")
	case "accountId":
		is.AccountID, err = s.text("sessionIssuer.accountId")
	default:
		err = s.skip(4)
	}
	return err
}

func (s *scanner) details(ev *Event, k string) (err error) {
	switch k {
	case "supportCaseDisplayId":
		ev.CaseID, err = s.text("serviceEventDetails.supportCaseDisplayId")
	case "supportPermitRequestArn":
		ev.PermitRequestARN, err = s.text("serviceEventDetails.supportPermitRequestArn")
	default:
		err = s.skip(2)
	}
	return err
}

// skip consumes one value of any kind without keeping it. depth is the
// nesting of the container holding the value.
func (s *scanner) skip(depth int) error {
	stack := s.stack[:0]
	defer func() { s.stack = stack[:0] }()
	for {
		if err := s.skipScalarOrOpen(&stack, depth); err != nil {
			return err
		}
		// After a value: close containers until one wants another element.
		for {
			if len(stack) == 0 {
				return nil
			}
			c, err := s.nonSpace()
			if err != nil {
				return err
			}
			s.i++
			top := stack[len(stack)-1]
			if c == ',' {
				if top == '{' {
					if err := s.skipKey(); err != nil {
						return err
					}
				}
				break
			}
			if top == '{' && c == '}' || top == '[' && c == ']' {
				stack = stack[:len(stack)-1]
				continue
			}
			s.i--
			return s.syntax("invalid character %q after %s element", c, containerName(top))
		}
	}
}

// skipScalarOrOpen consumes a scalar, an empty container, or the opening of
// a container (pushed on the stack, with its first key if an object).
func (s *scanner) skipScalarOrOpen(stack *[]byte, depth int) error {
	for {
		c, err := s.nonSpace()
		if err != nil {
			return err
		}
		switch c {
		case '{', '[':
			if depth+len(*stack)+1 > maxDepth {
				return s.syntax("exceeded max depth")
			}
			s.i++
			end := byte('}')
			if c == '[' {
				end = ']'
			}
			next, err := s.nonSpace()
			if err != nil {
				return err
			}
			if next == end {
				s.i++
				return nil
			}
			*stack = append(*stack, c)
			if c == '{' {
				if err := s.skipKey(); err != nil {
					return err
				}
			}
			continue
		case '"':
			s.i++
			_, err = s.str(0)
		case 't':
			err = s.literal("true")
		case 'f':
			err = s.literal("false")
		case 'n':
			err = s.literal("null")
		default:
			err = s.number()
		}
		return err
	}
}

func (s *scanner) skipKey() error {
	if err := s.expect('"'); err != nil {
		return err
	}
	if _, err := s.str(0); err != nil {
		return err
	}
	return s.expect(':')
}

func containerName(c byte) string {
	if c == '{' {
		return "object"
	}
	return "array"
}
