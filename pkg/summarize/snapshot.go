package summarize

import (
	"cmp"
	"fmt"
	"slices"
)

// SnapshotVersion is the version of the Snapshot format that this code
// writes. A reader refuses a newer one rather than guess at its meaning.
const SnapshotVersion = 1

// Snapshot is a Summary in a form that can be stored and read back exactly:
// an incremental run's state, or a shard's partial result waiting to be
// merged. Its JSON names are a contract, like Result's: only ever added.
//
// Calls and Authorizations are in time order (then event ID) and Failed in
// path order, so that equal summaries have byte-identical snapshots.
type Snapshot struct {
	Version        int             `json:"version"`
	EventsScanned  int64           `json:"events_scanned"`
	FilesScanned   int             `json:"files_scanned"`
	Failed         []FileError     `json:"files_failed"`
	Calls          []Call          `json:"calls"`
	Authorizations []Authorization `json:"authorizations"`
}

// Snapshot returns everything s holds, in a canonical order.
func (s *Summary) Snapshot() Snapshot {
	failed := slices.Clone(s.Failed)
	if failed == nil {
		failed = []FileError{}
	}
	sortFailed(failed)
	return Snapshot{
		Version:        SnapshotVersion,
		EventsScanned:  s.EventsScanned,
		FilesScanned:   s.FilesScanned,
		Failed:         failed,
		Calls:          s.Calls(),
		Authorizations: s.Authorizations(),
	}
}

// Summary rebuilds the summary a snapshot was taken of.
func (sn Snapshot) Summary() (*Summary, error) {
	if sn.Version > SnapshotVersion {
		return nil, fmt.Errorf("summary snapshot version %d is newer than this trailscan reads (%d)", sn.Version, SnapshotVersion)
	}
	s := New()
	s.EventsScanned, s.FilesScanned = sn.EventsScanned, sn.FilesScanned
	s.Failed = slices.Clone(sn.Failed)
	for _, c := range sn.Calls {
		s.AddCall(c)
	}
	for _, a := range sn.Authorizations {
		s.AddAuthorization(a)
	}
	return s, nil
}

// Forget removes what the file at path contributed to s's list of failed
// files: an incremental run that reads it again, successfully or not,
// records it anew.
func (s *Summary) Forget(path string) {
	s.Failed = slices.DeleteFunc(s.Failed, func(f FileError) bool { return f.Path == path })
}

func sortFailed(fs []FileError) {
	slices.SortFunc(fs, func(a, b FileError) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Error, b.Error))
	})
}
