#include "textflag.h"
#include "escape_amd64.h"

// iota<> holds the bytes 0 to 63: compressed by a block's quote bits, it
// gives their offsets in the block.
DATA iota<>+0(SB)/8, $0x0706050403020100
DATA iota<>+8(SB)/8, $0x0f0e0d0c0b0a0908
DATA iota<>+16(SB)/8, $0x1716151413121110
DATA iota<>+24(SB)/8, $0x1f1e1d1c1b1a1918
DATA iota<>+32(SB)/8, $0x2726252423222120
DATA iota<>+40(SB)/8, $0x2f2e2d2c2b2a2928
DATA iota<>+48(SB)/8, $0x3736353433323130
DATA iota<>+56(SB)/8, $0x3f3e3d3c3b3a3938
GLOBL iota<>(SB), RODATA|NOPTR, $64

// STORE16 writes sixteen positions: the offsets in lane of Z7, plus the
// block's base in Z5, at off(DI).
#define STORE16(lane, off) \
	VEXTRACTI32X4 $lane, Z7, X9; \
	VPMOVZXBD X9, Z8; \
	VPADDD Z5, Z8, Z8; \
	VMOVDQU32 Z8, off(DI)

// ARGS loads the arguments both indexers take in the registers both use
// (b in SI, blocks in CX, quotes in DI, escapeBlocks in R9) and starts
// the carry (R10: the next block's first byte is escaped) and the block
// number (R11) at 0.
#define ARGS \
	MOVQ b+0(FP), SI; \
	MOVQ blocks+8(FP), CX; \
	MOVQ quotes+16(FP), DI; \
	MOVQ escapeBlocks+24(FP), R9; \
	XORQ R10, R10; \
	XORQ R11, R11

// UNESCAPE takes from the block's quotes in AX those that a run of its
// backslashes in R8 escapes (the carry into the next block in R10), or
// jumps to list when there is neither a backslash nor a carry.
#define UNESCAPE(list) \
	MOVQ R8, BX; \
	ORQ R10, BX; \
	JZ list; \
	ESCAPED(R8, R10, DX, BX, R12); \
	NOTQ R12; \
	ANDQ R12, AX

// RETURN returns how many quotes (from DI) and escape blocks (from R9)
// were listed.
#define RETURN \
	MOVQ quotes+16(FP), AX; \
	SUBQ AX, DI; \
	SHRQ $2, DI; \
	MOVQ DI, nq+40(FP); \
	MOVQ escapeBlocks+24(FP), AX; \
	SUBQ AX, R9; \
	SHRQ $2, R9; \
	MOVQ R9, ns+48(FP); \
	VZEROUPPER; \
	RET

// func indexAVX512(b *byte, blocks int, quotes, escapeBlocks *int32, high *uint64) (nq, ns int)
//
// indexBlocks (see there), 64 bytes per step, quotes escaped by a run of
// backslashes found by ESCAPED.
TEXT ·indexAVX512(SB), NOSPLIT, $0-56
	ARGS
	BYTES512
	VMOVDQU8 iota<>(SB), Z4
	VPXORD Z5, Z5, Z5
	MOVQ $64, AX
	VPBROADCASTD AX, Z6
	TESTQ CX, CX
	JZ done

loop:
	COMPARE512
	KMOVQ K1, AX // quotes
	KMOVQ K2, R8 // backslashes
	KMOVQ K3, DX // control characters
	VPMOVB2M Z0, K4
	KMOVQ K4, BX // bytes of 0x80 and above
	MOVQ high+32(FP), R12
	MOVQ BX, (R12)(R11*8)
	MOVQ R8, BX
	ORQ DX, BX
	JZ escapes
	MOVL R11, (R9)
	ADDQ $4, R9

escapes:
	UNESCAPE(list)

list:
	KMOVQ AX, K1
	VPCOMPRESSB Z4, K1, Z7
	POPCNTQ AX, BX
	STORE16(0, 0)
	CMPQ BX, $16
	JBE next
	STORE16(1, 64)
	CMPQ BX, $32
	JBE next
	STORE16(2, 128)
	CMPQ BX, $48
	JBE next
	STORE16(3, 192)

next:
	LEAQ (DI)(BX*4), DI
	VPADDD Z6, Z5, Z5
	ADDQ $64, SI
	INCQ R11
	CMPQ R11, CX
	JB loop

done:
	RETURN

// QUOTE writes the position of the lowest quote left in AX, plus the
// block's base in DX, at off(DI), and clears its bit.
#define QUOTE(off) \
	TZCNTQ AX, BX; \
	ADDQ DX, BX; \
	MOVL BX, off(DI); \
	BLSRQ AX, AX

// QUOTE8 writes eight positions, at 0(DI) to 28(DI).
#define QUOTE8 \
	QUOTE(0); \
	QUOTE(4); \
	QUOTE(8); \
	QUOTE(12); \
	QUOTE(16); \
	QUOTE(20); \
	QUOTE(24); \
	QUOTE(28)

// LIST writes the positions of the quotes in AX, plus the block's base in
// DX, at DI, and moves DI past them (it uses BX and R13; more and end
// name its labels). It writes ten whether the block holds that many or
// not, and then eight at a time: where the count decided each step, the
// CPU would mispredict the end of every block's list, and a block of a
// CloudTrail document rarely holds more than ten.
#define LIST(more, end) \
	POPCNTQ AX, BX; \
	LEAQ (DI)(BX*4), R13; \
	QUOTE8; \
	QUOTE(32); \
	QUOTE(36); \
	TESTQ AX, AX; \
	JZ end; \
	ADDQ $40, DI; \
