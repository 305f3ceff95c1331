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

// blobItem is one object to read: an entry of a pack (p != nil), or a
// loose object.
type blobItem struct {
	p    *pack
	i    int32
	hash plumbing.Hash
	typ  plumbing.ObjectType
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
			it := blobItem{p: p, i: int32(i), hash: e.hash, typ: t}
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
		o.add(blobItem{i: -1, hash: h, typ: t})
		return nil
	})
	if err != nil {
		stats.Error("loose objects", err)
	}
	return o
}

// item returns the blobItem for h, found in a pack or the loose store.
func (db *objectDB) item(h plumbing.Hash) blobItem {
	if p, i := db.lookup(h); p != nil {
		return blobItem{p: p, i: int32(i), hash: h}
	}
	return blobItem{i: -1, hash: h}
}

// scanBlobs scans items on all cores and calls found for every blob that
// matched.
func (db *objectDB) scanBlobs(ctx context.Context, sc *scanner.Scanner, items []blobItem, found func(plumbing.Hash, []scanner.Match)) {
	parallel(ctx, items, func(it blobItem) {
		if ms := db.scanBlob(ctx, sc, it); len(ms) > 0 {
			found(it.hash, ms)
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
	name := it.hash.String()
	what := "blob " + name
	var r io.Reader
	switch {
	case it.p == nil:
		_, _, rc, err := db.openLoose(it.hash)
		if err != nil {
			sc.Stats().Skip(what, err)
			return nil
		}
		defer rc.Close()
		r = rc
	default:
		e := &it.p.entries[it.i]
		if e.raw == plumbing.BlobObject && e.pending.Load() == 0 {
			// Plain blobs no delta needs are streamed straight into the
			// scanner: no allocation, and memory stays flat however large
			// the blob.
			rc, err := db.stream(it.p, e)
			if err != nil {
				sc.Stats().Skip(what, err)
				return nil
			}
			defer rc.Close()
			r = rc
			break
		}
		var ms []scanner.Match
		err := db.view(it.p, int(it.i), func(b []byte) {
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
	if it.p != nil {
		return db.view(it.p, int(it.i), fn)
	}
	_, b, err := db.loose(it.hash)
	if err != nil {
		return err
	}
	fn(b)
	return nil
}
