package parse

import "golang.org/x/sys/cpu"

// hasAVX512 reports whether indexAVX512 can run here: it compresses quote
// positions with VPCOMPRESSB (AVX-512 VBMI2). hasAVX2 is the same for
// indexAVX2, which lists them from the mask instead, with TZCNT and BLSR
// (BMI1, on every CPU with AVX2). NEON is arm64's.
var (
	hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI2 && cpu.X86.HasPOPCNT
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasBMI1 && cpu.X86.HasPOPCNT
	hasNEON   = false
)

// vector reports whether a vector indexer can run here.
var vector = hasAVX512 || hasAVX2

//go:noescape
func indexAVX512(b *byte, blocks int, quotes, escapeBlocks *int32, high *uint64) (nq, ns int)

//go:noescape
func indexAVX2(b *byte, blocks int, quotes, escapeBlocks *int32, high *uint64) (nq, ns int)

// indexBlocks lists, for the blocks of 64 bytes of b, the positions of the
// quotes not escaped by a backslash (one is when an odd run of backslashes
// precedes it) into quotes, and the blocks that hold a backslash or a
// control character into escapeBlocks, and returns how many of each; it marks
// the bytes of 0x80 and above of each block in high. With AVX-512 unless
// noAVX512 says not to. Only where vector.
func indexBlocks(b []byte, quotes, escapeBlocks []int32, high []uint64, noAVX512 bool) (nq, ns int) {
	blocks := len(b) / 64
	if blocks == 0 {
		return 0, 0
	}
	// The vector code writes up to 64 positions for the last block.
	_, _, _ = quotes[blocks*64+quoteSlack-1], escapeBlocks[blocks-1], high[blocks-1]
	if hasAVX512 && !noAVX512 {
		return indexAVX512(&b[0], blocks, &quotes[0], &escapeBlocks[0], &high[0])
	}
	return indexAVX2(&b[0], blocks, &quotes[0], &escapeBlocks[0], &high[0])
}
