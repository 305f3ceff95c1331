package dir

import (
	"encoding/binary"
	"io/fs"
	"os"
	"syscall"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/freelist"
)

// openDirectory opens the directory at path for listing. On Linux it is
// read with getdents64 into a pooled buffer and its records parsed here:
// os.File.ReadDir costs an fcntl for the descriptor and an allocation per
// entry, and the walk, one goroutine beside the scanning ones, took 19 ms
// of CPU on the 2,500 files of the text-heavy bench tree.
func openDirectory(path string) (openDir, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		return rawDir{fd: fd, path: path}, nil
	}
}

// rawDir is a directory read through its descriptor.
type rawDir struct {
	fd   int
	path string
}

func (d rawDir) identify() (dirID, bool) {
	var st syscall.Stat_t
	if err := syscall.Fstat(d.fd, &st); err != nil {
		return dirID{}, false
	}
	return dirID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true
}

func (d rawDir) close() { syscall.Close(d.fd) }

var direntBufs = freelist.New(4, func() *[]byte {
	b := make([]byte, 32<<10)
	return &b
})

func (d rawDir) list() ([]dirEntry, error) {
	bp := direntBufs.Get()
	defer direntBufs.Put(bp)
	var out []dirEntry
	for {
		n, err := syscall.ReadDirent(d.fd, *bp)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return out, &os.PathError{Op: "readdirent", Path: d.path, Err: err}
		}
		if n <= 0 {
			return out, nil
		}
		out = d.parse((*bp)[:n], out)
	}
}

// Offsets in a linux_dirent64 record: d_ino (8 bytes), d_off (8),
// d_reclen (2), d_type (1), then the NUL-terminated name.
const (
	direntReclen = 16
	direntType   = 18
	direntName   = 19
)

// parse appends the entries of the getdents64 records in buf to out. A
// record that does not fit what is left of buf ends the parse: the kernel
// never returns one, and a bad length must not read past buf.
func (d rawDir) parse(buf []byte, out []dirEntry) []dirEntry {
	for len(buf) >= direntName {
		reclen := int(binary.NativeEndian.Uint16(buf[direntReclen:]))
		if reclen < direntName || reclen > len(buf) {
			break
		}
		rec := buf[:reclen]
		buf = buf[reclen:]
		name := rec[direntName:]
		for i, c := range name {
			if c == 0 {
				name = name[:i]
				break
			}
		}
		if binary.NativeEndian.Uint64(rec) == 0 || len(name) == 0 || string(name) == "." || string(name) == ".." {
			continue // an inode of 0 is a deleted entry
		}
		e := dirEntry{name: string(name)}
		switch rec[direntType] {
		case syscall.DT_REG:
		case syscall.DT_DIR:
			e.typ = fs.ModeDir
		case syscall.DT_LNK:
			e.typ = fs.ModeSymlink
		case syscall.DT_FIFO:
			e.typ = fs.ModeNamedPipe
		case syscall.DT_SOCK:
			e.typ = fs.ModeSocket
		case syscall.DT_CHR:
			e.typ = fs.ModeDevice | fs.ModeCharDevice
		case syscall.DT_BLK:
			e.typ = fs.ModeDevice
		default:
			// DT_UNKNOWN: a file system that does not fill d_type.
			e.typ = d.lstatType(e.name)
		}
		out = append(out, e)
	}
	return out
}

// lstatType returns the type bits of the entry name, not following a
// symlink; fs.ModeIrregular when it cannot be told.
func (d rawDir) lstatType(name string) fs.FileMode {
	fi, err := os.Lstat(d.path + "/" + name)
	if err != nil {
		return fs.ModeIrregular
	}
	return fi.Mode().Type()
}
