package scanner

import (
	"syscall"
	"time"
	"unsafe"
)

// threadClock returns the calling thread's CPU time from
// CLOCK_THREAD_CPUTIME_ID, which counts nanoseconds where getrusage's
// split into user and system time is adjusted after the fact.
func threadClock() (time.Duration, bool) {
	var ts syscall.Timespec
	const clockThreadCPUTimeID = 3
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
