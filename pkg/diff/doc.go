// Package diff compares two results, such as last month's and this
// month's: the services and actions new in the newer, those gone from it,
// the actions whose calls or errors changed most, and the Support
// sessions (and their accounts) the older did not hold.
//
// It reads results as trailscan's JSON reports write them, whatever made
// them (a scan, a merge), and compares what they report, not the calls
// behind it: a report need not list its calls.
//
// diff builds only on summarize, and must never import source, scan,
// state, merge, report or cmd: it compares results, and leaves writing the
// comparison to report.
package diff
