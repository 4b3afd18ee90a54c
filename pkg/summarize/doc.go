// Package summarize keeps AWS Support's calls once each and reports them:
// by service and action, and for reviewers by session, notable call, day
// and authorization event.
//
// A Summary keeps each matched call once, keyed by eventID, so that the same
// event delivered by two trails counts once, and so that summaries made by
// different workers, files, shards or runs merge exactly. Support's calls are
// a tiny share of any trail, so keeping them costs little; every total is
// derived from them when a Result is made.
//
// Summary.Result is the one place a Result is built. What it adds to the
// summary (the calls grouped otherwise, where the result came from, every
// call listed, what a run added to an earlier run's summary) is asked for
// with options; no other package fills in a
// Result's fields. A Snapshot is the one serialised form of a Summary:
// state files hold it, and so do shards' parts.
//
// summarize builds only on parse, filter, integrity (whose findings a
// Result may carry) and trail. It must never import
// source, scan, evidence, state, shard, merge, report or cmd: they build on
// it, and a summary must not depend on where its calls were read.
package summarize
