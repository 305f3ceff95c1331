package scanner

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/andybalholm/brotli"
	kzlib "github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Builds ship precompressed assets beside or instead of the originals
// (main.js.br, app.js.zst), container images carry zstd layers, and
// release tarballs come as .txz or .tbz2. Each such stream is decoded under
// the same budget and ratio check as gzip (inflateLimiter), and what it
// holds is scanned like a file, opened again when it is a container.

// compressedKind describes a compressed stream format other than gzip.
type compressedKind struct {
	name string
	// exts are the file suffixes stripped to name the decompressed
	// member; tarExts are suffixes that stand for ".tar.<ext>".
	exts, tarExts []string
	open          func(r *bufio.Reader) (io.Reader, func(), error)
}

// Decoder memory bounds. A zstd frame or an xz block header declares its
// window; a hostile one declaring gigabytes must not make the decoder
// allocate them. 64 MiB covers zstd --ultra -22 below --long and xz -9.
const (
	maxZstdWindow = 64 << 20
	maxXZDict     = 64 << 20
)

var compressedKinds = map[archiveKind]compressedKind{
	zstdStream: {name: "zstd", exts: []string{".zst", ".zstd"}, tarExts: []string{".tzst"}, open: openZstd},
	xzStream:   {name: "xz", exts: []string{".xz"}, tarExts: []string{".txz"}, open: openXZ},
	bzip2Stream: {name: "bzip2", exts: []string{".bz2", ".bz"}, tarExts: []string{".tbz2", ".tbz"}, open: func(r *bufio.Reader) (io.Reader, func(), error) {
		return bzip2.NewReader(r), func() {}, nil
	}},
	zlibStream: {name: "zlib", exts: []string{".zz", ".zlib"}, open: func(r *bufio.Reader) (io.Reader, func(), error) {
		zr, err := kzlib.NewReader(r)
		if err != nil {
			return nil, nil, err
		}
		return zr, func() { zr.Close() }, nil
	}},
	brotliStream: {name: "brotli", exts: []string{".br"}, open: func(r *bufio.Reader) (io.Reader, func(), error) {
		return brotli.NewReader(r), func() {}, nil
	}},
}

func openZstd(r *bufio.Reader) (io.Reader, func(), error) {
	zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(maxZstdWindow))
	if err != nil {
		return nil, nil, err
	}
	return zr, zr.Close, nil
}

func openXZ(r *bufio.Reader) (io.Reader, func(), error) {
	// The first block header names the dictionary the decoder allocates.
	if head, _ := r.Peek(64); len(head) >= 12 {
		if dict, ok := xzFirstDict(head); ok && dict > maxXZDict {
			return nil, nil, fmt.Errorf("xz dictionary of %d MiB is above the %d MiB the scanner allows", dict>>20, maxXZDict>>20)
		}
	}
	zr, err := xz.ReaderConfig{DictCap: 1 << 20}.NewReader(r)
	if err != nil {
		return nil, nil, err
	}
	return zr, func() {}, nil
}

// xzFirstDict returns the LZMA2 dictionary size declared by the first
// block header of the xz stream that starts head, when head holds it.
func xzFirstDict(head []byte) (int64, bool) {
	const streamHeader = 12
	if len(head) < streamHeader+2 || head[streamHeader] == 0 {
		return 0, false
	}
	b := head[streamHeader:]
	size := (int(b[0]) + 1) * 4
	if len(b) < size {
		return 0, false
	}
	flags := b[1]
	i := 2
	skipVarint := func() bool {
		for i < size {
			c := b[i]
			i++
			if c&0x80 == 0 {
				return true
			}
		}
		return false
	}
	if flags&0x40 != 0 && !skipVarint() {
		return 0, false
	}
	if flags&0x80 != 0 && !skipVarint() {
		return 0, false
	}
	// Filters in order; LZMA2 (id 0x21, one property byte) is the last.
	for f := 0; f <= int(flags&3) && i+2 < size; f++ {
		id := b[i]
		propSize := int(b[i+1])
		i += 2
		if id == 0x21 && propSize == 1 && i < size {
			p := b[i]
			if p > 40 {
				return 0, false
			}
			if p == 40 {
				return 1<<32 - 1, true
			}
			return int64(2|p&1) << (p/2 + 11), true
		}
		i += propSize
	}
	return 0, false
}

