package scanner

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	kflate "github.com/klauspost/compress/flate"
	kgzip "github.com/klauspost/compress/gzip"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/freelist"
)

// Inflating is most of the cost of scanning build output that ships .gz,
// .zip and .jar files, so archives are inflated with klauspost/compress,
// which decodes the same DEFLATE streams faster than compress/flate (it
// reads *bufio.Reader input without an interface call per byte). Readers
// and their input buffers are pooled: each holds a 32 KB window.

// compressedBufSize is the input buffer in front of a decompressor; large
// enough that a .gz file is read in a few system calls, not 4 KB ones.
const compressedBufSize = 64 << 10

var (
	compressedBufs = freelist.New(16, func() *bufio.Reader { return bufio.NewReaderSize(nil, compressedBufSize) })
	gzipReaders    = freelist.New(16, func() *kgzip.Reader { return nil })
	flateReaders   = freelist.New(16, func() io.ReadCloser { return nil }) // each a kflate.Resetter
)

// zipFlate is a pooled DEFLATE decompressor for zip members.
type zipFlate struct {
	fr io.ReadCloser
	br *bufio.Reader
}

func (z *zipFlate) Read(p []byte) (int, error) { return z.fr.Read(p) }

func (z *zipFlate) Close() error {
	err := z.fr.Close()
	if z.br != nil {
		z.br.Reset(nil)
		compressedBufs.Put(z.br)
	}
	flateReaders.Put(z.fr)
	return err
}

// newZipFlate is the zip.Deflate decompressor registered on every zip.Reader.
func newZipFlate(r io.Reader) io.ReadCloser {
	var src kflate.Reader
	var br *bufio.Reader
	if member, ok := inMemory(r); ok {
		// The decompressor reads a *bytes.Reader without a buffer in
		// front: about 15% faster than through bufio.
		src = member
	} else {
		br = compressedBufs.Get()
		br.Reset(r)
		src = br
	}
	fr := flateReaders.Get()
	if fr != nil {
		fr.(kflate.Resetter).Reset(src, nil)
	} else {
		fr = kflate.NewReader(src)
	}
	return &zipFlate{fr: fr, br: br}
}

// memAt is a zip archive held in memory, read by archive/zip as an
// io.ReaderAt, so that its members' compressed bytes reach the
// decompressor as a *bytes.Reader (see inMemory).
type memAt []byte

func (m memAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= int64(len(m)) {
		return 0, io.EOF
	}
	n := copy(p, m[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// inMemory returns the bytes r would yield as a *bytes.Reader when r is
// archive/zip's unread section of a memAt, clamped to the memory: the
// sizes in a damaged archive may point past its end.
func inMemory(r io.Reader) (*bytes.Reader, bool) {
	sr, ok := r.(*io.SectionReader)
	if !ok {
		return nil, false
	}
	outer, off, n := sr.Outer()
	mem, ok := outer.(memAt)
	if !ok {
		return nil, false
	}
	if pos, err := sr.Seek(0, io.SeekCurrent); err != nil || pos != 0 {
		return nil, false
	}
	start := min(max(off, 0), int64(len(mem)))
	end := min(max(off+n, start), int64(len(mem)))
	return bytes.NewReader(mem[start:end]), true
}

// Errors recorded in Stats when an archive is cut short.
var (
	ErrArchiveLimit = errors.New("archive decompression limit reached; the rest was not scanned (raise the limit on decompressed bytes per archive)")
	ErrArchiveBomb  = errors.New("compression ratio too high (possible zip bomb); the rest of the member was not scanned")
	ErrArchiveDepth = errors.New("archive nested too deep; scanned as raw bytes")
)

// memberSpill is the size above which a nested zip member is buffered in a
// temporary file rather than in memory (zip needs random access).
const memberSpill = 32 << 20

type archiveKind int

const (
	notArchive archiveKind = iota
	zipArchive
	gzipArchive
	tarArchive
	zstdStream
	xzStream
	bzip2Stream
	zlibStream
	brotliStream
	pdfDocument
)

// sniffArchive recognises containers by magic bytes, so that a .jar, .whl
// or .apk is opened whatever its name, and a .zip that is not one is
// scanned as bytes.
func sniffArchive(head []byte) archiveKind {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return zipArchive
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return gzipArchive
	case len(head) >= 262 && bytes.Equal(head[257:262], []byte("ustar")):
		return tarArchive
	}
	return sniffCompressed(head)
}

// validGzipHeader reports whether head starts with a gzip header that the
// gzip reader used by scanGzip accepts. It reuses a pooled reader: a new
// one allocates a 32 KB window and tables for every .gz file.
func validGzipHeader(head []byte) bool {
	zr := gzipReaders.Get()
	var err error
	if zr != nil {
		err = zr.Reset(bytes.NewReader(head))
	} else {
		zr, err = kgzip.NewReader(bytes.NewReader(head))
	}
	if zr != nil {
		gzipReaders.Put(zr)
	}
	// A header longer than the sniffed head (a long name or comment, a
	// large extra field) ends the head early; the stream decides.
	return err == nil || len(head) >= sniffSize && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF))
}

