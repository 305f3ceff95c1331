package dir

import (
	"io/fs"
	"os"
)

// dirEntry is one entry of a listed directory: its name and its type bits
// (fs.ModeDir, fs.ModeSymlink...; zero for a regular file).
type dirEntry struct {
	name string
	typ  fs.FileMode
}

// openDir is a directory open for listing.
type openDir interface {
	// identify returns the directory's identity, against symlink loops;
	// false when it cannot be known.
	identify() (dirID, bool)
	// list returns the entries, without "." and "..", in no order; on an
	// error, those read before it.
	list() ([]dirEntry, error)
	close()
}

// osDir lists a directory through os.File.
type osDir struct {
	f    *os.File
	path string
}

func (d osDir) identify() (dirID, bool) { return identify(d.f, d.path) }

func (d osDir) list() ([]dirEntry, error) {
	entries, err := d.f.ReadDir(-1)
	out := make([]dirEntry, len(entries))
	for i, e := range entries {
		out[i] = dirEntry{name: e.Name(), typ: e.Type()}
	}
	return out, err
}

func (d osDir) close() { d.f.Close() }
