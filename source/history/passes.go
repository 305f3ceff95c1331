package history

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// parsedCommit is a commit read in the parallel pass, message scanned.
type parsedCommit struct {
	info commitInfo
	msg  []scanner.Match
}

// treeNode is the part of a tree that provenance needs: the subtrees that
// lead to a matched blob, and its matched blobs.
type treeNode struct {
	subs  []treeEntry
	blobs []treeEntry
}

// treeRec is a tree as the parallel tree pass keeps it until it is known
// whether any matched blob lies below: its subtrees' ids and names in two
// flat slices (no string or allocation per entry), and its matched blobs.
type treeRec struct {
	subs  []subRef
	names []byte // the subtrees' names back to back
	blobs []treeEntry
	ok    bool // read and parsed without error
}

// subRef is a subtree entry of a treeRec; its name is
// names[previous end:end].
type subRef struct {
	hash plumbing.Hash
	end  uint32
}

// parseCommits reads every commit on all cores and scans its message; the
// walk then runs in memory.
func (s *scan) parseCommits(ctx context.Context, items []blobItem) {
	s.parsed = make(map[plumbing.Hash]*parsedCommit, len(items))
	parallel(ctx, items, func(it blobItem) {
		o := &plumbing.MemoryObject{}
		o.SetType(plumbing.CommitObject)
		err := s.db.viewItem(it, func(b []byte) { o.Write(b) })
		if err != nil {
			s.mu.Lock()
			s.objectError("commit "+it.hash.String(), err)
			s.mu.Unlock()
			return
		}
		c := &object.Commit{}
		if err := c.Decode(o); err != nil {
			s.mu.Lock()
			s.objectError("commit "+it.hash.String(), err)
			s.mu.Unlock()
			return
		}
		author, date := signature(c.Author)
		pc := &parsedCommit{info: commitInfo{tree: c.TreeHash, parents: c.ParentHashes, author: author, date: date}}
		pc.msg = s.sc.ScanBytes([]byte(c.Message))
		s.mu.Lock()
		s.parsed[it.hash] = pc
		s.mu.Unlock()
	})
}

