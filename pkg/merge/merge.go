package merge

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/trailscan/trailscan/internal/buildinfo"
	"github.com/trailscan/trailscan/pkg/shard"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
	"github.com/trailscan/trailscan/pkg/trail"
)

// Origin describes a scan of srcs in scope, by shard spec, listed from
// the plan of that ID ("" for none: see shard.Plan.ID), of trailscan
// version: what a part carries (see summarize.WithOrigin).
func Origin(srcs []source.Source, scope trail.Scope, spec shard.Spec, plan, version string) summarize.Origin {
	o := summarize.Origin{Version: version, Format: summarize.SnapshotVersion, Sources: []string{}, Shard: spec.String(), Plan: plan}
	for _, s := range srcs {
		o.Sources = append(o.Sources, s.String())
	}
	slices.Sort(o.Sources)
	o.Sources = slices.Compact(o.Sources)
	o.Scope = scope.Canonical()
	return o
}

// Part is a shard's part, or a merged result made WithCalls (as
// trailscan merge --part writes it: a merge of some shards, to be merged
// again), and the name of the file it was read from. Parts come from
// Read, which checks them and rebuilds their summaries.
type Part struct {
	Name   string
	Origin summarize.Origin
	count  int   // N, of the split into shards
	shards []int // the shards it holds, in order
	sum    *summarize.Summary
	verify *summarize.Verification // of a shard of scan --verify
}

// part is what Read decodes of a part: its origin, and the summary's
// Snapshot, which a part holds inline (see summarize.WithCalls). The rest
// of the result is derived from the summary, and is derived again from
// the merged one.
type part struct {
	Scan         *summarize.Origin       `json:"scan"`
	Verification *summarize.Verification `json:"verification"`
	summarize.Snapshot
}

// ReadFile reads a part from a file.
func ReadFile(path string) (Part, error) {
	f, err := os.Open(path)
	if err != nil {
		return Part{}, err // names the path
	}
	defer f.Close()
	return Read(path, f)
}

// Read reads the part called name from r.
func Read(name string, r io.Reader) (Part, error) {
	var raw part
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return Part{Name: name}, fmt.Errorf("read %s: not a JSON result: %w", name, err)
	}
	p, err := raw.check()
	p.Name = name
	if err != nil {
		return p, fmt.Errorf("read %s: %w", name, err)
	}
	return p, nil
}

// ErrNotPartial is a result without what merge needs: one written without
// --shard, or by another format than json.
var ErrNotPartial = errors.New("not a partial result (write parts with: trailscan scan --shard i/N --format json)")

// ErrNoCalls is a merged result that does not list its calls: it cannot
// be merged again, as what it counts once cannot be told from what
// another part counts too.
var ErrNoCalls = errors.New("a merged result that does not list its calls (write it with: trailscan merge --part --format json)")

func (raw part) check() (Part, error) {
	o := raw.Scan
	if o == nil || o.Shard == "" && o.Shards == 0 {
		return Part{}, ErrNotPartial
	}
	p := Part{Origin: *o}
	if o.Shard != "" {
		spec, err := shard.Parse(o.Shard, func(string) string { return "" })
		if err != nil || o.Shard != spec.String() {
			return p, fmt.Errorf("shard %q: not i/N", o.Shard)
		}
		p.count, p.shards = spec.Count, []int{spec.Index}
	} else {
		var err error
		if p.shards, err = indexes(o.Parts, o.Shards); err != nil {
			return p, err
		}
		p.count = o.Shards
		if raw.Calls == nil && raw.EventsMatched > 0 {
			return p, ErrNoCalls
		}
	}
	if o.Format > summarize.SnapshotVersion {
		return p, fmt.Errorf("written by trailscan %s in format %d, newer than this trailscan reads (%d)", o.Version, o.Format, summarize.SnapshotVersion)
	}
	var err error
	p.sum, err = raw.Summary()
	p.verify = raw.Verification
	return p, err
}

// indexes reads the shards a merged result lists, each "i/N" of n, in
// order, each once.
func indexes(parts []string, n int) ([]int, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("a merge of %d shards that lists none of them", n)
	}
	var out []int
	for _, id := range parts {
		spec, err := shard.Parse(id, func(string) string { return "" })
		if err != nil || id != spec.String() || spec.Count != n {
			return nil, fmt.Errorf("shard %q of a merge of %d shards: not i/%d", id, n, n)
		}
		if slices.Contains(out, spec.Index) {
			return nil, fmt.Errorf("shard %s listed twice", id)
		}
		out = append(out, spec.Index)
	}
	slices.Sort(out)
	return out, nil
}

// what says which shards a part holds, for errors.
func (p Part) what() string {
	if p.Origin.Shard != "" {
		return "shard " + p.Origin.Shard
	}
	return fmt.Sprintf("a merge of %d of %d shards", len(p.shards), p.count)
}

// Options change what Merge accepts.
type Options struct {
	// Incomplete merges a set of parts that lacks some shards; the
	// result's Origin lists the parts it was made of. Without it, a
	// missing shard is an error.
	Incomplete bool
}

