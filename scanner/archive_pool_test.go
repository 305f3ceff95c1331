package scanner

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

func makeTarGz(t *testing.T, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	tw.Write([]byte(content))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return makeGzip(buf.Bytes())
}

// incompressible returns n random letters, so that compressed archives of
// it exceed the decompressors' input buffers.
func incompressible(n int) string {
	r := rand.New(rand.NewPCG(5, 6))
	b := make([]byte, n)
	for i := range b {
		b[i] = "abcdefghijklmnopqrstuvwxyz .;\n"[r.IntN(30)]
	}
	return string(b)
}

// TestPooledDecompressorsAcrossItems scans good, corrupt and truncated
// archives on many goroutines at once: decompressors and their buffers are
// pooled, and a reader reused after an error must not leak state (bytes,
// errors, names) into the next archive.
func TestPooledDecompressorsAcrossItems(t *testing.T) {
	t.Parallel()
	filler := incompressible(300 << 10)
	good := makeGzip([]byte(filler + "\nCLICKUP_API_TOKEN=" + testToken + "\n"))
	zipped := makeZip(t, "a/filler.txt", filler, "a/.env", "CLICKUP_API_TOKEN="+testToken+"\n")
	tgz := makeTarGz(t, "pkg/config.js", filler+"\nconst t = '"+testToken+"';\n")
	// A truncated stream ends the member with an error; the part read
	// before the cut is scanned.
	truncated := good[:len(good)/2]
	corruptZip := bytes.Clone(zipped)
	for i := 200; i < 4000; i++ {
		corruptZip[i] ^= 0x5a
	}
	items := []struct {
		name      string
		data      []byte
		wantInner string // "" = no match expected
		wantErrs  bool
	}{
		{"bundle.js.gz", good, "bundle.js", false},
		{"bundle.zip", zipped, "a/.env", false},
		{"pkg.tgz", tgz, "pkg/config.js", false},
		{"cut.js.gz", truncated, "", true},
		{"bad.zip", corruptZip, "a/.env", true},
	}
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 12 {
				tt := items[(g+k)%len(items)]
				stats := &Stats{}
				ms, err := New(Options{}, stats).Scan(context.Background(), tt.name, bytes.NewReader(tt.data))
				snap := stats.Snapshot()
				if err != nil {
					t.Errorf("%s: %v", tt.name, err)
					return
				}
				if tt.wantInner == "" && len(ms) != 0 {
					t.Errorf("%s: want no match, got %s", tt.name, describe(ms, snap))
				}
				if tt.wantInner != "" && (len(ms) != 1 || ms[0].InnerPath != tt.wantInner || ms[0].Secret.Reveal() != testToken) {
					t.Errorf("%s: want one match in %s, got %s", tt.name, tt.wantInner, describe(ms, snap))
				}
				if got := snap.ErrorCount+snap.Skipped > 0; got != tt.wantErrs {
					t.Errorf("%s: errors recorded = %v, want %v (%v)", tt.name, got, tt.wantErrs, snap.Errors)
				}
			}
		}()
	}
	wg.Wait()
}

// TestGzipFileBombAndBuffering reads .gz files from disk, the way dir does
// (through io.ReaderAt; one read whole with the first window, one larger
// through a buffered reader): a token past the input buffer is found at the
// right line, and the ratio limit still cuts a bomb.
func TestGzipFileBombAndBuffering(t *testing.T) {
	t.Parallel()
	filler := incompressible(400 << 10)
	longer := incompressible(2 * (windowSize + windowOverlap))
	tests := []struct {
		name     string
		data     []byte
		wantLine int // 0 = no match expected
		wantErr  error
	}{
		{"big.js.gz", makeGzip([]byte(filler + "\nx = '" + testToken + "'\n")), strings.Count(filler, "\n") + 2, nil},
		{"longer than a window.js.gz", makeGzip([]byte(longer + "\nx = '" + testToken + "'\n")), strings.Count(longer, "\n") + 2, nil},
		{"bomb.txt.gz", makeGzip(append(bytes.Repeat([]byte{0}, 64<<20), "\nt="+testToken...)), 0, ErrArchiveBomb},
	}
	if n := len(tests[1].data); n <= windowSize+windowOverlap {
		t.Fatalf("the longer .gz file is %d bytes: it fits the first window", n)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ms, snap := scanFile(t, tt.name, tt.data)
			switch {
			case tt.wantLine == 0 && len(ms) != 0:
				t.Errorf("want no match, got %s", describe(ms, snap))
			case tt.wantLine != 0 && (len(ms) != 1 || ms[0].Line != tt.wantLine):
				t.Errorf("want one match at line %d, got %s", tt.wantLine, describe(ms, snap))
			}
			if tt.wantErr != nil && !strings.Contains(fmt.Sprint(snap.Errors), tt.wantErr.Error()) {
				t.Errorf("want %v recorded, got %v", tt.wantErr, snap.Errors)
			}
		})
	}
}

// TestInMemoryZipMembers checks which zip member sections reach the
// decompressor as bytes: an unread section of a memAt, clamped to the
// memory when a damaged archive's sizes point past its end; never a
// section of a file, nor one already read from.
func TestInMemoryZipMembers(t *testing.T) {
	t.Parallel()
	mem := memAt("0123456789")
	read := io.NewSectionReader(mem, 2, 5)
	read.Read(make([]byte, 1))
	tests := []struct {
		name   string
		r      io.Reader
		want   string
		wantOK bool
	}{
		{"inside", io.NewSectionReader(mem, 2, 5), "23456", true},
		{"past the end", io.NewSectionReader(mem, 7, 100), "789", true},
		{"starting past the end", io.NewSectionReader(mem, 50, 10), "", true},
		{"partly read", read, "", false},
		{"over another ReaderAt", io.NewSectionReader(strings.NewReader("0123456789"), 2, 5), "", false},
		{"not a section", bytes.NewReader([]byte(mem)), "", false},
	}
	for _, tt := range tests {
		br, ok := inMemory(tt.r)
		if ok != tt.wantOK {
			t.Errorf("%s: inMemory ok = %v, want %v", tt.name, ok, tt.wantOK)
			continue
		}
		if ok {
			if got, _ := io.ReadAll(br); string(got) != tt.want {
				t.Errorf("%s: bytes %q, want %q", tt.name, got, tt.want)
			}
		}
	}
}

// TestZipFileHeldWholeAndNot scans a zip small enough to be read whole
// with the first window and one larger, read in place: the deflated
// member's token is found in both.
func TestZipFileHeldWholeAndNot(t *testing.T) {
	t.Parallel()
	for _, size := range []int{10 << 10, 2 * (windowSize + windowOverlap)} {
		data := makeZip(t, "app.js", incompressible(size)+"\nx = '"+testToken+"'\n")
		if size > windowSize && len(data) <= windowSize+windowOverlap {
			t.Fatalf("the larger zip is %d bytes: it fits the first window", len(data))
		}
		ms, snap := scanFile(t, "bundle.zip", data)
		if len(ms) != 1 || ms[0].InnerPath != "app.js" || ms[0].Line != strings.Count(incompressible(size), "\n")+2 {
			t.Errorf("zip of %d bytes: want the token once in app.js, got %s", len(data), describe(ms, snap))
		}
	}
}
