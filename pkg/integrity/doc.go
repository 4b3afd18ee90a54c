// Package integrity decides what CloudTrail's signed digests prove about an
// archive: given the digest files a scan read and the SHA-256 of each log
// file it read, which logs are verified, altered, missing or unlisted,
// which digests are invalid, unsigned or absent from their chain, and which
// hours were proven empty.
//
// A scan feeds a Ledger as it reads: AddDigest for each CloudTrail-Digest
// object (its uncompressed bytes and, from S3, its x-amz-meta-signature),
// AddLog for each log file with the hash a Hasher computed while the scan
// decompressed it. Files are matched by the part of their key from
// AWSLogs/ on, so a copy under any local directory or prefix still
// matches. Ledgers merge (shards, runs with state); Verify turns one into
// Findings for a scope. Findings do not merge: a chain of digests crosses
// shards and runs, so the Ledgers are merged first and verified once. A
// Ledger of only some shards is verified with VerifyPart, which claims
// nothing of what the others would have read.
//
// The checks are those of the CloudTrail User Guide's "Custom
// implementations of CloudTrail log file integrity validation", with two
// more than the AWS CLI's validate-logs makes: chains are followed by their
// previousDigestS3Object pointers, so consecutive deleted digests are
// found, and local copies, which lost their S3 metadata, are verified from
// each digest's successor (the newest digest of a chain is then unsigned).
//
// It knows the digest format and the CloudTrail key layout (pkg/trail),
// nothing of events: it never imports pkg/parse, pkg/summarize or cmd. Its
// Hashers hash in a pkg/multisha Pool, many files at once.
package integrity
