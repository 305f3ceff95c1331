//go:build !linux

package scanner

import "time"

// threadClock reports false: the thread CPU clock is read on Linux only.
func threadClock() (time.Duration, bool) { return 0, false }