// item is one stream being scanned, inside zero or more archives.
type item struct {
	name   string // display name for errors: path plus inner path
	inner  string // inner path relative to the top-level item
	depth  int    // archives opened to reach it
	budget *int64 // decompressed bytes left for the top-level archive
	// prefix holds the item's first bytes when they were read already
	// (a file); with a known size it is the whole item when shorter
	// than a window. It starts window, the pooled buffer it was read
	// into.
	prefix []byte
	window *[]byte
}

// fileAt is an open file, read at offsets and sized by Stat: an *os.File,
// or a source's own descriptor type.
type fileAt interface {
	io.ReaderAt
	Stat() (fs.FileInfo, error)
}

func (s *Scanner) scan(ctx context.Context, name string, r io.Reader) ([]Match, error) {
	budget := s.opts.MaxArchiveBytes
	var out []Match
	it := item{name: name, budget: &budget}
	size := int64(-1)
	if f, ok := r.(fileAt); ok {
		// A file's first window is read before it is sniffed, into the
		// buffer that scanStream then scans in place: most files of a
		// build tree are shorter, and are read with one system call,
		// need no fstat for their size, and are never copied.
		bp := windows.Get()
		defer windows.Put(bp)
		n, err := f.ReadAt((*bp)[:windowFill], 0)
		switch {
		case err == io.EOF:
			// The whole file, wherever it lives (a /proc file's stat
			// size is 0).
			it.prefix, it.window, size = (*bp)[:n], bp, int64(n)
		case err == nil:
			if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
				it.prefix, it.window, size = (*bp)[:n], bp, fi.Size()
			}
		}
		// Otherwise (a pipe, a device that fails pread) the file is read
		// as a stream from its current offset, which ReadAt left alone.
	}
	err := s.scanItem(ctx, it, r, size, &out)
	return out, err
}

// prefixedReader reads prefix, then rest. When prefix starts the pooled
// window, scanStream takes the window and scans prefix where it lies.
type prefixedReader struct {
	prefix []byte
	rest   io.Reader
	window *[]byte
}

// takeWindow returns the window that the unread prefix starts and the
// prefix's length, and leaves only rest to read; nil when prefix is not
// in a window or was partly read.
func (p *prefixedReader) takeWindow() (*[]byte, int) {
	if p.window == nil || len(p.prefix) == 0 || len(p.prefix) > len(*p.window) || &p.prefix[0] != &(*p.window)[0] {
		return nil, 0
	}
	w, n := p.window, len(p.prefix)
	p.window, p.prefix = nil, nil
	return w, n
}

func (p *prefixedReader) Read(b []byte) (int, error) {
	if len(p.prefix) > 0 {
		n := copy(b, p.prefix)
		p.prefix = p.prefix[n:]
		return n, nil
	}
	return p.rest.Read(b)
}

