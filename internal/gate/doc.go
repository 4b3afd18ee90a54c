// Package gate bounds how many goroutines do something at once, with a
// bound that can change while they do it: a Gate is a semaphore whose
// size is adjusted from what is measured, and a Window is the size TCP's
// congestion avoidance would choose, halved at each sign of overload and
// grown by one for each window's worth of successes.
//
// The S3 listing (pkg/source) and the scan's reads (pkg/scan) both adapt
// how many requests they keep in flight; this is the one place that does
// it. gate imports no other trailscan package, and must never: it knows
// nothing of what is being bounded.
package gate
