package summarize

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trailscan/trailscan/pkg/filter"
)

// Origin says where a result came from: what was scanned, by which shard,
// with which trailscan. Merge refuses parts whose origins do not belong
// together. Its JSON names are a contract, like Result's.
type Origin struct {
	Version string   `json:"version"` // trailscan's version
	Format  int      `json:"format"`  // SnapshotVersion of the calls listed
	Sources []string `json:"sources"` // as named on the command line, sorted
	Scope   Scope    `json:"scope"`
	// Shard is "i/N" for a shard's partial result; Shards is the number of
	// parts a merged result was made of.
	Shard  string `json:"shard,omitempty"`
	Shards int    `json:"shards,omitempty"`
	// Parts lists the shards ("i/N") a merged result was made of: all of
	// them unless the merge was told to accept an incomplete set.
	Parts []string `json:"parts,omitempty"`
}

// Missing lists the shards ("i/N") a merged result lacks: none unless the
// merge was told to accept an incomplete set. A result without an origin
// lacks nothing.
func (o *Origin) Missing() []string {
	if o == nil || o.Shards == 0 {
		return nil
	}
	var missing []string
	for i := range o.Shards {
		if id := fmt.Sprintf("%d/%d", i, o.Shards); !slices.Contains(o.Parts, id) {
			missing = append(missing, id)
		}
	}
	return missing
}

// Scope is filter.Scope as written in a result: times in RFC 3339, empty
// when unbounded; accounts and regions sorted, empty for all.
type Scope struct {
	Since    string   `json:"since,omitempty"`
	Until    string   `json:"until,omitempty"`
	Accounts []string `json:"accounts,omitempty"`
	Regions  []string `json:"regions,omitempty"`
}

// ScopeOf writes a scan's scope canonically, so that equal scopes compare
// and print alike wherever they were written.
func ScopeOf(sc filter.Scope) Scope {
	s := Scope{
		Accounts: slices.Compact(slices.Sorted(slices.Values(sc.Accounts))),
		Regions:  slices.Compact(slices.Sorted(slices.Values(sc.Regions))),
	}
	if !sc.Since.IsZero() {
		s.Since = sc.Since.UTC().Format(time.RFC3339Nano)
	}
	if !sc.Until.IsZero() {
		s.Until = sc.Until.UTC().Format(time.RFC3339Nano)
	}
	return s
}

// Equal reports whether two canonical scopes are the same.
func (s Scope) Equal(o Scope) bool {
	return s.Since == o.Since && s.Until == o.Until && slices.Equal(s.Accounts, o.Accounts) && slices.Equal(s.Regions, o.Regions)
}

// String says what the scope keeps, as a person reads it.
func (s Scope) String() string {
	var parts []string
	if s.Since != "" {
		parts = append(parts, "since "+s.Since)
	}
	if s.Until != "" {
		parts = append(parts, "until "+s.Until)
	}
	if len(s.Accounts) > 0 {
		parts = append(parts, "accounts "+strings.Join(s.Accounts, ","))
	}
	if len(s.Regions) > 0 {
		parts = append(parts, "regions "+strings.Join(s.Regions, ","))
	}
	if len(parts) == 0 {
		return "everything"
	}
	return strings.Join(parts, " ")
}

// Summary rebuilds the summary of a partial result, one that lists its
// calls (Calls and Scan are set). Everything else a Result reports is
// derived from the calls, the authorization events, the counts and the
// failed files, so merging rebuilt summaries is exact.
func (r Result) Summary() (*Summary, error) {
	if r.Scan == nil {
		return nil, fmt.Errorf("result has no scan origin: not a partial result (write one with scan --shard)")
	}
	if len(r.Calls) != r.EventsMatched {
		return nil, fmt.Errorf("result lists %d calls but counts %d: not a complete partial result", len(r.Calls), r.EventsMatched)
	}
	return Snapshot{
		Version:        r.Scan.Format,
		EventsScanned:  r.EventsScanned,
		FilesScanned:   r.FilesScanned,
		Failed:         r.FilesFailed,
		Calls:          r.Calls,
		Authorizations: r.SupportAuthorizations,
	}.Summary()
}
