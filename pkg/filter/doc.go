// Package filter decides which CloudTrail events are AWS Support's.
//
// Every function here is a pure function of one event. Support identifies
// the caller only from userIdentity, never from eventSource, invokedBy or a
// role name found elsewhere in the record: those are how a careless scanner
// counts Trusted Advisor, look-alike roles, people reading the role, or the
// Support service assuming it.
//
// filter builds only on parse and trail, and must never import summarize,
// source, scan or report: what Support did is decided from one event alone.
package filter
