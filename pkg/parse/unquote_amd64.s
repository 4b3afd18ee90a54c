#include "textflag.h"
#include "escape_amd64.h"

// func unquoteAVX512(dst, src *byte, n int) (read, written int)
//
// unquoteBlocks (see there), 64 bytes per step: the escapes are found as
// indexAVX512 finds them, and VPCOMPRESSB drops their backslashes. A
// block that holds what the run ends at is decoded up to that byte, and
// the last block, shorter than 64 bytes, is loaded with zeros after the
// end of src, which end the run as control characters do.
TEXT ·unquoteAVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), DX
	ADDQ SI, DX // the end of src
	BYTES512
	MOVQ $0x2f, AX
	VPBROADCASTB AX, Z4
	XORQ R10, R10 // carry: the next block's first byte is escaped

loop:
	LEAQ 64(SI), AX
	CMPQ AX, DX
	JA short
	VMOVDQU8 (SI), Z0

block:
	// COMPARE512's compares, after either load.
	VPCMPEQB Z1, Z0, K1
	VPCMPEQB Z2, Z0, K2
	VPCMPUB $1, Z3, Z0, K3
	VPCMPEQB Z4, Z0, K5
	VPMOVB2M Z0, K4
	KMOVQ K1, AX  // quotes
	KMOVQ K2, R11 // backslashes
	KMOVQ K3, BX  // control characters
	KMOVQ K4, R9  // bytes of 0x80 and above
	ORQ R9, BX
	ORQ AX, BX    // what ends the run unless escaped
	KMOVQ K5, R9  // slashes
	ORQ AX, R9
	ORQ R11, R9   // what an escape may drop its backslash from

	// The escaped bytes in CX, the carry in R10, the backslashes (less
	// one the carry escapes) in R11; the carry in is kept in R8. Where no
	// backslash follows another, as in most blocks of a record in a
	// string, each escapes the byte after it, which is what ESCAPED
	// comes to in fewer steps.
	MOVQ R10, R8
	MOVQ R11, CX
	SHLQ $1, CX
	ORQ R10, CX
	TESTQ CX, R11
	JNZ runs
	MOVQ R11, R10
	SHRQ $63, R10

escaped:
	// The run ends at an unescaped quote, control character or byte of
	// 0x80 and above, and at the backslash of an escape that does not
	// only drop it: that of the first byte is the last block's.
	NOTQ R9
	ANDQ CX, R9
	BTQ $0, R9
	JC back
	SHRQ $1, R9
	MOVQ CX, R12
	NOTQ R12
	ANDQ R12, BX
	ORQ R9, BX

	// Keep all but the backslashes that start escapes, in the whole
	// block or up to where the run ends.
	NOTQ R11
	ORQ CX, R11
	TESTQ BX, BX
	JNZ last
	KMOVQ R11, K1
	VPCOMPRESSB Z0, K1, Z5
	VMOVDQU8 Z5, (DI)
	POPCNTQ R11, R11
	ADDQ R11, DI
	ADDQ $64, SI
	JMP loop

runs:
	ESCAPED(R11, R10, R12, R13, CX)
	JMP escaped

short:
	// Fewer than 64 bytes are left, or none.
	MOVQ DX, CX
	SUBQ SI, CX
	JZ end
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVQ AX, K6
	VMOVDQU8.Z (SI), K6, Z0
	JMP block

last:
	MOVQ BX, R12
	DECQ R12
	NOTQ BX
	ANDQ R12, BX // the bytes before the end of the run
	ANDQ BX, R11
	KMOVQ R11, K1
	VPCOMPRESSB Z0, K1, Z5
	VMOVDQU8 Z5, (DI)
	POPCNTQ R11, R11
	ADDQ R11, DI
	POPCNTQ BX, BX
	ADDQ BX, SI
	JMP done

back:
	// The escape's backslash is read again.
	SUBQ R8, SI
	JMP done

end:
	// So is that of an escape cut by the end of src.
	SUBQ R10, SI

done:
	MOVQ src+8(FP), AX
	SUBQ AX, SI
	MOVQ SI, read+24(FP)
	MOVQ dst+0(FP), AX
	SUBQ AX, DI
	MOVQ DI, written+32(FP)
	VZEROUPPER
	RET
