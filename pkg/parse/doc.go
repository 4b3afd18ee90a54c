// Package parse reads CloudTrail log documents as a stream.
//
// Records walks {"Records":[...]} one record at a time and keeps only the
// handful of fields trailscan reports on; every other value, however large,
// is validated and skipped without being held in memory. The result is the
// same as a full encoding/json parse of every record (internal/reference is
// that parse, and the tests hold the two equal), including on escapes,
// duplicate keys and invalid UTF-8.
package parse
