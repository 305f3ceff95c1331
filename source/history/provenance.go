package history

import (
	"bytes"
	"context"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// add records a match at loc and remembers it for the state file; object is
// the blob, commit or tag that holds the secret, so that the next
// incremental run can read the secret again instead of storing it.
func (s *scan) add(m scanner.Match, loc scanner.Location, object plumbing.Hash) {
	s.col.Add(m, loc)
	s.open = append(s.open, openLocation{SecretID: m.Secret.ID(), Object: object.String(), Location: m.Locate(loc)})
}

// provenance finds, for every secret in a matched blob, each commit that
// introduced it at a path: a commit whose tree has the secret at that path
// where none of its parents' trees does. Only trees are read, each unique
// tree once, and only after the blob scan.
func (s *scan) provenance(headKeys map[string]struct{}) {
	if len(s.matched) == 0 {
		return
	}
	hashes := slices.SortedFunc(func(yield func(plumbing.Hash) bool) {
		for h := range s.commits {
			if !yield(h) {
				return
			}
		}
	}, func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })
	for _, h := range hashes {
		ci := s.commits[h]
		if ci.tree.IsZero() {
			continue
		}
		hs := s.hits(ci.tree)
		if len(hs) == 0 {
			continue
		}
		var parentTrees []plumbing.Hash
		for _, p := range ci.parents {
			if t, ok := s.treeOf(p); ok {
				parentTrees = append(parentTrees, t)
			}
		}
		for _, hh := range hs {
			for _, m := range s.matched[hh.blob] {
				sid := m.Secret.ID()
				key := hh.path + "\x00" + sid
				if s.inParents(parentTrees, hh.path, key, sid) {
					continue
				}
				_, at := headKeys[key]
				loc := scanner.Location{Source: scanner.SourceHistory, Path: hh.path, Commit: h.String(), Author: ci.author, Date: ci.date.String(),
					AtHead: &at, Unreachable: ci.unreachable}
				s.add(m, loc, hh.blob)
			}
		}
	}
	if s.opts.AllObjects && s.scanned == nil {
		// Blobs in no tree of any commit (dangling, e.g. staged then
		// reset): reported by object id.
		for _, h := range slices.SortedFunc(func(yield func(plumbing.Hash) bool) {
			for h := range s.matched {
				if !yield(h) {
					return
				}
			}
		}, func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) }) {
			if _, ok := s.inTree[h]; ok {
				continue
			}
			for _, m := range s.matched[h] {
				s.add(m, scanner.Location{Source: scanner.SourceHistory, Path: h.String(), Object: scanner.ObjectBlob, Unreachable: true}, h)
			}
		}
	}
}

// inParents tells whether any parent tree holds the secret sid at path.
func (s *scan) inParents(parentTrees []plumbing.Hash, path, key, sid string) bool {
	for _, pt := range parentTrees {
		if _, ok := s.keys(pt)[key]; ok {
			return true
		}
		if s.complete {
			continue
		}
		// Blobs before --since-commit were not scanned: look at the
		// parent's blob at this path itself.
		b, ok := s.blobAt(pt, path)
		if !ok {
			continue
		}
		for _, m := range s.matchesOf(b) {
			if m.Secret.ID() == sid {
				return true
			}
		}
	}
	return false
}

// matchesOf returns the matches of blob h, scanning it on demand when this
// run has not.
func (s *scan) matchesOf(h plumbing.Hash) []scanner.Match {
	if ms, ok := s.matched[h]; ok {
		return ms
	}
	if s.scanned == nil || s.scanned[h] {
		return nil
	}
	if ms, ok := s.extra[h]; ok {
		return ms
	}
	_, b, err := s.readObject(h)
	if err != nil {
		s.objectError("blob "+h.String(), err)
		return nil
	}
	ms := s.sc.ScanBytes(b)
	s.extra[h] = ms
	return ms
}

