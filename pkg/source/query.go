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

// HasDay reports whether the day folder of day (any time in it) may hold
// events in scope: files delivered from the first instant of the window
// until LateDelivery after its end.
func (q Query) HasDay(day time.Time) bool {
	start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	return q.overlaps(start, start.AddDate(0, 0, 1))
}

// HasMonth is HasDay for a month folder.
func (q Query) HasMonth(year int, month time.Month) bool {
	start := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	return q.overlaps(start, start.AddDate(0, 1, 0))
}

// HasYear is HasDay for a year folder.
func (q Query) HasYear(year int) bool {
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	return q.overlaps(start, start.AddDate(1, 0, 0))
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
