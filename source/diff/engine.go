// engine.go is over 500 lines on purpose: it is one algorithm, the per-commit
// diff engine (blob scans cached across commits, added and removed matches,
// merge parents, added line ranges), whose parts share the engine's caches.

package diff

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// maxLineDiffBytes is the largest blob diffed line by line. Bigger blobs
// fall back to comparing which secrets each side holds, which needs no
// memory beyond the scan.
const maxLineDiffBytes = 8 << 20

// Small blobs are kept in memory after their scan, up to a total, so the
// line diffs that follow do not decompress them from the pack again.
const (
	maxKeptBlobBytes  = 1 << 20
	maxKeptTotalBytes = 64 << 20
)

// binarySniffBytes is how much of a blob is checked for a NUL byte to call
// it binary, as git does.
const binarySniffBytes = 8000

// blobScan is the cached result of scanning one blob.
type blobScan struct {
	matches []scanner.Match
	binary  bool
	size    int64
	// missing is true when the object store lacks the blob.
	missing bool
}

// engine scans blobs once each and classifies the matches of a file change
// as added or removed.
type engine struct {
	ctx   context.Context
	st    storer.EncodedObjectStorer
	sc    *scanner.Scanner
	scans map[plumbing.Hash]*blobScan
	// texts holds the content of small scanned blobs; kept counts its bytes.
	texts map[plumbing.Hash][]byte
	kept  int64
	// bigFiles holds the paths too big to diff by line.
	bigFiles map[string]bool
	// submodules counts gitlinks seen, which are not scanned.
	submodules int
}

func newEngine(ctx context.Context, st storer.EncodedObjectStorer, sc *scanner.Scanner) *engine {
	return &engine{ctx: ctx, st: st, sc: sc, scans: map[plumbing.Hash]*blobScan{}, texts: map[plumbing.Hash][]byte{}}
}

func (e *engine) warnings() []string {
	var w []string
	if e.submodules > 0 {
		w = append(w, fmt.Sprintf("%d submodule change(s) not scanned: scan each submodule's own repository", e.submodules))
	}
	if n := len(e.bigFiles); n > 0 {
		names := slices.Sorted(maps.Keys(e.bigFiles))
		if len(names) > 5 {
			names = append(names[:5], "…")
		}
		w = append(w, fmt.Sprintf("%d file(s) over %d MiB compared by secret rather than by line: %s",
			n, maxLineDiffBytes>>20, strings.Join(names, ", ")))
	}
	return w
}

// scan returns the matches of blob h, scanning it on first use. A blob
// that cannot be read is counted in Stats and yields no matches.
func (e *engine) scan(h plumbing.Hash, path string) *blobScan {
	if bs, ok := e.scans[h]; ok {
		return bs
	}
	bs := &blobScan{}
	e.scans[h] = bs
	obj, err := e.st.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		bs.missing = errors.Is(err, plumbing.ErrObjectNotFound)
		e.sc.Stats().Skip(path+" (blob "+h.String()+")", err)
		return bs
	}
	bs.size = obj.Size()
	r, err := obj.Reader()
	if err != nil {
		e.sc.Stats().Skip(path+" (blob "+h.String()+")", err)
		return bs
	}
	defer r.Close()
	var src io.Reader = r
	if bs.size <= maxKeptBlobBytes && e.kept+bs.size <= maxKeptTotalBytes {
		b := make([]byte, bs.size)
		n, err := io.ReadFull(r, b)
		b = b[:n]
		if err == nil {
			e.texts[h] = b
			e.kept += int64(len(b))
		}
		// On a read error the scan sees the bytes read so far and
		// reports the error itself.
		src = io.MultiReader(bytes.NewReader(b), errReader{err})
	}
	sn := &sniffer{r: src}
	ms, err := e.sc.Scan(e.ctx, path, sn)
	if err != nil {
		e.sc.Stats().Error(path+" (blob "+h.String()+")", err)
	}
	bs.matches = ms
	bs.binary = sn.binary
	return bs
}

