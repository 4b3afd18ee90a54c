package shard

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/trail"
)

// PlanVersion is the format of the plans this trailscan writes, and the
// only one it reads: a field it does not know could change what the
// shards list, and a plan of format 1 holds no months, from which the
// shards of a scan with no end name their days. A plan is made for one
// scan, just before it, so one of another format is made again.
const PlanVersion = 2

// Plan is what the copies of a sharded scan would each find before they
// list a day folder, found once for them all: each S3 source's accounts
// and regions (see source.Discovery). A copy given the plan lists only
// its own share of the day folders. It is made for one scan, of its
// sources, scope and number of shards, which a copy must give alike (see
// Check). Its JSON names are a contract, like a part's.
type Plan struct {
	Version int         `json:"version"`
	MadeAt  time.Time   `json:"made_at"`
	MadeBy  string      `json:"made_by"` // the trailscan build, as --version says it
	Sources []string    `json:"sources"` // as the scan names them, sorted
	Scope   trail.Scope `json:"scope"`
	Shards  int         `json:"shards"`
	// Discovery is each source's by name, for the sources a listing finds
	// something in before their day folders: S3 prefixes. A local
	// directory has none: it is walked whole, at no cost.
	Discovery map[string]*source.Discovery `json:"discovery"`

	id string // the SHA-256 of the file read, or of Write's bytes
}

// NewPlan discovers srcs for a scan of scope in n shards, at the time at,
// by the trailscan build named by.
func NewPlan(ctx context.Context, srcs []source.Source, scope trail.Scope, n int, at time.Time, by string) (*Plan, error) {
	if n < 1 {
		return nil, fmt.Errorf("plan of %d shards: want at least 1", n)
	}
	p := &Plan{Version: PlanVersion, MadeAt: at.UTC(), MadeBy: by, Sources: []string{}, Scope: scope.Canonical(), Shards: n,
		Discovery: map[string]*source.Discovery{}}
	for _, src := range srcs {
		p.Sources = append(p.Sources, src.String())
		ds, ok := src.(source.Discoverer)
		if !ok {
			continue
		}
		d, err := ds.Discover(ctx, p.Scope, n)
		if err != nil {
			return nil, err
		}
		if d != nil {
			p.Discovery[src.String()] = d
		}
	}
	slices.Sort(p.Sources)
	p.Sources = slices.Compact(p.Sources)
	return p, nil
}

// Write writes p as JSON.
func (p *Plan) Write(w io.Writer) error {
	b, err := p.encode()
	if err != nil {
		return err
	}
	p.id = planID(b) // what ID would encode again to find
	_, err = w.Write(b)
	return err
}

func (p *Plan) encode() ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("write plan: %w", err)
	}
	return append(b, '\n'), nil
}

// ID names p by the SHA-256 of its file, "sha256:" and the hex digits:
// each part made with it records it, and merge refuses parts of different
// plans.
func (p *Plan) ID() string {
	if p.id == "" {
		b, err := p.encode()
		if err != nil {
			return ""
		}
		p.id = planID(b)
	}
	return p.id
}

func planID(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ErrNotPlan is a file that holds no plan trailscan wrote: not JSON, cut
// short, or JSON of something else.
var ErrNotPlan = errors.New("not a trailscan plan (write one with: trailscan plan)")

// ReadPlanFile reads the plan at path.
func ReadPlanFile(path string) (*Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // names the path
	}
	defer f.Close()
	return ReadPlan(path, f)
}

// ReadPlan reads the plan called name from r. A plan that is damaged, or
// of a newer format, is refused, naming it.
func ReadPlan(name string, r io.Reader) (*Plan, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read plan %s: %w", name, err)
	}
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("read plan %s: %w: %w", name, ErrNotPlan, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("read plan %s: %w: more after its end", name, ErrNotPlan)
	}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("read plan %s: %w", name, err)
	}
	p.id = planID(b)
	return &p, nil
}

// check refuses what Write never writes.
func (p *Plan) check() error {
	switch {
	case p.Version == 0:
		return fmt.Errorf("%w: no version", ErrNotPlan)
	case p.Version > PlanVersion:
		return fmt.Errorf("written by trailscan %s in plan format %d, newer than this trailscan reads (%d)", p.MadeBy, p.Version, PlanVersion)
	case p.Version > 0 && p.Version < PlanVersion:
		return fmt.Errorf("written by trailscan %s in plan format %d, older than this trailscan reads (%d)", p.MadeBy, p.Version, PlanVersion)
	case p.Version < 0 || p.Shards < 1 || len(p.Sources) == 0 || p.MadeAt.IsZero():
		return fmt.Errorf("%w: version %d, %d shards, %d sources, made at %v", ErrNotPlan, p.Version, p.Shards, len(p.Sources), p.MadeAt)
	}
	for name := range p.Discovery {
		if !slices.Contains(p.Sources, name) {
			return fmt.Errorf("%w: a discovery of %s, which is not one of its sources", ErrNotPlan, name)
		}
	}
	return nil
}

// MismatchError is a plan made for another scan than the one given it.
type MismatchError struct {
	What        string // what differs, as the flags name it
	Plan, Given string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("the plan was made for another %s: %s in the plan; %s here", e.What, e.Plan, e.Given)
}

// Check refuses p for a scan of sources (as the scan names them), scope
// and spec that is not the one p was made for: its discovery would not
// be the scan's, and merge would refuse parts of the scans that differ.
func (p *Plan) Check(sources []string, scope trail.Scope, spec Spec) error {
	sorted := slices.Compact(slices.Sorted(slices.Values(sources)))
	switch {
	case !slices.Equal(sorted, p.Sources):
		return &MismatchError{What: "SOURCE", Plan: strings.Join(p.Sources, ", "), Given: strings.Join(sorted, ", ")}
	case !scope.Equal(p.Scope):
		return &MismatchError{What: "scope (--since, --until, --account, --region)", Plan: p.Scope.String(), Given: scope.String()}
	case spec.Count != p.Shards:
		return &MismatchError{What: "number of shards", Plan: fmt.Sprint(p.Shards), Given: fmt.Sprintf("%d (--shard %s)", spec.Count, spec)}
	}
	return nil
}

// Use makes each of srcs list from its discovery in p. srcs are those of
// the scan p was checked for.
func (p *Plan) Use(srcs []source.Source) error {
	for _, src := range srcs {
		d := p.Discovery[src.String()]
		if d == nil {
			continue
		}
		ds, ok := src.(source.Discoverer)
		if !ok {
			return fmt.Errorf("plan: %s cannot list from a discovery", src)
		}
		if err := ds.UseDiscovery(d); err != nil {
			return fmt.Errorf("plan: %w", err)
		}
	}
	return nil
}

// Early reports whether p was made before every log of its window could
// be delivered: before the window's end and the late deliveries after it,
// or at any time for a window with no end. An account or a region whose
// first logs were delivered after p was made is in no listing made from
// it.
func (p *Plan) Early() bool {
	return p.Scope.Until.IsZero() || p.MadeAt.Before(p.Scope.Until.Add(trail.LateDelivery))
}
