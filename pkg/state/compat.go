package state

import (
	"encoding/json"

	"github.com/trailscan/trailscan/pkg/summarize"
)

// summaryV1 is the summary of a format 1 state: the fields of a Snapshot,
// but for the authorization events' name, without the count of calls, and
// with a version of its own, which Load has no use for (it was 1 in every
// format 1 state).
type summaryV1 struct {
	EventsScanned  int64                     `json:"events_scanned"`
	FilesScanned   int                       `json:"files_scanned"`
	Failed         []summarize.FileError     `json:"files_failed"`
	Calls          []summarize.Call          `json:"calls"`
	Authorizations []summarize.Authorization `json:"authorizations"`
}

// readV1 reads a format 1 state: the same as this format but for its
// summary.
func readV1(b []byte) (State, error) {
	var v1 struct {
		State
		Summary summaryV1 `json:"summary"` // the shallower field: it hides State.Summary
	}
	if err := json.Unmarshal(b, &v1); err != nil {
		return State{}, err
	}
	s, old := v1.State, v1.Summary
	s.Version = Version
	s.Summary = summarize.Snapshot{
		EventsScanned: old.EventsScanned, EventsMatched: len(old.Calls), FilesScanned: old.FilesScanned,
		Failed: old.Failed, Authorizations: old.Authorizations, Calls: old.Calls,
	}
	return s, nil
}
