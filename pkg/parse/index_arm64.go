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

// indexBlocks is indexBlocks of index_amd64.go, with NEON; noAVX512 has
// nothing to choose here.
func indexBlocks(b []byte, quotes, escapeBlocks []int32, high []uint64, noAVX512 bool) (nq, ns int) {
	blocks := len(b) / 64
	if blocks == 0 {
		return 0, 0
	}
	// The same room as on amd64, though indexNEON writes only the quotes
	// it finds.
	_, _, _ = quotes[blocks*64+quoteSlack-1], escapeBlocks[blocks-1], high[blocks-1]
	return indexNEON(&b[0], blocks, &quotes[0], &escapeBlocks[0], &high[0])
}
