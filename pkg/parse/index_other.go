//go:build !amd64

package parse

// vector is false: only amd64 has vector code.
const vector = false

func indexBlocks(b []byte, quotes, specials []int32) (nq, ns int) {
	return indexGeneric(b, quotes, specials)
}
