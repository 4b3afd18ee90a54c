package merge

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/trailscan/trailscan/pkg/trail"

	"github.com/trailscan/trailscan/internal/buildinfo"
	"github.com/trailscan/trailscan/pkg/shard"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// Origin describes a scan of srcs in scope, by shard spec of trailscan
// version: what a partial result carries.
func Origin(srcs []source.Source, scope trail.Scope, spec shard.Spec, version string) *summarize.Origin {
	o := &summarize.Origin{Version: version, Format: summarize.SnapshotVersion, Sources: []string{}, Shard: spec.String()}
	for _, s := range srcs {
		o.Sources = append(o.Sources, s.String())
	}
	slices.Sort(o.Sources)
	o.Sources = slices.Compact(o.Sources)
	o.Scope = scope.Canonical()
	return o
}

// Partial makes res, the result of sum, a partial result from origin o:
// one that lists every call, for Merge.
func Partial(res *summarize.Result, sum *summarize.Summary, o *summarize.Origin) {
	res.Scan = o
	res.Calls = sum.Calls()
}

// Part is a partial result and the name of the file it was read from.
// Parts come from Read, which checks them and rebuilds their summaries.
type Part struct {
	Name   string
	Result summarize.Result
	spec   shard.Spec
	sum    *summarize.Summary // rebuilt from Result when read
}

// ReadFile reads a partial result from a file.
func ReadFile(path string) (Part, error) {
	f, err := os.Open(path)
	if err != nil {
		return Part{}, err // names the path
	}
	defer f.Close()
	return Read(path, f)
}

// Read reads the partial result called name from r.
func Read(name string, r io.Reader) (Part, error) {
	p := Part{Name: name}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&p.Result); err != nil {
		return p, fmt.Errorf("read %s: not a JSON result: %w", name, err)
	}
	if err := p.check(); err != nil {
		return p, fmt.Errorf("read %s: %w", name, err)
	}
	return p, nil
}

// ErrNotPartial is a result without what merge needs: one written without
// --shard, or by another format than json.
var ErrNotPartial = errors.New("not a partial result (write parts with: trailscan scan --shard i/N --format json)")

func (p *Part) check() error {
	o := p.Result.Scan
	if o == nil || o.Shard == "" {
		return ErrNotPartial
	}
	spec, err := shard.Parse(o.Shard, func(string) string { return "" })
	if err != nil || o.Shard != spec.String() {
		return fmt.Errorf("shard %q: not i/N", o.Shard)
	}
	p.spec = spec
	if o.Format > summarize.SnapshotVersion {
		return fmt.Errorf("written by trailscan %s in format %d, newer than this trailscan reads (%d)", o.Version, o.Format, summarize.SnapshotVersion)
	}
	// Rebuilding the summary checks the rest (every call listed), once.
	p.sum, err = p.Result.Summary()
	return err
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
	Missing []string         // shards not among the parts ("i/N"), with Options.Incomplete
}

// Result is the merged result, as a full scan would report it, with the
// origin of the parts.
func (m *Merged) Result() summarize.Result {
	r := m.Summary.Result()
	o := m.Origin
	r.Scan = &o
	return r
}

// Merge checks that parts are the shards of one scan, then combines them.
func Merge(parts []Part, opts Options) (*Merged, error) {
	if len(parts) == 0 {
		return nil, errors.New("no parts to merge")
	}
	for i := range parts {
		if parts[i].spec.Count == 0 { // built by hand rather than read
			if err := parts[i].check(); err != nil {
				return nil, fmt.Errorf("%s: %w", parts[i].Name, err)
			}
		}
	}
	parts = slices.Clone(parts)
	slices.SortStableFunc(parts, func(a, b Part) int { return a.spec.Index - b.spec.Index })
	first := parts[0]
	fo := first.Result.Scan
	byIndex := map[int]string{}
	for _, p := range parts {
		o := p.Result.Scan
		switch {
		case p.spec.Count != first.spec.Count:
			return nil, fmt.Errorf("%s is shard %s but %s is shard %s: parts of different splits cannot be merged", first.Name, fo.Shard, p.Name, o.Shard)
		case byIndex[p.spec.Index] != "":
			return nil, fmt.Errorf("%s and %s are both shard %s: the same part given twice", byIndex[p.spec.Index], p.Name, o.Shard)
		case !slices.Equal(o.Sources, fo.Sources):
			return nil, fmt.Errorf("%s scanned %s but %s scanned %s: parts of different sources cannot be merged",
				first.Name, list(fo.Sources), p.Name, list(o.Sources))
		case !o.Scope.Equal(fo.Scope):
			return nil, fmt.Errorf("%s scanned %s but %s scanned %s: parts of different scopes cannot be merged",
				first.Name, fo.Scope.String(), p.Name, o.Scope.String())
		case !buildinfo.Same(buildinfo.Parse(o.Version), buildinfo.Parse(fo.Version)):
			// Another version may assign objects to shards otherwise.
			return nil, fmt.Errorf("%s was written by trailscan %s but %s by trailscan %s: run every shard with the same trailscan",
				first.Name, fo.Version, p.Name, o.Version)
		}
		byIndex[p.spec.Index] = p.Name
	}
	m := &Merged{Summary: summarize.New()}
	m.Origin = summarize.Origin{Version: fo.Version, Format: summarize.SnapshotVersion, Sources: fo.Sources, Scope: fo.Scope, Shards: first.spec.Count}
	for i := range first.spec.Count {
		if byIndex[i] == "" {
			m.Missing = append(m.Missing, shard.Spec{Index: i, Count: first.spec.Count}.String())
		}
	}
	if len(m.Missing) > 0 && !opts.Incomplete {
		e := &IncompleteError{Missing: m.Missing, Count: first.spec.Count}
		for _, p := range parts {
			e.Given = append(e.Given, fmt.Sprintf("%s (%s)", p.Name, p.Result.Scan.Shard))
		}
		return nil, e
	}
	for _, p := range parts {
		m.Summary.Merge(p.sum)
		m.Origin.Parts = append(m.Origin.Parts, p.Result.Scan.Shard)
	}
	return m, nil
}

// IncompleteError is a set of parts that lacks some shards.
type IncompleteError struct {
	Missing []string // the shards not given, "i/N"
	Given   []string // the parts given, "NAME (i/N)"
	Count   int      // N
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("%d of %d shards given (%s); missing %s",
		len(e.Given), e.Count, strings.Join(e.Given, ", "), strings.Join(e.Missing, ", "))
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "nothing"
	}
	return strings.Join(xs, ", ")
}
