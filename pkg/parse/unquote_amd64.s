#include "textflag.h"
#include "escape_amd64.h"

// func unquoteAVX512(dst, src *byte, blocks int) (read, written int)
//
// unquoteBlocks (see there), 64 bytes per step: the escapes are found as
// indexAVX512 finds them, and VPCOMPRESSB drops their backslashes.
TEXT ·unquoteAVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ blocks+16(FP), CX
	BYTES512
	MOVQ $0x2f, AX
	VPBROADCASTB AX, Z4
	XORQ R10, R10 // carry: the next block's first byte is escaped
	XORQ R8, R8
	TESTQ CX, CX
	JZ done

loop:
	COMPARE512
	VPCMPEQB Z4, Z0, K5
	VPMOVB2M Z0, K4
	KMOVQ K1, AX // quotes
	KMOVQ K2, R8 // backslashes
	KMOVQ K3, DX // control characters
	KMOVQ K5, R9 // slashes
	KMOVQ K4, BX // bytes of 0x80 and above
	ORQ BX, DX   // what ends the run
	ORQ AX, R9
	ORQ R8, R9   // what an escape may drop its backslash from

	// The escaped bytes in BX, the carry in R10, the backslashes (less
	// one the carry escapes) in R11; the carry in is kept in R8.
	MOVQ R8, R11
	MOVQ R10, R8
	ESCAPED(R11, R10, R12, R13, BX)

	// Only escapes that drop their backslash, and nothing that ends the
	// run: else the block is left to the caller.
	MOVQ R9, R13
	NOTQ R13
	ANDQ BX, R13
	JNZ stop
	MOVQ BX, R13
	NOTQ R13
	ANDQ AX, R13 // quotes not escaped
	ORQ DX, R13
	JNZ stop

	// Keep all but the backslashes that start escapes.
	MOVQ R11, R13
	NOTQ R13
	ORQ BX, R13
	KMOVQ R13, K1
	VPCOMPRESSB Z0, K1, Z5
	VMOVDQU8 Z5, (DI)
	POPCNTQ R13, R13
	ADDQ R13, DI
	ADDQ $64, SI
	DECQ CX
	JNZ loop
	MOVQ R10, R8

stop:
	// A cut escape's backslash is read again.
	SUBQ R8, SI

done:
	MOVQ src+8(FP), AX
	SUBQ AX, SI
	MOVQ SI, read+24(FP)
	MOVQ dst+0(FP), AX
	SUBQ AX, DI
	MOVQ DI, written+32(FP)
	VZEROUPPER
	RET
