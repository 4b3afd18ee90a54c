//go:build !amd64 && !arm64

package parse

// Only amd64 and arm64 have vector code: nothing is indexed elsewhere.
const (
	vector    = false
	hasAVX512 = false
	hasAVX2   = false
	hasNEON   = false
)

func indexBlocks(b []byte, quotes, escapeBlocks []int32, high []uint64, noAVX512 bool) (nq, ns int) {
	return 0, 0
}
