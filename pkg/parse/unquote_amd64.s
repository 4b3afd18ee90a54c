#include "textflag.h"

// func unquoteAVX512(dst, src *byte, blocks int) (read, written int)
//
// unquoteBlocks (see there), 64 bytes per step: the escapes are found as
// indexAVX512 finds them, and VPCOMPRESSB drops their backslashes.
TEXT ·unquoteAVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ blocks+16(FP), CX
	MOVQ $0x22, AX
	VPBROADCASTB AX, Z1
	MOVQ $0x5c, AX
	VPBROADCASTB AX, Z2
	MOVQ $0x20, AX
	VPBROADCASTB AX, Z3
	MOVQ $0x2f, AX
	VPBROADCASTB AX, Z4
	XORQ R10, R10 // carry: the next block's first byte is escaped
	XORQ R8, R8
	TESTQ CX, CX
	JZ done

loop:
	VMOVDQU8 (SI), Z0
	VPCMPEQB Z1, Z0, K1
	VPCMPEQB Z2, Z0, K2
	VPCMPUB $1, Z3, Z0, K3
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

	// The escaped bytes in BX, the carry in R10, as indexAVX512 finds
	// them; the carry in is kept in R8.
	MOVQ R10, BX
	NOTQ BX
	MOVQ R8, R11
	ANDQ BX, R11 // backslash &^= carry
	MOVQ R11, R12
	SHLQ $1, R12
	ORQ R10, R12 // follows
	MOVQ R10, R8
	MOVQ R12, BX
	NOTQ BX
	ANDQ R11, BX
	MOVQ $0xaaaaaaaaaaaaaaaa, R13
	ANDQ R13, BX // oddStarts
	XORQ R10, R10
	ADDQ R11, BX // seq, and the carry out
	ADCQ $0, R10
	SHLQ $1, BX
	NOTQ R13
	XORQ R13, BX
	ANDQ R12, BX // escaped

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
