package parse

import "golang.org/x/sys/cpu"

// hasVector reports whether indexAVX512 can run here: it compresses quote
// positions with VPCOMPRESSB (AVX-512 VBMI2). vector is whether it does.
var (
	hasVector = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI2 && cpu.X86.HasPOPCNT
	vector    = hasVector
)

//go:noescape
func indexAVX512(b *byte, blocks int, quotes, specials *int32, high *uint64) (nq, ns int)

// indexBlocks is indexGeneric, in vector code where the CPU has it.
func indexBlocks(b []byte, quotes, specials []int32, high []uint64) (nq, ns int) {
	blocks := len(b) / 64
	if !vector || blocks == 0 {
		return indexGeneric(b, quotes, specials, high)
	}
	// The vector code writes up to 64 positions for the last block.
	_, _, _ = quotes[blocks*64+quoteSlack-1], specials[blocks-1], high[blocks-1]
	return indexAVX512(&b[0], blocks, &quotes[0], &specials[0], &high[0])
}
