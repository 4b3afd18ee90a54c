package parse

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"unsafe"
)

// Field is a value of a CloudTrail record that Event keeps.
type Field struct {
	// Path is where the value lies in a record: the names of the members
	// from the record down, joined by dots.
	Path string
	// String returns the string of an Event that holds the value; Bool,
	// set instead for a boolean, its Bool.
	String func(*Event) *string
	Bool   func(*Event) *Bool
}

// Fields returns the values of a record that Event keeps, one for each of
// its fields but Offset and Length. Every other value is skipped.
func Fields() []Field { return slices.Clone(keptFields[:]) }

// keptFields is the one list of what Event keeps. Both paths look a
// record's members up in the table built from it (actionOf), setFields
// fills an Event from it and Clone copies one by it, and
// internal/reference maps what encoding/json decodes by it (through
// Fields): keeping one more value takes a field of Event and a line here.
var keptFields = [...]Field{
	{Path: "eventTime", String: func(ev *Event) *string { return &ev.EventTime }},
	{Path: "eventSource", String: func(ev *Event) *string { return &ev.EventSource }},
	{Path: "eventName", String: func(ev *Event) *string { return &ev.EventName }},
	{Path: "eventType", String: func(ev *Event) *string { return &ev.EventType }},
	{Path: "awsRegion", String: func(ev *Event) *string { return &ev.AWSRegion }},
	{Path: "recipientAccountId", String: func(ev *Event) *string { return &ev.RecipientAccountID }},
	{Path: "eventID", String: func(ev *Event) *string { return &ev.EventID }},
	{Path: "readOnly", Bool: func(ev *Event) *Bool { return &ev.ReadOnly }},
	{Path: "errorCode", String: func(ev *Event) *string { return &ev.ErrorCode }},
	{Path: "errorMessage", String: func(ev *Event) *string { return &ev.ErrorMessage }},
	{Path: "sourceIPAddress", String: func(ev *Event) *string { return &ev.SourceIPAddress }},
	{Path: "userAgent", String: func(ev *Event) *string { return &ev.UserAgent }},
	{Path: "userIdentity.type", String: func(ev *Event) *string { return &ev.UserIdentity.Type }},
	{Path: "userIdentity.arn", String: func(ev *Event) *string { return &ev.UserIdentity.ARN }},
	{Path: "userIdentity.accountId", String: func(ev *Event) *string { return &ev.UserIdentity.AccountID }},
	{Path: "userIdentity.principalId", String: func(ev *Event) *string { return &ev.UserIdentity.PrincipalID }},
	{Path: "userIdentity.invokedBy", String: func(ev *Event) *string { return &ev.UserIdentity.InvokedBy }},
	{Path: "userIdentity.sessionContext.sessionIssuer.type", String: func(ev *Event) *string { return &ev.UserIdentity.Issuer.Type }},
	{Path: "userIdentity.sessionContext.sessionIssuer.arn", String: func(ev *Event) *string { return &ev.UserIdentity.Issuer.ARN }},
	{Path: "userIdentity.sessionContext.sessionIssuer.userName", String: func(ev *Event) *string { return &ev.UserIdentity.Issuer.UserName }},
	{Path: "userIdentity.sessionContext.sessionIssuer.accountId", String: func(ev *Event) *string { return &ev.UserIdentity.Issuer.AccountID }},
	{Path: "serviceEventDetails.supportCaseDisplayId", String: func(ev *Event) *string { return &ev.CaseID }},
	{Path: "serviceEventDetails.supportPermitRequestArn", String: func(ev *Event) *string { return &ev.PermitRequestARN }},
}

// field is the index of a kept field in keptFields.
type field uint8

const numFields = len(keptFields)

// fieldSet holds a bit per field.
type fieldSet uint64

// A fieldSet must hold every field.
var _ [64 - numFields]struct{}

// level is an object of a record whose members the scanner looks at: the
// record itself (lvRecord) and each object on the path of a kept field.
type level uint8

const lvRecord level = 0

// action is what the scanner does with a member's value.
type action struct {
	kind  uint8    // one of the do* constants
	f     field    // doString, doBool: the field kept
	sub   level    // doObject: the object read
	clear fieldSet // doObject: the fields under it
}

const (
	doSkip = iota
	doString
	doBool
	doObject
)

// What init derives from keptFields.
var (
	// levelPaths is the path of each level's object, "" for the record.
	levelPaths []string
	// stringOffsets and boolOffsets locate each kept field in an Event,
	// so that setFields is a loop over memory rather than a call a field.
	stringOffsets, boolOffsets []fieldOffset
	// slots is the table actionOf reads: each member of a level that
	// holds a kept field, at its hash (see keyHash).
	slots [256]slot
	// hashMul is the multiplier that gives every member its own slot.
	hashMul uint64
)

