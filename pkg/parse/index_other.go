//go:build !amd64 && !arm64

package parse

// Only amd64 and arm64 have vector code: nothing is indexed elsewhere.
const (
	vector    = false
	hasAVX512 = false
	hasAVX2   = false
	hasNEON   = false
)

// vectorIndexer is never called: indexBlocks runs only where vector.
func vectorIndexer(bool) indexer { return nil }
