package history

import (
	"os"
	"runtime/debug"
)

// scanMemoryLimit is the soft limit on the Go runtime's memory (heap,
// stacks, runtime structures; not the mapped packs, which are file-backed
// pages the kernel can drop and reread) that a history scan runs under
// unless GOMEMLIMIT is set. The scan's live heap is about 100 bytes per
// object plus, during the tree pass, about 15 bytes per subtree entry: 75
// MiB at most on a 20,000-commit repository of 255,000 objects. Without a
// limit the collector lets the heap grow to twice that before each cycle;
// with it, cycles come more often as the heap nears the limit, which cost
// about 3% more CPU time on that repository. Where the live heap itself
// exceeds the limit (several million objects), the runtime caps the
// collector at half the CPU time and the heap grows past the limit: the
// scan slows down but does not fail.
const scanMemoryLimit = 112 << 20

// limitMemory sets scanMemoryLimit unless the user set GOMEMLIMIT, and
// returns a function that restores the previous limit.
func limitMemory() (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetMemoryLimit(scanMemoryLimit)
	return func() { debug.SetMemoryLimit(prev) }
}
