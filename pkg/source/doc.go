// Package source finds CloudTrail log objects and streams their bytes.
//
// A Source is a local directory (or file) or an S3 bucket and prefix; New
// chooses one from the argument a user typed. Both list only what can hold
// the events a trail.Scope asks for, using the key layout CloudTrail writes,
// AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/, and never list
// digests or Insights events, which are not API activity.
package source
