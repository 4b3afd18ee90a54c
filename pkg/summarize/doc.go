// Package summarize groups AWS Support's calls by service and action.
//
// A Summary keeps each matched call once, keyed by eventID, so that the same
// event delivered by two trails counts once, and so that summaries made by
// different workers, files, shards or runs merge exactly. Support's calls are
// a tiny share of any trail, so keeping them costs little; every total is
// derived from them when a Result is made.
//
// A Result adds, for reviewers, the calls grouped by role session, the
// notable calls (not read-only, or failed), the Support authorization
// events apart from the role's calls, and calls per day and account.
// A Snapshot is a Summary serialized exactly, for incremental state and
// for shards' partial results.
package summarize