type fieldOffset struct {
	f   field
	off uintptr
}

// slot is one member name of one level and what to do with its value.
type slot struct {
	w0, w1 uint64 // keyWords of the name
	name   string // the name, compared only when keyWords do not cover it
	n      int    // the name's length; -1 in an empty slot
	lv     level
	a      action
}

func init() {
	var probe Event
	at := func(p unsafe.Pointer) uintptr { return uintptr(p) - uintptr(unsafe.Pointer(&probe)) }
	levels := map[string]level{"": lvRecord}
	levelPaths = []string{""}
	join := func(path, name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	type entry struct {
		lv   level
		name string
		a    action
	}
	var entries []entry
	for i, kf := range keptFields {
		f := field(i)
		names := strings.Split(kf.Path, ".")
		parent, path := lvRecord, ""
		for _, name := range names[:len(names)-1] {
			path = join(path, name)
			lv, ok := levels[path]
			if !ok {
				lv = level(len(levelPaths))
				levels[path] = lv
				levelPaths = append(levelPaths, path)
				entries = append(entries, entry{parent, name, action{kind: doObject, sub: lv}})
			}
			for k := range entries {
				if e := &entries[k]; e.a.kind == doObject && e.a.sub == lv {
					e.a.clear |= 1 << f
				}
			}
			parent = lv
		}
		a := action{kind: doString, f: f}
		switch {
		case kf.String != nil && kf.Bool == nil:
			stringOffsets = append(stringOffsets, fieldOffset{f, at(unsafe.Pointer(kf.String(&probe)))})
		case kf.Bool != nil && kf.String == nil:
			a.kind = doBool
			boolOffsets = append(boolOffsets, fieldOffset{f, at(unsafe.Pointer(kf.Bool(&probe)))})
		default:
			panic(fmt.Sprintf("parse: kept field %s: want one of String and Bool", kf.Path))
		}
		entries = append(entries, entry{parent, names[len(names)-1], a})
	}
	for _, e := range entries {
		if _, ok := levels[join(levelPaths[e.lv], e.name)]; ok && e.a.kind != doObject {
			panic(fmt.Sprintf("parse: kept field %s is also an object", join(levelPaths[e.lv], e.name)))
		}
	}
	// Any multiplier that gives each member its own slot will do; the
	// search starts at the same place every time.
	for m := uint64(0x9e3779b97f4a7c15); ; m += 0x9e3779b97f4a7c16 {
		hashMul = m
		for i := range slots {
			slots[i] = slot{n: -1}
		}
		ok := true
		for _, e := range entries {
			k := []byte(e.name)
			w0, w1 := keyWords(k)
			sl := &slots[keyHash(e.lv, k, w0, w1)]
			if sl.n >= 0 {
				if sl.lv == e.lv && sl.name == e.name {
					panic(fmt.Sprintf("parse: kept field %s listed twice", join(levelPaths[e.lv], e.name)))
				}
				ok = false
				break
			}
			*sl = slot{w0: w0, w1: w1, name: e.name, n: len(k), lv: e.lv, a: e.a}
		}
		if ok {
			return
		}
	}
}

// actionOf returns what to do with the member named key of an object at
// lv; members it does not know are skipped. One probe of slots answers,
// where a switch on the names would compare a few of them.
func actionOf(lv level, key []byte) action {
	w0, w1 := keyWords(key)
	sl := &slots[keyHash(lv, key, w0, w1)]
	if sl.n == len(key) && sl.lv == lv && sl.w0 == w0 && sl.w1 == w1 && (len(key) <= 16 || string(key) == sl.name) {
		return sl.a
	}
	return action{}
}

// keyWords packs the bytes of k in two words. For a k of up to 16 bytes,
// its length and the two words tell it from any other.
func keyWords(k []byte) (w0, w1 uint64) {
	switch n := len(k); {
	case n >= 8:
		return binary.LittleEndian.Uint64(k), binary.LittleEndian.Uint64(k[n-8:])
	case n >= 4:
		return uint64(binary.LittleEndian.Uint32(k)) | uint64(binary.LittleEndian.Uint32(k[n-4:]))<<32, 0
	case n > 0:
		return uint64(k[0]) | uint64(k[n/2])<<8 | uint64(k[n-1])<<16, 0
	}
	return 0, 0
}

// keyHash is the slot of the member named k, whose keyWords are w0 and w1,
// of an object at lv.
func keyHash(lv level, k []byte, w0, w1 uint64) uint8 {
	x := w0 ^ bits.RotateLeft64(w1, 29) ^ uint64(len(k))<<40 ^ uint64(lv)<<56
	return uint8((x * hashMul) >> 56)
}