// scanItem scans one stream: opens it when it is an archive, transcodes it
// when it is UTF-16, and scans the bytes otherwise. size is -1 when unknown;
// with a known size and an io.ReaderAt, zip archives are read in place.
func (s *Scanner) scanItem(ctx context.Context, it item, r io.Reader, size int64, out *[]Match) error {
	var head, whole []byte
	var stream io.Reader
	ra, isRA := r.(io.ReaderAt)
	if isRA && size >= 0 {
		// Only a file has a known size, and scan has read its prefix.
		pre := it.prefix[:min(int64(len(it.prefix)), size)]
		head = pre[:min(len(pre), sniffSize)]
		if int64(len(pre)) == size {
			whole = pre
		}
		stream = &prefixedReader{prefix: pre, rest: io.NewSectionReader(ra, int64(len(pre)), size-int64(len(pre))), window: it.window}
	} else {
		br, h := newSniffer(r)
		defer releaseSniffer(br)
		stream, head = br, h
	}
	kind := sniffArchive(head)
	if kind == gzipArchive && !validGzipHeader(head) {
		// Two magic bytes by chance: scan the bytes rather than lose them.
		kind = notArchive
	}
	if kind == notArchive && isBrotliName(it.name) && trialDecodes(head, brotliStream) {
		kind = brotliStream
	}
	if kind == notArchive && isPDF(head) {
		kind = pdfDocument
	}
	if kind != notArchive && it.depth >= s.opts.MaxArchiveDepth {
		s.stats.Error(it.name, ErrArchiveDepth)
		kind = notArchive
	}
	switch kind {
	case zipArchive:
		switch {
		case whole != nil:
			return s.scanZip(ctx, it, memAt(whole), size, out)
		case !isRA || size < 0:
			return s.scanBufferedZip(ctx, it, stream, out)
		}
		return s.scanZip(ctx, it, ra, size, out)
	case gzipArchive:
		return s.scanGzip(ctx, it, stream, whole, out)
	case tarArchive:
		return s.scanTar(ctx, it, stream, out)
	case zstdStream, xzStream, bzip2Stream, zlibStream, brotliStream:
		return s.scanCompressed(ctx, it, stream, kind, out)
	case pdfDocument:
		return s.scanPDF(ctx, it, stream, head, out)
	}
	if isRA && size >= 0 && it.depth < s.opts.MaxArchiveDepth && (bytes.HasPrefix(head, []byte("#!")) || bytes.HasPrefix(head, []byte("MZ"))) {
		if prefix, ok := zipAfterPrefix(ra, size); ok {
			// A launch script or an executable stub, then a zip: a
			// Spring Boot "fully executable" jar, a self-extracting
			// archive. The stub is scanned as bytes, the zip opened.
			if err := s.scanLeaf(ctx, it, io.NewSectionReader(ra, 0, prefix), head[:min(len(head), int(prefix))], out); err != nil {
				return err
			}
			return s.scanZip(ctx, it, ra, size, out)
		}
	}
	return s.scanLeaf(ctx, it, stream, head, out)
}

// zipAfterPrefix reports whether the file in ra (size bytes) is a script
// or executable stub followed by a zip archive, and how long the stub is:
// a zip end record sits in its last 64 KiB, archive/zip opens it, and a
// local file header starts within its first 256 KiB. Only files that start
// like a script or an executable are asked, so plain files cost nothing.
func zipAfterPrefix(ra io.ReaderAt, size int64) (int64, bool) {
	const endRecordSearch = 64<<10 + 22
	tail := make([]byte, min(size, endRecordSearch))
	if n, _ := ra.ReadAt(tail, size-int64(len(tail))); n != len(tail) || !bytes.Contains(tail, []byte("PK\x05\x06")) {
		return 0, false
	}
	front := make([]byte, min(size, 256<<10))
	n, _ := ra.ReadAt(front, 0)
	prefix := bytes.Index(front[:n], []byte("PK\x03\x04"))
	if prefix <= 0 {
		return 0, false
	}
	if _, err := zip.NewReader(ra, size); err != nil {
		return 0, false
	}
	return int64(prefix), true
}

