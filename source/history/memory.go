package history

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// ScanMemoryLimit is the soft limit in bytes on the Go runtime's memory
// (heap, stacks, runtime structures; not the mapped packs, which are
// file-backed pages the kernel can drop and reread) that one history scan
// is tuned for. The scan's live heap is about 100 bytes per object plus,
// during the tree pass, about 15 bytes per subtree entry: 75 MiB at most on
// a 20,000-commit repository of 255,000 objects. Without a limit the
// collector lets the heap grow to twice that before each cycle; with it,
// cycles come more often as the heap nears the limit, which cost about 3%
// more CPU time on that repository.
const ScanMemoryLimit = 112 << 20

// limitCheckEvery is how often LimitMemory compares the live heap with the
// limit.
const limitCheckEvery = 100 * time.Millisecond

// LimitMemory sets the process's soft memory limit for a run of up to scans
// history scans at once (scans times ScanMemoryLimit; fewer than one counts
// as one), unless the user set GOMEMLIMIT, and returns a function that
// restores the previous limit. The limit is process-wide, so the command
// that knows how many scans run at once sets it once for the whole run: a
// set and restore per scan would interleave when scans overlap, and the
// last restore would leave the others unlimited.
//
// Where the live heap itself comes near the limit (several hundred
// thousand objects), the limit follows it, a quarter above: a limit under
// the live heap makes the collector run without pause, at up to half the
// CPU time, for no memory saved (git/git, 849,000 objects: 45 s instead of
// 23 s).
func LimitMemory(scans int) (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	base := int64(max(scans, 1)) * ScanMemoryLimit
	prev := debug.SetMemoryLimit(base)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(limitCheckEvery)
		defer tick.Stop()
		set := base
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return
			}
			if want := limitFor(base, sample[0].Value.Uint64()); want != set {
				debug.SetMemoryLimit(want)
				set = want
			}
		}
	}()
	return func() {
		close(stop)
		<-done
		debug.SetMemoryLimit(prev)
	}
}

// limitFor returns the soft memory limit in bytes for a live heap of live
// bytes: base, or the live heap and a quarter more when that is larger.
func limitFor(base int64, live uint64) int64 {
	return max(base, int64(live)+int64(live)/4)
}
