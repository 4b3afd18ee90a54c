package parse

// Every arm64 CPU has NEON (Advanced SIMD): indexNEON always runs.
const (
	vector    = true
	hasAVX512 = false
	hasAVX2   = false
	hasNEON   = true
)

//go:noescape
func indexNEON(b *byte, blocks int, quotes, escapeBlocks *int32, high *uint64) (nq, ns int)

// vectorIndexer is indexNEON: noAVX512 has nothing to choose here.
func vectorIndexer(bool) indexer { return indexNEON }
