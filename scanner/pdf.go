package scanner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	kflate "github.com/klauspost/compress/flate"
	kzlib "github.com/klauspost/compress/zlib"
)

// A report or invoice exported from a dashboard keeps its text in
// /FlateDecode streams. A PDF is scanned as bytes (for what is stored in
// clear) and each Flate stream is inflated, under the archive budget and
// ratio check, and scanned as a member named after its object ("obj 12 0").

// maxPDFBytes bounds how much of a PDF is held in memory to find its
// streams; a larger one is scanned as bytes only, and counted.
const maxPDFBytes = 16 << 20

var errPDFTooLarge = fmt.Errorf("PDF larger than %d MiB: scanned as bytes, its compressed streams were not", maxPDFBytes>>20)

func isPDF(head []byte) bool { return bytes.HasPrefix(head, []byte("%PDF-")) }

func (s *Scanner) scanPDF(ctx context.Context, it item, r io.Reader, head []byte, out *[]Match) error {
	var mem bytes.Buffer
	n, err := io.CopyN(&mem, r, maxPDFBytes+1)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("failed to read %s: %w", it.name, err)
	}
	if n > maxPDFBytes {
		s.stats.Skip(it.name, errPDFTooLarge)
		return s.scanLeaf(ctx, it, io.MultiReader(bytes.NewReader(mem.Bytes()), r), head, out)
	}
	doc := mem.Bytes()
	if err := s.scanLeaf(ctx, it, bytes.NewReader(doc), head, out); err != nil {
		return err
	}
	for _, st := range pdfFlateStreams(doc) {
		if err := ctx.Err(); err != nil {
			return err
		}
		m := it.member(st.name)
		if *it.budget <= 0 {
			s.stats.Skip(m.name, ErrArchiveLimit)
			return nil
		}
		data := doc[st.start:st.end]
		cr := &countingReader{r: bytes.NewReader(data)}
		var zr io.Reader
		if isZlibHeader(data) {
			z, err := kzlib.NewReader(cr)
			if err != nil {
				s.stats.Skip(m.name, fmt.Errorf("not a readable Flate stream: %w", err))
				continue
			}
			zr = z
		} else {
			zr = kflate.NewReader(cr) // some writers omit the zlib header
		}
		l := s.limit(m, zr, func() int64 { return cr.n })
		if err := s.finishMember(m, l, s.scanItem(ctx, m, l, -1, out)); err != nil {
			if ctx.Err() != nil {
				return err
			}
			// A corrupt stream ends the member; what came before is kept.
			s.stats.Error(m.name, err)
		}
	}
	return nil
}

// pdfStream is a Flate stream of a PDF: doc[start:end], in object name.
type pdfStream struct {
	name       string
	start, end int
}

// pdfFlateStreams finds the streams of doc whose dictionary names the
// FlateDecode filter (alone or first in a filter array). It reads the
// syntax loosely, as damaged and hand-made PDFs need: a stream runs from
// the line after "stream" to "endstream".
func pdfFlateStreams(doc []byte) []pdfStream {
	var out []pdfStream
	for i := 0; ; {
		k := bytes.Index(doc[i:], []byte("stream"))
		if k < 0 {
			return out
		}
		at := i + k
		i = at + len("stream")
		if at >= 3 && string(doc[at-3:at]) == "end" {
			continue
		}
		start := i
		switch {
		case bytes.HasPrefix(doc[start:], []byte("\r\n")):
			start += 2
		case bytes.HasPrefix(doc[start:], []byte("\n")), bytes.HasPrefix(doc[start:], []byte("\r")):
			start++
		default:
			continue
		}
		// The dictionary sits between the object header and "stream".
		objAt := bytes.LastIndex(doc[max(0, at-4096):at], []byte(" obj"))
		if objAt < 0 {
			continue
		}
		objAt += max(0, at-4096)
		dict := doc[objAt:at]
		if !pdfFlateFirst(dict) {
			continue
		}
		end := bytes.Index(doc[start:], []byte("endstream"))
		if end < 0 {
			end = len(doc) - start
		}
		out = append(out, pdfStream{name: pdfObjectName(doc, objAt), start: start, end: start + end})
		i = start + end
	}
}

// pdfFlateFirst reports whether the stream dictionary dict applies
// FlateDecode first (then the inflated bytes are what the next filter, if
// any, reads: still worth scanning for text).
func pdfFlateFirst(dict []byte) bool {
	f := bytes.Index(dict, []byte("/Filter"))
	if f < 0 {
		return false
	}
	rest := bytes.TrimLeft(dict[f+len("/Filter"):], " \t\r\n[")
	return bytes.HasPrefix(rest, []byte("/FlateDecode")) || bytes.HasPrefix(rest, []byte("/Fl ")) || bytes.HasPrefix(rest, []byte("/Fl/")) || bytes.HasPrefix(rest, []byte("/Fl]"))
}

// pdfObjectName returns "obj N G" for the object header ending at objAt
// (" obj"), or "stream at <offset>" when the numbers cannot be read.
func pdfObjectName(doc []byte, objAt int) string {
	fields := bytes.Fields(doc[max(0, objAt-24):objAt])
	if len(fields) >= 2 {
		n, err1 := strconv.Atoi(string(fields[len(fields)-2]))
		g, err2 := strconv.Atoi(string(fields[len(fields)-1]))
		if err1 == nil && err2 == nil {
			return fmt.Sprintf("obj %d %d", n, g)
		}
	}
	return fmt.Sprintf("stream at %d", objAt)
}