// content reads a whole blob for line diffing; ok is false when it is too
// big or unreadable (the caller then compares by secret).
func (e *engine) content(h plumbing.Hash, path string) ([]byte, bool) {
	if b, ok := e.texts[h]; ok {
		return b, true
	}
	obj, err := e.st.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, false
	}
	if obj.Size() > maxLineDiffBytes {
		if e.bigFiles == nil {
			e.bigFiles = map[string]bool{}
		}
		e.bigFiles[path] = true
		return nil, false
	}
	r, err := obj.Reader()
	if err != nil {
		return nil, false
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, false
	}
	return b, true
}

// errReader returns err, or io.EOF when err is nil.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	return 0, io.EOF
}

// sniffer passes bytes through and notes a NUL in the first
// binarySniffBytes.
type sniffer struct {
	r      io.Reader
	n      int
	binary bool
}

func (s *sniffer) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if s.n < binarySniffBytes && n > 0 {
		chk := p[:n]
		if len(chk) > binarySniffBytes-s.n {
			chk = chk[:binarySniffBytes-s.n]
		}
		if bytes.IndexByte(chk, 0) >= 0 {
			s.binary = true
		}
		s.n += len(chk)
	}
	return n, err
}

// fileChange is one path changed between two trees. A zero hash means the
// side is absent (an added or deleted file).
type fileChange struct {
	from, to         string
	fromHash, toHash plumbing.Hash
}

// lineBased reports whether a match's Line refers to a line of the blob as
// stored, so that a line diff of the blobs says whether it was added.
func lineBased(m scanner.Match, bs *blobScan) bool {
	return !bs.binary && m.InnerPath == "" && !strings.Contains(m.Encoding, "utf-16")
}

// secretKey identifies a secret at one place inside a blob, for comparing
// blobs that cannot be diffed by line (binary files, archive members).
func secretKey(m scanner.Match) string { return m.Secret.ID() + "\x00" + m.InnerPath }

// classify returns the matches on lines that c adds (in the new blob) and
// removes (in the old blob). A secret found on both sides' changed lines
// is dropped from both: the line was edited or moved, the secret is not new.
func (e *engine) classify(c fileChange) (added, removed []scanner.Match) {
	if c.fromHash == c.toHash {
		return nil, nil
	}
	var oldScan, newScan *blobScan
	if !c.toHash.IsZero() {
		newScan = e.scan(c.toHash, c.to)
	}
	if !c.fromHash.IsZero() {
		oldScan = e.scan(c.fromHash, c.from)
	}
	switch {
	case oldScan == nil:
		return newScan.matches, nil
	case newScan == nil:
		return nil, oldScan.matches
	case len(oldScan.matches) == 0 && len(newScan.matches) == 0:
		return nil, nil
	}

	var addedLines, removedLines []bool
	if !oldScan.binary && !newScan.binary {
		oldText, ok1 := e.content(c.fromHash, c.from)
		newText, ok2 := e.content(c.toHash, c.to)
		if ok1 && ok2 {
			addedLines, removedLines = lineDiff(oldText, newText)
		}
	}
	oldKeys := map[string]bool{}
	for _, m := range oldScan.matches {
		oldKeys[secretKey(m)] = true
	}
	newKeys := map[string]bool{}
	for _, m := range newScan.matches {
		newKeys[secretKey(m)] = true
	}
	for _, m := range newScan.matches {
		if addedLines != nil && lineBased(m, newScan) {
			if m.Line > 0 && m.Line < len(addedLines) && addedLines[m.Line] {
				added = append(added, m)
			}
		} else if !oldKeys[secretKey(m)] {
			added = append(added, m)
		}
	}
	for _, m := range oldScan.matches {
		if removedLines != nil && lineBased(m, oldScan) {
			if m.Line > 0 && m.Line < len(removedLines) && removedLines[m.Line] {
				removed = append(removed, m)
			}
		} else if !newKeys[secretKey(m)] {
			removed = append(removed, m)
		}
	}
	return cancelMoved(added, removed)
}

