#include "textflag.h"
#include "escape_amd64.h"

// Both unquoters take a block's masks (a bit a byte, the first byte's
// lowest) in the same registers: its backslashes in R11, in R9 what an
// escape may drop its backslash from (quotes, backslashes, slashes), in
// BX what ends the run unless escaped (quotes, control characters, bytes
// of 0x80 and above), and in R10 the carry, whether its first byte is
// escaped. They decode it with the steps below.

// SINGLES leaves the escaped bytes in CX, the next block's carry in R10
// and the backslashes (less one the carry escapes) in R11, and keeps the
// carry in R8. Where no backslash follows another, as in most blocks of a
// record in a string, each escapes the byte after it, which is what
// ESCAPED comes to in fewer steps; else it jumps to runs, which is to run
// ESCAPED(R11, R10, R12, R13, CX) and come back after SINGLES.
#define SINGLES(runs) \
	MOVQ R10, R8; \
	MOVQ R11, CX; \
	SHLQ $1, CX; \
	ORQ R10, CX; \
	TESTQ CX, R11; \
	JNZ runs; \
	MOVQ R11, R10; \
	SHRQ $63, R10

// RUNEND leaves in BX where the run ends: at an unescaped quote, control
// character or byte of 0x80 and above, and at the backslash of an escape
// that does not only drop it. That of the first byte is the last block's:
// it jumps to back. It leaves in R11 the bytes to keep, all but the
// backslashes that start escapes, and tests BX.
#define RUNEND(back) \
	NOTQ R9; \
	ANDQ CX, R9; \
	BTQ $0, R9; \
	JC back; \
	SHRQ $1, R9; \
	MOVQ CX, R12; \
	NOTQ R12; \
	ANDQ R12, BX; \
	ORQ R9, BX; \
	NOTQ R11; \
	ORQ CX, R11; \
	TESTQ BX, BX

// BEFORE leaves in BX the bytes before where the run ends, and keeps in
// R11 only those.
#define BEFORE \
	MOVQ BX, R12; \
	DECQ R12; \
	NOTQ BX; \
	ANDQ R12, BX; \
	ANDQ BX, R11

// RETURN returns how many bytes were read (from SI) and written (from
// DI), at read and written in the frame.
#define RETURN(read, written) \
	MOVQ src+8(FP), AX; \
	SUBQ AX, SI; \
	MOVQ SI, read; \
	MOVQ dst+0(FP), AX; \
	SUBQ AX, DI; \
	MOVQ DI, written; \
	VZEROUPPER; \
	RET

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
	XORQ R10, R10

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
	ORQ AX, BX
	KMOVQ K5, R9  // slashes
	ORQ AX, R9
	ORQ R11, R9
	SINGLES(runs)

escaped:
	RUNEND(back)
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
	BEFORE
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
	RETURN(read+24(FP), written+32(FP))

// GROUP8 writes the bytes of the eight at off(SI) that the low byte of
// R11 keeps to (DI), packed by the PSHUFB pattern for them in the table
// at R13, moves DI past them and R11 to the next eight. It uses AX, X1
// and X2.
#define GROUP8(off) \
	MOVBQZX R11, AX; \
	VMOVQ (R13)(AX*8), X2; \
	VMOVQ off(SI), X1; \
	VPSHUFB X2, X1, X1; \
	VMOVQ X1, (DI); \
	POPCNTQ AX, AX; \
	ADDQ AX, DI; \
	SHRQ $8, R11

// COMPRESS64 writes the bytes of the block at SI that R11 keeps to (DI),
// eight at a time, with the table of patterns at R13.
#define COMPRESS64 \
	GROUP8(0); \
	GROUP8(8); \
	GROUP8(16); \
	GROUP8(24); \
	GROUP8(32); \
	GROUP8(40); \
	GROUP8(48); \
	GROUP8(56)

// MASK64 is MASK64AVX2 of the block's halves in Y0 and Y1. It uses R12,
// Y2 and Y3.
#define MASK64(cmp, y, r) MASK64AVX2(cmp, y, Y0, Y1, Y2, Y3, r)

// func unquoteAVX2(dst, src *byte, n int, shuffles *[256]uint64) (read, written int)
//
// unquoteAVX512 for CPUs without it: the masks of each 64 bytes from two
// 32-byte compares, and the block compressed eight bytes at a time with
// PSHUFB, as AVX2 cannot compress bytes. It loads whole blocks: the last,
// shorter than 64 bytes, is read past n, which the caller allows, and
// what lies past n ends the run. shuffles is unquoteShuffles.
TEXT ·unquoteAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), DX
	ADDQ SI, DX // the end of src
	// VMOVQ, not MOVQ: a legacy SSE instruction after AVX code costs a
	// transition, on every call.
	MOVQ $0x22, AX
	VMOVQ AX, X8
	VPBROADCASTB X8, Y8
	MOVQ $0x5c, AX
	VMOVQ AX, X9
	VPBROADCASTB X9, Y9
	MOVQ $0x2f, AX
	VMOVQ AX, X10
	VPBROADCASTB X10, Y10
	MOVQ $0x20, AX
	VMOVQ AX, X11
	VPBROADCASTB X11, Y11
	XORQ R10, R10

loop2:
	MOVQ DX, CX
	SUBQ SI, CX
	JZ end2
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	MASK64(VPCMPEQB, Y8, AX)  // quotes
	MASK64(VPCMPEQB, Y9, R11) // backslashes
	MASK64(VPCMPEQB, Y10, R9) // slashes
	// Control characters and bytes of 0x80 and above: those below 0x20
	// as signed bytes.
	MASK64(VPCMPGTB, Y11, BX)
	ORQ AX, BX
	ORQ AX, R9
	ORQ R11, R9
	CMPQ CX, $64
	JAE whole2
	// The bytes past the end end the run, and no escape drops its
	// backslash from them.
	MOVQ $1, R12
	SHLQ CX, R12
	DECQ R12
	ANDQ R12, R9
	NOTQ R12
	ORQ R12, BX

whole2:
	SINGLES(runs2)

escaped2:
	RUNEND(back2)
	JNZ last2
	MOVQ shuffles+24(FP), R13
	COMPRESS64
	ADDQ $64, SI
	JMP loop2

runs2:
	ESCAPED(R11, R10, R12, R13, CX)
	JMP escaped2

last2:
	BEFORE
	MOVQ shuffles+24(FP), R13
	COMPRESS64
	POPCNTQ BX, BX
	ADDQ BX, SI
	JMP done2

back2:
	SUBQ R8, SI
	JMP done2

end2:
	SUBQ R10, SI

done2:
	RETURN(read+32(FP), written+40(FP))
