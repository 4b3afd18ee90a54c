package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
	"github.com/trailscan/trailscan/pkg/trail"
)

// emptyResult refuses a result that looked at nothing: no log file, or
// none holding an event in scope. Its "no Support activity" would answer
// a question the sources were never asked: a mistyped prefix, an account
// with no logs, a window outside the archive. A result with files that
// failed is judged by outcome instead: what they hold is not known.
func emptyResult(res summarize.Result, sources []string, scope trail.Scope) error {
	if len(res.FilesFailed) > 0 {
		return nil
	}
	in := strings.Join(sources, ", ")
	var what string
	switch {
	case res.FilesScanned == 0:
		what = "no CloudTrail log files in " + in
	case res.FilesOutOfScope < res.FilesScanned:
		return nil
	case scope.Equal(trail.Scope{}):
		what = fmt.Sprintf("the %d log files read in %s hold no events", res.FilesScanned, in)
	default:
		what = fmt.Sprintf("none of the %d log files read in %s holds an event in scope", res.FilesScanned, in)
	}
	if !scope.Equal(trail.Scope{}) {
		what += " (scope: " + scope.String() + ")"
	}
	return exitError{code: exitFailed, err: errors.New("nothing to scan: " + what)}
}

// nothingToScan is emptyResult for a scan of srcs, with a hint: what the
// sources hold, when a filter kept none of it.
func nothingToScan(ctx context.Context, res summarize.Result, srcs []source.Source, scope trail.Scope) error {
	names := sourceNames(srcs)
	err := emptyResult(res, names, scope)
	var e exitError
	if !errors.As(err, &e) {
		return err
	}
	switch {
	case !scope.Equal(trail.Scope{}):
		// Only here, on the way out, is the listing made again.
		e.hint = listHeld(ctx, srcs).describe(names)
		if err := ctx.Err(); err != nil {
			return err
		}
	case res.FilesScanned == 0:
		e.hint = "name a directory of logs, a log file or s3://bucket/prefix that holds them: " +
			".json.gz and .json files are read, wherever they are below it (CloudTrail-Digest and CloudTrail-Insight folders never)"
	}
	return e
}

// What listHeld lists at most: enough to name what a mistyped filter
// missed, little enough to answer at once.
const (
	heldFiles = 100_000
	heldTime  = 10 * time.Second
)

// held is what the keys of some sources' log files say they hold.
type held struct {
	files, laidOut    int // log files listed; those in the CloudTrail layout
	accounts, regions map[string]bool
	first, last       time.Time // delivery days
	cut               bool      // the listing stopped before its end
}

// listHeld lists srcs without a scope, within the bounds above.
func listHeld(ctx context.Context, srcs []source.Source) held {
	ctx, cancel := context.WithTimeout(ctx, heldTime)
	defer cancel()
	h := held{accounts: map[string]bool{}, regions: map[string]bool{}}
	enough := errors.New("enough listed")
	for _, src := range srcs {
		err := src.List(ctx, trail.Scope{}, func(o source.Object) error {
			if o.Err != nil {
				return nil
			}
			if h.files == heldFiles {
				return enough
			}
			h.files++
			// The path, not the key: a directory named inside the layout
			// (.../AWSLogs/ACCOUNT/CloudTrail) has keys below the account.
			l, ok := trail.ParseLayout(filepath.ToSlash(o.Path))
			if !ok || l.Region == "" {
				return nil
			}
			h.laidOut++
			h.accounts[l.Account], h.regions[l.Region] = true, true
			if l.Day != 0 {
				day := time.Date(l.Year, l.Month, l.Day, 0, 0, 0, 0, time.UTC)
				if h.first.IsZero() || day.Before(h.first) {
					h.first = day
				}
				if day.After(h.last) {
					h.last = day
				}
			}
			return nil
		})
		if err != nil {
			h.cut = true
			break
		}
	}
	return h
}

// describe says what h found in the sources names.
func (h held) describe(names []string) string {
	in, holds := strings.Join(names, ", "), "holds"
	if len(names) > 1 {
		holds = "hold"
	}
	var s string
	switch {
	case h.files == 0 && h.cut:
		return "" // the listing failed before it found anything
	case h.files == 0:
		return fmt.Sprintf("%s %s no CloudTrail log files at all", in, holds)
	case h.laidOut == 0:
		s = fmt.Sprintf("%s %s %d log files outside the AWSLogs/ACCOUNT/CloudTrail/REGION/ layout: the filters apply to each of their events; run without them to see what they hold", in, holds, h.files)
	default:
		s = fmt.Sprintf("%s %s the logs of accounts %s in regions %s", in, holds, some(h.accounts), some(h.regions))
		if !h.first.IsZero() {
			s += fmt.Sprintf(", delivered from %s to %s", h.first.Format(time.DateOnly), h.last.Format(time.DateOnly))
		}
	}
	if h.cut {
		s += fmt.Sprintf(" (in the first %d log files listed)", h.files)
	}
	return s
}

// some lists the first few of set, in order, and how many more there are.
func some(set map[string]bool) string {
	const shown = 10
	all := slices.Sorted(maps.Keys(set))
	if len(all) <= shown {
		return strings.Join(all, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(all[:shown], ", "), len(all)-shown)
}