// Merged is the combination of some parts.
type Merged struct {
	Summary *summarize.Summary
	Origin  summarize.Origin // Shards is N; Parts lists the shards merged
	// Verification, for shards of scan --verify, is their ledgers merged
	// and the keys they had, to verify the whole with.
	Verification *summarize.Verification
}

// Result is the merged result, as a full scan would report it with opts,
// with the origin of the parts.
func (m *Merged) Result(opts ...summarize.Option) summarize.Result {
	return m.Summary.Result(append([]summarize.Option{summarize.WithOrigin(m.Origin)}, opts...)...)
}

// Merge checks that parts are the shards of one scan, or merges of some
// of them, none held by two parts, then combines them.
func Merge(parts []Part, opts Options) (*Merged, error) {
	if len(parts) == 0 {
		return nil, errors.New("no parts to merge")
	}
	for _, p := range parts {
		if p.sum == nil {
			return nil, fmt.Errorf("%s: not a part read with Read", p.Name)
		}
	}
	parts = slices.Clone(parts)
	slices.SortStableFunc(parts, func(a, b Part) int { return a.shards[0] - b.shards[0] })
	first := parts[0]
	fo := first.Origin
	byIndex := map[int]Part{}
	for _, p := range parts {
		o := p.Origin
		if p.count != first.count {
			return nil, fmt.Errorf("%s is %s but %s is %s: parts of different splits cannot be merged", first.Name, first.what(), p.Name, p.what())
		}
		for _, i := range p.shards {
			if q, ok := byIndex[i]; ok {
				return nil, twice(q, p, i)
			}
		}
		switch {
		case !slices.Equal(o.Sources, fo.Sources):
			return nil, fmt.Errorf("%s scanned %s but %s scanned %s: parts of different sources cannot be merged",
				first.Name, list(fo.Sources), p.Name, list(o.Sources))
		case !o.Scope.Equal(fo.Scope):
			return nil, fmt.Errorf("%s scanned %s but %s scanned %s: parts of different scopes cannot be merged",
				first.Name, fo.Scope.String(), p.Name, o.Scope.String())
		case (p.verify != nil) != (first.verify != nil):
			return nil, fmt.Errorf("%s was %s but %s %s: shards of one scan verify all or none", first.Name, verified(first), p.Name, verified(p))
		case o.Plan != fo.Plan:
			// Shards listing from different discoveries may each miss
			// what the other's found.
			return nil, fmt.Errorf("%s was listed from %s but %s from %s: shards of one scan list from one plan, or all without",
				first.Name, planned(fo.Plan), p.Name, planned(o.Plan))
		case !buildinfo.Same(buildinfo.Parse(o.Version), buildinfo.Parse(fo.Version)):
			// Another version may assign objects to shards otherwise.
			return nil, fmt.Errorf("%s was written by trailscan %s but %s by trailscan %s: run every shard with the same trailscan",
				first.Name, fo.Version, p.Name, o.Version)
		}
		for _, i := range p.shards {
			byIndex[i] = p
		}
	}
	m := &Merged{Summary: summarize.New()}
	m.Origin = summarize.Origin{Version: fo.Version, Format: summarize.SnapshotVersion, Sources: fo.Sources, Scope: fo.Scope, Shards: first.count, Plan: fo.Plan}
	for _, i := range slices.Sorted(maps.Keys(byIndex)) {
		m.Origin.Parts = append(m.Origin.Parts, shard.Spec{Index: i, Count: first.count}.String())
	}
	if missing := m.Origin.Missing(); len(missing) > 0 && !opts.Incomplete {
		e := &IncompleteError{Missing: missing, Count: first.count}
		for _, p := range parts {
			e.Given = append(e.Given, fmt.Sprintf("%s (%s)", p.Name, strings.Join(p.ids(), ", ")))
		}
		return nil, e
	}
	for _, p := range parts {
		m.Summary.Merge(p.sum)
	}
	m.Verification = mergeVerifications(parts)
	return m, nil
}

// twice is the error of shard i held by parts q and p: two shards' parts
// of the same shard, or a shard in two merges.
func twice(q, p Part, i int) error {
	id := shard.Spec{Index: i, Count: p.count}.String()
	if q.Origin.Shard != "" && p.Origin.Shard != "" {
		return fmt.Errorf("%s and %s are both shard %s: the same part given twice", q.Name, p.Name, id)
	}
	return fmt.Errorf("%s and %s both hold shard %s: a shard merged twice would count its files twice", q.Name, p.Name, id)
}

// ids are the shards p holds, "i/N".
func (p Part) ids() []string {
	out := make([]string, len(p.shards))
	for j, i := range p.shards {
		out[j] = shard.Spec{Index: i, Count: p.count}.String()
	}
	return out
}

// IncompleteError is a set of parts that lacks some shards.
type IncompleteError struct {
	Missing []string // the shards not given, "i/N"
	Given   []string // the parts given, "NAME (i/N, ...)"
	Count   int      // N
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("%d of %d shards given (%s); missing %s",
		e.Count-len(e.Missing), e.Count, strings.Join(e.Given, ", "), strings.Join(e.Missing, ", "))
}

// planned names the plan of ID id, for errors.
func planned(id string) string {
	if id == "" {
		return "no plan"
	}
	return "plan " + id
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "nothing"
	}
	return strings.Join(xs, ", ")
}