// scanLeaf scans a stream that is not an archive.
func (s *Scanner) scanLeaf(ctx context.Context, it item, r io.Reader, head []byte, out *[]Match) error {
	start := len(*out)
	var n int64
	var err error
	if order, bom := sniffUTF16(head); order != 0 {
		encoding := "utf-16le"
		if order == bigEndian {
			encoding = "utf-16be"
		}
		n, err = s.scanUTF16(ctx, r, order, bom, encoding, out)
	} else {
		n, err = s.scanStream(ctx, r, "", out)
	}
	for i := start; i < len(*out); i++ {
		(*out)[i].InnerPath = it.inner
	}
	s.stats.AddFile(n)
	if err != nil {
		return fmt.Errorf("failed to scan %s: %w", it.name, err)
	}
	return nil
}

// scanUTF16 scans r transcoded from UTF-16 and, in the same pass, as raw
// bytes: a file that starts in UTF-16 may go on in UTF-8 (a PowerShell
// transcript with appended output), and a byte order mark may open binary
// data. Real UTF-16 text cannot match raw, its ASCII being interleaved
// with zero bytes, so nothing is found twice. It returns the bytes read.
func (s *Scanner) scanUTF16(ctx context.Context, r io.Reader, order byteOrder, bom int, encoding string, out *[]Match) (int64, error) {
	pr, pw := io.Pipe()
	var raw []Match
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.scanStream(ctx, pr, "", &raw)
		// Keep taking what the transcoding side writes, so that it never
		// blocks on a raw scan that stopped early (a cancelled context).
		io.Copy(io.Discard, pr)
	}()
	cr := &countingReader{r: io.TeeReader(r, pw)}
	_, err := s.scanStream(ctx, newUTF16Reader(cr, order, bom), encoding, out)
	pw.Close()
	<-done
	*out = append(*out, raw...)
	return cr.n, err
}

// member returns the item for an archive member called name.
func (it item) member(name string) item {
	inner := joinInner(it.inner, name)
	return item{name: it.name + "!/" + name, inner: inner, depth: it.depth + 1, budget: it.budget}
}

// inflateLimiter stops a decompressed stream at the archive budget and when
// its ratio to the compressed bytes consumed exceeds maxRatio.
type inflateLimiter struct {
	r          io.Reader
	compressed func() int64
	budget     *int64
	maxRatio   int64
	read       int64
	cut        error
}

func (l *inflateLimiter) Read(p []byte) (int, error) {
	if l.cut != nil {
		return 0, io.EOF
	}
	if *l.budget <= 0 {
		l.cut = ErrArchiveLimit
		return 0, io.EOF
	}
	if int64(len(p)) > *l.budget {
		p = p[:*l.budget]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	*l.budget -= int64(n)
	if l.read > l.maxRatio*l.compressed()+1<<20 {
		l.cut = ErrArchiveBomb
		return n, io.EOF
	}
	return n, err
}

func (s *Scanner) limit(it item, r io.Reader, compressed func() int64) *inflateLimiter {
	return &inflateLimiter{r: r, compressed: compressed, budget: it.budget, maxRatio: s.opts.MaxRatio}
}

// finishMember records a member cut short by a limit and returns err.
func (s *Scanner) finishMember(m item, l *inflateLimiter, err error) error {
	if l.cut != nil {
		s.stats.Skip(m.name, l.cut)
	}
	return err
}

func (s *Scanner) scanZip(ctx context.Context, it item, ra io.ReaderAt, size int64, out *[]Match) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		s.stats.Error(it.name, fmt.Errorf("not a readable zip archive, scanned as raw bytes: %w", err))
		return s.scanLeaf(ctx, it, io.NewSectionReader(ra, 0, size), nil, out)
	}
	zr.RegisterDecompressor(zip.Deflate, newZipFlate)
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.FileInfo().IsDir() {
			continue
		}
		m := it.member(f.Name)
		if *it.budget <= 0 {
			s.stats.Skip(m.name, ErrArchiveLimit)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			s.stats.Skip(m.name, fmt.Errorf("failed to open zip member: %w", err))
			continue
		}
		compressed := int64(f.CompressedSize64)
		l := s.limit(m, rc, func() int64 { return compressed })
		err = s.finishMember(m, l, s.scanItem(ctx, m, l, -1, out))
		rc.Close()
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			s.stats.Error(m.name, err)
		}
	}
	return nil
}

