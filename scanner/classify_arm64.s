//go:build !purego

#include "textflag.h"

// classifyBlocksNEON is classifyBlocksAVX2 (classify_amd64.s) for arm64:
// the same masks, flags and carry, 64 bytes as four 16-byte vectors.
//
// NEON has no movemask: each byte of a 0x00/0xff compare result is ANDed
// with its bit weight (1, 2, 4, ... 128 per 8 bytes), then three rounds of
// pairwise adds (VADDP) sum each 8 bytes into one, so that the low 64 bits
// hold one bit per byte, in order. The last round pairs two masks, one per
// half of the vector.
//
// Registers: R0 src, R1 blocks left, R2 b64, R3 anchors, R4 flags,
// R5 whether the byte before was 'p', 'c' or 'C' (carry bit 0), R6 the
// whole lanes of the block before (its bit 63: carry bit 1), R7 low15.
// V21-V31 hold constants, V0-V3 the block, V4-V20 the rest.

// B64CLASS sets each byte of out to its weight in the movemask when the
// byte of in is in the base64 alphabet, else 0: the high nibble looks up
// V30, the low nibble V29, and the byte is in the alphabet when the two
// share a bit. V8 and V9 are scratch.
#define B64CLASS(in, out) \
	VUSHR $4, in.B16, V8.B16 \
	VAND V31.B16, in.B16, V9.B16 \
	VTBL V8.B16, [V30.B16], V8.B16 \
	VTBL V9.B16, [V29.B16], V9.B16 \
	VCMTST V8.B16, V9.B16, out.B16 \
	VAND V28.B16, out.B16, out.B16

// LETTERS sets each byte of k to its weight when the byte of in is 'k'
// or 'K', of pc when it is 'p', 'c' or 'C', and ORs 0xff into V20 where it
// is a backslash, ampersand or ESC. V8 to V11 are scratch.
#define LETTERS(in, k, pc) \
	VORR V27.B16, in.B16, V8.B16 \
	VCMEQ V26.B16, V8.B16, k.B16 \
	VCMEQ V25.B16, V8.B16, V8.B16 \
	VCMEQ V24.B16, in.B16, V9.B16 \
	VORR V9.B16, V8.B16, pc.B16 \
	VAND V28.B16, k.B16, k.B16 \
	VAND V28.B16, pc.B16, pc.B16 \
	VCMEQ V23.B16, in.B16, V10.B16 \
	VCMEQ V22.B16, in.B16, V11.B16 \
	VORR V11.B16, V10.B16, V10.B16 \
	VCMEQ V21.B16, in.B16, V11.B16 \
	VORR V11.B16, V10.B16, V10.B16 \
	VORR V10.B16, V20.B16, V20.B16

// func classifyBlocksNEON(src *byte, blocks int, b64, anchors *uint64, flags *byte, carry uint64) uint64
TEXT ·classifyBlocksNEON(SB), NOSPLIT, $0-56
	MOVD src+0(FP), R0
	MOVD blocks+8(FP), R1
	MOVD b64+16(FP), R2
	MOVD anchors+24(FP), R3
	MOVD flags+32(FP), R4
	MOVD carry+40(FP), R5
	MOVD $0x7fff7fff7fff7fff, R7
	LSR $1, R5, R6
	LSL $63, R6, R6
	AND $1, R5, R5

	// The base64 alphabet as two nibble tables, as in classify_amd64.s:
	// a byte is in it when nibbleHigh[c>>4] & nibbleLow[c&15] != 0.
	// VMOVQ takes the low 64 bits (bytes 0-7) first.
	VMOVQ $0x1004080402010000, $0x0000000000000000, V30 // nibbleHigh
	VMOVQ $0x1e1e1e1e1e1e1e1a, $0x0d040504051c1e1e, V29 // nibbleLow
	VMOVI $0x0f, V31.B16 // low nibble mask
	VMOVQ $0x8040201008040201, $0x8040201008040201, V28 // bit weights
	VMOVI $0x20, V27.B16 // case bit
	VMOVI $'k', V26.B16
	VMOVI $'c', V25.B16
	VMOVI $'p', V24.B16
	VMOVI $'\\', V23.B16
	VMOVI $'&', V22.B16
	VMOVI $0x1b, V21.B16

loop:
	VLD1.P 64(R0), [V0.B16, V1.B16, V2.B16, V3.B16]

	// Base64 class, 0xff per byte in the alphabet, weighted: V4-V7.
	B64CLASS(V0, V4)
	B64CLASS(V1, V5)
	B64CLASS(V2, V6)
	B64CLASS(V3, V7)

	// 'k' or 'K', weighted: V12-V15; 'p', 'c' or 'C', weighted: V16-V19;
	// a backslash, ampersand or ESC at each position of any vector: V20.
	VEOR V20.B16, V20.B16, V20.B16
	LETTERS(V0, V12, V16)
	LETTERS(V1, V13, V17)
	LETTERS(V2, V14, V18)
	LETTERS(V3, V15, V19)
	VAND V28.B16, V20.B16, V20.B16

	// Pairwise adds: VADDP Vm, Vn, Vd puts Vn's pair sums in Vd's low
	// half and Vm's in its high half.
	VADDP V5.B16, V4.B16, V4.B16
	VADDP V7.B16, V6.B16, V6.B16
	VADDP V6.B16, V4.B16, V4.B16 // base64, 4 bytes to a byte
	VADDP V13.B16, V12.B16, V12.B16
	VADDP V15.B16, V14.B16, V14.B16
	VADDP V14.B16, V12.B16, V12.B16 // k or K, 4 bytes to a byte
	VADDP V17.B16, V16.B16, V16.B16
	VADDP V19.B16, V18.B16, V18.B16
	VADDP V18.B16, V16.B16, V16.B16 // p, c or C, 4 bytes to a byte
	VADDP V12.B16, V4.B16, V4.B16   // base64 | k << 64
	// The escape bytes' weights summed in pairs: nonzero when any is.
	VADDP V20.B16, V16.B16, V16.B16 // p, c or C | escapes << 64
	VMOV V4.D[0], R8  // base64
	VMOV V4.D[1], R9  // k or K
	VMOV V16.D[0], R10 // p, c or C
	VMOV V16.D[1], R11 // escapes

	// lane16Full: the high bit of each 16-bit lane of R8 that is whole,
	// ^((^w&low15 + low15) | ^w | low15) = w &^ low15 &^ (^w&low15 + low15).
	BIC R8, R7, R12
	ADD R7, R12, R12
	BIC R7, R8, R13
	BIC R12, R13, R12 // the high bit of each whole lane
	// flagLongRun: two whole lanes side by side, in this block or
	// across its start.
	AND R12>>16, R12, R13
	LSR $63, R6, R14
	AND R14<<15, R12, R14
	ORR R14, R13, R13
	MOVD R12, R6
	CMP $0, R13
	CSET NE, R15
	LSL $1, R15, R15
	MOVD.P R8, 8(R2)

	// Anchors: 'k' or 'K' after 'p', 'c' or 'C'.
	ORR R10<<1, R5, R14
	LSR $63, R10, R5
	AND R14, R9, R9
	MOVD.P R9, 8(R3)
	CMP $0, R9
	CSET NE, R14
	ORR R14, R15, R15

	// flagEscape.
	CMP $0, R11
	CSET NE, R14
	ORR R14<<2, R15, R15
	MOVB.P R15, 1(R4)

	SUBS $1, R1, R1
	BNE loop

	LSR $63, R6, R6
	ORR R6<<1, R5, R5
	MOVD R5, ret+48(FP)
	RET
