package scanner

// freeList keeps up to cap(ch) values for reuse. Unlike sync.Pool it is not
// emptied by garbage collection: the heap of a scan is small, so collections
// come every few megabytes, and a sync.Pool refilled after each one handed
// out fresh 1 MiB windows and 64 KB buffers whose pages the kernel then had
// to fault in again (costly on a VM). The values kept are bounded by how
// many are in use at once, at most cap(ch).
type freeList[T any] struct {
	ch    chan T
	fresh func() T
}

func newFreeList[T any](n int, fresh func() T) *freeList[T] {
	return &freeList[T]{ch: make(chan T, n), fresh: fresh}
}

// get returns a kept value, or a fresh one when none is kept.
func (l *freeList[T]) get() T {
	select {
	case v := <-l.ch:
		return v
	default:
		return l.fresh()
	}
}

// put keeps v for reuse, or drops it when the list is full.
func (l *freeList[T]) put(v T) {
	select {
	case l.ch <- v:
	default:
	}
}
