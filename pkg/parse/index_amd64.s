#include "textflag.h"

// CHUNK sets sp to the bits of the quotes, backslashes and control
// characters of the 16 bytes at off(SI), and hi to those of bytes of 0x80
// and above. X7, X8 and X9 hold '"', '\\' and 0x1f in every byte.
#define CHUNK(off, sp, hi) \
	MOVOU off(SI), X0; \
	MOVO X0, X1; \
	PCMPEQB X7, X1; \
	MOVO X0, X2; \
	PCMPEQB X8, X2; \
	MOVO X0, X3; \
	PMINUB X9, X3; \
	PCMPEQB X0, X3; \
	POR X2, X1; \
	POR X3, X1; \
	PMOVMSKB X1, sp; \
	PMOVMSKB X0, hi

// func indexSSE2(b *byte, blocks int, spec, high *uint64)
TEXT ·indexSSE2(SB), NOSPLIT, $0-32
	MOVQ b+0(FP), SI
	MOVQ blocks+8(FP), CX
	MOVQ spec+16(FP), DI
	MOVQ high+24(FP), R8
	MOVQ $0x2222222222222222, AX
	MOVQ AX, X7
	PUNPCKLQDQ X7, X7
	MOVQ $0x5c5c5c5c5c5c5c5c, AX
	MOVQ AX, X8
	PUNPCKLQDQ X8, X8
	MOVQ $0x1f1f1f1f1f1f1f1f, AX
	MOVQ AX, X9
	PUNPCKLQDQ X9, X9
	TESTQ CX, CX
	JZ done

loop:
	CHUNK(0, R9, R10)
	CHUNK(16, R11, R12)
	SHLQ $16, R11
	ORQ R11, R9
	SHLQ $16, R12
	ORQ R12, R10
	CHUNK(32, R11, R12)
	SHLQ $32, R11
	ORQ R11, R9
	SHLQ $32, R12
	ORQ R12, R10
	CHUNK(48, R11, R12)
	SHLQ $48, R11
	ORQ R11, R9
	SHLQ $48, R12
	ORQ R12, R10
	MOVQ R9, (DI)
	MOVQ R10, (R8)
	ADDQ $64, SI
	ADDQ $8, DI
	ADDQ $8, R8
	DECQ CX
	JNZ loop

done:
	RET
