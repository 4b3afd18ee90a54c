#include "textflag.h"

// k256<> holds SHA-256's 64 round constants, each broadcast to the 16
// lanes by the instruction that adds it.
DATA k256<>+0x00(SB)/8, $0x71374491428a2f98
DATA k256<>+0x08(SB)/8, $0xe9b5dba5b5c0fbcf
DATA k256<>+0x10(SB)/8, $0x59f111f13956c25b
DATA k256<>+0x18(SB)/8, $0xab1c5ed5923f82a4
DATA k256<>+0x20(SB)/8, $0x12835b01d807aa98
DATA k256<>+0x28(SB)/8, $0x550c7dc3243185be
DATA k256<>+0x30(SB)/8, $0x80deb1fe72be5d74
DATA k256<>+0x38(SB)/8, $0xc19bf1749bdc06a7
DATA k256<>+0x40(SB)/8, $0xefbe4786e49b69c1
DATA k256<>+0x48(SB)/8, $0x240ca1cc0fc19dc6
DATA k256<>+0x50(SB)/8, $0x4a7484aa2de92c6f
DATA k256<>+0x58(SB)/8, $0x76f988da5cb0a9dc
DATA k256<>+0x60(SB)/8, $0xa831c66d983e5152
DATA k256<>+0x68(SB)/8, $0xbf597fc7b00327c8
DATA k256<>+0x70(SB)/8, $0xd5a79147c6e00bf3
DATA k256<>+0x78(SB)/8, $0x1429296706ca6351
DATA k256<>+0x80(SB)/8, $0x2e1b213827b70a85
DATA k256<>+0x88(SB)/8, $0x53380d134d2c6dfc
DATA k256<>+0x90(SB)/8, $0x766a0abb650a7354
DATA k256<>+0x98(SB)/8, $0x92722c8581c2c92e
DATA k256<>+0xa0(SB)/8, $0xa81a664ba2bfe8a1
DATA k256<>+0xa8(SB)/8, $0xc76c51a3c24b8b70
DATA k256<>+0xb0(SB)/8, $0xd6990624d192e819
DATA k256<>+0xb8(SB)/8, $0x106aa070f40e3585
DATA k256<>+0xc0(SB)/8, $0x1e376c0819a4c116
DATA k256<>+0xc8(SB)/8, $0x34b0bcb52748774c
DATA k256<>+0xd0(SB)/8, $0x4ed8aa4a391c0cb3
DATA k256<>+0xd8(SB)/8, $0x682e6ff35b9cca4f
DATA k256<>+0xe0(SB)/8, $0x78a5636f748f82ee
DATA k256<>+0xe8(SB)/8, $0x8cc7020884c87814
DATA k256<>+0xf0(SB)/8, $0xa4506ceb90befffa
DATA k256<>+0xf8(SB)/8, $0xc67178f2bef9a3f7
GLOBL k256<>(SB), RODATA|NOPTR, $256

// bswap<> is the VPSHUFB mask that turns each little-endian word of a
// 128-bit lane big-endian, as SHA-256 reads its message.
DATA bswap<>+0x00(SB)/8, $0x0405060700010203
DATA bswap<>+0x08(SB)/8, $0x0c0d0e0f08090a0b
DATA bswap<>+0x10(SB)/8, $0x0405060700010203
DATA bswap<>+0x18(SB)/8, $0x0c0d0e0f08090a0b
DATA bswap<>+0x20(SB)/8, $0x0405060700010203
DATA bswap<>+0x28(SB)/8, $0x0c0d0e0f08090a0b
DATA bswap<>+0x30(SB)/8, $0x0405060700010203
DATA bswap<>+0x38(SB)/8, $0x0c0d0e0f08090a0b
GLOBL bswap<>(SB), RODATA|NOPTR, $64

// SIGMA sets t1 to x rotated right by r1, xor x rotated right by r2, xor
// x shifted by op (VPRORD, or VPSRLD for the message schedule's σ0 and
// σ1) by r3: SHA-256's Σ and σ functions. t2 and t3 are scratch.
#define SIGMA(x, r1, r2, op, r3, t1, t2, t3) \
	VPRORD $r1, x, t1; \
	VPRORD $r2, x, t2; \
	op $r3, x, t3; \
	VPTERNLOGD $0x96, t3, t2, t1