// loadTrees reads every tree on all cores, in pack order so that each
// delta base is inflated once, and keeps, in s.nodes, only the trees that
// lead to a matched blob, and of those only the entries on the way. The
// other trees are listed in s.emptyTrees. The whole tree graph is held
// only during the pass, in flat slices: about 24 bytes per subtree entry
// plus its name, instead of the 60 to 70 of a treeEntry with its own
// string, and is dropped before provenance.
func (s *scan) loadTrees(ctx context.Context, items []blobItem) {
	// A bitmap of the first 16 bits of the matched blob ids: the millions
	// of blob entries that matched nothing are rejected without hashing.
	var filter [1 << 16 / 64]uint64
	for h := range s.matched {
		k := uint(h[0])<<8 | uint(h[1])
		filter[k/64] |= 1 << (k % 64)
	}
	recs := make([]treeRec, len(items))
	index := make(map[plumbing.Hash]int32, len(items))
	for i, it := range items {
		index[it.hash] = int32(i)
	}
	missing := map[plumbing.Hash]bool{}
	type scratch struct {
		subs  []subRef
		names []byte
	}
	var pool sync.Pool
	parallelIndexed(ctx, items, func(i int, it blobItem) {
		sc, _ := pool.Get().(*scratch)
		if sc == nil {
			sc = &scratch{}
		}
		defer pool.Put(sc)
		sc.subs, sc.names = sc.subs[:0], sc.names[:0]
		var blobs []treeEntry
		sub := false
		var absent []plumbing.Hash
		var werr error
		err := s.db.viewItem(it, func(b []byte) {
			// Most entries are blobs that matched nothing: they cost a map
			// lookup and no allocation.
			werr = walkTree(b, func(name, hash []byte, kind entryKind) {
				switch kind {
				case kindTree:
					sc.names = append(sc.names, name...)
					sc.subs = append(sc.subs, subRef{hash: plumbing.Hash(hash), end: uint32(len(sc.names))})
				case kindBlob:
					if s.present != nil {
						if _, ok := s.present[plumbing.Hash(hash)]; !ok {
							absent = append(absent, plumbing.Hash(hash))
						}
					}
					if k := uint(hash[0])<<8 | uint(hash[1]); filter[k/64]&(1<<(k%64)) == 0 {
						return
					}
					if _, ok := s.matched[plumbing.Hash(hash)]; ok {
						blobs = append(blobs, treeEntry{name: string(name), hash: plumbing.Hash(hash), kind: kind})
					}
				case kindSubmodule:
					sub = true
				}
			})
		})
		if err == nil {
			err = werr
		}
		if err == nil {
			// Each worker writes its own element: no lock.
			recs[i] = treeRec{subs: slices.Clone(sc.subs), names: slices.Clone(sc.names), blobs: blobs, ok: true}
		}
		if len(absent) == 0 && !sub {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, h := range absent {
			missing[h] = true
		}
		// A tree that failed is not stored: hits reads it again and counts
		// the error.
		s.submodules = s.submodules || (sub && err == nil)
	})
	for h := range missing {
		s.objectError("blob "+h.String(), errors.New("named by a tree but missing from the object store (a partial clone or a corrupt repository); not scanned"))
	}
	s.keepMatchedTrees(items, recs, index)
}

// Relevance marks of keepMatchedTrees.
const (
	treeUnknown = iota
	treeVisiting
	treeEmpty // no matched blob below
	treeMatched
)

// keepMatchedTrees fills s.nodes with the trees of recs that lead to a
// matched blob, keeping of each only its matched blobs and the subtrees
// that lead to one, and s.emptyTrees with the ids of the others. A subtree
// the pass did not read (missing, or it failed) is kept, so that hits
// reads it and counts the error as before.
func (s *scan) keepMatchedTrees(items []blobItem, recs []treeRec, index map[plumbing.Hash]int32) {
	mark := make([]uint8, len(recs))
	// relevant reports whether tree i leads to a matched blob, depth
	// first; a tree met again while it is being visited (a cycle, which
	// only a corrupt repository has) counts as empty.
	var relevant func(i int32) bool
	relevant = func(i int32) bool {
		switch mark[i] {
		case treeVisiting, treeEmpty:
			return false
		case treeMatched:
			return true
		}
		mark[i] = treeVisiting
		r := &recs[i]
		keep := len(r.blobs) > 0 || !r.ok
		for _, sr := range r.subs {
			if j, ok := index[sr.hash]; !ok || !recs[j].ok || relevant(j) {
				keep = true
			}
		}
		mark[i] = treeEmpty
		if keep {
			mark[i] = treeMatched
		}
		return keep
	}
	s.nodes = map[plumbing.Hash]*treeNode{}
	s.emptyTrees = s.emptyTrees[:0]
	for i := range recs {
		if !relevant(int32(i)) {
			s.emptyTrees = append(s.emptyTrees, items[i].hash)
			continue
		}
		r := &recs[i]
		if !r.ok {
			continue
		}
		n := &treeNode{blobs: r.blobs}
		start := uint32(0)
		for _, sr := range r.subs {
			j, ok := index[sr.hash]
			if !ok || !recs[j].ok || mark[j] == treeMatched {
				n.subs = append(n.subs, treeEntry{name: string(r.names[start:sr.end]), hash: sr.hash, kind: kindTree})
			}
			start = sr.end
		}
		s.nodes[items[i].hash] = n
	}
	slices.SortFunc(s.emptyTrees, func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })
}

// isEmptyTree reports whether the tree pass read tree h and found no
// matched blob below it.
func (s *scan) isEmptyTree(h plumbing.Hash) bool {
	_, ok := slices.BinarySearchFunc(s.emptyTrees, h, func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })
	return ok
}
