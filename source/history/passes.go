package history

import (
	"context"
	"errors"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// parsedCommit is a commit read in the parallel pass, message scanned.
type parsedCommit struct {
	info commitInfo
	msg  []scanner.Match
}

// treeNode is the part of a tree that provenance needs: its subtrees and
// its matched blobs. Other blob entries are dropped, which keeps the whole
// tree graph of a large history in tens of MB.
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
// delta base is inflated once, and keeps the subtrees and matched blobs.
func (s *scan) loadTrees(ctx context.Context, items []blobItem) {
	s.nodes = make(map[plumbing.Hash]*treeNode, len(items))
	// A bitmap of the first 16 bits of the matched blob ids: the millions
	// of blob entries that matched nothing are rejected without hashing.
	var filter [1 << 16 / 64]uint64
	for h := range s.matched {
		k := uint(h[0])<<8 | uint(h[1])
		filter[k/64] |= 1 << (k % 64)
	}
	missing := map[plumbing.Hash]bool{}
	parallel(ctx, items, func(it blobItem) {
		n := &treeNode{}
		sub := false
		var absent []plumbing.Hash
		var werr error
		err := s.db.viewItem(it, func(b []byte) {
			// Most entries are blobs that matched nothing: they cost a map
			// lookup and no allocation.
			werr = walkTree(b, func(name, hash []byte, kind entryKind) {
				switch kind {
				case kindTree:
					n.subs = append(n.subs, treeEntry{name: string(name), hash: plumbing.Hash(hash), kind: kind})
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
						n.blobs = append(n.blobs, treeEntry{name: string(name), hash: plumbing.Hash(hash), kind: kind})
					}
				case kindSubmodule:
					sub = true
				}
			})
		})
		if err == nil {
			err = werr
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, h := range absent {
			missing[h] = true
		}
		if err != nil {
			// Not stored: hits reads it again and counts the error.
			return
		}
		s.submodules = s.submodules || sub
		s.nodes[it.hash] = n
	})
	for h := range missing {
		s.objectError("blob "+h.String(), errors.New("named by a tree but missing from the object store (a partial clone or a corrupt repository); not scanned"))
	}
}
