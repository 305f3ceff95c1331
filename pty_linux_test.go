//go:build linux

package main

import (
	"errors"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY opens a pseudo-terminal and returns its terminal side, to write
// to as a real terminal, and a function that returns what was written since
// the last call.
func openPTY(t *testing.T) (*os.File, func() string) {
	t.Helper()
	fd, err := syscall.Open("/dev/ptmx", syscall.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("no pseudo-terminal on this machine: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatalf("unlock pty: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatalf("pty number: %v", e)
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		t.Fatal(err)
	}
	master := os.NewFile(uintptr(fd), "/dev/ptmx")
	term, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { term.Close(); master.Close() })
	read := func() string {
		var out []byte
		buf := make([]byte, 4096)
		for {
			master.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
			k, err := master.Read(buf)
			out = append(out, buf[:k]...)
			if errors.Is(err, os.ErrDeadlineExceeded) || (err != nil && k == 0) {
				return string(out)
			}
		}
	}
	return term, read
}
