package reference

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

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

// objects reads whitespace-separated objects: records, or EventBridge
// events whose record is their last detail member.
func objects(all []byte, events bool, fn func(*parse.Event) error) (int64, error) {
	d := json.NewDecoder(bytes.NewReader(all))
	d.UseNumber()
	var n int64
	for {
		var raw json.RawMessage
		if err := d.Decode(&raw); err == io.EOF {
			return n, nil
		} else if err != nil {
			return n, err
		}
		start := d.InputOffset() - int64(len(raw))
		if raw[0] != '{' {
			return n, fmt.Errorf("%w: a value is not an object", parse.ErrNotCloudTrail)
		}
		rec, at := raw, int64(0)
		if events {
			var err error
			if rec, at, err = detail(raw); err != nil {
				return n, err
			}
		}
		ev := parse.Event{}
		if rec != nil {
			m, err := object(rec)
			if err != nil {
				return n, err
			}
			ev = parse.Event{Offset: start + at, Length: int64(len(rec))}
			if err := recordNode.read(m, &ev); err != nil {
				return n, err
			}
		}
		if ev.EventID == "" {
			return n, fmt.Errorf("%w: an object holds no record with an eventID", parse.ErrNotCloudTrail)
		}
		n++
		if err := fn(&ev); err != nil {
			return n, err
		}
	}
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
