//go:build !linux

package dir

// openDirectory opens the directory at path for listing.
func openDirectory(path string) (openDir, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	return osDir{f: f, path: path}, nil
}
