//go:build !unix

package dir

import (
	"os"
	"path/filepath"
)

// openFile opens a file to scan or a directory to list.
func openFile(name string) (*os.File, error) { return os.Open(name) }

// dirID identifies a directory by its real path, so that one reached again
// through a symlink is not walked twice.
type dirID struct{ real string }

func identify(_ *os.File, osPath string) (dirID, bool) {
	real, err := filepath.EvalSymlinks(osPath)
	return dirID{real: real}, err == nil
}
