//go:build !purego

package scanner

import "golang.org/x/sys/cpu"

// classifyBlocksAVX2 is classifyGeneric over blocks whole 64-byte blocks
// at src, with AVX2.
//
//go:noescape
func classifyBlocksAVX2(src *byte, blocks int, b64, anchors *uint64, flags *byte, carry uint64) uint64

func classifyAVX2(src []byte, b64, anchors []uint64, flags []byte, carry uint64) uint64 {
	blocks := len(src) / 64
	if blocks == 0 {
		return carry
	}
	_, _, _ = b64[blocks-1], anchors[blocks-1], flags[blocks-1]
	return classifyBlocksAVX2(&src[0], blocks, &b64[0], &anchors[0], &flags[0], carry)
}

func vectorClassifier() classifier {
	if cpu.X86.HasAVX2 {
		return classifyAVX2
	}
	return nil
}
