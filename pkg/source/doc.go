// Package source finds CloudTrail log objects and streams their bytes: it
// lists and opens, and knows nothing of what the logs hold.
//
// A Location is a local directory (or file), an S3 bucket and prefix (or
// object), or standard input ("-": one log, read once); New chooses one
// from the argument a user typed. It is one type over a small driver per
// kind of storage, and does for every driver what does not depend on the
// storage: listing the one object a user named, keeping only log names,
// naming the location or object in errors. Drivers list only what can hold
// the events a trail.Scope asks for, using the key layout CloudTrail
// writes, AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/, and
// never list digests or Insights events, which are not API activity.
// ListDigests lists the digests apart, in their own layout, for verifying
// the logs; OpenWithMetadata gives the S3 metadata that holds their
// signatures, and CloudTrail a client, with the S3 location's credentials,
// that asks for the keys that verify them. Discover finds once, for the
// copies of a sharded scan, what each would find before its day folders
// (the accounts, their regions, the logs outside them); UseDiscovery makes
// a copy list from it.
// Package sourcetest is the conformance suite every driver of stored
// objects runs; a stream, one object read once, has its own test.
//
// Of trailscan's packages it imports only pkg/trail and internal/gate
// (how many requests are in flight), and must never import another
// (pkg/parse, pkg/filter, pkg/summarize above all): the listing layer does
// not depend on how logs are read or summarized.
package source
