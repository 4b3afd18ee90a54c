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

// vectorIndexer is indexAVX512, or indexAVX2 where the CPU lacks AVX-512
// or noAVX512 says not to use it.
func vectorIndexer(noAVX512 bool) indexer {
	if hasAVX512 && !noAVX512 {
		return indexAVX512
	}
	return indexAVX2
}
