#include "go_asm.h"
#include "textflag.h"

// fastAsm is fastGo written out in assembly, block for block, so that both
// decode the same codewords in the same iterations and stop in the same
// place; fast.go says what each step is for. The compiler spends
// instructions fastGo does not need: it shifts by CL alone (BMI2's SHRX and
// BZHI take any register), and keeps fewer of the loop's values in
// registers.
//
// Registers:
//	SI in, DI out, R8 lt, R9 dt
//	R10 ip, R11 op, R12 bb, R13 bl, R14 inEnd
//	AX the entry, R15 bl at the start of a match's codeword
//	BX, CX, DX scratch

// REFILL fills the bit buffer to at least 56 bits from the input, a word
// at a time, as fastGo's refill.
#define REFILL \
	SHLXQ R13, (SI)(R10*1), CX \
	ORQ   CX, R12 \
	MOVL  R13, CX \
	SHRL  $3, CX \
	ANDL  $7, CX \
	SUBQ  CX, R10 \
	ADDQ  $7, R10 \
	ORQ   $56, R13

// EXIT returns op, the bit position ip<<3 - bl&63 for the bit count in
// bits, and whether the loop stopped before a codeword.
#define EXIT(bits, stop) \
	MOVQ R10, CX \
	SHLQ $3, CX \
	ANDQ $63, bits \
	SUBQ bits, CX \
	MOVQ R11, opEnd+80(FP) \
	MOVQ CX, pos+88(FP) \
	MOVB $stop, stopped+96(FP) \
	RET

// SUBTABLE looks the entry up that the subtable pointer AX points to in
// table, of size entries in all, by the bits past the main table's, with
// tmp for scratch.
#define SUBTABLE(table, size, tmp) \
	MOVL  AX, CX \
	SHRL  $8, CX \
	ANDL  $15, CX \
	BZHIQ CX, R12, tmp \
	SHRL  $16, AX \
	ADDL  tmp, AX \
	ANDL  $(size-1), AX \
	MOVL  (table)(AX*4), AX

// LITERAL writes the literal entry AX stands for, consumes its bits and
// looks the next codeword up.
#define LITERAL \
	SHRXQ AX, R12, R12 \
	SUBQ  AX, R13 \
	SHRL  $16, AX \
	MOVB  AX, (DI)(R11*1) \
	INCQ  R11 \
	MOVL  R12, CX \
	ANDL  $const_llMask, CX \
	MOVL  (R8)(CX*4), AX

// func fastAsm(in *[inSize + 8]byte, out *[outSize + 8]byte, lt *[llSize]uint32, dt *[dSize]uint32, ip, op, lo, inEnd uint, bb uint64, bl uint) (opEnd, pos uint, stopped bool)
TEXT ·fastAsm(SB), NOSPLIT, $0-97
	MOVQ in+0(FP), SI
	MOVQ out+8(FP), DI
	MOVQ lt+16(FP), R8
	MOVQ dt+24(FP), R9
	MOVQ ip+32(FP), R10
	MOVQ op+40(FP), R11
	MOVQ inEnd+56(FP), R14
	MOVQ bb+64(FP), R12
	MOVQ bl+72(FP), R13

	// Refill, and look the first codeword up.
	REFILL
	MOVL  R12, CX
	ANDL  $const_llMask, CX
	MOVL  (R8)(CX*4), AX

loop:
	TESTL AX, AX
	JNS   match

	// Up to three literals.
	LITERAL
	TESTL AX, AX
	JNS   refill
	LITERAL
	TESTL AX, AX
	JNS   refill
	LITERAL

refill:
	REFILL
	CMPQ  R10, R14
	JAE   done
	CMPQ  R11, $const_outLimit
	JB    loop

done:
	EXIT(R13, 0)

match:
	// A length, or something exceptional.
	MOVQ  R13, R15
	MOVQ  R12, BX
	SHRXQ AX, R12, R12
	SUBQ  AX, R13
	TESTL $const_eExceptional, AX
	JNZ   litlenExceptional