// ROUND is one SHA-256 round in each of the 16 lanes: w is the round's
// message word, k(R8) its constant in k256<>. h ends holding the
// new a, and d the new e; the caller renames the others. Z24 to Z31 are
// scratch.
#define ROUND(a, b, c, d, e, f, g, h, w, k) \
	VPADDD.BCST k(R8), w, Z24; \
	VPADDD Z24, h, h; \
	SIGMA(e, 6, 11, VPRORD, 25, Z25, Z26, Z27); \
	VPADDD Z25, h, h; \
	VMOVDQA32 e, Z28; \
	VPTERNLOGD $0xca, g, f, Z28; \
	VPADDD Z28, h, h; \
	VPADDD h, d, d; \
	SIGMA(a, 2, 13, VPRORD, 22, Z29, Z30, Z31); \
	VPADDD Z29, h, h; \
	VMOVDQA32 a, Z24; \
	VPTERNLOGD $0xe8, c, b, Z24; \
	VPADDD Z24, h, h

// SCHEDULE turns w16, the message word of 16 rounds ago, into this
// round's: w16 + σ0(w15) + w7 + σ1(w2), the others named by how many
// rounds ago they were used. 0x96 is a three-way XOR, 0xca (in ROUND)
// e ? f : g, 0xe8 the majority of three.
#define SCHEDULE(w16, w15, w7, w2) \
	SIGMA(w15, 7, 18, VPSRLD, 3, Z25, Z26, Z27); \
	VPADDD Z25, w16, w16; \
	SIGMA(w2, 17, 19, VPSRLD, 10, Z25, Z26, Z27); \
	VPADDD Z25, w16, w16; \
	VPADDD w7, w16, w16

// LOAD reads the next block of a lane into z, its words made big-endian:
// the lane's pointer is at off(SI) (ptrs), the block at DX past it.
#define LOAD(off, z) \
	MOVQ off(SI), AX; \
	VMOVDQU32 (AX)(DX*1), z; \
	VPSHUFB bswap<>(SB), z, z

// TRANSPOSE turns the 16 blocks in Z8 to Z23, one lane's to a register,
// into the 16 message words, word j of every lane in Z(8+j): 32-bit, then
// 64-bit interleaves within 128-bit lanes, then two 4x4 transposes of
// 128-bit lanes. Z0 to Z7 and Z24 to Z31 are scratch.
#define TRANSPOSE \
	VPUNPCKLDQ Z9, Z8, Z0; \
	VPUNPCKHDQ Z9, Z8, Z1; \
	VPUNPCKLDQ Z11, Z10, Z2; \
	VPUNPCKHDQ Z11, Z10, Z3; \
	VPUNPCKLDQ Z13, Z12, Z4; \
	VPUNPCKHDQ Z13, Z12, Z5; \
	VPUNPCKLDQ Z15, Z14, Z6; \
	VPUNPCKHDQ Z15, Z14, Z7; \
	VPUNPCKLDQ Z17, Z16, Z24; \
	VPUNPCKHDQ Z17, Z16, Z25; \
	VPUNPCKLDQ Z19, Z18, Z26; \
	VPUNPCKHDQ Z19, Z18, Z27; \
	VPUNPCKLDQ Z21, Z20, Z28; \
	VPUNPCKHDQ Z21, Z20, Z29; \
	VPUNPCKLDQ Z23, Z22, Z30; \
	VPUNPCKHDQ Z23, Z22, Z31; \
	VPUNPCKLQDQ Z2, Z0, Z8; \
	VPUNPCKHQDQ Z2, Z0, Z9; \
	VPUNPCKLQDQ Z3, Z1, Z10; \
	VPUNPCKHQDQ Z3, Z1, Z11; \
	VPUNPCKLQDQ Z6, Z4, Z12; \
	VPUNPCKHQDQ Z6, Z4, Z13; \
	VPUNPCKLQDQ Z7, Z5, Z14; \
	VPUNPCKHQDQ Z7, Z5, Z15; \
	VPUNPCKLQDQ Z26, Z24, Z16; \
	VPUNPCKHQDQ Z26, Z24, Z17; \
	VPUNPCKLQDQ Z27, Z25, Z18; \
	VPUNPCKHQDQ Z27, Z25, Z19; \
	VPUNPCKLQDQ Z30, Z28, Z20; \
	VPUNPCKHQDQ Z30, Z28, Z21; \
	VPUNPCKLQDQ Z31, Z29, Z22; \
	VPUNPCKHQDQ Z31, Z29, Z23; \
	VSHUFI32X4 $0x44, Z12, Z8, Z0; \
	VSHUFI32X4 $0xee, Z12, Z8, Z1; \
	VSHUFI32X4 $0x44, Z20, Z16, Z2; \
	VSHUFI32X4 $0xee, Z20, Z16, Z3; \
	VSHUFI32X4 $0x44, Z13, Z9, Z4; \
	VSHUFI32X4 $0xee, Z13, Z9, Z5; \
	VSHUFI32X4 $0x44, Z21, Z17, Z6; \
	VSHUFI32X4 $0xee, Z21, Z17, Z7; \
	VSHUFI32X4 $0x44, Z14, Z10, Z24; \
	VSHUFI32X4 $0xee, Z14, Z10, Z25; \
	VSHUFI32X4 $0x44, Z22, Z18, Z26; \
	VSHUFI32X4 $0xee, Z22, Z18, Z27; \
	VSHUFI32X4 $0x44, Z15, Z11, Z28; \
	VSHUFI32X4 $0xee, Z15, Z11, Z29; \
	VSHUFI32X4 $0x44, Z23, Z19, Z30; \
	VSHUFI32X4 $0xee, Z23, Z19, Z31; \
	VSHUFI32X4 $0x88, Z2, Z0, Z8; \
	VSHUFI32X4 $0xdd, Z2, Z0, Z12; \
	VSHUFI32X4 $0x88, Z3, Z1, Z16; \
	VSHUFI32X4 $0xdd, Z3, Z1, Z20; \
	VSHUFI32X4 $0x88, Z6, Z4, Z9; \
	VSHUFI32X4 $0xdd, Z6, Z4, Z13; \
	VSHUFI32X4 $0x88, Z7, Z5, Z17; \
	VSHUFI32X4 $0xdd, Z7, Z5, Z21; \
	VSHUFI32X4 $0x88, Z26, Z24, Z10; \
	VSHUFI32X4 $0xdd, Z26, Z24, Z14; \
	VSHUFI32X4 $0x88, Z27, Z25, Z18; \
	VSHUFI32X4 $0xdd, Z27, Z25, Z22; \
	VSHUFI32X4 $0x88, Z30, Z28, Z11; \
	VSHUFI32X4 $0xdd, Z30, Z28, Z15; \
	VSHUFI32X4 $0x88, Z31, Z29, Z19; \
	VSHUFI32X4 $0xdd, Z31, Z29, Z23;

