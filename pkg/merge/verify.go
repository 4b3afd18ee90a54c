package merge

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/shard"
	"github.com/trailscan/trailscan/pkg/source"
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

// VerifiedPart is the part of the scan that m's ledger holds, to verify
// it with: the whole, unless shards are missing; then the shards m holds,
// and which files are theirs, as the scan chose them.
func (m *Merged) VerifiedPart() integrity.Part {
	missing := m.Origin.Missing()
	if len(missing) == 0 {
		return integrity.Part{}
	}
	n := m.Origin.Shards
	held := make([]bool, n)
	for i := range held {
		held[i] = slices.Contains(m.Origin.Parts, shard.Spec{Index: i, Count: n}.String())
	}
	srcs := m.Origin.Sources
	return integrity.Part{
		Covers: fmt.Sprintf("shards %s of %d", strings.Join(m.Origin.Parts, ", "), n),
		Owns:   func(path string) bool { return held[shard.Of(keyOf(srcs, path), n)] },
	}
}

// keyOf is the key of the object at path (source.Object.Key), which its
// shard is chosen from: the path below the first of srcs it lies in.
// Outside them it is its name from AWSLogs/ on, which chooses the shard
// of a log file all the same.
func keyOf(srcs []string, path string) string {
	for _, src := range srcs {
		if source.IsS3(src) {
			// IsS3 takes the scheme in any case, as source.New does.
			bucket, _, _ := strings.Cut(src[len("s3://"):], "/")
			if key, ok := strings.CutPrefix(path, "s3://"+bucket+"/"); ok {
				return key
			}
			continue
		}
		rel, err := filepath.Rel(src, path)
		switch {
		case err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)):
		case rel == ".":
			return filepath.Base(path) // SOURCE is the file
		default:
			return filepath.ToSlash(rel)
		}
	}
	return integrity.Name(path)
}

func verified(p Part) string {
	if p.verify != nil {
		return "made with --verify"
	}
	return "made without --verify"
}
