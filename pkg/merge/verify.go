package merge

import (
	"slices"

	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// mergeVerifications merges the ledgers of parts of scan --verify, and
// gathers the keys they had, each once: a chain of digests crosses
// shards, so only the whole can be verified. Nil for parts without.
func mergeVerifications(parts []Part) *summarize.Verification {
	if parts[0].verify == nil {
		return nil
	}
	v := &summarize.Verification{Ledger: integrity.NewLedger()}
	for _, p := range parts {
		v.Ledger.Merge(p.verify.Ledger)
		for _, k := range p.verify.Keys {
			if !slices.ContainsFunc(v.Keys, func(h integrity.PublicKey) bool {
				return h.Fingerprint == k.Fingerprint && slices.Equal(h.Value, k.Value) && h.ValidFrom.Equal(k.ValidFrom) && h.ValidUntil.Equal(k.ValidUntil)
			}) {
				v.Keys = append(v.Keys, k)
			}
		}
	}
	return v
}

func verified(p Part) string {
	if p.verify != nil {
		return "made with --verify"
	}
	return "made without --verify"
}
