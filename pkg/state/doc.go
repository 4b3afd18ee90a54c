// Package state makes scans incremental: a state file records which log
// objects were already read and the cumulative summary of them, so that the
// next run reads only objects that are new (or that failed, or changed)
// and reports the same result a full scan of the archive would.
//
// Objects are selected by what was seen, not by a time cursor, so a late
// delivery is still read; events are kept once per event ID, so an event
// delivered twice still counts once. The file is replaced atomically: a run
// stopped at any moment leaves the previous state as it was. It carries a
// checksum of its content, so that a file edited or damaged since is
// refused rather than counted wrong; and a run holds a lock beside it, so
// that a second run of the same state is refused rather than redo, and
// then undo, the first one's work. The summary
// is stored as a summarize.Snapshot, the form shards' parts hold too; a
// state of an older format is read and saved in the current one.
//
// Runs that verify their logs (scan.Config.Ledger) keep their
// integrity.Ledger in the state too, so that verification is cumulative:
// each run reads the digests delivered since, and the whole is verified.
//
// state must never import report, shard, merge or cmd: it keeps a summary
// between runs, and how the summary is reported or split is not its concern.
package state
