package history

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// commitInfo is what provenance needs of a commit.
type commitInfo struct {
	tree    plumbing.Hash
	parents []plumbing.Hash
	author  string
	date    commitDate
	// unreachable is true for commits no ref reaches (--all-objects).
	unreachable bool
}

// treeEntry is one entry of a tree object.
type treeEntry struct {
	name string
	hash plumbing.Hash
	kind entryKind
}

type entryKind uint8

const (
	kindBlob entryKind = iota
	kindTree
	kindSubmodule
)

// parseTree decodes a tree object. It is stricter and cheaper than go-git's
// decoder: no file mode objects, one string per name.
func parseTree(b []byte) ([]treeEntry, error) {
	var out []treeEntry
	for len(b) > 0 {
		sp := bytes.IndexByte(b, ' ')
		if sp <= 0 {
			return out, fmt.Errorf("%w: bad tree entry mode", errCorrupt)
		}
		mode := b[:sp]
		b = b[sp+1:]
		nul := bytes.IndexByte(b, 0)
		if nul < 0 || len(b) < nul+1+20 {
			return out, fmt.Errorf("%w: truncated tree entry", errCorrupt)
		}
		e := treeEntry{name: string(b[:nul])}
		copy(e.hash[:], b[nul+1:nul+21])
		b = b[nul+21:]
		switch {
		case string(mode) == "40000" || string(mode) == "040000":
			e.kind = kindTree
		case string(mode) == "160000":
			e.kind = kindSubmodule
		default:
			e.kind = kindBlob
		}
		out = append(out, e)
	}
	return out, nil
}

// walkTree calls fn for each entry of a tree object without allocating:
// name and hash alias b and are valid only during the call.
func walkTree(b []byte, fn func(name []byte, hash []byte, kind entryKind)) error {
	for len(b) > 0 {
		sp := bytes.IndexByte(b, ' ')
		if sp <= 0 {
			return fmt.Errorf("%w: bad tree entry mode", errCorrupt)
		}
		mode := b[:sp]
		b = b[sp+1:]
		nul := bytes.IndexByte(b, 0)
		if nul < 0 || len(b) < nul+1+20 {
			return fmt.Errorf("%w: truncated tree entry", errCorrupt)
		}
		kind := kindBlob
		switch string(mode) {
		case "40000", "040000":
			kind = kindTree
		case "160000":
			kind = kindSubmodule
		}
		fn(b[:nul], b[nul+1:nul+21], kind)
		b = b[nul+21:]
	}
	return nil
}

// readTree returns the entries of tree h.
func (s *scan) readTree(h plumbing.Hash) ([]treeEntry, error) {
	t, b, err := s.readObject(h)
	if err != nil {
		return nil, fmt.Errorf("failed to read tree %s: %w", h, err)
	}
	if t != plumbing.TreeObject {
		return nil, fmt.Errorf("failed to read tree %s: %w: it is a %s", h, errCorrupt, t)
	}
	return parseTree(b)
}

// readCommit returns the decoded commit h.
func (s *scan) readCommit(h plumbing.Hash) (*object.Commit, error) {
	t, b, err := s.readObject(h)
	if err != nil {
		return nil, err
	}
	if t != plumbing.CommitObject {
		return nil, fmt.Errorf("%w: %s is a %s, not a commit", errCorrupt, h, t)
	}
	o := &plumbing.MemoryObject{}
	o.SetType(t)
	o.Write(b)
	c := &object.Commit{}
	if err := c.Decode(o); err != nil {
		return nil, fmt.Errorf("failed to decode commit %s: %w", h, err)
	}
	return c, nil
}

// readTag returns the decoded annotated tag h.
func (s *scan) readTag(h plumbing.Hash) (*object.Tag, error) {
	t, b, err := s.readObject(h)
	if err != nil {
		return nil, err
	}
	if t != plumbing.TagObject {
		return nil, fmt.Errorf("%w: %s is a %s, not a tag", errCorrupt, h, t)
	}
	o := &plumbing.MemoryObject{}
	o.SetType(t)
	o.Write(b)
	tag := &object.Tag{}
	if err := tag.Decode(o); err != nil {
		return nil, fmt.Errorf("failed to decode tag %s: %w", h, err)
	}
	return tag, nil
}

// objectType returns the type of h, or InvalidObject when it is missing.
func (s *scan) objectType(h plumbing.Hash) plumbing.ObjectType {
	if s.db == nil {
		o, err := s.repo.Storer.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return plumbing.InvalidObject
		}
		return o.Type()
	}
	if p, i := s.db.lookup(h); p != nil {
		return s.db.entryType(p, i)
	}
	t, _, err := s.db.looseHeader(h)
	if err != nil {
		return plumbing.InvalidObject
	}
	return t
}

