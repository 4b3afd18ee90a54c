// Package parse reads CloudTrail log documents as a stream.
//
// Records walks {"Records":[...]} one record at a time and keeps only the
// handful of fields trailscan reports on; every other value, however large,
// is validated and skipped without being held in memory. The result is the
// same as a full encoding/json parse of every record (internal/reference is
// that parse, and the tests hold the two equal), including on escapes,
// duplicate keys and invalid UTF-8.
//
// A Reader does the same for many documents in turn, reusing its buffers.
// Its RecordsTransient lends each event's strings from the Reader's own
// memory, valid only during the callback, so that the great majority of
// records, which a scan looks at and drops, cost no allocation; the caller
// clones (Event.Clone) the few it keeps.
//
// The scanner is written for speed on CloudTrail's shape (compact JSON,
// short strings): it finds the end of a string eight bytes at a time,
// matches keys where they lie in its buffer, and copies the kept strings of
// a record into one arena. A token split across two reads takes a slower
// path that the tests drive at every byte.
package parse