length:
	// DX = e>>16 + saved&(1<<(e&63)-1)>>(e>>8&15)
	BZHIQ AX, BX, DX
	MOVL  AX, CX
	SHRL  $8, CX
	SHRXQ CX, DX, DX
	SHRL  $16, AX
	ADDQ  AX, DX

	MOVL  R12, CX
	ANDL  $const_dMask, CX
	MOVL  (R9)(CX*4), AX
	TESTL $const_eExceptional, AX
	JNZ   distExceptional

distance:
	// BX = the distance, likewise.
	MOVQ  R12, BX
	SHRXQ AX, R12, R12
	SUBQ  AX, R13
	BZHIQ AX, BX, BX
	MOVL  AX, CX
	SHRL  $8, CX
	SHRXQ CX, BX, BX
	SHRL  $16, AX
	ADDQ  AX, BX
	MOVQ  R11, CX
	SUBQ  lo+48(FP), CX
	CMPQ  BX, CX
	JA    stop

	// Look the next codeword up and refill before the copy.
	MOVL  R12, CX
	ANDL  $const_llMask, CX
	MOVL  (R8)(CX*4), AX
	REFILL

	// CX = src, DX = end.
	MOVQ R11, CX
	SUBQ BX, CX
	ADDQ R11, DX
	CMPQ BX, $8
	JB   near

copy40:
	MOVQ (DI)(CX*1), BX
	MOVQ BX, (DI)(R11*1)
	MOVQ 8(DI)(CX*1), BX
	MOVQ BX, 8(DI)(R11*1)
	MOVQ 16(DI)(CX*1), BX
	MOVQ BX, 16(DI)(R11*1)
	MOVQ 24(DI)(CX*1), BX
	MOVQ BX, 24(DI)(R11*1)
	MOVQ 32(DI)(CX*1), BX
	MOVQ BX, 32(DI)(R11*1)
	ADDQ $40, R11
	ADDQ $40, CX
	CMPQ R11, DX
	JB   copy40
	JMP  copied

near:
	CMPQ BX, $1
	JNE  overlap
	MOVBQZX (DI)(CX*1), BX
	MOVQ    $0x0101010101010101, R15
	IMULQ   R15, BX

run:
	MOVQ BX, (DI)(R11*1)
	MOVQ BX, 8(DI)(R11*1)
	MOVQ BX, 16(DI)(R11*1)
	MOVQ BX, 24(DI)(R11*1)
	ADDQ $32, R11
	CMPQ R11, DX
	JB   run
	JMP  copied

overlap:
	MOVQ (DI)(CX*1), R15
	MOVQ R15, (DI)(R11*1)
	ADDQ BX, R11
	ADDQ BX, CX
	CMPQ R11, DX
	JB   overlap

copied:
	MOVQ DX, R11
	CMPQ R10, R14
	JAE  done
	CMPQ R11, $const_outLimit
	JB   loop
	JMP  done

litlenExceptional:
	TESTL $const_eSubtable, AX
	JZ    stop
	SUBTABLE(R8, const_llSize, DX)
	MOVQ  R12, BX
	SHRXQ AX, R12, R12
	SUBQ  AX, R13
	TESTL $const_eExceptional, AX
	JNZ   stop
	TESTL AX, AX
	JNS   length
	SHRL  $16, AX
	MOVB  AX, (DI)(R11*1)
	INCQ  R11
	MOVL  R12, CX
	ANDL  $const_llMask, CX
	MOVL  (R8)(CX*4), AX
	JMP   refill

distExceptional:
	TESTL $const_eSubtable, AX
	JZ    stop
	SHRQ  $const_dBits, R12
	SUBQ  $const_dBits, R13
	SUBTABLE(R9, const_dSize, BX)
	TESTL $const_eExceptional, AX
	JNZ   stop
	JMP   distance

stop:
	// Before the codeword: at bit ip<<3 - bl&63, bl as it was there.
	EXIT(R15, 1)
