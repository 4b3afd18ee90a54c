package state

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// TestNewSinceLastRun: each run of a state says what it added to the
// cumulative result: everything at first, nothing when nothing is new,
// and then exactly the events no earlier run counted, though a new file
// holds a copy of an old one, and though a changed object makes the run
// read everything again.
func TestNewSinceLastRun(t *testing.T) {
	dir, sp := t.TempDir(), filepath.Join(t.TempDir(), "state.json")
	steps := []struct {
		name          string
		add           func()
		matched, cum  int
		writes        int
		wantRescanned bool
	}{
		{"first", func() {
			writeLog(t, dir, 1, "a", record(1, 1, "AWSSupport-1", true), record(2, 1, "", true))
			writeLog(t, dir, 1, "b", record(3, 1, "AWSSupport-1", false))
		}, 2, 2, 1, false},
		{"unchanged", func() {}, 0, 2, 0, false},
		{"new files, one holding an old event again", func() {
			writeLog(t, dir, 2, "c", record(3, 1, "AWSSupport-1", false), record(4, 2, "AWSSupport-2", true))
			writeLog(t, dir, 2, "d", record(5, 2, "AWSSupport-2", true), record(4, 2, "AWSSupport-2", true))
		}, 2, 4, 0, false},
		{"a changed object: everything read again", func() {
			writeLog(t, dir, 2, "d", record(5, 2, "AWSSupport-2", true), record(6, 2, "AWSSupport-2", false))
		}, 1, 5, 1, true},
	}
	for _, s := range steps {
		s.add()
		sum, stats, err := Scan(context.Background(), sp, sources(t, dir), scan.Config{Jobs: 2})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		r := sum.Result(summarize.SinceLastRun(stats.Before))
		n := r.NewSinceLastRun
		if n.EventsMatched != s.matched || n.Writes != s.writes || r.EventsMatched != s.cum || stats.Rescanned != s.wantRescanned {
			t.Errorf("%s: %d new calls (%d writes) of %d, rescan %v; want %d (%d) of %d, %v",
				s.name, n.EventsMatched, n.Writes, r.EventsMatched, stats.Rescanned, s.matched, s.writes, s.cum, s.wantRescanned)
		}
	}
}
