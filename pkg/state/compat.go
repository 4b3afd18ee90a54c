package state

import (
	"encoding/json"
	"path/filepath"
	"strings"

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
// summary, whose calls do not name their source.
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
	for i, c := range old.Calls {
		old.Calls[i].Source = sourceOfV1(s.Sources, c.File)
	}
	s.Summary = summarize.Snapshot{
		EventsScanned: old.EventsScanned, EventsMatched: len(old.Calls), FilesScanned: old.FilesScanned,
		Failed: old.Failed, Authorizations: old.Authorizations, Calls: old.Calls,
	}
	return s, nil
}

// sourceOfV1 is the one of sources a call of a format 1 state, read from
// path, came from, as evidence found it then: the one whose location is
// the longest prefix of the path, or the only one.
func sourceOfV1(sources []string, path string) string {
	best, n := "", -1
	for _, s := range sources {
		for _, loc := range []string{s, filepath.Clean(s)} {
			if strings.HasPrefix(path, loc) && len(loc) > n {
				best, n = s, len(loc)
			}
		}
	}
	if best == "" && len(sources) == 1 {
		best = sources[0]
	}
	return best
}