// func blocks16AVX512(state *[8][16]uint32, ptrs *[16]*byte, n int)
//
// Each register holds one 32-bit word of 16 hashes, one to a lane, so
// that one instruction does a step of all 16: Z0 to Z7 the state a to h,
// Z8 to Z23 the message schedule's last 16 words. The state is in memory
// between blocks, as state[word][lane].
TEXT ·blocks16AVX512(SB), NOSPLIT, $0-24
	MOVQ state+0(FP), DI
	MOVQ ptrs+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ DX, DX
	TESTQ CX, CX
	JZ   done

loop:
	LOAD(0, Z8)
	LOAD(8, Z9)
	LOAD(16, Z10)
	LOAD(24, Z11)
	LOAD(32, Z12)
	LOAD(40, Z13)
	LOAD(48, Z14)
	LOAD(56, Z15)
	LOAD(64, Z16)
	LOAD(72, Z17)
	LOAD(80, Z18)
	LOAD(88, Z19)
	LOAD(96, Z20)
	LOAD(104, Z21)
	LOAD(112, Z22)
	LOAD(120, Z23)
	TRANSPOSE

	VMOVDQU32 0(DI), Z0
	VMOVDQU32 64(DI), Z1
	VMOVDQU32 128(DI), Z2
	VMOVDQU32 192(DI), Z3
	VMOVDQU32 256(DI), Z4
	VMOVDQU32 320(DI), Z5
	VMOVDQU32 384(DI), Z6
	VMOVDQU32 448(DI), Z7

	// Rounds 0 to 15 read the block's words; each of the three groups
	// of 16 after them schedules its own, with its constants at R8.
	// Sixteen rounds end with the registers named as they began.
	LEAQ k256<>(SB), R8
	ROUND(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, 0)
	ROUND(Z7, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z9, 4)
	ROUND(Z6, Z7, Z0, Z1, Z2, Z3, Z4, Z5, Z10, 8)
	ROUND(Z5, Z6, Z7, Z0, Z1, Z2, Z3, Z4, Z11, 12)
	ROUND(Z4, Z5, Z6, Z7, Z0, Z1, Z2, Z3, Z12, 16)
	ROUND(Z3, Z4, Z5, Z6, Z7, Z0, Z1, Z2, Z13, 20)
	ROUND(Z2, Z3, Z4, Z5, Z6, Z7, Z0, Z1, Z14, 24)
	ROUND(Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z0, Z15, 28)
	ROUND(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z16, 32)
	ROUND(Z7, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z17, 36)
	ROUND(Z6, Z7, Z0, Z1, Z2, Z3, Z4, Z5, Z18, 40)
	ROUND(Z5, Z6, Z7, Z0, Z1, Z2, Z3, Z4, Z19, 44)
	ROUND(Z4, Z5, Z6, Z7, Z0, Z1, Z2, Z3, Z20, 48)
	ROUND(Z3, Z4, Z5, Z6, Z7, Z0, Z1, Z2, Z21, 52)
	ROUND(Z2, Z3, Z4, Z5, Z6, Z7, Z0, Z1, Z22, 56)
	ROUND(Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z0, Z23, 60)
	MOVQ $3, BX

