//go:build !linux

package dir

// openScanned opens a file to scan.
func openScanned(name string) (scannedFile, error) { return openFile(name) }
