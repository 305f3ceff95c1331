package diff

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// ScanStaged scans what the index adds relative to HEAD: the lines a
// commit made now would add. In a repository without commits everything
// staged is new. Staged binary files and archives are scanned whole and
// their secrets count as added unless HEAD's version holds them too. A
// staged rename does not re-report the content it moved. Locations carry
// Source "staged", Change "added", Path and Line in the staged blob, and no
// commit. Per-blob errors are counted in the scanner's Stats.
func ScanStaged(ctx context.Context, repoPath string, sc *scanner.Scanner, col *scanner.Collector) (Result, error) {
	return ScanIndex(ctx, repoPath, "", sc, col)
}

// ScanIndex is ScanStaged for a given index file; "" means the
// repository's own index. git sets GIT_INDEX_FILE for a pre-commit hook to
// a temporary index when `git commit -a` or `git commit PATH` is used, and
// that index, not .git/index, is what the commit will hold.
// ErrStagedBlobMissing is wrapped when a staged file's blob is not in the
// object store: the scan must fail closed rather than pass the commit.
var ErrStagedBlobMissing = errors.New("staged content not found")

// GitDirOf returns the git directory of the work tree holding path: the
// .git directory, or the one a .git file points to (a linked worktree, a
// submodule), found by walking up from path; ok is false outside any.
func GitDirOf(path string) (dir string, ok bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false
	}
	for d := abs; ; d = filepath.Dir(d) {
		dotGit := filepath.Join(d, ".git")
		if fi, err := os.Stat(dotGit); err == nil {
			if fi.IsDir() {
				return dotGit, true
			}
			b, err := os.ReadFile(dotGit)
			if err != nil {
				return "", false
			}
			target, found := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
			if !found {
				return "", false
			}
			target = strings.TrimSpace(target)
			if !filepath.IsAbs(target) {
				target = filepath.Join(d, target)
			}
			return filepath.Clean(target), true
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

func ScanIndex(ctx context.Context, repoPath, indexFile string, sc *scanner.Scanner, col *scanner.Collector) (Result, error) {
	var res Result
	repo, closeRepo, err := openRepo(repoPath)
	if err != nil {
		return res, err
	}
	defer closeRepo()
	idx, err := readIndex(repo, indexFile)
	if err != nil {
		return res, err
	}
	e := newEngine(ctx, repo.Storer, sc)

	// HEAD's files, except under directories the index's cache tree
	// proves unchanged: those are skipped whole, which is what keeps a
	// staged scan cheap in a big repository.
	headFiles := map[string]plumbing.Hash{}
	pruned := map[string]bool{}
	var headTree *object.Tree
	ref, err := repo.Head()
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
		// No commit yet: everything staged is new.
	case err != nil:
		return res, fmt.Errorf("failed to resolve HEAD: %w", err)
	default:
		c, err := repo.CommitObject(ref.Hash())
		if err != nil {
			return res, fmt.Errorf("failed to read HEAD commit %s: %w", ref.Hash(), err)
		}
		if headTree, err = c.Tree(); err != nil {
			return res, fmt.Errorf("failed to read the tree of HEAD: %w", err)
		}
		if err := walkHead(repo.Storer, headTree, "", idx.trees, headFiles, pruned); err != nil {
			return res, fmt.Errorf("failed to list the tree of HEAD: %w", err)
		}
	}

	staged := map[string]bool{}
	var changes []fileChange
	conflicted := map[string]bool{}
	for _, ent := range idx.entries {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		staged[ent.name] = true
		switch {
		case ent.stage != 0:
			conflicted[ent.name] = true
			continue
		case ent.intentToAdd || !scannable(ent.mode) || underPruned(ent.name, pruned):
			continue
		}
		old := headFiles[ent.name]
		if old == ent.hash {
			continue
		}
		fc := fileChange{to: ent.name, toHash: ent.hash}
		if !old.IsZero() {
			fc.from, fc.fromHash = ent.name, old
		}
		changes = append(changes, fc)
	}
	if n := len(conflicted); n > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d unmerged path(s) not scanned: resolve the conflicts, stage the result, then scan again", n))
	}

	// Content deleted from HEAD in this change may have moved to a new
	// path (a rename, with or without edits): its secrets are not new.
	var deleted []plumbing.Hash
	var deletedPaths []string
	for p, h := range headFiles {
		if !staged[p] {
			deleted = append(deleted, h)
			deletedPaths = append(deletedPaths, p)
		}
	}
	var moved map[string]bool
	movedSecrets := func() map[string]bool {
		if moved == nil {
			moved = map[string]bool{}
			for i, h := range deleted {
				for _, m := range e.scan(h, deletedPaths[i]).matches {
					moved[m.Secret.ID()] = true
				}
			}
		}
		return moved
	}
	// A new path whose blob HEAD already has (at a deleted path: a
	// rename; at a kept one: a copy) adds no content. HEAD's full blob set
	// is listed only if a new file holds a secret.
	var headBlob map[plumbing.Hash]bool
	inHead := func(h plumbing.Hash) (bool, error) {
		if headTree == nil {
			return false, nil
		}
		if headBlob == nil {
			all := map[string]plumbing.Hash{}
			if err := listFiles(headTree, all); err != nil {
				return false, fmt.Errorf("failed to list the tree of HEAD: %w", err)
			}
			headBlob = make(map[plumbing.Hash]bool, len(all))
			for _, b := range all {
				headBlob[b] = true
			}
		}
		return headBlob[h], nil
	}

	sort.Slice(changes, func(i, j int) bool { return changes[i].to < changes[j].to })
	for _, fc := range changes {
		added, _ := e.classify(fc)
		if bs := e.scans[fc.toHash]; bs != nil && bs.missing {
			// git cannot commit a blob it lacks: the index belongs to
			// another repository (a --git-dir the scan did not open) or
			// the store is damaged. Passing the commit would be blind.
			return res, fmt.Errorf("%w: staged file %s (blob %s) is not in the object store of the repository scanned", ErrStagedBlobMissing, fc.to, fc.toHash.String()[:12])
		}
		if len(added) > 0 && fc.fromHash.IsZero() {
			copied, err := inHead(fc.toHash)
			if err != nil {
				return res, err
			}
			if copied {
				continue
			}
		}
		for _, m := range added {
			if fc.fromHash.IsZero() && len(deleted) > 0 && movedSecrets()[m.Secret.ID()] {
				continue
			}
			col.Add(m, scanner.Location{Source: scanner.SourceStaged, Path: fc.to, Change: scanner.Added})
		}
	}
	res.Warnings = append(res.Warnings, e.warnings()...)
	return res, nil
}

