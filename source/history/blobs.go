package history

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// blobItem is one object to read: an entry of a pack, or a loose object.
// One is listed for every object of the repository, so it is 12 bytes and
// holds no pointer: the collector, which runs several times a second near
// the scan's memory limit, need not scan the lists at each cycle. The
// object's id is its pack entry's, or for a loose object kept in
// objectDB.looseIDs: use objectDB.hashOf.
type blobItem struct {
	// pack is the index of the object's pack in objectDB.packs, or -1
	// for a loose object.
	pack int32
	// i is the object's entry in its pack, or its index in
	// objectDB.looseIDs.
	i   int32
	typ plumbing.ObjectType
}

// objects is the repository's objects by type, each listed once.
type objects struct {
	blobs, trees, commits, tags []blobItem
	// unreadable are objects the store has but whose type could not be
	// read; each was counted as an error when enumerated.
	unreadable []plumbing.Hash
}

// add lists it under its type; false for a type that is none of the four.
func (o *objects) add(it blobItem) bool {
	switch it.typ {
	case plumbing.BlobObject:
		o.blobs = append(o.blobs, it)
	case plumbing.CommitObject:
		o.commits = append(o.commits, it)
	case plumbing.TagObject:
		o.tags = append(o.tags, it)
	case plumbing.TreeObject:
		o.trees = append(o.trees, it)
	default:
		return false
	}
	return true
}

// enumerate lists every object of the repository once: blobs to scan,
// plus the commits and annotated tags (for --all-objects). Objects in
// several packs, or both packed and loose, are listed once.
func (db *objectDB) enumerate(stats *scanner.Stats) (o objects) {
	// Hashes are unique within a pack: only objects also in an earlier
	// pack (found through its index, no map of every object) are skipped.
	inEarlier := func(k int, h plumbing.Hash) bool {
		for _, q := range db.packs[:k] {
			if q.findHash(h) >= 0 {
				return true
			}
		}
		return false
	}
	for k, p := range db.packs {
		for i := range p.entries {
			e := &p.entries[i]
			if k > 0 && inEarlier(k, e.hash) {
				continue
			}
			t := db.entryType(p, i)
			it := blobItem{pack: int32(k), i: int32(i), typ: t}
			if !o.add(it) {
				o.unreadable = append(o.unreadable, e.hash)
				stats.Error("object "+e.hash.String(), fmt.Errorf("pack-%s: %w: unreadable header or delta chain", p.id, errCorrupt))
			}
		}
	}
	seen := map[plumbing.Hash]struct{}{}
	err := db.dg.ForEachObjectHash(func(h plumbing.Hash) error {
		if _, dup := seen[h]; dup {
			return nil
		}
		seen[h] = struct{}{}
		if p, _ := db.lookup(h); p != nil {
			return nil // packed too
		}
		t, _, err := db.looseHeader(h)
		if err != nil {
			o.unreadable = append(o.unreadable, h)
			stats.Error("object "+h.String(), err)
			return nil
		}
		it := db.looseItem(h)
		it.typ = t
		o.add(it)
		return nil
	})
	if err != nil {
		stats.Error("loose objects", err)
	}
	return o
}

// item returns the blobItem for h, found in a pack or the loose store.
func (db *objectDB) item(h plumbing.Hash) blobItem {
	if k, i := db.find(h); k >= 0 {
		return blobItem{pack: int32(k), i: int32(i)}
	}
	return db.looseItem(h)
}

// looseItem returns a blobItem for the loose object h.
func (db *objectDB) looseItem(h plumbing.Hash) blobItem {
	db.looseMu.Lock()
	defer db.looseMu.Unlock()
	db.looseIDs = append(db.looseIDs, h)
	return blobItem{pack: -1, i: int32(len(db.looseIDs) - 1)}
}

// packOf returns the pack of it, or nil for a loose object.
func (db *objectDB) packOf(it blobItem) *pack {
	if it.pack < 0 {
		return nil
	}
	return db.packs[it.pack]
}

// hashOf returns the id of it.
func (db *objectDB) hashOf(it blobItem) plumbing.Hash {
	if it.pack >= 0 {
		return db.packs[it.pack].entries[it.i].hash
	}
	db.looseMu.Lock()
	defer db.looseMu.Unlock()
	return db.looseIDs[it.i]
}

// scanBlobs scans items on all cores and calls found for every blob that
// matched.
func (db *objectDB) scanBlobs(ctx context.Context, sc *scanner.Scanner, items []blobItem, found func(plumbing.Hash, []scanner.Match)) {
	parallel(ctx, items, func(it blobItem) {
		if ms := db.scanBlob(ctx, sc, it); len(ms) > 0 {
			found(db.hashOf(it), ms)
		}
	})
}

// parallel calls fn for every item on all cores, in order of the items
// (pack offset order), so that the workers move through a pack together and
// share the delta base cache.
func parallel(ctx context.Context, items []blobItem, fn func(blobItem)) {
	parallelIndexed(ctx, items, func(_ int, it blobItem) { fn(it) })
}

// parallelIndexed is parallel, with the index of each item in items.
func parallelIndexed(ctx context.Context, items []blobItem, fn func(int, blobItem)) {
	workers := runtime.GOMAXPROCS(0)
	const batch = 32
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				start := int(next.Add(batch)) - batch
				if start >= len(items) {
					return
				}
				for i := start; i < min(start+batch, len(items)); i++ {
					fn(i, items[i])
				}
			}
		}()
	}
	wg.Wait()
}

func (db *objectDB) scanBlob(ctx context.Context, sc *scanner.Scanner, it blobItem) []scanner.Match {
	h := db.hashOf(it)
	name := h.String()
	what := "blob " + name
	p := db.packOf(it)
	var r io.Reader
	switch {
	case p == nil:
		_, _, rc, err := db.openLoose(h)
		if err != nil {
			sc.Stats().Skip(what, err)
			return nil
		}
		defer rc.Close()
		r = rc
	default:
		e := &p.entries[it.i]
		if e.raw == plumbing.BlobObject && e.pending.Load() == 0 {
			// Plain blobs no delta needs are streamed straight into the
			// scanner: no allocation, and memory stays flat however large
			// the blob.
			rc, err := db.stream(p, int(it.i))
			if err != nil {
				sc.Stats().Skip(what, err)
				return nil
			}
			defer rc.Close()
			r = rc
			break
		}
		var ms []scanner.Match
		err := db.view(p, int(it.i), func(b []byte) {
			var err error
			if ms, err = sc.Scan(ctx, name, bytes.NewReader(b)); err != nil {
				sc.Stats().Error(what, err)
			}
		})
		if err != nil {
			sc.Stats().Skip(what, err)
		}
		return ms
	}
	ms, err := sc.Scan(ctx, name, r)
	if err != nil {
		sc.Stats().Error(what, err)
	}
	return ms
}

// view calls fn with the content of an item; fn must not keep it.
func (db *objectDB) viewItem(it blobItem, fn func([]byte)) error {
	if p := db.packOf(it); p != nil {
		return db.view(p, int(it.i), fn)
	}
	_, b, err := db.loose(db.hashOf(it))
	if err != nil {
		return err
	}
	fn(b)
	return nil
}
