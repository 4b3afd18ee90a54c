//go:build !amd64

package parse

const unquoteVector = false

func unquoteBlocks(dst, src []byte, noAVX512 bool) (read, written int) { return 0, 0 }
