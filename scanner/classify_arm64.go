//go:build !purego

package scanner

// classifyBlocksNEON is classifyGeneric over blocks whole 64-byte blocks
// at src, with NEON (ASIMD).
//
//go:noescape
func classifyBlocksNEON(src *byte, blocks int, b64, anchors *uint64, flags *byte, carry uint64) uint64

// vectorClassifiers returns the NEON kernel unconditionally: ASIMD is a
// mandatory part of ARMv8-A, so every arm64 CPU Go runs on has it and
// there is nothing to detect.
func vectorClassifiers() []namedClassifier {
	return []namedClassifier{{"neon", kernelClassifier(classifyBlocksNEON)}}
}
