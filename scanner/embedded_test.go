package scanner

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

func TestEmbeddedBombIsBounded(t *testing.T) {
	t.Parallel()
	zipped := makeZip(t, "bomb.txt", strings.Repeat("\x00", 32<<20), "later.env", twinText)
	blob := "SECRET_BUNDLE=" + base64.StdEncoding.EncodeToString(zipped) + "\n"
	if len(blob) > 128<<10 {
		t.Fatalf("bomb blob is %d bytes, want a small one", len(blob))
	}
	ms, stats := scanString(t, "values.yaml", []byte(blob))
	if len(ms) != 1 || ms[0].Secret.Reveal() != testToken || ms[0].Encoding != "base64+zip" || ms[0].Column != 15 {
		t.Fatalf("want the token after the bomb found at the blob (1:15, base64+zip), got %s", describe(ms, stats))
	}
	var seen int64
	budget := int64(maxEmbeddedBytes)
	matchEmbedded(zipped, 0, &budget, 0, func(rawMatch, string) {})
	seen = maxEmbeddedBytes - budget
	if seen > maxEmbeddedBytes || seen > 16<<20 {
		t.Errorf("decompressed %d bytes of a 32 MiB bomb, want it cut by the ratio check within %d", seen, maxEmbeddedBytes)
	}
}

// FuzzEmbedded feeds hostile bytes behind each embedded magic (no panic,
// bounded) and checks that the fuzzer's bytes, gzipped or zstd-compressed
// with a token planted and base64-encoded, give the token back.
func FuzzEmbedded(f *testing.F) {
	f.Add([]byte("x"), uint8(0))
	f.Add([]byte("PK\x03\x04\x14\x00"), uint8(1))
	f.Add([]byte{0x78, 0x9c, 0x01}, uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		magic := [][]byte{{0x1f, 0x8b, 0x08}, []byte("PK\x03\x04"), {0x78, 0x9c}, {0x28, 0xb5, 0x2f, 0xfd}}
		hostile := append(append([]byte{}, magic[int(format)%len(magic)]...), data...)
		buf := []byte("x=" + base64.StdEncoding.EncodeToString(hostile) + "\n")
		matchWindow(buf, 0, func(m rawMatch) {
			if m.start < 0 || m.start >= len(buf) {
				t.Fatalf("match start %d out of bounds", m.start)
			}
		})
		if len(data) > 2048 {
			return
		}
		plain := bytes.Map(func(r rune) rune {
			if r < 0x80 && is(byte(r), clsWord) {
				return r
			}
			return ' '
		}, data)
		plain = append(append(plain, " t="+testToken+" "...), plain...)
		var packed []byte
		if format%2 == 0 {
			packed = makeGzip(plain)
		} else {
			packed = compressWith(t, "zstd", plain)
		}
		buf = []byte("BLOB=\"" + base64.StdEncoding.EncodeToString(packed) + "\"\n")
		var found bool
		matchWindow(buf, 0, func(m rawMatch) { found = found || m.value == testToken && m.start == 6 })
		if !found {
			t.Fatalf("token in a base64 %s blob not found", []string{"gzip", "zstd"}[format%2])
		}
	})
}
