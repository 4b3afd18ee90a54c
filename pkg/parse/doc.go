// Package parse reads CloudTrail log documents as a stream.
//
// Records walks {"Records":[...]} one record at a time and keeps only the
// handful of fields trailscan reports on (Fields lists them, from the one
// table in fields.go): strings and booleans, requestParameters as compact
// JSON cut at MaxRaw bytes, and the ARN and type of the first
// MaxResources resources. Every other value, however large, and whatever
// is past those bounds, is validated and skipped without being held in
// memory. The result is the same as a full
// encoding/json parse of every record (internal/reference is that parse,
// and the tests hold the two equal), including on escapes, duplicate keys
// and invalid UTF-8.
//
// A Reader reads the other shapes people hold CloudTrail events in too
// (Shape: NDJSON, arrays, EventBridge events, lookup-events output,
// CloudWatch Logs subscription payloads and exports), told apart by the
// content (Detect); a record held as a JSON string (CloudTrailEvent, a log
// event's message) is parsed by the same parser as its escapes are
// decoded (unquote.go), never built whole.
//
// A Reader does the same for many documents in turn, reusing its buffers.
// Its RecordsTransient lends each event's strings from the Reader's own
// memory, valid only during the callback, so that the great majority of
// records, which a scan looks at and drops, cost no allocation; the caller
// clones (Event.Clone) the few it keeps. For the same reason
// Options.Details lets the caller say, once every other field of a record
// is known, whether it needs the record's details (requestParameters,
// responseElements, resources): the others' are validated and skipped,
// not extracted.
//
// Records are read by two paths. The fast path (fast.go) takes a record
// that lies whole in the buffer, written compactly as CloudTrail writes it,
// in one pass over an index of the buffer's quotes built 64 bytes at a
// time with AVX-512 (index.go). On anything it does not expect, and on
// CPUs without those instructions, the slow path reads the record: a
// streaming scanner that handles every valid document, finds string ends
// eight bytes at a time, and reports errors with their offsets. Both look
// members up with the same switch, generated from the table of kept
// fields (fields_gen.go), and read literals, numbers and escapes with the
// same pieces of grammar (tokens.go). The tests hold both paths to
// encoding/json, choosing a path with Options.
//
// The package is a leaf: besides the standard library it imports only
// github.com/klauspost/compress and golang.org/x/sys/cpu, and never
// another package of trailscan, so that any of them may build on it.
package parse
