package history

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// FuzzParseTree feeds tree objects from a hostile repository to the tree
// parser: it must return an error, never panic or loop.
func FuzzParseTree(f *testing.F) {
	f.Add([]byte("100644 a.txt\x00" + string(make([]byte, 20))))
	f.Add([]byte("40000 dir\x00" + string(make([]byte, 20)) + "160000 sub\x00" + string(make([]byte, 20))))
	f.Add([]byte("100644 truncated\x00abc"))
	f.Add([]byte(" \x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := parseTree(b)
		if err == nil {
			n := 0
			for _, e := range entries {
				n += len(e.name) + 21
			}
			if n > len(b) {
				t.Fatalf("entries cover %d bytes of %d", n, len(b))
			}
		}
	})
}

// FuzzLoadState feeds state files to the loader: anything it accepts has
// the right format and version; nothing panics.
func FuzzLoadState(f *testing.F) {
	f.Add([]byte(`{"format":"clickup-secret-scan/history-state","version":1,"head":"","tips":{},"commits":[],"matched_blobs":[],"open":[]}`))
	f.Add([]byte(`{"format":"clickup-secret-scan/history-state","version":1,"open":[{"secret_id":"` + string(make([]byte, 64)) + `","object":"x","location":{}}]}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "s.json")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := loadState(p)
		if err == nil && (st == nil || st.Format != stateFormat || st.Version != stateVersion) {
			t.Fatalf("accepted a state of format %q", st.Format)
		}
	})
}

// FuzzApplyDelta feeds deltas from hostile packs to applyDelta: it must
// not panic, and where go-git's implementation accepts a delta both must
// agree.
func FuzzApplyDelta(f *testing.F) {
	base := []byte("hello, delta world\n")
	// src 19, dst 24: copy 0..19 from base, insert "again".
	f.Add(base, []byte{19, 24, 0x90, 19, 5, 'a', 'g', 'a', 'i', 'n'})
	f.Add(base, []byte{19, 5, 5, 'x', 'y', 'z', 'w', 'v'})
	f.Add(base, []byte{19, 200, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		got, err := applyDelta(base, delta, nil)
		want, werr := packfile.PatchDelta(base, delta)
		if err == nil && werr == nil && !bytes.Equal(got, want) {
			t.Fatalf("applyDelta = %q, go-git = %q", got, want)
		}
		if err == nil && werr != nil && len(base) > 0 {
			t.Fatalf("applyDelta accepted a delta go-git rejects: %v", werr)
		}
	})
}

// FuzzPackHeader feeds object headers from hostile packs to parseHeader:
// it must not panic, and a header it accepts has a known type and a
// consumed length within the input.
func FuzzPackHeader(f *testing.F) {
	f.Add([]byte{0x3b})                              // blob of 11 bytes
	f.Add([]byte{0xb5, 0x01})                        // blob of 21 bytes, two size bytes
	f.Add([]byte{0x65, 0x8b, 0x01})                  // OFS_DELTA with a two-byte offset
	f.Add(append([]byte{0x75}, make([]byte, 20)...)) // REF_DELTA
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}) // size overflows to negative
	f.Fuzz(func(t *testing.T, b []byte) {
		p := &pack{idx: idxfile.NewMemoryIndex(), entries: []packEntry{{offset: 0}, {offset: 1 << 20}}}
		e := &packEntry{offset: 1 << 20, base: -1}
		n, err := p.parseHeader(bytes.NewReader(b), 1, e)
		if n > int64(len(b)) {
			t.Fatalf("consumed %d of %d bytes", n, len(b))
		}
		if err == nil && (e.raw < plumbing.CommitObject || e.raw > plumbing.REFDeltaObject || e.raw == 5 || e.size < 0) {
			t.Fatalf("accepted type %v size %d", e.raw, e.size)
		}
	})
}

// FuzzReadCorruptPack damages a real pack (a line of commits whose files
// git stores as deltas) at the offsets the input names, then reads every object on
// all cores with a delta base cache and buffer pool small enough to evict
// and recycle all the time. Nothing may panic, a buffer may not be
// released twice (which panics), and the undamaged pack must read back
// every object as its id.
//
// The input is a list of 3-byte edits: a big-endian offset into the pack
// (modulo its size, past its 12-byte header) and a byte to XOR there.
func FuzzReadCorruptPack(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0x00, 0x20, 0xff})
	f.Add([]byte{0x01, 0x00, 0x80, 0x02, 0x00, 0x01})
	f.Add([]byte{0x10, 0x00, 0x7f, 0x20, 0x00, 0x7f, 0x30, 0x00, 0x7f})
	_, packPath := packedRepo(f, 25, 40)
	pristine, err := os.ReadFile(packPath)
	if err != nil {
		f.Fatal(err)
	}
	index, err := os.ReadFile(strings.TrimSuffix(packPath, ".pack") + ".idx")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, edits []byte) {
		pack := bytes.Clone(pristine)
		body := len(pack) - 12 - 20 // between the header and the trailer
		for len(edits) >= 3 {
			off := 12 + int(binary.BigEndian.Uint16(edits))%body
			pack[off] ^= edits[2]
			edits = edits[3:]
		}
		dir := t.TempDir()
		packDir := filepath.Join(dir, "objects", "pack")
		if err := os.MkdirAll(packDir, 0o755); err != nil {
			t.Fatal(err)
		}
		base := filepath.Join(packDir, filepath.Base(strings.TrimSuffix(packPath, ".pack")))
		if err := os.WriteFile(base+".pack", pack, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(base+".idx", index, 0o644); err != nil {
			t.Fatal(err)
		}
		db, errs := openObjectDB(dotgit.New(osfs.New(dir)))
		defer db.close()
		db.buffers = newBufferPool(64 << 10)
		db.cache = newLRU(64<<10, db.buffers)
		var items []blobItem
		for k, p := range db.packs {
			for i := range p.entries {
				items = append(items, blobItem{pack: int32(k), i: int32(i), typ: db.entryType(p, i)})
			}
		}
		var bad, failed atomic.Int64
		parallel(context.Background(), items, func(it blobItem) {
			err := db.viewItem(it, func(content []byte) {
				if plumbing.ComputeHash(it.typ, content) != db.hashOf(it) {
					bad.Add(1)
				}
			})
			if err != nil {
				failed.Add(1)
			}
		})
		if bytes.Equal(pack, pristine) && (len(errs) > 0 || len(items) == 0 || bad.Load() > 0 || failed.Load() > 0) {
			t.Fatalf("the undamaged pack: %v open errors, %d objects, %d read wrong, %d failed", errs, len(items), bad.Load(), failed.Load())
		}
	})
}
