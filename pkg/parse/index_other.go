//go:build !amd64

package parse

func indexBlocks(b []byte, spec, high []uint64) { indexGeneric(b, spec, high) }