// readObject returns the type and content of h. Before the object database
// is opened (a run that finds nothing new opens it never: its header pass
// costs more than the whole run otherwise), go-git reads the few objects.
func (s *scan) readObject(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	if s.db != nil {
		return s.db.object(h)
	}
	o, err := s.repo.Storer.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	if o.Size() > maxInMemory {
		return o.Type(), nil, fmt.Errorf("object %s of %d bytes is too large to hold in memory", h, o.Size())
	}
	r, err := o.Reader()
	if err != nil {
		return o.Type(), nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	return o.Type(), b, err
}

// signature returns sig's "Name <email>" and its date.
func signature(sig object.Signature) (author string, date commitDate) {
	_, off := sig.When.Zone()
	return sig.Name + " <" + sig.Email + ">", commitDate{unix: sig.When.Unix(), offset: int32(off)}
}

// commitDate is a commit's or tag's date as git records it: seconds since
// the Unix epoch and the author's UTC offset in seconds. Twelve bytes per
// commit, where the formatted string took about 50 and the parsed
// time.Time its own zone.
type commitDate struct {
	unix   int64
	offset int32
}

// String formats d as RFC 3339 in the recorded offset, "" for the zero
// date of a commit that could not be read.
func (d commitDate) String() string {
	if d == (commitDate{}) {
		return ""
	}
	return time.Unix(d.unix, 0).In(time.FixedZone("", int(d.offset))).Format(time.RFC3339)
}

// hit is a matched blob at a path below some tree.
type hit struct {
	path string
	blob plumbing.Hash
}

// hits returns the matched blobs below tree h with their paths, memoized
// per tree hash: a subtree shared by many commits is read once, and a
// subtree without any matched blob costs one map lookup afterwards.
func (s *scan) hits(h plumbing.Hash) []hit {
	if hs, ok := s.hitMemo[h]; ok {
		return hs
	}
	var entries []treeEntry
	if n, ok := s.nodes[h]; ok {
		entries = slices.Concat(n.blobs, n.subs)
	} else if s.isEmptyTree(h) {
		s.hitMemo[h] = nil
		return nil
	} else {
		var err error
		entries, err = s.readTree(h)
		if err != nil {
			s.objectError("tree "+h.String(), err)
		}
	}
	var out []hit
	for _, e := range entries {
		switch e.kind {
		case kindBlob:
			if _, ok := s.matched[e.hash]; ok {
				out = append(out, hit{e.name, e.hash})
				s.inTree[e.hash] = struct{}{}
			}
		case kindTree:
			for _, sub := range s.hits(e.hash) {
				out = append(out, hit{e.name + "/" + sub.path, sub.blob})
			}
		case kindSubmodule:
			s.submodules = true
		}
	}
	s.hitMemo[h] = out
	return out
}

// keys returns the set of "path\x00secret id" present in tree h.
func (s *scan) keys(h plumbing.Hash) map[string]struct{} {
	if k, ok := s.keyMemo[h]; ok {
		return k
	}
	var out map[string]struct{}
	for _, hh := range s.hits(h) {
		for _, m := range s.matched[hh.blob] {
			if out == nil {
				out = map[string]struct{}{}
			}
			out[hh.path+"\x00"+m.Secret.ID()] = struct{}{}
		}
	}
	s.keyMemo[h] = out
	return out
}

// treeOf returns the root tree of commit h, reading commits outside the walk
// (parents before --since-commit or an earlier incremental run) on demand;
// ok is false when the commit is missing (shallow clone) or unreadable.
func (s *scan) treeOf(h plumbing.Hash) (plumbing.Hash, bool) {
	if ci, ok := s.commits[h]; ok {
		return ci.tree, true
	}
	if t, ok := s.outerTrees[h]; ok {
		return t, !t.IsZero()
	}
	c, err := s.readCommit(h)
	if err != nil {
		s.objectError("commit "+h.String(), err)
		s.outerTrees[h] = plumbing.ZeroHash
		return plumbing.ZeroHash, false
	}
	s.outerTrees[h] = c.TreeHash
	return c.TreeHash, true
}

// blobAt returns the blob at slash-separated path below tree h.
func (s *scan) blobAt(h plumbing.Hash, path string) (plumbing.Hash, bool) {
	for {
		name, rest, more := cut(path)
		entries, err := s.readTree(h)
		if err != nil {
			return plumbing.ZeroHash, false
		}
		found := false
		for _, e := range entries {
			if e.name != name {
				continue
			}
			if more && e.kind == kindTree {
				h, path, found = e.hash, rest, true
				break
			}
			if !more && e.kind == kindBlob {
				return e.hash, true
			}
		}
		if !found {
			return plumbing.ZeroHash, false
		}
	}
}

func cut(p string) (first, rest string, more bool) {
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			return p[:i], p[i+1:], true
		}
	}
	return p, "", false
}

// newBlobs adds to out the blobs of tree h that no parent tree has at the
// same path, descending only into subtrees whose hash differs from every
// parent's: what an incremental scan must read.
func (s *scan) newBlobs(h plumbing.Hash, parents []plumbing.Hash, out map[plumbing.Hash]struct{}, seenTree map[plumbing.Hash]struct{}) {
	if _, ok := seenTree[h]; ok {
		return
	}
	seenTree[h] = struct{}{}
	entries, err := s.readTree(h)
	if err != nil {
		s.objectError("tree "+h.String(), err)
		return
	}
	parentEntries := make([]map[string]treeEntry, 0, len(parents))
	for _, p := range parents {
		pe, err := s.readTree(p)
		if err != nil {
			continue
		}
		m := make(map[string]treeEntry, len(pe))
		for _, e := range pe {
			m[e.name] = e
		}
		parentEntries = append(parentEntries, m)
	}
	for _, e := range entries {
		same := false
		var subParents []plumbing.Hash
		for _, pm := range parentEntries {
			pe, ok := pm[e.name]
			if !ok {
				continue
			}
			if pe.hash == e.hash {
				same = true
				break
			}
			if pe.kind == kindTree {
				subParents = append(subParents, pe.hash)
			}
		}
		if same {
			continue
		}
		switch e.kind {
		case kindBlob:
			out[e.hash] = struct{}{}
		case kindTree:
			s.newBlobs(e.hash, subParents, out, seenTree)
		case kindSubmodule:
			s.submodules = true
		}
	}
}
