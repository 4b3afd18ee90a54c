package reference

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

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
	field   *parse.Field     // a kept value; nil for an object or a list
	raw     *parse.Field     // an object's Raw field, when it is kept whole too
	list    bool             // a list: members are those of its elements
	bit     parse.FieldSet   // a kept value's bit in Event.Odd; an object's fields' bits
	members map[string]*node // an object's members on the path of a field
	under   []parse.Field    // an object's fields, which a later duplicate of its key replaces whole
}

// recordNode is the record, built once.
var recordNode = func() *node {
	root := &node{members: map[string]*node{}}
	objects := map[string]*node{"": root}
	var raws []parse.Field
	for i, f := range parse.Fields() {
		bit := parse.FieldSet(1) << i
		if f.Raw != nil {
			raws = append(raws, f)
			continue
		}
		n := root
		names := strings.Split(f.Path, ".")
		for k, name := range names[:len(names)-1] {
			list := strings.HasSuffix(name, "[]")
			name = strings.TrimSuffix(name, "[]")
			c := n.members[name]
			if c == nil {
				c = &node{members: map[string]*node{}, list: list}
				n.members[name] = c
				objects[strings.Join(names[:k+1], ".")] = c
			}
			c.under = append(c.under, f)
			c.bit |= bit
			n = c
		}
		n.members[names[len(names)-1]] = &node{field: &f, bit: bit}
	}
	for _, f := range raws {
		if c := objects[f.Path]; c != nil {
			c.raw = &f
			continue
		}
		names := strings.Split(f.Path, ".")
		objects[strings.Join(names[:len(names)-1], ".")].members[names[len(names)-1]] = &node{field: &f}
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
		case c.list:
			err = c.readList(m.val, ev)
		case c.field == nil:
			for _, f := range c.under {
				unset(f, ev)
			}
			if c.raw != nil {
				*c.raw.Raw(ev) = compact(m.val)
			}
			err = nested(m.val, func(ms []member) error { return c.read(ms, ev) })
		case c.field.Raw != nil:
			*c.field.Raw(ev) = compact(m.val)
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

// readList reads a list, n, of which the Event keeps the first
// parse.MaxResources elements and counts the rest. An element that is not
// an object or null marks the elements' fields odd, as does a member of
// a kept element of another type than a string.
func (n *node) readList(raw json.RawMessage, ev *parse.Event) error {
	ev.Resources, ev.ResourceCount = nil, 0
	if string(raw) == "null" {
		return nil
	}
	if raw[0] != '[' {
		return errOdd
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return err
	}
	ev.ResourceCount = len(elems)
	var odd parse.FieldSet
	for _, e := range elems[:min(len(elems), parse.MaxResources)] {
		var r parse.Resource
		if string(e) != "null" {
			ms, err := object(e)
			if err != nil {
				return err
			}
			if ms == nil {
				odd |= n.bit
			}
			var itemOdd parse.FieldSet
			for _, m := range ms {
				c := n.members[m.key]
				if c == nil {
					continue
				}
				itemOdd &^= c.bit
				if err := text(m.val, c.field.Item(&r)); errors.Is(err, errOdd) {
					itemOdd |= c.bit
				} else if err != nil {
					return err
				}
			}
			odd |= itemOdd
		}
		ev.Resources = append(ev.Resources, r)
	}
	if odd != 0 {
		ev.Odd |= odd
	}
	return nil
}

// compact is raw as a Raw keeps it: without the space between tokens, cut
// at parse.MaxRaw bytes but never inside a UTF-8 sequence.
func compact(raw json.RawMessage) parse.Raw {
	if string(raw) == "null" {
		return parse.Raw{}
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		panic(err) // raw was decoded, so is valid JSON
	}
	c, cut := b.Bytes(), false
	if len(c) > parse.MaxRaw {
		c, cut = c[:parse.MaxRaw], true
		for len(c) > parse.MaxRaw-utf8.UTFMax+1 && !utf8.RuneStart(b.Bytes()[len(c)]) {
			c = c[:len(c)-1]
		}
	}
	return parse.Raw{JSON: string(c), Size: int64(len(raw)), Cut: cut}
}

// unset empties f in ev, as an absent value is.
func unset(f parse.Field, ev *parse.Event) {
	switch {
	case f.String != nil:
		*f.String(ev) = ""
	case f.Bool != nil:
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
