package scanner

import (
	"bytes"
	"context"
	"testing"
)

// fuzzFormats are the decoders FuzzDecompress drives, by the fuzzer's
// format byte; bzip2 has no writer in Go, so it is fuzzed on raw bytes.
var fuzzFormats = []struct {
	format, file string
	magic        []byte
}{
	{"zstd", "f.zst", []byte{0x28, 0xb5, 0x2f, 0xfd}},
	{"xz", "f.xz", []byte{0xfd, '7', 'z', 'X', 'Z', 0}},
	{"brotli", "f.br", nil},
	{"zlib", "f.zz", []byte{0x78, 0x9c}},
	{"bzip2", "f.bz2", []byte("BZh91AY&SY")},
}

// FuzzDecompress feeds each new decoder hostile bytes behind its magic
// (no panic, no failed scan, output bounded by the budget) and, for the
// formats Go can write, the fuzzer's bytes compressed with a token planted
// in them (the token must be found).
func FuzzDecompress(f *testing.F) {
	for i := range fuzzFormats {
		f.Add([]byte("CLICKUP_API_TOKEN="), uint8(i))
	}
	f.Add(readFixture(f, "env.txt.bz2")[10:], uint8(4))
	f.Add([]byte{0x04, 0x00, 0x01, 0x00, 0x00}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		ff := fuzzFormats[int(format)%len(fuzzFormats)]
		const budget = 1 << 20
		stats := &Stats{}
		sc := New(Options{MaxArchiveBytes: budget}, stats)
		hostile := append(append([]byte{}, ff.magic...), data...)
		if _, err := sc.Scan(context.Background(), ff.file, bytes.NewReader(hostile)); err != nil {
			t.Fatalf("a hostile %s stream must not fail the scan: %v", ff.format, err)
		}
		if snap := stats.Snapshot(); snap.Bytes > budget+int64(len(hostile)) {
			t.Fatalf("scanned %d bytes, above the %d budget", snap.Bytes, budget)
		}
		if ff.format == "bzip2" || len(data) > 4096 {
			return
		}
		plain := bytes.Map(func(r rune) rune {
			if r < 0x80 && is(byte(r), clsWord) {
				return r
			}
			return ' ' // keep the token a word of its own
		}, data)
		plain = append(append(plain, " t="+testToken+" "...), plain...)
		ms, err := New(Options{}, &Stats{}).Scan(context.Background(), ff.file, bytes.NewReader(compressWith(t, ff.format, plain)))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.Secret.Reveal() == testToken {
				return
			}
		}
		t.Fatalf("token planted in a %s stream not found", ff.format)
	})
}
