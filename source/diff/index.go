package diff

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// gitIndex is what staged needs from .git/index: the entries, and the
// cache tree (the TREE extension) that says which directories still hash
// to a known tree. go-git's decoder drops invalidated cache-tree entries,
// which makes the rest unusable (their children cannot be placed), and
// decodes through reflection; this reader is a few times faster and keeps
// the cache tree, which lets staged skip every unchanged directory of HEAD.
type gitIndex struct {
	entries []indexEntry
	// trees maps a directory ("" for the root, else "a/b") to the tree id
	// the index would write for it, for the directories still valid.
	trees map[string]plumbing.Hash
}

type indexEntry struct {
	name        string
	mode        filemode.FileMode
	hash        plumbing.Hash
	stage       int
	intentToAdd bool
}

var errIndexFormat = errors.New("malformed index")

// parseIndex reads a git index file, versions 2 to 4, with SHA-1 object
// names. Unknown optional extensions are skipped; a split index (the
// "link" extension) is refused because its entries live in another file.
func parseIndex(data []byte) (*gitIndex, error) {
	const hashLen = 20
	if len(data) < 12+hashLen || string(data[:4]) != "DIRC" {
		return nil, fmt.Errorf("%w: no DIRC header", errIndexFormat)
	}
	version := binary.BigEndian.Uint32(data[4:8])
	if version < 2 || version > 4 {
		return nil, fmt.Errorf("%w: unsupported version %d", errIndexFormat, version)
	}
	count := binary.BigEndian.Uint32(data[8:12])
	body := data[:len(data)-hashLen] // the trailing checksum
	pos := 12
	idx := &gitIndex{trees: map[string]plumbing.Hash{}}
	if count > uint32(len(body)/62) {
		return nil, fmt.Errorf("%w: %d entries cannot fit in %d bytes", errIndexFormat, count, len(body))
	}
	idx.entries = make([]indexEntry, 0, count)
	var prev []byte
	for i := uint32(0); i < count; i++ {
		start := pos
		if pos+62 > len(body) {
			return nil, fmt.Errorf("%w: entry %d truncated", errIndexFormat, i)
		}
		var e indexEntry
		e.mode = filemode.FileMode(binary.BigEndian.Uint32(body[pos+24:]))
		copy(e.hash[:], body[pos+40:pos+60])
		flags := binary.BigEndian.Uint16(body[pos+60:])
		e.stage = int(flags>>12) & 3
		pos += 62
		if flags&0x4000 != 0 { // extended flags
			if version < 3 || pos+2 > len(body) {
				return nil, fmt.Errorf("%w: entry %d has bad extended flags", errIndexFormat, i)
			}
			e.intentToAdd = binary.BigEndian.Uint16(body[pos:])&0x2000 != 0
			pos += 2
		}
		var name []byte
		if version == 4 {
			strip, n := gitVarint(body[pos:])
			if n <= 0 || strip > uint64(len(prev)) {
				return nil, fmt.Errorf("%w: entry %d has a bad path prefix", errIndexFormat, i)
			}
			pos += n
			end := bytes.IndexByte(body[pos:], 0)
			if end < 0 {
				return nil, fmt.Errorf("%w: entry %d path not terminated", errIndexFormat, i)
			}
			name = append(append(make([]byte, 0, len(prev)-int(strip)+end), prev[:len(prev)-int(strip)]...), body[pos:pos+end]...)
			pos += end + 1
		} else {
			end := bytes.IndexByte(body[pos:], 0)
			if end < 0 {
				return nil, fmt.Errorf("%w: entry %d path not terminated", errIndexFormat, i)
			}
			name = body[pos : pos+end]
			// Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
			pos = start + ((pos + end - start + 8) &^ 7)
		}
		e.name = string(name)
		prev = name
		idx.entries = append(idx.entries, e)
	}
	if pos > len(body) {
		return nil, fmt.Errorf("%w: entries overrun the file", errIndexFormat)
	}
	for pos+8 <= len(body) {
		sig := string(body[pos : pos+4])
		size := int(binary.BigEndian.Uint32(body[pos+4:]))
		pos += 8
		if size < 0 || size > len(body)-pos {
			return nil, fmt.Errorf("%w: extension %q overruns the file", errIndexFormat, sig)
		}
		ext := body[pos : pos+size]
		pos += size
		switch {
		case sig == "TREE":
			if err := parseCacheTree(ext, idx.trees); err != nil {
				return nil, err
			}
		case sig == "link":
			return nil, fmt.Errorf("%w: split index (core.splitIndex) is not supported", errIndexFormat)
		case sig[0] >= 'A' && sig[0] <= 'Z':
			// An optional extension that staged does not need.
		default:
			return nil, fmt.Errorf("%w: required extension %q is not supported", errIndexFormat, sig)
		}
	}
	return idx, nil
}

// parseCacheTree reads the TREE extension: entries in pre-order, each
// "path\0count subtrees\n" followed by the tree id when count >= 0.
func parseCacheTree(data []byte, out map[string]plumbing.Hash) error {
	type frame struct {
		dir  string
		left int // subtrees still to read
	}
	var stack []frame
	first := true
	for len(data) > 0 {
		nul := bytes.IndexByte(data, 0)
		if nul < 0 {
			return fmt.Errorf("%w: cache tree path not terminated", errIndexFormat)
		}
		name := string(data[:nul])
		data = data[nul+1:]
		sp := bytes.IndexByte(data, ' ')
		nl := bytes.IndexByte(data, '\n')
		if sp < 0 || nl < sp {
			return fmt.Errorf("%w: bad cache tree counts", errIndexFormat)
		}
		count, err1 := strconv.Atoi(string(data[:sp]))
		subtrees, err2 := strconv.Atoi(string(data[sp+1 : nl]))
		if err1 != nil || err2 != nil || subtrees < 0 || subtrees > len(data) {
			return fmt.Errorf("%w: bad cache tree counts", errIndexFormat)
		}
		data = data[nl+1:]

		// Place the entry under its parent: the innermost directory that
		// still expects a subtree.
		for len(stack) > 0 && stack[len(stack)-1].left == 0 {
			stack = stack[:len(stack)-1]
		}
		var dir string
		switch {
		case first:
			dir, first = "", false
		case len(stack) == 0:
			return fmt.Errorf("%w: cache tree has more entries than subtrees", errIndexFormat)
		default:
			parent := &stack[len(stack)-1]
			parent.left--
			dir = name
			if parent.dir != "" {
				dir = parent.dir + "/" + name
			}
		}
		if count >= 0 {
			if len(data) < 20 {
				return fmt.Errorf("%w: cache tree id truncated", errIndexFormat)
			}
			var h plumbing.Hash
			copy(h[:], data[:20])
			data = data[20:]
			out[dir] = h
		}
		stack = append(stack, frame{dir: dir, left: subtrees})
	}
	return nil
}

// gitVarint decodes git's offset varint (varint.c), which differs from
// encoding/binary's: each continuation adds one before shifting. n is the
// number of bytes read, 0 when data ends first or the value overflows.
func gitVarint(data []byte) (v uint64, n int) {
	for i, c := range data {
		if i == 0 {
			v = uint64(c & 0x7f)
		} else {
			if v >= 1<<56 {
				return 0, 0
			}
			v = ((v + 1) << 7) | uint64(c&0x7f)
		}
		if c&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}
