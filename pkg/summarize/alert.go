package summarize

import "fmt"

// AlertKinds are the kinds of finding Alerts looks for: a call that did
// not only read, a call that failed, and any Support activity at all (a
// call by the role, or a Support authorization event).
var AlertKinds = []string{"write", "error", "any-support"}

// Alerts says which of kinds r holds, one sentence each, so that a
// scheduled job can alert on them. A result that says what is new since
// the last run (see SinceLastRun) is judged on that alone: what an
// earlier run alerted on must not alert again every run after. Unknown
// kinds are ignored: callers check them against AlertKinds.
func (r Result) Alerts(kinds []string) []string {
	calls, writes, failures, auths, since := r.EventsMatched, r.Writes, r.Failures, len(r.SupportAuthorizations), ""
	if n := r.NewSinceLastRun; n != nil {
		calls, writes, failures, auths, since = n.EventsMatched, n.Writes, n.Failures, len(n.SupportAuthorizations), " since the last run"
	}
	var found []string
	for _, k := range kinds {
		switch {
		case k == "write" && writes > 0:
			found = append(found, fmt.Sprintf("%d calls by AWS Support that were not read-only%s", writes, since))
		case k == "error" && failures > 0:
			found = append(found, fmt.Sprintf("%d failed calls by AWS Support%s", failures, since))
		case k == "any-support" && (calls > 0 || auths > 0):
			found = append(found, fmt.Sprintf("%d calls by AWS Support, %d Support authorization events%s", calls, auths, since))
		}
	}
	return found
}
