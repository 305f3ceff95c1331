package history

import (
	"os"
	"runtime/debug"
)

// ScanMemoryLimit is the soft limit in bytes on the Go runtime's memory
// (heap, stacks, runtime structures; not the mapped packs, which are
// file-backed pages the kernel can drop and reread) that one history scan
// is tuned for. The scan's live heap is about 100 bytes per object plus,
// during the tree pass, about 15 bytes per subtree entry: 75 MiB at most on
// a 20,000-commit repository of 255,000 objects. Without a limit the
// collector lets the heap grow to twice that before each cycle; with it,
// cycles come more often as the heap nears the limit, which cost about 3%
// more CPU time on that repository. Where the live heap itself exceeds the
// limit (several million objects), the runtime caps the collector at half
// the CPU time and the heap grows past the limit: the scan slows down but
// does not fail.
const ScanMemoryLimit = 112 << 20

// LimitMemory sets the process's soft memory limit for a run of up to scans
// history scans at once (scans times ScanMemoryLimit; fewer than one counts
// as one), unless the user set GOMEMLIMIT, and returns a function that
// restores the previous limit. The limit is process-wide, so the command
// that knows how many scans run at once sets it once for the whole run: a
// set and restore per scan would interleave when scans overlap, and the
// last restore would leave the others unlimited.
func LimitMemory(scans int) (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetMemoryLimit(int64(max(scans, 1)) * ScanMemoryLimit)
	return func() { debug.SetMemoryLimit(prev) }
}
