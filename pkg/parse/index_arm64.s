#include "textflag.h"

// MASK4 ANDs the compare results in d0-d3 with the bit weights in V24 and
// adds their neighbours twice: d0 then holds, in its first eight bytes,
// the 64 bits of the block's mask for them.
#define MASK4(d0, d1, d2, d3) \
	VAND V24.B16, d0.B16, d0.B16; \
	VAND V24.B16, d1.B16, d1.B16; \
	VAND V24.B16, d2.B16, d2.B16; \
	VAND V24.B16, d3.B16, d3.B16; \
	VADDP d1.B16, d0.B16, d0.B16; \
	VADDP d3.B16, d2.B16, d2.B16; \
	VADDP d2.B16, d0.B16, d0.B16

// func indexNEON(b *byte, blocks int, quotes, escapeBlocks *int32, high *uint64) (nq, ns int)
//
// indexBlocks (see there), 64 bytes per step, as indexAVX2 does it on
// amd64: NEON has no byte mask, so each compare's bytes are weighted by
// their bit and added pairwise into one (as simdjson does), the escaped
// quotes removed by the carry of adding the backslash runs' odd starts,
// and the quote positions listed one at a time from the mask.
TEXT ·indexNEON(SB), NOSPLIT, $0-56
	MOVD b+0(FP), R0
	MOVD blocks+8(FP), R1
	MOVD quotes+16(FP), R2
	MOVD escapeBlocks+24(FP), R3
	MOVD high+32(FP), R4
	VMOVI $0x22, V20.B16
	VMOVI $0x5c, V21.B16
	VMOVI $0xe0, V22.B16 // a byte is below 0x20 when it has none of these
	VMOVI $0x80, V23.B16
	MOVD $0x8040201008040201, R9
	VMOV R9, V24.D[0]
	VMOV R9, V24.D[1]
	MOVD $0x5555555555555555, R7 // even
	MOVD $0, R5                  // carry: the next block's first byte is escaped
	MOVD $0, R6                  // block number
	CBZ R1, done

loop:
	VLD1.P 64(R0), [V0.B16, V1.B16, V2.B16, V3.B16]
	VCMEQ V20.B16, V0.B16, V4.B16
	VCMEQ V20.B16, V1.B16, V5.B16
	VCMEQ V20.B16, V2.B16, V6.B16
	VCMEQ V20.B16, V3.B16, V7.B16
	VCMEQ V21.B16, V0.B16, V8.B16
	VCMEQ V21.B16, V1.B16, V9.B16
	VCMEQ V21.B16, V2.B16, V10.B16
	VCMEQ V21.B16, V3.B16, V11.B16
	VCMTST V22.B16, V0.B16, V12.B16
	VCMTST V22.B16, V1.B16, V13.B16
	VCMTST V22.B16, V2.B16, V14.B16
	VCMTST V22.B16, V3.B16, V15.B16
	VCMTST V23.B16, V0.B16, V16.B16
	VCMTST V23.B16, V1.B16, V17.B16
	VCMTST V23.B16, V2.B16, V18.B16
	VCMTST V23.B16, V3.B16, V19.B16
	MASK4(V4, V5, V6, V7)
	MASK4(V8, V9, V10, V11)
	MASK4(V12, V13, V14, V15)
	MASK4(V16, V17, V18, V19)
	// The last step of two masks at once: one in each half.
	VADDP V8.B16, V4.B16, V4.B16
	VADDP V16.B16, V12.B16, V12.B16
	VMOV V4.D[0], R9   // quotes
	VMOV V4.D[1], R10  // backslashes
	VMOV V12.D[0], R11 // bytes of 0x20 and above
	VMOV V12.D[1], R12 // bytes of 0x80 and above
	MOVD.P R12, 8(R4)
	ORN R11, R10, R12 // backslashes and control characters
	CBZ R12, escapes
	MOVW.P R6, 4(R3)

escapes:
	ORR R5, R10, R12
	CBZ R12, list
	// ESCAPED (escape_amd64.h) of R10 and R5: the escaped bytes in R12,
	// the carry in R5.
	BIC R5, R10, R10    // backslash &^= carry
	ORR R10<<1, R5, R13 // follows
	BIC R7, R10, R12
	BIC R13, R12, R12   // oddStarts
	ADDS R10, R12, R12  // seq, and the carry out
	CSET HS, R5
	EOR R12<<1, R7, R12
	AND R13, R12, R12   // escaped
	BIC R12, R9, R9

list:
	CBZ R9, next
	LSL $6, R6, R13 // the block's base
	RBIT R9, R9
	MOVD $0x8000000000000000, R14

quote:
	CLZ R9, R12
	ADD R13, R12, R15
	MOVW.P R15, 4(R2)
	LSR R12, R14, R15
	BIC R15, R9, R9
	CBNZ R9, quote

next:
	ADD $1, R6
	CMP R1, R6
	BLO loop

done:
	MOVD quotes+16(FP), R9
	SUB R9, R2, R2
	LSR $2, R2, R2
	MOVD R2, nq+40(FP)
	MOVD escapeBlocks+24(FP), R9
	SUB R9, R3, R3
	LSR $2, R3, R3
	MOVD R3, ns+48(FP)
	RET
