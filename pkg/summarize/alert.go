package summarize

import "fmt"

// AlertKinds are the kinds of finding Alerts looks for: a call that did
// not only read, a call that failed, and any Support activity at all (a
// call by the role, or a Support authorization event).
var AlertKinds = []string{"write", "error", "any-support"}

// Alerts says which of kinds r holds, one sentence each, so that a
// scheduled job can alert on them. Unknown kinds are ignored: callers
// check them against AlertKinds.
func (r Result) Alerts(kinds []string) []string {
	var found []string
	for _, k := range kinds {
		switch {
		case k == "write" && r.Writes > 0:
			found = append(found, fmt.Sprintf("%d calls by AWS Support that were not read-only", r.Writes))
		case k == "error" && r.Failures > 0:
			found = append(found, fmt.Sprintf("%d failed calls by AWS Support", r.Failures))
		case k == "any-support" && (r.EventsMatched > 0 || len(r.SupportAuthorizations) > 0):
			found = append(found, fmt.Sprintf("%d calls by AWS Support, %d Support authorization events", r.EventsMatched, len(r.SupportAuthorizations)))
		}
	}
	return found
}
