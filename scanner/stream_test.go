package scanner

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadErrorScansWhatCameBefore checks that a stream that fails part way
// (a truncated .gz reports io.ErrUnexpectedEOF) is scanned up to the failure
// and that the failure is recorded, not mistaken for the end of the stream.
func TestReadErrorScansWhatCameBefore(t *testing.T) {
	t.Parallel()
	text := "a = 1\nCLICKUP_API_TOKEN=" + testToken + "\n" + strings.Repeat("filler\n", 100)
	gz := makeGzip([]byte(strings.Repeat("x", 64<<10) + "\n" + text + strings.Repeat("y", 2<<20)))
	tests := []struct {
		name      string
		r         io.Reader
		wantMatch bool
		wantErr   bool
	}{
		{"ErrUnexpectedEOF after the token", io.MultiReader(strings.NewReader(text), iotest.ErrReader(io.ErrUnexpectedEOF)), true, true},
		{"other error after the token", io.MultiReader(strings.NewReader(text), iotest.ErrReader(errors.New("disk on fire"))), true, true},
		{"clean end", strings.NewReader(text), true, false},
		{"truncated gzip", bytes.NewReader(gz[:len(gz)*3/4]), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stats := &Stats{}
			ms, err := New(Options{}, stats).Scan(context.Background(), "item.gz", tt.r)
			snap := stats.Snapshot()
			if got := len(ms) == 1 && ms[0].Secret.Reveal() == testToken; got != tt.wantMatch {
				t.Errorf("token found = %v, want %v (%s)", got, tt.wantMatch, describe(ms, snap))
			}
			// A top-level read error is returned; one inside an archive
			// is recorded in Stats and the scan goes on.
			if got := err != nil || snap.ErrorCount > 0; got != tt.wantErr {
				t.Errorf("error reported = %v (%v, %v), want %v", got, err, snap.Errors, tt.wantErr)
			}
		})
	}
}

// TestScanFileAroundPrefix scans files whose first window is read before
// the rest, and then scanned where it lies: a token before, across and
// after that boundary is found once, at its byte offset and 1-based line,
// and so is one in a small gzip file read whole in the prefix. Every byte
// is scanned.
func TestScanFileAroundPrefix(t *testing.T) {
	t.Parallel()
	const prefixSize = windowSize + windowOverlap
	line := "CLICKUP_API_TOKEN=" + testToken + "\n"
	at := func(off int) []byte {
		filler := bytes.Repeat([]byte("x"), 99)
		var b []byte
		for len(b)+100 <= off {
			b = append(append(b, filler...), '\n')
		}
		b = append(b, bytes.Repeat([]byte("y"), off-len(b))...)
		return append(append(b, line...), bytes.Repeat([]byte("z\n"), 70<<10)...)
	}
	tests := []struct {
		name     string
		data     []byte
		wantOff  int64 // byte offset of the token in the scanned text
		wantLine int
		// wantBytes is the length of the scanned text: the file's,
		// or what it inflates to.
		wantBytes int
	}{
		{"token in a small file", []byte(line), 18, 1, len(line)},
		{"token before the boundary", at(1000), 1000 + 18, 11, len(at(1000))},
		{"token across the boundary", at(prefixSize - 30), prefixSize - 30 + 18, (prefixSize-30)/100 + 1, len(at(prefixSize - 30))},
		{"token after the boundary", at(prefixSize + 500), prefixSize + 500 + 18, (prefixSize+500)/100 + 1, len(at(prefixSize + 500))},
		{"small gzip file", makeGzip([]byte(line)), 18, 1, len(line)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "item")
			if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			stats := &Stats{}
			ms, err := New(Options{}, stats).Scan(context.Background(), "item", f)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != 1 || ms[0].Secret.Reveal() != testToken || ms[0].Offset != tt.wantOff || ms[0].Line != tt.wantLine {
				t.Fatalf("want the token once at offset %d, line %d; got %s", tt.wantOff, tt.wantLine, describe(ms, stats.Snapshot()))
			}
			if got := stats.Snapshot().Bytes; got != int64(tt.wantBytes) {
				t.Errorf("scanned %d bytes, want %d", got, tt.wantBytes)
			}
		})
	}
}
