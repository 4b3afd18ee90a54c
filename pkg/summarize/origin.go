package summarize

import (
	"fmt"
	"slices"

	"github.com/trailscan/trailscan/pkg/trail"
)

// Origin says where a result came from: what was scanned, by which shard,
// with which trailscan. Merge refuses parts whose origins do not belong
// together. Its JSON names are a contract, like Result's.
type Origin struct {
	Version string      `json:"version"` // trailscan's version
	Format  int         `json:"format"`  // SnapshotVersion of the summary a part holds
	Sources []string    `json:"sources"` // as named on the command line, sorted
	Scope   trail.Scope `json:"scope"`
	// Shard is "i/N" for a shard's partial result; Shards is the number of
	// parts a merged result was made of.
	Shard  string `json:"shard,omitempty"`
	Shards int    `json:"shards,omitempty"`
	// Parts lists the shards ("i/N") a merged result was made of: all of
	// them unless the merge was told to accept an incomplete set.
	Parts []string `json:"parts,omitempty"`
	// Plan names the plan the shards listed from (trailscan plan), by its
	// SHA-256: "sha256:HEX". Empty when they found their sources' folders
	// themselves.
	Plan string `json:"plan,omitempty"`
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
