// Package trail holds what every layer of trailscan means by the same
// words: a scan's Scope (time window, accounts, regions), CloudTrail's S3
// key layout, and the form of an account ID.
//
// It is a leaf: it imports only the standard library, so the listing layer
// (pkg/source) can use it without depending on the JSON parser, and a
// scope is written, compared and printed the same way by state files,
// shard parts and merges. It must never import another trailscan package.
package trail
