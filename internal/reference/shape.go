package reference

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/trailscan/trailscan/pkg/parse"
)

// prefix is how much of a document parse.Reader shows parse.Detect: its
// first buffer.
const prefix = 256 << 10

// Records has the contract of parse.Records, in every shape it reads.
// It holds the whole document, which an oracle may.
func Records(r io.Reader, fn func(*parse.Event) error) (int64, error) {
	all, err := io.ReadAll(r)
	if err != nil {
		return 0, err
	}
	shape := parse.Detect(all[:min(len(all), prefix)])
	var skipped int64
	if bytes.HasPrefix(all, []byte{0xef, 0xbb, 0xbf}) {
		all, skipped = all[3:], 3
	}
	located := func(ev *parse.Event) error {
		ev.Offset += skipped
		return fn(ev)
	}
	switch shape {
	case parse.Array:
		return array(all, located)
	case parse.Lines, parse.EventBridge:
		return objects(all, shape == parse.EventBridge, located)
	case parse.LookupEvents:
		return lookup(all, located)
	case parse.CWLSubscription:
		return payloads(all, located)
	case parse.CWLExport:
		return exported(all, located)
	}
	if skipped > 0 && len(bytes.TrimLeft(all, " \t\r\n")) == 0 {
		return 0, fmt.Errorf("nothing after the byte order mark")
	}
	return delivered(bytes.NewReader(all), located)
}

func array(all []byte, fn func(*parse.Event) error) (int64, error) {
	d := json.NewDecoder(bytes.NewReader(all))
	d.UseNumber()
	n, err := records(d, func(ev *parse.Event) error {
		if ev.EventID == "" {
			return fmt.Errorf("%w: element without an eventID", parse.ErrNotCloudTrail)
		}
		return fn(ev)
	})
	if err != nil {
		return n, err
	}
	if _, err := d.Token(); err != io.EOF {
		return n, fmt.Errorf("data after the end of the document: %v", err)
	}
	return n, nil
}

// eachObjectOf calls fn with each of the whitespace-separated values of
// all, which must be objects, and its offset.
func eachObject(all []byte, fn func(raw json.RawMessage, start int64) error) error {
	d := json.NewDecoder(bytes.NewReader(all))
	d.UseNumber()
	for {
		var raw json.RawMessage
		if err := d.Decode(&raw); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if raw[0] != '{' {
			return fmt.Errorf("%w: a value is not an object", parse.ErrNotCloudTrail)
		}
		if err := fn(raw, d.InputOffset()-int64(len(raw))); err != nil {
			return err
		}
	}
}

// objects reads whitespace-separated objects: records, or EventBridge
// events whose record is their last detail member.
func objects(all []byte, events bool, fn func(*parse.Event) error) (int64, error) {
	var n int64
	err := eachObject(all, func(raw json.RawMessage, start int64) error {
		rec, at := raw, int64(0)
		if events {
			var err error
			if rec, at, err = detail(raw); err != nil {
				return err
			}
		}
		ev := parse.Event{}
		if rec != nil {
			m, err := object(rec)
			if err != nil {
				return err
			}
			ev = parse.Event{Offset: start + at, Length: int64(len(rec))}
			if err := recordNode.read(m, &ev); err != nil {
				return err
			}
		}
		return emit(fn, &n, &ev, "an object")
	})
	return n, err
}

// detail returns the value of the last detail member of the event, and
// its offset in the event, or nil when there is none.
func detail(event json.RawMessage) (json.RawMessage, int64, error) {
	d := json.NewDecoder(bytes.NewReader(event))
	d.UseNumber()
	if _, err := d.Token(); err != nil {
		return nil, 0, err
	}
	var rec json.RawMessage
	var at int64
	err := members(d, func(k string) error {
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return err
		}
		if k == "detail" {
			if v[0] != '{' {
				return fmt.Errorf("%w: detail is not an object", parse.ErrNotCloudTrail)
			}
			rec, at = v, d.InputOffset()-int64(len(v))
		}
		return nil
	})
	return rec, at, err
}

// located is a value and where it starts in what holds it.
type placed struct {
	key string
	val json.RawMessage
	at  int64
}

