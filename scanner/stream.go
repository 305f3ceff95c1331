package scanner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/freelist"
)

// Window sizes for streaming. A match is reported by the window in whose
// report range its first byte falls; the overlap must hold the longest
// match plus the decoding segment after a base64 hit, and the lookback the
// context a match needs before it.
//
// A window is read to windowFill bytes. When it would end inside base64
// that is decoded only whole (endsInWholeBase64: an embedded container or
// base64 of UTF-16 text, in one run or wrapped in lines), its buffer grows
// to windowMax+windowOverlap and it is read on to that. Every page of a
// pooled buffer is touched by the first window that fills it, and a page
// fault costs more than matching the page: buffers stay at windowFill
// unless such base64 needs more.
const (
	windowSize     = 512 << 10
	windowOverlap  = 16 << 10
	windowLookback = 4 << 10
	windowFill     = windowSize + windowOverlap
	windowMax      = 1 << 20
)

var windows = freelist.New(16, func() *[]byte {
	b := make([]byte, windowFill)
	return &b
})

// lineCounter turns increasing stream offsets into 1-based lines and byte
// columns, counting newlines only once over the whole stream.
type lineCounter struct {
	counted int64 // stream offset up to which newlines are counted
	line    int   // 1-based line at offset counted
	lineAt  int64 // stream offset where that line starts
}

// advance counts the newlines in chunk, which starts at stream offset base
// and must reach from c.counted to upTo.
func (c *lineCounter) advance(chunk []byte, base, upTo int64) {
	if upTo <= c.counted {
		return
	}
	part := chunk[c.counted-base : upTo-base]
	if n := bytes.Count(part, []byte{'\n'}); n > 0 {
		c.line += n
		c.lineAt = c.counted + int64(bytes.LastIndexByte(part, '\n')) + 1
	}
	c.counted = upTo
}

// scanStream scans r in overlapping windows; memory stays at one window
// whatever the length of r or of its lines.
func (s *Scanner) scanStream(ctx context.Context, r io.Reader, encoding string, out *[]Match) (int64, error) {
	var (
		bp *[]byte
		n  int // valid bytes in buf
	)
	if pr, ok := r.(*prefixedReader); ok {
		// The caller owns the window and returns it to the pool.
		bp, n = pr.takeWindow()
	}
	if bp == nil {
		bp = windows.Get()
		defer windows.Put(bp)
	}
	buf := *bp
	kept := matchLists.Get()
	defer releaseMatches(kept)
	// Counted here and added once: a near-miss dense bundle holds
	// thousands, and the workers would contend for the Stats lock.
	placeholders := 0
	defer func() { s.stats.AddPlaceholders(placeholders) }()
	var (
		base       int64 // stream offset of buf[0]
		reportFrom int64 // matches starting before this were reported
		total      = int64(n)
		lines      = lineCounter{line: 1}
		line16     utf16Line
		pending    = (*kept)[:0]
		readErr    error
	)
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		m, err := readFull(r, buf[n:max(n, windowFill)])
		n += m
		total += int64(m)
		if err == nil && endsInWholeBase64(buf[:n]) {
			if len(buf) < windowMax+windowOverlap {
				// The pool keeps the grown buffer for the next window
				// that needs it.
				grown := make([]byte, windowMax+windowOverlap)
				copy(grown, buf[:n])
				buf, *bp = grown, grown
			}
			m, err = readFull(r, buf[n:])
			n += m
			total += int64(m)
		}
		// A read error (a truncated gzip stream reports
		// io.ErrUnexpectedEOF) ends the stream, but the bytes read before
		// it are scanned first and the error is returned afterwards.
		eof := err != nil
		if err != nil && !errors.Is(err, io.EOF) {
			readErr = fmt.Errorf("failed to read: %w", err)
		}
		limit := n
		if !eof {
			limit = n - windowOverlap
		}
		// Only the slots the last window used hold values to let go of.
		clear(pending)
		pending = pending[:0]
		window := buf[:n]
		matchWindow(window, 0, func(m rawMatch) { pending = append(pending, m) })
		*kept = pending
		slices.SortFunc(pending, func(a, b rawMatch) int { return a.start - b.start })
		for k, m := range pending {
			abs := base + int64(m.start)
			if abs < reportFrom || m.start >= limit {
				continue
			}
			if k > 0 && pending[k-1].start == m.start && pending[k-1].value == m.value {
				continue // found twice, e.g. through two keywords of one base64 blob
			}
			if m.placeholder {
				placeholders++
				continue
			}
			lines.advance(window, base, abs)
			col16 := 0
			if n, ok := line16.unitsTo(window, base, lines.lineAt, abs); ok {
				col16 = n + 1
			}
			*out = append(*out, Match{
				Kind: m.kind, Secret: NewSecret(m.value), UserID: m.userID, Key: m.key,
				Offset: abs, Line: lines.line, Column: int(abs-lines.lineAt) + 1, ColumnUTF16: col16,
				Encoding: joinEncoding(encoding, m.encoding), AllowMarker: allowedAt(window, m.start),
			})
		}
		if eof {
			return total, readErr
		}
		lines.advance(window, base, base+int64(limit))
		reportFrom = base + int64(limit)
		keep := max(0, limit-windowLookback)
		line16.slide(window, base, lines.lineAt, base+int64(keep))
		n = copy(buf, buf[keep:n])
		base += int64(keep)
	}
}

// maxUTF16Line bounds how far into a line that began before the window a
// UTF-16 column is still counted. Counting means reading the line's bytes
// once more; past this, in the megabyte lines of minified bundles, the
// column is left unknown.
const maxUTF16Line = 256 << 10

