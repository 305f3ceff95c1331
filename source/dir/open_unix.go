//go:build unix

package dir

import (
	"os"
	"syscall"
)

// openFile opens a directory to list (off Linux, also a file to scan).
// os.Open offers every descriptor to the runtime poller, which on Linux
// costs four fcntl calls and a failing epoll_ctl per directory; os.NewFile
// on a descriptor from syscall.Open costs one fcntl. With thousands of
// directories in build output, and system calls that are expensive in
// VMs, the difference shows.
func openFile(name string) (*os.File, error) {
	fd, err := openFD(name)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), name), nil
}

// openFD opens name read-only, retrying when a signal interrupts the call.
func openFD(name string) (int, error) {
	for {
		fd, err := syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return -1, &os.PathError{Op: "open", Path: name, Err: err}
		}
		return fd, nil
	}
}

// dirID identifies a directory, so that one reached again through a
// symlink is not walked twice.
type dirID struct{ dev, ino uint64 }

// identify returns the identity of the open directory d: its device and
// inode from one fstat, where resolving its real path took an lstat per
// path component.
func identify(d *os.File, _ string) (dirID, bool) {
	fi, err := d.Stat()
	if err != nil {
		return dirID{}, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return dirID{}, false
	}
	return dirID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true
}
