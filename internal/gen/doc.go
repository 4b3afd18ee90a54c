// Package gen writes synthetic CloudTrail archives whose content is known
// exactly, so that a scanner can be tested and benchmarked against the truth.
//
// An archive has the real S3 key layout of one or two trails
// (PREFIX/AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/...), with
// delivery times in the keys: every event is before the time in its file's
// key, by at most 15 minutes. Each day, in each account's first region,
// Support events at 00:00:00 and 23:59:59 and a file of the day's last
// minutes delivered into the next day's folder test scans of time ranges. Its
// records mix the calls of the AWS Support service-linked role
// (AWSServiceRoleForSupport) with the callers a careless scanner confuses
// with it: Trusted Advisor, roles and users with look-alike names, people
// reading the role, the Support service assuming it, people calling the
// Support API, and Support authorization service events. With
// Config.Damaged it also writes the files a scanner must survive: truncated
// and garbled files, a JSON document that is not a CloudTrail log,
// multi-member gzip, uncompressed and empty logs, and the Digest and Insight
// files that are not API activity.
//
// Output depends only on the Config: every file draws from its own random
// source derived from Config.Seed and the file's identity, so the bytes are
// the same whatever the number of workers.
//
// The Manifest returned by Write is the truth. An event counts as a Support
// event when its userIdentity is an AssumedRole whose
// sessionContext.sessionIssuer.arn is exactly the service-linked role's ARN
// (arn:PARTITION:iam::ACCOUNT:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport)
// or, for the few events logged without a session issuer, whose arn is
// exactly arn:PARTITION:sts::ACCOUNT:assumed-role/AWSServiceRoleForSupport/SESSION.
// A session issuer, when present, decides: a look-alike role of the same
// name at another path has a matching sts ARN (STS drops the path) but a
// different issuer, and is not Support.
//
// gen must never import a trailscan package: the archives it writes are
// the input the scanner is judged on, so they do not depend on it.
package gen

// The sample archive in testdata/sample, which other packages test against.
//go:generate go test -run ^TestSample$ -update .
