//go:build unix

package action

import (
	"os"
	"syscall"
)

// ownLike gives paths the owner and group of ref when this process runs as
// root (a Docker action's container does, over a workspace the runner user
// owns). Failures are ignored: ownership only matters to later steps,
// which report their own errors.
func ownLike(ref string, paths ...string) {
	if os.Geteuid() != 0 {
		return
	}
	fi, err := os.Stat(ref)
	if err != nil {
		return
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	for _, p := range paths {
		_ = os.Lchown(p, int(st.Uid), int(st.Gid))
	}
}
