// Package merge combines the partial results of a scan split into shards
// (trailscan scan --shard i/N) into the result one full scan would give.
//
// A partial result is a summarize.Result that lists every call and says
// where it came from (summarize.Origin): the sources, the scope, the shard
// and the trailscan version. Merging rebuilds each part's Summary and
// merges them, so an event two parts both read (an account trail's and an
// organization trail's copy, a day edge) counts once, and every total,
// session and notable call is derived again from the merged calls.
//
// Parts that do not belong together are refused before anything is merged:
// the same shard twice, parts of different sources, scopes, splits or
// trailscan versions, and, unless Options.Incomplete, a set that lacks a
// shard. Each error names the files.
package merge
