package history

import (
	"context"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"testing"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// heapSampler records the largest live-and-unswept heap seen while it
// runs: /memory/classes/heap/objects:bytes read every few milliseconds,
// which is what the garbage collector lets the heap grow to between
// cycles, not only what a cycle leaves alive.
type heapSampler struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
	// profile, when not "", receives a heap profile each time the peak
	// grows by 16 MiB, so that the last one shows what was held near it.
	profile string
}

func startHeapSampler(profile string) *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), profile: profile}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		var profiled uint64
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > h.peak {
				h.peak = v
				if h.profile != "" && v > profiled+16<<20 {
					profiled = v
					if f, err := os.Create(h.profile); err == nil {
						pprof.WriteHeapProfile(f)
						f.Close()
					}
				}
			}
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// Stop ends sampling and returns the peak in bytes.
func (h *heapSampler) Stop() uint64 {
	close(h.stop)
	h.done.Wait()
	return h.peak
}

// BenchmarkScanPeakHeap scans the repository named by
// CLICKUP_BENCH_HISTORY_REPO (bench/history.sh keeps one in its WORK
// directory) and reports the peak heap of the scan in MiB. With
// CLICKUP_BENCH_HEAPPROFILE set it also writes a heap profile taken near
// the peak there.
func BenchmarkScanPeakHeap(b *testing.B) {
	repo := os.Getenv("CLICKUP_BENCH_HISTORY_REPO")
	if repo == "" {
		b.Skip("set CLICKUP_BENCH_HISTORY_REPO to a repository (bench/history.sh WORK=dir keeps dir/repo.git) to run this benchmark")
	}
	// The history command scans under this limit; measure what it does.
	defer LimitMemory(1)()
	var peak uint64
	for b.Loop() {
		runtime.GC()
		h := startHeapSampler(os.Getenv("CLICKUP_BENCH_HEAPPROFILE"))
		stats := &scanner.Stats{}
		col := scanner.NewCollector()
		if _, err := Scan(context.Background(), Options{RepoPath: repo}, scanner.New(scanner.Options{}, stats), col); err != nil {
			b.Fatal(err)
		}
		peak = max(peak, h.Stop())
		if len(col.Findings()) == 0 {
			b.Fatal("no finding: the benchmark repository should hold planted tokens")
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}
