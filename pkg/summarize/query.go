package summarize

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trailscan/trailscan/pkg/trail"
)

// Query is what a result was asked: the sources and scope scanned, by
// which trailscan, and when. Its JSON form is one flat object: sources,
// trailscan_version and generated_at, then the scope as trail.Scope
// writes it (since and until absent when unbounded, accounts and regions
// absent for all). Its names are a contract, like Result's.
type Query struct {
	Sources     []string // as named on the command line, sorted
	Scope       trail.Scope
	Version     string    // trailscan's
	GeneratedAt time.Time // when the result was made
}

// queryFields are a Query's names besides its scope's.
type queryFields struct {
	Sources     []string `json:"sources"`
	Version     string   `json:"trailscan_version"`
	GeneratedAt string   `json:"generated_at"`
}

// MarshalJSON writes q's own names, then its scope's, in one object: the
// scope keeps its one written form (see trail.Scope), without a level of
// its own.
func (q Query) MarshalJSON() ([]byte, error) {
	f := queryFields{Sources: q.Sources, Version: q.Version}
	if f.Sources == nil {
		f.Sources = []string{}
	}
	if !q.GeneratedAt.IsZero() {
		f.GeneratedAt = Format(q.GeneratedAt)
	}
	own, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	scope, err := json.Marshal(q.Scope)
	if err != nil {
		return nil, err
	}
	if string(scope) == "{}" {
		return own, nil
	}
	return append(append(own[:len(own)-1], ','), scope[1:]...), nil
}

// UnmarshalJSON reads a query as MarshalJSON writes it.
func (q *Query) UnmarshalJSON(b []byte) error {
	var f queryFields
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	var scope trail.Scope
	if err := json.Unmarshal(b, &scope); err != nil {
		return err
	}
	at := time.Time{}
	if f.GeneratedAt != "" {
		t, err := time.Parse(time.RFC3339, f.GeneratedAt)
		if err != nil {
			return fmt.Errorf("query: generated_at: %w", err)
		}
		at = t.UTC()
	}
	*q = Query{Sources: f.Sources, Scope: scope, Version: f.Version, GeneratedAt: at}
	return nil
}

// String is the query on one line, as a report's header shows it.
func (q Query) String() string {
	s := strings.Join(q.Sources, ", ") + "; " + q.Scope.String() + "; trailscan " + q.Version
	if !q.GeneratedAt.IsZero() {
		s += ", " + Format(q.GeneratedAt)
	}
	return s
}

// WithQuery says what the result was asked (see Query), in canonical
// form: sources sorted, without repeats; the scope as Scope.Canonical.
func WithQuery(q Query) Option {
	q.Sources = slices.Compact(slices.Sorted(slices.Values(q.Sources)))
	q.Scope = q.Scope.Canonical()
	q.GeneratedAt = q.GeneratedAt.UTC()
	return func(o *options) { o.query = &q }
}
