// Package evidence copies the records of matched events out of their log
// files, whole, as NDJSON that a reviewer can quote and hand to other tools.
//
// A scan keeps only where each record lies (source, file, offset and
// length in the decompressed document); evidence reopens each file once,
// through the source the scan listed it from, streams past what it does
// not need and copies each record's bytes, so no record is ever held in
// memory, however large.
//
// It must never import pkg/parse or pkg/scan: it copies bytes where a scan
// found them, without parsing them again or knowing how the scan ran.
package evidence