// sniffCompressed recognises the compressed streams that carry magic
// bytes. zlib's two header bytes also open ordinary text ("x^"), so a
// zlib header must decode too.
func sniffCompressed(head []byte) archiveKind {
	switch {
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return zstdStream
	case bytes.HasPrefix(head, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}):
		return xzStream
	case len(head) >= 10 && bytes.HasPrefix(head, []byte("BZh")) && head[3] >= '1' && head[3] <= '9' &&
		(bytes.Equal(head[4:10], []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59}) || bytes.Equal(head[4:10], []byte{0x17, 0x72, 0x45, 0x38, 0x50, 0x90})):
		return bzip2Stream
	case isZlibHeader(head) && trialDecodes(head, zlibStream):
		return zlibStream
	}
	return notArchive
}

// isZlibHeader reports whether head starts with a zlib header: DEFLATE,
// a window of at most 32 KiB, no preset dictionary, a valid check value.
func isZlibHeader(head []byte) bool {
	return len(head) >= 2 && head[0]&0x0f == 8 && head[0]>>4 <= 7 && head[1]&0x20 == 0 && (uint(head[0])<<8|uint(head[1]))%31 == 0
}

// isBrotliName reports whether name says the item is brotli-compressed;
// brotli streams have no magic bytes.
func isBrotliName(name string) bool {
	// Every file of a tree is asked: no lower-cased copy of its name.
	return len(name) >= 3 && strings.EqualFold(name[len(name)-3:], ".br")
}

// trialDecodes reports whether the first bytes of a stream, head, decode
// as kind without error: a cheap check before trusting a name or a weak
// magic. A head cut at sniffSize may end mid-stream; only a hard error
// counts against it.
func trialDecodes(head []byte, kind archiveKind) bool {
	br := bufio.NewReaderSize(bytes.NewReader(head), 16)
	r, done, err := compressedKinds[kind].open(br)
	if err != nil {
		return false
	}
	defer done()
	var out [sniffSize]byte
	n, err := io.ReadFull(r, out[:])
	switch {
	case err == nil, errors.Is(err, io.EOF):
		return true
	case errors.Is(err, io.ErrUnexpectedEOF):
		// The stream ended early: fine when it decoded something first
		// (ReadFull's own short read) or when the head was cut.
		return n > 0 || len(head) >= sniffSize
	}
	return false
}

// innerName names the decompressed member of a compressed item: its base
// name without the compression suffix, ".tar" for the tarball shorthands
// (.tzst, .txz, .tbz2).
func (k compressedKind) innerName(name string) string {
	base := path.Base(name)
	lower := strings.ToLower(base)
	for _, ext := range k.tarExts {
		if strings.HasSuffix(lower, ext) {
			return base[:len(base)-len(ext)] + ".tar"
		}
	}
	for _, ext := range k.exts {
		if strings.HasSuffix(lower, ext) && len(base) > len(ext) {
			return base[:len(base)-len(ext)]
		}
	}
	return base
}

// scanCompressed decompresses one stream of kind and scans what it holds.
// A tar inside is one archive to the user (app.tar.zst): its members are
// named directly under the item.
func (s *Scanner) scanCompressed(ctx context.Context, it item, r io.Reader, kind archiveKind, out *[]Match) error {
	ck := compressedKinds[kind]
	br, release := bufferCompressed(r)
	defer release()
	zr, done, err := ck.open(br.Reader)
	if err != nil {
		s.stats.Skip(it.name, fmt.Errorf("not a readable %s stream: %w", ck.name, err))
		return nil
	}
	defer done()
	l := s.limit(it, zr, br.consumed)
	return s.scanDecompressed(ctx, it, l, ck.innerName(it.name), out)
}

// scanDecompressed scans the output of a decompressor, l, named inner
// inside it, and records a cut or a corrupt stream against the member.
func (s *Scanner) scanDecompressed(ctx context.Context, it item, l *inflateLimiter, inner string, out *[]Match) error {
	sniff, head := newSniffer(l)
	defer releaseSniffer(sniff)
	if sniffArchive(head) == tarArchive {
		err := s.finishMember(it, l, s.scanTar(ctx, it, sniff, out))
		if err != nil && ctx.Err() == nil {
			s.stats.Error(it.name, err)
			return nil
		}
		return err
	}
	m := it.member(inner)
	err := s.finishMember(m, l, s.scanItem(ctx, m, sniff, -1, out))
	if err != nil && ctx.Err() == nil {
		// A corrupt stream ends the member; what came before is kept.
		s.stats.Error(m.name, err)
		return nil
	}
	return err
}