// eachObjectOf calls fn with each element of the member m, in order, which
// must be an array of objects: an element that is not fails where it
// stands, after fn has had the ones before it.
func eachObjectOf(m placed, fn func(e placed) error) error {
	if m.val[0] != '[' {
		return fmt.Errorf("%w: %s is not an array", parse.ErrNotCloudTrail, m.key)
	}
	es, err := elements(m.val)
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.val[0] != '{' {
			return fmt.Errorf("%w: an element of %s is not an object", parse.ErrNotCloudTrail, m.key)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// elements splits a container's members (an object's, keys set) or
// elements (an array's), locating each.
func elements(raw json.RawMessage) ([]placed, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	var out []placed
	for d.More() {
		var k string
		if t == json.Delim('{') {
			kt, err := d.Token()
			if err != nil {
				return nil, err
			}
			k = kt.(string)
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, placed{k, v, d.InputOffset() - int64(len(v))})
	}
	return out, nil
}

// lookup reads the pages and Events of lookup-events output.
func lookup(all []byte, fn func(*parse.Event) error) (int64, error) {
	var n int64
	readEvent := func(obj json.RawMessage, at int64) error {
		ms, err := elements(obj)
		if err != nil {
			return err
		}
		var ev parse.Event
		for _, m := range ms {
			if m.key == "CloudTrailEvent" {
				if ev, err = embedded(m.val, at+m.at); err != nil {
					return err
				}
			}
		}
		return emit(fn, &n, &ev, "an Event")
	}
	err := eachObject(all, func(raw json.RawMessage, start int64) error {
		ms, err := elements(raw)
		if err != nil {
			return err
		}
		page, event := false, false
		for _, m := range ms {
			switch m.key {
			case "Events":
				page = true
			case "CloudTrailEvent":
				event = true
			}
		}
		if page && event {
			return fmt.Errorf("%w: both a page and an event", parse.ErrNotCloudTrail)
		}
		if !page {
			return readEvent(raw, start)
		}
		for _, m := range ms {
			if m.key != "Events" {
				continue
			}
			err := eachObjectOf(m, func(e placed) error { return readEvent(e.val, start+m.at+e.at) })
			if err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// embedded reads the record in the JSON string str, which starts at at.
func embedded(str json.RawMessage, at int64) (parse.Event, error) {
	if str[0] != '"' {
		return parse.Event{}, fmt.Errorf("%w: CloudTrailEvent is not a string", parse.ErrNotCloudTrail)
	}
	var inner string
	if err := json.Unmarshal(str, &inner); err != nil {
		return parse.Event{}, err
	}
	d := json.NewDecoder(strings.NewReader(inner))
	d.UseNumber()
	var rec json.RawMessage
	if err := d.Decode(&rec); err == io.EOF {
		return parse.Event{}, fmt.Errorf("%w: no record", parse.ErrNotCloudTrail)
	} else if err != nil {
		return parse.Event{}, err
	}
	if _, err := d.Token(); err != io.EOF {
		return parse.Event{}, fmt.Errorf("data after the record: %v", err)
	}
	m, err := object(rec)
	if err != nil {
		return parse.Event{}, err
	}
	if m == nil {
		return parse.Event{}, fmt.Errorf("%w: not an object", parse.ErrNotCloudTrail)
	}
	ev := parse.Event{Offset: at, Length: int64(len(str)), Embedded: true}
	return ev, recordNode.read(m, &ev)
}

// payloads reads CloudWatch Logs subscription payloads, back to back: the
// log events of each whose messageType says it holds data, in order.
func payloads(all []byte, fn func(*parse.Event) error) (int64, error) {
	var n int64
	err := eachObject(all, func(raw json.RawMessage, start int64) error {
		ms, err := elements(raw)
		if err != nil {
			return err
		}
		kind, read := "", false
		for _, m := range ms {
			switch m.key {
			case "messageType":
				if err := json.Unmarshal(m.val, &kind); err != nil {
					return fmt.Errorf("%w: messageType is not a string", parse.ErrNotCloudTrail)
				}
				if kind != "DATA_MESSAGE" && kind != "CONTROL_MESSAGE" {
					return fmt.Errorf("%w: messageType %q", parse.ErrNotCloudTrail, kind)
				}
				if read && kind != "DATA_MESSAGE" {
					return fmt.Errorf("%w: a %s after its logEvents", parse.ErrNotCloudTrail, kind)
				}
			case "logEvents":
				if kind == "CONTROL_MESSAGE" {
					continue
				}
				read = true
				err := eachObjectOf(m, func(e placed) error {
					fields, err := elements(e.val)
					if err != nil {
						return err
					}
					var ev parse.Event
					for _, f := range fields {
						if f.key != "message" {
							continue
						}
						if ev, err = embedded(f.val, start+m.at+e.at+f.at); err != nil {
							return err
						}
					}
					return emit(fn, &n, &ev, "a log event")
				})
				if err != nil {
					return err
				}
			}
		}
		if kind == "" {
			return fmt.Errorf("%w: an object without messageType", parse.ErrNotCloudTrail)
		}
		return nil
	})
	return n, err
}

// exported reads a CloudWatch Logs export: lines of a timestamp, one
// space and a record.
func exported(all []byte, fn func(*parse.Event) error) (int64, error) {
	var n int64
	for i := 0; ; {
		for i < len(all) && strings.IndexByte(" \t\r\n", all[i]) >= 0 {
			i++
		}
		if i == len(all) {
			return n, nil
		}
		for m := 0; ; m++ {
			if i == len(all) {
				return n, errors.New("the input ends in a timestamp")
			}
			c := all[i]
			if c == ' ' && m > 0 {
				i++
				break
			}
			digit := c >= '0' && c <= '9'
			if m == 40 || !digit && (m == 0 || !strings.ContainsRune("-:.+TZ", rune(c))) {
				return n, fmt.Errorf("%w: a line does not start with a timestamp", parse.ErrNotCloudTrail)
			}
			i++
		}
		if i == len(all) {
			return n, errors.New("the input ends after a timestamp")
		}
		if all[i] != '{' {
			return n, fmt.Errorf("%w: no record after a timestamp", parse.ErrNotCloudTrail)
		}
		d := json.NewDecoder(bytes.NewReader(all[i:]))
		d.UseNumber()
		var rec json.RawMessage
		if err := d.Decode(&rec); err != nil {
			return n, err
		}
		m, err := object(rec)
		if err != nil {
			return n, err
		}
		ev := parse.Event{Offset: int64(i), Length: int64(len(rec))}
		if err := recordNode.read(m, &ev); err != nil {
			return n, err
		}
		if err := emit(fn, &n, &ev, "a line"); err != nil {
			return n, err
		}
		i += int(d.InputOffset())
	}
}

// emit passes on ev, read from what, counting it in n: a record without
// an eventID is no CloudTrail record.
func emit(fn func(*parse.Event) error, n *int64, ev *parse.Event, what string) error {
	if ev.EventID == "" {
		return fmt.Errorf("%w: %s holds no record with an eventID", parse.ErrNotCloudTrail, what)
	}
	*n++
	return fn(ev)
}
