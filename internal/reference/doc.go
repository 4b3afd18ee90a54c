// Package reference decodes CloudTrail documents the careful, slow way:
// every value of every record through encoding/json. It is the answer the
// streaming parser in pkg/parse must equal on every input, and exists only
// to be compared against. It shares only the list of what to keep
// (parse.Fields) with the parser, never how a value is read.
//
// It builds only on parse (for the Event it must equal) and must never
// share parse's reading code: an oracle that reads with the code it checks
// proves nothing.
package reference
