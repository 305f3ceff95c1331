package scanner

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/base64"
	"io"

	kgzip "github.com/klauspost/compress/gzip"
)

// Kubernetes secrets, Helm values and CI scripts carry env files as base64
// of a gzip, zlib, zstd or zip stream (echo "$BLOB" | base64 -d | gunzip).
// Such a run starts with the encoding of the format's magic bytes (H4sI,
// eJ, KLUv, UEsD); it is decoded, decompressed within a fixed bound, and
// what it holds is matched like a file, opened again when it is a
// container. Matches point at the start of the base64 run.

// Bounds on one embedded blob: its decompressed bytes, all nested members
// included, and how deep containers inside it are opened. A blob cut at a
// bound is scanned as far as it was decompressed.
const (
	maxEmbeddedBytes = 8 << 20
	maxEmbeddedDepth = 4
)

// embeddedPrefixes are the base64 forms of the magic bytes of the formats
// an embedded blob is opened as.
var embeddedPrefixes = []string{
	"H4sI",     // gzip 1f 8b 08
	"eJ", "eN", // zlib 78 9c, 78 da
	"eF", "eA", // zlib 78 5e, 78 01
	"KLUv",    // zstd 28 b5 2f fd
	"UEsD",    // zip PK 03 04
	"/Td6WFo", // xz
	"Qlpo",    // bzip2 BZh
}

// hasEmbeddedPrefix reports whether the base64 run starts like an
// encoded container or compressed stream.
func hasEmbeddedPrefix(run []byte) bool {
	if len(run) < 4 {
		return false
	}
	switch run[0] {
	case 'H', 'e', 'K', 'U', '/', 'Q':
	default:
		return false
	}
	for _, p := range embeddedPrefixes {
		if bytes.HasPrefix(run, []byte(p)) {
			return true
		}
	}
	return false
}

// openEmbedded decodes the base64 run buf[start:end] and, when it is a
// container or a compressed stream, matches what it holds and reports
// true. depth counts the decodings applied to buf.
func openEmbedded(buf []byte, start, end, depth int, emit func(rawMatch)) bool {
	run := buf[start:end]
	// Padding follows the run; the decoder does without it.
	run = run[:len(run)/4*4+min(len(run)%4, 3)]
	if len(run)%4 == 1 {
		run = run[:len(run)-1]
	}
	enc := base64.RawStdEncoding
	if bytes.ContainsAny(run, "-_") {
		enc = base64.RawURLEncoding
	}
	// The head decides before the whole run is decoded: a run that
	// starts like "eJ" by chance costs a few hundred bytes.
	headRun := run[:min(len(run), (sniffSize+2)/3*4)]
	head := make([]byte, enc.DecodedLen(len(headRun)))
	n, _ := enc.Decode(head, headRun)
	if embeddedLabel(head[:n]) == "" {
		return false
	}
	data := make([]byte, enc.DecodedLen(len(run)))
	n, _ = enc.Decode(data, run)
	data = data[:n]
	outerKey := keyBefore(buf, start)
	budget := int64(maxEmbeddedBytes)
	matchEmbedded(data, 0, &budget, depth, func(m rawMatch, enc string) {
		m.start = start
		if m.key == "" {
			m.key = outerKey
		}
		m.encoding = joinEncoding("base64", enc)
		emit(m)
	})
	return true
}

// embeddedLabel names the container or compression format data starts
// with, or returns "" when it is none of them.
func embeddedLabel(data []byte) string {
	head := data[:min(len(data), sniffSize)]
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return "gzip"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "zip"
	case len(head) >= 262 && bytes.Equal(head[257:262], []byte("ustar")):
		return "tar"
	}
	if ck, ok := compressedKinds[sniffCompressed(head)]; ok {
		return ck.name
	}
	return ""
}

// matchEmbedded matches data, opening it when it is a container or a
// compressed stream, within the shared budget; emit gets each match with
// the formats opened to reach it ("gzip+tar").
func matchEmbedded(data []byte, level int, budget *int64, depth int, emit func(rawMatch, string)) {
	label := embeddedLabel(data)
	if label == "" || level >= maxEmbeddedDepth {
		matchWindow(data, depth+1, func(m rawMatch) { emit(m, m.encoding) })
		return
	}
	inner := func(member []byte) {
		matchEmbedded(member, level+1, budget, depth, func(m rawMatch, enc string) {
			emit(m, joinEncoding(label, enc))
		})
	}
	switch label {
	case "zip":
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			matchWindow(data, depth+1, func(m rawMatch) { emit(m, m.encoding) })
			return
		}
		zr.RegisterDecompressor(zip.Deflate, newZipFlate)
		for _, f := range zr.File {
			if *budget <= 0 {
				return
			}
			rc, err := f.Open()
			if err != nil {
				continue
			}
			compressed := int64(f.CompressedSize64)
			inner(readBounded(rc, budget, func() int64 { return compressed }))
			rc.Close()
		}
	case "tar":
		tr := tar.NewReader(bytes.NewReader(data))
		for *budget > 0 {
			h, err := tr.Next()
			if err != nil {
				return
			}
			if h.Typeflag == tar.TypeReg || h.Typeflag == tar.TypeRegA {
				// Tar members are stored: the ratio check does not apply.
				inner(readBounded(tr, budget, func() int64 { return h.Size }))
			}
		}
	default:
		cr := &countingReader{r: bytes.NewReader(data)}
		br := bufio.NewReader(cr)
		var r io.Reader
		if label == "gzip" {
			zr, err := kgzip.NewReader(br)
			if err != nil {
				return
			}
			defer zr.Close()
			r = zr
		} else {
			zr, done, err := compressedKinds[sniffCompressed(data[:min(len(data), sniffSize)])].open(br)
			if err != nil {
				return
			}
			defer done()
			r = zr
		}
		inner(readBounded(r, budget, func() int64 { return cr.n - int64(br.Buffered()) }))
	}
}

// readBounded reads r to its end, to the budget, or to the ratio limit,
// whichever comes first, and returns what it read; a corrupt or truncated
// stream yields what came before the fault.
func readBounded(r io.Reader, budget *int64, compressed func() int64) []byte {
	l := &inflateLimiter{r: r, compressed: compressed, budget: budget, maxRatio: DefaultMaxRatio}
	var out bytes.Buffer
	out.ReadFrom(l) // on a fault, what came before it is kept
	return out.Bytes()
}