// scanBufferedZip reads a zip that is not a file (a member of another
// archive, a git blob) into memory or a temporary file, then scans it.
func (s *Scanner) scanBufferedZip(ctx context.Context, it item, r io.Reader, out *[]Match) error {
	var mem bytes.Buffer
	n, err := io.CopyN(&mem, r, memberSpill)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("failed to read %s: %w", it.name, err)
	}
	if n < memberSpill {
		return s.scanZip(ctx, it, memAt(mem.Bytes()), int64(mem.Len()), out)
	}
	tmp, err := os.CreateTemp("", "clickup-secret-scan-*.zip")
	if err != nil {
		return fmt.Errorf("failed to buffer %s: %w", it.name, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := tmp.Write(mem.Bytes()); err != nil {
		return fmt.Errorf("failed to buffer %s: %w", it.name, err)
	}
	mem = bytes.Buffer{}
	total, err := io.Copy(tmp, r)
	if err != nil {
		return fmt.Errorf("failed to buffer %s: %w", it.name, err)
	}
	return s.scanZip(ctx, it, tmp, total+memberSpill, out)
}

// compressedInput is a pooled buffer in front of a compressed stream that
// knows how much of the stream its reader has taken.
type compressedInput struct {
	*bufio.Reader
	counted *countingReader
}

// consumed returns the compressed bytes taken from the buffer: those read
// from the stream less those still waiting in it.
func (c compressedInput) consumed() int64 { return c.counted.n - int64(c.Buffered()) }

// bufferCompressed puts a pooled buffer in front of r; release gives it
// back.
func bufferCompressed(r io.Reader) (in compressedInput, release func()) {
	cr := &countingReader{r: r}
	br := compressedBufs.Get()
	br.Reset(cr)
	return compressedInput{br, cr}, func() {
		br.Reset(nil)
		compressedBufs.Put(br)
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// scanGzip scans the gzip stream r; whole, when not nil, is all of it,
// already read.
func (s *Scanner) scanGzip(ctx context.Context, it item, r io.Reader, whole []byte, out *[]Match) error {
	var src io.Reader
	var consumed func() int64 // compressed bytes the decompressor has taken
	if whole != nil {
		// The decompressor reads a *bytes.Reader without a buffer in
		// front: about 15% faster than through bufio.
		rd := bytes.NewReader(whole)
		src, consumed = rd, func() int64 { return int64(len(whole) - rd.Len()) }
	} else {
		br, release := bufferCompressed(r)
		defer release()
		// The *bufio.Reader itself: klauspost/compress picks its fast
		// path by the concrete type.
		src, consumed = br.Reader, br.consumed
	}
	zr := gzipReaders.Get()
	var err error
	if zr != nil {
		err = zr.Reset(src)
	} else {
		zr, err = kgzip.NewReader(src)
	}
	if err != nil {
		s.stats.Skip(it.name, fmt.Errorf("not a readable gzip stream: %w", err))
		return nil
	}
	defer func() {
		zr.Close()
		gzipReaders.Put(zr)
	}()
	inner := strings.TrimSuffix(path.Base(it.name), ".gz")
	if strings.HasSuffix(it.name, ".tgz") {
		inner = strings.TrimSuffix(path.Base(it.name), ".tgz") + ".tar"
	}
	if zr.Name != "" {
		inner = zr.Name
	}
	l := s.limit(it, zr, consumed)
	return s.scanDecompressed(ctx, it, l, inner, out)
}

func (s *Scanner) scanTar(ctx context.Context, it item, r io.Reader, out *[]Match) error {
	tr := tar.NewReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			s.stats.Skip(it.name, fmt.Errorf("corrupt tar archive, rest not scanned: %w", err))
			return nil
		}
		if h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeRegA {
			continue
		}
		m := it.member(h.Name)
		if err := s.scanItem(ctx, m, tr, -1, out); err != nil {
			if ctx.Err() != nil {
				return err
			}
			s.stats.Error(m.name, err)
		}
	}
}
