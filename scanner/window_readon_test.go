package scanner

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestBase64BlobsReadOnPastTheWindow: a window is read to windowFill, and
// read on to windowMax when it would end inside base64 that is decoded only
// whole (an embedded container or UTF-16 text, in one run or wrapped), so
// that such a blob is decoded whole when it fits in windowMax from the
// window's start, as from a file as from a stream. The token sits at the
// end of the blob's content, which a blob cut at the window's end loses.
func TestBase64BlobsReadOnPastTheWindow(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		at      int // filler bytes before the blob's line
		blob    int // about this many base64 characters
		wrapped bool
		utf16   bool // base64 of UTF-16LE text, not of a gzip stream
	}{
		{"600 KB blob at the start", 0, 600 << 10, false, false},
		{"900 KB blob at the start", 0, 900 << 10, false, false},
		{"600 KB blob at 300 KB", 300 << 10, 600 << 10, false, false},
		{"540 KB blob starting near the report limit", 480 << 10, 540 << 10, false, false},
		{"700 KB blob wrapped at 76 columns, at 100 KB", 100 << 10, 700 << 10, true, false},
		{"700 KB of UTF-16 text at 200 KB", 200 << 10, 700 << 10, false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var encoded, want string
			if tt.utf16 {
				// Two bytes a letter, and base64 adds a third.
				payload := incompressible(tt.blob*3/8) + "\nCLICKUP_API_TOKEN=" + testToken + "\n"
				u := make([]byte, 0, 2*len(payload))
				for i := 0; i < len(payload); i++ {
					u = append(u, payload[i], 0)
				}
				encoded, want = base64.StdEncoding.EncodeToString(u), "utf-16"
			} else {
				// Letters from 30 symbols gzip to about 62%, and
				// base64 adds a third: 0.83 characters a letter.
				payload := incompressible(tt.blob*100/83) + "\nCLICKUP_API_TOKEN=" + testToken + "\n"
				encoded, want = base64.StdEncoding.EncodeToString(makeGzip([]byte(payload))), "gzip"
			}
			var doc strings.Builder
			doc.WriteString(strings.Repeat("a=1;\n", tt.at/5))
			if tt.wrapped {
				const width = 76
				doc.WriteString("bundle: |\n")
				for len(encoded) > width {
					doc.WriteString("  " + encoded[:width] + "\n")
					encoded = encoded[width:]
				}
				doc.WriteString("  " + encoded + "\n")
			} else {
				doc.WriteString("SECRET_BUNDLE=" + encoded + "\n")
			}
			doc.WriteString(strings.Repeat("b=2;\n", 40<<10))
			data := []byte(doc.String())
			fromFile, fileStats := scanFile(t, "values.yaml", data)
			fromStream, streamStats := scanString(t, "values.yaml", data)
			for _, got := range []struct {
				how   string
				ms    []Match
				stats StatsSnapshot
			}{{"file", fromFile, fileStats}, {"stream", fromStream, streamStats}} {
				if len(got.ms) != 1 || got.ms[0].Secret.Reveal() != testToken || !strings.Contains(got.ms[0].Encoding, want) {
					t.Errorf("from a %s: want the token inside the %s blob, got %s", got.how, want, RedactShapesString(describe(got.ms, got.stats)))
				}
			}
		})
	}
}

// TestEndsInWholeBase64 pins down when a window is read on: only inside
// base64 decoded whole that began in the window, never for other base64,
// which would touch a second half of the buffer for nothing.
func TestEndsInWholeBase64(t *testing.T) {
	t.Parallel()
	gz := base64.StdEncoding.EncodeToString(makeGzip([]byte(incompressible(4000))))
	plain := base64.StdEncoding.EncodeToString([]byte(incompressible(3000)))
	wrap := func(s string) string {
		var b strings.Builder
		for len(s) > 76 {
			b.WriteString("  " + s[:76] + "\n")
			s = s[76:]
		}
		return b.String() + "  " + s[:min(len(s), 30)]
	}
	for _, tt := range []struct {
		name   string
		window string
		want   bool
	}{
		{"text", "x := 1\n" + strings.Repeat("a=b;", 100), false},
		{"inside a gzip run", "v=" + gz[:2000], true},
		{"inside a short gzip run", "v=" + gz[:40], false},
		{"inside a plain base64 run", "v=" + plain[:2000], false},
		{"in a run that began before the window", gz[:2000], false},
		{"after a gzip run", "v=" + gz[:2000] + "\"\n", false},
		{"inside a wrapped gzip block", "data: |\n" + wrap(gz[:3000]), true},
		{"at a line break of a wrapped gzip block", "data: |\n" + wrap(gz[:3000])[:8*79], true},
		{"inside a wrapped plain block", "data: |\n" + wrap(plain[:3000]), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := endsInWholeBase64([]byte(tt.window)); got != tt.want {
				t.Errorf("endsInWholeBase64(%q...%q) = %v, want %v", tt.window[:min(20, len(tt.window))], tt.window[max(0, len(tt.window)-20):], got, tt.want)
			}
		})
	}
}