schedule:
	ADDQ $64, R8
	SCHEDULE(Z8, Z9, Z17, Z22)
	ROUND(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, 0)
	SCHEDULE(Z9, Z10, Z18, Z23)
	ROUND(Z7, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z9, 4)
	SCHEDULE(Z10, Z11, Z19, Z8)
	ROUND(Z6, Z7, Z0, Z1, Z2, Z3, Z4, Z5, Z10, 8)
	SCHEDULE(Z11, Z12, Z20, Z9)
	ROUND(Z5, Z6, Z7, Z0, Z1, Z2, Z3, Z4, Z11, 12)
	SCHEDULE(Z12, Z13, Z21, Z10)
	ROUND(Z4, Z5, Z6, Z7, Z0, Z1, Z2, Z3, Z12, 16)
	SCHEDULE(Z13, Z14, Z22, Z11)
	ROUND(Z3, Z4, Z5, Z6, Z7, Z0, Z1, Z2, Z13, 20)
	SCHEDULE(Z14, Z15, Z23, Z12)
	ROUND(Z2, Z3, Z4, Z5, Z6, Z7, Z0, Z1, Z14, 24)
	SCHEDULE(Z15, Z16, Z8, Z13)
	ROUND(Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z0, Z15, 28)
	SCHEDULE(Z16, Z17, Z9, Z14)
	ROUND(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z16, 32)
	SCHEDULE(Z17, Z18, Z10, Z15)
	ROUND(Z7, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z17, 36)
	SCHEDULE(Z18, Z19, Z11, Z16)
	ROUND(Z6, Z7, Z0, Z1, Z2, Z3, Z4, Z5, Z18, 40)
	SCHEDULE(Z19, Z20, Z12, Z17)
	ROUND(Z5, Z6, Z7, Z0, Z1, Z2, Z3, Z4, Z19, 44)
	SCHEDULE(Z20, Z21, Z13, Z18)
	ROUND(Z4, Z5, Z6, Z7, Z0, Z1, Z2, Z3, Z20, 48)
	SCHEDULE(Z21, Z22, Z14, Z19)
	ROUND(Z3, Z4, Z5, Z6, Z7, Z0, Z1, Z2, Z21, 52)
	SCHEDULE(Z22, Z23, Z15, Z20)
	ROUND(Z2, Z3, Z4, Z5, Z6, Z7, Z0, Z1, Z22, 56)
	SCHEDULE(Z23, Z8, Z16, Z21)
	ROUND(Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z0, Z23, 60)
	DECQ BX
	JNZ  schedule

	VPADDD 0(DI), Z0, Z0
	VPADDD 64(DI), Z1, Z1
	VPADDD 128(DI), Z2, Z2
	VPADDD 192(DI), Z3, Z3
	VPADDD 256(DI), Z4, Z4
	VPADDD 320(DI), Z5, Z5
	VPADDD 384(DI), Z6, Z6
	VPADDD 448(DI), Z7, Z7
	VMOVDQU32 Z0, 0(DI)
	VMOVDQU32 Z1, 64(DI)
	VMOVDQU32 Z2, 128(DI)
	VMOVDQU32 Z3, 192(DI)
	VMOVDQU32 Z4, 256(DI)
	VMOVDQU32 Z5, 320(DI)
	VMOVDQU32 Z6, 384(DI)
	VMOVDQU32 Z7, 448(DI)

	ADDQ $64, DX
	DECQ CX
	JNZ  loop
	VZEROUPPER

done:
	RET
