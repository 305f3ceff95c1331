//go:build linux || darwin || freebsd || netbsd || openbsd

package history

import "syscall"

// mmapFile maps a pack read-only: every object read is then a slice of the
// page cache, with no system call per object.
func mmapFile(fd uintptr, size int64) ([]byte, func() error, error) {
	if size <= 0 || int64(int(size)) != size {
		return nil, nil, syscall.EINVAL
	}
	b, err := syscall.Mmap(int(fd), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return b, func() error { return syscall.Munmap(b) }, nil
}