// listFiles records every scannable file of tree by slash-separated path.
func listFiles(tree *object.Tree, out map[string]plumbing.Hash) error {
	return walkTree(tree, "", out)
}

func walkTree(tree *object.Tree, prefix string, out map[string]plumbing.Hash) error {
	for _, ent := range tree.Entries {
		p := path.Join(prefix, ent.Name)
		switch {
		case ent.Mode == filemode.Dir:
			sub, err := tree.Tree(ent.Name)
			if err != nil {
				return fmt.Errorf("failed to read tree %s: %w", p, err)
			}
			if err := walkTree(sub, p, out); err != nil {
				return err
			}
		case scannable(ent.Mode):
			out[p] = ent.Hash
		}
	}
	return nil
}

// readIndex reads indexFile, or the repository's own index when it is "";
// a missing index is empty (nothing staged yet).
func readIndex(repo *git.Repository, indexFile string) (*gitIndex, error) {
	var data []byte
	var err error
	if indexFile != "" {
		data, err = os.ReadFile(indexFile)
	} else {
		fsst, ok := repo.Storer.(*filesystem.Storage)
		if !ok {
			return nil, fmt.Errorf("failed to read the index: repository has no file storage")
		}
		indexFile = "index"
		var f io.ReadCloser
		if f, err = fsst.Filesystem().Open("index"); err == nil {
			data, err = io.ReadAll(f)
			f.Close()
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return &gitIndex{trees: map[string]plumbing.Hash{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read the index: %w", err)
	}
	idx, err := parseIndex(data)
	if err != nil {
		return nil, fmt.Errorf("failed to read the index %s: %w", indexFile, err)
	}
	return idx, nil
}

// walkHead records HEAD's files under prefix, skipping (and recording in
// pruned) each directory whose tree id the cache tree holds unchanged.
func walkHead(st storer.EncodedObjectStorer, tree *object.Tree, prefix string, cached map[string]plumbing.Hash, out map[string]plumbing.Hash, pruned map[string]bool) error {
	if h, ok := cached[prefix]; ok && h == tree.Hash {
		pruned[prefix] = true
		return nil
	}
	for _, ent := range tree.Entries {
		p := ent.Name
		if prefix != "" {
			p = prefix + "/" + ent.Name
		}
		switch {
		case ent.Mode == filemode.Dir:
			sub, err := object.GetTree(st, ent.Hash)
			if err != nil {
				return fmt.Errorf("failed to read tree %s: %w", p, err)
			}
			if err := walkHead(st, sub, p, cached, out, pruned); err != nil {
				return err
			}
		case scannable(ent.Mode):
			out[p] = ent.Hash
		}
	}
	return nil
}

// underPruned reports whether path lies in a directory walkHead skipped.
func underPruned(path string, pruned map[string]bool) bool {
	if len(pruned) == 0 {
		return false
	}
	if pruned[""] {
		return true
	}
	for i := 0; i < len(path); i++ {
		if path[i] == '/' && pruned[path[:i]] {
			return true
		}
	}
	return false
}
