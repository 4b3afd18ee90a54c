package state

import (
	"context"
	"errors"
	"io/fs"

	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// Stats says what an incremental run did.
type Stats struct {
	New       bool // there was no state file: everything was read
	Listed    int  // objects listed
	Read      int  // objects read (or tried) this run
	Skipped   int  // objects already read in the same version
	Changed   int  // objects read before that have changed since
	Missing   int  // objects in the state that were not listed: kept
	Rescanned bool // a changed object made the run read everything again
	// Dropped counts objects no longer in the source that a rescan left
	// out: after reading everything again, only what is there counts.
	Dropped int
	// Before is the cumulative summary the state held before the run,
	// empty when there was none: what the run added is what the result
	// holds beyond it (see summarize.SinceLastRun).
	Before *summarize.Summary
}

// Scan runs a scan of srcs with cfg that reads only what the state at path
// has not read, merges it into the state's cumulative summary, saves the
// state, and returns the cumulative summary, with the one it was merged
// into in Stats.Before. With cfg.Ledger, it leaves in that ledger what
// every run of the state read, digests included, to be verified whole: the
// digests a later run reads verify logs an earlier one read.
//
// A state for other sources or another scope is refused with a
// *MismatchError, one edited or damaged with a *DamagedError, one that
// another run is using with a *LockedError: runs of one state must not
// overlap, as each would read what the other reads, and the last to save
// would drop the other's work.
//
// When an object that was read has changed since (CloudTrail never
// rewrites a delivered file, so this is rare: a re-synced download), its
// old contribution cannot be taken out exactly, so the run starts over
// and reads everything. Nothing is saved unless the scan finishes: a run
// that is stopped leaves the previous state as it was.
func Scan(ctx context.Context, path string, srcs []source.Source, cfg scan.Config) (*summarize.Summary, Stats, error) {
	var names []string
	for _, s := range srcs {
		names = append(names, s.String())
	}
	scope := cfg.Scope
	var stats Stats
	unlock, err := lock(path)
	if err != nil {
		return nil, stats, err
	}
	defer unlock()
	st, err := Load(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		st, stats.New = New(names, scope), true
	case err != nil:
		return nil, stats, err
	default:
		if err := st.Check(path, names, scope); err != nil {
			return nil, stats, err
		}
	}
	if err := st.verifying(path, cfg.Ledger != nil); err != nil {
		return nil, stats, err
	}
	if stats.Before, err = st.Summary.Summary(); err != nil {
		return nil, stats, err
	}
	r, sum, err := scanWith(ctx, st, srcs, cfg)
	if err != nil {
		return nil, stats, err
	}
	if len(r.changed) > 0 {
		stats.Changed, stats.Rescanned = len(r.changed), true
		for p := range st.Objects {
			if !r.listed[p] {
				stats.Dropped++
			}
		}
		st = New(names, scope)
		st.verifying(path, cfg.Ledger != nil) // a new state takes either
		if r, sum, err = scanWith(ctx, st, srcs, cfg); err != nil {
			return nil, stats, err
		}
	}
	stats.Listed, stats.Read = len(r.listed), len(r.read)
	stats.Skipped = stats.Listed - stats.Read
	for p := range st.Objects {
		if !r.listed[p] {
			stats.Missing++
		}
	}
	cum, err := r.apply(sum)
	if err != nil {
		return nil, stats, err
	}
	if err := st.Save(path); err != nil {
		return nil, stats, err
	}
	if cfg.Ledger != nil {
		cfg.Ledger.Merge(st.Ledger)
	}
	return cum, stats, nil
}

func scanWith(ctx context.Context, st *State, srcs []source.Source, cfg scan.Config) (*run, *summarize.Summary, error) {
	r := newRun(st)
	if cfg.Ledger != nil {
		r.ledger = integrity.NewLedger() // a rescan's must not hold the first try's
		cfg.Ledger = r.ledger
	}
	cfg.Select = r.selectFn(cfg.Select)
	next := cfg.Done
	cfg.Done = func(o source.Object, err error) {
		r.done(o, err)
		if next != nil {
			next(o, err)
		}
	}
	sum, err := scan.Run(ctx, srcs, cfg)
	return r, sum, err
}
