//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package history

import "errors"

// mmapFile is not available here: packs are read with ReadAt.
func mmapFile(fd uintptr, size int64) ([]byte, func() error, error) {
	return nil, nil, errors.ErrUnsupported
}
