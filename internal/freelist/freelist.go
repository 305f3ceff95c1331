// Package freelist keeps values for reuse across garbage collections.
package freelist

import "sync"

// List keeps up to a fixed number of values for reuse. Unlike sync.Pool it
// is not emptied by garbage collection: a scan's heap is small, or held
// near a soft limit, so collections come often, and a sync.Pool refilled
// after each one handed out fresh windows, buffers and inflaters whose
// pages the kernel then had to fault in again (costly on a VM). The values
// kept are bounded by how many are in use at once, at most the list's
// size.
//
// The list is a stack: Get returns the value put back last. A worker that
// puts a buffer back and takes one for its next file gets the same one,
// whose pages are mapped and still in the cache, and the extra values a
// rare deep nesting made are left untouched instead of taking turns (a
// queue would cycle through all of them, faulting every page of each).
type List[T any] struct {
	mu    sync.Mutex
	kept  []T
	fresh func() T
}

// New returns a list that keeps up to n values and makes new ones with
// fresh.
func New[T any](n int, fresh func() T) *List[T] {
	return &List[T]{kept: make([]T, 0, n), fresh: fresh}
}

// Get returns the value kept last, or a fresh one when none is kept.
func (l *List[T]) Get() T {
	l.mu.Lock()
	if n := len(l.kept); n > 0 {
		v := l.kept[n-1]
		var zero T
		l.kept[n-1] = zero // the list no longer holds it
		l.kept = l.kept[:n-1]
		l.mu.Unlock()
		return v
	}
	l.mu.Unlock()
	return l.fresh()
}

// Put keeps v for a later Get, or drops it when the list is full.
func (l *List[T]) Put(v T) {
	l.mu.Lock()
	if len(l.kept) < cap(l.kept) {
		l.kept = append(l.kept, v)
	}
	l.mu.Unlock()
}
