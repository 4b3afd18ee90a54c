package state

import "github.com/trailscan/trailscan/pkg/integrity"

// verifying readies s for a run that verifies its logs (on) or not. A
// state keeps the hashes and digests of every object its runs read, so
// the two do not mix: a state made without verifying lacks the hashes of
// the logs it read, and one made verifying would lack those of a run that
// does not. An empty state takes either.
func (s *State) verifying(path string, on bool) error {
	switch {
	case len(s.Objects) == 0 && on && s.Ledger == nil:
		s.Ledger = integrity.NewLedger()
	case len(s.Objects) == 0 && !on:
		s.Ledger = nil
	case (s.Ledger != nil) != on:
		return &MismatchError{Path: path, What: "verification (--verify)", Have: with(s.Ledger != nil), Want: with(on)}
	}
	return nil
}

func with(on bool) string {
	if on {
		return "with it"
	}
	return "without it"
}
