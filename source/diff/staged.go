package diff

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"sort"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"

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

	headFiles := map[string]plumbing.Hash{}
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
		tree, err := c.Tree()
		if err != nil {
			return res, fmt.Errorf("failed to read the tree of HEAD: %w", err)
		}
		if err := listFiles(tree, headFiles); err != nil {
			return res, fmt.Errorf("failed to list the tree of HEAD: %w", err)
		}
	}

	staged := map[string]bool{}
	var changes []fileChange
	conflicted := 0
	for _, ent := range idx.Entries {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		staged[ent.Name] = true
		switch {
		case ent.Stage != 0: // go-git's index.Merged is 1, but a merged entry decodes as 0
			conflicted++
			continue
		case ent.IntentToAdd || ent.Mode == filemode.Submodule || !scannable(ent.Mode):
			continue
		}
		old := headFiles[ent.Name]
		if old == ent.Hash {
			continue
		}
		fc := fileChange{to: ent.Name, toHash: ent.Hash}
		if !old.IsZero() {
			fc.from, fc.fromHash = ent.Name, old
		}
		changes = append(changes, fc)
	}
	if conflicted > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d unmerged index entries not scanned: resolve the conflicts, stage the result, then scan again", conflicted))
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
	// rename; at a kept one: a copy) adds no content.
	headBlob := make(map[plumbing.Hash]bool, len(headFiles))
	for _, h := range headFiles {
		headBlob[h] = true
	}

	sort.Slice(changes, func(i, j int) bool { return changes[i].to < changes[j].to })
	for _, fc := range changes {
		if fc.fromHash.IsZero() && headBlob[fc.toHash] {
			continue
		}
		added, _ := e.classify(fc)
		for _, m := range added {
			if fc.fromHash.IsZero() && len(deleted) > 0 && movedSecrets()[m.Secret.ID()] {
				continue
			}
			col.Add(m, scanner.Location{Source: "staged", Path: fc.to, Change: "added"})
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

func readIndex(repo *git.Repository, indexFile string) (*index.Index, error) {
	if indexFile == "" {
		idx, err := repo.Storer.Index()
		if err != nil {
			return nil, fmt.Errorf("failed to read the index: %w", err)
		}
		return idx, nil
	}
	f, err := os.Open(indexFile)
	if err != nil {
		return nil, fmt.Errorf("failed to read the index: %w", err)
	}
	defer f.Close()
	idx := &index.Index{}
	if err := index.NewDecoder(f).Decode(idx); err != nil {
		return nil, fmt.Errorf("failed to read the index %s: %w", indexFile, err)
	}
	return idx, nil
}
