package parse

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

var update = flag.Bool("update", false, "rewrite fields_gen.go from keptFields")

// TestFieldsGen checks that fields_gen.go is what keptFields makes, and
// with -update writes it. (A field dropped from Event leaves fields_gen.go
// not compiling: delete its line there first.)
func TestFieldsGen(t *testing.T) {
	src, err := genFields()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("fields_gen.go", src, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile("fields_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, src) {
		t.Error("fields_gen.go is not what keptFields makes: run go test ./pkg/parse -run TestFieldsGen -update")
	}
}

// keptMember is a member of an object on the path of kept fields.
type keptMember struct {
	lv   level
	name string
	a    action
}

// deriveFields works out from keptFields the objects on the fields'
// paths, the record first, and the members the scanner looks at in each.
// A name ending in [] is a list: its level is that of its elements.
func deriveFields() (levelPaths []string, members []keptMember, err error) {
	join := func(path, name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	levels := map[string]level{"": lvRecord}
	levelPaths = []string{""}
	seen := map[string]bool{}
	var raws []int
	lists := 0
	for i, kf := range keptFields {
		f := field(i)
		if seen[kf.Path] {
			return nil, nil, fmt.Errorf("kept field %s listed twice", kf.Path)
		}
		seen[kf.Path] = true
		kinds := 0
		for _, set := range []bool{kf.String != nil, kf.Bool != nil, kf.Raw != nil, kf.Item != nil} {
			if set {
				kinds++
			}
		}
		if kinds != 1 {
			return nil, nil, fmt.Errorf("kept field %s: want one of String, Bool, Raw and Item", kf.Path)
		}
		if kf.Raw != nil {
			raws = append(raws, i) // once every level is known
			continue
		}
		names := strings.Split(kf.Path, ".")
		parent, path, inList := lvRecord, "", false
		for _, name := range names[:len(names)-1] {
			path = join(path, name)
			list := strings.HasSuffix(name, "[]")
			if inList {
				return nil, nil, fmt.Errorf("kept field %s: a list's elements hold only strings", kf.Path)
			}
			lv, ok := levels[path]
			if !ok {
				lv = level(len(levelPaths))
				levels[path] = lv
				levelPaths = append(levelPaths, path)
				a := action{kind: doObject, sub: lv}
				if list {
					if lists++; lists > 1 {
						return nil, nil, fmt.Errorf("kept field %s: Event keeps one list", kf.Path)
					}
					a.kind = doList
				}
				members = append(members, keptMember{parent, strings.TrimSuffix(name, "[]"), a})
			}
			for k := range members {
				if m := &members[k]; (m.a.kind == doObject || m.a.kind == doList) && m.a.sub == lv {
					m.a.clear |= 1 << f
				}
			}
			parent, inList = lv, list
		}
		if inList != (kf.Item != nil) {
			return nil, nil, fmt.Errorf("kept field %s: Item is for the members of a list's elements, and only those", kf.Path)
		}
		a := action{kind: doString, f: f}
		if kf.Bool != nil {
			a.kind = doBool
		}
		members = append(members, keptMember{parent, names[len(names)-1], a})
	}
	rawPath := map[string]bool{}
	for _, i := range raws {
		rawPath[keptFields[i].Path] = true
	}
	for _, p := range levelPaths[1:] {
		if seen[p] && !rawPath[p] {
			return nil, nil, fmt.Errorf("kept field %s is also an object", p)
		}
	}
	for _, i := range raws {
		kf := keptFields[i]
		if strings.Contains(kf.Path, "[]") {
			return nil, nil, fmt.Errorf("kept field %s: a list's elements hold only strings", kf.Path)
		}
		if lv, ok := levels[kf.Path]; ok {
			// An object on the path of other fields: read as before, and
			// kept whole too.
			for k := range members {
				if m := &members[k]; m.a.kind == doObject && m.a.sub == lv {
					m.a.raw, m.a.f = true, field(i)
				}
			}
			continue
		}
		names := strings.Split(kf.Path, ".")
		parent := levels[strings.Join(names[:len(names)-1], ".")]
		if len(names) > 1 {
			if _, ok := levels[strings.Join(names[:len(names)-1], ".")]; !ok {
				return nil, nil, fmt.Errorf("kept field %s: its object holds no other kept field", kf.Path)
			}
		}
		members = append(members, keptMember{parent, names[len(names)-1], action{kind: doRaw, f: field(i)}})
	}
	for _, name := range details {
		k := slices.IndexFunc(members, func(m keptMember) bool {
			return m.lv == lvRecord && m.name == name && (m.a.kind == doObject || m.a.kind == doList)
		})
		if k < 0 {
			return nil, nil, fmt.Errorf("detail %s: no object or list of the record holds kept fields", name)
		}
		members[k].a.detail = true
	}
	for _, m := range members {
		if m.a.raw && m.a.sub != 0 && rawUnder(members, m.a.sub) {
			return nil, nil, fmt.Errorf("kept field %s: a value kept as JSON holds another", levelPaths[m.a.sub])
		}
	}
	return levelPaths, members, nil
}

// rawUnder reports whether a value under the object at lv is kept as JSON.
func rawUnder(members []keptMember, lv level) bool {
	for _, m := range members {
		if m.lv == lv && (m.a.kind == doRaw || m.a.raw || (m.a.kind == doObject || m.a.kind == doList) && rawUnder(members, m.a.sub)) {
			return true
		}
	}
	return false
}

// selectors names the leaf fields of Event by their offsets.
func selectors() map[uintptr]string {
	names := map[uintptr]string{}
	var walk func(t reflect.Type, base uintptr, prefix string)
	walk = func(t reflect.Type, base uintptr, prefix string) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[Raw]() {
				walk(f.Type, base+f.Offset, prefix+f.Name+".")
				continue
			}
			names[base+f.Offset] = prefix + f.Name
		}
	}
	walk(reflect.TypeFor[Event](), 0, "")
	return names
}

