package scanner

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"strings"
	"testing"
)

const testToken = "pk_7043602_Q8ZK3M1TR7WX9B2NV4HJ6LD0PC5YG8VY"

func makeZip(t *testing.T, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func makeGzip(data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	return buf.Bytes()
}

func TestArchivesNestedAndBounded(t *testing.T) {
	t.Parallel()
	level3 := makeZip(t, "deep/.env", "CLICKUP_API_TOKEN="+testToken+"\n")
	level2 := makeZip(t, "l3.jar", string(level3))
	level1 := makeZip(t, "l2.zip", string(level2))
	tooDeep := makeZip(t, "l1.zip", string(level1))
	tests := []struct {
		name      string
		data      []byte
		opts      Options
		wantInner string // "" = no match expected
		wantErr   error
	}{
		{"zip", makeZip(t, "config/.env", "X="+testToken), Options{}, "config/.env", nil},
		{"three levels", level1, Options{}, "l2.zip!/l3.jar!/deep/.env", nil},
		{"four levels, depth 3", tooDeep, Options{MaxArchiveDepth: 3}, "", ErrArchiveDepth},
		{"gzip", makeGzip([]byte("t=" + testToken)), Options{}, "x", nil},
		{"zip in gzip", makeGzip(makeZip(t, "a.txt", "t="+testToken)), Options{}, "x!/a.txt", nil},
		{"limit", makeZip(t, "big.txt", strings.Repeat("filler ", 4096), "later.txt", "t="+testToken), Options{MaxArchiveBytes: 1000}, "", ErrArchiveLimit},
		{"bomb then token", makeZip(t, "bomb.txt", strings.Repeat("\x00", 16<<20), "later.txt", "t="+testToken), Options{}, "later.txt", ErrArchiveBomb},
		{"corrupt zip", append([]byte("PK\x03\x04garbage t="), testToken...), Options{}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stats := &Stats{}
			ms, err := New(tt.opts, stats).Scan(context.Background(), "x", bytes.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			snap := stats.Snapshot()
			if tt.name == "corrupt zip" {
				if len(ms) != 1 || snap.ErrorCount != 1 {
					t.Fatalf("a corrupt zip must be scanned as bytes and counted: %d matches, %d errors", len(ms), snap.ErrorCount)
				}
				return
			}
			if tt.wantInner == "" && len(ms) != 0 {
				t.Errorf("want no match, got %d", len(ms))
			}
			if tt.wantInner != "" && (len(ms) != 1 || ms[0].InnerPath != tt.wantInner) {
				t.Errorf("want one match in %q, got %s", tt.wantInner, describe(ms, snap))
			}
			if tt.wantErr != nil && !strings.Contains(strings.Join(snap.Errors, "\n"), tt.wantErr.Error()) {
				t.Errorf("want %v recorded, got %v", tt.wantErr, snap.Errors)
			}
			if errors.Is(tt.wantErr, ErrArchiveBomb) && snap.Skipped == 0 {
				t.Errorf("a member cut short must count as skipped")
			}
		})
	}
}

func TestZipFileReadInPlace(t *testing.T) {
	t.Parallel()
	ms, stats := scanFile(t, "app.whl", makeZip(t, "pkg/settings.py", "CLICKUP_TOKEN = '"+testToken+"'\n"))
	if len(ms) != 1 || ms[0].InnerPath != "pkg/settings.py" || ms[0].Line != 1 || ms[0].Column != 18 {
		t.Fatalf("want the wheel member found at 1:18, got %s", describe(ms, stats))
	}
}

func TestByteOrderMarkOnBinaryIsScannedAsBytes(t *testing.T) {
	t.Parallel()
	data := append([]byte{0xFF, 0xFE}, []byte(strings.Repeat("binary header ", 8)+"t="+testToken+"\n")...)
	ms, stats := scanString(t, "blob.bin", data)
	if len(ms) != 1 || ms[0].Encoding != "" {
		t.Fatalf("want the ASCII token found in a file that merely starts with FF FE, got %s", describe(ms, stats))
	}
}
