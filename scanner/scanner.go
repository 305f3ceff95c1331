package scanner

import (
	"context"
	"io"
)

// Default limits for Options.
const (
	// DefaultMaxArchiveBytes bounds the bytes decompressed from one
	// top-level archive, all nested members included.
	DefaultMaxArchiveBytes = 256 << 20
	// DefaultMaxArchiveDepth is how many archives and compressed streams deep
	// members are opened. Container images nest deeply (image tar > layer
	// tar.zst > fat jar > inner jar); the byte budget bounds the work.
	DefaultMaxArchiveDepth = 8
	// DefaultMaxRatio is the largest decompressed/compressed ratio accepted
	// for an archive member before it is treated as a bomb and cut short.
	DefaultMaxRatio = 200
)

// Options tunes a Scanner. Zero values take the defaults above.
type Options struct {
	MaxArchiveBytes int64
	MaxArchiveDepth int
	MaxRatio        int64
}

// Scanner finds ClickUp credentials in streams of bytes. It is safe for
// concurrent use; per-item problems are counted in its Stats.
type Scanner struct {
	opts  Options
	stats *Stats
}

// New returns a Scanner that counts into stats (which must not be nil).
func New(opts Options, stats *Stats) *Scanner {
	if opts.MaxArchiveBytes <= 0 {
		opts.MaxArchiveBytes = DefaultMaxArchiveBytes
	}
	if opts.MaxArchiveDepth <= 0 {
		opts.MaxArchiveDepth = DefaultMaxArchiveDepth
	}
	if opts.MaxRatio <= 0 {
		opts.MaxRatio = DefaultMaxRatio
	}
	return &Scanner{opts: opts, stats: stats}
}

// Stats returns the counters the scanner writes to.
func (s *Scanner) Stats() *Stats { return s.stats }

// Scan reads r to the end and returns every credential in it. name is the
// item's path (slash-separated), used in error messages and to recognise
// archives by extension together with their magic bytes. Archives are opened
// (nested up to Options.MaxArchiveDepth), UTF-16 text is transcoded, and
// encoded values (base64, URL and JSON escapes) are decoded. Memory stays
// flat in the size of r except for zip archives that are not files, which
// are buffered up to the archive limit. Scan counts the item in Stats; a read
// error is returned together with the matches found before it.
func (s *Scanner) Scan(ctx context.Context, name string, r io.Reader) ([]Match, error) {
	return s.scan(ctx, name, r)
}

// ScanBytes scans an in-memory item, such as a commit message, without
// counting it as a file.
func (s *Scanner) ScanBytes(data []byte) []Match {
	return s.scanBytes(data)
}
