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

// delivered reads {"Records":[...]}.
func delivered(r io.Reader, fn func(*parse.Event) error) (int64, error) {
	d := json.NewDecoder(r)
	d.UseNumber()
	t, err := d.Token()
	if err == io.EOF {
		return 0, fmt.Errorf("%w: the file is empty", parse.ErrNotCloudTrail)
	}
	if err != nil {
		return 0, err
	}
	if t != json.Delim('{') {
		return 0, fmt.Errorf("%w: the document is not a JSON object", parse.ErrNotCloudTrail)
	}
	var n int64
	seen := false
	err = members(d, func(k string) error {
		if k != "Records" {
			var v any
			return d.Decode(&v)
		}
		if seen {
			return errors.New("duplicate Records key")
		}
		seen = true
		var err error
		n, err = records(d, fn)
		return err
	})
	if err != nil {
		return n, err
	}
	if !seen {
		return n, fmt.Errorf("%w: no Records key", parse.ErrNotCloudTrail)
	}
	if _, err := d.Token(); err != io.EOF {
		return n, fmt.Errorf("data after the end of the document: %v", err)
	}
	return n, nil
}

// members walks an object whose { was read; fn must read each value.
func members(d *json.Decoder, fn func(string) error) error {
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return err
		}
		if err := fn(t.(string)); err != nil {
			return err
		}
	}
	_, err := d.Token()
	return err
}

func records(d *json.Decoder, fn func(*parse.Event) error) (int64, error) {
	t, err := d.Token()
	if err != nil {
		return 0, err
	}
	if t != json.Delim('[') {
		return 0, fmt.Errorf("%w: Records is not an array", parse.ErrNotCloudTrail)
	}
	var n int64
	for d.More() {
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return n, err
		}
		// The raw value holds no surrounding space, and the decoder stops
		// right after it.
		start := d.InputOffset() - int64(len(raw))
		m, err := object(raw)
		if err != nil {
			return n, err
		}
		if m == nil {
			return n, fmt.Errorf("%w: record %d is not an object", parse.ErrNotCloudTrail, n+1)
		}
		ev := parse.Event{Offset: start, Length: int64(len(raw))}
		if err := recordNode.read(m, &ev); err != nil {
			return n, err
		}
		n++
		if err := fn(&ev); err != nil {
			return n, err
		}
	}
	_, err = d.Token()
	return n, err
}

// member is one key and value of an object, in document order, so that
// every occurrence of a duplicate key is checked and the last one wins.
type member struct {
	key string
	val json.RawMessage
}

// object splits raw into its members, or returns nil if raw is not an object.
func object(raw json.RawMessage) ([]member, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	t, err := d.Token()
	if err != nil || t != json.Delim('{') {
		return nil, err
	}
	ms := []member{}
	err = members(d, func(k string) error {
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return err
		}
		ms = append(ms, member{k, v})
		return nil
	})
	return ms, err
}

// node is an object of a record as the parser reads it: its members that
// hold kept fields, by name. It is built from parse.Fields, which only
// names what to keep and where it goes: every value is decoded here, by
// encoding/json.
type node struct {
	field   *parse.Field     // a kept value; nil for an object
	bit     parse.FieldSet   // a kept value's bit in Event.Odd; an object's fields' bits
	members map[string]*node // an object's members on the path of a field
	under   []parse.Field    // an object's fields, which a later duplicate of its key replaces whole
}

// recordNode is the record, built once.
var recordNode = func() *node {
	root := &node{members: map[string]*node{}}
	for i, f := range parse.Fields() {
		bit := parse.FieldSet(1) << i
		n := root
		names := strings.Split(f.Path, ".")
		for _, name := range names[:len(names)-1] {
			c := n.members[name]
			if c == nil {
				c = &node{members: map[string]*node{}}
				n.members[name] = c
			}
			c.under = append(c.under, f)
			c.bit |= bit
			n = c
		}
		n.members[names[len(names)-1]] = &node{field: &f, bit: bit}
	}
	return root
}()

// read sets what n keeps of the members ms of its object, in order, so
// that of a duplicate key the last one wins.
func (n *node) read(ms []member, ev *parse.Event) error {
	for _, m := range ms {
		c := n.members[m.key]
		if c == nil {
			continue
		}
		// A value of another type than its field takes reads as absent
		// and is marked odd; a later duplicate of its key is read anew.
		ev.Odd &^= c.bit
		var err error
		switch {
		case c.field == nil:
			for _, f := range c.under {
				unset(f, ev)
			}
			err = nested(m.val, func(ms []member) error { return c.read(ms, ev) })
		case c.field.String != nil:
			err = text(m.val, c.field.String(ev))
		default:
			err = boolean(m.val, c.field.Bool(ev))
		}
		if errors.Is(err, errOdd) {
			ev.Odd |= c.bit
			err = nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", m.key, err)
		}
	}
	return nil
}

// unset empties f in ev, as an absent value is.
func unset(f parse.Field, ev *parse.Event) {
	if f.String != nil {
		*f.String(ev) = ""
	} else {
		*f.Bool(ev) = parse.Unset
	}
}

// nested decodes an object-or-null value and hands its members to fn.
func nested(raw json.RawMessage, fn func([]member) error) error {
	if string(raw) == "null" {
		return nil
	}
	ms, err := object(raw)
	if err != nil {
		return err
	}
	if ms == nil {
		return errOdd
	}
	return fn(ms)
}

func text(raw json.RawMessage, p *string) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	switch v := v.(type) {
	case nil:
		*p = ""
	case string:
		*p = v
	default:
		return errOdd
	}
	return nil
}

func boolean(raw json.RawMessage, p *parse.Bool) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	switch v := v.(type) {
	case nil:
		*p = parse.Unset
	case bool:
		*p = parse.False
		if v {
			*p = parse.True
		}
	case string:
		if *p = parse.BoolOf(v); *p == parse.Unset {
			return errOdd
		}
	default:
		return errOdd
	}
	return nil
}

// errOdd is a kept value of a type its field does not take.
var errOdd = errors.New("a value of another type")
