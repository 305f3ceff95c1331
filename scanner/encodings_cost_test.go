package scanner

import (
	"runtime"
	"testing"
	"time"
)

// matchWindowPlain is matchWindow without the passes for escapes, HTML
// references and terminal colour codes: the matcher as it was before they
// were added, kept here only to time what they cost.
// It reads the same byte masks as matchWindow where this CPU builds them,
// so that the two differ only by those passes.
func matchWindowPlain(buf []byte, depth int, emit func(rawMatch)) {
	masks, keywords := maskAndAnchor(buf, fastClassifier, nil, func(p int) { matchPersonalAt(buf, p, emit) })
	defer releaseMasks(masks)
	if len(keywords) > 0 {
		matchContext(buf, keywords, masks, emit)
	}
	if depth < maxDecodeDepth {
		matchBase64BlobsProbing(buf, depth, nil, masks, emit)
	}
}

// BenchmarkEncodingsCost times matchWindow against matchWindowPlain over
// the same windows, alternating the two in every iteration (and which goes
// first), by the thread's CPU time. On a shared machine two binaries run
// one after the other see different loads; two matchers alternating every
// few milliseconds in one thread see the same. It reports the extra CPU
// time of matchWindow in percent of matchWindowPlain's as "extra-%": the
// cost of the escape, HTML reference and colour code passes. The windows
// are the plain files of CLICKUP_BENCH_CORPUS when it is set, else the
// two 8 MiB generated corpora of BenchmarkScanNoToken and
// BenchmarkScanNearMisses.
func BenchmarkEncodingsCost(b *testing.B) {
	cases := map[string][][]byte{}
	cases["notoken"] = [][]byte{benchCorpus(false)}
	cases["nearmisses"] = [][]byte{benchCorpus(true)}
	for _, name := range []string{"notoken", "nearmisses", "corpus"} {
		b.Run(name, func(b *testing.B) {
			files := cases[name]
			if name == "corpus" {
				files = loadBenchCorpus(b)
			}
			var total int64
			for _, f := range files {
				total += int64(len(f))
			}
			run := func(match func([]byte, int, func(rawMatch))) time.Duration {
				t0, _ := threadClock()
				for _, f := range files {
					for off := 0; off < len(f); off += windowSize {
						match(f[off:min(len(f), off+windowSize+windowOverlap)], 0, func(rawMatch) {})
					}
				}
				t1, _ := threadClock()
				return t1 - t0
			}
			if _, ok := threadClock(); !ok {
				b.Skip("thread CPU time is not available on this system")
			}
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.SetBytes(total)
			b.ResetTimer()
			var full, plain time.Duration
			for i := range b.N {
				if i%2 == 0 {
					full += run(matchWindow)
					plain += run(matchWindowPlain)
				} else {
					plain += run(matchWindowPlain)
					full += run(matchWindow)
				}
			}
			if plain > 0 {
				b.ReportMetric(100*(full.Seconds()-plain.Seconds())/plain.Seconds(), "extra-%")
			}
		})
	}
}
