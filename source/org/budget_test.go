package org

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The budget is what bounds memory whatever --workers is: many workers
// asking for more than the limit together run one after another, and a
// repository larger than the whole limit runs alone.
func TestBudgetBoundsWhatRunsAtOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		limit   int64
		sizes   []int64
		maxHeld int64
	}{
		{"two fit", 100, []int64{50, 50, 50, 50, 50, 50}, 100},
		{"one at a time", 100, []int64{60, 60, 60, 60}, 60},
		{"too big runs alone", 100, []int64{500, 10, 500, 10}, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newBudget(tc.limit)
			var held, peak, running, peakRunning atomic.Int64
			var wg sync.WaitGroup
			for _, size := range tc.sizes {
				wg.Go(func() {
					b.acquire(size)
					h := held.Add(min(size, tc.limit))
					r := running.Add(1)
					for {
						p := peak.Load()
						if h <= p || peak.CompareAndSwap(p, h) {
							break
						}
					}
					for {
						p := peakRunning.Load()
						if r <= p || peakRunning.CompareAndSwap(p, r) {
							break
						}
					}
					if size > tc.limit && r != 1 {
						t.Errorf("a repository of %d ran beside %d others (limit %d)", size, r-1, tc.limit)
					}
					time.Sleep(5 * time.Millisecond)
					running.Add(-1)
					held.Add(-min(size, tc.limit))
					b.release(size)
				})
			}
			wg.Wait()
			if p := peak.Load(); p > tc.maxHeld {
				t.Errorf("peak %d held, want at most %d", p, tc.maxHeld)
			}
		})
	}
}
