// Package shard splits a scan's objects among N copies of trailscan that
// share nothing but the archive: each copy keeps the objects whose key
// falls in its share (Spec.Select), so every object is read by exactly one
// copy, whichever machine runs it and in whatever order. Each copy lists
// only what can hold the day folders it owns (Spec.Owns, a source.Share):
// it names them where that costs fewer requests than reading the pages
// that hold them, so that N copies list busy regions' days once between
// them, not N times.
//
// A share is chosen from the object key alone. Inside the CloudTrail layout
// the unit is the account, region and delivery day
// (AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD): the copies an
// account trail and an organization trail keep of the same events, under
// different prefixes, land in the same shard. Outside the layout the unit
// is the whole key. Units are spread with a jump consistent hash, which
// balances the shares when units are many; an archive of uneven accounts
// still has many account-days.
//
// A Plan is the copies' discovery (source.Discovery) made once for them
// all, by trailscan plan, and written to a file each copy reads: it holds
// each S3 source's accounts and regions, for one scan's sources, scope and
// number of shards, which Check holds the copies to. Parts name the plan
// by the SHA-256 of its file (Plan.ID).
//
// shard must never import scan, summarize, merge or cmd: it decides which
// objects are a copy's, and nothing about what is read in them.
package shard
