package integrity

import (
	"maps"
	"slices"
	"time"
)

// DigestRegions returns the regions of the digests l holds, and the end
// times of the first and last of them: where, and from when, to ask
// CloudTrail's ListPublicKeys for the keys that verify them (CloudTrail
// signs each region's digests with keys of that region).
func (l *Ledger) DigestRegions() (regions []string, first, last time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	seen := map[string]bool{}
	for p := range l.digests {
		k, ok := ParseDigestKey(p)
		if !ok {
			continue
		}
		seen[k.Region] = true
		if first.IsZero() || k.End.Before(first) {
			first = k.End
		}
		if k.End.After(last) {
			last = k.End
		}
	}
	return slices.Sorted(maps.Keys(seen)), first, last
}
