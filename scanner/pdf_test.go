package scanner

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"strings"
	"testing"
)

// makePDF writes a small PDF whose objects hold the given content
// streams, each Flate-compressed unless its text starts with "raw:".
func makePDF(streams ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	for i, s := range streams {
		data, filter := []byte(s), " /Filter /FlateDecode"
		if raw, ok := strings.CutPrefix(s, "raw:"); ok {
			data, filter = []byte(raw), ""
		} else {
			var z bytes.Buffer
			w := zlib.NewWriter(&z)
			w.Write(data)
			w.Close()
			data = z.Bytes()
		}
		fmt.Fprintf(&b, "%d 0 obj\n<< /Length %d%s >>\nstream\r\n", i+4, len(data), filter)
		b.Write(data)
		b.WriteString("\r\nendstream\nendobj\n")
	}
	b.WriteString("trailer\n<< /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

func TestPDFFlateStreams(t *testing.T) {
	t.Parallel()
	content := "BT /F1 11 Tf 72 700 Td (API token: " + testToken + ") Tj ET\nBT (Stripe: " + vendorTwin + ") Tj ET\n"
	doc := makePDF("BT /F1 11 Tf (Invoice 2024-11) Tj ET", content, "raw:BT (Stripe: "+vendorTwin+") Tj ET")
	if bytes.Contains(doc, []byte(testToken)) {
		t.Fatal("the token must only be inside a compressed stream")
	}
	ms, stats := scanString(t, "invoice.pdf", doc)
	onlyPlanted(t, ms, stats, "obj 5 0")
	if ms[0].Line != 1 || ms[0].Column != 36 {
		t.Errorf("want 1:36 in the inflated stream, got %d:%d", ms[0].Line, ms[0].Column)
	}
}

func TestPDFBombAndBudget(t *testing.T) {
	t.Parallel()
	doc := makePDF(strings.Repeat("0 0 m ", 3<<20), "(t: "+testToken+") Tj")
	stats := &Stats{}
	ms, err := New(Options{}, stats).Scan(context.Background(), "report.pdf", bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	snap := stats.Snapshot()
	errs := strings.Join(snap.Errors, "\n")
	if snap.Skipped != 1 || !strings.Contains(errs, "report.pdf!/obj 4 0: "+ErrArchiveBomb.Error()) {
		t.Fatalf("want the bomb stream cut, counted and named, got %q", errs)
	}
	onlyPlanted(t, ms, snap, "obj 5 0")
}

// FuzzPDF scans hostile bytes behind a PDF header (no panic, no failed
// scan) and a PDF whose Flate stream holds the fuzzer's bytes and a
// planted token (the token must be found).
func FuzzPDF(f *testing.F) {
	f.Add([]byte("1 0 obj << /Filter /FlateDecode >> stream\nx\x9c endstream"))
	f.Add([]byte("stream\r\n"))
	f.Add([]byte("BT (x) Tj ET"))
	f.Fuzz(func(t *testing.T, data []byte) {
		stats := &Stats{}
		hostile := append([]byte("%PDF-1.4\n"), data...)
		if _, err := New(Options{MaxArchiveBytes: 1 << 20}, stats).Scan(context.Background(), "f.pdf", bytes.NewReader(hostile)); err != nil {
			t.Fatalf("a hostile PDF must not fail the scan: %v", err)
		}
		if len(data) > 4096 {
			return
		}
		plain := bytes.Map(func(r rune) rune {
			if r < 0x80 && is(byte(r), clsWord) {
				return r
			}
			return ' '
		}, data)
		ms, _ := scanString(t, "f.pdf", makePDF(string(plain)+" ("+testToken+") Tj"))
		for _, m := range ms {
			if m.Secret.Reveal() == testToken && m.InnerPath == "obj 4 0" {
				return
			}
		}
		t.Fatalf("token in a Flate stream not found")
	})
}

func TestPDFTooLargeIsScannedAsBytes(t *testing.T) {
	t.Parallel()
	padding := "raw:" + strings.Repeat("% filler line of an oversized document\n", maxPDFBytes/39+1)
	doc := makePDF(padding, "(t: "+testToken+") Tj", "raw:(clear: "+testToken+") Tj")
	ms, stats := scanString(t, "huge.pdf", doc)
	if stats.Skipped != 1 || !strings.Contains(strings.Join(stats.Errors, "\n"), "huge.pdf: "+errPDFTooLarge.Error()) {
		t.Fatalf("want the oversized PDF counted and named, got %v", stats.Errors)
	}
	if len(ms) != 1 || ms[0].InnerPath != "" {
		t.Fatalf("want the token stored in clear found as bytes (and the compressed one not), got %s", describe(ms, stats))
	}
}
