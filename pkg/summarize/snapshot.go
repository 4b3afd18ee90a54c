package summarize

import (
	"cmp"
	"fmt"
	"slices"
)

// SnapshotVersion is the version of the Snapshot form, which a shard's
// part records in its Origin. A reader refuses a newer one rather than
// guess at its meaning.
const SnapshotVersion = 1

// Snapshot is a Summary in the one form in which it is stored and read
// back exactly. A state file holds it under "summary"; a shard's part,
// a Result made WithCalls, holds it inline: its events_scanned,
// events_matched, files_scanned, files_failed, support_authorizations and
// calls are the part's Snapshot. Its JSON names are a contract, like
// Result's: only ever added.
//
// Calls and Authorizations are in time order (then event ID) and Failed in
// path order, so that equal summaries have byte-identical snapshots.
type Snapshot struct {
	EventsScanned int64 `json:"events_scanned"`
	// EventsMatched is len(Calls): a reader checks it, so that a file cut
	// short of some calls is refused rather than read as fewer calls.
	EventsMatched  int             `json:"events_matched"`
	FilesScanned   int             `json:"files_scanned"`
	Failed         []FileError     `json:"files_failed"`
	Authorizations []Authorization `json:"support_authorizations"`
	Calls          []Call          `json:"calls"`

	// FilesOutOfScope is absent when 0, as in every snapshot written
	// before it was counted: read so, none of their files was out of
	// scope, and an old state is never taken for an empty scan.
	FilesOutOfScope int `json:"files_out_of_scope,omitempty"`

	// RecordsFailed, in path then record order, is absent when empty, as
	// in every snapshot written before records could fail alone.
	RecordsFailed []RecordError `json:"records_failed,omitempty"`
	// CaseCalls, in time order, are absent when there are none, as in
	// every snapshot written before they were kept.
	CaseCalls []CaseCall `json:"case_calls,omitempty"`
}

// Snapshot returns everything s holds, in a canonical order.
func (s *Summary) Snapshot() Snapshot { return s.snapshot(s.order(), true) }

// snapshot is Snapshot for the calls in order, which it lists only if
// withCalls: a Result that does not list them would copy them for
// nothing.
func (s *Summary) snapshot(order []int32, withCalls bool) Snapshot {
	failed := slices.Clone(s.Failed)
	if failed == nil {
		failed = []FileError{}
	}
	sortFailed(failed)
	sn := Snapshot{
		EventsScanned:  s.EventsScanned,
		EventsMatched:  s.calls.len(),
		FilesScanned:   s.FilesScanned,
		Failed:         failed,
		Authorizations: s.Authorizations(),
	}
	sn.FilesOutOfScope = s.FilesOutOfScope
	if len(s.RecordsFailed) > 0 {
		sn.RecordsFailed = slices.Clone(s.RecordsFailed)
		slices.SortFunc(sn.RecordsFailed, func(a, b RecordError) int {
			return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Record, b.Record), cmp.Compare(a.Error, b.Error))
		})
	}
	if len(s.caseCalls) > 0 {
		sn.CaseCalls = s.CaseCalls()
	}
	if withCalls {
		sn.Calls = s.callsIn(order)
	}
	return sn
}

// Summary rebuilds the summary a snapshot was taken of.
func (sn Snapshot) Summary() (*Summary, error) {
	if len(sn.Calls) != sn.EventsMatched {
		return nil, fmt.Errorf("summary lists %d calls but counts %d: it was cut short", len(sn.Calls), sn.EventsMatched)
	}
	s := New()
	s.EventsScanned, s.FilesScanned, s.FilesOutOfScope = sn.EventsScanned, sn.FilesScanned, sn.FilesOutOfScope
	s.Failed = slices.Clone(sn.Failed)
	s.RecordsFailed = slices.Clone(sn.RecordsFailed)
	for _, c := range sn.Calls {
		s.AddCall(c)
	}
	for _, a := range sn.Authorizations {
		s.AddAuthorization(a)
	}
	for _, c := range sn.CaseCalls {
		s.AddCaseCall(c)
	}
	return s, nil
}

// Forget removes what the file at path contributed to s's lists of failed
// files and records: an incremental run that reads it again, successfully
// or not, records it anew.
func (s *Summary) Forget(path string) {
	s.Failed = slices.DeleteFunc(s.Failed, func(f FileError) bool { return f.Path == path })
	s.RecordsFailed = slices.DeleteFunc(s.RecordsFailed, func(r RecordError) bool { return r.Path == path })
}

func sortFailed(fs []FileError) {
	slices.SortFunc(fs, func(a, b FileError) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Error, b.Error))
	})
}
