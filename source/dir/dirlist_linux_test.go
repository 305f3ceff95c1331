package dir

import (
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRawDirListsAsOSReadDir lists a directory holding every kind of entry
// through getdents64 and through os.ReadDir, and wants the same names and
// types, and the same identity as a stat of the directory.
func TestRawDirListsAsOSReadDir(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "app.js"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(root, "name with spaces ü.txt"), nil, 0o644)
	os.Mkdir(filepath.Join(root, "assets"), 0o755)
	os.Symlink("app.js", filepath.Join(root, "link.js"))
	if err := syscall.Mkfifo(filepath.Join(root, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 3000 { // more than one getdents64 call of 32 KiB
		os.WriteFile(filepath.Join(root, "f"+strings.Repeat("x", 20)+fmt.Sprint(i)), nil, 0o644)
	}
	d, err := openDirectory(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	got, err := d.list()
	if err != nil {
		t.Fatal(err)
	}
	ref, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var want []dirEntry
	for _, e := range ref {
		want = append(want, dirEntry{name: e.Name(), typ: e.Type()})
	}
	byName := func(a, b dirEntry) int { return strings.Compare(a.name, b.name) }
	slices.SortFunc(got, byName)
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(dirEntry{})); diff != "" {
		t.Errorf("entries differ from os.ReadDir (-want +got):\n%s", diff)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(root, &st); err != nil {
		t.Fatal(err)
	}
	if id, ok := d.identify(); !ok || id != (dirID{dev: uint64(st.Dev), ino: uint64(st.Ino)}) {
		t.Errorf("identify = %v, %v; stat gives dev %d ino %d", id, ok, st.Dev, st.Ino)
	}
}

// TestRawDirParseRecords feeds parse hand-made records: deleted entries,
// "." and "..", an unknown type (asked of lstat), and a record whose
// length would run past the buffer, which ends the parse.
func TestRawDirParseRecords(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, "sub"), 0o755)
	record := func(ino uint64, typ byte, name string) []byte {
		reclen := (direntName + len(name) + 1 + 7) / 8 * 8
		b := make([]byte, reclen)
		binary.NativeEndian.PutUint64(b, ino)
		binary.NativeEndian.PutUint16(b[direntReclen:], uint16(reclen))
		b[direntType] = typ
		copy(b[direntName:], name)
		return b
	}
	var buf []byte
	buf = append(buf, record(1, syscall.DT_DIR, ".")...)
	buf = append(buf, record(1, syscall.DT_DIR, "..")...)
	buf = append(buf, record(0, syscall.DT_REG, "deleted.js")...)
	buf = append(buf, record(7, syscall.DT_REG, "app.js")...)
	buf = append(buf, record(8, syscall.DT_UNKNOWN, "sub")...)
	buf = append(buf, record(9, syscall.DT_UNKNOWN, "gone")...)
	buf = append(buf, record(10, syscall.DT_LNK, "link")...)
	bad := record(11, syscall.DT_REG, "cut.js")
	binary.NativeEndian.PutUint16(bad[direntReclen:], 4096)
	buf = append(buf, bad...)
	got := rawDir{path: root}.parse(buf, nil)
	want := []dirEntry{{"app.js", 0}, {"sub", fs.ModeDir}, {"gone", fs.ModeIrregular}, {"link", fs.ModeSymlink}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(dirEntry{})); diff != "" {
		t.Errorf("parse (-want +got):\n%s", diff)
	}
}
