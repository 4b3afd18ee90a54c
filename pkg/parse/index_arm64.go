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

// indexVector is indexBlocks' vector code; noAVX512 has nothing to choose
// here.
func indexVector(b *byte, blocks int, quotes, escapeBlocks *int32, high *uint64, noAVX512 bool) (nq, ns int) {
	return indexNEON(b, blocks, quotes, escapeBlocks, high)
}
