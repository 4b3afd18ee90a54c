package source

import (
	"slices"
	"time"
)

// LateDelivery is how long after an event its file is still searched
// for. The key's date is the delivery's: CloudTrail delivers most events
// within 15 minutes, so an event at 23:58 may sit in the next day's folder.
const LateDelivery = 6 * time.Hour

// Query says which objects a scan needs. Its methods let a source skip
// folders that cannot hold events in scope; the scan itself still checks
// every event, so listing too much costs time, never a wrong answer.
type Query struct {
	Since, Until time.Time // as filter.Scope: zero is unbounded
	Accounts     []string
	Regions      []string
}

// HasAccount reports whether an account folder may hold events in scope.
func (q Query) HasAccount(a string) bool {
	return len(q.Accounts) == 0 || slices.Contains(q.Accounts, a)
}

// HasRegion reports whether a region folder may hold events in scope.
func (q Query) HasRegion(r string) bool {
	return len(q.Regions) == 0 || slices.Contains(q.Regions, r)
}

// overlaps reports whether deliveries in [from, to) can carry events in
// the window.
func (q Query) overlaps(from, to time.Time) bool {
	if !q.Until.IsZero() && !from.Before(q.Until.Add(LateDelivery)) {
		return false
	}
	if !q.Since.IsZero() && !to.After(q.Since) {
		return false
	}
	return true
}
