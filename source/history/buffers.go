package history

import (
	"math/bits"
	"sync"
	"sync/atomic"
)

// Buffer classes: class k holds buffers whose capacity is in [2^k, 2^(k+1)).
// Smaller requests get a buffer of the smallest class, so that the many
// deltas of a few hundred bytes share buffers too.
const (
	minBufferClass = 12 // 4 KiB
	maxBufferClass = 29 // 512 MiB, maxInMemory
)

// bufferPool is a free list of byte buffers bounded in bytes. A sync.Pool
// does not do here: the collector empties it at every cycle, and under the
// scan's memory limit cycles come several times a second, so each buffer
// lost to one came back as a fresh large allocation that the runtime zeroes
// and the kernel faults in page by page (on google/go-github, with the
// scavenger's madvise calls to give it back, a third of the CPU time).
type bufferPool struct {
	mu sync.Mutex
	// bound returns how many bytes of capacity the pool may hold now.
	bound   func() int
	held    int // bytes of capacity held
	classes [maxBufferClass + 1][][]byte
	bytesIn [maxBufferClass + 1]int
}

// newBufferPool returns a pool that holds at most max bytes of capacity.
func newBufferPool(max int) *bufferPool {
	return &bufferPool{bound: func() int { return max }}
}

// bufferClass returns floor(log2(n)) for n >= 1.
func bufferClass(n int) int { return bits.Len(uint(n)) - 1 }

// get returns an empty buffer with capacity for at least n bytes. Its
// bytes are not zeroed: they are whatever its last user wrote, so callers
// write before they read.
func (bp *bufferPool) get(n int) []byte {
	n = max(n, 1<<minBufferClass)
	k := bufferClass(n)
	if k > maxBufferClass {
		return make([]byte, 0, n)
	}
	bp.mu.Lock()
	// Class k may hold a buffer large enough; any of class k+1 is.
	for c := k; c <= min(k+1, maxBufferClass); c++ {
		list := bp.classes[c]
		for j := len(list) - 1; j >= 0; j-- {
			if cap(list[j]) < n {
				continue
			}
			b := list[j]
			list[j] = list[len(list)-1]
			list[len(list)-1] = nil
			bp.classes[c] = list[:len(list)-1]
			bp.held -= cap(b)
			bp.bytesIn[c] -= cap(b)
			bp.mu.Unlock()
			return b[:0]
		}
	}
	bp.mu.Unlock()
	// Rounded up to whole pages: the next object of about this size can
	// then often reuse the buffer.
	return make([]byte, 0, (n+4095)&^4095)
}

// put gives b back for reuse; the caller must hold no other reference to
// its bytes. When the pool is full, the oldest buffers of the class that
// holds the most bytes make room: the sizes in demand move as the scan
// moves through the pack.
func (bp *bufferPool) put(b []byte) {
	c := cap(b)
	k := bufferClass(c)
	if c < 1<<minBufferClass || k > maxBufferClass {
		return
	}
	bp.mu.Lock()
	defer bp.mu.Unlock()
	bound := bp.bound()
	if c > bound {
		return
	}
	for bp.held+c > bound {
		fullest := 0
		for i := range bp.bytesIn {
			if bp.bytesIn[i] > bp.bytesIn[fullest] {
				fullest = i
			}
		}
		list := bp.classes[fullest]
		bp.held -= cap(list[0])
		bp.bytesIn[fullest] -= cap(list[0])
		list[0] = nil
		bp.classes[fullest] = list[1:]
	}
	bp.classes[k] = append(bp.classes[k], b[:0])
	bp.held += c
	bp.bytesIn[k] += c
}

// drain drops every buffer held. A pass calls it when done: the next
// reads objects of other sizes, and needs the room for its own tables.
func (bp *bufferPool) drain() {
	bp.mu.Lock()
	defer bp.mu.Unlock()
	bp.classes = [maxBufferClass + 1][][]byte{}
	bp.bytesIn = [maxBufferClass + 1]int{}
	bp.held = 0
}

// sharedBuf is an object's content, shared by the delta base cache and the
// workers building deltas on it. Each holder owns one reference; the last
// to release it gives the bytes back to the pool. A holder that keeps the
// bytes (a commit read for the walk) never releases: the buffer is then
// the collector's, as any other.
type sharedBuf struct {
	b    []byte
	refs atomic.Int32
}

// newSharedBuf returns b as a sharedBuf with one reference, the caller's.
func newSharedBuf(b []byte) *sharedBuf {
	sb := &sharedBuf{b: b}
	sb.refs.Store(1)
	return sb
}

// release drops one reference to sb, and gives its bytes to the pool when
// it was the last.
func (bp *bufferPool) release(sb *sharedBuf) {
	switch n := sb.refs.Add(-1); {
	case n == 0:
		bp.put(sb.b)
		sb.b = nil
	case n < 0:
		panic("history: sharedBuf released more often than referenced")
	}
}
