package dir

import (
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// openScanned opens a file to scan. A regular file needs nothing of
// os.File but reads at an offset, so it is read through its descriptor:
// os.NewFile's fcntl, finalizer and poller bookkeeping cost about 2.4 µs
// a file, 6 ms of CPU on a build tree of 2,500 files.
func openScanned(name string) (scannedFile, error) {
	fd, err := openFD(name)
	if err != nil {
		return nil, err
	}
	return &rawFile{fd: fd, name: name}, nil
}

// rawFile is an open file read through its descriptor, as blocking system
// calls. Errors are *os.PathError, as os.File's are.
type rawFile struct {
	fd   int
	name string
}

func (f *rawFile) Read(p []byte) (int, error) {
	for {
		n, err := syscall.Read(f.fd, p)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return 0, &os.PathError{Op: "read", Path: f.name, Err: err}
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// ReadAt reads len(p) bytes at offset off unless the file ends first
// (io.EOF) or a read fails, like os.File.ReadAt.
func (f *rawFile) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		m, err := syscall.Pread(f.fd, p[n:], off+int64(n))
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return n, &os.PathError{Op: "read", Path: f.name, Err: err}
		case m == 0:
			return n, io.EOF
		}
		n += m
	}
	return n, nil
}

func (f *rawFile) Stat() (fs.FileInfo, error) {
	var st syscall.Stat_t
	for {
		err := syscall.Fstat(f.fd, &st)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "stat", Path: f.name, Err: err}
		}
		return rawFileInfo{name: f.name, st: st}, nil
	}
}

func (f *rawFile) Close() error {
	if err := syscall.Close(f.fd); err != nil {
		return &os.PathError{Op: "close", Path: f.name, Err: err}
	}
	return nil
}

// rawFileInfo is an fstat result as an fs.FileInfo. Only the type bits of
// the mode are kept: the scanner asks whether a file is regular.
type rawFileInfo struct {
	name string
	st   syscall.Stat_t
}

func (i rawFileInfo) Name() string { return i.name }
func (i rawFileInfo) Size() int64  { return i.st.Size }
func (i rawFileInfo) IsDir() bool  { return i.Mode().IsDir() }
func (i rawFileInfo) Sys() any     { return &i.st }

func (i rawFileInfo) ModTime() time.Time {
	sec, nsec := i.st.Mtim.Unix()
	return time.Unix(sec, nsec)
}

func (i rawFileInfo) Mode() fs.FileMode {
	perm := fs.FileMode(i.st.Mode & 0o777)
	switch i.st.Mode & syscall.S_IFMT {
	case syscall.S_IFREG:
		return perm
	case syscall.S_IFDIR:
		return perm | fs.ModeDir
	case syscall.S_IFLNK:
		return perm | fs.ModeSymlink
	case syscall.S_IFIFO:
		return perm | fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		return perm | fs.ModeSocket
	case syscall.S_IFCHR:
		return perm | fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		return perm | fs.ModeDevice
	}
	return perm | fs.ModeIrregular
}