// cancelMoved drops secrets present in both lists.
func cancelMoved(added, removed []scanner.Match) ([]scanner.Match, []scanner.Match) {
	if len(added) == 0 || len(removed) == 0 {
		return added, removed
	}
	a := map[string]bool{}
	for _, m := range added {
		a[m.Secret.ID()] = true
	}
	r := map[string]bool{}
	for _, m := range removed {
		r[m.Secret.ID()] = true
	}
	keep := func(ms []scanner.Match, other map[string]bool) []scanner.Match {
		var out []scanner.Match
		for _, m := range ms {
			if !other[m.Secret.ID()] {
				out = append(out, m)
			}
		}
		return out
	}
	return keep(added, r), keep(removed, a)
}

// treeChanges lists the file changes from tree a to tree b (a nil tree is
// empty), with renames detected so that moved content is not new.
func (e *engine) treeChanges(a, b *object.Tree) ([]fileChange, error) {
	changes, err := object.DiffTreeWithOptions(e.ctx, a, b, renameOptions)
	if err != nil {
		return nil, err
	}
	out := make([]fileChange, 0, len(changes))
	for _, ch := range changes {
		var fc fileChange
		if ch.From.Name != "" {
			if !scannable(ch.From.TreeEntry.Mode) {
				e.submodules += boolInt(ch.From.TreeEntry.Mode == filemode.Submodule && ch.To.Name == "")
			} else {
				fc.from, fc.fromHash = ch.From.Name, ch.From.TreeEntry.Hash
			}
		}
		if ch.To.Name != "" {
			if !scannable(ch.To.TreeEntry.Mode) {
				e.submodules += boolInt(ch.To.TreeEntry.Mode == filemode.Submodule)
			} else {
				fc.to, fc.toHash = ch.To.Name, ch.To.TreeEntry.Hash
			}
		}
		if fc.from == "" && fc.to == "" {
			continue
		}
		out = append(out, fc)
	}
	return out, nil
}

func scannable(m filemode.FileMode) bool {
	return m == filemode.Regular || m == filemode.Executable || m == filemode.Deprecated || m == filemode.Symlink
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// scanCommit classifies what c adds and removes relative to its first
// parent and returns the locations; touched collects the paths c changes.
func (e *engine) scanCommit(c *object.Commit, touched map[string]bool) ([]pendingLoc, error) {
	tree, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("failed to read the tree of %s: %w", c.Hash, err)
	}
	var parents []*object.Tree
	for i, ph := range c.ParentHashes {
		p, err := object.GetCommit(e.st, ph)
		if err != nil {
			return nil, fmt.Errorf("failed to read parent %s of %s: %w", ph, c.Hash, err)
		}
		pt, err := p.Tree()
		if err != nil {
			return nil, fmt.Errorf("failed to read the tree of %s: %w", ph, err)
		}
		parents = append(parents, pt)
		if i == 0 && pt.Hash == tree.Hash {
			return nil, nil // nothing changed relative to the first parent
		}
	}
	var first *object.Tree
	if len(parents) > 0 {
		first = parents[0]
	}
	changes, err := e.treeChanges(first, tree)
	if err != nil {
		return nil, fmt.Errorf("failed to diff %s against its parent: %w", c.Hash, err)
	}
	who, when := author(c)
	base := scanner.Location{Source: scanner.SourceDiff, Commit: c.Hash.String(), Author: who, Date: when}
	var out []pendingLoc
	var parentBlobs map[plumbing.Hash]string
	for _, fc := range changes {
		if fc.to != "" {
			touched[fc.to] = true
		}
		added, removed := e.classify(fc)
		if len(added) > 0 && fc.fromHash.IsZero() && first != nil {
			// A new file that is an exact copy of one the parent has
			// adds no content (git's copy detection, exact case).
			if parentBlobs == nil {
				parentBlobs = map[plumbing.Hash]string{}
				if err := listBlobs(first, "", parentBlobs); err != nil {
					return nil, fmt.Errorf("failed to list the tree of %s's parent: %w", c.Hash, err)
				}
			}
			if _, ok := parentBlobs[fc.toHash]; ok {
				added = nil
			}
		}
		if len(parents) > 1 {
			added = e.dropFromOtherParents(added, fc.to, parents[1:])
			removed = e.keepRemovedByMerge(removed, fc.from, parents[1:])
		}
		for _, m := range added {
			loc := base
			loc.Path, loc.Change = fc.to, "added"
			out = append(out, pendingLoc{m: m, loc: loc})
		}
		for _, m := range removed {
			loc := base
			loc.Path, loc.Change = fc.from, "removed"
			out = append(out, pendingLoc{m: m, loc: loc})
		}
	}
	return out, nil
}

