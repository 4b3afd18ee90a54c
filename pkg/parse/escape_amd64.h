// What the indexer and the unquoter both do to a block of 64 bytes.

// BYTES512 broadcasts the bytes both look for into all 64 bytes of a
// register: quotes into Z1, backslashes into Z2, and 0x20, below which a
// byte is a control character, into Z3. It uses AX.
#define BYTES512 \
	MOVQ $0x22, AX; \
	VPBROADCASTB AX, Z1; \
	MOVQ $0x5c, AX; \
	VPBROADCASTB AX, Z2; \
	MOVQ $0x20, AX; \
	VPBROADCASTB AX, Z3

// COMPARE512 loads the block at (SI) into Z0 and marks its quotes in K1,
// its backslashes in K2 and its control characters in K3.
#define COMPARE512 \
	VMOVDQU8 (SI), Z0; \
	VPCMPEQB Z1, Z0, K1; \
	VPCMPEQB Z2, Z0, K2; \
	VPCMPUB $1, Z3, Z0, K3

// ESCAPED finds the bytes that runs of backslashes escape, as simdjson
// does: the carry of adding the runs' odd starts to the backslashes marks
// where each run ends. It takes the block's backslashes in bs and, in
// carry, whether the block's first byte is escaped; it leaves the escaped
// bytes in esc, whether the next block's first byte is escaped in carry,
// in bs the backslashes but the first byte when carry escapes it, and in
// follows the bytes after those. mask is clobbered.
#define ESCAPED(bs, carry, follows, mask, esc) \
	MOVQ carry, esc; \
	NOTQ esc; \
	ANDQ esc, bs /* backslash &^= carry */; \
	MOVQ bs, follows; \
	SHLQ $1, follows; \
	ORQ carry, follows /* follows */; \
	MOVQ $0xaaaaaaaaaaaaaaaa, esc /* odd */; \
	ANDQ bs, esc; \
	MOVQ follows, mask; \
	NOTQ mask; \
	ANDQ mask, esc /* oddStarts */; \
	XORQ carry, carry; \
	ADDQ bs, esc /* seq, and the carry out */; \
	ADCQ $0, carry; \
	SHLQ $1, esc; \
	MOVQ $0x5555555555555555, mask /* even */; \
	XORQ mask, esc; \
	ANDQ follows, esc /* escaped */

// MASK64AVX2 sets r to the 64 bits of the compare cmp of y with a and b,
// a block's two 32-byte halves (y > byte for VPCMPGTB). It uses t1, t2
// and R12.
#define MASK64AVX2(cmp, y, a, b, t1, t2, r) \
	cmp a, y, t1; \
	cmp b, y, t2; \
	VPMOVMSKB t1, r; \
	VPMOVMSKB t2, R12; \
	SHLQ $32, R12; \
	ORQ R12, r
