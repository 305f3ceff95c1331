//go:build !purego

package scanner

import "golang.org/x/sys/cpu"

// classifyBlocksAVX2 is classifyGeneric over blocks whole 64-byte blocks
// at src, with AVX2.
//
//go:noescape
func classifyBlocksAVX2(src *byte, blocks int, b64, anchors *uint64, flags *byte, carry uint64) uint64

func vectorClassifier() classifier {
	if cpu.X86.HasAVX2 {
		return kernelClassifier(classifyBlocksAVX2)
	}
	return nil
}