// utf16Line carries the UTF-16 length of the current line, from its start
// to stream offset off, across a window slide, so that a match on a line
// that began in an earlier window still gets its UTF-16 column.
type utf16Line struct {
	lineAt, off int64 // the line's start and the offset counted up to
	units       int
	ok          bool
}

// unitsTo returns the UTF-16 code units from lineAt, the start of the line
// holding stream offset abs, to abs; window holds the stream from base.
func (u *utf16Line) unitsTo(window []byte, base, lineAt, abs int64) (int, bool) {
	switch {
	case lineAt >= base:
		return utf16Units(window[lineAt-base : abs-base]), true
	case u.ok && u.lineAt == lineAt && u.off >= base && u.off <= abs:
		return u.units + utf16Units(window[u.off-base:abs-base]), true
	}
	return 0, false
}

// slide records, before the window moves to newBase, the units from the
// start of the line at lineAt to newBase, while the line runs on past
// newBase and is at most maxUTF16Line long there.
func (u *utf16Line) slide(window []byte, base, lineAt, newBase int64) {
	if lineAt >= newBase || newBase-lineAt > maxUTF16Line {
		*u = utf16Line{}
		return
	}
	n, ok := u.unitsTo(window, base, lineAt, newBase)
	*u = utf16Line{lineAt: lineAt, off: newBase, units: n, ok: ok}
}

// utf16Units returns how many UTF-16 code units the UTF-8 text b takes;
// each invalid byte counts as one, as its replacement character would.
func utf16Units(b []byte) int {
	n := 0
	for i := 0; i < len(b); {
		// Eight ASCII bytes at a time: the common case, even in text
		// that has some non-ASCII characters.
		if i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 == 0 {
			n += 8
			i += 8
			continue
		}
		if b[i] < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		n += utf16.RuneLen(r)
		i += size
	}
	return n
}

// readFull reads into p until it is full or r fails. Unlike io.ReadFull it
// returns r's own error as it is, so that io.ErrUnexpectedEOF from a
// truncated compressed stream is not mistaken for a short final window.
func readFull(r io.Reader, p []byte) (int, error) {
	n, empty := 0, 0
	for n < len(p) {
		m, err := r.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
		if m == 0 {
			if empty++; empty >= 100 {
				return n, io.ErrNoProgress
			}
		}
	}
	return n, nil
}

// scanBytes scans an in-memory item with the same rules as a stream.
func (s *Scanner) scanBytes(data []byte) []Match {
	var out []Match
	s.scanStream(context.Background(), bytes.NewReader(data), "", &out)
	return out
}

// sniffSize is how many leading bytes are examined to recognise archives
// (tar's magic sits at offset 257) and UTF-16 text.
const sniffSize = 512

var sniffers = freelist.New(32, func() *bufio.Reader { return bufio.NewReaderSize(nil, 64<<10) })

// newSniffer wraps r so its first bytes can be examined without losing them.
// Give the reader back with releaseSniffer once done with it and head.
func newSniffer(r io.Reader) (*bufio.Reader, []byte) {
	br := sniffers.Get()
	br.Reset(r)
	head, _ := br.Peek(sniffSize)
	return br, head
}

func releaseSniffer(br *bufio.Reader) {
	br.Reset(nil)
	sniffers.Put(br)
}

// endsInWholeBase64 reports whether window ends inside base64 that is
// decoded only whole: a run of at least minBlobRun characters, or a block
// of lines wrapped at one width, that opens like an embedded container
// (hasEmbeddedPrefix) or like base64 of UTF-16 text (utf16Blob) and began
// in this window. Other base64 is matched piece by piece, and a window's
// overlap is all it needs.
func endsInWholeBase64(window []byte) bool {
	start := b64RunStart(window, len(window), len(window))
	if len(window)-start >= minBlobRun {
		return start > 0 && decodedWhole(window[start:])
	}
	// A wrapped block: the last line, partial, follows whole lines of a
	// wrap width. Walk back to the block's first line.
	first := -1
	for line := start; ; {
		i := line
		for i > 0 && (window[i-1] == ' ' || window[i-1] == '\t') {
			i--
		}
		if i == 0 || window[i-1] != '\n' {
			break
		}
		end := i - 1
		if end > 0 && window[end-1] == '\r' {
			end--
		}
		s := b64RunStart(window, end, maxWrapWidth+1)
		if width := end - s; width < minWrapWidth || width > maxWrapWidth || width%4 != 0 {
			break
		}
		first, line = s, s
	}
	return first > 0 && decodedWhole(window[first:])
}

// b64RunStart returns where the run of base64 characters that ends at
// window[end] starts, looking back at most limit bytes.
func b64RunStart(window []byte, end, limit int) int {
	i, stop := end, max(0, end-limit)
	// Eight characters a test while the run goes on: a run can fill the
	// whole window.
	for i-8 >= stop && classes[window[i-1]]&classes[window[i-2]]&classes[window[i-3]]&classes[window[i-4]]&
		classes[window[i-5]]&classes[window[i-6]]&classes[window[i-7]]&classes[window[i-8]]&clsB64 != 0 {
		i -= 8
	}
	for i > stop && classes[window[i-1]]&clsB64 != 0 {
		i--
	}
	return i
}

// decodedWhole reports whether the base64 starting run is decoded whole
// rather than piece by piece: an embedded container, or UTF-16 text.
func decodedWhole(run []byte) bool {
	return hasEmbeddedPrefix(run) || utf16Blob(run)
}