// scanNewBlobs scans the blobs that the walked commits added relative to
// their parents (incremental and --since-commit runs).
func (s *scan) scanNewBlobs(ctx context.Context) {
	out := map[plumbing.Hash]struct{}{}
	seenTree := map[plumbing.Hash]struct{}{}
	for h, ci := range s.commits {
		if ci.tree.IsZero() {
			continue
		}
		var parentTrees []plumbing.Hash
		for _, p := range ci.parents {
			if t, ok := s.treeOf(p); ok {
				parentTrees = append(parentTrees, t)
			}
		}
		_ = h
		s.newBlobs(ci.tree, parentTrees, out, seenTree)
	}
	var items []blobItem
	for h := range out {
		if s.scanned[h] {
			continue
		}
		s.scanned[h] = true
		items = append(items, s.db.item(h))
	}
	slices.SortFunc(items, func(a, b blobItem) int {
		if a.pack != b.pack {
			return int(a.pack) - int(b.pack)
		}
		return int(a.i) - int(b.i)
	})
	s.db.scanBlobs(ctx, s.sc, items, s.found)
}

// restoreMatched rescans the blobs the state file recorded as matched, to
// get their secrets back (the state never stores a secret) and to know
// which old blobs hold which secrets. A blob that is gone was purged.
func (s *scan) restoreMatched(ctx context.Context, st *state) {
	for _, hx := range st.MatchedBlobs {
		h := plumbing.NewHash(hx)
		_, b, err := s.readObject(h)
		if err != nil {
			continue
		}
		ms, err := s.sc.Scan(ctx, h.String(), bytes.NewReader(b))
		if err != nil {
			s.stats.Error("blob "+h.String(), err)
		}
		s.scanned[h] = true
		if len(ms) > 0 {
			s.matched[h] = ms
		}
	}
}

// restoreOpen reports again the locations the state recorded as open,
// unless their commit or object has been purged since. With recompute,
// at_head is recomputed against the current default branch.
func (s *scan) restoreOpen(st *state, recompute bool, headKeys map[string]struct{}) {
	msgs := map[plumbing.Hash][]scanner.Match{}
	for _, o := range st.Open {
		loc := o.Location
		if loc.Commit != "" && s.objectType(plumbing.NewHash(loc.Commit)) == plumbing.InvalidObject {
			continue
		}
		obj := plumbing.NewHash(o.Object)
		var ms []scanner.Match
		switch loc.Object {
		case scanner.ObjectCommitMessage, scanner.ObjectTagMessage:
			var ok bool
			if ms, ok = msgs[obj]; !ok {
				if loc.Object == scanner.ObjectCommitMessage {
					if c, err := s.readCommit(obj); err == nil {
						ms = s.sc.ScanBytes([]byte(c.Message))
					}
				} else if t, err := s.readTag(obj); err == nil {
					ms = s.sc.ScanBytes([]byte(t.Message))
				}
				msgs[obj] = ms
			}
		default:
			ms = s.matched[obj]
		}
		i := slices.IndexFunc(ms, func(m scanner.Match) bool {
			return m.Secret.ID() == o.SecretID && m.Line == loc.Line && m.Column == loc.Column && m.Encoding == loc.Encoding &&
				strings.HasSuffix(loc.InnerPath, m.InnerPath)
		})
		if i < 0 {
			continue
		}
		m := ms[i]
		if recompute && loc.AtHead != nil && loc.Object == "" {
			_, at := headKeys[loc.Path+"\x00"+o.SecretID]
			loc.AtHead = &at
		}
		loc.AllowMarker = m.AllowMarker
		loc.ColumnUTF16 = m.ColumnUTF16
		s.col.AddLocation(m.Kind, m.Secret, m.UserID, loc)
		s.open = append(s.open, openLocation{SecretID: o.SecretID, Object: o.Object, Location: loc})
	}
}

// checkSubmodules notes submodules in the default branch's root tree.
func (s *scan) checkSubmodules(tree plumbing.Hash) {
	entries, err := s.readTree(tree)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.kind == kindSubmodule || e.name == ".gitmodules" {
			s.submodules = true
		}
	}
}
