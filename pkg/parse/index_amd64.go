package parse

// indexSSE2 indexes len(spec) blocks of 64 bytes of b; SSE2 is part of
// every amd64 CPU.
//
//go:noescape
func indexSSE2(b *byte, blocks int, spec, high *uint64)

func indexBlocks(b []byte, spec, high []uint64) {
	if len(spec) == 0 {
		return
	}
	_, _ = b[len(spec)*64-1], high[len(spec)-1]
	indexSSE2(&b[0], len(spec), &spec[0], &high[0])
}
