//go:build !purego

#include "textflag.h"

// The base64 alphabet as two nibble tables: a byte is in it when
// nibbleHigh[c>>4] & nibbleLow[c&15] != 0. Each bit of an entry stands for
// a group of high nibbles (2; 3; 4 and 6; 5; 7), so that the low nibble
// says which groups hold that column of the alphabet.
DATA nibbleHigh<>+0(SB)/8, $0x1004080402010000
DATA nibbleHigh<>+8(SB)/8, $0x0000000000000000
GLOBL nibbleHigh<>(SB), RODATA|NOPTR, $16
DATA nibbleLow<>+0(SB)/8, $0x1e1e1e1e1e1e1e1a
DATA nibbleLow<>+8(SB)/8, $0x0d040504051c1e1e
GLOBL nibbleLow<>(SB), RODATA|NOPTR, $16

// The bytes that may open an escape or a terminal sequence, 32 of each.
DATA backslash<>+0(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA backslash<>+8(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA backslash<>+16(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA backslash<>+24(SB)/8, $0x5c5c5c5c5c5c5c5c
GLOBL backslash<>(SB), RODATA|NOPTR, $32
DATA ampersand<>+0(SB)/8, $0x2626262626262626
DATA ampersand<>+8(SB)/8, $0x2626262626262626
DATA ampersand<>+16(SB)/8, $0x2626262626262626
DATA ampersand<>+24(SB)/8, $0x2626262626262626
GLOBL ampersand<>(SB), RODATA|NOPTR, $32
DATA escape<>+0(SB)/8, $0x1b1b1b1b1b1b1b1b
DATA escape<>+8(SB)/8, $0x1b1b1b1b1b1b1b1b
DATA escape<>+16(SB)/8, $0x1b1b1b1b1b1b1b1b
DATA escape<>+24(SB)/8, $0x1b1b1b1b1b1b1b1b
GLOBL escape<>(SB), RODATA|NOPTR, $32

// Both kernels share their frame, their carries and the scalar work on
// each block's words; only how the words are made differs.
//
// Registers: SI src, CX blocks left, DI b64, R8 anchors, R14 flags,
// R15 0x7fff in each 16-bit lane, R9 bit 0: the byte before was 'p', 'c'
// or 'C' (carry bit 0), DX bit 63: the last lane of the block before was
// whole (carry bit 1).
#define PROLOGUE \
	MOVQ src+0(FP), SI \
	MOVQ blocks+8(FP), CX \
	MOVQ b64+16(FP), DI \
	MOVQ anchors+24(FP), R8 \
	MOVQ flags+32(FP), R14 \
	MOVQ carry+40(FP), R9 \
	MOVQ $0x7fff7fff7fff7fff, R15 \
	MOVQ R9, DX \
	SHRQ $1, DX \
	SHLQ $63, DX \
	ANDQ $1, R9

// FINISH_BLOCK stores one block's words and flags from AX (the b64
// word), R10 (the 'k' or 'K' bits), BX (the 'p', 'c' or 'C' bits) and
// R13 (flagEscape already set or not), then moves to the next block.
//
// flagLongRun: a 16-bit lane of the bytes outside the alphabet is zero,
// wholly in the alphabet, when adding 0x7fff to its low 15 bits does not
// carry into its high bit and that bit is clear (lane16Full); two whole
// lanes side by side, in the block or across its start, set the flag.
// Anchors: the 'p', 'c' or 'C' bits move up one byte, the byte before
// the block coming in from R9.
#define FINISH_BLOCK \
	MOVQ AX, (DI) \
	NOTQ AX \
	MOVQ AX, R12 \
	ANDQ R15, R12 \
	ADDQ R15, R12 \
	ORQ AX, R12 \
	ORQ R15, R12 \
	NOTQ R12 \
	MOVQ R12, R11 \
	SHRQ $16, R11 \
	ANDQ R12, R11 \
	SHRQ $63, DX \
	SHLQ $15, DX \
	ANDQ R12, DX \
	ORQ DX, R11 \
	MOVQ R12, DX \
	TESTQ R11, R11 \
	SETNE R12 \
	SHLB $1, R12 \
	ORB R12, R13 \
	MOVQ BX, R11 \
	SHLQ $1, BX \
	ORQ R9, BX \
	SHRQ $63, R11 \
	MOVQ R11, R9 \
	ANDQ BX, R10 \
	MOVQ R10, (R8) \
	TESTQ R10, R10 \
	SETNE R12 \
	ORB R12, R13 \
	MOVB R13, (R14) \
	ADDQ $64, SI \
	ADDQ $8, DI \
	ADDQ $8, R8 \
	INCQ R14 \
	DECQ CX

// EPILOGUE returns the carries for the block after the last.
#define EPILOGUE \
	VZEROUPPER \
	SHRQ $63, DX \
	SHLQ $1, DX \
	ORQ DX, R9 \
	MOVQ R9, ret+48(FP) \
	RET

// func classifyBlocksAVX2(src *byte, blocks int, b64, anchors *uint64, flags *byte, carry uint64) uint64
TEXT ·classifyBlocksAVX2(SB), NOSPLIT, $0-56
	PROLOGUE

	MOVQ $0x0f, AX
	MOVQ AX, X15
	VPBROADCASTB X15, Y15 // low nibble mask
	VBROADCASTI128 nibbleHigh<>(SB), Y14
	VBROADCASTI128 nibbleLow<>(SB), Y13
	VPXOR Y12, Y12, Y12   // zero
	MOVQ $0x20, AX
	MOVQ AX, X11
	VPBROADCASTB X11, Y11 // case bit
	MOVQ $'k', AX
	MOVQ AX, X10
	VPBROADCASTB X10, Y10
	MOVQ $'c', AX
	MOVQ AX, X9
	VPBROADCASTB X9, Y9
	MOVQ $'p', AX
	MOVQ AX, X8
	VPBROADCASTB X8, Y8

loop:
	VMOVDQU 0(SI), Y0
	VMOVDQU 32(SI), Y1

	// flagEscape: a backslash, ampersand or ESC anywhere in the block.
	VPCMPEQB backslash<>(SB), Y0, Y2
	VPCMPEQB ampersand<>(SB), Y0, Y3
	VPCMPEQB escape<>(SB), Y0, Y4
	VPOR Y2, Y3, Y2
	VPOR Y2, Y4, Y2
	VPCMPEQB backslash<>(SB), Y1, Y3
	VPCMPEQB ampersand<>(SB), Y1, Y4
	VPCMPEQB escape<>(SB), Y1, Y5
	VPOR Y3, Y4, Y3
	VPOR Y3, Y5, Y3
	VPOR Y2, Y3, Y2
	VPTEST Y2, Y2
	SETNE R13
	SHLB $2, R13

	// 'k' or 'K' into R10, 'p', 'c' or 'C' into BX.
	VPOR Y11, Y0, Y2
	VPCMPEQB Y10, Y2, Y3
	VPCMPEQB Y9, Y2, Y2
	VPCMPEQB Y8, Y0, Y4
	VPOR Y4, Y2, Y2
	VPMOVMSKB Y3, R10
	VPMOVMSKB Y2, BX
	VPOR Y11, Y1, Y4
	VPCMPEQB Y10, Y4, Y5
	VPCMPEQB Y9, Y4, Y4
	VPCMPEQB Y8, Y1, Y6
	VPOR Y6, Y4, Y4
	VPMOVMSKB Y5, AX
	VPMOVMSKB Y4, R11
	SHLQ $32, AX
	ORQ AX, R10
	SHLQ $32, R11
	ORQ R11, BX

	// Base64 class into AX, as the bytes outside the alphabet first.
	VPSRLW $4, Y0, Y2
	VPAND Y15, Y2, Y2
	VPSHUFB Y2, Y14, Y2
	VPAND Y15, Y0, Y3
	VPSHUFB Y3, Y13, Y3
	VPAND Y2, Y3, Y2
	VPCMPEQB Y12, Y2, Y2
	VPMOVMSKB Y2, AX
	VPSRLW $4, Y1, Y4
	VPAND Y15, Y4, Y4
	VPSHUFB Y4, Y14, Y4
	VPAND Y15, Y1, Y5
	VPSHUFB Y5, Y13, Y5
	VPAND Y4, Y5, Y4
	VPCMPEQB Y12, Y4, Y4
	VPMOVMSKB Y4, R11
	SHLQ $32, R11
	ORQ R11, AX
	NOTQ AX

	FINISH_BLOCK
	JNZ loop

	EPILOGUE

// func classifyBlocksAVX512(src *byte, blocks int, b64, anchors *uint64, flags *byte, carry uint64) uint64
//
// classifyBlocksAVX2 with AVX-512BW: a block is one register, and each
// test lands in a mask register as the 64-bit word the masks want.
TEXT ·classifyBlocksAVX512(SB), NOSPLIT, $0-56
	PROLOGUE

	MOVQ $0x0f, AX
	VPBROADCASTB AX, Z16 // low nibble mask
	VBROADCASTI32X4 nibbleHigh<>(SB), Z17
	VBROADCASTI32X4 nibbleLow<>(SB), Z18
	MOVQ $0x20, AX
	VPBROADCASTB AX, Z19 // case bit
	MOVQ $'k', AX
	VPBROADCASTB AX, Z20
	MOVQ $'c', AX
	VPBROADCASTB AX, Z21
	MOVQ $'p', AX
	VPBROADCASTB AX, Z22
	MOVQ $'\\', AX
	VPBROADCASTB AX, Z23
	MOVQ $'&', AX
	VPBROADCASTB AX, Z24
	MOVQ $0x1b, AX
	VPBROADCASTB AX, Z25

loop512:
	VMOVDQU8 (SI), Z0

	// Base64 class: K1.
	VPSRLW $4, Z0, Z1
	VPANDD Z16, Z1, Z1
	VPSHUFB Z1, Z17, Z1
	VPANDD Z16, Z0, Z2
	VPSHUFB Z2, Z18, Z2
	VPTESTMB Z1, Z2, K1

	// 'k' or 'K': K2; 'p', 'c' or 'C': K3.
	VPORD Z19, Z0, Z3
	VPCMPEQB Z20, Z3, K2
	VPCMPEQB Z21, Z3, K3
	VPCMPEQB Z22, Z0, K4
	KORQ K3, K4, K3

	// flagEscape: a backslash, ampersand or ESC, in K5 or K7.
	VPCMPEQB Z23, Z0, K5
	VPCMPEQB Z24, Z0, K6
	VPCMPEQB Z25, Z0, K7
	KORQ K5, K6, K5
	KORTESTQ K5, K7
	SETNE R13
	SHLB $2, R13

	KMOVQ K1, AX
	KMOVQ K2, R10
	KMOVQ K3, BX

	FINISH_BLOCK
	JNZ loop512

	EPILOGUE
