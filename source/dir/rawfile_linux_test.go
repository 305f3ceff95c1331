package dir

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestRawFileReadsAsOSFile compares rawFile with os.File on the calls the
// scanner makes: ReadAt at offsets inside, across and past the end, Read
// to the end, and Stat.
func TestRawFileReadsAsOSFile(t *testing.T) {
	t.Parallel()
	data := make([]byte, 100_000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	path := filepath.Join(t.TempDir(), "bundle.js")
	if err := os.WriteFile(path, data, 0o640); err != nil {
		t.Fatal(err)
	}
	raw, err := openScanned(path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ref, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()

	for _, tt := range []struct {
		name     string
		off, len int
	}{
		{"start", 0, 4096}, {"inside", 5000, 70_000}, {"across the end", 90_000, 20_000},
		{"exactly to the end", 60_000, 40_000}, {"past the end", 200_000, 10}, {"empty", 10, 0},
	} {
		got, want := make([]byte, tt.len), make([]byte, tt.len)
		gn, gerr := raw.ReadAt(got, int64(tt.off))
		wn, werr := ref.ReadAt(want, int64(tt.off))
		if gn != wn || !errors.Is(gerr, werr) && gerr != werr || string(got[:gn]) != string(want[:wn]) {
			t.Errorf("%s: ReadAt = %d, %v; os.File gives %d, %v", tt.name, gn, gerr, wn, werr)
		}
	}

	all, err := io.ReadAll(struct{ io.Reader }{raw})
	if err != nil || string(all) != string(data) {
		t.Errorf("Read to the end: %d bytes, %v; want %d bytes", len(all), err, len(data))
	}
	if n, err := raw.Read(make([]byte, 10)); n != 0 || err != io.EOF {
		t.Errorf("Read at the end = %d, %v; want 0, io.EOF", n, err)
	}

	fi, err := raw.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != int64(len(data)) || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o640 || fi.IsDir() {
		t.Errorf("Stat = size %d mode %v; want %d, a regular file -rw-r-----", fi.Size(), fi.Mode(), len(data))
	}
	refInfo, _ := ref.Stat()
	if !fi.ModTime().Equal(refInfo.ModTime()) {
		t.Errorf("ModTime = %v, os.File gives %v", fi.ModTime(), refInfo.ModTime())
	}
}

// TestRawFileErrorsNameThePath checks that a failing call reports the
// path, as os.File does, since the scan's skipped-file notes quote it.
func TestRawFileErrorsNameThePath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := openScanned(filepath.Join(dir, "missing.js")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("opening a missing file: %v, want fs.ErrNotExist", err)
	}
	// A directory opens, and reading it fails: EISDIR.
	f, err := openScanned(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = f.ReadAt(make([]byte, 10), 0)
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != dir || pe.Op != "read" {
		t.Errorf("ReadAt on a directory: %v, want a read *fs.PathError naming %s", err, dir)
	}
	fi, err := f.Stat()
	if err != nil || !fi.IsDir() || fi.Mode().IsRegular() {
		t.Errorf("Stat of a directory: %v, %v; want a directory", fi, err)
	}
}
