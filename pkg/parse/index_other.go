//go:build !amd64

package parse

// Only amd64 has vector code.
var hasVector, vector = false, false

func indexBlocks(b []byte, quotes, specials []int32, high []uint64) (nq, ns int) {
	return indexGeneric(b, quotes, specials, high)
}
