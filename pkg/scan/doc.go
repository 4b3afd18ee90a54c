// Package scan runs a scan: it lists objects from sources, reads them on a
// bounded number of workers, keeps AWS Support's events and summarizes them.
//
// One producer lists while the workers read, so a long listing does not
// delay the first results, and the queue between them is short, so memory
// does not grow with the archive. Objects are asked for ahead of the
// workers, one per CPU, as many at once as keep them decoding while
// answers take their time to come (as S3's do): the scan measures how long
// an answer takes and how long decoding takes, and keeps their ratio in
// flight, within a memory bound. Each worker keeps its own summary; they
// merge at the end, exactly, because summaries deduplicate by event ID.
//
// With a Ledger it also hashes each log as it decodes it (16 at once, in
// one multisha.Pool that Run flushes before it returns) and reads the
// digests of the scope, for verifying the logs against CloudTrail's signed
// digests (see pkg/integrity); the verdict is its caller's.
//
// scan builds on source, parse, filter, summarize, integrity, multisha and
// trail (and internal/gate, for the bound of what is in flight), and must
// never import state, shard, merge, report or cmd: those decide what to
// scan and what to do with the summary, and call it.
package scan
