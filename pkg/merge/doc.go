// Package merge combines the partial results of a scan split into shards
// (trailscan scan --shard i/N) into the result one full scan would give.
//
// A shard's part is a summarize.Result made WithOrigin and WithCalls: it
// says where it came from (the sources, the scope, the shard and the
// trailscan version) and holds its summary's Snapshot. Merging rebuilds
// each part's Summary from its Snapshot and merges them, so an event two
// parts both read (an account trail's and an organization trail's copy, a
// day edge) counts once, and every total, session and notable call is
// derived again from the merged calls.
//
// A merged result made WithCalls is a part too, holding the shards its
// Origin lists: thousands of shards can be merged as a tree, in groups,
// then the groups' results, and give what one merge of them all gives.
//
// Parts that do not belong together are refused before anything is merged:
// the same shard twice (in two shards' parts, or in two merges), parts of
// different sources, scopes, splits or trailscan versions, and, unless
// Options.Incomplete, a set that lacks a shard. Each error names the files.
//
// Parts of scan --verify carry the integrity.Ledger of what their shard
// read and the keys it had; the merge combines the ledgers, since a chain
// of digests crosses shards, for its caller to verify the whole. Parts
// that verify and parts that do not are refused together.
//
// merge must never import scan, state, report or cmd: it reads parts,
// whoever wrote them, and leaves reporting the merged result to its caller.
package merge
