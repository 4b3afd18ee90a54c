// Package buildinfo says which build of trailscan is running: its module
// version, the commit it was built from and whether that tree had
// uncommitted changes. Shards record it in their parts, and merge uses
// Same to refuse parts of builds that may split or read objects
// differently.
//
// Release builds stamp the three with -ldflags -X; every other build takes
// them from what the go command records in the binary (debug.BuildInfo:
// the main module's version, and vcs.revision and vcs.modified when it was
// built in a checkout with VCS stamping on).
package buildinfo
