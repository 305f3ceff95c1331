package history

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"runtime"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/freelist"
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
			s.objectError("commit "+s.db.hashOf(it).String(), err)
			s.mu.Unlock()
			return
		}
		c := &object.Commit{}
		if err := c.Decode(o); err != nil {
			s.mu.Lock()
			s.objectError("commit "+s.db.hashOf(it).String(), err)
			s.mu.Unlock()
			return
		}
		author, date := signature(c.Author)
		pc := &parsedCommit{info: commitInfo{tree: c.TreeHash, parents: c.ParentHashes, date: date}}
		pc.msg = s.sc.ScanBytes([]byte(c.Message))
		s.mu.Lock()
		pc.info.author = s.intern(author)
		s.parsed[s.db.hashOf(it)] = pc
		s.mu.Unlock()
	})
}

// loadTrees reads every tree on all cores, in pack order so that each
// delta base is inflated once, and keeps, in s.nodes, only the trees that
// lead to a matched blob, and of those only the entries on the way. The
// other trees are listed in s.emptyTrees. The whole tree graph is held
// only during the pass, in a treeStore: about 4 bytes per subtree entry,
// instead of the 60 to 70 of a treeEntry with its own string, and is
// dropped before provenance.
func (s *scan) loadTrees(ctx context.Context, items []blobItem) {
	// A bitmap of the first 16 bits of the matched blob ids: the millions
	// of blob entries that matched nothing are rejected without hashing.
	var filter [1 << 16 / 64]uint64
	for h := range s.matched {
		k := uint(h[0])<<8 | uint(h[1])
		filter[k/64] |= 1 << (k % 64)
	}
	store := newTreeStore(len(items))
	index := make(map[plumbing.Hash]int32, len(items))
	for i, it := range items {
		index[s.db.hashOf(it)] = int32(i)
	}
	blobs := map[int32][]treeEntry{}
	missing := map[plumbing.Hash]bool{}
	// One per worker, kept across collections so that their lookup caches
	// stay warm.
	workers := freelist.New(runtime.GOMAXPROCS(0), func() *treeWorker { return &treeWorker{} })
	parallelIndexed(ctx, items, func(i int, it blobItem) {
		w := workers.Get()
		defer workers.Put(w)
		subs := w.subs[:0]
		var matched []treeEntry
		sub := false
		var absent []plumbing.Hash
		var werr error
		err := s.db.viewItem(it, func(b []byte) {
			// Most entries are blobs that matched nothing: they cost a map
			// lookup and no allocation.
			werr = walkTree(b, func(name, hash []byte, kind entryKind) {
				switch kind {
				case kindTree:
					k, ok := w.trees.get(hash)
					if !ok {
						if k, ok = index[plumbing.Hash(hash)]; ok {
							w.trees.put(hash, k)
						} else {
							k = -1
						}
					}
					subs = store.appendSub(subs, int(k), hash, name)
				case kindBlob:
					if _, seen := w.blobs.get(hash); !seen && s.present != nil {
						if _, ok := s.present[plumbing.Hash(hash)]; ok {
							w.blobs.put(hash, 0)
						} else {
							absent = append(absent, plumbing.Hash(hash))
						}
					}
					if k := uint(hash[0])<<8 | uint(hash[1]); filter[k/64]&(1<<(k%64)) == 0 {
						return
					}
					if _, ok := s.matched[plumbing.Hash(hash)]; ok {
						matched = append(matched, treeEntry{name: string(name), hash: plumbing.Hash(hash), kind: kind})
					}
				case kindSubmodule:
					sub = true
				}
			})
		})
		w.subs = subs
		if err == nil {
			err = werr
		}
		if err == nil {
			store.keep(i, subs)
		}
		if len(absent) == 0 && !sub && len(matched) == 0 {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, h := range absent {
			missing[h] = true
		}
		// A tree that failed is not kept: hits reads it again and counts
		// the error.
		if err == nil {
			s.submodules = s.submodules || sub
			if len(matched) > 0 {
				blobs[int32(i)] = matched
			}
		}
	})
	for h := range missing {
		s.objectError("blob "+h.String(), errors.New("named by a tree but missing from the object store (a partial clone or a corrupt repository); not scanned"))
	}
	s.keepMatchedTrees(items, store, blobs)
}

// treeWorker is what one worker of the tree pass reuses from tree to tree.
type treeWorker struct {
	subs []byte
	// trees caches lookups in the pass's index; blobs, the blob ids
	// known to be in the store.
	trees, blobs recentIDs
}

// recentIDsSlots is the number of slots of a recentIDs: 96 KiB, which
// stays in a core's cache.
const recentIDsSlots = 4096

// recentIDs remembers the last id looked up in each of its slots, and
// what the lookup gave. Consecutive trees of a pack are versions of the
// same directory that name mostly the same ids, so most lookups end here
// instead of in a map of every object of the repository, whose reads miss
// the cache (on git/git, map lookups took 14% of the scan's CPU time).
type recentIDs struct {
	slots [recentIDsSlots]struct {
		id  plumbing.Hash
		val int32
		set bool
	}
}

func recentSlot(id []byte) int {
	return int(binary.LittleEndian.Uint16(id[2:4]) % recentIDsSlots)
}

// get returns the value remembered for id, if id is remembered.
func (r *recentIDs) get(id []byte) (int32, bool) {
	e := &r.slots[recentSlot(id)]
	if e.set && e.id == plumbing.Hash(id) {
		return e.val, true
	}
	return 0, false
}

// put remembers val for id, in place of the id its slot held.
func (r *recentIDs) put(id []byte, val int32) {
	e := &r.slots[recentSlot(id)]
	e.id, e.val, e.set = plumbing.Hash(id), val, true
}

// Relevance marks of keepMatchedTrees.
const (
	treeUnknown = iota
	treeVisiting
	treeEmpty // no matched blob below
	treeMatched
)

// keepMatchedTrees fills s.nodes with the trees of recs that lead to a
// matched blob (blobs lists the matched blobs of each tree), keeping of
// each only its matched blobs and the subtrees that lead to one, and
// s.emptyTrees with the ids of the others. A subtree the pass did not read
// (missing, or it failed) is kept, so that hits reads it and counts the
// error as before.
func (s *scan) keepMatchedTrees(items []blobItem, store *treeStore, blobs map[int32][]treeEntry) {
	mark := make([]uint8, len(items))
	// keep reports whether a subtree entry stays in its parent's node.
	keep := func(e subEntry) bool { return e.k < 0 || !store.ok(e.k) || mark[e.k] == treeMatched }
	// relevant reports whether tree i leads to a matched blob, depth
	// first; a tree met again while it is being visited (a cycle, which
	// only a corrupt repository has) counts as empty.
	var relevant func(i int) bool
	relevant = func(i int) bool {
		switch mark[i] {
		case treeVisiting, treeEmpty:
			return false
		case treeMatched:
			return true
		}
		mark[i] = treeVisiting
		found := len(blobs[int32(i)]) > 0 || !store.ok(i)
		store.forEachSub(i, func(e subEntry) {
			if e.k < 0 || !store.ok(e.k) || relevant(e.k) {
				found = true
			}
		})
		mark[i] = treeEmpty
		if found {
			mark[i] = treeMatched
		}
		return found
	}
	s.nodes = map[plumbing.Hash]*treeNode{}
	s.emptyTrees = s.emptyTrees[:0]
	for i := range items {
		if !relevant(i) {
			s.emptyTrees = append(s.emptyTrees, s.db.hashOf(items[i]))
			continue
		}
		if !store.ok(i) {
			continue
		}
		n := &treeNode{blobs: blobs[int32(i)]}
		store.forEachSub(i, func(e subEntry) {
			if !keep(e) {
				return
			}
			h := e.hash
			if e.k >= 0 {
				h = s.db.hashOf(items[e.k])
			}
			n.subs = append(n.subs, treeEntry{name: e.name, hash: h, kind: kindTree})
		})
		s.nodes[s.db.hashOf(items[i])] = n
	}
	slices.SortFunc(s.emptyTrees, func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })
}

// isEmptyTree reports whether the tree pass read tree h and found no
// matched blob below it.
func (s *scan) isEmptyTree(h plumbing.Hash) bool {
	_, ok := slices.BinarySearchFunc(s.emptyTrees, h, func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })
	return ok
}