more: \
	QUOTE8; \
	ADDQ $32, DI; \
	TESTQ AX, AX; \
	JNZ more; \
end: \
	MOVQ R13, DI

// QUOTES sets r to the quotes of the block in a and b (its halves). It
// uses Y8, Y9 and R12.
#define QUOTES(a, b, r) MASK64AVX2(VPCMPEQB, Y13, a, b, Y8, Y9, r)

// HIGH stores the bytes of 0x80 and above of the block in a and b at
// off(R14)(R11*8). It uses BX and R12.
#define HIGH(a, b, off) \
	VPMOVMSKB a, BX; \
	VPMOVMSKB b, R12; \
	SHLQ $32, R12; \
	ORQ R12, BX; \
	MOVQ BX, off(R14)(R11*8)

// func indexAVX2(b *byte, blocks int, quotes, escapeBlocks *int32, high *uint64) (nq, ns int)
//
// indexAVX512 for CPUs without it: the masks of each 64 bytes from two
// 32-byte compares, escapes removed the same way, and the quote positions
// listed one at a time from the mask, as AVX2 cannot compress bytes.
// Listing costs the most, so the rest costs as little as it can: two
// blocks with neither a backslash nor a control character, and no escape
// carried into them, which is most of a CloudTrail document, take one
// test and no escape work (at pair; bytes of 0x80 and above cost them a
// second test, at rare), and the blocks of any other pair go one at a
// time (at block).
TEXT ·indexAVX2(SB), NOSPLIT, $0-56
	ARGS
	MOVQ high+32(FP), R14 // R14 is free in ABI0 code, restored on return
	MOVQ $0x20, AX
	VMOVQ AX, X12
	VPBROADCASTB X12, Y12
	MOVQ $0x22, AX
	VMOVQ AX, X13
	VPBROADCASTB X13, Y13
	MOVQ $0x5c, AX
	VMOVQ AX, X14
	VPBROADCASTB X14, Y14
	MOVQ $0x1f, AX
	VMOVQ AX, X15
	VPBROADCASTB X15, Y15
	TESTQ CX, CX
	JZ done2
	DECQ CX // the last block

pair:
	// R11 is even here.
	CMPQ R11, CX
	JAE block
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	VMOVDQU 64(SI), Y2
	VMOVDQU 96(SI), Y3
	// A byte below 0x20 or of 0x80 and above makes the least of the 128,
	// as signed bytes, less than 0x20.
	VPMINSB Y0, Y1, Y8
	VPMINSB Y2, Y3, Y9
	VPMINSB Y8, Y9, Y8
	VPCMPGTB Y8, Y12, Y8
	VPCMPEQB Y14, Y0, Y4
	VPCMPEQB Y14, Y1, Y5
	VPCMPEQB Y14, Y2, Y6
	VPCMPEQB Y14, Y3, Y7
	VPOR Y4, Y5, Y4
	VPOR Y6, Y7, Y6
	VPOR Y4, Y6, Y4 // backslashes
	VPOR Y4, Y8, Y8
	VPTEST Y8, Y8
	JNZ rare
	TESTQ R10, R10
	JNZ block
	MOVQ $0, (R14)(R11*8)
	MOVQ $0, 8(R14)(R11*8)

listPair:
	QUOTES(Y0, Y1, AX)
	QUOTES(Y2, Y3, R8)
	MOVQ R11, DX
	SHLQ $6, DX // the first block's base
	LIST(more0, end0)
	MOVQ R8, AX
	ADDQ $64, DX
	LIST(more1, end1)
	ADDQ $128, SI
	ADDQ $2, R11
	JMP pair

rare:
	// Bytes of 0x80 and above, which only need marking, or a backslash
	// or a control character, which takes the blocks one at a time. A
	// byte is below 0x20 when the smaller of it and 0x1f is itself.
	VPMINUB Y0, Y1, Y8
	VPMINUB Y2, Y3, Y9
	VPMINUB Y8, Y9, Y8
	VPMINUB Y15, Y8, Y9
	VPCMPEQB Y8, Y9, Y9
	VPOR Y4, Y9, Y9
	VPTEST Y9, Y9
	JNZ block
	TESTQ R10, R10
	JNZ block
	HIGH(Y0, Y1, 0)
	HIGH(Y2, Y3, 8)
	JMP listPair

block:
	CMPQ R11, CX
	JA done2
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	QUOTES(Y0, Y1, AX)
	HIGH(Y0, Y1, 0)
	// Backslashes and control characters are rare: one test says whether
	// the block holds any, and only then are the backslashes' bits made.
	VPCMPEQB Y14, Y0, Y4
	VPCMPEQB Y14, Y1, Y5
	VPMINUB Y0, Y1, Y2
	VPMINUB Y15, Y2, Y3
	VPCMPEQB Y3, Y2, Y2
	VPOR Y4, Y5, Y3
	VPOR Y2, Y3, Y3
	VPTEST Y3, Y3
	JNZ special2
	XORQ R8, R8 // no backslashes
	TESTQ R10, R10
	JZ list2
	JMP escapes2

special2:
	MOVL R11, (R9)
	ADDQ $4, R9
	VPMOVMSKB Y4, R8
	VPMOVMSKB Y5, BX
	SHLQ $32, BX
	ORQ BX, R8 // backslashes

escapes2:
	UNESCAPE(list2)

list2:
	MOVQ R11, DX
	SHLQ $6, DX // the block's base
	LIST(more2, end2)
	ADDQ $64, SI
	INCQ R11
	// Pairs start at even blocks.
	TESTQ $1, R11
	JNZ block
	JMP pair

done2:
	RETURN
