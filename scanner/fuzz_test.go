package scanner

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"
	"unicode/utf8"
)

// checkMatches asserts the invariants every match must keep: in bounds,
// line and column consistent with the offset, and never printable raw.
func checkMatches(t *testing.T, data []byte, ms []Match) {
	t.Helper()
	for _, m := range ms {
		if m.Offset < 0 || m.Offset > int64(len(data)) && m.Encoding == "" {
			t.Fatalf("offset %d out of bounds (len %d)", m.Offset, len(data))
		}
		if m.Line < 1 || m.Column < 1 {
			t.Fatalf("line %d column %d not 1-based", m.Line, m.Column)
		}
		raw := m.Secret.Reveal()
		if d := describe([]Match{m}, StatsSnapshot{}); strings.Contains(d, raw) {
			t.Fatalf("rendered match holds the raw secret (%v)", m.Secret)
		}
		if m.Encoding == "" && !bytes.HasPrefix(data[m.Offset:], []byte(raw)) {
			t.Fatalf("plain match %v not at its offset %d", m.Secret, m.Offset)
		}
		if m.Encoding == "" {
			lineStart := bytes.LastIndexByte(data[:m.Offset], '\n') + 1
			if want := bytes.Count(data[:m.Offset], []byte{'\n'}) + 1; m.Line != want || m.Column != int(m.Offset)-lineStart+1 {
				t.Fatalf("match at %d: line %d col %d, want line %d col %d", m.Offset, m.Line, m.Column, want, int(m.Offset)-lineStart+1)
			}
			// Counted independently: every invalid byte becomes one U+FFFD.
			if want := len(utf16.Encode([]rune(string(data[lineStart:m.Offset])))) + 1; m.ColumnUTF16 != 0 && m.ColumnUTF16 != want {
				t.Fatalf("match at %d: UTF-16 column %d, want %d", m.Offset, m.ColumnUTF16, want)
			}
		}
	}
}

func FuzzScan(f *testing.F) {
	f.Add([]byte("const a = 1;\n"), uint16(5))
	f.Add([]byte("pk_live_abc pk_users_id pk.eyJ"), uint16(0))
	f.Add([]byte("\\u005f%5F"), uint16(3))
	f.Add([]byte("CLICKUP_CLIENT_SECRET="), uint16(22))
	f.Fuzz(func(t *testing.T, data []byte, at uint16) {
		ms, _ := scanString(t, "fuzz", data)
		checkMatches(t, data, ms)

		// The same bytes with a token planted between separators must
		// yield that token, unless the bytes as a whole are an archive or
		// UTF-16 (they are then decoded, not scanned as they are).
		pos := int(at) % (len(data) + 1)
		planted := make([]byte, 0, len(data)+len(testToken)+2)
		planted = append(planted, data[:pos]...)
		planted = append(planted, '\n')
		planted = append(planted, testToken...)
		planted = append(planted, '\n')
		planted = append(planted, data[pos:]...)
		head := planted[:min(len(planted), sniffSize)]
		ms, _ = scanString(t, "fuzz", planted)
		checkMatches(t, planted, ms)
		if o, _ := sniffUTF16(head); o != 0 || sniffArchive(head) != notArchive {
			return
		}
		for _, m := range ms {
			if m.Secret.Reveal() == testToken && m.Offset == int64(pos+1) {
				return
			}
		}
		t.Fatalf("planted token at %d not found", pos+1)
	})
}

func FuzzJSONUnescape(f *testing.F) {
	f.Add([]byte(`pk\u005f7043602\u005fQ8ZK`))
	f.Add([]byte(`\\u005f\x5f\/\n\u12`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := jsonUnescape(data)
		if len(out) > len(data) {
			t.Fatalf("unescaping grew the input: %d > %d", len(out), len(data))
		}
		if bytes.IndexByte(data, '\\') < 0 && !bytes.Equal(out, data) {
			t.Fatalf("text without escapes changed")
		}
	})
}

func FuzzURLDecode(f *testing.F) {
	f.Add([]byte("pk%5F7043602%255F%zz%"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := urlDecode(data)
		if len(out) > len(data) {
			t.Fatalf("decoding grew the input")
		}
		if bytes.IndexByte(data, '%') < 0 && !bytes.Equal(out, data) {
			t.Fatalf("text without escapes changed")
		}
	})
}

func FuzzBase64Blob(f *testing.F) {
	f.Add([]byte("CLICKUP_API_TOKEN="), []byte("x: "), false)
	f.Add([]byte("a "), []byte(""), true)
	f.Fuzz(func(t *testing.T, prefix, around []byte, urlSafe bool) {
		prefix = bytes.Map(func(r rune) rune {
			if r < 0x80 && is(byte(r), clsWord) {
				return ' ' // keep a boundary before the token
			}
			return r
		}, prefix)
		if len(prefix) > 0 && !utf8.Valid(prefix) {
			return
		}
		plain := append(append(append([]byte{}, prefix...), ' '), testToken...)
		plain = append(plain, '\n')
		enc := base64.StdEncoding
		if urlSafe {
			enc = base64.URLEncoding
		}
		blob := enc.EncodeToString(plain)
		data := append(append(append([]byte{}, around...), ' '), blob...)
		data = append(data, ' ')
		var found bool
		matchBase64Blobs(data, 0, func(m rawMatch) {
			if m.start < 0 || m.start >= len(data) {
				t.Fatalf("match start %d out of bounds", m.start)
			}
			found = found || m.value == testToken
		})
		if len(prefix) < blobSegment/2 && !found {
			t.Fatalf("token in base64 blob not found")
		}
	})
}

func FuzzUTF16Reader(f *testing.F) {
	f.Add([]byte{0xFF, 0xFE, 'p', 0, 'k', 0, 0x3D, 0xD8, 0x00, 0xDE}, true)
	f.Add([]byte{0xD8, 0x00, 0x00}, false)
	f.Fuzz(func(t *testing.T, data []byte, little bool) {
		order := bigEndian
		if little {
			order = littleEndian
		}
		whole, err := io.ReadAll(newUTF16Reader(bytes.NewReader(data), order, 0))
		if err != nil {
			t.Fatal(err)
		}
		bytewise, err := io.ReadAll(newUTF16Reader(iotest.OneByteReader(bytes.NewReader(data)), order, 0))
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(whole) {
			t.Fatalf("output is not valid UTF-8")
		}
		if !bytes.Equal(whole, bytewise) {
			t.Fatalf("output depends on read sizes")
		}
	})
}

func FuzzArchive(f *testing.F) {
	f.Add([]byte("PK\x03\x04"))
	f.Add(makeGzip([]byte("t=" + testToken)))
	f.Add(append(make([]byte, 257), []byte("ustar\x0000")...))
	f.Fuzz(func(t *testing.T, data []byte) {
		stats := &Stats{}
		ms, err := New(Options{MaxArchiveBytes: 1 << 20}, stats).Scan(context.Background(), "fuzz.zip", bytes.NewReader(data))
		if err != nil {
			t.Fatalf("a hostile archive must not fail the scan: %v", err)
		}
		for _, m := range ms {
			if m.Line < 1 || m.Column < 1 {
				t.Fatalf("bad position %d:%d", m.Line, m.Column)
			}
		}
	})
}
