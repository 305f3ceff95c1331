//go:build !unix

package dir

import "os"

// openFile opens a file to scan.
func openFile(name string) (*os.File, error) { return os.Open(name) }
