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

// blobItem is one blob to scan: an entry of a pack, or a loose object.
type blobItem struct {
	p    *pack
	i    int32
	hash plumbing.Hash
}

// enumerate lists every object of the repository once: blobs to scan,
// plus the commits and annotated tags (for --all-objects). Objects in
// several packs, or both packed and loose, are listed once.
func (db *objectDB) enumerate(stats *scanner.Stats) (blobs []blobItem, commits, tags []plumbing.Hash) {
	seen := map[plumbing.Hash]struct{}{}
	for _, p := range db.packs {
		for i := range p.entries {
			e := &p.entries[i]
			if _, dup := seen[e.hash]; dup {
				continue
			}
			seen[e.hash] = struct{}{}
			switch db.entryType(p, i) {
			case plumbing.BlobObject:
				blobs = append(blobs, blobItem{p: p, i: int32(i), hash: e.hash})
			case plumbing.CommitObject:
				commits = append(commits, e.hash)
			case plumbing.TagObject:
				tags = append(tags, e.hash)
			case plumbing.TreeObject:
			default:
				stats.Error("object "+e.hash.String(), fmt.Errorf("pack-%s: %w: unreadable header or delta chain", p.id, errCorrupt))
			}
		}
	}
	err := db.dg.ForEachObjectHash(func(h plumbing.Hash) error {
		if _, dup := seen[h]; dup {
			return nil
		}
		seen[h] = struct{}{}
		t, _, err := db.looseHeader(h)
		if err != nil {
			stats.Error("object "+h.String(), err)
			return nil
		}
		switch t {
		case plumbing.BlobObject:
			blobs = append(blobs, blobItem{i: -1, hash: h})
		case plumbing.CommitObject:
			commits = append(commits, h)
		case plumbing.TagObject:
			tags = append(tags, h)
		}
		return nil
	})
	if err != nil {
		stats.Error("loose objects", err)
	}
	return blobs, commits, tags
}

// item returns the blobItem for h, found in a pack or the loose store.
func (db *objectDB) item(h plumbing.Hash) blobItem {
	if p, i := db.lookup(h); p != nil {
		return blobItem{p: p, i: int32(i), hash: h}
	}
	return blobItem{i: -1, hash: h}
}

// scanBlobs scans items on all cores and calls found for every blob that
// matched. Items are taken in order (pack offset order), so that the
// workers move through a pack together and share the delta base cache.
func (db *objectDB) scanBlobs(ctx context.Context, sc *scanner.Scanner, items []blobItem, found func(plumbing.Hash, []scanner.Match)) {
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
				for _, it := range items[start:min(start+batch, len(items))] {
					if ms := db.scanBlob(ctx, sc, it); len(ms) > 0 {
						found(it.hash, ms)
					}
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
		if e.raw == plumbing.BlobObject && e.size > streamThreshold && e.pending.Load() == 0 {
			// Big plain blobs are streamed: memory stays flat however
			// large the blob.
			rc, err := db.stream(it.p, e)
			if err != nil {
				sc.Stats().Skip(what, err)
				return nil
			}
			defer rc.Close()
			r = rc
			break
		}
		b, err := db.content(it.p, int(it.i), 0)
		if err != nil {
			sc.Stats().Skip(what, err)
			return nil
		}
		r = bytes.NewReader(b)
	}
	ms, err := sc.Scan(ctx, name, r)
	if err != nil {
		sc.Stats().Error(what, err)
	}
	return ms
}
