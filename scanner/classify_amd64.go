//go:build !purego

package scanner

import "golang.org/x/sys/cpu"

// classifyBlocksAVX2 is classifyGeneric over blocks whole 64-byte blocks
// at src, with AVX2.
//
//go:noescape
func classifyBlocksAVX2(src *byte, blocks int, b64, anchors *uint64, flags *byte, carry uint64) uint64

// classifyBlocksAVX512 is classifyBlocksAVX2 with AVX-512BW.
//
//go:noescape
func classifyBlocksAVX512(src *byte, blocks int, b64, anchors *uint64, flags *byte, carry uint64) uint64

// vectorClassifiers returns the kernels this CPU can run, fastest first.
func vectorClassifiers() []namedClassifier {
	var all []namedClassifier
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW {
		all = append(all, namedClassifier{"avx512", kernelClassifier(classifyBlocksAVX512)})
	}
	if cpu.X86.HasAVX2 {
		all = append(all, namedClassifier{"avx2", kernelClassifier(classifyBlocksAVX2)})
	}
	return all
}
