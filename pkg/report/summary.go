package report

import (
	"fmt"
	"strings"

	"github.com/trailscan/trailscan/pkg/summarize"
)

// fact is one line of a report's summary, which the table prints first
// and the HTML page at its top.
type fact struct {
	Key, Value string
	Warn       bool // the page shows it as a warning
}

// factsOf is the summary of r. Whether the result is whole comes first:
// a reader who stops after one line must not take a partial result for
// the truth. What changed since the last run, and whether the logs were
// verified, belong right after it.
func factsOf(r summarize.Result) []fact {
	whole, why := completeness(r)
	facts := []fact{{Key: "Result", Value: why, Warn: !whole}}
	if n := r.NewSinceLastRun; n != nil {
		facts = append(facts, fact{Key: "New since last run", Value: fmt.Sprintf(
			"%d calls by AWS Support (%d writes, %d failed), %d sessions, %d authorization events",
			n.EventsMatched, n.Writes, n.Failures, len(n.Sessions), len(n.SupportAuthorizations))})
	}
	if r.Query != nil {
		facts = append(facts, fact{Key: "Query", Value: r.Query.String()})
	}
	span := "-"
	if r.FirstSeen != "" {
		span = r.FirstSeen + " to " + r.LastSeen
	}
	facts = append(facts,
		fact{Key: "Time range", Value: span},
		fact{Key: "Files", Value: fmt.Sprintf("%d scanned, %d failed", r.FilesScanned, len(r.FilesFailed))},
		fact{Key: "Events", Value: fmt.Sprintf("%d scanned, %d by AWS Support", r.EventsScanned, r.EventsMatched)},
		fact{Key: "Notable", Value: fmt.Sprintf("%d writes, %d failed calls", r.Writes, r.Failures)},
		fact{Key: "Sessions", Value: fmt.Sprintf("%d, %d of them wrote", len(r.Sessions), wrote(r.Sessions))},
		fact{Key: "Accounts", Value: counted(r.Accounts)},
		fact{Key: "Regions", Value: counted(r.Regions)},
		fact{Key: "Services", Value: services(r.Services)},
		fact{Key: "Authorizations", Value: fmt.Sprintf("%d Support authorization events", len(r.SupportAuthorizations))},
	)
	return facts
}

// completeness says whether r holds every event it was asked for, and
// if not why not.
func completeness(r summarize.Result) (whole bool, why string) {
	var reasons []string
	if n := len(r.FilesFailed); n > 0 {
		reasons = append(reasons, fmt.Sprintf("%d of %d files could not be read", n, n+r.FilesScanned))
	}
	if missing := r.Scan.Missing(); len(missing) > 0 {
		reasons = append(reasons, fmt.Sprintf("shards %s are missing", strings.Join(missing, ", ")))
	}
	if len(reasons) == 0 {
		return true, "complete"
	}
	return false, "PARTIAL: " + strings.Join(reasons, "; ")
}

// counted is a list with its length first, which stays when the table
// cuts the list.
func counted(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d: %s", len(xs), strings.Join(xs, ", "))
}

// services is the services, busiest first, each with its calls.
func services(ss []summarize.Service) string {
	if len(ss) == 0 {
		return "none"
	}
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = fmt.Sprintf("%s %d", summarize.ShortService(s.Service), s.Count)
	}
	return fmt.Sprintf("%d: %s", len(ss), strings.Join(parts, ", "))
}

func wrote(ss []summarize.Session) int {
	n := 0
	for _, s := range ss {
		if s.AnyWrite {
			n++
		}
	}
	return n
}
