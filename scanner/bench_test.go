package scanner

import (
	"bytes"
	"context"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// benchCorpora caches the two benchmark corpora: generating one costs
// more than scanning it, and would otherwise show in every CPU profile.
var benchCorpora [2]struct {
	once sync.Once
	data []byte
}

// benchCorpus returns 8 MiB of minified-looking JavaScript with no token,
// or, when dense is true, with a near miss (pk_live_, pk_id, Mapbox pk.,
// ClickUp-named config without a secret) every 200 bytes.
func benchCorpus(dense bool) []byte {
	c := &benchCorpora[0]
	if dense {
		c = &benchCorpora[1]
	}
	c.once.Do(func() { c.data = genBenchCorpus(dense) })
	return c.data
}

// benchNearMisses are the near misses of the dense corpus, by name.
var benchNearMisses = []struct{ name, text string }{
	{"stripe-live", `"pk_live_51Hc8ZKJ2eZvKYlo2C0aBcDe"`},
	{"pk-id", `pk_id`},
	{"mapbox", `pk.eyJ1IjoiZXhhbXBsZSJ9`},
	{"pk-users-id", `pk_users_id`},
	{"clickup-object", `{clickup:{team:"9012"}}`},
	{"stripe-test", `"pk_test_Y2xlcmsuZXhhbXBsZS5jb20k"`},
	{"data-uri", `data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==`},
}

func genBenchCorpus(dense bool) []byte {
	var all []string
	if dense {
		for _, nm := range benchNearMisses {
			all = append(all, nm.text)
		}
	}
	return genNearMissCorpus(all)
}

// genNearMissCorpus returns 8 MiB of minified-looking JavaScript with one
// of nearMisses, picked at random, every 200 bytes (none when empty).
func genNearMissCorpus(nearMisses []string) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"function", "return", "var", "this", "null", "undefined", "prototype", "length", "push", "call", "apply", "Object", "Array", "e", "t", "n", "r", "i", "o", "a", "s"}
	var b bytes.Buffer
	next := 200
	for b.Len() < 8<<20 {
		b.WriteString(words[r.IntN(len(words))])
		b.WriteByte("(){};,.=+ "[r.IntN(10)])
		if len(nearMisses) > 0 && b.Len() > next {
			b.WriteString(nearMisses[r.IntN(len(nearMisses))])
			next += 200
		}
	}
	return b.Bytes()
}

// BenchmarkScanNearMissKinds measures the matcher on the corpus of
// BenchmarkScanNearMisses with one kind of near miss at a time: what each
// kind costs is its time less BenchmarkScanNoToken's, over the 42,000
// near misses of the 8 MiB.
func BenchmarkScanNearMissKinds(b *testing.B) {
	for _, nm := range benchNearMisses {
		data := genNearMissCorpus([]string{nm.text})
		b.Run(nm.name, func(b *testing.B) { benchmarkScan(b, data) })
	}
}

// benchmarkScan scans data b.N times. Besides the wall-clock MB/s it
// reports cpu-MB/s, the bytes scanned per second of the scanning thread's
// own CPU time (Linux only): on a machine shared with other work, wall
// time counts the time the thread waited for a core, CPU time does not.
func benchmarkScan(b *testing.B, data []byte) {
	sc := New(Options{}, &Stats{})
	b.SetBytes(int64(len(data)))
	// Scan runs on the calling goroutine: locked to one thread, that
	// thread's CPU time is the scan's.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	cpu0, ok := threadCPU()
	for range b.N {
		ms, err := sc.Scan(context.Background(), "bundle.js", bytes.NewReader(data))
		if err != nil || len(ms) != 0 {
			b.Fatalf("want no match, got %d (%v)", len(ms), err)
		}
	}
	if cpu1, ok1 := threadCPU(); ok && ok1 && cpu1 > cpu0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/1e6/(cpu1-cpu0).Seconds(), "cpu-MB/s")
	}
}

// BenchmarkScanNoToken measures the matcher on text with no credential.
func BenchmarkScanNoToken(b *testing.B) { benchmarkScan(b, benchCorpus(false)) }

// BenchmarkScanNearMisses measures the matcher on text dense with near misses.
func BenchmarkScanNearMisses(b *testing.B) { benchmarkScan(b, benchCorpus(true)) }

// BenchmarkScanRandomBinary measures the matcher on incompressible bytes.
func BenchmarkScanRandomBinary(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 8<<20)
	for i := range data {
		data[i] = byte(r.UintN(256))
	}
	benchmarkScan(b, data)
}