func genFields() ([]byte, error) {
	levelPaths, members, err := deriveFields()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("// Code generated by TestFieldsGen from keptFields; DO NOT EDIT.")
	p("")
	p("package parse")
	p("")
	p("// levelPaths is the path of each level's object, \"\" for the record.")
	quoted := make([]string, len(levelPaths))
	for i, path := range levelPaths {
		quoted[i] = fmt.Sprintf("%q", path)
	}
	p("var levelPaths = [...]string{%s}", strings.Join(quoted, ", "))
	p("")
	p("// actions are what the scanner does with the members it knows.")
	p("var actions = [...]action{")
	p("{}, // any other member: skipped")
	var detailFields FieldSet
	for _, m := range members {
		path := m.name
		if m.lv != lvRecord {
			path = levelPaths[m.lv] + "." + m.name
		}
		var opt []string
		switch m.a.kind {
		case doObject, doList:
			opt = append(opt, fmt.Sprintf("sub: %d", m.a.sub), fmt.Sprintf("clear: %#x", m.a.clear))
			if m.a.raw {
				opt = append(opt, fmt.Sprintf("f: %d", m.a.f), "raw: true")
				path += ", kept as JSON too"
			}
			if m.a.detail {
				opt = append(opt, "detail: true")
				path += ", a detail"
				detailFields |= m.a.clear
				if m.a.raw {
					detailFields |= 1 << m.a.f
				}
			}
		default:
			opt = append(opt, fmt.Sprintf("f: %d", m.a.f))
		}
		kind := map[uint8]string{doObject: "doObject", doList: "doList", doRaw: "doRaw", doString: "doString", doBool: "doBool"}[m.a.kind]
		p("{kind: %s, %s}, // %s", kind, strings.Join(opt, ", "), path)
	}
	p("}")
	p("")
	p("// detailFields are the fields under the members named in details.")
	p("const detailFields FieldSet = %#x", detailFields)
	p("")
	p("// actionOf returns what to do with the member named key of an object at")
	p("// lv, one of actions. It returns a pointer into the table rather than an")
	p("// action: the caller stored a returned action a byte at a time and")
	p("// loaded it whole, a store-forwarding stall on every member that cost")
	p("// BenchmarkReader's fast path a quarter of its time.")
	p("func actionOf(lv level, key []byte) *action {")
	p("switch lv {")
	for lv, path := range levelPaths {
		if path == "" {
			path = "the record"
		}
		p("case %d: // %s", lv, path)
		p("switch string(key) {")
		for k, m := range members {
			if int(m.lv) == lv {
				p("case %q:", m.name)
				p("return &actions[%d]", k+1)
			}
		}
		p("}")
	}
	p("}")
	p("return &actions[0]")
	p("}")
	p("")
	sel := selectors()
	var probe Event
	at := func(ptr unsafe.Pointer) uintptr { return uintptr(ptr) - uintptr(unsafe.Pointer(&probe)) }
	p("// setEvent sets the kept fields of ev from what reading the record kept,")
	p("// its strings as slices of all.")
	p("func (s *scanner) setEvent(ev *Event, all string) {")
	p("str := func(f field) string { return all[s.spans[f].start:s.spans[f].end] }")
	var items []int
	for i, kf := range keptFields {
		switch {
		case kf.String != nil:
			p("ev.%s = str(%d) // %s", sel[at(unsafe.Pointer(kf.String(&probe)))], i, kf.Path)
		case kf.Bool != nil:
			p("ev.%s = s.bools[%d] // %s", sel[at(unsafe.Pointer(kf.Bool(&probe)))], i, kf.Path)
		case kf.Raw != nil:
			p("ev.%s = s.raw(%d, all) // %s", sel[at(unsafe.Pointer(kf.Raw(&probe)))], i, kf.Path)
		default:
			items = append(items, i)
		}
	}
	p("}")
	p("")
	p("// clearDetails empties the fields of ev that setEvent sets from under")
	p("// details.")
	p("func clearDetails(ev *Event) {")
	for i, kf := range keptFields {
		if detailFields&(1<<i) == 0 {
			continue
		}
		switch {
		case kf.String != nil:
			p("ev.%s = \"\" // %s", sel[at(unsafe.Pointer(kf.String(&probe)))], kf.Path)
		case kf.Bool != nil:
			p("ev.%s = Unset // %s", sel[at(unsafe.Pointer(kf.Bool(&probe)))], kf.Path)
		case kf.Raw != nil:
			p("ev.%s = Raw{} // %s", sel[at(unsafe.Pointer(kf.Raw(&probe)))], kf.Path)
		}
	}
	p("}")
	p("")
	p("// itemFields are the fields of a list's elements, in the order of an")
	p("// element's spans.")
	quoted = quoted[:0]
	for _, i := range items {
		quoted = append(quoted, fmt.Sprint(i))
	}
	p("var itemFields = [...]field{%s}", strings.Join(quoted, ", "))
	p("")
	p("// setItem sets r from what reading the k-th element of the list kept,")
	p("// its strings as slices of all.")
	p("func (s *scanner) setItem(r *Resource, k int, all string) {")
	if len(items) > 0 {
		p("str := func(j int) string { return all[s.items[k][j].start:s.items[k][j].end] }")
	}
	var res Resource
	names := map[uintptr]string{}
	rt := reflect.TypeFor[Resource]()
	for i := range rt.NumField() {
		names[rt.Field(i).Offset] = rt.Field(i).Name
	}
	for j, i := range items {
		off := uintptr(unsafe.Pointer(keptFields[i].Item(&res))) - uintptr(unsafe.Pointer(&res))
		p("r.%s = str(%d) // %s", names[off], j, keptFields[i].Path)
	}
	p("}")
	return format.Source(b.Bytes())
}
