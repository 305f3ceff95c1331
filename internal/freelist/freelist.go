// Package freelist keeps values for reuse across garbage collections.
package freelist

// List keeps up to a fixed number of values for reuse. Unlike sync.Pool it
// is not emptied by garbage collection: a scan's heap is small, or held
// near a soft limit, so collections come often, and a sync.Pool refilled
// after each one handed out fresh windows, buffers and inflaters whose
// pages the kernel then had to fault in again (costly on a VM). The values
// kept are bounded by how many are in use at once, at most the list's
// size.
type List[T any] struct {
	ch    chan T
	fresh func() T
}

// New returns a list that keeps up to n values and makes new ones with
// fresh.
func New[T any](n int, fresh func() T) *List[T] {
	return &List[T]{ch: make(chan T, n), fresh: fresh}
}

// Get returns a kept value, or a fresh one when none is kept.
func (l *List[T]) Get() T {
	select {
	case v := <-l.ch:
		return v
	default:
		return l.fresh()
	}
}

// Put keeps v for reuse, or drops it when the list is full.
func (l *List[T]) Put(v T) {
	select {
	case l.ch <- v:
	default:
	}
}