// dropFromOtherParents removes matches whose secret the merge took from
// another parent's version of path: those are attributed to that parent's
// history, not to the merge.
func (e *engine) dropFromOtherParents(added []scanner.Match, path string, others []*object.Tree) []scanner.Match {
	if len(added) == 0 {
		return nil
	}
	have := map[string]bool{}
	for _, t := range others {
		ent, err := t.FindEntry(path)
		if err != nil || !scannable(ent.Mode) {
			continue
		}
		for _, m := range e.scan(ent.Hash, path).matches {
			have[secretKey(m)] = true
		}
	}
	var out []scanner.Match
	for _, m := range added {
		if !have[secretKey(m)] {
			out = append(out, m)
		}
	}
	return out
}

// keepRemovedByMerge keeps the removed matches whose secret every other
// parent still has at path: only then did the merge itself drop it. When
// another parent had already dropped it, that parent's history did.
func (e *engine) keepRemovedByMerge(removed []scanner.Match, path string, others []*object.Tree) []scanner.Match {
	if len(removed) == 0 {
		return nil
	}
	var out []scanner.Match
	for _, m := range removed {
		kept := true
		for _, t := range others {
			ent, err := t.FindEntry(path)
			if err != nil || !scannable(ent.Mode) {
				kept = false
				break
			}
			has := false
			for _, o := range e.scan(ent.Hash, path).matches {
				if secretKey(o) == secretKey(m) {
					has = true
					break
				}
			}
			if !has {
				kept = false
				break
			}
		}
		if kept {
			out = append(out, m)
		}
	}
	return out
}

// secretsAt returns the ids of the secrets present at tree in the given
// paths.
func (e *engine) secretsAt(tree *object.Tree, paths map[string]bool) map[string]bool {
	ids := map[string]bool{}
	for p := range paths {
		ent, err := tree.FindEntry(p)
		if err != nil || !scannable(ent.Mode) {
			continue
		}
		for _, m := range e.scan(ent.Hash, p).matches {
			ids[m.Secret.ID()] = true
		}
	}
	return ids
}

// addedRanges returns, per path in b, the line ranges the diff a..b adds.
func (e *engine) addedRanges(a, b *object.Tree) (map[string][]LineRange, error) {
	changes, err := e.treeChanges(a, b)
	if err != nil {
		return nil, fmt.Errorf("failed to diff the range: %w", err)
	}
	out := map[string][]LineRange{}
	for _, fc := range changes {
		if fc.to == "" || fc.fromHash == fc.toHash {
			continue
		}
		newText, ok := e.content(fc.toHash, fc.to)
		if !ok || isBinary(newText) {
			continue
		}
		if fc.fromHash.IsZero() {
			if n := countLines(newText); n > 0 {
				out[fc.to] = []LineRange{{Start: 1, End: n}}
			}
			continue
		}
		oldText, ok := e.content(fc.fromHash, fc.from)
		if !ok || isBinary(oldText) {
			continue
		}
		added, _ := lineDiff(oldText, newText)
		if r := toRanges(added); len(r) > 0 {
			out[fc.to] = r
		}
	}
	return out, nil
}

func isBinary(b []byte) bool {
	return bytes.IndexByte(b[:min(len(b), binarySniffBytes)], 0) >= 0
}

// listBlobs maps every scannable blob of tree to one of its paths.
func listBlobs(tree *object.Tree, prefix string, out map[plumbing.Hash]string) error {
	files := map[string]plumbing.Hash{}
	if err := walkTree(tree, prefix, files); err != nil {
		return err
	}
	for p, h := range files {
		out[h] = p
	}
	return nil
}
